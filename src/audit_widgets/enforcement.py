"""What the rules make due to the certificates (issue 22 §1): `audit-workbench enforce` applies
the changes the scheme marks automatic (a missed surveillance suspends, the end of validity
expires), each naming its rule, and lists the others for the committee to decide (a withdrawal at
the end of a suspension, a suspension for an overdue major finding), and the short-notice special
audits due by then (§3). `due_list` says the same and changes nothing (the workbench service's
due list for integrations, issue 27 §2)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .contract import IN_FORCE
from .errors import RuleError
from .stages.certification import compute_recertification, special_audits_due
from .store.repository import Workbench


@dataclass(frozen=True)
class Due:
    applicant_id: str
    certificate: str
    to_status: str  # "": a special audit is due (audit names it)
    reason: str
    since: date
    applied: bool  # False: it waits for the committee's decision, or for the audit to be carried out
    audit: int | None = None
    automatic: bool = False  # the rules apply it without the committee (enforce does)

    def line(self, on: date | None = None) -> str:
        """The line for the day the rules were run (`on`, default today)."""
        if self.audit is not None:
            return (f"特殊审核 special audit {self.audit}（{self.reason}）应于 {self.since} 前完成 due by {self.since}"
                    + ("，已逾期 overdue" if self.since < (on or date.today()) else ""))
        if self.applied:
            return (f"已按规则变更 applied by rule: {self.certificate} → {self.to_status}（{self.reason}，"
                    f"自 since {self.since}）")
        return (f"须认证委员会决定 needs a committee decision: {self.certificate} → {self.to_status}（{self.reason}，"
                f"自 since {self.since}）")


def due_change(workbench: Workbench, applicant_id: str, today: date | None = None) -> tuple[str, dict] | None:
    """(certificate number, the change due) for the applicant's certificate as of `today`, or None."""
    outcome = compute_recertification(workbench, applicant_id, 0, today)
    due = outcome.result.get("due_change") if outcome.status == "done" else None
    return (outcome.result["certificate"]["number"], due) if due else None


def apply_due_change(workbench: Workbench, applicant_id: str, today: date | None = None) -> dict | None:
    """Record the change the rules say is due, on the day it fell due, when the scheme marks it
    automatic (else the store refuses it: the committee decides). Returns it, or None."""
    found = due_change(workbench, applicant_id, today)
    if found is None:
        return None
    number, due = found
    workbench.change_status_by_rule(number, due["to_status"], due["reason"], due["since"])
    return due


def due_list(workbench: Workbench, on: date | None = None) -> list[Due]:
    """Every certificate in force: the changes the rules make due (applying none) and the special
    audits due at short notice, as of `on` (default today; a day to come is refused)."""
    today = workbench.clock.today()
    on = on or today
    if on > today:
        raise RuleError(f"{on} 晚于今天：规则只按已到的日期执行", f"{on} is after today: rules apply only to days "
                        "that have come", code="chronology.future")
    found = []
    for applicant in workbench.list_applicants():
        certificate = workbench.certificate_for(applicant.id)
        if certificate is None or certificate.status not in IN_FORCE:
            continue
        found += [Due(applicant.id, certificate.number, "", a["special_reason"], a["due_by"], False, a["audit"])
                  for a in special_audits_due(workbench, applicant.id, on)]
        change = due_change(workbench, applicant.id, on)
        if change is not None:
            number, due = change
            found.append(Due(applicant.id, number, due["to_status"], due["reason"], due["since"], False,
                             automatic=due["automatic"]))
    return found


def enforce(workbench: Workbench, on: date | None = None) -> list[Due]:
    """Apply what is due and automatic; list it, what needs a decision and the special audits."""
    done = []
    for due in due_list(workbench, on):
        if due.automatic:
            workbench.change_status_by_rule(due.certificate, due.to_status, due.reason, due.since)
            due = replace(due, applied=True)
        done.append(due)
    return done
