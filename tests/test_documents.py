"""The documents a certification body hands out, from a real demo store: the audit report
(HTML and PDF), the certificate (PDF, with a verification code the store checks) and the
register export. The tests that start Chromium are marked `notebooks` (slow)."""
import csv
import re
import subprocess
from pathlib import Path

import pytest

from audit_widgets.body import load_body
from audit_widgets.documents import pdf
from audit_widgets.documents.build import build_documents
from audit_widgets.documents.certificate import verification_code, verify_certificate
from audit_widgets.documents.register import COLUMNS, export_register
from audit_widgets.documents.report import report_html
from audit_widgets.errors import InputFileError, NotFoundError
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.store.repository import Workbench

from .browser import CHROMIUM, offline_file
from .conftest import APPLICANTS_DIR, Command, copy_database, database_digest, suspend

CONSUMER, SPECIAL, FRESH = "demo-consumer", "demo-special", "demo-composite"


def copy_store(demo_db: str, folder: Path) -> str:
    return f"sqlite:///{copy_database(demo_db, folder / 'demo.sqlite')}"


@pytest.fixture(scope="module")
def shared(demo_db, scheme, tmp_path_factory) -> Workbench:
    """A copy of the demo store that these tests only read."""
    return Workbench(copy_store(demo_db, tmp_path_factory.mktemp("docs")), scheme, actor="reader")


@pytest.fixture
def own(demo_db, scheme, tmp_path) -> Workbench:
    """A copy of the demo store for a test that writes."""
    return Workbench(copy_store(demo_db, tmp_path), scheme, actor="P01")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_font_lines(path: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return listing.splitlines()[2:]  # below the header and its rule


# --- the report ------------------------------------------------------------------------------
def test_the_report_says_what_the_recorded_results_say_and_needs_nothing_from_the_network(shared, scheme):
    page = report_html(shared, CONSUMER)
    applicant = shared.get_applicant(CONSUMER)
    audit = shared.current_audit(CONSUMER)
    planning = shared.stage_result(audit, "planning").result
    characteristic = shared.stage_result(audit, "characteristic").result
    report = shared.stage_result(audit, "report").result
    for expected in (applicant.name, applicant.uscc, applicant.address, load_body().name,
                     scheme.meta.criteria, scheme.audit_type(shared.audit(audit).audit_type).name,
                     planning["team"][0]["name"], "审查组长",
                     str(planning["site_sample"]["seed"]), characteristic["case_sample"]["population_hash"],
                     planning["case_sample"]["services"]["code_letter"], f"{report['scores']['score']:.1f}",
                     report["scores"]["level"]["name"], "基于对受审核方场所、案例、调查与记录的抽样",
                     "建议保持认证等级", "签名有效"):
        assert expected in page, expected
    for finding in report["findings"]:
        assert finding["description"] in page
    measures = {row["measure"] for row in characteristic["kpi_monthly"]}
    assert page.count("<svg") >= len(measures) + 1  # a control chart per KPI and the dimension chart
    # Nothing to fetch: no script, stylesheet link, image source or CSS url(); SVG namespaces only.
    assert not re.search(r"<script|<link|<img|url\(|@import|@font-face", page)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "Noto Sans CJK SC" in page


def test_a_refused_applicant_gets_its_open_findings_and_not_applicable_items(shared):
    page = report_html(shared, SPECIAL)
    assert "否决项不符合：B13" in page and "建议不予认证" in page and "医院" in page
    assert "未关闭的不符合" in page and "严重不符合" in page


def test_no_report_without_a_recorded_report_stage_and_a_plain_error_for_an_unknown_applicant(shared, tmp_path):
    assert report_html(shared, FRESH) is None
    assert build_documents(shared, FRESH, tmp_path) == [] and not any(tmp_path.iterdir())
    with pytest.raises(NotFoundError):
        build_documents(shared, "no-such-applicant", tmp_path)


def test_the_report_cites_the_leaders_sign_off_by_its_fingerprint(own, scheme):
    """Cited while signed; reopened (demo-special's refusal carried nothing out on a certificate,
    so its report may be reopened), the report says it is not signed."""
    audit = own.current_audit(SPECIAL)
    leader = next(m.auditor.id for m in own.team(audit) if m.role == "leader")
    signature = own.stage_signature(audit, "report")
    page = report_html(own, SPECIAL)
    assert signature[:16] in page and "签名有效" in page and leader in page
    own.acting_as("M02").reopen_decision(audit, "复核发现描述")  # a decided audit opens by the committee only
    own.acting_as(leader).reopen_stage(audit, "report", "复核发现描述")
    assert "本报告阶段尚未签署" in report_html(own, SPECIAL)


# --- PDFs (Chromium) -------------------------------------------------------------------------
@pytest.mark.notebooks
def test_the_pdfs_carry_the_name_and_number_and_embed_their_fonts(shared, tmp_path):
    before = database_digest(Path(shared.engine.url.database))
    written = build_documents(shared, CONSUMER, tmp_path)
    assert [p.name for p in written] == ["audit_notice.html", "audit_report.html", "audit_report.pdf",
                                         "certificate.html", "certificate.pdf"]
    name, number = shared.get_applicant(CONSUMER).name, shared.certificate_for(CONSUMER).number
    report_text, certificate_text = pdf_text(tmp_path / "audit_report.pdf"), pdf_text(tmp_path / "certificate.pdf")
    assert name in report_text and "审查报告" in report_text
    assert name in certificate_text and number in certificate_text and "认证证书" in certificate_text
    for document in ("audit_report.pdf", "certificate.pdf"):
        fonts = pdf_font_lines(tmp_path / document)
        assert fonts, f"{document} lists no fonts"
        for line in fonts:  # columns: name type encoding emb sub uni object-id generation
            assert line.split()[-5] == "yes", f"{document}: a font is not embedded: {line}"
    # The refused applicant has a report and no certificate; reading never changed the store.
    assert [p.name for p in build_documents(shared, SPECIAL, tmp_path / "special")] == [
        "audit_notice.html", "audit_report.html", "audit_report.pdf"]
    assert database_digest(Path(shared.engine.url.database)) == before


@pytest.mark.notebooks
def test_the_certificate_carries_the_body_the_initial_date_the_sites_and_the_check_address(shared, tmp_path):
    """Issue 23 §2, read with pdftotext as the holder and the regulator read it: demo-industrial's
    recertified certificate keeps its initial certification date of 2023."""
    from audit_widgets.body import load_body
    from audit_widgets.documents.certificate import verification_code, write_certificate
    body = load_body()
    write_certificate(shared, "demo-industrial", tmp_path)
    layout = pdf_text(tmp_path / "certificate.pdf")
    text = "".join(layout.split())  # the layout wraps long lines
    certificate = shared.certificate_for("demo-industrial")
    first = shared.certificate_chain("demo-industrial")[0]
    holder = shared.get_applicant("demo-industrial")
    assert first.number != certificate.number and first.issued_on.year < certificate.issued_on.year
    for expected in (body.name, body.address, body.approval_number, body.signatory_name,
                     body.verification_address(certificate.number, verification_code(certificate, holder.uscc))):
        assert "".join(expected.split()) in text, expected
    lines = layout.splitlines()
    assert any("初次获证日期" in line and str(first.issued_on) in line for line in lines)
    assert any("本次颁证日期" in line and str(certificate.issued_on) in line for line in lines)
    for site in holder.sites:
        assert "".join(f"{site.name}：{site.address}".split()) in text, site.name
    assert "认证机构（示例）" not in text


@pytest.mark.notebooks
def test_the_report_opens_offline_in_chromium_with_its_charts(shared, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (make system-packages)")
    html_path = tmp_path / "audit_report.html"
    html_path.write_text(report_html(shared, CONSUMER), encoding="utf-8")
    offsite: list[str] = []
    with offline_file(html_path, offsite) as page:
        charts = page.locator("svg.marks")
        assert charts.count() >= 2
        box = charts.first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100
        assert page.locator("h1").inner_text().startswith("审查报告")
    assert not offsite, offsite


def test_a_failed_print_names_the_file_and_leaves_the_previous_pdf(tmp_path, monkeypatch):
    source = tmp_path / "page.html"
    source.write_text("<p>一</p>", encoding="utf-8")
    target = tmp_path / "page.pdf"
    target.write_bytes(b"%PDF previous")
    monkeypatch.setattr(pdf, "CHROMIUM", "/bin/false")  # a browser that fails
    with pytest.raises(pdf.PdfError) as failed:
        pdf.html_to_pdf(source, target)
    assert "page.html" in failed.value.render() and "Chromium" in failed.value.en
    assert target.read_bytes() == b"%PDF previous" and sorted(p.name for p in tmp_path.iterdir()) == ["page.html",
                                                                                                     "page.pdf"]
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pdf.PdfError) as missing:
        pdf.html_to_pdf(source, target)
    assert missing.value.code == "pdf.no_chromium" and "make system-packages" in missing.value.en  # says what to run


# --- verification ----------------------------------------------------------------------------
def test_the_verification_code_is_checked_against_the_store(own, scheme):
    certificate = own.certificate_for(CONSUMER)
    code = verification_code(certificate, own.get_applicant(CONSUMER).uscc)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    check = verify_certificate(own, certificate.number, code)
    assert check.genuine and check.valid and check.status == "valid"
    assert verify_certificate(own, certificate.number, code.lower().replace("-", " ")).valid  # as a person types it
    assert verify_certificate(own, certificate.number, code[:-1] + ("A" if code[-1] != "A" else "B")).outcome == "wrong_code"
    assert verify_certificate(own, certificate.number, code[:9]).outcome == "wrong_code"  # a shortened code never passes
    other = own.certificate_for("demo-industrial")
    assert verify_certificate(own, other.number, code).outcome == "wrong_code"  # another certificate's code
    assert verify_certificate(own, "XBHT-SM-1999-Z99999", code).outcome == "unknown"
    suspend(own, certificate.number, certificate.issued_on)
    suspended = verify_certificate(own, certificate.number, code)
    assert suspended.genuine and not suspended.valid and suspended.status_name == "暂停"


def test_certificate_verify_on_the_command_line(own):
    command = Command(own.engine.url.render_as_string(hide_password=False))
    certificate = own.certificate_for(CONSUMER)
    code = verification_code(certificate, own.get_applicant(CONSUMER).uscc)
    ok = command("certificate", "verify", certificate.number, code)
    assert ok.exit_code == 0 and "真实" in ok.output and "genuine" in ok.output
    as_json = command("certificate", "verify", certificate.number, code, "--json")
    assert as_json.exit_code == 0 and '"valid": true' in as_json.output
    assert command("certificate", "verify", certificate.number, *code.lower().split("-")).exit_code == 0  # typed in groups
    wrong = command("certificate", "verify", certificate.number, "AAAA-BBBB-CCCC-DDDD")
    assert wrong.exit_code != 0 and "不符" in wrong.output and "does not match" in wrong.output
    unknown = command("certificate", "verify", "XBHT-SM-1999-Z99999", code)
    assert unknown.exit_code != 0 and "没有编号" in unknown.output and "No certificate" in unknown.output
    assert "Traceback" not in wrong.output + unknown.output
    nothing = command("report", "--applicant", FRESH)
    assert nothing.exit_code == 0 and "未生成文件" in nothing.output


# --- the register ----------------------------------------------------------------------------
def rename(workbench: Workbench, scheme, applicant_id: str, name: str) -> None:
    data = read_applicant_file(APPLICANTS_DIR / f"{applicant_id}.yaml", scheme)
    workbench.update_applicant(data.model_copy(update={"name": name}))


def test_the_register_has_a_row_per_certificate_with_formulas_neutralised(own, scheme, tmp_path):
    rename(own, scheme, CONSUMER, '=HYPERLINK("http://example.invalid","点我")')
    rename(own, scheme, "demo-industrial", "+1")
    numbers = sorted(c.number for c in own.certificates())
    # Every certificate ever issued: demo-industrial's superseded and recertified ones too.
    assert len(numbers) == len(own.certificate_chain(CONSUMER)) + len(own.certificate_chain("demo-industrial")) == 3
    from openpyxl import load_workbook
    sheet = load_workbook(export_register(own, tmp_path / "register.xlsx")).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(COLUMNS.values()) and rows[0][:3] == ["证书编号", "获证组织名称", "统一社会信用代码"]
    assert sorted(r[0] for r in rows[1:]) == numbers
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    holders = {r[0]: r[1] for r in rows[1:]}
    assert holders[own.certificate_for(CONSUMER).number] == '\'=HYPERLINK("http://example.invalid","点我")'
    assert holders[own.certificate_for("demo-industrial").number] == "'+1"
    raw = (tmp_path / "register.csv")
    export_register(own, raw)
    assert raw.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the Chinese
    with open(raw, encoding="utf-8-sig", newline="") as stream:
        table = list(csv.reader(stream))
    assert table[0] == list(COLUMNS.values()) and len(table) == 1 + len(numbers)
    assert {row[1] for row in table[1:]} == {'\'=HYPERLINK("http://example.invalid","点我")', "'+1"}
    rows_by_number = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    consumer = rows_by_number[own.certificate_for(CONSUMER).number]
    assert consumer["证书状态"] == "有效" and consumer["状态变更原因"] == "整改完成，恢复有效（suspension_lifted）"
    assert consumer["成熟度等级"].startswith("四级")
    first = rows_by_number[own.certificate_chain("demo-industrial")[0].number]
    assert first["证书状态"] == "换发" and first["状态变更原因"] == "再认证，换发新证书（recertified）"


def test_a_bad_suffix_is_a_clear_error_that_writes_nothing(shared, tmp_path):
    with pytest.raises(InputFileError) as refused:
        export_register(shared, tmp_path / "register.pdf")
    assert ".xlsx" in refused.value.en and ".pdf" in refused.value.zh
    command = Command(shared.engine.url.render_as_string(hide_password=False))
    result = command("register", "export", tmp_path / "register.txt")
    assert result.exit_code != 0 and "登记表只能导出为" in result.output and "Traceback" not in result.output
    assert not any(tmp_path.iterdir())
    done = command("register", "export", tmp_path / "out" / "register.xlsx")
    assert done.exit_code == 0 and (tmp_path / "out" / "register.xlsx").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["register.xlsx"]  # no temporary file left


def test_the_report_words_the_recommendation_by_the_audit_type_and_names_grades_and_objectives(shared, scheme):
    """Issue 23 §3: a special audit's recommendation is one of its own decisions (not 批准认证), the
    objective is the audit type's, a trainee is named as one, and observations and good practice
    stand apart from the open nonconformities."""
    page = report_html(shared, CONSUMER)  # its newest reported audit: the complaint's special audit
    conclusion = page[page.index("十四、审查建议"):page.index("十五、声明")]
    assert "建议保持认证等级" in conclusion and "批准认证" not in conclusion
    assert scheme.audit_type("special").objective in page
    assert "实习审查员 trainee" in page and "审查员 auditor" in page
    open_part = page[page.index("未关闭的不符合"):page.index("观察项与良好实践")]
    noted = page[page.index("观察项与良好实践"):page.index("十四、审查建议")]
    assert "B16" not in open_part  # a good practice is not a nonconformity
    assert "B16" in noted and "良好实践" in noted and "未关闭" not in noted
    initial = report_html(shared, "demo-special")  # refused at its initial audit
    assert "建议不予认证" in initial[initial.index("十四、审查建议"):]
    from audit_widgets.widgets.report import ReportPanel
    assert "建议保持认证等级" in ReportPanel(shared, CONSUMER, read_only=True).body.value  # 06 on screen says the same


@pytest.mark.notebooks
def test_a_suspended_holder_gets_its_notice_with_the_deadline_and_what_to_do(cycle_db, scheme, tmp_path):
    """Issue 23 §7: the committee's suspension of demo-consumer (between audits, on the holder's
    request, 90 days to correct) writes the suspension notice with the documents."""
    from datetime import date, timedelta

    from audit_widgets.body import load_body
    workbench = Workbench(cycle_db, scheme, actor="P02")
    number = workbench.certificate_for(CONSUMER).number
    suspend(workbench, number, date.today())
    written = [p.name for p in build_documents(workbench, CONSUMER, tmp_path)]
    assert "status_notice.pdf" in written and "certificate.pdf" in written
    text = "".join(pdf_text(tmp_path / "status_notice.pdf").split())
    deadline = date.today() + timedelta(days=90)
    for expected in ("暂停通知书", number, str(deadline), "不得使用证书和认证标志", "持证方申请：持证方来函申请暂停",
                     load_body().name, "申诉"):
        assert "".join(expected.split()) in text, expected


def test_the_published_list_names_the_suspended_and_withdrawn_certificates_only(cycle_db, scheme, tmp_path):
    """Issue 23 §7: the list the body publishes, from the register."""
    from datetime import date

    from audit_widgets.documents.register import published_list_html
    workbench = Workbench(cycle_db, scheme, actor="P02")
    assert "无 / none" in published_list_html(workbench)
    number = workbench.certificate_for(CONSUMER).number
    suspend(workbench, number, date.today())
    page = published_list_html(workbench)
    assert number in page and "暂停" in page and workbench.certificate_for("demo-industrial").number not in page
    command = Command(cycle_db)
    result = command("register", "published", str(tmp_path / "published.html"))
    assert result.exit_code == 0 and number in (tmp_path / "published.html").read_text(encoding="utf-8")


def test_the_audit_notice_names_the_team_with_grades_the_agenda_and_the_right_to_object(demo_db, scheme, tmp_path):
    """Issue 23 §7: the notice the client gets before the audit, from the registry; saving the
    audit plan on screen writes it (the registry's `follows`)."""
    from audit_widgets.documents.registry import documents
    assert "audit_notice" in {d.id for d in documents}
    workbench = Workbench(demo_db, scheme)
    [path] = documents.get("audit_notice").write(workbench, "demo-industrial", tmp_path)
    html = path.read_text(encoding="utf-8")
    recertification = workbench.audits("demo-industrial")[-1]
    programme, plan = workbench.programme(recertification.id), workbench.audit_plan(recertification.id)
    grades = {g.id: g.name for g in scheme.auditor_grades}
    assert "审核通知书" in html and "再认证审查" in html and f"{programme.audit_start} 至 {programme.audit_end}" in html
    for member in workbench.team(recertification.id):
        assert member.auditor.name in html and grades[member.auditor.grade] in html
    assert all(line["site"] in html for line in plan.agenda)
    assert "A01、A04" not in html  # the agenda names the auditors, not their ids
    assert "利益冲突" in html and "before the audit starts" in html  # the client may object
    assert documents.get("audit_notice").write(workbench, "demo-composite", tmp_path) == []  # nothing planned yet
    assert [f.name for f in workbench.make_following("demo-industrial", "audit_plan")] == [
        "demo-industrial/audit_notice.html"]


def test_one_registry_lists_every_document_and_builds_one_kind_on_the_command_line(demo_db, scheme):
    """Issue 23 §5: `documents list` says for whom and when each document is; `documents build
    --kind` writes that one only; an unknown kind is named and nothing is written."""
    import json
    import shutil

    from audit_widgets.documents.registry import documents
    from audit_widgets.paths import outputs_dir
    command = Command(demo_db)
    listed = json.loads(command("documents", "list", "--json").stdout)
    assert [row["kind"] for row in listed] == [d.id for d in documents]
    assert {"audit_notice", "refusal_letter", "report", "certificate", "status_notice"} <= {r["kind"] for r in listed}
    assert all(row["reader"] and row["due"] and row["files"] for row in listed)
    folder = outputs_dir() / "demo-industrial"
    shutil.rmtree(folder, ignore_errors=True)
    result = command("documents", "build", "--applicant", "demo-industrial", "--kind", "audit_notice")
    assert result.exit_code == 0 and sorted(p.name for p in folder.iterdir()) == ["audit_notice.html"], result.output
    unknown = command("documents", "build", "--applicant", "demo-industrial", "--kind", "weather_report")
    assert unknown.exit_code != 0 and "weather_report" in unknown.output
    assert sorted(p.name for p in folder.iterdir()) == ["audit_notice.html"]


def test_a_body_changes_a_documents_wording_with_its_own_template(demo_db, scheme, tmp_path, monkeypatch):
    """Issue 23 §5: the audit notice is a Jinja2 template; a template of the same name in the
    folder body.yaml names replaces the project's, without Python; values are escaped."""
    import shutil

    from audit_widgets.documents.registry import documents
    from audit_widgets.documents.templating import DEFAULT_TEMPLATES
    from audit_widgets.paths import project_root
    source = project_root() / "parameters"
    shutil.copytree(source / "body", tmp_path / "body")
    (tmp_path / "body.yaml").write_text((source / "body.yaml").read_text(encoding="utf-8")
                                        + "\ntemplates: my_templates\n", encoding="utf-8")
    (tmp_path / "my_templates").mkdir()
    own = (DEFAULT_TEMPLATES / "audit_notice.html.j2").read_text(encoding="utf-8").replace(
        "<h1>审核通知书</h1>", "<h1>现场审核通知（本机构格式）</h1>")
    (tmp_path / "my_templates" / "audit_notice.html.j2").write_text(own, encoding="utf-8")
    monkeypatch.setenv("AUDIT_WORKBENCH_BODY", str(tmp_path / "body.yaml"))
    workbench = Workbench(demo_db, scheme)
    [path] = documents.get("audit_notice").write(workbench, "demo-industrial", tmp_path / "out")
    html = path.read_text(encoding="utf-8")
    assert "现场审核通知（本机构格式）" in html and "<h1>审核通知书</h1>" not in html
    assert "<style>" in html and "审核日程" in html  # the rest from the project's page and macros
    # A holder's name is data, not markup: the templates escape it.
    from dataclasses import replace

    from audit_widgets.documents.audit_notice import audit_notice_html
    audit = workbench.audits("demo-industrial")[-1]
    hostile = replace(workbench.get_applicant("demo-industrial"), name="<script>alert(1)</script>")
    notice = audit_notice_html(scheme, hostile, audit, workbench.programme(audit.id), workbench.audit_plan(audit.id),
                               workbench.team(audit.id))
    assert "<script>" not in notice and "&lt;script&gt;" in notice


def body_with_templates(tmp_path, monkeypatch, edits: dict[str, tuple[str, str]]) -> None:
    """A body whose templates folder holds the project's templates named in `edits`, each with one
    text replaced (old, new): what a body does to change a document's wording."""
    import shutil

    from audit_widgets.documents.templating import DEFAULT_TEMPLATES
    from audit_widgets.paths import project_root
    source = project_root() / "parameters"
    shutil.copytree(source / "body", tmp_path / "body")
    (tmp_path / "body.yaml").write_text((source / "body.yaml").read_text(encoding="utf-8")
                                        + "\ntemplates: my_templates\n", encoding="utf-8")
    (tmp_path / "my_templates").mkdir()
    for name, (old, new) in edits.items():
        text = (DEFAULT_TEMPLATES / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (tmp_path / "my_templates" / name).write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setenv("AUDIT_WORKBENCH_BODY", str(tmp_path / "body.yaml"))


def section_headings(page: str) -> list[str]:
    return re.findall(r"<h2>([一二三四五六七八九十]+)、([^<]+?) <small>", page)


def test_the_report_and_certificate_are_templates_a_body_rewords_and_the_sections_renumber(
        shared, scheme, tmp_path, monkeypatch):
    """Issue 23 §5: the audit report, the certificate and the public check are Jinja2 templates too.
    The report's sections are numbered by the template (一 … 十六), so a body that drops one (here
    the survey results) gets the rest renumbered without editing a number."""
    from audit_widgets.documents.certificate import CertificateSources, certificate_html
    from audit_widgets.public_check import check_html
    numbered = section_headings(report_html(shared, CONSUMER))
    assert [n for n, _ in numbered] == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三",
                                         "十四", "十五", "十六"]
    assert numbered[7][1] == "满意度调查结果" and numbered[-1][1] == "审查组长签署"
    body_with_templates(tmp_path, monkeypatch, {
        "audit_report.html.j2": ('{{ m.section(section, "满意度调查结果", "Survey results") }}\n'
                                 '{{ survey_results or not_recorded }}', ""),
        "certificate.html.j2": ("<h1>认证证书</h1>", "<h1>服务认证证书</h1>"),
        "public_check.html.j2": ("<h1>证书查询 Certificate check</h1>", "<h1>本机构证书查询</h1>")})
    reworded = section_headings(report_html(shared, CONSUMER))
    assert len(reworded) == 15 and reworded[7] == ("八", "得分、成熟度等级与门槛")
    assert reworded[-1] == ("十五", "审查组长签署")
    certificate = shared.certificate_for(CONSUMER)
    printed = certificate_html(scheme, CertificateSources.read(shared, certificate))
    assert "<h1>服务认证证书</h1>" in printed and certificate.number in printed
    assert "本机构证书查询" in check_html(shared, certificate.number, "")[1]


def test_a_status_notice_is_a_template_and_says_what_the_holder_must_do(own, tmp_path, monkeypatch):
    """Issue 23 §5 and §7: the suspension notice comes from status_notice.html.j2: the deadline to
    correct by, and the body's own wording where its template says otherwise."""
    from datetime import date

    from audit_widgets.documents.notices import write_status_notice
    number = own.certificate_for("demo-industrial").number
    with own.clock.at(date(2026, 12, 10)):
        suspend(own, number, date(2026, 12, 10))
    html_path = write_status_notice(own, "demo-industrial", tmp_path / "default")[0]
    page = html_path.read_text(encoding="utf-8")
    assert "<h1>暂停通知书</h1>" in page and "请于 <b>2027-03-10</b> 前完成整改" in page and number in page
    body_with_templates(tmp_path, monkeypatch, {"status_notice.html.j2": ("如对本决定有异议", "对本决定不服的")})
    reworded = write_status_notice(own, "demo-industrial", tmp_path / "own")[0].read_text(encoding="utf-8")
    assert "对本决定不服的" in reworded and "如对本决定有异议" not in reworded


@pytest.mark.parametrize("number, numeral", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (16, "十六"), (20, "二十"),
                                             (21, "二十一"), (99, "九十九")])
def test_sections_are_numbered_as_chinese_documents_number_them(number, numeral):
    from audit_widgets.documents.templating import chinese_numeral
    assert chinese_numeral(number) == numeral


def test_the_report_lists_each_items_evidence_files_with_their_hash(own, scheme):
    """Issue 25 §5: the report lists the evidence each checklist item holds, by name and SHA-256."""
    import hashlib
    audit = own.current_audit(SPECIAL)
    assert "检查表条目的证据文件" in report_html(own, SPECIAL)
    leader = next(m.auditor.id for m in own.team(audit) if m.role == "leader")
    own.acting_as("M02").reopen_decision(audit, "补充证据")
    for stage in ("report", "system_audit"):
        if own.is_signed(audit, stage):
            own.acting_as(leader).reopen_stage(audit, stage, "补充证据")
    photo = "服务手册照片".encode() * 1000
    own.acting_as(leader).add_evidence(audit, "E01", photo, "服务手册.jpg")
    page = report_html(own, SPECIAL)
    assert "服务手册.jpg" in page and hashlib.sha256(photo).hexdigest() in page
