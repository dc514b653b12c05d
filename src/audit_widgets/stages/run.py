"""Run one stage for an applicant: compute it, list what it still lacks, record its result."""
from __future__ import annotations

from ..contract import StageId
from ..store.repository import Workbench
from .completeness import stage_gaps
from .registry import StageOutcome, registry

DECISION = StageId.DECISION  # the stage after which an audit's earlier results are final
REVIEWED_BEFORE = (StageId.APPLICATION, StageId.PLANNING)  # the stages up to the review, which a refusal ends


def run_stage(workbench: Workbench, stage_id: str, applicant_id: str, audit_id: int | None = None, *,
              start: bool = True) -> StageOutcome:
    """Compute a stage of an audit (the applicant's current one unless given) and, when it is
    done and not signed off, record its result. A stage with completeness checks records what
    is still missing with it (`result["missing"]`); sign-off is refused until that list is
    empty. A stage the audit's type does not go through is skipped. `start=False` (the batch)
    recomputes what people have recorded but does not record a first, incomplete result: a stage
    nobody has worked on stays not started."""
    stage = registry.get(stage_id)
    audit_id = workbench.resolve_audit(applicant_id, audit_id, open_if_none=True)
    audit_type = workbench.audit(audit_id).audit_type
    if not workbench.scheme.procedure_by_id[stage_id].applies_to(audit_type):
        name = workbench.scheme.audit_type(audit_type).name
        return StageOutcome("skipped", {"audit_type": audit_type}, f"{name}不经过本阶段",
                            f"A {audit_type} audit does not go through this stage")
    if workbench.signature_state(audit_id, stage_id) == "tampered":
        return StageOutcome("tampered", {}, "本阶段签署后被改动（签名与内容不符），结果不可采信；请运行 audit-workbench verify",
                            "This stage was changed after sign-off (its signature does not match): its result "
                            "cannot be relied on; run audit-workbench verify")
    if stage_id in workbench.scheme.stages_before(DECISION) and workbench.decision(audit_id) is not None:
        recorded = workbench.stage_result(audit_id, stage_id)
        if recorded is not None:  # what the decision was taken on stays as it was recorded
            return StageOutcome("done", recorded.result, "已作出认证决定：本阶段结果为决定时所记录的结果",
                                "The decision is taken: this stage's result is the one recorded then")
    review = workbench.review(audit_id)
    if review is not None and not review.accepted and stage_id not in REVIEWED_BEFORE:
        return StageOutcome("blocked", {"refused": review.reason}, f"申请评审不予受理，申请已终止：{review.reason}",
                            f"The application was refused at review and has ended: {review.reason}")
    missing = workbench.missing_prerequisites(audit_id, stage_id)
    if missing:
        names = "、".join(s.name for s in missing)
        return StageOutcome("blocked", {"missing": [s.id for s in missing]},
                            f"请先完成前置阶段：{names}", "Finish the prerequisite stages first: "
                            + ", ".join(s.id for s in missing))
    outcome = stage.compute(workbench, applicant_id, audit_id)
    if outcome.status == "done" and workbench.scheme.procedure_by_id[stage_id].complete_when:
        outcome.gaps = stage_gaps(workbench, stage_id, applicant_id, audit_id, outcome.evaluation)
        outcome.result = {**outcome.result, "missing": [g.as_dict() for g in outcome.gaps]}
    if outcome.status == "done" and outcome.gaps and not start and workbench.stage_result(audit_id, stage_id) is None:
        return StageOutcome("pending", outcome.result,
                            f"本阶段尚未开始（尚缺 {len(outcome.gaps)} 项），批量运行不记录未开始的阶段",
                            f"Not started yet ({len(outcome.gaps)} things missing): a batch run does not record a "
                            "stage nobody has worked on", outcome.gaps, outcome.evaluation)
    if outcome.status == "done" and not workbench.is_signed(audit_id, stage_id):
        workbench.record_stage_result(audit_id, stage_id, outcome.result)
    return outcome
