"""Altair charts built from data, rendered to SVG on the kernel side.

SVG made by vl-convert needs no JavaScript and nothing from the internet, so the same chart
shows in JupyterLab, in Voila and in a saved HTML report. The four dimensions keep the
scheme's order (Vega would otherwise sort the Chinese names).
"""
from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import pandas as pd

from ..files import write_atomically
from ..paths import outputs_dir
from .html import ERROR_COLOUR

if TYPE_CHECKING:  # Altair takes 1.5 s to import: only the functions that draw import it
    import altair as alt

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
OUT_OF_CONTROL_COLOUR = "#d62728"


LINE_ORDER = ["数值", "中心线", "控制上限", "控制下限"]
LINE_COLOURS = ["#1f77b4", "#777777", ERROR_COLOUR, ERROR_COLOUR]
LINE_DASHES = [[1, 0], [4, 3], [2, 2], [2, 2]]


def _configured(chart: "alt.TopLevelMixin") -> "alt.TopLevelMixin":
    return chart.configure(font=FONT).configure_view(strokeWidth=0)


def dimension_chart(dimension_scores: dict[str, float], dimension_names: dict[str, str], scale: float,
                    floor: float | None = None, title: str = "四维度得分") -> "alt.TopLevelMixin":
    """Bars of the dimension scores on 0 … `scale` (the scheme's scoring scale)."""
    import altair as alt
    order = [dimension_names[d] for d in dimension_names]
    data = pd.DataFrame({"维度": [dimension_names[d] for d in dimension_scores],
                         "得分": [round(v, 1) for v in dimension_scores.values()]})
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("维度:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("得分:Q", scale=alt.Scale(domain=[0, scale]), title="得分"),
        tooltip=["维度", "得分"],
    )
    labels = bars.mark_text(dy=-6).encode(text="得分:Q")
    layers = [bars, labels]
    if floor is not None:
        layers.append(alt.Chart(pd.DataFrame({"下限": [floor]})).mark_rule(strokeDash=[4, 3]).encode(
            y=alt.Y("下限:Q", title="得分")))
    return _configured(alt.layer(*layers).properties(width=320, height=220, title=title))


def control_chart(monthly: pd.DataFrame, title: str, value_format: str = ".1%") -> "alt.TopLevelMixin":
    """A monthly p-chart (or X̄ chart): value, centre line, limits, out-of-control points. The
    y-axis spans the data and the limits (not 0–100 %), and the lines have a legend."""
    import altair as alt
    data = monthly.rename(columns={"month": "月份", "value": "数值", "centre": "中心线",
                                   "lcl": "控制下限", "ucl": "控制上限"})
    values = pd.concat([data["数值"], data["控制下限"], data["控制上限"]]).dropna()
    low, high = (float(values.min()), float(values.max())) if not values.empty else (0.0, 1.0)
    margin = (high - low) * 0.1 or abs(high) * 0.05 or 0.01
    y_scale = alt.Scale(domain=[low - margin, high + margin], nice=False, zero=False)
    base = alt.Chart(data).encode(x=alt.X("月份:O", title=None, axis=alt.Axis(labelAngle=-45)))
    band = base.mark_area(opacity=0.12).encode(
        y=alt.Y("控制下限:Q", title=None, scale=y_scale, axis=alt.Axis(format=value_format)), y2="控制上限:Q")
    lines = base.transform_fold(["数值", "中心线", "控制上限", "控制下限"], as_=["线", "值"]).mark_line().encode(
        y=alt.Y("值:Q", scale=y_scale),
        color=alt.Color("线:N", sort=LINE_ORDER, scale=alt.Scale(domain=LINE_ORDER, range=LINE_COLOURS),
                        legend=alt.Legend(title=None, orient="top")),
        strokeDash=alt.StrokeDash("线:N", sort=LINE_ORDER, scale=alt.Scale(domain=LINE_ORDER, range=LINE_DASHES),
                                  legend=None),
        tooltip=["月份", alt.Tooltip("值:Q", format=value_format), "线:N"])
    points = base.mark_point(filled=True, size=30).encode(y=alt.Y("数值:Q", scale=y_scale))
    flagged = base.transform_filter(alt.datum.out_of_control).mark_point(
        color=OUT_OF_CONTROL_COLOUR, size=90, filled=True).encode(y=alt.Y("数值:Q", scale=y_scale))
    return _configured(alt.layer(band, lines, points, flagged).properties(width=520, height=200, title=title))


def to_svg(chart: "alt.TopLevelMixin") -> str:
    """The chart as SVG. Rendering costs about 0.25 s a chart and the same spec always gives the
    same SVG, so SVGs are kept in outputs/.cache/charts by the spec's hash: a rerun whose data
    did not change (the KPI charts after an answer changed) draws nothing again."""
    import vl_convert
    spec = chart.to_dict()
    key = hashlib.sha256((vl_convert.__version__ + json.dumps(spec, sort_keys=True)).encode("utf-8")).hexdigest()
    cached = outputs_dir() / ".cache" / "charts" / f"{key}.svg"
    try:
        return cached.read_text(encoding="utf-8")
    except FileNotFoundError:
        svg = vl_convert.vegalite_to_svg(spec)
    try:
        write_atomically(cached, svg)
    except OSError:
        pass  # a read-only outputs folder (a locked-down dashboard) only costs the redraw
    return svg
