"""Importing real-looking files through the real command, and reading them back."""
import hashlib
import json

import pandas as pd
import pytest

from audit_widgets.demo.data import wjx_survey_export, work_order_log, write_csv, write_xlsx
from audit_widgets.rules.kpis import compute_kpis
from audit_widgets.rules.survey import summarise_survey


@pytest.fixture
def orders_frame():
    return work_order_log(600, seed=5)


def test_work_orders_csv_import_reads_back_and_feeds_the_kpis(command, consumer, workbench, orders_frame, tmp_path,
                                                              scheme):
    path = write_csv(orders_frame, tmp_path / "工单.csv")
    result = command("import", "work-orders", "--applicant", consumer, path, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == len(orders_frame)
    assert summary["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    stored = workbench.work_orders(workbench.resolve_audit(consumer, open_if_none=True))
    assert len(stored) == len(orders_frame)
    assert stored["is_complaint"].sum() == (orders_frame["是否投诉"] == "是").sum()
    assert compute_kpis(stored, scheme).overall["on_time_rate"].value > 0.8


def test_gbk_and_xlsx_give_the_same_rows_as_utf8(command, consumer, workbench, orders_frame, tmp_path):
    command("import", "work-orders", "--applicant", consumer, write_csv(orders_frame, tmp_path / "u.csv"))
    utf8 = workbench.work_orders(workbench.resolve_audit(consumer, open_if_none=True))
    gbk = write_csv(orders_frame, tmp_path / "g.csv", encoding="gbk")
    assert command("import", "work-orders", "--applicant", consumer, gbk).exit_code == 0
    pd.testing.assert_frame_equal(workbench.work_orders(workbench.resolve_audit(consumer, open_if_none=True)), utf8)
    xlsx = write_xlsx(orders_frame, tmp_path / "w.xlsx")
    assert command("import", "work-orders", "--applicant", consumer, xlsx).exit_code == 0
    pd.testing.assert_frame_equal(workbench.work_orders(workbench.resolve_audit(consumer, open_if_none=True)), utf8)
    excel_utf8 = write_csv(orders_frame, tmp_path / "bom.csv", encoding="utf-8-sig")  # Excel's "CSV UTF-8"
    assert command("import", "work-orders", "--applicant", consumer, excel_utf8).exit_code == 0
    pd.testing.assert_frame_equal(workbench.work_orders(workbench.resolve_audit(consumer, open_if_none=True)), utf8)
    assert [i.encoding for i in workbench.imports(consumer)] == ["utf-8", "gb18030", "xlsx", "utf-8"]


def test_wjx_xlsx_survey_import(command, consumer, workbench, scheme, tmp_path):
    export = wjx_survey_export(420, seed=3)
    path = write_xlsx(export, tmp_path / "问卷星.xlsx")
    result = command("import", "surveys", "--applicant", consumer, path)
    assert result.exit_code == 0, result.output
    answers, scale = workbench.survey_answers(workbench.resolve_audit(consumer, open_if_none=True))
    assert len(answers) == 420 and scale == "five_point"
    labels = {"非常不满意": 1, "不满意": 2, "一般": 3, "满意": 4, "非常满意": 5}
    expected = export["1、您对服务响应速度的满意程度"].map(labels)
    assert list(answers["response_speed"]) == list(expected)
    summary = summarise_survey(answers, scheme, scale_id=scale, population=5000)
    assert summary.adequate and summary.nps is not None


def test_kobo_semicolon_csv_and_limesurvey_csv(command, consumer, workbench, tmp_path):
    kobo = pd.DataFrame({
        "start": ["2026-08-01T09:00:00"] * 3, "sat/response_speed": [5, 4, 3], "sat/attitude": [5, 5, 4],
        "sat/resolution": [4, 4, 4], "sat/professionalism": [5, 3, 4], "sat/personalisation": [3, 3, 4],
        "recommend_score": [10, 6, 8], "_id": [1, 2, 3], "_uuid": ["u1", "u2", "u3"],
        "_submission_time": ["2026-08-01T09:05:00"] * 3,
    })
    path = tmp_path / "kobo.csv"
    kobo.to_csv(path, sep=";", index=False)
    result = command("import", "surveys", "--applicant", consumer, path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["layout"] == "kobo"
    lime = pd.DataFrame({
        "id": [1, 2], "submitdate": ["2026-08-01 10:00:00", ""], "lastpage": [2, 2], "startlanguage": ["zh-Hans"] * 2,
        "SAT[RS]": [5, 2], "SAT[AT]": [4, 4], "SAT[RE]": [5, 5], "SAT[PR]": [3, 3], "SAT[PE]": [4, 4], "NPS": [9, 0],
    })
    path = tmp_path / "lime.csv"
    lime.to_csv(path, index=False)
    result = command("import", "surveys", "--applicant", consumer, path, "--json")
    assert result.exit_code == 0, result.output
    answers, _ = workbench.survey_answers(workbench.resolve_audit(consumer, open_if_none=True))
    assert list(answers["nps"]) == [9, 0]  # the new import replaced the Kobo answers


def test_applicant_commands(command, workbench, tmp_path):
    from .conftest import APPLICANTS_DIR
    assert command("applicant", "add", APPLICANTS_DIR / "demo-special.yaml").exit_code == 0
    listed = json.loads(command("applicant", "list", "--json").stdout)
    assert listed == [{**listed[0], "id": "demo-special", "name": "上海康程医疗设备服务有限公司"}]
    shown = command("applicant", "show", "demo-special", "--json")
    assert json.loads(shown.stdout)["domains"] == ["c"]


def test_a_file_read_in_blocks_gives_the_rows_read_whole(orders_frame, tmp_path):
    from audit_widgets.imports.work_orders import read_work_orders
    orders_frame.loc[3, "问题类别"] = "第一行\n第二行"  # a quoted line break inside a cell
    orders_frame["备注\n（内部）"] = "—"  # and one inside a header
    parsed = read_work_orders(write_csv(orders_frame, tmp_path / "o.csv"))
    whole = parsed.read_all()
    blocks = list(parsed.blocks(rows=70))
    assert [len(b) for b in blocks] == [70] * 8 + [40]
    pd.testing.assert_frame_equal(pd.concat(blocks, ignore_index=True), whole)
    assert whole.loc[3, "issue"] == "第一行\n第二行" and len(whole) == 600
    assert list(whole["order_id"]) == list(orders_frame["工单号"])


def test_a_workbook_cell_that_means_no_value_is_empty(orders_frame, tmp_path):
    """#N/A from a lookup, or N/A typed into an optional column, is an empty cell (as pandas read it)."""
    from audit_widgets.imports.work_orders import read_work_orders
    orders_frame.loc[2, "投诉处理满意"] = "#N/A"
    orders_frame.loc[5, "投诉处理满意"] = "N/A"
    orders = read_work_orders(write_xlsx(orders_frame, tmp_path / "o.xlsx")).read_all()
    assert orders.loc[[2, 5], "complaint_satisfied"].isna().all()
