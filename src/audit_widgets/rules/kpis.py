"""Monitoring KPIs (5.1d) from a work-order table, overall and by month with control limits.

The work-order table has the canonical columns of `domain.WORK_ORDER_COLUMNS` (the importer maps
and checks them). Rates are numerator ÷ denominator per order, so the same per-order flags
give the overall figure, the monthly figures and the p-chart.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import RuleError
from ..scheme import Scheme

HOURS_MEASURE = "mean_time_to_resolve_hours"


@dataclass(frozen=True)
class KpiValue:
    measure: str
    name: str
    value: float | None
    numerator: float
    denominator: int


@dataclass(frozen=True)
class KpiReport:
    overall: dict[str, KpiValue]
    monthly: pd.DataFrame  # measure, month, numerator, denominator, value, centre, lcl, ucl, out_of_control

    def measures(self) -> dict[str, float]:
        return {k: v.value for k, v in self.overall.items() if v.value is not None}


def _same_group_as_neighbour(keys: np.ndarray, offset: int) -> np.ndarray:
    """True where the row's key equals the key `offset` rows away (in sorted order)."""
    same = np.zeros(len(keys), dtype=bool)
    if offset > 0:
        same[:-offset] = keys[:-offset] == keys[offset:]
    else:
        same[-offset:] = keys[-offset:] == keys[:offset]
    return same


def _group_codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    codes = [pd.factorize(frame[c])[0].astype(np.int64) for c in columns]
    key = codes[0]
    for extra in codes[1:]:
        key = key * (int(extra.max()) + 1 if len(extra) else 1) + extra
    return key


def rework_flags(orders: pd.DataFrame, window: pd.Timedelta) -> pd.Series:
    """A completed service job is reworked when the same customer and product need another
    visit opened within `window` after it was closed."""
    service = orders.loc[~orders["is_complaint"], ["customer_id", "product_id", "opened_at", "closed_at"]]
    key = _group_codes(service, ["customer_id", "product_id"])
    order = np.lexsort((service["opened_at"].to_numpy(), key))
    sorted_key = key[order]
    opened = service["opened_at"].to_numpy()[order]
    closed = service["closed_at"].to_numpy()[order]
    has_next = _same_group_as_neighbour(sorted_key, 1)
    next_opened = np.empty_like(opened)
    next_opened[:-1] = opened[1:]
    gap = next_opened - closed
    reworked_sorted = has_next & ~np.isnat(closed) & (gap <= window.to_timedelta64())
    flags = pd.Series(False, index=orders.index)
    flags.loc[service.index[order]] = reworked_sorted
    return flags


def repeat_complaint_flags(orders: pd.DataFrame, window: pd.Timedelta) -> pd.Series:
    """A complaint repeats one from the same customer about the same issue opened within
    `window` before it."""
    complaints = orders.loc[orders["is_complaint"], ["customer_id", "issue", "opened_at"]]
    key = _group_codes(complaints, ["customer_id", "issue"])
    order = np.lexsort((complaints["opened_at"].to_numpy(), key))
    sorted_key = key[order]
    opened = complaints["opened_at"].to_numpy()[order]
    has_previous = _same_group_as_neighbour(sorted_key, -1)
    previous = np.empty_like(opened)
    previous[1:] = opened[:-1]
    repeated_sorted = has_previous & ((opened - previous) <= window.to_timedelta64())
    flags = pd.Series(False, index=orders.index)
    flags.loc[complaints.index[order]] = repeated_sorted
    return flags


def measure_window(scheme: Scheme, measure: str) -> pd.Timedelta:
    """The look-back window the scheme sets for a measure (rework, repeat complaints)."""
    days = scheme.measures_by_id[measure].window_days
    if days is None:
        raise RuleError(f"指标「{measure}」没有回溯窗口（window_days）", f"Measure '{measure}' has no window_days")
    return pd.Timedelta(days=days)


def rate_parts(orders: pd.DataFrame, scheme: Scheme) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Per order: (counts in numerator, counts in denominator) for every rate measure."""
    service = ~orders["is_complaint"]
    complaint = orders["is_complaint"]
    closed = orders["closed_at"].notna()
    satisfied = orders["complaint_satisfied"]
    answered = complaint & closed & satisfied.notna()
    reworkable = service & closed
    return {
        "first_time_fix_rate": (service & orders["first_visit_fix"], service),
        "resolution_rate": (service & orders["resolved"], service),
        "complaint_completion_rate": (complaint & closed, complaint),
        "complaint_satisfaction_rate": (answered & satisfied.fillna(False).astype(bool), answered),
        "rework_rate": (reworkable & rework_flags(orders, measure_window(scheme, "rework_rate")), reworkable),
        "repeat_complaint_rate": (
            complaint & repeat_complaint_flags(orders, measure_window(scheme, "repeat_complaint_rate")), complaint,
        ),
        "on_time_rate": (closed & (orders["closed_at"] <= orders["due_at"]), pd.Series(True, index=orders.index)),
    }


def p_chart(numerator: pd.Series, denominator: pd.Series, sigma: float) -> pd.DataFrame:
    """p-chart over periods: centre p̄ = Σx/Σn, limits p̄ ± σ·√(p̄(1−p̄)/nᵢ) clipped to [0, 1]."""
    total = denominator.sum()
    centre = numerator.sum() / total if total else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        value = numerator / denominator
        spread = sigma * np.sqrt(centre * (1 - centre) / denominator)
    lcl = (centre - spread).clip(lower=0.0)
    ucl = (centre + spread).clip(upper=1.0)
    return pd.DataFrame({
        "numerator": numerator, "denominator": denominator, "value": value,
        "centre": centre, "lcl": lcl, "ucl": ucl,
        "out_of_control": (value < lcl) | (value > ucl),
    })


def mean_chart(sums: pd.Series, counts: pd.Series, overall_std: float, sigma: float) -> pd.DataFrame:
    """X̄ chart for a mean per period: centre = grand mean, limits ± σ·s/√nᵢ."""
    total = counts.sum()
    centre = sums.sum() / total if total else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        value = sums / counts
        spread = sigma * overall_std / np.sqrt(counts)
    lcl = (centre - spread).clip(lower=0.0)
    ucl = centre + spread
    return pd.DataFrame({
        "numerator": sums, "denominator": counts, "value": value,
        "centre": centre, "lcl": lcl, "ucl": ucl,
        "out_of_control": (value < lcl) | (value > ucl),
    })


def compute_kpis(orders: pd.DataFrame, scheme: Scheme) -> KpiReport:
    """All work-order KPIs, overall and by month of opening, with control limits."""
    sigma = scheme.monitoring_rules.control_limit_sigma
    names = {m.id: m.name for m in scheme.measures}
    month = orders["opened_at"].dt.to_period("M")
    overall: dict[str, KpiValue] = {}
    charts = []
    for measure, (numerator, denominator) in rate_parts(orders, scheme).items():
        n_num, n_den = int(numerator.sum()), int(denominator.sum())
        overall[measure] = KpiValue(measure, names[measure], n_num / n_den if n_den else None, n_num, n_den)
        grouped = pd.DataFrame({"num": numerator.astype(int), "den": denominator.astype(int), "month": month})
        by_month = grouped.groupby("month", sort=True)[["num", "den"]].sum()
        chart = p_chart(by_month["num"], by_month["den"], sigma)
        charts.append(chart.assign(measure=measure))

    hours = (orders["closed_at"] - orders["opened_at"]).dt.total_seconds() / 3600
    closed = hours.notna()
    overall[HOURS_MEASURE] = KpiValue(
        HOURS_MEASURE, names[HOURS_MEASURE],
        float(hours[closed].mean()) if closed.any() else None, float(hours[closed].sum()), int(closed.sum()),
    )
    resolved_hours = pd.DataFrame({"hours": hours[closed], "month": month[closed]})
    by_month = resolved_hours.groupby("month", sort=True)["hours"].agg(["sum", "count"])
    std = float(hours[closed].std(ddof=1)) if closed.sum() > 1 else 0.0
    charts.append(mean_chart(by_month["sum"], by_month["count"], std, sigma).assign(measure=HOURS_MEASURE))

    monthly = pd.concat(charts).rename_axis("month").reset_index()
    monthly["month"] = monthly["month"].astype(str)
    monthly = monthly[["measure", "month", "numerator", "denominator", "value", "centre", "lcl", "ucl", "out_of_control"]]
    return KpiReport(overall=overall, monthly=monthly)
