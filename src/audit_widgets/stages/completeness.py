"""Gather what each completeness check needs from the store and ask the rules what is missing."""
from __future__ import annotations

from ..evaluation import Evaluation, case_answers, evaluate, merged_answers
from ..evidence import leaders_before
from ..rules.completeness import (
    Gap,
    answer_gaps,
    audit_date_gaps,
    document_gaps,
    particular_gaps,
    plan_gaps,
    review_gaps,
    sample_count_gaps,
    team_gaps,
    uscc_gaps,
)
from ..rules.team import TeamCheck, check_team
from ..rules.uscc import check_uscc
from ..store.repository import Workbench


def team_check_for(view: Workbench, applicant_id: str, audit_id: int) -> TeamCheck:
    """The audit team checked on the audit's first day (today while it has no dates)."""
    programme = view.programme(audit_id)
    audit_date = (programme.audit_start if programme else None) or view.clock.today()
    return check_team(view.scheme, view.team(audit_id), applicant_id=applicant_id,
                      applicant_domains=view.audit_domains(audit_id), audit_date=audit_date,
                      previous_leaders=leaders_before(view, audit_id))


def audit_plan_gaps(view: Workbench, applicant_id: str, audit_id: int) -> list[Gap]:
    """Whether the audit plan delivers the programme: sites, dates and countable auditor-days."""
    return plan_gaps(view.scheme, view.programme(audit_id), view.audit_plan(audit_id),
                     team_check_for(view, applicant_id, audit_id).counted_auditors)


def stage_gaps(workbench: Workbench, stage_id: str, applicant_id: str, audit_id: int,
               evaluation: Evaluation | None = None) -> list[Gap]:
    """What the stage still lacks. `evaluation`: the one the stage just computed, if any."""
    scheme = workbench.scheme
    stage = scheme.procedure_by_id[stage_id]
    checks = set(stage.complete_when)
    gaps: list[Gap] = []
    with workbench.reading() as view:
        applicant = view.get_applicant(applicant_id)
        domains = view.audit_domains(audit_id)  # a scope extension's audit covers the new domains
        if "documents" in checks:
            gaps += document_gaps(scheme, view.documents(audit_id))
        if "uscc" in checks:
            uscc = check_uscc(applicant.uscc)
            gaps += uscc_gaps(uscc.valid, uscc.zh)
        # An application is reviewed once, at the audits that go through the application stage.
        if "review" in checks and scheme.procedure_by_id["application"].applies_to(
                view.audit(audit_id).audit_type):
            review = view.review(audit_id)
            gaps += review_gaps(review.accepted if review else None)
        if "team" in checks:
            gaps += team_gaps(team_check_for(view, applicant_id, audit_id), len(view.team(audit_id)))
        if "audit_dates" in checks:
            gaps += audit_date_gaps(view.programme(audit_id))
        if "plan" in checks:
            gaps += audit_plan_gaps(view, applicant_id, audit_id)
        if "particulars" in checks:
            gaps += particular_gaps(scheme, view.audit(audit_id).audit_type, view.particulars(audit_id))
        if checks & {"answers", "sample_counts"}:
            covered = view.audit(audit_id).covered_methods(scheme)
            items = [i for m in scheme.methods_of(stage, covered) for i in scheme.items_for(domains, m)]
            evaluation = evaluation or evaluate(view, applicant_id, audit_id)
            scores = {s.item_id: s for s in evaluation.score.items}
            items = [i for i in items if scores[i.id].status != "not_applicable"]
            if "answers" in checks:
                gaps += answer_gaps(items, scores)
            if "sample_counts" in checks:
                answers = merged_answers(view.answers(audit_id), case_answers(view, audit_id))
                gaps += sample_count_gaps(scheme, items, answers)
    return gaps
