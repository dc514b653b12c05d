"""Record retention (ISO/IEC 17021-1 §9.9; the scheme's record_retention_cycles): an audit's
records are kept for the certification cycle they belong to plus (cycles − 1) more cycles of
`validity_years` after it ended. What is past that may be disposed of, only by an explicit
command that leaves a trail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from ..scheme import Scheme


@dataclass(frozen=True)
class AuditRecords:
    """One audit, with the day the cycle it belongs to ended (None: the cycle is still running)."""
    applicant_id: str
    audit_id: int
    audit_type: str
    cycle_ended: date | None


def keep_until(scheme: Scheme, cycle_ended: date) -> date:
    rules = scheme.lifecycle_rules
    return cycle_ended + relativedelta(years=rules.validity_years * (rules.record_retention_cycles - 1))


def due_for_disposal(scheme: Scheme, audits: list[AuditRecords], on: date) -> list[tuple[AuditRecords, date]]:
    """(audit, kept until) for each audit whose retention ended before `on`."""
    due = []
    for audit in audits:
        if audit.cycle_ended is not None and keep_until(scheme, audit.cycle_ended) < on:
            due.append((audit, keep_until(scheme, audit.cycle_ended)))
    return due
