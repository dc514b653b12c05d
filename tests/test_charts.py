import re

import pandas as pd

from audit_widgets.render.charts import control_chart, dimension_chart, to_svg


def test_dimension_chart_keeps_the_scheme_order_and_chinese_labels(scheme):
    scores = {"improvement": 60.0, "perception": 90.0, "foundation": 80.0, "process": 70.0}
    svg = to_svg(dimension_chart(scores, scheme.dimension_names, scheme.scoring.scale, floor=70))
    labels = re.findall(r'<text[^>]*translate\(([\d.]+),[\d.]+\)[^>]*>([^<]+)</text>', svg)
    axis = [(float(x), text) for x, text in labels if text in scheme.dimension_names.values()]
    # Left to right in the scheme's order, whatever order the scores came in (Vega would sort).
    assert [text for _, text in sorted(axis)] == list(scheme.dimension_names.values())
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org", "")


def test_control_chart_marks_points_out_of_control():
    monthly = pd.DataFrame({"month": ["2026-01", "2026-02", "2026-03"], "value": [0.9, 0.92, 0.6],
                            "centre": [0.8] * 3, "lcl": [0.7] * 3, "ucl": [0.95] * 3,
                            "out_of_control": [False, False, True]})
    svg = to_svg(control_chart(monthly, "首次修复率 月度控制图"))
    assert "首次修复率 月度控制图" in svg and "#d62728" in svg
