"""Audit time in person-days (§9; default IAF MD5), with every step justified."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

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
) -> PersonDays:
    """Base from the table, plus categories, minus capped reductions, times the audit type's factor;
    plus the sites of this audit's own site sample; rounded to the scheme's step.
    `outlets` counts every site, the central function included."""
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

    # The sites are this audit's own MD1 sample, not the initial one scaled by the factor.
    sampled = site_sample_size(scheme, outlets, audit_type)
    extra_outlets = max(0, sampled - rules.outlets_in_base)
    if extra_outlets:
        days += extra_outlets * rules.days_per_extra_sampled_outlet
        steps.append(Step(
            f"{audit_row.name}抽样场所 {sampled} 个（共 {outlets} 个，含中心职能），额外 {extra_outlets} 个 × "
            f"{rules.days_per_extra_sampled_outlet} 人日",
            f"{sampled} of {outlets} sites sampled for the {audit_type} audit (central function included); "
            f"{extra_outlets} extra × {rules.days_per_extra_sampled_outlet} days",
            days,
        ))

    rounded = round_to_step(days, rules.rounding_step)
    steps.append(Step(
        f"按 {rules.rounding_step} 人日取整", f"rounded to the nearest {rules.rounding_step} day", rounded,
    ))
    on_site = ceil_to_step(rounded * rules.min_on_site_share, rules.rounding_step)
    return PersonDays(days=rounded, on_site_min_days=on_site, audit_type=audit_type, steps=steps)
