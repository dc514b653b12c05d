"""Audit time in person-days (§9; default IAF MD5), with every step justified."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from ..domain import Site
from ..errors import RuleError
from ..scheme import Scheme
from .sampling import site_sample_size


@dataclass(frozen=True)
class Reduction:
    reason: str
    share: float  # e.g. 0.1 for 10 %


@dataclass(frozen=True)
class Step:
    zh: str
    en: str
    days: float  # the running total after this step

    def as_dict(self) -> dict[str, Any]:
        return {"zh": self.zh, "en": self.en, "days": self.days}


@dataclass(frozen=True)
class PersonDays:
    days: float
    on_site_min_days: float
    audit_type: str
    steps: list[Step] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "on_site_min_days": self.on_site_min_days,
            "audit_type": self.audit_type,
            "steps": [s.as_dict() for s in self.steps],
        }


def round_to_step(value: float, step: float) -> float:
    """Round to the nearest multiple of `step`, halves up (2.25 → 2.5 for a half-day step)."""
    units = (Decimal(str(value)) / Decimal(str(step))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return float(units * Decimal(str(step)))


def ceil_to_step(value: float, step: float) -> float:
    """Round up to a multiple of `step` (decimal arithmetic, so 2.4 half-days stays 2.5 days)."""
    units = (Decimal(str(value)) / Decimal(str(step))).quantize(Decimal(1), rounding=ROUND_CEILING)
    return float(units * Decimal(str(step)))


def on_site_days(scheme: Scheme, days: float) -> float:
    """The least of the audit time to spend on site (min_on_site_share), in whole steps."""
    rules = scheme.person_day_rules
    return ceil_to_step(days * rules.min_on_site_share, rules.rounding_step)


def base_days(scheme: Scheme, personnel: int) -> float:
    if personnel < 1:
        raise RuleError("有效售后服务人员数应至少为 1", "Effective after-sales personnel must be at least 1")
    for band in scheme.person_day_table:
        if band.min_personnel <= personnel <= band.max_personnel:
            return band.days
    top = scheme.person_day_table[-1].max_personnel
    raise RuleError(
        f"人数 {personnel} 超出人日表上限 {top}，请由认证机构按规则另行确定",
        f"{personnel} personnel is beyond the person-day table (max {top}); the certification body must set the time",
    )


def person_days(
    scheme: Scheme,
    personnel: int,
    *,
    outlets: int = 1,
    categories: int = 1,
    audit_type: str = "initial",
    reductions: list[Reduction] | tuple[Reduction, ...] = (),
    sampled_sites: tuple[Site, ...] | None = None,
) -> PersonDays:
    """Base from the table, plus categories, minus capped reductions, times the audit type's factor;
    plus the time of each site of this audit's own site sample; rounded to the scheme's step.
    `outlets` counts every site, the central function included. `sampled_sites`: the drawn
    sample, each site adding the time for its headcount (site_time_table); before the draw,
    the MD1 sample size at the minimum per site."""
    rules = scheme.person_day_rules
    audit_row = scheme.audit_type(audit_type)
    if outlets < 1 or categories < 1:
        raise RuleError("服务网点数与产品类别数应至少为 1", "Outlets and product categories must be at least 1")

    days = base_days(scheme, personnel)
    steps = [Step(f"基础人日：有效人数 {personnel}", f"base from the table for {personnel} personnel", days)]

    extra_categories = max(0, categories - rules.categories_in_base)
    if extra_categories:
        days += extra_categories * rules.days_per_extra_category
        steps.append(Step(
            f"产品类别 {categories} 个，额外 {extra_categories} 个 × {rules.days_per_extra_category} 人日",
            f"{categories} product categories; {extra_categories} extra × {rules.days_per_extra_category} days",
            days,
        ))

    if reductions:
        asked = sum(r.share for r in reductions)
        if any(r.share < 0 for r in reductions):
            raise RuleError("减少比例不能为负", "A reduction cannot be negative")
        share = min(asked, rules.max_reduction_share)
        days *= 1 - share
        reasons = "；".join(f"{r.reason} {r.share:.0%}" for r in reductions)
        capped = asked > rules.max_reduction_share
        steps.append(Step(
            f"减少 {share:.0%}（{reasons}）" + (f"，已按上限 {rules.max_reduction_share:.0%} 封顶" if capped else ""),
            f"reduced by {share:.0%} ({reasons})" + (f", capped at {rules.max_reduction_share:.0%}" if capped else ""),
            days,
        ))

    factor = audit_row.person_day_factor
    if factor != 1:
        days = float(days * factor)
        steps.append(Step(
            f"{audit_row.name}：× {factor}", f"{audit_type} audit: × {factor}", days,
        ))

    days, step = _site_time(scheme, days, outlets, audit_type, sampled_sites)
    if step is not None:
        steps.append(step)

    rounded = round_to_step(days, rules.rounding_step)
    steps.append(Step(
        f"按 {rules.rounding_step} 人日取整", f"rounded to the nearest {rules.rounding_step} day", rounded,
    ))
    return PersonDays(days=rounded, on_site_min_days=on_site_days(scheme, rounded), audit_type=audit_type, steps=steps)


def _site_time(scheme: Scheme, days: float, outlets: int, audit_type: str,
               sampled: tuple[Site, ...] | None) -> tuple[float, Step | None]:
    """The time the sampled sites beyond the central function add (per audit, not scaled by the
    audit type's factor): each by its headcount, or, before the draw, the MD1 size at the minimum."""
    name = scheme.audit_type(audit_type).name
    base = scheme.person_day_rules.outlets_in_base
    if sampled is None:
        size = site_sample_size(scheme, outlets, audit_type)
        extra = max(0, size - base)
        if not extra:
            return days, None
        per_site = scheme.person_day_rules.days_per_extra_sampled_outlet
        days += extra * per_site
        return days, Step(
            f"{name}抽样场所 {size} 个（共 {outlets} 个，含中心职能；抽样前按最少时间估算），额外 {extra} 个 × {per_site} 人日",
            f"{size} of {outlets} sites to sample for the {audit_type} audit (central function included; estimated "
            f"before the draw at the minimum per site); {extra} extra × {per_site} days", days)
    # `outlets_in_base` counts the central function: the sites beyond it are in the base too.
    others = [s for s in sampled if not scheme.site_types_by_id[s.type].central][max(0, base - 1):]
    if not others:
        return days, None
    added = [(site, scheme.site_days(site.headcount)) for site in others]
    days += sum(time for _, time in added)
    zh = "、".join(f"{s.name}（{s.headcount if s.headcount is not None else '人数未知'}人 {t:g}）" for s, t in added)
    en = ", ".join(f"{s.name} ({s.headcount if s.headcount is not None else 'headcount unknown'}: {t:g})"
                   for s, t in added)
    return days, Step(
        f"{name}抽样场所 {len(sampled)} 个（共 {outlets} 个，含中心职能），按人数加场所时间：{zh}",
        f"{len(sampled)} of {outlets} sites sampled for the {audit_type} audit (central function included); "
        f"time per site by headcount: {en}", days)
