"""The monthly report to CNCA's platform (issue 23 §4), on a copy of the demo store: last month's
audits, results and certificates in the layout's sheets and columns; a second run reports only what
changed; a cell the platform would reject is named and nothing is written; the month shows as due
until it is made."""
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook
from sqlalchemy import update

from audit_widgets.errors import InputFileError, PermissionDenied
from audit_widgets.reporting.cnca import due_on, load_layout, report_due, report_month
from audit_widgets.store import models
from audit_widgets.store.database import transaction
from audit_widgets.store.repository import Workbench

LAST_MONTH = (date.today().replace(day=1) - relativedelta(months=1)).strftime("%Y-%m")


def _sheets(path):
    book = load_workbook(path)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_last_months_report_has_the_layouts_sheets_and_reports_a_correction_as_a_change(cycle_db, scheme, tmp_path):
    layout = load_layout()
    workbench = Workbench(cycle_db, scheme, actor="P01")
    due = dict(report_due(workbench, date.today()))  # every unreported month of the last 12 with activity
    assert LAST_MONTH in due and due[LAST_MONTH] == due_on(layout, LAST_MONTH)
    done = report_month(workbench, LAST_MONTH, tmp_path / "first.xlsx")
    assert done.due_on == due_on(layout, LAST_MONTH) and done.due_on.day == layout.due_day
    sheets = _sheets(done.path)
    assert list(sheets) == [s.name for s in layout.sheets]
    for sheet in layout.sheets:
        assert sheets[sheet.name][0] == [c.header for c in sheet.columns]  # fixed headers, fixed order
    plans = sheets["审核计划信息表"][1:]
    assert plans and all(row[0] == "新增" and row[6] == "FS01" for row in plans)
    assert any("CCAA-SM-" in row[10] for row in plans)  # the auditors' registration numbers
    assert LAST_MONTH not in dict(report_due(workbench, date.today()))  # made: no longer due
    again = report_month(workbench, LAST_MONTH, tmp_path / "again.xlsx")
    assert again.path is None and not (tmp_path / "again.xlsx").exists()  # nothing new, nothing written
    workbench.acting_as("P01").change_holder_details("demo-special", on=date.today(), reason="更名",
                                                      name="上海康程医疗科技有限公司")
    corrected = report_month(workbench, LAST_MONTH, tmp_path / "corrected.xlsx")
    rows = [row for sheet in _sheets(corrected.path).values() for row in sheet[1:]]
    assert corrected.changed == len(rows) >= 1 and all(row[0] == "变更" for row in rows)
    assert any("上海康程医疗科技有限公司" in row for row in rows)


def test_a_cell_the_platform_would_reject_is_named_and_nothing_is_written(cycle_db, scheme, tmp_path):
    workbench = Workbench(cycle_db, scheme, actor="P01")
    with transaction(workbench.engine) as session:  # a registration number typed in lower case
        session.execute(update(models.Auditor).where(models.Auditor.id == "A02").values(
            registration_no="ccaa sm 2021 0002"))
    with pytest.raises(InputFileError) as caught:
        report_month(workbench, LAST_MONTH, tmp_path / "bad.xlsx")
    rendered = caught.value.render()
    assert "审核计划信息表" in rendered and "审核员注册号" in rendered and "第 " in rendered
    assert "upper case" in rendered and not (tmp_path / "bad.xlsx").exists()
    assert workbench.reported_lines(LAST_MONTH) == {}


def test_only_the_administrator_reports_and_only_a_month_that_has_ended(cycle_db, scheme, tmp_path):
    with pytest.raises(PermissionDenied):
        report_month(Workbench(cycle_db, scheme, actor="A01"), LAST_MONTH, tmp_path / "x.xlsx")
    with pytest.raises(InputFileError) as caught:
        report_month(Workbench(cycle_db, scheme, actor="P01"), date.today().strftime("%Y-%m"), tmp_path / "x.xlsx")
    assert caught.value.code == "chronology.future"
    with pytest.raises(InputFileError, match="YYYY-MM"):
        report_month(Workbench(cycle_db, scheme, actor="P01"), "2026-13", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
