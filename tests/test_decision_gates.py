"""A justification may override a judgement, never a gate (issue 22 §0): an open major finding,
a failed veto item, an unanswered item or a level not certifiable blocks every positive outcome
in the store, whatever the override reason; a refusal stays open to the committee."""
from datetime import date, timedelta

import pytest

from audit_widgets.domain import FindingState
from audit_widgets.errors import WorkbenchError
from audit_widgets.rules.decision import gates_against

from .conftest import database_digest, sign_report


def _passing(*failing: str) -> dict:
    return {"certifiable": not failing, "reasons": [
        {"id": gate, "passed": gate not in failing, "blocking": True, "zh": f"{gate} 未通过", "en": f"{gate} failed"}
        for gate in ("complete", "level", "veto", "open_major", "impartiality")]}


def test_the_gates_no_reason_overrides(scheme):
    today = date(2026, 12, 5)
    assert gates_against(scheme, _passing(), [], today) == []
    assert [g.id for g in gates_against(scheme, _passing("veto"), [], today)] == ["veto"]
    # the report's open_major and impartiality gates are not taken as recorded: the findings are read anew
    assert gates_against(scheme, _passing("open_major", "impartiality"), [], today) == []
    major = FindingState("7", "major", today - timedelta(days=10))
    assert [g.id for g in gates_against(scheme, _passing(), [major], today)] == ["finding:7"]
    verified = FindingState("7", "major", today - timedelta(days=10), verified_on=today - timedelta(days=1))
    assert gates_against(scheme, _passing(), [verified], today) == []
    minor = FindingState("8", "minor", today - timedelta(days=10))
    accepted = FindingState("8", "minor", today - timedelta(days=10), plan_accepted_on=today)
    assert [g.id for g in gates_against(scheme, _passing(), [minor], today)] == ["finding:8"]
    assert gates_against(scheme, _passing(), [accepted], today) == []


def test_an_override_reason_cannot_certify_over_an_open_major_finding(staffed_audit, workbench, auditor, db_path):
    """The walkthrough's case: a 严重不符合 open, the committee chooses 批准认证 with a reason."""
    _, audit = staffed_audit
    auditor.add_finding(audit, "major", "B13", "安全保障措施缺失")
    sign_report(workbench, audit, "A02")
    committee = workbench.acting_as("M01")
    before = database_digest(db_path)
    with pytest.raises(WorkbenchError) as caught:
        committee.record_decision(audit, decided_on=date.today(), level_rank=4, members=["M01", "M02"],
                                  reasons="现场表现良好",
                                  override_reason="委员会认为该项可在发证后整改", outcome="certify")
    assert caught.value.code == "decision.gate"
    assert "严重不符合" in caught.value.zh and "理由不能推翻" in caught.value.zh and "no justification" in caught.value.en
    assert database_digest(db_path) == before
    committee.record_decision(audit, decided_on=date.today(), level_rank=1, members=["M01", "M02"],
                              reasons="严重不符合未关闭",
                              outcome="refuse")
    assert workbench.decision(audit).outcome == "refuse"


def _decide_refusal(committee, audit):
    committee.record_decision(audit, decided_on=date.today(), level_rank=1, members=["M01"], reasons="未达到要求",
                              outcome="refuse")


def test_a_decided_audit_opens_only_when_the_committee_reopens_its_decision(staffed_audit, workbench):
    """Issue 22 §0 and issue 24 §3: the decision rested on the report. The team leader cannot
    reopen it while the decision stands; the committee reopens the decision with a reason (the
    trail keeps it, 07 is marked for redo), then the report may be reopened and decided again."""
    from audit_widgets.stages import run_stage
    applicant, audit = staffed_audit
    sign_report(workbench, audit, "A02")
    committee = workbench.acting_as("M01")
    _decide_refusal(committee, audit)
    run_stage(workbench, "decision", applicant, audit)
    committee.sign_off(audit, "decision")
    leader = workbench.acting_as("A02")
    with pytest.raises(WorkbenchError) as closed:
        leader.reopen_stage(audit, "report", "补充案例复核证据")
    assert closed.value.code == "audit.closed" and workbench.decision(audit) is not None
    with pytest.raises(WorkbenchError):
        leader.reopen_decision(audit, "补充案例复核证据")  # the committee's, not the team's
    kept = committee.reopen_decision(audit, "补充案例复核证据")
    assert kept["outcome"] == "refuse" and workbench.decision(audit) is None
    assert not workbench.is_signed(audit, "decision")
    assert "补充案例复核证据" in workbench.stage_result(audit, "decision").redo_reason
    entry = [t for t in workbench.trail("decision") if t.action == "reopen"][-1]
    assert entry.detail["reopened_decision"]["outcome"] == "refuse" and entry.detail["reason"] == "补充案例复核证据"
    assert "decision" in leader.reopen_stage(audit, "report", "补充案例复核证据")
    assert workbench.verify().row_problems == []  # the deleted decision is sealed as removed, not accused
    run_stage(workbench, "report", applicant, audit)
    leader.sign_off(audit, "report")
    _decide_refusal(committee, audit)  # the committee decides again on the re-signed report
    assert workbench.decision(audit).outcome == "refuse"


def test_a_report_whose_decision_is_carried_out_cannot_be_reopened(cycle_db, scheme):
    """demo-industrial's recertification was decided and its certificate issued: reopening its
    report is refused (an appeal or a new decision changes it), and nothing changes."""
    from audit_widgets.store.repository import Workbench
    workbench = Workbench(cycle_db, scheme)
    audit = workbench.audits("demo-industrial")[-1]
    leader = workbench.acting_as(next(m.auditor.id for m in workbench.team(audit.id) if m.role == "leader"))
    path = cycle_db.removeprefix("sqlite:///")
    before = database_digest(path)
    with pytest.raises(WorkbenchError) as caught:
        leader.reopen_stage(audit.id, "report", "想改分数")
    assert caught.value.code == "audit.closed" and database_digest(path) == before
    with pytest.raises(WorkbenchError) as caught:
        workbench.acting_as("M02").reopen_decision(audit.id, "想改分数")
    assert caught.value.code == "stage.decision_carried_out" and database_digest(path) == before


def test_a_committee_member_may_audit_and_not_decide_on_that_audit(staffed_audit, workbench):
    """Issue 22 §2: M01 on demo-consumer's team passes the team check; M01 may not decide that
    audit, M02 may."""
    from audit_widgets.demo.audits import declare_team
    from audit_widgets.stages.completeness import team_check_for
    applicant, audit = staffed_audit
    workbench.set_team(audit, [("A02", "leader"), ("A01", "member"), ("M01", "member")])
    declare_team(workbench, applicant, ["M01"], date.today() - timedelta(days=3))
    assert team_check_for(workbench, applicant, audit).ok
    sign_report(workbench, audit, "A02")
    refusal = dict(decided_on=date.today(), level_rank=1, reasons="未达到要求",
                   outcome="refuse")
    with pytest.raises(WorkbenchError) as caught:
        workbench.acting_as("M01").record_decision(audit, members=["M01"], **refusal)
    assert "M01" in caught.value.zh
    workbench.acting_as("M02").record_decision(audit, members=["M02"], **refusal)
    assert workbench.decision(audit).members == ("M02",)


def test_those_who_decide_need_competence_for_the_clients_domains(staffed_audit, workbench, db_path):
    """Issue 22 §2: a committee member with evidence for domain a only may not decide on
    demo-consumer (domain b)."""
    applicant, audit = staffed_audit
    workbench.import_people([{"id": "M09", "name": "孙亮", "grade": "senior", "domains": ["a"],
                              "auditor_since": date(2010, 1, 1), "is_decision_maker": True,
                              "registration_no": "CCAA-SM-2010-0099", "registration_expires": date(2030, 1, 1),
                              "roles": []}],
                            [{"auditor_id": "M09", "domain": "a", "kind": "training", "reference": "培训",
                              "on": date(2010, 1, 1)}], [])
    [change] = workbench.role_changes(state="pending", person_id="M09")  # a second person approves the mark
    workbench.acting_as("M01").approve_role_change(change.id)
    sign_report(workbench, audit, "A02")
    before = database_digest(db_path)
    with pytest.raises(WorkbenchError) as caught:
        workbench.acting_as("M09").record_decision(
            audit, members=["M09"], decided_on=date.today(), level_rank=1, reasons="未达到要求",
            outcome="refuse")
    assert caught.value.code == "decision.competence" and "M09" in caught.value.zh and "消费商品类" in caught.value.zh
    assert database_digest(db_path) == before
