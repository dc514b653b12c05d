"""Inputs beyond what any real file holds get a plain message and exit 1, and change nothing
(issue 12 §4: deep nesting, over-long names)."""
import pytest

from audit_widgets.errors import WorkbenchError

from .conftest import database_digest

DEEP = "a: " + "[" * 5000 + "]" * 5000 + "\n"


def test_a_deeply_nested_applicant_file_is_refused_plainly(command, db_path, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP, encoding="utf-8")
    before = database_digest(db_path)
    result = command("applicant", "add", path)
    assert result.exit_code == 1 and "嵌套层次过深" in result.output and "nested too deeply" in result.output
    assert "Traceback" not in result.output and "Internal error" not in result.output
    assert database_digest(db_path) == before


def test_a_deeply_nested_scheme_file_is_refused_plainly(command, scheme_copy):
    (scheme_copy / "extra.yaml").write_text(DEEP, encoding="utf-8")
    result = command("--scheme", scheme_copy, "scheme", "validate")
    assert result.exit_code == 1 and "nested too deeply" in result.output and "extra.yaml" in result.output


@pytest.mark.parametrize("name", ["x." + "a" * 300, "证据" * 150 + ".pdf", "  "])
def test_an_evidence_file_name_that_cannot_be_stored_is_refused_and_nothing_is_written(
        staffed_audit, db_url, db_path, scheme, name):
    from audit_widgets.store.repository import Workbench
    _, audit = staffed_audit
    workbench = Workbench(db_url, scheme, actor="A02")
    before = database_digest(db_path)
    with pytest.raises(WorkbenchError) as caught:
        workbench.add_evidence(audit, "F03", b"%PDF", name)
    assert caught.value.code == "file.name"
    with pytest.raises(WorkbenchError):
        workbench.add_document(audit, "licence", b"%PDF", name)
    assert database_digest(db_path) == before


def test_an_import_over_the_size_or_row_limit_is_refused_before_parsing(command, consumer, db_path, tmp_path,
                                                                       monkeypatch):
    from audit_widgets.demo.data import work_order_log, write_csv
    orders = write_csv(work_order_log(2000, seed=5), tmp_path / "orders.csv")
    before = database_digest(db_path)
    monkeypatch.setenv("AUDIT_WORKBENCH_MAX_IMPORT_MB", "0.05")
    result = command("import", "work-orders", "--applicant", consumer, orders)
    assert result.exit_code == 1 and "AUDIT_WORKBENCH_MAX_IMPORT_MB" in result.output and "over the import limit" in result.output
    monkeypatch.delenv("AUDIT_WORKBENCH_MAX_IMPORT_MB")
    monkeypatch.setenv("AUDIT_WORKBENCH_MAX_IMPORT_ROWS", "500")
    result = command("import", "work-orders", "--applicant", consumer, orders)
    assert result.exit_code == 1 and "AUDIT_WORKBENCH_MAX_IMPORT_ROWS" in result.output
    assert database_digest(db_path) == before


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_unopened(command, consumer, db_path, tmp_path, monkeypatch):
    import zipfile
    bomb = tmp_path / "survey.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:  # 20 MB of one repeated row, packed small
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<row><c><v>1</v></c></row>" * 800_000)
    assert bomb.stat().st_size < 1024 * 1024
    monkeypatch.setenv("AUDIT_WORKBENCH_MAX_XLSX_UNCOMPRESSED_MB", "10")
    before = database_digest(db_path)
    result = command("import", "surveys", "--applicant", consumer, bomb)
    assert result.exit_code == 1 and "unpacks to 20 MB" in result.output and "Traceback" not in result.output
    assert database_digest(db_path) == before


PAYLOAD = "<img src=x onerror=alert(1)>"


def test_a_scheme_text_that_starts_like_a_formula_is_exported_as_text_and_reads_back_unchanged(scheme, tmp_path):
    from openpyxl import load_workbook

    from audit_widgets.scheme_xlsx import export_xlsx, import_xlsx
    changed = scheme.model_copy(update={"meta": scheme.meta.model_copy(update={"name": '=HYPERLINK("x","点我")'})})
    path = export_xlsx(changed, tmp_path / "scheme.xlsx")
    sheet = load_workbook(path)["meta"]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "name")
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x","点我")'  # text, never a formula
    assert import_xlsx(path).meta.name == '=HYPERLINK("x","点我")'


def test_a_member_id_with_markup_is_shown_as_text(cycle_db_for_markup):
    workbench, audit = cycle_db_for_markup
    from audit_widgets.dashboard.pages import applicant_html
    from audit_widgets.widgets.decision import DecisionWidget
    widget = DecisionWidget(workbench, "demo-composite", audit)
    for shown in (widget.recorded.value, applicant_html(workbench, "demo-composite")):
        assert PAYLOAD not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown


@pytest.fixture
def cycle_db_for_markup(demo_db, tmp_path, scheme):
    """demo-composite decided by a committee member whose id carries markup."""
    from datetime import date

    from audit_widgets.store.repository import Workbench

    from .conftest import copy_database, sign_report
    url = f"sqlite:///{copy_database(demo_db, tmp_path / 'markup.sqlite')}"
    workbench = Workbench(url, scheme, actor="P01")
    domains = list(workbench.get_applicant("demo-composite").domains)  # those who decide need evidence for them
    workbench.import_people([{"id": PAYLOAD, "name": "某委员", "grade": "senior", "domains": domains,
                              "auditor_since": date(2010, 1, 1), "is_decision_maker": True, "registration_no": "R",
                              "registration_expires": date(2030, 1, 1), "roles": []}],
                            [{"auditor_id": PAYLOAD, "domain": d, "kind": "training", "reference": "培训",
                              "on": date(2010, 1, 1)} for d in domains], [])
    [change] = workbench.role_changes(state="pending", person_id=PAYLOAD)  # a second person approves the mark
    workbench.acting_as("M01").approve_role_change(change.id)
    audit = workbench.current_audit("demo-composite")
    workbench.set_team(audit, [("A02", "leader")])
    sign_report(workbench, audit, "A02")
    workbench.acting_as(PAYLOAD).record_decision(audit, decided_on=date.today(), outcome="refuse", level_rank=1,
                              members=[PAYLOAD], reasons="测试")
    return workbench, audit


def test_an_xlsx_over_the_row_or_column_limit_is_refused_before_it_is_read(command, consumer, db_path, tmp_path,
                                                                          monkeypatch):
    """Issue 24 §8: a workbook's rows are counted as its sheet unpacks, before openpyxl parses a
    row (a 4M-row workbook was still being parsed at 240 s); so are its columns (10,000 took 55 s)."""
    from openpyxl import Workbook

    from audit_widgets.demo.data import work_order_log, write_xlsx
    orders = write_xlsx(work_order_log(2000, seed=5), tmp_path / "orders.xlsx")  # a header and 1,999 orders
    before = database_digest(db_path)
    monkeypatch.setenv("AUDIT_WORKBENCH_MAX_IMPORT_ROWS", "500")
    result = command("import", "work-orders", "--applicant", consumer, orders)
    assert result.exit_code == 1 and "The sheet has 2000 rows, over the import limit of 500" in result.output
    assert "AUDIT_WORKBENCH_MAX_IMPORT_ROWS" in result.output and "orders.xlsx" in result.output
    monkeypatch.delenv("AUDIT_WORKBENCH_MAX_IMPORT_ROWS")
    wide = Workbook(write_only=True)
    sheet = wide.create_sheet()
    for row in range(20):
        sheet.append([f"c{column}" if row == 0 else row for column in range(1500)])
    wide.save(tmp_path / "wide.xlsx")
    result = command("import", "work-orders", "--applicant", consumer, tmp_path / "wide.xlsx")
    assert result.exit_code == 1 and "1500 cells, over the limit of 1000 columns" in result.output
    assert database_digest(db_path) == before


def test_utf16_text_is_refused_as_what_it_is(command, consumer, db_path, tmp_path):
    """Excel's "Unicode text" is UTF-16: named as such, not as a binary file."""
    from audit_widgets.demo.data import work_order_log
    path = tmp_path / "orders.txt"
    work_order_log(50, seed=5).to_csv(path, sep="\t", index=False, encoding="utf-16")
    before = database_digest(db_path)
    result = command("import", "work-orders", "--applicant", consumer, path)
    assert result.exit_code == 1 and "UTF-16" in result.output and "binary" not in result.output
    assert database_digest(db_path) == before


def test_an_applicant_id_cannot_start_with_a_dash(tmp_path, scheme):
    """An id like "-rf" would read as an option on every command line that names it."""
    from audit_widgets.errors import InputFileError
    from audit_widgets.imports.applicants import read_applicant_file

    from .conftest import APPLICANTS_DIR
    text = (APPLICANTS_DIR / "demo-consumer.yaml").read_text(encoding="utf-8").replace("id: demo-consumer", "id: -rf")
    (tmp_path / "dash.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_applicant_file(tmp_path / "dash.yaml", scheme)
    assert "id" in str(caught.value) and "dash.yaml" in str(caught.value)


def test_a_value_longer_than_its_column_is_refused_by_row_and_field(command, consumer, db_path, tmp_path):
    """Issue 24 §8: 950 rows with a 1 MB 问题类别 were accepted into a VARCHAR(100) column. Each
    text field is checked against its column's size, named by file row and column."""
    from audit_widgets.demo.data import work_order_log, write_csv
    log = work_order_log(300, seed=5)
    issue_column = next(c for c in log.columns if "问题" in c or c.lower() == "issue")
    log.loc[log.index[7], issue_column] = "很长的问题描述" * 40  # 280 characters
    orders = write_csv(log, tmp_path / "orders.csv")
    before = database_digest(db_path)
    result = command("import", "work-orders", "--applicant", consumer, orders)
    assert result.exit_code == 1 and "longer than 100 characters" in result.output and issue_column in result.output
    assert "第 9 行" in result.output or "row 9" in result.output, result.output  # the header is row 1
    assert database_digest(db_path) == before


def test_a_file_of_repeated_orders_is_refused_once_the_repeats_fill_the_problem_list(command, consumer, db_path,
                                                                                    tmp_path):
    """Issue 24 §8: repeated work-order ids stop the read once they fill the problem list, in
    whichever block they appear (a workbook of 1M identical rows took 283–535 s to be refused,
    read to its end and again for its ids)."""
    from audit_widgets.demo.data import work_order_log
    orders = work_order_log(3, seed=5).head(1)
    rows = 250_000
    header, row = orders.to_csv(index=False).splitlines()
    path = tmp_path / "repeated.csv"
    path.write_text(header + "\n" + (row + "\n") * rows, encoding="utf-8")
    before = database_digest(db_path)
    result = command("import", "work-orders", "--applicant", consumer, path)
    assert result.exit_code == 1 and "repeated.csv" in result.output
    assert "at least 200 errors (checking stopped at row 100001)" in result.output  # the first block of 100,000
    assert "第 3 行 row 3" in result.output and "duplicate work-order id" in result.output
    assert database_digest(db_path) == before
