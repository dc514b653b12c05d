"""DateField (issue 25 §7): dates travel and print as yyyy-mm-dd; the browser side is tried in
the walkthrough (typed as 2026/12/3 and rewritten, 02-30 refused on the line)."""
from __future__ import annotations

from datetime import date

from audit_widgets.widgets.date_field import DateField
from audit_widgets.widgets.static import static_html


def test_the_date_travels_as_yyyy_mm_dd_and_comes_back_a_date():
    field = DateField(description="签订日期", value=date(2026, 12, 6), style={"description_width": "100px"})
    state = field.get_state()
    assert state["value"] == "2026-12-06" and state["description_width"] == "100px"
    seen = []
    field.observe(lambda change: seen.append(change["new"]), names="value")
    field.set_state({"value": "2027-01-02"})  # what the browser sends after checking the text
    assert field.value == date(2027, 1, 2) and seen == [date(2027, 1, 2)]
    field.set_state({"value": None})  # the text cleared
    assert field.value is None and field.get_state()["value"] is None


def test_a_document_shows_the_date_as_yyyy_mm_dd():
    assert static_html(DateField(description="决定日期", value=date(2026, 3, 9))) == "<span><b>决定日期</b> 2026-03-09</span>"
    assert static_html(DateField(description="整改期限")) == "<span><b>整改期限</b> —</span>"
