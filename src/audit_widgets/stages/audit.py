"""What the audit stages compute, from application to report, the same in JupyterLab and in
batch. Each returns a StageOutcome: `done` with the stage's result (recorded by `run_stage`),
`pending` when the people of that stage have not acted yet, or `blocked` (set by `run_stage`)
when a prerequisite stage has no result."""
from __future__ import annotations

from dataclasses import asdict

from ..evaluation import Evaluation, evaluate, recommendation
from ..evidence import audit_evidence, sites_visited
from ..rules.answers import exclusions
from ..rules.application import missing_documents
from ..rules.cases import lot_counts
from ..rules.planning import CaseLots, closed_cases, plan_audit
from ..rules.sampling import sampling_statement
from ..rules.scoring import method_statement
from ..rules.survey import callback_record
from ..rules.uscc import check_uscc
from ..store.repository import Workbench
from .completeness import team_check_for
from .registry import StageOutcome


def score_summary(evaluation: Evaluation, modes: tuple[str, ...] | None = None) -> dict:
    score = evaluation.score
    items = [i for i in score.items if modes is None or i.mode in modes]
    return {
        "score": score.score,
        "level": {"rank": score.level.rank, "label": score.level.label, "name": score.level.name},
        "dimension_scores": score.dimension_scores,
        "mode_scores": score.mode_scores,
        "cells": {f"{m}|{d}": v for (m, d), v in score.cells.items() if modes is None or m in modes},
        "items": {i.item_id: {"status": i.status, "credit": i.credit, "earned": i.earned, "points": i.points,
                              "basis": i.basis, "veto_failed": i.veto_failed} for i in items},
        "unanswered": [i.item_id for i in items if i.status == "unanswered"],
    }


def compute_application(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    with workbench.reading() as view:
        applicant = view.get_applicant(applicant_id)
        documents = view.documents(audit_id)
    missing = missing_documents(workbench.scheme, documents)
    uscc = check_uscc(applicant.uscc)
    result = {"applicant": applicant.as_dict(),
              "documents": {k: [d.as_dict() for d in v] for k, v in documents.items()},
              "missing_documents": missing, "uscc_valid": uscc.valid, "complete": uscc.valid and not missing}
    return StageOutcome("done", result)


def compute_planning(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    scheme = workbench.scheme
    with workbench.reading() as view:
        applicant = view.get_applicant(applicant_id)
        lots = CaseLots.of(closed_cases(audit_evidence(view, audit_id).work_orders.records))
        team = view.team(audit_id)
        programme = view.programme(audit_id)
        audit_type = view.audit(audit_id).audit_type
        review = view.review(audit_id)
        audit_plan = view.audit_plan(audit_id)
        visits = sites_visited(view, audit_id)
        team_check = team_check_for(view, applicant_id, audit_id)  # on the audit's first day
    plan = plan_audit(scheme, applicant, lots, audit_type, programme.site_sample if programme else None)
    result = {
        "audit_type": audit_type,
        "person_days": plan.person_days.as_dict(),
        "site_sample_size": plan.site_sample_size,
        "site_sample": programme.site_sample.as_dict() if programme and programme.site_sample else None,
        "sites_visited": visits,  # the sites each earlier audit of the cycle covered
        "case_lots": plan.as_dict()["case_lots"],
        "case_sample": plan.case_sample.as_dict() if plan.case_sample else None,
        "team": [{"id": m.auditor.id, "name": m.auditor.name, "grade": m.auditor.grade, "role": m.role}
                 for m in team],
        "team_violations": [asdict(v) for v in team_check.violations],
        "team_warnings": [asdict(v) for v in team_check.warnings],
        "audit_start": programme.audit_start if programme else None,
        "audit_end": programme.audit_end if programme else None,
        "cycle_plan": [e.as_dict() for e in programme.cycle_plan] if programme else [],
        "review": review.as_dict() if review else None,
        "audit_plan": audit_plan.as_dict() if audit_plan else None,
    }
    if review is not None and not review.accepted:
        return StageOutcome("done", result, f"不予受理：{review.reason}", f"Refused at review: {review.reason}")
    if not team:
        return StageOutcome("pending", result, "尚未组建审查组", "The audit team has not been set")
    return StageOutcome("done", result)


def compute_contract(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    contract = workbench.contract(audit_id)
    if contract is None:
        return StageOutcome("pending", {}, "认证合同尚未签订", "The certification contract is not signed yet")
    return StageOutcome("done", contract.as_dict())


def compute_characteristic(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    with workbench.reading() as view:
        evaluation = evaluate(view, applicant_id, audit_id)
        sample = view.case_sample(audit_id)
        calls = view.callback_sample(audit_id)
    result = {"scores": score_summary(evaluation, tuple(workbench.scheme.procedure_by_id["characteristic"].modes))}
    if calls is not None:
        result["callbacks"] = callback_record(calls)
    if evaluation.survey is not None:
        result["survey"] = evaluation.survey.as_dict()
    if evaluation.kpis is not None:
        monthly = evaluation.kpis.monthly
        result["kpis"] = {k: asdict(v) for k, v in evaluation.kpis.overall.items()}
        result["out_of_control"] = monthly[monthly["out_of_control"]][["measure", "month", "value"]].to_dict("records")
        # The monthly series with their control limits, for the committee's trend charts.
        series = monthly[["measure", "month", "value", "centre", "lcl", "ucl", "out_of_control"]]
        result["kpi_monthly"] = series.astype(object).where(series.notna(), None).to_dict("records")
    if evaluation.evidence is not None:
        result["evidence"] = evaluation.evidence.summary()
    if sample is not None:
        result["case_sample"] = {"population_hash": sample.population_hash, "population_size": sample.population_size,
                                 "method": sample.method, "seed": sample.seed, "drawn": len(sample.ids),
                                 "verified": len(sample.verified)}
        result["case_answers"] = {k: v.as_dict() for k, v in evaluation.case_answers.items()}
        result["case_lots"] = [asdict(count) for count in lot_counts(workbench.scheme, sample)]
        result["lot_weighting"] = workbench.scheme.sampling_rules.lot_weighting
    return StageOutcome("done", result, evaluation=evaluation)


def compute_system_audit(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    evaluation = evaluate(workbench, applicant_id, audit_id)
    modes = tuple(workbench.scheme.procedure_by_id["system_audit"].modes)
    return StageOutcome("done", {"scores": score_summary(evaluation, modes)}, evaluation=evaluation)


def compute_report(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    with workbench.reading() as view:
        evaluation = evaluate(view, applicant_id, audit_id)
        advice = recommendation(view, evaluation, view.clock.today())
        findings = view.findings(audit_id)
        adjustments = view.adjustments(audit_id)
        notes = {item_id: record.note for item_id, record in view.answer_records(audit_id).items()}
    applicant = evaluation.applicant
    method_zh, method_en = method_statement(workbench.scheme)
    sampling_zh, sampling_en = sampling_statement(workbench.scheme)
    result = {
        "scores": score_summary(evaluation),
        "score_result": evaluation.score.as_dict(),
        "scoring_method": {"zh": method_zh, "en": method_en},
        "sampling_method": {"zh": sampling_zh, "en": sampling_en},
        "not_applicable": exclusions(workbench.scheme, evaluation.score.items, notes, applicant.domains,
                                     applicant.organisation_type),
        "findings": [f.as_dict() for f in findings],
        "adjustments": [a.as_dict() for a in adjustments],
        "recommendation": advice.as_dict(),
    }
    return StageOutcome("done", result)
