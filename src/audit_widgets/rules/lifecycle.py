"""Certificate lifecycle: validity, surveillance dates, suspension and withdrawal,
recertification window, status changes and certificate numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from ..contract import Reason, Status
from ..domain import StatusChange
from ..errors import RuleError
from ..scheme import Scheme


def expiry_date(scheme: Scheme, decision_date: date) -> date:
    """Valid for `validity_years` from the decision: the last valid day is the day before."""
    return decision_date + relativedelta(years=scheme.lifecycle_rules.validity_years) - relativedelta(days=1)


def surveillance_due_dates(scheme: Scheme, decision_date: date, done: list[date] | tuple[date, ...] = ()) -> list[date]:
    """The latest date for each surveillance of the cycle. The first is due within N months of
    the decision; each later one within M months of the previous one actually done (or, if
    not done yet, of the previous due date). After the cycle's surveillances the
    recertification audit follows, before expiry."""
    rules = scheme.lifecycle_rules
    expiry = expiry_date(scheme, decision_date)
    due = [decision_date + relativedelta(months=rules.first_surveillance_within_months)]
    done = sorted(done)
    while len(due) < rules.min_surveillances_per_cycle:
        anchor = done[len(due) - 1] if len(done) >= len(due) else due[-1]
        following = anchor + relativedelta(months=rules.surveillance_interval_months)
        if following >= expiry:
            break
        due.append(following)
    return due


@dataclass(frozen=True)
class RecertificationWindow:
    """When a recertification may be applied for and audited (opens_on), the latest day to
    apply (apply_by), and the day its on-site audit must be done by (finish_by: the expiry)."""
    opens_on: date
    apply_by: date
    finish_by: date

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.finish_by


def recertification_window(scheme: Scheme, expiry: date) -> RecertificationWindow:
    rules = scheme.lifecycle_rules
    return RecertificationWindow(expiry - relativedelta(months=rules.recertification_window_months),
                                 expiry - relativedelta(months=rules.recertification_apply_months_before_expiry),
                                 expiry)


def suspension_ends(scheme: Scheme, suspended_on: date) -> date:
    return suspended_on + relativedelta(months=scheme.lifecycle_rules.max_suspension_months)


def allowed_status_changes(scheme: Scheme, current: str) -> list[str]:
    """The statuses a certificate may go to from its current status."""
    return [t.to_status for t in scheme.status_transitions if t.from_status == current]


def change_status(scheme: Scheme, current: str, target: str, reason: str, on: date, decided_by: str) -> StatusChange:
    """Validate a status change: allowed from the current status, with a reason of the target."""
    if not target:
        raise RuleError("请选择要变更为的证书状态", "Choose the status to change the certificate to")
    names = {s.id: s.name for s in scheme.certificate_statuses}
    for status in (current, target):
        if status not in names:
            raise RuleError(f"未知的证书状态「{status}」", f"Unknown certificate status '{status}'")
    if target not in allowed_status_changes(scheme, current):
        raise RuleError(
            f"证书状态不能从「{names[current]}」变为「{names[target]}」",
            f"A certificate cannot go from '{current}' to '{target}'",
        )
    reasons = {r.id: r.name for r in scheme.status_reasons if r.status == target}
    if reason not in reasons:
        options = "、".join(f"{k}（{v}）" for k, v in reasons.items())
        raise RuleError(
            f"变为「{names[target]}」的原因应为：{options}",
            f"The reason for '{target}' must be one of: {', '.join(reasons)}",
        )
    if not decided_by.strip():
        raise RuleError("须记录决定人", "Who decided the change must be recorded")
    return StatusChange(current, target, reason, on, decided_by)


@dataclass(frozen=True)
class DueChange:
    to_status: str
    reason: str
    since: date


def due_status_change(
    scheme: Scheme,
    *,
    status: str,
    decision_date: date,
    today: date,
    surveillances_done: list[date] | tuple[date, ...] = (),
    suspended_on: date | None = None,
    suspension_deadline: date | None = None,
    expires_on: date | None = None,
    overdue_major_findings: int = 0,
) -> DueChange | None:
    """What the rules say must happen to the certificate by `today`, if anything.
    decision_date: the decision that began the certificate's cycle; expires_on: the
    certificate's expiry when it is not the cycle's own (a recertified certificate's);
    suspension_deadline: the day the suspending decision gave the holder to correct by (a
    suspension by rule has none: it ends after max_suspension_months)."""
    if status in {s.id for s in scheme.certificate_statuses if s.terminal}:
        return None
    expiry = expires_on or expiry_date(scheme, decision_date)
    if today > expiry:
        return DueChange(Status.EXPIRED, Reason.VALIDITY_ENDED, expiry)
    if status == Status.SUSPENDED and suspended_on is not None:
        end = suspension_ends(scheme, suspended_on)
        if suspension_deadline is not None:
            end = min(end, suspension_deadline)
        if today > end:
            return DueChange(Status.WITHDRAWN, Reason.SUSPENSION_EXPIRED, end)
        return None
    if status == Status.VALID:
        done = sorted(surveillances_done)
        for index, due in enumerate(surveillance_due_dates(scheme, decision_date, done)):
            if index >= len(done) and today > due:
                return DueChange(Status.SUSPENDED, Reason.MISSED_SURVEILLANCE, due)
        if overdue_major_findings and scheme.lifecycle_rules.overdue_major_finding_suspends:
            return DueChange(Status.SUSPENDED, Reason.PERSISTENT_NONCONFORMITY, today)
    return None


def certificate_year_prefix(scheme: Scheme, year: int) -> str:
    """What every certificate number of a year starts with, e.g. XBHT-SM-2026-."""
    return f"{scheme.lifecycle_rules.certificate_number_prefix}-{year}-"


def certificate_number(scheme: Scheme, year: int, domain: str, sequence: int) -> str:
    """A readable unique number, e.g. XBHT-SM-2026-C00012 (prefix, year, domain, sequence)."""
    if sequence < 1:
        raise RuleError("证书序号应从 1 开始", "The certificate sequence starts at 1")
    return f"{certificate_year_prefix(scheme, year)}{domain.upper()}{sequence:05d}"
