"""What each procedure stage computes from the store, the same in JupyterLab and in batch.

Each `compute_*` function reads the store, applies the rules and returns a StageOutcome:
`done` with the stage's result (recorded in the store by `run_stage`), `pending` when the
people of that stage have not acted yet (no contract signed, no decision taken), or
`blocked` when a prerequisite stage has no result.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


from .evaluation import Evaluation, evaluate, recommendation
from .rules.lifecycle import due_status_change, recertification_window, surveillance_due_dates
from .rules.person_days import person_days
from .rules.sampling import case_sample_size, site_sample_size
from .rules.team import check_team
from .rules.uscc import check_uscc
from .store.repository import Workbench


@dataclass
class StageOutcome:
    status: str  # done, pending, blocked
    result: dict = field(default_factory=dict)
    zh: str = ""
    en: str = ""


def _score_summary(evaluation: Evaluation, modes: tuple[str, ...] | None = None) -> dict:
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


def compute_application(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    applicant = workbench.get_applicant(applicant_id)
    documents = workbench.documents(application_id)
    missing = [d.id for d in workbench.scheme.application_documents if d.required and d.id not in documents]
    uscc = check_uscc(applicant["uscc"])
    result = {"applicant": applicant, "documents": documents, "missing_documents": missing,
              "uscc_valid": uscc.valid, "complete": uscc.valid and not missing}
    return StageOutcome("done", result)


def compute_planning(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    scheme = workbench.scheme
    applicant = workbench.get_applicant(applicant_id)
    days = person_days(scheme, applicant["personnel"], outlets=applicant["outlets"],
                       categories=applicant["product_categories"], stage="initial")
    orders = workbench.work_orders(applicant_id)
    lot = int(orders["closed_at"].notna().sum()) if not orders.empty else 0
    cases = case_sample_size(scheme, lot).as_dict() if lot else None
    team = workbench.team(application_id)
    programme = workbench.programme(application_id) or {}
    audit_date = programme.get("audit_start") or date.today()
    team_check = check_team(scheme, team, applicant_id=applicant_id, applicant_domains=applicant["domains"],
                            audit_date=audit_date, decision_makers=workbench.decision_makers())
    result = {
        "person_days": days.as_dict(),
        "site_sample_size": site_sample_size(scheme, applicant["outlets"], "initial"),
        "case_sample": cases,
        "team": [{"id": m.auditor.id, "name": m.auditor.name, "grade": m.auditor.grade, "role": m.role}
                 for m in team],
        "team_violations": [asdict(v) for v in team_check.violations],
        "audit_start": programme.get("audit_start"),
        "audit_end": programme.get("audit_end"),
        "cycle_plan": programme.get("cycle_plan", []),
    }
    if not team:
        return StageOutcome("pending", result, "尚未组建审查组", "The audit team has not been set")
    return StageOutcome("done", result)


def compute_contract(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    recorded = workbench.stage_result(application_id, "contract")
    if recorded is None or not recorded["result"].get("signed_on"):
        return StageOutcome("pending", {}, "认证合同尚未签订", "The certification contract is not signed yet")
    return StageOutcome("done", recorded["result"])


def compute_characteristic(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    evaluation = evaluate(workbench, applicant_id, application_id)
    result = {"scores": _score_summary(evaluation, ("5.1",))}
    if evaluation.survey is not None:
        result["survey"] = evaluation.survey.as_dict()
    if evaluation.kpis is not None:
        monthly = evaluation.kpis.monthly
        result["kpis"] = {k: asdict(v) for k, v in evaluation.kpis.overall.items()}
        result["out_of_control"] = monthly[monthly["out_of_control"]][["measure", "month", "value"]].to_dict("records")
    sample = workbench.case_sample(application_id)
    if sample is not None:
        result["case_sample"] = {k: sample[k] for k in ("population_hash", "population_size", "method", "seed")} | {
            "drawn": len(sample["ids"]), "verified": len(sample["verified"])}
        result["case_answers"] = {k: asdict(v) for k, v in evaluation.case_answers.items()}
    return StageOutcome("done", result)


def compute_system_audit(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    evaluation = evaluate(workbench, applicant_id, application_id)
    return StageOutcome("done", {"scores": _score_summary(evaluation, ("5.2",))})


def compute_report(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    evaluation = evaluate(workbench, applicant_id, application_id)
    advice = recommendation(workbench, evaluation, date.today(), workbench.decision_makers())
    result = {
        "scores": _score_summary(evaluation),
        "score_result": evaluation.score.as_dict(),
        "findings": workbench.findings(application_id),
        "adjustments": workbench.adjustments(application_id),
        "recommendation": advice.as_dict(),
    }
    return StageOutcome("done", result)


def compute_decision(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    decision = workbench.decision(application_id)
    if decision is None:
        report = workbench.stage_result(application_id, "report")
        return StageOutcome("pending", {"recommendation": report["result"]["recommendation"] if report else None},
                            "认证决定尚未作出", "The committee has not decided yet")
    return StageOutcome("done", decision)


def compute_certificate(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    decision = workbench.decision(application_id)
    if decision is not None and not decision["certified"]:
        return StageOutcome("done", {"certified": False, "reasons": decision["reasons"]},
                            "认证决定为不予认证，不发证书", "The decision was not to certify; no certificate")
    certificate = workbench.certificate_for(applicant_id)
    if certificate is None:
        return StageOutcome("pending", {}, "证书尚未签发", "The certificate has not been issued yet")
    return StageOutcome("done", {"certified": True, "certificate": certificate,
                                 "history": workbench.status_history(certificate["number"])})


def compute_surveillance(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    certificate = workbench.certificate_for(applicant_id)
    if certificate is None:
        return StageOutcome("pending", {}, "没有有效证书，无需监督审核", "No certificate: no surveillance is due")
    decision = workbench.decision(application_id)
    due = surveillance_due_dates(workbench.scheme, decision["decided_on"])
    initial = evaluate(workbench, applicant_id, application_id)
    result = {"certificate": certificate["number"], "due_dates": due,
              "initial": {"score": initial.score.score, "dimension_scores": initial.score.dimension_scores}}
    report = initial.kpis
    if report is not None:
        months = sorted(report.monthly["month"].unique())
        recent, earlier = months[-12:], months[-24:-12]
        monthly = report.monthly
        comparison = {}
        for measure, rows in monthly.groupby("measure"):
            def mean_of(period):
                part = rows[rows["month"].isin(period)]
                total = part["denominator"].sum()
                return float(part["numerator"].sum() / total) if total else None
            comparison[measure] = {"previous_12_months": mean_of(earlier), "last_12_months": mean_of(recent)}
        result["kpi_comparison"] = comparison
    surveillance_id = workbench.current_application(applicant_id, "surveillance")
    if surveillance_id is not None:
        current = evaluate(workbench, applicant_id, surveillance_id, reuse=initial)
        result["surveillance"] = {"application_id": surveillance_id, "score": current.score.score,
                                  "dimension_scores": current.score.dimension_scores,
                                  "level": current.score.level.label,
                                  "change": current.score.score - initial.score.score}
    return StageOutcome("done", result)


def compute_recertification(workbench: Workbench, applicant_id: str, application_id: int,
                            today: date | None = None) -> StageOutcome:
    certificate = workbench.certificate_for(applicant_id)
    if certificate is None:
        return StageOutcome("pending", {}, "没有证书", "No certificate")
    today = today or date.today()
    decision = workbench.decision(application_id)
    history = workbench.status_history(certificate["number"])
    suspended_on = next((h["changed_on"] for h in reversed(history) if h["to_status"] == "suspended"), None)
    surveillance_id = workbench.current_application(applicant_id, "surveillance")
    done = []
    if surveillance_id is not None:
        done = [workbench.application(surveillance_id)["submitted_on"]]
    due = due_status_change(workbench.scheme, status=certificate["status"], decision_date=decision["decided_on"],
                            today=today, surveillances_done=done, suspended_on=suspended_on)
    apply_from, finish_by = recertification_window(workbench.scheme, certificate["expires_on"])
    return StageOutcome("done", {
        "certificate": certificate, "history": history,
        "due_change": asdict(due) if due else None,
        "recertification_window": {"apply_from": apply_from, "finish_by": finish_by,
                                   "open": apply_from <= today <= finish_by},
        "as_of": today,
    })


COMPUTE = {
    "application": compute_application,
    "planning": compute_planning,
    "contract": compute_contract,
    "characteristic": compute_characteristic,
    "system_audit": compute_system_audit,
    "report": compute_report,
    "decision": compute_decision,
    "certificate": compute_certificate,
    "surveillance": compute_surveillance,
    "recertification": compute_recertification,
}


def run_stage(workbench: Workbench, stage_id: str, applicant_id: str) -> StageOutcome:
    """Compute a stage and, when it is done and not signed off, record its result."""
    application_id = workbench.current_application(applicant_id)
    if application_id is None:
        application_id = workbench.open_application(applicant_id)
    missing = workbench.missing_prerequisites(application_id, stage_id)
    if missing:
        names = "、".join(s.name for s in missing)
        return StageOutcome("blocked", {"missing": [s.id for s in missing]},
                            f"请先完成前置阶段：{names}", "Finish the prerequisite stages first: "
                            + ", ".join(s.id for s in missing))
    outcome = COMPUTE[stage_id](workbench, applicant_id, application_id)
    if outcome.status == "done" and not workbench.is_signed(application_id, stage_id):
        workbench.record_stage_result(application_id, stage_id, outcome.result)
    return outcome

