"""An applicant's certification history as one timeline: its audits with their scores,
levels and decisions, every change of its certificates' status, and its complaints and
appeals. `audit-workbench audits --applicant ID` prints it; the status workbook shows it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .stages import registry
from .stages.results import ReportResult, read
from .store.repository import Workbench


@dataclass(frozen=True)
class Timeline:
    audits: list[dict]
    certificate_events: list[dict]
    cases: list[dict]

    def as_dict(self) -> dict:
        return {"audits": self.audits, "certificate_events": self.certificate_events, "cases": self.cases}

    def lines(self) -> list[tuple[date, str]]:
        """(day, text) for each event, in date order: audits, status changes, cases."""
        events = []
        for a in self.audits:
            score = "—" if a["score"] is None else f"{a['score']:.2f}"
            decided = (f"，决定 decision {a['decision']}（{a['decided_on']}），等级 level {a['level_rank']}"
                       if a["decision"] else "，尚未决定 not decided")
            reason = f"，原因 reason: {a['reason']}" if a["reason"] else ""
            if a["disposed_on"]:
                reason += f"；记录已于 {a['disposed_on']} 处置 records disposed of"
            events.append((a["started_on"], f"审核 audit {a['id']} {a['type']}：得分 score {score}{decided}{reason}"))
        for e in self.certificate_events:
            events.append((e["on"], f"证书 certificate {e['certificate']} → {e['status']}（{e['reason']}）"))
        for c in self.cases:
            events.append((c["received_on"], f"{'投诉 complaint' if c['kind'] == 'complaint' else '申诉 appeal'} "
                                             f"{c['id']}：{c['outcome'] or '处理中 open'}"
                                             + _case_link(c)))
        return sorted(events, key=lambda e: e[0])


def applicant_timeline(workbench: Workbench, applicant_id: str) -> Timeline:
    with workbench.reading() as view:
        audits = []
        for audit in view.audits(applicant_id, include_disposed=True):
            decision = view.decision(audit.id)
            report = view.stage_result(audit.id, registry.report_stage())
            scores = read(report, ReportResult).scores if report else None
            audits.append({
                "id": audit.id, "type": audit.audit_type, "started_on": audit.submitted_on, "reason": audit.reason,
                "score": scores.score if scores else None,
                "level_rank": decision.level_rank if decision else (scores.level.rank if scores else None),
                "decision": decision.outcome if decision else None,
                "decided_on": decision.decided_on if decision else None, "disposed_on": audit.disposed_on,
            })
        events = [{"certificate": c.number, "status": h.to_status, "from": h.from_status, "reason": h.reason,
                   "on": h.on, "decided_by": h.decided_by}
                  for c in view.certificate_chain(applicant_id) for h in view.status_history(c.number)]
        cases = [{"kind": "complaint", "id": c.id, "received_on": c.received_on, "outcome": c.outcome,
                  "action": c.action, "audit_id": c.audit_id, "subject": c.subject}
                 for c in view.complaints(applicant_id)]
        cases += [{"kind": "appeal", "id": a.id, "received_on": a.received_on, "outcome": a.outcome,
                   "audit_id": a.audit_id, "subject": a.grounds}
                  for a in view.appeals(applicant_id)]
    return Timeline(audits, sorted(events, key=lambda e: e["on"]), sorted(cases, key=lambda c: c["received_on"]))


def _case_link(case: dict) -> str:
    if case["kind"] == "appeal":
        return f"，针对审核 against audit {case['audit_id']} 的决定"
    return f"，特殊审核 special audit {case['audit_id']}" if case.get("audit_id") else ""
