"""Audit planning (§6): person-days, the site and case samples, and the 3-year programme.

The planning panel, the planning stage, the case-sample widget and the demo all plan through
these functions, so the numbers they show and record are the same."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from ..domain import Applicant, Programme, ProgrammeEvent
from ..scheme import Scheme
from .lifecycle import expiry_date, recertification_window, surveillance_due_dates
from .person_days import PersonDays, person_days
from .sampling import CaseSampleSize, case_sample_size, site_sample_size


def closed_cases(orders: pd.DataFrame) -> pd.DataFrame:
    """The case lot: completed work orders, with the month they were opened (for stratifying)."""
    closed = orders[orders["closed_at"].notna()] if not orders.empty else orders
    return closed.assign(month=closed["opened_at"].dt.strftime("%Y-%m")) if not closed.empty else closed


def case_sample_for(scheme: Scheme, case_lot: int) -> CaseSampleSize | None:
    """The GB/T 2828.1 case sample for the lot; None while no completed case is imported."""
    return case_sample_size(scheme, case_lot) if case_lot else None


@dataclass(frozen=True)
class AuditPlan:
    person_days: PersonDays
    site_sample_size: int
    case_lot: int
    case_sample: CaseSampleSize | None  # None until work orders are imported

    def as_dict(self) -> dict:
        return {"person_days": self.person_days.as_dict(), "site_sample_size": self.site_sample_size,
                "case_lot": self.case_lot, "case_sample": self.case_sample.as_dict() if self.case_sample else None}


def plan_audit(scheme: Scheme, applicant: Applicant, case_lot: int, stage: str = "initial") -> AuditPlan:
    days = person_days(scheme, applicant.personnel, outlets=applicant.outlets,
                       categories=applicant.product_categories, stage=stage)
    return AuditPlan(days, site_sample_size(scheme, applicant.outlets, stage), case_lot,
                     case_sample_for(scheme, case_lot))


def cycle_events(scheme: Scheme, audit_end: date | None) -> tuple[ProgrammeEvent, ...]:
    """The 3-year programme from the planned audit: decision, surveillances, recertification."""
    if audit_end is None:
        return ()
    # A planning assumption from the scheme; the real decision date replaces it later.
    decision = audit_end + timedelta(days=scheme.lifecycle_rules.planned_decision_days_after_audit)
    apply_from, finish_by = recertification_window(scheme, expiry_date(scheme, decision))
    events = [ProgrammeEvent("初次认证审查 initial audit", audit_end),
              ProgrammeEvent("认证决定（计划）planned decision", decision)]
    events += [ProgrammeEvent(f"第 {i} 次监督审核 surveillance {i}（最迟 latest）", due)
               for i, due in enumerate(surveillance_due_dates(scheme, decision), start=1)]
    events += [ProgrammeEvent("再认证申请 recertification: apply from", apply_from),
               ProgrammeEvent("再认证完成 recertification: finish by", finish_by)]
    return tuple(events)


def plan_programme(scheme: Scheme, applicant: Applicant, case_lot: int, audit_start: date | None = None,
                   audit_end: date | None = None, stage: str = "initial") -> Programme:
    """The programme to record at planning: the plan's numbers with the audit dates and cycle."""
    plan = plan_audit(scheme, applicant, case_lot, stage)
    return Programme(
        person_days=plan.person_days.days, justification=tuple(s.as_dict() for s in plan.person_days.steps),
        site_sample_size=plan.site_sample_size,
        case_sample_size=plan.case_sample.sample_size if plan.case_sample else None,
        audit_start=audit_start, audit_end=audit_end, cycle_plan=cycle_events(scheme, audit_end))
