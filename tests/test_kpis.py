import numpy as np
import pandas as pd
import pytest

from audit_widgets.rules.kpis import compute_kpis, p_chart
from audit_widgets.scheme import Scheme


def _orders(rows):
    frame = pd.DataFrame(rows, columns=[
        "order_id", "customer_id", "product_id", "is_complaint", "issue", "opened_at", "closed_at",
        "due_at", "resolved", "first_visit_fix", "complaint_satisfied"])
    for column in ("opened_at", "closed_at", "due_at"):
        frame[column] = pd.to_datetime(frame[column])
    frame["service_type"] = "维修"
    frame["complaint_satisfied"] = frame["complaint_satisfied"].astype("boolean")
    return frame


WORKED = _orders([
    # service jobs: customer A product 1 is revisited 10 days after closing → rework
    ("1", "A", "P1", False, "", "2025-01-01 09:00", "2025-01-02 09:00", "2025-01-03 09:00", True, True, None),
    ("2", "A", "P1", False, "", "2025-01-12 09:00", "2025-01-12 21:00", "2025-01-14 09:00", True, False, None),
    # customer B: revisited 40 days later → not a rework
    ("3", "B", "P2", False, "", "2025-01-05 09:00", "2025-01-05 19:00", "2025-01-07 09:00", True, True, None),
    ("4", "B", "P2", False, "", "2025-02-14 19:00", "2025-02-20 09:00", "2025-02-16 19:00", False, False, None),
    # complaints: C about 漏水 twice within 30 days → one repeat; the second is still open
    ("5", "C", "P3", True, "漏水", "2025-01-10 09:00", "2025-01-11 09:00", "2025-01-13 09:00", True, False, True),
    ("6", "C", "P3", True, "漏水", "2025-02-01 09:00", None, "2025-02-04 09:00", False, False, None),
    ("7", "D", "P4", True, "态度", "2025-02-03 09:00", "2025-02-03 18:00", "2025-02-06 09:00", True, False, False),
])


def test_overall_kpis_on_a_worked_example(scheme):
    report = compute_kpis(WORKED, scheme)
    values = {k: v.value for k, v in report.overall.items()}
    assert values["first_time_fix_rate"] == pytest.approx(2 / 4)
    assert values["resolution_rate"] == pytest.approx(3 / 4)
    assert values["complaint_completion_rate"] == pytest.approx(2 / 3)
    assert values["complaint_satisfaction_rate"] == pytest.approx(1 / 2)
    assert values["rework_rate"] == pytest.approx(1 / 4)
    assert values["repeat_complaint_rate"] == pytest.approx(1 / 3)
    assert values["on_time_rate"] == pytest.approx(5 / 7)  # order 4 late, order 6 open
    hours = [24, 12, 10, 24 * 5 + 14, 24, 9]
    assert values["mean_time_to_resolve_hours"] == pytest.approx(np.mean(hours))


def test_monthly_rows_per_measure(scheme):
    monthly = compute_kpis(WORKED, scheme).monthly
    fix = monthly[monthly["measure"] == "first_time_fix_rate"].set_index("month")
    assert list(fix.index) == ["2025-01", "2025-02"]
    assert fix.loc["2025-01", "numerator"] == 2 and fix.loc["2025-01", "denominator"] == 3


def test_p_chart_limits_and_out_of_control_flag():
    numerator = pd.Series([90, 92, 88, 60], index=["m1", "m2", "m3", "m4"])
    denominator = pd.Series([100, 100, 100, 100], index=numerator.index)
    chart = p_chart(numerator, denominator, sigma=3)
    centre = 330 / 400
    half = 3 * np.sqrt(centre * (1 - centre) / 100)
    assert chart["centre"].iloc[0] == pytest.approx(centre)
    assert chart["ucl"].iloc[0] == pytest.approx(centre + half)
    assert chart["lcl"].iloc[0] == pytest.approx(centre - half)
    assert list(chart["out_of_control"]) == [False, False, False, True]


def test_window_comes_from_the_scheme(scheme):
    data = scheme.model_dump()
    for measure in data["measures"]:
        if measure["id"] == "rework_rate":
            measure["window_days"] = 5
    narrow = Scheme.model_validate(data)
    assert compute_kpis(WORKED, narrow).overall["rework_rate"].value == 0
