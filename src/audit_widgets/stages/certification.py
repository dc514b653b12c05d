"""What the certification stages compute, from the committee's decision to the certificate's
status: decision, certificate, surveillance and recertification."""
from __future__ import annotations

from datetime import date

from ..evaluation import evaluate
from ..rules.kpis import KpiReport
from ..rules.lifecycle import due_status_change, recertification_window, surveillance_due_dates
from ..store.repository import Workbench
from .registry import StageOutcome

SURVEILLANCE = "surveillance"


def compute_decision(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    decision = workbench.decision(application_id)
    if decision is None:
        report = workbench.stage_result(application_id, "report")
        return StageOutcome("pending", {"recommendation": report.result["recommendation"] if report else None},
                            "认证决定尚未作出", "The committee has not decided yet")
    return StageOutcome("done", decision.as_dict())


def compute_certificate(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    with workbench.reading() as view:
        decision = view.decision(application_id)
        certificate = view.certificate_for(applicant_id)
        history = view.status_history(certificate.number) if certificate else []
    if decision is not None and not decision.certified:
        return StageOutcome("done", {"certified": False, "reasons": decision.reasons},
                            "认证决定为不予认证，不发证书", "The decision was not to certify; no certificate")
    if certificate is None:
        return StageOutcome("pending", {}, "证书尚未签发", "The certificate has not been issued yet")
    return StageOutcome("done", {"certified": True, "certificate": certificate.as_dict(),
                                 "history": [h.as_dict() for h in history]})


def kpi_comparison(kpis: KpiReport, months: int) -> dict[str, dict]:
    """Each measure over the last `months` months against the `months` before them."""
    calendar = sorted(kpis.monthly["month"].unique())
    recent, earlier = calendar[-months:], calendar[-2 * months:-months]

    def mean_of(rows, period) -> float | None:
        part = rows[rows["month"].isin(period)]
        total = part["denominator"].sum()
        return float(part["numerator"].sum() / total) if total else None

    return {measure: {"previous": mean_of(rows, earlier), "last": mean_of(rows, recent)}
            for measure, rows in kpis.monthly.groupby("measure")}


def compute_surveillance(workbench: Workbench, applicant_id: str, application_id: int) -> StageOutcome:
    with workbench.reading() as view:
        certificate = view.certificate_for(applicant_id)
        if certificate is None:
            return StageOutcome("pending", {}, "没有有效证书，无需监督审核", "No certificate: no surveillance is due")
        decision = view.decision(application_id)
        initial = evaluate(view, applicant_id, application_id)
        surveillance_id = view.current_application(applicant_id, SURVEILLANCE)
        current = evaluate(view, applicant_id, surveillance_id, reuse=initial) if surveillance_id else None
    months = workbench.scheme.lifecycle_rules.surveillance_comparison_months
    result = {"certificate": certificate.number,
              "due_dates": surveillance_due_dates(workbench.scheme, decision.decided_on),
              "initial": {"score": initial.score.score, "dimension_scores": initial.score.dimension_scores},
              "comparison_months": months}
    if initial.kpis is not None:
        result["kpi_comparison"] = kpi_comparison(initial.kpis, months)
    if current is not None:
        result["surveillance"] = {"application_id": surveillance_id, "score": current.score.score,
                                  "dimension_scores": current.score.dimension_scores,
                                  "level": current.score.level.label,
                                  "change": current.score.score - initial.score.score}
    return StageOutcome("done", result)


def compute_recertification(workbench: Workbench, applicant_id: str, application_id: int,
                            today: date | None = None) -> StageOutcome:
    today = today or date.today()
    with workbench.reading() as view:
        certificate = view.certificate_for(applicant_id)
        if certificate is None:
            return StageOutcome("pending", {}, "没有证书", "No certificate")
        decision = view.decision(application_id)
        history = view.status_history(certificate.number)
        surveillance_id = view.current_application(applicant_id, SURVEILLANCE)
        done = [view.application(surveillance_id).submitted_on] if surveillance_id is not None else []
    suspended_on = next((h.on for h in reversed(history) if h.to_status == "suspended"), None)
    due = due_status_change(workbench.scheme, status=certificate.status, decision_date=decision.decided_on,
                            today=today, surveillances_done=done, suspended_on=suspended_on)
    apply_from, finish_by = recertification_window(workbench.scheme, certificate.expires_on)
    return StageOutcome("done", {
        "certificate": certificate.as_dict(), "history": [h.as_dict() for h in history],
        "due_change": due.__dict__ if due else None,
        "recertification_window": {"apply_from": apply_from, "finish_by": finish_by,
                                   "open": apply_from <= today <= finish_by},
        "as_of": today,
    })
