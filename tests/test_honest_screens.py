"""Scores and gates that do not mislead (issue 25 §4), headless against a real store: the running
score is provisional while items are unanswered and shows its gates beside it, the count counts
what needs an answer, and once the report is signed the screens show the signed result, never a
recomputation presented as current."""
from audit_widgets.domain import Answer
from audit_widgets.widgets.checklist import ChecklistWidget
from audit_widgets.widgets.decision import DecisionWidget
from audit_widgets.widgets.report import ReportPanel

from .conftest import import_demo_orders, sign_report


def test_an_unanswered_checklist_says_its_score_is_provisional_and_counts_what_needs_an_answer(auditor, consumer,
                                                                                                tmp_path):
    import_demo_orders(auditor, consumer, tmp_path)  # the measure items take their figures from the orders
    widget = ChecklistWidget(auditor, consumer, "5.1d")
    measured = [i for i in widget.items if i.judgement == "measure"]
    assert measured, "5.1d has measure items"
    needing = len(widget.items) - sum(1 for i in measured if next(
        s for s in widget.evaluation.score.items if s.item_id == i.id).status == "scored")
    assert f"已答 0/{needing} answered" in widget.progress.value
    assert "由监测数据计分" in widget.progress.value
    unanswered = len(widget.evaluation.score.unanswered)
    assert f"暂定分：本次审核尚有 {unanswered} 项未答" in widget.score.value and "暂定总分" in widget.score.value
    first = next(row for row in widget.rows if row.item.judgement == "qualitative")
    first.result.value = "conform"
    assert f"已答 1/{needing} answered" in widget.progress.value
    assert f"尚有 {unanswered - 1} 项未答" in widget.score.value


def test_a_major_nonconformity_shows_beside_the_score_at_once(auditor, consumer):
    widget = ChecklistWidget(auditor, consumer, "5.2a")
    assert "等级门槛 gates" in widget.score.value and "无未关闭的严重不符合" in widget.score.value
    row = widget.rows[0]
    row.note.value = "服务手册未规定收费标准"
    row.result.value = "nonconform"
    row.grade.value = "major"
    assert "有 1 项严重不符合未关闭" in widget.score.value and "不可认证 not certifiable" in widget.score.value


def test_after_sign_off_the_report_and_decision_screens_show_the_signed_result(auditor, consumer, staffed_audit):
    applicant, audit = staffed_audit
    sign_report(auditor, audit, "A02")
    signed = auditor.stage_result(audit, "report").result
    recorded_score = signed["scores"]["score"]
    # An answer given after the report was signed changes a recomputation, not the signed report.
    auditor.save_answer(audit, "E01", Answer("conform"), note="补记")
    panel = ReportPanel(auditor, applicant)
    assert "审查报告已签署：以下为签署时记录的结果" in panel.body.value
    assert f"{recorded_score:.1f}" in panel.body.value and panel.refresh_button.layout.display == "none"
    decision = DecisionWidget(auditor.acting_as("M01"), applicant)
    head = decision.children[0].value
    assert f"得分 {recorded_score:.1f}" in head and "即时计算" not in head
    assert decision.recommendation.certifiable == signed["recommendation"]["certifiable"]
    auditor.acting_as("M01").record_decision(audit, decided_on=auditor.clock.today(), certified=False,
                                             level_rank=1, members=["M01"], reasons="审查未完成")
    assert "已作出认证决定：本阶段结果为决定时所记录的结果" in ReportPanel(auditor, applicant).body.value


def test_before_sign_off_the_report_panel_labels_its_figures_as_computed_now(auditor, consumer, staffed_audit):
    applicant, _ = staffed_audit
    panel = ReportPanel(auditor, applicant)
    assert "按当前记录即时计算" in panel.body.value and panel.refresh_button.layout.display is None


def test_a_checklist_marks_its_unanswered_items_conforming_then_takes_the_exceptions(auditor, consumer):
    """Issue 25 §7: 05 gets the "mark all conforming, then the exceptions" of 04's case sample."""
    widget = ChecklistWidget(auditor, consumer, "5.2b")
    qualitative = [i.id for i in widget.items if i.judgement == "qualitative"]
    first = next(row for row in widget.rows if row.item.judgement == "qualitative")
    first.note.value = "培训记录缺两人"
    first.result.value = "nonconform"  # answered before: it stays as it is
    widget.mark_conforming()
    records = auditor.answer_records(widget.audit_id)
    assert records[first.item.id].answer.result == "nonconform"
    assert all(records[i].answer.result == "conform" for i in qualitative if i != first.item.id)
    assert not [i for i in widget.items if i.judgement == "sample" and i.id in records]  # counts are the auditor's
    assert "请逐项标出例外" in widget.message.value


def test_next_steps_follow_the_procedure_of_the_audit_type(scheme):
    """Issue 25 §3: after 04 an initial audit goes on to 05 (06 waits for it), never to 09."""
    recorded = {"application", "planning", "contract"}
    after_04 = [s.id for s in scheme.next_stages("characteristic", "initial", recorded, has_certificate=False)]
    assert after_04 == ["system_audit"]
    after_05 = [s.id for s in scheme.next_stages("system_audit", "initial", recorded | {"characteristic"}, False)]
    assert after_05 == ["report"]
    surveillance = [s.id for s in scheme.next_stages("system_audit", "surveillance", {"planning", "contract",
                                                                                        "characteristic"}, True)]
    assert "surveillance" in surveillance and "report" in surveillance and "recertification" in surveillance
    assert not scheme.can_start(scheme.procedure_by_id["recertification"], "initial", recorded, has_certificate=False)


def test_a_batch_run_leaves_a_stage_nobody_has_worked_on_not_started(consumer, db_url, scheme, tmp_path, monkeypatch):
    """Issue 25 §3: after `make demo`, demo-composite showed 01 "结果已记录" though nobody had
    worked on it. The batch's finish records no first, incomplete result; once a person has
    recorded one, the batch recomputes it."""
    from audit_widgets.demo.audits import register_auditors
    from audit_widgets.notebook import StageNotebook
    from audit_widgets.stages import run_stage
    from audit_widgets.store.repository import Workbench
    monkeypatch.setenv("AUDIT_WORKBENCH_OUTPUTS", str(tmp_path / "outputs"))
    manager = Workbench(db_url, scheme, actor="P01")
    register_auditors(manager)
    batch = StageNotebook("application", consumer, mode="batch", database_url=db_url, auditor="P01")
    batch.finish()
    assert batch.outcome.status == "pending" and batch.outcome.gaps
    assert "批量运行不记录未开始的阶段" in batch.outcome.zh
    assert manager.stage_result(batch.audit_id, "application") is None
    run_stage(manager, "application", consumer, batch.audit_id)  # a person records it, gaps and all
    again = StageNotebook("application", consumer, mode="batch", database_url=db_url, auditor="P01")
    again.finish()
    assert again.outcome.status == "done" and manager.stage_result(batch.audit_id, "application") is not None
