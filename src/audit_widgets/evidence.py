"""What an audit is judged on: the records of its own imports that fall inside its evidence
period (rules/evidence.py), and how many were left out. Read through the store's public reads;
evaluation.py, the planning stage and the widgets take their records from here."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, TypeVar

import pandas as pd

from .contract import TeamRole
from .domain import Finding, ImportRecord
from .measures_cache import cache_key, kept_records
from .rules.evidence import Period, Within, months_covered, open_at_decision, period_for, within
from .rules.planning import closed_cases
from .store.repository import Workbench

WORK_ORDERS, SURVEYS = "work_orders", "surveys"
T = TypeVar("T")


@dataclass(frozen=True)
class Evidence:
    period: Period
    first_day: date  # the first on-site day the period ends before
    work_orders: Within  # opened inside the period
    survey: Within  # submitted inside the period (a response without a date is used)
    scale: str | None  # the survey's answer scale
    imports: dict[str, ImportRecord]  # the import of each kind the audit reads

    @property
    def months(self) -> int:
        """The calendar months the work orders used cover: what the trend rules need."""
        return months_covered(self.work_orders.records, "opened_at")

    def summary(self) -> dict[str, object]:
        """What the audit's result records of its evidence, and the report prints."""
        return {
            "period": self.period.as_dict(), "first_day": self.first_day.isoformat(), "months": self.months,
            "work_orders": {**self.work_orders.summary("工单", "work orders", self.period),
                            **_source(self.imports.get(WORK_ORDERS))},
            "surveys": {**self.survey.summary("份问卷", "survey responses", self.period),
                        **_source(self.imports.get(SURVEYS))},
        }


def _source(record: ImportRecord | None) -> dict[str, object]:
    if record is None:
        return {"import": None}
    return {"import": {"id": record.id, "file": record.file, "sha256": record.sha256, "rows": record.rows,
                       "first_on": record.first_on.isoformat() if record.first_on else None,
                       "last_on": record.last_on.isoformat() if record.last_on else None}}


def first_on_site_day(workbench: Workbench, audit_id: int) -> date:
    """The audit's first on-site day: the programme's start, else the audit plan's first agenda
    day, else (before planning) the day the audit was applied for."""
    programme = workbench.programme(audit_id)
    if programme is not None and programme.audit_start is not None:
        return programme.audit_start
    plan = workbench.audit_plan(audit_id)
    days = sorted(date.fromisoformat(str(line["day"])[:10]) for line in (plan.agenda if plan else ()) if line.get("day"))
    return days[0] if days else workbench.audit(audit_id).submitted_on


def evidence_period(workbench: Workbench, audit_id: int, first_day: date | None = None) -> Period:
    """The audit's evidence period (rules/evidence.py): it follows from the previous audit's.
    `first_day`: the first on-site day about to be planned (the planning stage sizes the case
    sample on the period the audit will have)."""
    audit = workbench.audit(audit_id)
    previous = workbench.previous_audit(audit_id)
    return period_for(workbench.scheme.audit_type(audit.audit_type), first_day or first_on_site_day(workbench, audit_id),
                      evidence_period(workbench, previous.id) if previous is not None else None,
                      workbench.scheme.special_reasons_by_id.get(audit.special_reason or ""))


# A complete import's records never change, so a process reads each import once: reading a
# log of 30k work orders costs a tenth of a second, and every evaluation reads its audit's.
_loaded: OrderedDict[tuple, object] = OrderedDict()
LOADED_KEPT = 8


def _records(workbench: Workbench, record: ImportRecord | None, load: Callable[[], T], *,
             kept: Callable[[str, Callable[[], T]], T] | None = None) -> T:
    """`kept`: where records read once are kept between processes as well (measures_cache)."""
    if record is None:
        return load()
    key = (workbench.location, record.kind, record.id, record.sha256, record.rows)
    if key in _loaded:
        _loaded.move_to_end(key)
    else:
        _loaded[key] = kept(cache_key("records", *key), load) if kept else load()
        while len(_loaded) > LOADED_KEPT:
            _loaded.popitem(last=False)
    return _loaded[key]  # type: ignore[return-value]


def audit_evidence(workbench: Workbench, audit_id: int, first_day: date | None = None) -> Evidence:
    """The audit's records inside its period, read in one snapshot (`first_day`: as for
    evidence_period)."""
    with workbench.reading() as view:
        first_day = first_day or first_on_site_day(view, audit_id)
        period = evidence_period(view, audit_id, first_day)
        imports = view.audit_imports(audit_id)
        orders = _records(view, imports.get(WORK_ORDERS), lambda: view.work_orders(audit_id), kept=kept_records)
        answers, scale = _records(view, imports.get(SURVEYS), lambda: view.survey_answers(audit_id))
    survey = (within(answers, "submitted_at", period, undated_inside=True) if not answers.empty
              else Within(pd.DataFrame(), 0))
    return Evidence(period, first_day, within(orders, "opened_at", period), survey, scale, imports)


def leaders_before(workbench: Workbench, audit_id: int) -> list[str]:
    """Who led each of the applicant's audits before this one, newest first (the leader's rotation)."""
    audit = workbench.audit(audit_id)
    earlier = [a for a in workbench.audits(audit.applicant_id) if a.id < audit_id]
    return [next((m.auditor.id for m in workbench.team(a.id) if m.role == TeamRole.LEADER), "")
            for a in reversed(earlier)]


def sites_visited(workbench: Workbench, audit_id: int) -> list[dict[str, Any]]:
    """The sites each earlier audit of the cycle covered, oldest first: what the site draw of
    this audit leaves for last (IAF MD1) and what the programme shows."""
    visits = []
    for earlier in reversed(workbench.cycle_audits_before(audit_id)):
        programme = workbench.programme(earlier)
        sample = programme.site_sample if programme else None
        visits.append({"audit_id": earlier, "audit_type": workbench.audit(earlier).audit_type,
                       "audit_start": programme.audit_start if programme else None,
                       "sites": list(sample.sites) if sample else []})
    return visits


@dataclass(frozen=True)
class CasePopulation:
    """What an audit's case draw is made from: its period's closed cases, less those verified
    by an earlier audit of the cycle (IAF MD1 and 17021-1 §9.1.5: each audit samples afresh)."""

    lot: pd.DataFrame  # the closed cases of the period: what the sample is sized on
    cases: pd.DataFrame  # those the draw may pick
    left_out: int


def case_population(workbench: Workbench, audit_id: int, first_day: date | None = None) -> CasePopulation:
    with workbench.reading() as view:
        closed = closed_cases(audit_evidence(view, audit_id, first_day).work_orders.records)
        verified = {case for earlier in view.cycle_audits_before(audit_id)
                    for case in ((view.case_sample(earlier).ids if view.case_sample(earlier) else ()))}
    if closed.empty:
        return CasePopulation(closed, closed, 0)
    fresh = ~closed["order_id"].isin(verified)
    return CasePopulation(closed, closed[fresh].reset_index(drop=True), int((~fresh).sum()))


def findings_to_follow_up(workbench: Workbench, audit_id: int) -> list[Finding]:
    """The previous audit's findings that were still open when it was decided (a corrective
    action due and not verified by then): what this audit verifies (ISO/IEC 17021-1 §9.6.2.2),
    each with its state now."""
    previous = workbench.previous_audit(audit_id)
    if previous is None:
        return []
    decision = workbench.decision(previous.id)
    decided = decision.decided_on if decision else None
    return [f for f in workbench.findings(previous.id) if open_at_decision(f.due_on, f.verified_on, decided)]
