"""Audit planning (§6): person-days, the site and case samples, and the 3-year programme.

The planning panel, the planning stage, the case-sample widget and the demo all plan through
these functions, so the numbers they show and record are the same."""
from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from ..domain import Applicant, DrawRecord, Programme, ProgrammeEvent, SiteSample
from ..scheme import Scheme
from .lifecycle import expiry_date, recertification_window, surveillance_due_dates
from .person_days import PersonDays, person_days
from .sampling import CaseSampleSize, case_sample_size, draw_sample, draw_sites, population_hash, site_sample_size


def closed_cases(orders: pd.DataFrame) -> pd.DataFrame:
    """The case lot: completed work orders, with the month they were opened (for stratifying)."""
    closed = orders[orders["closed_at"].notna()] if not orders.empty else orders
    return closed.assign(month=closed["opened_at"].dt.strftime("%Y-%m")) if not closed.empty else closed


@dataclass(frozen=True)
class CaseLots:
    """The completed cases in two lots: complaints are drawn as a lot of their own, so that the
    complaint items (C02, C03, C05) rest on enough cases."""

    services: int
    complaints: int

    @classmethod
    def of(cls, closed: pd.DataFrame) -> CaseLots:
        complaints = int(closed["is_complaint"].sum()) if not closed.empty else 0
        return cls(len(closed) - complaints, complaints)

    @property
    def total(self) -> int:
        return self.services + self.complaints


@dataclass(frozen=True)
class CaseSample:
    """The GB/T 2828.1 sample of each lot (None for an empty lot), at the scheme's level."""

    services: CaseSampleSize | None
    complaints: CaseSampleSize | None

    @property
    def sample_size(self) -> int:
        return sum(lot.sample_size for lot in (self.services, self.complaints) if lot)

    @property
    def level(self) -> str:
        return next(lot.level for lot in (self.services, self.complaints) if lot)

    def as_dict(self) -> dict[str, Any]:
        return {"sample_size": self.sample_size, "level": self.level,
                "services": self.services.as_dict() if self.services else None,
                "complaints": self.complaints.as_dict() if self.complaints else None}

    def describe(self) -> str:
        parts = [f"{name} {lot.lot_size} 个：字码 {lot.code_letter}，抽 {lot.sample_size}"
                 for name, lot in (("服务", self.services), ("投诉", self.complaints)) if lot]
        return f"GB/T 2828.1 检验水平 {self.level}；" + "；".join(parts)


def case_sample_for(scheme: Scheme, lots: CaseLots, level: str | None = None) -> CaseSample | None:
    """The case sample of both lots; None while no completed case is imported."""
    if not lots.total:
        return None
    return CaseSample(case_sample_size(scheme, lots.services, level) if lots.services else None,
                      case_sample_size(scheme, lots.complaints, level) if lots.complaints else None)


def draw_cases(closed: pd.DataFrame, services: int, complaints: int, *, seed: int,
               stratify_by: str | None = None, lots: CaseLots | None = None) -> DrawRecord:
    """Draw each lot with the same seed: services (stratified if asked) and complaints. `lots`:
    the sizes each lot's result is weighted by (the period's lots; default: those of `closed`)."""
    sizes = asdict(lots or CaseLots.of(closed))
    parts: dict[str, DrawRecord] = {}  # lot name → its draw; an empty lot draws nothing
    for name, is_complaint, size, strata in (("services", False, services, stratify_by),
                                             ("complaints", True, complaints, None)):
        lot = closed[closed["is_complaint"] == is_complaint]
        if size and not lot.empty:
            parts[name] = draw_sample(lot, size, seed=seed, id_column="order_id", stratify_by=strata)[1]
    method = "；".join(f"{name}:{p.method}×{p.sample_size}" for name, p in parts.items())
    ids = [i for p in parts.values() for i in p.ids]
    return DrawRecord(population_hash(closed["order_id"]), len(closed), f"lots[{method}]", seed, len(ids), ids,
                      lots={name: {"size": sizes[name], "ids": list(p.ids)} for name, p in parts.items()})


@dataclass(frozen=True)
class AuditPlan:
    person_days: PersonDays
    site_sample_size: int
    case_lots: CaseLots
    case_sample: CaseSample | None  # None until work orders are imported

    def as_dict(self) -> dict[str, Any]:
        return {"person_days": self.person_days.as_dict(), "site_sample_size": self.site_sample_size,
                "case_lots": {"services": self.case_lots.services, "complaints": self.case_lots.complaints},
                "case_sample": self.case_sample.as_dict() if self.case_sample else None}


def plan_audit(scheme: Scheme, applicant: Applicant, lots: CaseLots, audit_type: str = "initial",
               site_sample: SiteSample | None = None) -> AuditPlan:
    """The audit's time and samples: with the drawn `site_sample`, each of its sites adds the
    time for its headcount; before the draw, the MD1 size at the minimum per site."""
    by_name = {site.name: site for site in applicant.sites}
    sampled = tuple(by_name[name] for name in site_sample.sites if name in by_name) if site_sample else None
    days = person_days(scheme, applicant.personnel, outlets=applicant.outlets,
                       categories=applicant.product_categories, audit_type=audit_type, sampled_sites=sampled)
    size = site_sample.size if site_sample else site_sample_size(scheme, applicant.outlets, audit_type)
    return AuditPlan(days, size, lots, case_sample_for(scheme, lots))


def cycle_events(scheme: Scheme, audit_end: date | None) -> tuple[ProgrammeEvent, ...]:
    """The 3-year programme from the planned audit: decision, surveillances, recertification."""
    if audit_end is None:
        return ()
    # A planning assumption from the scheme; the real decision date replaces it later.
    decision = audit_end + timedelta(days=scheme.lifecycle_rules.planned_decision_days_after_audit)
    window = recertification_window(scheme, expiry_date(scheme, decision))
    events = [ProgrammeEvent("初次认证审查 initial audit", audit_end),
              ProgrammeEvent("认证决定（计划）planned decision", decision)]
    events += [ProgrammeEvent(f"第 {i} 次监督审核 surveillance {i}（最迟 latest）", due)
               for i, due in enumerate(surveillance_due_dates(scheme, decision), start=1)]
    events += [ProgrammeEvent("再认证可申请 recertification: apply from", window.opens_on),
               ProgrammeEvent("再认证最迟申请 recertification: apply by", window.apply_by),
               ProgrammeEvent("再认证完成 recertification: finish by", window.finish_by)]
    return tuple(events)


def plan_programme(scheme: Scheme, applicant: Applicant, lots: CaseLots, audit_start: date | None = None,
                   audit_end: date | None = None, audit_type: str = "initial", *, site_seed: int | None = None,
                   chosen_sites: tuple[str, ...] = (), eligibility: str = "",
                   visited: tuple[str, ...] = ()) -> Programme:
    """The programme to record at planning: the site sample drawn with `site_seed` (a fresh
    random seed when none is given, so that nobody can know the drawn sites before planning;
    the seed is recorded), then the plan's time for those sites, with the audit dates and cycle.
    `eligibility`: why MD1 sampling applies (empty: every site is audited); `visited`: the
    sites earlier audits of the cycle covered, drawn only once the others run out."""
    seed = secrets.randbelow(2**31) if site_seed is None else site_seed
    sites = (draw_sites(scheme, applicant.sites, audit_type, seed, chosen_sites, eligibility=eligibility,
                        visited=visited) if applicant.sites else None)
    plan = plan_audit(scheme, applicant, lots, audit_type, sites)
    return Programme(
        person_days=plan.person_days.days, justification=tuple(s.as_dict() for s in plan.person_days.steps),
        site_sample_size=plan.site_sample_size,
        case_sample_size=plan.case_sample.sample_size if plan.case_sample else None,
        audit_start=audit_start, audit_end=audit_end, site_sample=sites,
        # An audit that starts a cycle plans the cycle; a surveillance or special audit is within one.
        cycle_plan=cycle_events(scheme, audit_end) if scheme.starts_cycle(audit_type) else ())


def propose_agenda(programme: Programme, auditors: list[str]) -> list[dict[str, Any]]:
    """An agenda that delivers the programme, for the team to adjust: every audit day with the
    whole team, the central function on the first day (opening meeting, documents) and the last
    (system audit, closing meeting), the other sampled sites spread over the days."""
    if programme.audit_start is None or programme.site_sample is None:
        return []
    days = ((programme.audit_end or programme.audit_start) - programme.audit_start).days + 1
    central, others = programme.site_sample.sites[0], programme.site_sample.sites[1:]
    agenda = []
    for day in range(days):
        lines = [(site, "现场测评、案例复核 on-site evaluation, case verification")
                 for number, site in enumerate(others) if number % days == day]
        if day == 0:
            lines.insert(0, (central, "首次会议、文件审核、服务过程测评 opening meeting, documents, process evaluation"))
        elif day == days - 1:
            lines.append((central, "体系审核、末次会议 system audit, closing meeting"))
        for site, activity in lines or [(central, "管理体系审核 management system audit")]:
            agenda.append({"day": programme.audit_start + timedelta(days=day), "site": site, "activity": activity,
                           "auditors": list(auditors)})
    return agenda
