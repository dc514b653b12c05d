"""Every bad input of issue #2: refused with a bilingual message that names the file, the row
and the column, no traceback, and the database exactly as it was."""
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from audit_widgets.demo.data import wjx_survey_export, work_order_log, write_csv, write_xlsx

from .conftest import APPLICANTS_DIR, ROOT, SCHEME_DIR, database_digest


@pytest.fixture
def refused(command, db_path):
    """Run the command, expect a clean refusal, and check the database did not change."""
    def run(*args):
        before = database_digest(db_path)
        result = command(*args)
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        assert database_digest(db_path) == before
        return result.stderr
    return run


def _applicant_file(tmp_path, **changes):
    data = yaml.safe_load((APPLICANTS_DIR / "demo-consumer.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "applicant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_invalid_uscc(refused, tmp_path):
    message = refused("applicant", "add", _applicant_file(tmp_path, uscc="91440300MA5F8TWL2A"))
    assert "applicant.yaml" in message and "uscc" in message
    assert "统一社会信用代码无效" in message and "invalid USCC" in message


def test_unknown_domain_and_bad_id(refused, tmp_path):
    message = refused("applicant", "add", _applicant_file(tmp_path, domains=["x"]))
    assert "未知的认证领域「x」" in message and "unknown domain 'x'" in message and "domains" in message
    message = refused("applicant", "add", _applicant_file(tmp_path, id="有 空格"))
    assert "字段 field「id」" in message


@pytest.fixture
def orders(consumer):
    return work_order_log(200, seed=9)


def _import_orders(refused, consumer, frame, tmp_path, name="orders.csv"):
    return refused("import", "work-orders", "--applicant", consumer, write_csv(frame, tmp_path / name))


def test_missing_required_columns(refused, consumer, orders, tmp_path):
    message = _import_orders(refused, consumer, orders.drop(columns=["受理时间"]), tmp_path)
    assert "orders.csv" in message and "第 1 行 row 1" in message and "受理时间" in message
    assert "缺少必需的列" in message and "required column" in message


def test_duplicate_work_order_ids(refused, consumer, orders, tmp_path):
    orders.loc[7, "工单号"] = orders.loc[3, "工单号"]
    message = _import_orders(refused, consumer, orders, tmp_path)
    assert "第 5 行 row 5" in message and "第 9 行 row 9" in message  # data rows 3 and 7 under the header
    assert "工单号重复" in message and "duplicate work-order id" in message and "「工单号」" in message


def test_dates_that_do_not_parse(refused, consumer, orders, tmp_path):
    orders.loc[10, "受理时间"] = "2025-13-45 10:00"
    orders.loc[11, "完成时间"] = "昨天"
    message = _import_orders(refused, consumer, orders, tmp_path)
    assert "第 12 行 row 12" in message and "「受理时间」" in message
    assert "第 13 行 row 13" in message and "「完成时间」" in message
    assert "日期时间无法识别" in message and "cannot be read" in message


def test_closed_before_opened(refused, consumer, orders, tmp_path):
    orders.loc[20, "完成时间"] = "2020-01-01 00:00:00"
    message = _import_orders(refused, consumer, orders, tmp_path)
    assert "第 22 行 row 22" in message and "完成时间早于受理时间" in message and "closed before" in message


def test_survey_answers_outside_the_scale(refused, consumer, tmp_path):
    export = wjx_survey_export(50, seed=1)
    export.loc[4, "6、您向亲友推荐我们的可能性有多大（0-10分）"] = 11
    export.loc[8, "2、您对服务人员服务态度的满意程度"] = "超级满意"
    message = refused("import", "surveys", "--applicant", consumer, write_xlsx(export, tmp_path / "wjx.xlsx"))
    assert "wjx.xlsx" in message
    assert "第 6 行 row 6" in message and "「11」超出量表 0–10" in message
    assert "第 10 行 row 10" in message and "outside the scale 1–5" in message


def test_survey_missing_question_column(refused, consumer, tmp_path):
    export = wjx_survey_export(20, seed=1).drop(columns=["4、您对服务人员专业性的满意程度"])
    message = refused("import", "surveys", "--applicant", consumer, write_xlsx(export, tmp_path / "wjx.xlsx"))
    assert "缺少该题目对应的列" in message and "professionalism" in message and "row 1" in message


def test_empty_file(refused, consumer, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    message = refused("import", "work-orders", "--applicant", consumer, path)
    assert "empty.csv" in message and "文件为空" in message and "The file is empty" in message


def test_a_header_without_rows(refused, consumer, orders, tmp_path):
    header = ",".join(orders.columns)
    for name, content in (("header.csv", header), ("header-newline.csv", header + "\n")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        message = refused("import", "work-orders", "--applicant", consumer, path)
        assert "没有数据行" in message and "no data rows" in message


def test_binary_file(refused, consumer, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 10)
    message = refused("import", "surveys", "--applicant", consumer, path)
    assert "photo.csv" in message and "二进制文件" in message and "binary file" in message


def test_unknown_encoding(refused, consumer, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("工单号,ÿÿ\n1,ÿ\n".encode("utf-8").replace("ÿ".encode("utf-8"), b"\xff"))
    message = refused("import", "work-orders", "--applicant", consumer, path)
    assert "无法识别文件编码" in message and "Unknown text encoding" in message


def test_fake_xlsx(refused, consumer, tmp_path):
    path = tmp_path / "orders.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    message = refused("import", "work-orders", "--applicant", consumer, path)
    assert "不是 Excel" in message


def test_scheme_with_decreasing_level_thresholds(refused, tmp_path):
    folder = tmp_path / "scheme"
    shutil.copytree(SCHEME_DIR, folder)
    path = folder / "scheme.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["levels"][2]["min_score"] = 50
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    message = refused("--scheme", folder, "scheme", "validate")
    assert "scheme.yaml" in message and "levels.min_score" in message
    message = refused("--scheme", folder, "applicant", "add", APPLICANTS_DIR / "demo-consumer.yaml")
    assert "等级分数线应逐级递增" in message


def test_unknown_applicant(refused, tmp_path):
    path = write_csv(work_order_log(20, seed=1), tmp_path / "o.csv")
    message = refused("import", "work-orders", "--applicant", "nobody", path)
    assert "nobody" in message


def test_a_real_process_prints_no_traceback(db_url, tmp_path):
    """The installed command in its own process: plain message, exit code 1."""
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    env = {**os.environ, "AUDIT_WORKBENCH_DB": db_url}
    env.pop("AUDIT_WORKBENCH_DEBUG", None)
    completed = subprocess.run(
        [sys.executable, "-m", "audit_widgets.cli", "import", "work-orders", "--applicant", "x", str(path)],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "没有编号为「x」的申请方" in completed.stderr and "No applicant with id 'x'" in completed.stderr


# --- files read a block at a time (issue 12 §4) -------------------------------------------------
@pytest.fixture
def small_steps(monkeypatch):
    """Imports read and write 50 rows a step, so that a 200-row file spans four blocks."""
    from audit_widgets.store import applicants
    monkeypatch.setattr(applicants, "INSERT_BATCH_ROWS", 50)


def test_a_bad_row_in_a_late_block_leaves_nothing_of_the_blocks_written_before(refused, small_steps, consumer,
                                                                               workbench, tmp_path):
    from .conftest import import_demo_orders
    import_demo_orders(workbench, consumer, tmp_path, orders=120)
    before = workbench.work_orders(workbench.resolve_audit(consumer, open_if_none=True))
    orders = work_order_log(200, seed=9)
    orders.loc[180, "受理时间"] = "明天"  # in the fourth block: three blocks are written first
    message = _import_orders(refused, consumer, orders, tmp_path)
    assert "第 182 行 row 182" in message and "日期时间无法识别" in message
    assert workbench.work_orders(workbench.resolve_audit(consumer, open_if_none=True)).equals(before)  # the data in force stays
    assert [i.rows for i in workbench.imports(consumer) if i.kind == "work_orders"] == [len(before)]


def test_duplicates_in_different_blocks_are_named(refused, small_steps, consumer, orders, tmp_path):
    orders.loc[170, "工单号"] = orders.loc[12, "工单号"]  # the first and the fourth block
    message = _import_orders(refused, consumer, orders, tmp_path)
    assert "第 14 行 row 14" in message and "第 172 行 row 172" in message and "工单号重复" in message


def test_a_row_with_the_wrong_number_of_fields_is_named_and_later_rows_keep_their_numbers(refused, consumer,
                                                                                         orders, tmp_path):
    orders.loc[29, "受理时间"] = "明年"  # a bad date further down, on file row 31
    path = write_csv(orders, tmp_path / "orders.csv")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].rstrip("\n") + ",多出的字段\n"  # file row 6 has one field too many
    lines[8] = lines[8].split(",", 1)[0] + "\n"  # file row 9 has only one
    path.write_text("".join(lines), encoding="utf-8")
    message = refused("import", "work-orders", "--applicant", consumer, path)
    assert "第 6 行 row 6" in message and "字段" in message and "the header has 12" in message
    assert "第 9 行 row 9" in message
    assert "第 31 行 row 31" in message and "日期时间无法识别" in message


def test_reading_stops_once_the_problem_list_is_full(refused, small_steps, consumer, tmp_path):
    from audit_widgets.imports.checks import MAX_PROBLEMS_COLLECTED
    orders = work_order_log(3000, seed=4)
    orders["受理时间"] = "不详"  # every row is wrong
    message = _import_orders(refused, consumer, orders, tmp_path)
    assert f"至少有 {MAX_PROBLEMS_COLLECTED} 处错误" in message and "checking stopped at row" in message
    stopped_at = int(message.split("checking stopped at row ")[1].split(")")[0])
    assert stopped_at < 3000  # the rest of the file was not read


def test_a_workbook_with_blank_rows_names_rows_as_the_sheet_numbers_them(refused, consumer, orders, tmp_path):
    import openpyxl
    path = write_xlsx(orders.head(20), tmp_path / "orders.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.insert_rows(5, amount=3)  # sheet rows 5-7 blank: the data row on row 12 moves to row 15
    sheet.cell(row=15, column=7).value = "昨天"
    workbook.save(path)
    message = refused("import", "work-orders", "--applicant", consumer, path)
    assert "第 15 行 row 15" in message and "「受理时间」" in message


def test_a_file_of_malformed_rows_is_named_up_to_the_full_list_and_not_read_on(refused, consumer, tmp_path):
    from audit_widgets.imports.checks import MAX_PROBLEMS_COLLECTED
    good = write_csv(work_order_log(50, seed=2), tmp_path / "good.csv").read_text(encoding="utf-8")
    header, first = good.splitlines()[:2]
    path = tmp_path / "trailing-commas.csv"  # every row has one field too many
    path.write_text(header + "\n" + "".join(f"{first},\n" for _ in range(200_000)), encoding="utf-8")
    message = refused("import", "work-orders", "--applicant", consumer, path)
    assert f"至少有 {MAX_PROBLEMS_COLLECTED} 处错误" in message and "the header has 12" in message
    stopped_at = int(message.split("checking stopped at row ")[1].split(")")[0])
    assert MAX_PROBLEMS_COLLECTED < stopped_at < 200_000


def test_a_file_changed_after_it_was_opened_is_not_imported(consumer, workbench, orders, tmp_path):
    """The recorded hash is of the rows imported: a file rewritten between opening (and hashing)
    and reading its rows is refused, and nothing of it stays."""
    from audit_widgets.errors import InputFileError
    from audit_widgets.imports.work_orders import read_work_orders
    path = write_csv(orders, tmp_path / "orders.csv")
    parsed = read_work_orders(path)
    write_csv(orders.head(100), path)  # someone saves another version meanwhile
    with pytest.raises(InputFileError, match="changed while it was being read"):
        workbench.import_work_orders(consumer, parsed)
    assert workbench.imports(consumer) == [] and workbench.work_orders(workbench.resolve_audit(consumer, open_if_none=True)).empty


def test_survey_channel_the_scheme_does_not_know(refused, consumer, tmp_path):
    """An optional 渠道 column names each response's channel (survey_channels, by id or name)."""
    export = wjx_survey_export(20, seed=1)
    export["渠道"] = ["问卷调查"] * 10 + ["电话回访"] * 9 + ["朋友圈"]
    message = refused("import", "surveys", "--applicant", consumer, write_xlsx(export, tmp_path / "wjx.xlsx"))
    assert "第 21 行 row 21" in message and "未知的调查渠道「朋友圈」" in message and "渠道" in message
