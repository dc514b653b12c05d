"""The evidence period of an audit, and which records fall inside it.

An audit is judged on what its auditors saw: the records dated inside its period. The scheme
says, per audit type (`audit_types` in person_days.yaml), where the period starts: a number of
months before the first on-site day (an initial audit, a recertification), or the day after
the previous audit's period ended (a surveillance, a special audit). A special audit's reason
may name its own (`special_audit_reasons`). It always ends the day before the first on-site day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from dateutil.relativedelta import relativedelta

from ..scheme import AuditType, SpecialAuditReason

MONTHS_BEFORE_AUDIT = "months_before_audit"
SINCE_PREVIOUS_AUDIT = "previous_audit"


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def label(self) -> str:
        return f"{self.start}…{self.end}"

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def period_for(audit_type: AuditType, first_day: date, previous: Period | None,
               reason: SpecialAuditReason | None = None) -> Period:
    """The period an audit of this type reads, for a first on-site day and the previous audit's
    period (None for the first audit of the applicant). A special audit's `reason` may name its
    own (a complaint: the months before the audit, not the days since the last one). A period
    that would start after it ends (a surveillance the day after the last audit) is the single
    day before the audit."""
    end = first_day - timedelta(days=1)
    evidence_from = (reason and reason.evidence_from) or audit_type.evidence_from
    months = (reason and reason.evidence_months) or audit_type.evidence_months
    if evidence_from == SINCE_PREVIOUS_AUDIT and previous is not None:
        start = previous.end + timedelta(days=1)
    else:
        start = first_day - relativedelta(months=months)
    return Period(min(start, end), end)


@dataclass(frozen=True)
class Within:
    """Records split by the period: those used, and how many were left out."""

    records: pd.DataFrame
    outside: int

    def summary(self, name_zh: str, name_en: str, period: Period) -> dict[str, object]:
        return {"used": len(self.records), "outside": self.outside,
                "zh": f"{self.outside} 条{name_zh}不在 {period.label()} 内，未使用" if self.outside else "",
                "en": f"{self.outside:,} {name_en} outside {period.label()} were not used" if self.outside else ""}


def within(records: pd.DataFrame, column: str, period: Period, *, undated_inside: bool = False) -> Within:
    """The records whose `column` falls on a day of the period. undated_inside: a record with no
    date (a survey response exported without one) is used, since it cannot be placed outside."""
    if records.empty:
        return Within(records, 0)
    days = pd.to_datetime(records[column]).dt.normalize()
    inside = (days >= pd.Timestamp(period.start)) & (days <= pd.Timestamp(period.end))
    if undated_inside:
        inside |= days.isna()
    return Within(records[inside].reset_index(drop=True), int((~inside).sum()))


def months_covered(records: pd.DataFrame, column: str) -> int:
    """The calendar months the records' dates touch: what the trend rules count."""
    if records.empty:
        return 0
    return int(pd.to_datetime(records[column]).dt.to_period("M").nunique())


def open_at_decision(due_on: date | None, verified_on: date | None, decided_on: date | None) -> bool:
    """A finding still open when its audit was decided (a corrective action due, not verified by
    then): the next audit verifies it (ISO/IEC 17021-1 §9.6.2.2)."""
    return due_on is not None and (verified_on is None or (decided_on is not None and verified_on > decided_on))
