"""A decided audit is closed (issue 24 §3): everything the decision rested on is locked at the
decision, and only the decision's own path opens it again. Each reproduction of the issue is made
through the API on a copy of the demo store, and is refused with nothing changed."""
from datetime import date

import pytest

from audit_widgets.demo.data import work_order_log, write_csv
from audit_widgets.domain import Answer
from audit_widgets.errors import WorkbenchError
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.store.repository import Workbench

from .conftest import database_digest


@pytest.fixture
def decided(cycle_db, scheme):
    """demo-consumer's complaint audit (decided, its certificate kept) with its leader, and the store."""
    workbench = Workbench(cycle_db, scheme, actor="P01")
    audit = workbench.audits("demo-consumer")[-1].id
    assert workbench.decision(audit) is not None
    leader = next(m.auditor.id for m in workbench.team(audit) if m.role == "leader")
    return workbench, audit, leader, cycle_db.removeprefix("sqlite:///")


def _refused(write) -> None:
    with pytest.raises(WorkbenchError) as caught:
        write()
    assert caught.value.code == "audit.closed", caught.value


def test_the_team_the_signed_stages_and_the_findings_of_a_decided_audit_cannot_change(decided):
    """The issue's first reproduction: the programme manager changed a decided audit's team, and
    the new leader reopened the signed report and withdrew the major finding."""
    workbench, audit, leader, path = decided
    before = database_digest(path)
    members = [(m.auditor.id, m.role) for m in workbench.team(audit)]
    _refused(lambda: workbench.set_team(audit, [("A03", "leader"), *[(a, "member") for a, _ in members]]))
    _refused(lambda: workbench.acting_as(leader).reopen_stage(audit, "report", "想撤销严重不符合"))
    _refused(lambda: workbench.acting_as(leader).save_answer(audit, "B13", Answer("conform"), note="已补证"))
    _refused(lambda: workbench.acting_as(leader).add_finding(audit, "minor", "B13", "补记"))
    _refused(lambda: workbench.acting_as(leader).save_particulars(audit, {"observers": "无"}))
    assert database_digest(path) == before


def test_a_decided_audits_stage_results_cannot_be_recorded_again(decided):
    """The third reproduction: A02 recorded arbitrary stage results on decided audits."""
    workbench, audit, leader, path = decided
    before = database_digest(path)
    for stage in ("characteristic", "system_audit", "report"):
        _refused(lambda: workbench.acting_as(leader).record_stage_result(audit, stage, {"score": 100}))
        _refused(lambda: workbench.acting_as(leader).sign_off(audit, stage))
    assert database_digest(path) == before


def test_an_import_never_replaces_what_a_decided_audit_read(decided, tmp_path):
    """The second reproduction: an import replaced decided audit 7's work orders, and the next
    batch failed with a raw KeyError. Refused, plainly; the audit keeps its evidence."""
    workbench, audit, leader, path = decided
    used = workbench.work_orders(audit)
    parsed = read_work_orders(write_csv(work_order_log(300, seed=9, start="2026-06-01", months=5),
                                        tmp_path / "late.csv"))
    with pytest.raises(WorkbenchError) as caught:
        workbench.import_work_orders("demo-consumer", parsed, audit_id=audit)
    assert caught.value.code == "audit.closed" and "已作出认证决定并关闭" in str(caught.value)
    with pytest.raises(WorkbenchError):  # the applicant's current audit is this one: the same answer
        workbench.import_work_orders("demo-consumer", parsed)
    assert workbench.work_orders(audit).equals(used)


def test_corrective_actions_stay_open_after_the_decision(cycle_db, scheme):
    """A finding's corrective action is verified after the report and the decision: still open."""
    workbench = Workbench(cycle_db, scheme, actor="P01")
    for applicant in ("demo-consumer", "demo-industrial", "demo-special"):
        for audit in workbench.audits(applicant):
            if workbench.decision(audit.id) is None:
                continue
            for finding in workbench.findings(audit.id):
                if finding.verified_on is None and finding.plan_accepted_on is not None:
                    leader = next(m.auditor.id for m in workbench.team(audit.id) if m.role == "leader")
                    workbench.acting_as(leader).save_corrective_action(
                        finding.id, finding.plan or "更换备件供应商", accepted_on=finding.plan_accepted_on,
                        verified_on=date.today(), correction=finding.correction or "已更正")
                    assert [f for f in workbench.findings(audit.id) if f.id == finding.id][0].verified_on
                    return
    pytest.skip("the demo has no accepted, unverified corrective action on a decided audit")


def test_the_reports_signature_covers_the_evaluations_signatures_and_the_findings(cycle_db, scheme):
    """The report's signature covers the findings register and the signatures of the stages it
    rests on: a finding changed in SQL makes the signed report read as tampered, as well as the
    finding's own statement; the untouched store verifies."""
    import sqlite3

    path = cycle_db.removeprefix("sqlite:///")
    workbench = Workbench(cycle_db, scheme, actor="P01")
    assert workbench.verify().ok
    with sqlite3.connect(path) as connection:
        finding, audit = connection.execute(
            "SELECT f.id, f.audit_id FROM findings f JOIN stage_results s ON s.audit_id = f.audit_id "
            "AND s.stage = 'report' AND s.coverage = 2 AND s.signature IS NOT NULL LIMIT 1").fetchone()
        connection.execute("UPDATE findings SET description = description || '（已整改）' WHERE id = ?", (finding,))
    report = workbench.verify()
    assert (audit, "report", "tampered") in {(p.audit, p.stage, p.problem) for p in report.problems}
    assert ("findings", str(finding), "differs", ("description",)) in {
        (p.table, p.row, p.problem, p.fields) for p in report.row_problems}


def test_the_committee_reopens_a_decision_on_its_screen(cycle_db, scheme):
    """07's decision widget offers the committee the reopening, with a reason; the audit opens."""
    from audit_widgets.widgets.decision import DecisionWidget
    workbench = Workbench(cycle_db, scheme, actor="M02")
    audit = workbench.audits("demo-special")[0].id
    widget = DecisionWidget(workbench, "demo-special", audit)
    assert widget.reopening.layout.display is None and widget.record_button.disabled
    assert "已签署" in widget.banner.value  # the decision stage is signed off
    widget.reopen_button.click()  # no reason: refused, said
    assert "原因" in widget.message.value and workbench.decision(audit) is not None
    widget.reopen_reason.value = "申请方补交了信用证明"
    widget.reopen_button.click()
    assert workbench.decision(audit) is None and "已重开" in widget.message.value
    assert not widget.record_button.disabled and widget.reopening.layout.display == "none"
    assert widget.banner.value == ""  # no longer says it is signed off
