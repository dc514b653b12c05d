"""An auditor takes a fresh applicant from application to certificate through the widgets
alone, in the order of the workbooks."""
from datetime import date, timedelta

import pytest

from audit_widgets.demo.audits import register_auditors
from audit_widgets.demo.data import wjx_survey_export, work_order_log, write_csv, write_xlsx
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.imports.surveys import read_survey
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.notebook import StageNotebook
from audit_widgets.store.repository import Workbench
from audit_widgets.widgets.summary import StageSummary

from .conftest import APPLICANTS_DIR

APPLICANT = "demo-composite"


@pytest.fixture
def fresh(db_url, scheme, tmp_path):
    workbench = Workbench(db_url, scheme, actor="P01")
    register_auditors(workbench)
    workbench.add_applicant(read_applicant_file(APPLICANTS_DIR / f"{APPLICANT}.yaml", scheme))
    workbench.import_work_orders(APPLICANT, read_work_orders(write_csv(work_order_log(3000, seed=8), tmp_path / "o.csv")))
    workbench.import_survey(APPLICANT, read_survey(write_xlsx(wjx_survey_export(400, seed=8), tmp_path / "s.xlsx"),
                                                   scheme))
    return db_url


def _open(stage, db_url, auditor="A02"):
    book = StageNotebook(stage, APPLICANT, mode="interactive", database_url=db_url, auditor=auditor)
    return book, {type(w).__name__: w for w in book.stage_widgets()}


def _record(book) -> None:
    summary = StageSummary(book)
    summary.record()
    assert "已记录" in summary.status.value, summary.status.value


def test_application_to_certificate_by_widgets(fresh):
    book, shown = _open("report", fresh, auditor="P01")  # opening the first workbook opens the audit
    assert book.blocked and [s.id for s in book.missing] == ["characteristic", "system_audit"]

    book, shown = _open("application", fresh, auditor="P01")  # the programme manager's stages
    form = shown["ApplicantForm"]
    for document in book.workbench.scheme.application_documents:
        form._uploaded(document.id, {"new": ({"name": f"{document.id}.pdf", "content": memoryview(b"%PDF")},)})
    _record(book)

    book, shown = _open("planning", fresh, auditor="P01")  # the programme manager's stages
    review = shown["ReviewForm"]
    assert "可以受理" not in review.findings.value  # the credit search and the domain's reason are missing
    review.credit_clear.value = True
    review.credit_evidence.value = "信用中国查询截图.png"
    review.domain_reason.value = "智能家居成套产品，属复合商品类"
    assert "可以受理" in review.findings.value
    review.reason.value = "资质齐全，无严重失信记录"
    review.record()
    assert "评审结论已记录" in review.message.value
    panel = shown["PlanningPanel"]
    panel.pickers["A02"].value = "leader"
    panel.pickers["A01"].value = "member"
    assert "公正性声明" in panel.team_check.value  # not declared yet
    panel.record_declarations()
    assert "✓" in panel.team_check.value
    panel.audit_start.value = date.today() - timedelta(days=3)
    panel.audit_end.value = date.today() - timedelta(days=1)
    _record(book)

    book, shown = _open("contract", fresh, auditor="P01")  # the programme manager's stages
    contract = shown["ContractForm"]
    contract.number.value = "HT-2026-0099"
    contract.signed_on.value = date.today() - timedelta(days=5)
    contract.save()
    assert "合同已保存" in contract.message.value
    _record(book)

    book, shown = _open("characteristic", fresh)
    cases = shown["CaseSampleWidget"]
    cases.draw()
    for row in cases.rows_box.children[:5]:
        row.fields["resolved"].value = "yes"
    checklists = [w for w in book.stage_widgets() if type(w).__name__ == "ChecklistWidget"]
    for checklist in checklists:
        for page in checklist.page.options:
            checklist.page.value = page[1]
            for row in checklist.rows_box.children:
                if row.item.judgement == "sample":
                    row.checked.value, row.nonconforming.value = 10, 0
                elif row.item.judgement == "qualitative":
                    row.result.value = "conform"
    _record(book)
    leader_book, _ = _open("characteristic", fresh, auditor="A02")
    StageSummary(leader_book).sign()
    assert book.workbench.is_signed(book.audit_id, "characteristic")

    book, shown = _open("system_audit", fresh)
    for checklist in book.stage_widgets():
        for page in checklist.page.options:
            checklist.page.value = page[1]
            for row in checklist.rows_box.children:
                if row.item.judgement == "sample":
                    row.checked.value, row.nonconforming.value = 10, 1
                else:
                    row.result.value = "conform"
    _record(book)

    book, shown = _open("report", fresh)
    report = shown["ReportPanel"]
    assert "建议批准认证" in report.body.value
    findings = shown["FindingsWidget"]
    findings.grade.value = "observation"
    findings.description.value = "系统联动配置记录可更完整"
    findings.add()
    particulars = shown["ParticularsForm"]  # what the report states beside the checklists
    particulars.fields["representative"].value = "赵敏（客服总监）"
    particulars.fields["internal_audit"].value = "年度内审覆盖全部网点"
    particulars.fields["management_review"].value = "管理评审已召开"
    particulars.save()
    assert "已保存" in particulars.message.value, particulars.message.value
    _record(book)
    StageSummary(book).sign()  # the committee decides on a report its leader signed

    book, shown = _open("decision", fresh, auditor="M01")
    decision = shown["DecisionWidget"]
    assert decision.recommendation.certifiable
    decision.members.value = ("M01", "M02")
    decision.reasons.value = "审查结论支持批准"
    decision.record()
    _record(book)
    StageSummary(book).sign()  # a certificate carries out a signed decision only

    book, shown = _open("certificate", fresh, auditor="M01")
    panel = shown["CertificatePanel"]
    panel.issue()
    certificate = book.workbench.certificate_for(APPLICANT)
    assert certificate.number.endswith("DB00001")  # domains d and b and certificate.status == "valid"
    _record(book)

    book, shown = _open("recertification", fresh)
    assert not book.blocked
