"""The widgets headless: what an auditor does becomes a store write, and what the store
refuses is shown as a message."""
from datetime import date, timedelta

import pytest

from audit_widgets.demo.audits import register_auditors
from audit_widgets.demo.data import wjx_survey_export, work_order_log, write_csv, write_xlsx
from audit_widgets.domain import Answer
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.stages import run_stage
from audit_widgets.widgets.applicant import ApplicantForm
from audit_widgets.widgets.callbacks import CallbackPanel
from audit_widgets.widgets.cases import CaseSampleWidget
from audit_widgets.widgets.certificate import CertificatePanel
from audit_widgets.widgets.certificate_decisions import CertificateDecisionPanel
from audit_widgets.widgets.checklist import ChecklistWidget
from audit_widgets.widgets.decision import DecisionWidget
from audit_widgets.widgets.findings import FindingsWidget
from audit_widgets.widgets.planning import PlanningPanel
from audit_widgets.widgets.survey import SurveyPanel

from .conftest import database_digest


@pytest.fixture
def staffed(workbench, consumer):
    register_auditors(workbench)
    return consumer


def test_applicant_form_validates_live_and_writes_only_valid_data(workbench, consumer, db_path):
    form = ApplicantForm(workbench, consumer)
    before = database_digest(db_path)
    form.fields["uscc"].value = "91440300MA5F8TWL2A"  # wrong check character
    assert "✗" in form.uscc_status.value and "校验位" in form.uscc_status.value
    assert "未保存" in form.problems.value
    assert database_digest(db_path) == before
    form.fields["uscc"].value = "91440300MA5F8TWL2T"
    form.fields["personnel"].value = 52
    assert workbench.get_applicant(consumer).personnel == 52
    form.fields["domains"].value = ()
    assert "认证领域" in form.problems.value and workbench.get_applicant(consumer).domains == ("b",)


def test_applicant_documents_are_kept_with_their_hash(workbench, consumer):
    form = ApplicantForm(workbench, consumer)
    assert "licence" in form.missing_documents()
    form._uploaded("licence", {"new": ({"name": "营业执照.pdf", "content": memoryview(b"%PDF licence")},)})
    assert "licence" not in form.missing_documents()
    stored = workbench.documents(form.audit_id)["licence"][0]
    assert len(stored.sha256) == 64 and stored.filename == "营业执照.pdf"


def test_checklist_writes_each_change_and_updates_the_score(auditor, consumer):
    widget = ChecklistWidget(auditor, consumer, "5.2a")
    assert [row.item.id for row in widget.rows][:3] == ["E01", "E02", "E03"]
    widget.rows[0].result.value = "conform"
    first = widget.evaluation.score.score
    widget.rows[1].result.value = "nonconform"  # waits on screen for its reason
    assert "E02" not in auditor.answer_records(widget.audit_id)
    assert "须写明理由" in widget.message.value and "aw-needs-reason" in widget.rows[1].note._dom_classes
    widget.rows[1].note.value = "程序文件未覆盖退换货"
    widget.rows[1].grade.value = "minor"
    records = auditor.answer_records(widget.audit_id)
    assert records["E02"].answer.result == "nonconform" and records["E02"].finding_grade == "minor"
    assert records["E02"].note == "程序文件未覆盖退换货" and "aw-needs-reason" not in widget.rows[1].note._dom_classes
    assert records["E02"].version == 2  # the result with its reason, then the grade
    assert widget.evaluation.score.score < first
    assert "E02 已保存" in widget.message.value and "foundation" not in widget.score.value
    assert "服务基础保障" in widget.score.value


def test_sample_items_take_counts(auditor, consumer):
    widget = ChecklistWidget(auditor, consumer, "5.1b")
    row = next(r for r in widget.rows if r.item.id == "B01")
    row.checked.value = 20
    row.nonconforming.value = 5
    assert auditor.answers(widget.audit_id)["B01"] == Answer(None, 20, 0, None)  # waits for the reason
    row.note.value = "5 个网点未按流程回访"
    assert auditor.answers(widget.audit_id)["B01"] == Answer(None, 20, 5, None)
    item = next(i for i in widget.evaluation.score.items if i.item_id == "B01")
    assert item.credit == pytest.approx(0.75)
    row.nonconforming.value = 25  # more nonconforming than checked: refused, shown, not stored
    assert "不符合数应在" in widget.message.value
    assert auditor.answers(widget.audit_id)["B01"].nonconforming == 5


def test_a_checklist_of_150_items_is_paged(workbench, consumer, scheme):
    items = [scheme.checklist[i % len(scheme.checklist)] for i in range(150)]
    widget = ChecklistWidget(workbench, consumer, "5.1b", items=items, page_size=20)
    assert len(widget.page.options) == 8 and len(widget.rows_box.children) == 20
    widget.page.value = 7
    assert len(widget.rows_box.children) == 10


def test_edits_are_refused_after_sign_off(workbench, staffed, db_path, scheme):
    audit = workbench.open_audit(staffed)
    workbench.set_team(audit, [("A02", "leader")])
    workbench.record_stage_result(audit, "application", {})
    workbench.record_stage_result(audit, "planning", {})
    workbench.record_stage_result(audit, "contract", {"signed_on": "2026-11-01"})
    leader = workbench.acting_as("A02")
    widget = ChecklistWidget(leader, staffed, "5.2a", audit_id=audit)
    widget.rows[0].result.value = "conform"
    workbench.record_stage_result(audit, "system_audit", {"done": True})
    with pytest.raises(Exception) as not_leader:
        workbench.sign_off(audit, "system_audit")
    assert "组长" in str(not_leader.value)
    leader.sign_off(audit, "system_audit")
    assert leader.verify_sign_off(audit, "system_audit")

    before = database_digest(db_path)
    widget.rows[0].result.value = "nonconform"  # the widget was open before the sign-off
    assert "已由 A02" in widget.message.value and "read-only" in widget.message.value
    assert widget.rows[0].result.value == "conform"  # it shows the stored answer again
    assert database_digest(db_path) == before
    reopened = ChecklistWidget(leader, staffed, "5.2a", audit_id=audit)
    assert reopened.read_only and all(c.disabled for c in reopened.rows[0].controls())
    assert "已签署" in reopened.children[1].value

    # Tampering behind the workbench's back is detected.
    import sqlite3
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE checklist_answers SET result = 'nonconform' WHERE item_id = 'E01'")
    connection.commit()
    assert not leader.verify_sign_off(audit, "system_audit")


def test_planning_panel_checks_the_team_live(workbench, staffed):
    panel = PlanningPanel(workbench, staffed)
    panel.pickers["A04"].value = "leader"  # a trainee
    assert "不能担任组长" in panel.team_check.value
    panel.pickers["A04"].value = "member"
    panel.pickers["A06"].value = "leader"
    assert "公正性声明" in panel.team_check.value  # the members have not declared yet
    panel.record_declarations()
    assert "✓" in panel.team_check.value
    panel.pickers["M01"].value = "member"  # a committee member may audit (and then not decide on this audit)
    assert "决定人员" not in panel.team_check.value and "公正性声明" in panel.team_check.value
    assert {m.auditor.id for m in workbench.team(panel.audit_id)} == {"A04", "A06", "M01"}
    panel.audit_start.value = date(2026, 12, 1)
    panel.audit_end.value = date(2026, 12, 3)
    programme = workbench.programme(panel.audit_id)
    assert programme.audit_end == date(2026, 12, 3) and programme.person_days == panel.plan.person_days.days
    assert any("监督" in event.event for event in programme.cycle_plan)


def test_case_sample_draw_and_verification(auditor, consumer, tmp_path):
    orders = write_csv(work_order_log(400, seed=4, months=12), tmp_path / "o.csv")  # all in the audit's period
    auditor.import_work_orders(consumer, read_work_orders(orders))
    widget = CaseSampleWidget(auditor, consumer)
    # 352 completed services → S-4 code letter E: 13; the 41 complaints are a lot of their own → C: 5
    assert (widget.size.value, widget.complaint_size.value) == (13, 5) and "S-4" in widget.children[0].value
    widget.seed.value = 7
    widget.draw()
    sample = auditor.case_sample(widget.audit_id)
    assert sample.seed == 7 and len(sample.ids) == 18 and "种子 7" in widget.record.value
    complaints = set(widget.population[widget.population["is_complaint"]]["order_id"])
    assert len(complaints & set(sample.ids)) == 5
    row = widget.rows_box.children[0]
    row.fields["resolved"].value = "no"
    row.fields["reworked"].value = "yes"
    verified = auditor.case_sample(widget.audit_id).verified[row.order_id]
    assert verified.resolved is False and verified.reworked is True
    assert "C01" in widget.summary.value
    checklist = ChecklistWidget(auditor, consumer, "5.1c")
    c01 = next(r for r in checklist.rows if r.item.id == "C01")
    assert (c01.checked.value, c01.nonconforming.value) == (1, 1)  # what the score counts for C01


def test_survey_panel_imports_an_upload(workbench, consumer, tmp_path):
    panel = SurveyPanel(workbench, consumer)
    path = write_xlsx(wjx_survey_export(60, seed=2), tmp_path / "wjx.xlsx")
    panel._uploaded({"new": ({"name": "wjx.xlsx", "content": memoryview(path.read_bytes())},)})
    assert "已导入问卷 60 份" in panel.message.value and "NPS" in panel.results.value
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    panel._uploaded({"new": ({"name": "bad.csv", "content": memoryview(b"")},)})
    assert "文件为空" in panel.message.value


def test_findings_decision_and_certificate(workbench, staffed):
    audit = workbench.open_audit(staffed)
    workbench.set_team(audit, [("A02", "leader")])
    leader, committee = workbench.acting_as("A02"), workbench.acting_as("M01")
    findings = FindingsWidget(leader, staffed)
    findings.grade.value = "minor"
    findings.clause.value = "E08"
    findings.description.value = "作业指导书版本过期"
    findings.add()
    assert len(workbench.findings(findings.audit_id)) == 1
    findings.selected.value = workbench.findings(findings.audit_id)[0].id
    findings.plan.value = "回收旧版"
    findings.accepted_on.value = workbench.findings(findings.audit_id)[0].raised_on  # not before the finding
    findings.save_corrective_action()
    assert workbench.findings(findings.audit_id)[0].plan_accepted_on == findings.accepted_on.value

    decision = DecisionWidget(committee, staffed)
    decision.members.options = [("李娜", "A02"), ("刘洋", "M01")]
    decision.members.value = ("M01",)
    decision.reasons.value = "符合要求"
    decision.record()
    assert "尚未由审查组长签署" in decision.message.value and workbench.decision(audit) is None
    for stage in ("application", "planning", "contract", "characteristic", "system_audit", "report"):
        workbench.record_stage_result(audit, stage, {})
    leader.sign_off(audit, "report")  # the committee decides on a signed report
    decision.members.value = ("A02", "M01")
    decision.record()
    assert "不能参与认证决定" in decision.message.value and workbench.decision(decision.audit_id) is None
    decision.members.value = ("M01",)
    decision.outcome.value = "certify"  # against the recommendation (items are unanswered)
    decision.level.value = 3  # a level that can be certified (the recommended one, 一级, cannot)
    decision.record()
    assert "推荐意见" in decision.message.value and workbench.decision(decision.audit_id) is None
    decision.override_reason.value = "委员会复核了现场记录，认定未答条目不影响结论"
    decision.record()
    recorded = workbench.decision(decision.audit_id)
    assert recorded.members == ("M01",) and recorded.overrides_recommendation
    assert "与推荐意见不一致" in decision.recorded.value and "委员会复核" in decision.recorded.value
    assert all(c.disabled for c in decision.form) and decision.outcome.value == "certify"

    panel = CertificatePanel(workbench, staffed)
    assert panel.issue_button.disabled and "尚未由作出决定的委员" in panel.issue_note.value  # 07 is not signed
    panel.ask_to_issue()
    panel.issue()
    assert workbench.certificate_for(staffed) is None and "decision stage is not signed" in panel.message.value
    run_stage(workbench, "decision", staffed, audit)
    committee.sign_off(audit, "decision")
    panel = CertificatePanel(workbench, staffed)
    assert not panel.issue_button.disabled and panel.issue_note.value == ""
    panel.ask_to_issue()
    assert workbench.certificate_for(staffed) is None  # nothing issued before the confirmation
    applicant = workbench.get_applicant(staffed)
    assert applicant.name in panel.confirmation.text.value and "M01" in panel.confirmation.text.value
    panel.issue()  # P01 appointed this audit's team: it manages the applicant, and does not issue
    assert workbench.certificate_for(staffed) is None and "管理该申请方" in panel.message.value
    panel = CertificatePanel(workbench.acting_as("P02"), staffed)
    panel.issue()
    certificate = workbench.certificate_for(staffed)
    assert certificate.status == "valid" and certificate.number in panel.details.value
    issued = workbench.status_history(certificate.number)[0]
    assert (issued.decided_by, issued.recorded_by) == ("M01", "P02")

    # Between audits, the committee decides; P01 sees the form, read-only, and why.
    assert all(c.disabled for c in CertificateDecisionPanel(workbench, staffed).form)
    between = CertificateDecisionPanel(committee, staffed)
    assert between.outcome.value == "" and "suspend" in dict((v, k) for k, v in between.outcome.options)
    between.outcome.value = "reduce_scope"
    assert between.scope_box.layout.display is None and between.deadline.layout.display == "none"
    between.scope_services.value = "退换货、维修"
    between.grounds.value, between.grounds_detail.value = "complaint", "投诉：咨询服务持续不符合"
    between.reasons.value = "咨询服务不再纳入认证范围"
    between.ask_to_decide()
    assert "缩小认证范围" in between.confirmation.text.value and workbench.certificate_decisions(staffed) == []
    between.confirmation.confirm()
    [reduction] = workbench.certificate_decisions(staffed)
    assert reduction.members == ("M01",) and reduction.carried_out_on is None
    issuer = CertificateDecisionPanel(workbench.acting_as("P02"), staffed)
    assert all(c.disabled for c in issuer.form) and not issuer.carry_out_button.disabled
    issuer.carry_out(issuer.pending.value)
    reissued = workbench.certificate_for(staffed)
    assert reissued.number != certificate.number and reissued.scope.services == "退换货、维修"
    assert workbench.find_certificate(certificate.number).status == "superseded"
    between.refresh()
    between.outcome.value = "suspend"
    between.status_reason.value, between.deadline.value = "unpaid_fees", date.today() + timedelta(days=30)
    between.grounds.value, between.grounds_detail.value = "holder_request", "财务部催缴函"
    between.reasons.value = "逾期未缴费"
    between.decide()
    issuer.refresh()
    issuer.carry_out(issuer.pending.value)
    assert workbench.certificate_for(staffed).status == "suspended"
    assert "待执行" not in issuer.decisions.value and "unpaid" not in issuer.message.value


def test_monitoring_panel_warns_when_the_series_is_too_short(workbench, consumer, tmp_path):
    from audit_widgets.widgets.monitoring import MonitoringPanel
    orders = write_csv(work_order_log(300, seed=6, months=3), tmp_path / "short.csv")
    workbench.import_work_orders(consumer, read_work_orders(orders))
    panel = MonitoringPanel(workbench, consumer)
    assert "仅有 3 个月的数据" in panel.table.value and "首次修复率" in panel.table.value
    assert "<svg" in panel.chart.value  # the first trend is drawn without a click


def test_callback_panel_draws_the_customers_and_records_each_call(auditor, consumer, tmp_path):
    """04's call-backs: the draw from the period's customers (seed recorded), then a call per row,
    saved as its outcome and answers are chosen; the draw's controls go once a customer is called."""
    orders = write_csv(work_order_log(400, seed=4, months=12), tmp_path / "o.csv")  # all in the audit's period
    auditor.import_work_orders(consumer, read_work_orders(orders))
    panel = CallbackPanel(auditor, consumer)
    assert panel.size.value == 20 and len(panel.customers) > 20
    panel.seed.value = 11
    panel.draw()
    sample = auditor.callback_sample(panel.audit_id)
    assert sample.seed == 11 and len(sample.ids) == 20 and "种子 seed 11" in panel.record.value
    row = panel.rows_box.children[0]
    assert row.answers == {} and len(row.children) == 3  # the questions come once the call is reached
    row.note.value = "忙音"  # nothing is saved before the call's outcome is chosen
    assert auditor.callback_sample(panel.audit_id).calls == {}
    row.reached.value = "yes"
    assert len(row.children) == 3 + len(row.answers) and "nps" in row.answers
    row.answers["attitude"].value = 4
    row.answers["nps"].value = 9
    call = auditor.callback_sample(panel.audit_id).calls[row.customer_id]
    assert call.reached and call.answers == {"attitude": 4, "nps": 9} and call.called_by == "A02"
    assert panel.drawing.layout.display == "none" and "接通 reached 1" in panel.record.value
    again = CallbackPanel(auditor, consumer)
    assert again.drawing.layout.display == "none" and again.rows_box.children[0].answers["nps"].value == 9
    # five calls a page, each page's rows built when it is chosen, from the calls as stored
    assert len(again.rows_box.children) == 5 and [label for label, _ in again.page.options][-1] == "第 4 页（16–20）"
    again.page.value = 3
    assert [r.customer_id for r in again.rows_box.children] == list(sample.ids[15:20])
    again.rows_box.children[0].reached.value = "no"
    assert not auditor.callback_sample(panel.audit_id).calls[sample.ids[15]].reached
    again.page.value = 0
    assert again.rows_box.children[0].answers["nps"].value == 9
    # a reader sees each page as one table: the call, its answers and its note
    reader = CallbackPanel(auditor, consumer, read_only=True)
    [table] = reader.rows_box.children
    assert "接通" in table.value and ">9<" in table.value and "忙音" in table.value and "推荐意愿 NPS" in table.value


def test_the_applicant_form_shows_promises_by_their_measure_names(workbench, consumer, scheme):
    """Issue 25 §7: 01 showed `mean_time_to_resolve_hours`; a line typed with the name is stored by id."""
    form = ApplicantForm(workbench, consumer)
    name = scheme.measures_by_id["mean_time_to_resolve_hours"].name
    form.fields["service_promises"].value = f"{name}：36"
    assert workbench.get_applicant(consumer).service_promises == {"mean_time_to_resolve_hours": 36}
    shown = ApplicantForm(workbench, consumer).fields["service_promises"].value
    assert shown == f"{name}：36" and "mean_time_to_resolve_hours" not in shown


def test_the_report_and_the_certificate_are_offered_for_download_on_their_screens(demo_db, scheme, tmp_path,
                                                                                   monkeypatch):
    """Issue 25 §7: 06 and 08 write their PDFs from the recorded results and offer them."""
    import base64
    import re
    monkeypatch.setenv("AUDIT_WORKBENCH_OUTPUTS", str(tmp_path / "outputs"))
    from audit_widgets.store.repository import Workbench
    from audit_widgets.widgets.report import ReportPanel
    workbench = Workbench(demo_db, scheme, actor="A01")
    files = CertificatePanel(workbench, "demo-consumer").children[-1]
    files.write()
    [link] = re.findall(r"download='certificate.pdf' href='data:application/pdf;base64,([^']+)'", files.files.value)
    assert base64.b64decode(link).startswith(b"%PDF") and (tmp_path / "outputs" / "demo-consumer" / "certificate.pdf").exists()
    report = ReportPanel(workbench, "demo-composite").children[-1]  # nothing recorded: nothing to offer
    report.write()
    assert "尚无可写入的内容" in report.files.value
