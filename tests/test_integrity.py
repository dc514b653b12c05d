"""A stage cannot be signed off incomplete, a graded row is a finding, a signed stage is
reopened only with a reason, and the committee decides and signs for itself (issue 7 §1)."""
from datetime import date

import pytest

from audit_widgets.domain import Answer
from audit_widgets.errors import ConflictError
from audit_widgets.evaluation import evaluate, recommendation
from audit_widgets.notebook import StageNotebook
from audit_widgets.stages import run_stage
from audit_widgets.store.repository import Workbench
from audit_widgets.widgets.summary import StageSummary

from .conftest import sign_report

pytestmark = pytest.mark.both_backends


def _as(db_url, scheme, actor):
    return Workbench(db_url, scheme, actor=actor)


def _summary(db_url, stage, applicant, actor="A02"):
    return StageSummary(StageNotebook(stage, applicant, mode="interactive", database_url=db_url, auditor=actor))


def test_recording_lists_every_missing_document_and_sign_off_is_refused(db_url, scheme, staffed_audit):
    applicant, audit = staffed_audit
    summary = _summary(db_url, "application", applicant, actor="P01")  # the programme manager signs 01
    summary.record()
    required = [d for d in scheme.application_documents if d.required]
    assert "已记录" in summary.status.value and f"（{len(required)}）" in summary.status.value
    assert all(d.name in summary.status.value for d in required)
    summary.sign()
    assert not _as(db_url, scheme, "P01").is_signed(audit, "application")
    with pytest.raises(ConflictError) as caught:
        _as(db_url, scheme, "P01").sign_off(audit, "application")
    assert all(d.name in caught.value.zh for d in required)


def test_every_unanswered_item_is_listed_not_the_first_ten(db_url, scheme, staffed_audit):
    applicant, audit = staffed_audit
    wb = _as(db_url, scheme, "A02")
    for stage in ("application", "planning"):
        run_stage(wb, stage, applicant)
    _as(db_url, scheme, "P01").save_contract(audit, "HT-1", date.today(), 100)
    run_stage(wb, "contract", applicant)
    wb.save_answer(audit, "E01", Answer("conform"))
    wb.save_answer(audit, "F03", Answer("conform"))  # a sample item judged without counts
    outcome = run_stage(wb, "system_audit", applicant)
    unanswered = [g for g in outcome.gaps if g.group == "answers"]
    items = [i for i in scheme.items_for(("b",)) if scheme.method_mode[i.method] == "5.2"]
    assert len(unanswered) == len(items) - 2 > 10
    assert [g.item for g in outcome.gaps if g.group == "sample_counts"] == ["F03"]
    summary = _summary(db_url, "system_audit", applicant)
    summary.record()
    assert all(g.item in summary.status.value for g in unanswered)
    with pytest.raises(ConflictError):
        wb.sign_off(audit, "system_audit")


def test_a_grade_on_a_row_is_a_finding_that_gates_the_decision(db_url, scheme, staffed_audit):
    applicant, audit = staffed_audit
    wb = _as(db_url, scheme, "A02")
    wb.save_answer(audit, "B13", Answer("nonconform"), note="两名安装人员无上岗证", finding_grade="major")
    [finding] = wb.findings(audit)
    assert (finding.grade, finding.clause, finding.item_id) == ("major", "B13", "B13")
    assert "两名安装人员无上岗证" in finding.description and finding.due_on
    advice = recommendation(wb, evaluate(wb, applicant, audit), date.today())
    assert any(g.id.startswith("finding:") and not g.passed for g in advice.reasons)
    assert not advice.certifiable

    wb.save_answer(audit, "B13", Answer("nonconform"), note="两名安装人员无上岗证", finding_grade="minor")
    assert [f.grade for f in wb.findings(audit)] == ["minor"]  # updated, not duplicated
    wb.save_answer(audit, "B13", Answer("conform"), note="已补证")
    assert wb.findings(audit) == []
    [withdrawn] = wb.findings(audit, include_withdrawn=True)
    assert withdrawn.withdrawn_on == date.today() and "cleared" in withdrawn.withdrawn_reason
    actions = [t.action for t in wb.trail("finding")]
    assert [a for a in actions if a != "seal"] == ["raise", "update", "withdraw"]
    assert actions.count("seal") == 3  # each write sealed the finding as it then stood


def test_a_signed_stage_is_reopened_only_with_a_reason_and_later_stages_are_redone(db_url, scheme, staffed_audit):
    applicant, audit = staffed_audit
    leader, manager = _as(db_url, scheme, "A02"), _as(db_url, scheme, "P01")
    for document in scheme.application_documents:
        manager.add_document(audit, document.id, b"%PDF", f"{document.id}.pdf")
    run_stage(leader, "application", applicant)
    run_stage(leader, "planning", applicant)
    signature = leader.sign_off(audit, "planning")
    with pytest.raises(ConflictError):
        _as(db_url, scheme, "A01").reopen_stage(audit, "planning", "日期有误")  # not the leader
    with pytest.raises(ConflictError):
        leader.reopen_stage(audit, "planning", "  ")
    manager.save_contract(audit, "HT-1", date.today(), 100)
    run_stage(leader, "contract", applicant)
    assert leader.reopen_stage(audit, "planning", "现场审核日期有误") == ["contract"]
    entry = [t for t in leader.trail("stage_result") if t.action == "reopen"][-1]
    assert entry.detail["previous_signature"]["signature"] == signature and entry.detail["reason"] == "现场审核日期有误"
    assert not leader.is_signed(audit, "planning")
    assert "现场审核日期有误" in leader.stage_result(audit, "contract").redo_reason
    with pytest.raises(ConflictError) as caught:
        manager.sign_off(audit, "contract")  # the programme manager signs the contract
    assert caught.value.code == "stage.redo"
    run_stage(leader, "contract", applicant)  # recorded again: the mark goes
    assert leader.stage_result(audit, "contract").redo_reason is None
    manager.sign_off(audit, "contract")


def test_the_decision_is_signed_by_a_deciding_member_not_the_team_leader(db_url, scheme, staffed_audit):
    applicant, audit = staffed_audit
    committee = _as(db_url, scheme, "M01")
    sign_report(committee, audit, "A02")
    committee.record_decision(audit, decided_on=date.today(), certified=False, level_rank=1,
                              members=["M01"], reasons="未完成审查")
    run_stage(committee, "decision", applicant)
    with pytest.raises(ConflictError) as caught:
        _as(db_url, scheme, "A02").sign_off(audit, "decision")
    assert "委员" in caught.value.zh
    with pytest.raises(ConflictError):
        _as(db_url, scheme, "M02").sign_off(audit, "decision")  # a member, but did not decide
    committee.sign_off(audit, "decision")
    assert committee.stage_result(audit, "decision").signed_by == "M01"


def test_each_stage_is_signed_by_its_scheme_signer_and_the_refusal_names_them(db_url, scheme, staffed_audit):
    """Issue 25 §2: the programme manager signs the application and the contract, the team leader
    the plan, an administrator (the authorised signatory) the certificate; anyone else is refused
    with the signer named."""
    applicant, audit = staffed_audit
    leader, manager, other_admin = _as(db_url, scheme, "A02"), _as(db_url, scheme, "P01"), _as(db_url, scheme, "P02")
    for stage in ("application", "planning", "contract", "characteristic", "system_audit", "report", "decision",
                  "certificate"):
        leader.record_stage_result(audit, stage, {})
    with pytest.raises(ConflictError) as caught:
        leader.sign_off(audit, "contract")
    assert caught.value.code == "stage.signer" and "吴芳 P01" in caught.value.zh and "A02" in caught.value.zh
    manager.sign_off(audit, "contract")
    with pytest.raises(ConflictError) as caught:
        manager.sign_off(audit, "planning")
    assert "须由审查组长 李娜 A02 签署" in caught.value.zh
    leader.sign_off(audit, "planning")
    assert [person for person, _ in leader.signers(audit, "certificate").people] == ["P01", "P02"]
    with pytest.raises(ConflictError):
        leader.sign_off(audit, "certificate")
    other_admin.sign_off(audit, "certificate")
    assert leader.stage_result(audit, "certificate").signed_by == "P02"


def test_a_disabled_sign_off_button_says_who_signs(db_url, scheme, staffed_audit):
    """Issue 25 §2: the button that is not yours names its signer, before any click; yours is enabled."""
    applicant, audit = staffed_audit
    for stage in ("application", "planning"):
        _as(db_url, scheme, "A02").record_stage_result(audit, stage, {})
    manager = _summary(db_url, "planning", applicant, actor="P01")
    assert manager.sign_button.disabled and "须由审查组长 李娜 A02 签署" in manager.signer.value
    leader = _summary(db_url, "planning", applicant)
    assert not leader.sign_button.disabled and leader.signer.value == ""
    decision = _summary(db_url, "decision", applicant)  # no decision yet: no deciding member either
    assert decision.sign_button.disabled and "参与决定的委员" in decision.signer.value


def test_after_the_report_is_signed_a_row_grade_cannot_change_the_findings(db_url, scheme, staffed_audit):
    applicant, audit = staffed_audit
    leader = _as(db_url, scheme, "A02")
    leader.save_answer(audit, "E01", Answer("nonconform"), note="手册缺收费标准", finding_grade="minor")
    for stage in ("application", "planning", "contract", "characteristic", "system_audit", "report"):
        leader.record_stage_result(audit, stage, {})
    leader.sign_off(audit, "report")
    with pytest.raises(ConflictError):
        leader.save_answer(audit, "E02", Answer("nonconform"), note="程序文件缺失", finding_grade="major")
    with pytest.raises(ConflictError):
        leader.save_answer(audit, "E01", Answer("conform"))  # would withdraw E01's finding
    assert [f.item_id for f in leader.findings(audit)] == ["E01"]
    # … but its corrective action is still recorded on screen, after the report.
    from audit_widgets.widgets.findings import FindingsWidget
    widget = FindingsWidget(leader, applicant)
    assert widget.add_button.disabled and not widget.save_action.disabled
    widget.plan.value, widget.accepted_on.value = "更新作业指导书", date.today()
    widget.save_corrective_action()
    assert leader.findings(audit)[0].plan_accepted_on == date.today()


def test_sign_off_is_refused_when_answers_changed_after_recording(db_url, scheme, staffed_audit):
    applicant, audit = staffed_audit
    leader = _as(db_url, scheme, "A02")
    for stage in ("application", "planning", "contract"):
        leader.record_stage_result(audit, stage, {})
    leader.record_stage_result(audit, "system_audit", {"missing": []})
    leader.save_answer(audit, "E01", Answer("conform"))
    with pytest.raises(ConflictError) as caught:
        leader.sign_off(audit, "system_audit")
    assert caught.value.code == "stage.stale"


def test_a_decision_at_another_level_than_recommended_needs_a_justification(db_url, scheme, staffed_audit):
    applicant, audit = staffed_audit
    committee = _as(db_url, scheme, "M01")
    for stage in ("application", "planning", "contract", "characteristic", "system_audit"):
        committee.record_stage_result(audit, stage, {})
    # The recommendation a decision departs from is the signed report's.
    committee.record_stage_result(audit, "report", {"recommendation": {"certifiable": True, "level": {"rank": 2}}})
    _as(db_url, scheme, "A02").sign_off(audit, "report")
    with pytest.raises(ConflictError, match="须写明理由"):
        committee.record_decision(audit, decided_on=date.today(), certified=True, level_rank=4,
                                  members=["M01"], reasons="符合")
    committee.record_decision(audit, decided_on=date.today(), certified=True, level_rank=4, members=["M01"],
                              reasons="符合", override_reason="现场证据支持更高等级")
    assert committee.decision(audit).overrides_recommendation


def test_a_reading_view_is_closed_after_its_block(workbench, consumer):
    with workbench.reading() as view:
        view.get_applicant(consumer)
    with pytest.raises(ConflictError):
        view.get_applicant(consumer)
    with pytest.raises(ConflictError):
        view.open_audit(consumer)
