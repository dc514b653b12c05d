"""What the certification stages compute, from the committee's decision to the certificate's
status: decision, certificate, surveillance and recertification."""
from __future__ import annotations

from datetime import date

from ..contract import Outcome, StageId, Status
from ..evaluation import evaluate
from ..evidence import evidence_period
from ..rules.kpis import KpiReport
from ..rules.lifecycle import due_status_change, recertification_window
from ..store.repository import Workbench
from .registry import StageOutcome, registry
from .results import CharacteristicResult, ReportResult, ScoredResult, read

SURVEILLANCE = "surveillance"


def compute_decision(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    decision = workbench.decision(audit_id)
    if decision is None:
        report = workbench.stage_result(audit_id, registry.report_stage())
        return StageOutcome("pending", {"recommendation": report.result["recommendation"] if report else None},
                            "认证决定尚未作出", "The committee has not decided yet")
    return StageOutcome("done", decision.as_dict())


def compute_certificate(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    """What the audit's decision did to the certificate: issued, reissued at a new level,
    suspended, withdrawn, reinstated or kept."""
    with workbench.reading() as view:
        decision = view.decision(audit_id)
        carried_out = view.decision_carried_out(audit_id)
        certificate = view.certificate_for(applicant_id)
        chain = view.certificate_chain(applicant_id)
        history = view.status_history(certificate.number) if certificate else []
    outcome = workbench.scheme.outcomes_by_id[decision.outcome]
    if outcome.certificate == "none":
        return StageOutcome("done", {"certified": False, "outcome": outcome.id, "reasons": decision.reasons},
                            "认证决定为不予认证，不发证书", "The decision was not to certify; no certificate")
    if not carried_out:
        return StageOutcome("pending", {"outcome": outcome.id}, f"认证决定（{outcome.name}）尚未执行",
                            f"The decision ({outcome.id}) has not been carried out on the certificate yet")
    return StageOutcome("done", {"certified": outcome.certified, "outcome": outcome.id,
                                 "certificate": certificate.as_dict(),
                                 "numbers": [c.number for c in chain],
                                 "history": [h.as_dict() for h in history]})


def kpi_comparison(previous: dict[str, dict], current: KpiReport) -> dict[str, dict]:
    """Each measure of this audit's period against the previous audit's, each from its own
    audit's data: the previous as its characteristic stage recorded it."""
    return {measure: {"previous": (previous.get(measure) or {}).get("value"), "last": kpi.value}
            for measure, kpi in current.overall.items()}


def recorded_kpis(workbench: Workbench, audit_id: int) -> dict[str, dict]:
    """The KPIs an audit's characteristic stage recorded (never recomputed)."""
    record = workbench.stage_result(audit_id, StageId.CHARACTERISTIC)
    return read(record, CharacteristicResult).kpis if record else {}


def recorded_scores(workbench: Workbench, audit_id: int) -> dict | None:
    """An audit's scores as its stages recorded them (never recomputed: an earlier audit is
    compared as it was decided): the report's overall and dimension scores, and the item
    scores of its characteristic and system audit stages."""
    results = workbench.stage_results(audit_id)
    report_stage = registry.report_stage()
    if report_stage not in results:
        return None
    items: dict[str, dict] = {}
    for stage_id in registry.scoring_stages():  # the item scores are recorded by the stage that scores them
        if stage_id != report_stage and stage_id in results:
            scored = read(results[stage_id], ScoredResult).scores
            items.update(scored.items if scored else {})
    scores = read(results[report_stage], ReportResult).scores
    return {"score": scores.score, "level": scores.level.model_dump(), "dimension_scores": scores.dimension_scores,
            "items": items}


def audit_comparison(previous: dict, current: dict, scheme) -> dict:
    """This audit against the one before, dimension by dimension and item by item (the items
    both audits scored)."""
    dimensions = {d: {"previous": previous["dimension_scores"].get(d), "current": current["dimension_scores"].get(d)}
                  for d in scheme.dimension_ids}
    items = {}
    for item_id in sorted(set(previous["items"]) & set(current["items"])):
        before, now = previous["items"][item_id], current["items"][item_id]
        if before["status"] == "scored" and now["status"] == "scored":
            items[item_id] = {"previous": before["credit"], "current": now["credit"],
                              "change": now["credit"] - before["credit"]}
    return {"dimensions": dimensions, "items": items,
            "worse": [i for i, v in items.items() if v["change"] < 0],
            "better": [i for i, v in items.items() if v["change"] > 0]}


def compute_surveillance(workbench: Workbench, applicant_id: str, audit_id: int) -> StageOutcome:
    """A surveillance (or special) audit compared with the audit before it, from what each
    recorded; and the monitoring data of its evidence period against the previous audit's."""
    with workbench.reading() as view:
        previous = view.previous_audit(audit_id)
        current_eval = evaluate(view, applicant_id, audit_id)
        before = recorded_scores(view, previous.id) if previous else None
        previous_kpis = recorded_kpis(view, previous.id) if previous else {}
        previous_period = evidence_period(view, previous.id) if previous else None
    current = {"score": current_eval.score.score, "dimension_scores": current_eval.score.dimension_scores,
               "level": {"rank": current_eval.score.level.rank, "label": current_eval.score.level.label},
               "items": {i.item_id: {"status": i.status, "credit": i.credit} for i in current_eval.score.items}}
    result = {"current": {k: v for k, v in current.items() if k != "items"},
              "previous_audit": previous.as_dict() if previous else None,
              "periods": {"current": current_eval.evidence.period.as_dict() if current_eval.evidence else None,
                          "previous": previous_period.as_dict() if previous_period else None}}
    if before is not None:
        result["previous"] = {k: v for k, v in before.items() if k != "items"}
        result["change"] = current["score"] - before["score"]
        result["comparison"] = audit_comparison(before, current, workbench.scheme)
    if current_eval.kpis is not None:
        result["kpi_comparison"] = kpi_comparison(previous_kpis, current_eval.kpis)
    return StageOutcome("done", result)


def compute_recertification(workbench: Workbench, applicant_id: str, audit_id: int,
                            today: date | None = None) -> StageOutcome:
    """The certificate's status as of today: what the rules say is due (a missed surveillance,
    an overdue major finding, an expired suspension or validity) and the recertification window."""
    today = today or workbench.clock.today()
    with workbench.reading() as view:
        certificate = view.certificate_for(applicant_id)
        if certificate is None:
            return StageOutcome("pending", {}, "没有证书", "No certificate")
        history = view.status_history(certificate.number)
        cycle_start = view.cycle_start(certificate)
        done = surveillances_done(view, applicant_id, since=cycle_start)
        overdue = overdue_major_findings(view, applicant_id, today)
        suspended_on = next((h.on for h in reversed(history) if h.to_status == Status.SUSPENDED), None)
        deadline = suspension_deadline(view, applicant_id, certificate.number, suspended_on)
        audits_due = special_audits_due(view, applicant_id, today)
    due = due_status_change(workbench.scheme, status=certificate.status, decision_date=cycle_start,
                            today=today, surveillances_done=done, suspended_on=suspended_on,
                            suspension_deadline=deadline if certificate.status == Status.SUSPENDED else None,
                            expires_on=certificate.expires_on, overdue_major_findings=overdue)
    automatic = {(r.status, r.id) for r in workbench.scheme.status_reasons if r.automatic}
    window = recertification_window(workbench.scheme, certificate.expires_on)
    return StageOutcome("done", {
        "certificate": certificate.as_dict(), "history": [h.as_dict() for h in history],
        "surveillances_done": done, "overdue_major_findings": overdue,
        "due_change": {**due.__dict__, "automatic": (due.to_status, due.reason) in automatic} if due else None,
        "audits_due": audits_due,
        "recertification_window": {"apply_from": window.opens_on, "apply_by": window.apply_by,
                                   "finish_by": window.finish_by, "open": window.is_open(today)},
        "as_of": today,
    })


def surveillances_done(workbench: Workbench, applicant_id: str, since: date) -> list[date]:
    """The days the surveillance audits of the cycle that began on `since` were decided."""
    done = []
    for audit in workbench.audits(applicant_id):
        decision = workbench.decision(audit.id) if audit.audit_type == SURVEILLANCE else None
        if decision is not None and decision.decided_on >= since:
            done.append(decision.decided_on)
    return done


def overdue_major_findings(workbench: Workbench, applicant_id: str, today: date) -> int:
    """Findings that must be verified before the certificate holds (a major nonconformity)
    whose corrective action is past its deadline and not verified, in any of the audits."""
    grades = {g.id for g in workbench.scheme.finding_grades if g.blocks_until == "verified"}
    count = 0
    for audit in workbench.audits(applicant_id):
        count += sum(1 for f in workbench.findings(audit.id)
                     if f.grade in grades and f.active and f.verified_on is None
                     and f.due_on is not None and f.due_on < today)
    return count


def suspension_deadline(workbench: Workbench, applicant_id: str, number: str, suspended_on: date | None) -> date | None:
    """The deadline of the decision that suspended the certificate on `suspended_on`: the
    committee's decision between audits, or after an audit (a suspension by rule has none)."""
    if suspended_on is None:
        return None
    between = [(d.decided_on, d.deadline) for d in workbench.certificate_decisions(applicant_id)
               if d.certificate_number == number and d.carried_out_on is not None and d.deadline is not None]
    after_audit = [(d.decided_on, d.deadline) for d in (workbench.decision(a.id) for a in workbench.audits(applicant_id))
                   if d is not None and d.outcome == Outcome.SUSPEND and d.deadline is not None]
    newest = max((d for d in between + after_audit if d[0] >= suspended_on), default=None)
    return newest[1] if newest else None


def special_audits_due(workbench: Workbench, applicant_id: str, today: date) -> list[dict]:
    """The applicant's short-notice special audits not decided yet, with the day each is due by
    (a failed supervision sampling, a major accident, an upheld complaint: 30 days by default)."""
    return [{"audit": a.id, "special_reason": a.special_reason, "due_by": a.due_by, "overdue": today > a.due_by}
            for a in workbench.audits(applicant_id) if a.due_by is not None and workbench.decision(a.id) is None]
