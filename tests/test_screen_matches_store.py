"""Every control writes and says so, or says why not; after a refused write the screen shows
what the store holds (issue 7 §2)."""
from datetime import date, timedelta

import pytest

from audit_widgets.notebook import StageNotebook
from audit_widgets.stages import run_stage
from audit_widgets.store.repository import Workbench
from audit_widgets.widgets.cases import CaseSampleWidget
from audit_widgets.widgets.contract import ContractForm
from audit_widgets.widgets.decision import DecisionWidget
from audit_widgets.widgets.findings import FindingsWidget
from audit_widgets.widgets.planning import PlanningPanel

from .conftest import copy_database, import_demo_orders


@pytest.fixture
def planned(staffed_audit, db_url, scheme):
    applicant, audit = staffed_audit
    return Workbench(db_url, scheme, actor="A02"), applicant, audit


def test_a_refused_team_change_does_not_stay_on_screen(planned):
    workbench, applicant, audit = planned
    manager = workbench.acting_as("P01")
    panel = PlanningPanel(manager, applicant)  # opened before the sign-off, so still editable
    for document in workbench.scheme.application_documents:
        manager.add_document(audit, document.id, b"%PDF", f"{document.id}.pdf")
    run_stage(workbench, "application", applicant)
    run_stage(workbench, "planning", applicant)
    workbench.sign_off(audit, "planning")
    panel.pickers["A01"].value = ""
    assert "只读" in panel.message.value
    assert panel.pickers["A01"].value == "member"  # what the store holds
    panel.audit_end.value = date.today() + timedelta(days=9)
    assert panel.audit_end.value == workbench.programme(audit).audit_end


def test_the_contract_saves_as_you_type(planned):
    workbench, applicant, audit = planned
    form = ContractForm(workbench.acting_as("P01"), applicant)
    assert not any(getattr(c, "description", "").startswith("保存合同") for c in form.children)
    form.number.value = "HT-7"
    assert workbench.contract(audit) is None and "自动保存" in form.message.value
    form.signed_on.value = date(2026, 11, 20)
    assert workbench.contract(audit).contract_no == "HT-7" and "合同已保存" in form.message.value
    form.fee.value = 12000
    assert workbench.contract(audit).fee == 12000


def test_the_decision_form_shows_the_recorded_decision(planned, db_url, scheme):
    workbench, applicant, audit = planned
    committee = Workbench(db_url, scheme, actor="M01")
    for stage in ("application", "planning", "contract", "characteristic", "system_audit", "report"):
        committee.record_stage_result(audit, stage, {})
    workbench.sign_off(audit, "report")
    decided = date.today()  # on or after the report's signature
    committee.record_decision(audit, decided_on=decided, certified=True, level_rank=3,
                              members=["M01", "M02"], reasons="符合",
                              override_reason="委员会认定现场证据充分")
    form = DecisionWidget(committee, applicant)
    assert form.outcome.value == "certify" and form.level.value == 3
    assert form.members.value == ("M01", "M02") and form.override_reason.value == "委员会认定现场证据充分"
    assert form.decided_on.value == decided


def test_every_checklist_of_a_stage_shows_the_same_total(planned, db_url):
    workbench, applicant, _ = planned
    book = StageNotebook("system_audit", applicant, database_url=db_url, auditor="A02")
    first, second, third = book.stage_widgets()
    first.rows[0].note.value = "服务手册缺少收费标准"
    first.rows[0].result.value = "nonconform"
    assert first.score.value == second.score.value == third.score.value
    assert first.evaluation is second.evaluation


def test_the_case_counter_follows_each_verification(planned, tmp_path):
    workbench, applicant, _ = planned
    import_demo_orders(workbench, applicant, tmp_path)
    widget = CaseSampleWidget(workbench, applicant)
    widget.draw()
    assert "已复核 verified 0" in widget.record.value
    for row in widget.rows_box.children[:3]:
        row.fields["resolved"].value = "yes"
    assert "已复核 verified 3" in widget.record.value


def test_the_corrective_action_form_starts_on_a_finding_and_never_fails_silently(planned):
    workbench, applicant, audit = planned
    widget = FindingsWidget(workbench, applicant)
    widget.save_corrective_action()
    assert "请先登记或选择" in widget.message.value
    assert widget.grade.value == ""  # no default grade
    widget.add()
    assert "请选择发现等级" in widget.message.value and workbench.findings(audit) == []
    widget.grade.value, widget.description.value = "minor", "记录缺失"
    widget.add()
    assert widget.selected.value == workbench.findings(audit)[0].id
    raised_on = workbench.findings(audit)[0].raised_on
    widget.plan.value, widget.accepted_on.value = "补记录", raised_on - timedelta(days=1)
    widget.save_corrective_action()  # a plan accepted before its finding: refused, and said so
    assert "不能早于" in widget.message.value and workbench.findings(audit)[0].plan_accepted_on is None
    widget.accepted_on.value = raised_on
    widget.save_corrective_action()
    assert workbench.findings(audit)[0].plan_accepted_on == raised_on


def test_a_decision_between_audits_waits_for_a_confirmation_that_names_it(demo_db, scheme, tmp_path):
    from audit_widgets.widgets.certificate_decisions import CertificateDecisionPanel
    copy = copy_database(demo_db, tmp_path / "demo.sqlite")  # the shared demo store stays as it is
    workbench = Workbench(f"sqlite:///{copy}", scheme, actor="M01")
    panel = CertificateDecisionPanel(workbench, "demo-consumer")
    number = panel.certificate.number
    assert panel.outcome.value == ""  # no preselected suspension
    panel.outcome.value = "suspend"
    panel.status_reason.value, panel.deadline.value = "unpaid_fees", date.today() + timedelta(days=30)
    panel.grounds.value, panel.grounds_detail.value, panel.reasons.value = "holder_request", "催缴函", "逾期未缴费"
    panel.ask_to_decide()
    assert number in panel.confirmation.text.value and "暂停" in panel.confirmation.text.value
    assert workbench.certificate_decisions("demo-consumer") == []
    panel.confirmation.confirm()
    [decision] = workbench.certificate_decisions("demo-consumer")
    assert decision.outcome == "suspend" and workbench.certificate_for("demo-consumer").status == "valid"


def test_the_summary_says_where_the_stage_stands_and_the_last_cell_what_comes_next(planned, db_url):
    from audit_widgets.widgets.summary import StageSummary
    workbench, applicant, audit = planned
    for document in workbench.scheme.application_documents:
        workbench.acting_as("P01").add_document(audit, document.id, b"%PDF", f"{document.id}.pdf")
    book = StageNotebook("application", applicant, database_url=db_url, auditor="P01")  # 01's signer
    summary = StageSummary(book)
    assert "尚未记录" in summary.state.value
    summary.sign()  # records afresh, then signs
    assert "已由 吴芳 P01" in summary.state.value and "签名校验通过" in summary.state.value  # by name and id (§7)
    assert 'href="02_review_and_planning.ipynb"' in book.next_steps_html()


def test_mark_all_conforming_then_flag_and_filter_the_exceptions(planned, tmp_path):
    workbench, applicant, audit = planned
    import_demo_orders(workbench, applicant, tmp_path)
    widget = CaseSampleWidget(workbench, applicant)
    widget.draw()
    widget.mark_all_conforming()
    sample = workbench.case_sample(audit)
    assert len(sample.verified) == len(sample.ids) and "已复核 verified" in widget.record.value
    orders = workbench.work_orders(workbench.resolve_audit(applicant, open_if_none=True)).set_index("order_id")
    for order_id, verification in sample.verified.items():
        complaint = bool(orders.loc[order_id, "is_complaint"])
        assert verification.resolved is True
        assert (verification.reworked is None) == complaint and (verification.complaint_closed is None) != complaint
    row = widget.rows_box.children[0]
    row.fields["resolved"].value = "no"  # the exception
    widget.show.value = "bad"
    assert [r.order_id for r in widget.rows_box.children] == [row.order_id]
    widget.show.value = "open"
    assert widget.rows_box.children == ()
    assert workbench.case_sample(audit).verified[row.order_id].resolved is False


def test_the_confirmation_carries_out_what_it_named(demo_db, scheme, tmp_path):
    from audit_widgets.widgets.certificate_decisions import CertificateDecisionPanel
    copy = copy_database(demo_db, tmp_path / "demo.sqlite")
    workbench = Workbench(f"sqlite:///{copy}", scheme, actor="M01")
    panel = CertificateDecisionPanel(workbench, "demo-consumer")
    panel.outcome.value = "cancel"
    panel.status_reason.value = "holder_request"
    panel.grounds.value, panel.grounds_detail.value, panel.reasons.value = "holder_request", "注销申请函", "持证方申请"
    panel.ask_to_decide()
    panel.outcome.value = "withdraw"  # edited while the confirmation is open
    panel.confirmation.confirm()
    assert [d.outcome for d in workbench.certificate_decisions("demo-consumer")] == ["cancel"]


def test_a_refused_case_check_shows_what_the_store_holds_and_keeps_the_note(planned, tmp_path):
    workbench, applicant, audit = planned
    import_demo_orders(workbench, applicant, tmp_path)
    widget = CaseSampleWidget(workbench, applicant)
    widget.draw()
    row = widget.rows_box.children[0]
    row.fields["resolved"].value = "yes"
    workbench.verify_case(widget.sample.id, row.order_id, note="电话回访", resolved=True)
    row.fields["reworked"].value = "yes"  # a later check on screen keeps the note
    assert workbench.case_sample(audit).verified[row.order_id].note == "电话回访"
    workbench.record_stage_result(audit, "application", {})
    for stage in ("planning", "contract", "characteristic"):
        workbench.record_stage_result(audit, stage, {})
    workbench.sign_off(audit, "characteristic")
    widget.rows_box.children[0].fields["resolved"].value = "no"
    assert "只读" in widget.message.value
    assert widget.rows_box.children[0].fields["resolved"].value == "yes"  # the stored value is back


def test_a_refused_applicant_edit_shows_the_stored_data(planned):
    from audit_widgets.widgets.applicant import ApplicantForm
    workbench, applicant, audit = planned
    form = ApplicantForm(workbench.acting_as("P01"), applicant)  # opened before the sign-off
    for document in workbench.scheme.application_documents:
        workbench.acting_as("P01").add_document(audit, document.id, b"%PDF", f"{document.id}.pdf")
    run_stage(workbench, "application", applicant)
    workbench.acting_as("P01").sign_off(audit, "application")  # the programme manager signs 01
    form.fields["personnel"].value = 999
    assert "只读" in form.message.value
    assert form.fields["personnel"].value == workbench.get_applicant(applicant).personnel != 999


def test_a_survey_import_updates_the_figures_in_the_stage_checklists(planned, db_url, tmp_path):
    from audit_widgets.demo.data import Quality, wjx_survey_export, write_xlsx
    workbench, applicant, audit = planned
    for stage in ("application", "planning", "contract"):
        workbench.record_stage_result(audit, stage, {})
    book = StageNotebook("characteristic", applicant, database_url=db_url, auditor="A02")
    shown = book.stage_widgets()
    survey = next(w for w in shown if type(w).__name__ == "SurveyPanel")
    checklist = next(w for w in shown if type(w).__name__ == "ChecklistWidget" and w.method == "5.1a")
    assert checklist.evaluation.survey is None
    path = write_xlsx(wjx_survey_export(120, seed=4, quality=Quality(satisfaction_mean=3.2)), tmp_path / "s.xlsx")
    survey._uploaded({"new": ({"name": "s.xlsx", "content": memoryview(path.read_bytes())},)})
    assert "已导入问卷 120 份" in survey.message.value
    assert checklist.evaluation.survey is not None and checklist.evaluation.survey.responses == 120
    row = next(r for r in checklist.rows if r.item.judgement == "measure" and r.item.measure.startswith("csat"))
    assert row.measured.value.startswith("实测")


def test_a_service_case_shows_no_complaint_only_check(planned, tmp_path):
    """Issue 25 §7: the checks a row offers are those procedure.yaml's case_checks make on its kind of case."""
    workbench, applicant, audit = planned
    import_demo_orders(workbench, applicant, tmp_path)
    widget = CaseSampleWidget(workbench, applicant)
    widget.draw()
    complaint_only = {c.field for c in workbench.scheme.case_checks if c.applies_to == "complaints"}
    rows = {("投诉" in row.children[0].value): row for row in widget.rows_box.children}
    assert set(rows) == {True, False}, "the sample holds both kinds of case"
    assert not complaint_only & set(rows[False].fields) and complaint_only <= set(rows[True].fields)
    rows[False].fields["resolved"].value = "no"
    assert workbench.case_sample(audit).verified[rows[False].order_id].resolved is False
