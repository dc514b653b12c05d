"""Every change to a certificate is the committee's decision (issue 22 §1): between audits it is
recorded and signed by a deciding member on its grounds, carried out once by someone who does not
manage the applicant; a scope reduction reissues under a new number; `enforce` applies only what
the scheme marks automatic and lists the rest."""
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from dateutil.relativedelta import relativedelta
from sqlalchemy import update

from audit_widgets.cli import cli
from audit_widgets.enforcement import enforce
from audit_widgets.errors import PermissionDenied, WorkbenchError
from audit_widgets.store import models
from audit_widgets.store.database import transaction
from audit_widgets.store.repository import Workbench

TODAY = date.today()


def _withdraw(workbench, number, **changes):
    return workbench.decide_on_certificate(number, **{
        "outcome": "withdraw", "grounds": "regulator_order", "grounds_detail": "市场监管局通报（2026）12 号",
        "decided_on": TODAY, "members": ["M01", "M02"], "reasons": "持证方被通报严重失信",
        "status_reason": "seriously_untrustworthy", **changes})


def test_a_withdrawal_is_the_committees_decision_carried_out_by_someone_who_does_not_manage_the_applicant(
        cycle_db, scheme):
    number = Workbench(cycle_db, scheme).certificate_for("demo-industrial").number
    # The example: the administrator P01 withdrew it with decided_by="某某". There is no
    # such call any more, and P01 is no committee member.
    assert not hasattr(Workbench, "change_certificate_status") and not hasattr(Workbench, "reduce_scope")
    with pytest.raises(PermissionDenied):
        _withdraw(Workbench(cycle_db, scheme, actor="P01"), number, members=["M01"])
    with pytest.raises(WorkbenchError, match="本人记录|recorded by one of the members"):
        _withdraw(Workbench(cycle_db, scheme, actor="M01"), number, members=["M02"])  # not in another's name
    decision_id = _withdraw(Workbench(cycle_db, scheme, actor="M01"), number)
    holder = Workbench(cycle_db, scheme, actor="P02")
    assert holder.certificate_for("demo-industrial").status == "valid"  # recorded, not yet carried out
    # P01 manages demo-industrial's programme (it reviewed the application and appointed the teams).
    with pytest.raises(WorkbenchError) as caught:
        Workbench(cycle_db, scheme, actor="P01").carry_out_certificate_decision(decision_id, TODAY)
    assert caught.value.code == "certificate.manager"
    with pytest.raises(WorkbenchError) as caught:
        holder.carry_out_certificate_decision(decision_id, TODAY + timedelta(days=1))
    assert caught.value.code == "chronology.carried_out_on"
    after = holder.carry_out_certificate_decision(decision_id, TODAY)
    assert after.number == number and after.status == "withdrawn"
    change = holder.status_history(number)[-1]
    assert (change.to_status, change.reason, change.decided_by, change.recorded_by) == (
        "withdrawn", "seriously_untrustworthy", "M01、M02", "P02")
    [decision] = holder.certificate_decisions("demo-industrial")
    assert (decision.carried_out_by, decision.result_number) == ("P02", number)
    with pytest.raises(WorkbenchError) as caught:
        holder.carry_out_certificate_decision(decision_id, TODAY)  # carried out once
    assert caught.value.code == "decision.carried_out"


def test_a_decision_changed_after_it_was_signed_is_not_carried_out(cycle_db, scheme):
    number = Workbench(cycle_db, scheme).certificate_for("demo-industrial").number
    decision_id = _withdraw(Workbench(cycle_db, scheme, actor="M01"), number)
    workbench = Workbench(cycle_db, scheme, actor="P02")
    with transaction(workbench.engine) as session:  # an insider's edit behind the workbench
        session.execute(update(models.CertificateDecision).values(members=["M01"]))
    with pytest.raises(WorkbenchError) as caught:
        workbench.carry_out_certificate_decision(decision_id, TODAY)
    assert caught.value.code == "decision.tampered"
    assert workbench.certificate_for("demo-industrial").status == "valid"


def test_a_member_who_audited_the_cycle_does_not_decide_on_its_certificate(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="M02")
    number = workbench.certificate_for("demo-industrial").number
    audit = workbench.current_audit("demo-industrial")
    with transaction(workbench.engine) as session:  # M02 was on the recertification's team
        session.add(models.TeamMember(audit_id=audit, auditor_id="M02", role="member"))
    with pytest.raises(WorkbenchError) as caught:
        _withdraw(workbench, number, members=["M02"])
    assert caught.value.code == "decision.independence" and workbench.certificate_decisions("demo-industrial") == []


def test_grounds_reasons_and_deadlines_are_checked_before_anything_is_recorded(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="M01")
    number = workbench.certificate_for("demo-industrial").number
    refusals = [
        ({"grounds": "rumour"}, "依据应为"),
        ({"grounds_detail": " "}, "依据"),
        ({"outcome": "raise"}, "审核之外的认证决定应为"),  # a raise needs an audit
        ({"status_reason": "holder_request"}, "须选择原因"),  # a cancellation's reason, not a withdrawal's
        ({"decided_on": TODAY + timedelta(days=3)}, "之间"),
        ({"outcome": "suspend", "status_reason": "regulator_order", "deadline": TODAY + relativedelta(months=7)},
         "最长暂停期"),
        ({"outcome": "reinstate", "status_reason": None}, "不能「恢复证书」"),  # it is valid
    ]
    for changes, expected in refusals:
        with pytest.raises(WorkbenchError, match=expected):
            _withdraw(workbench, number, **changes)
    assert workbench.certificate_decisions("demo-industrial") == []


def test_a_scope_reduction_reissues_the_certificate_under_a_new_number(cycle_db, scheme):
    from audit_widgets.documents.certificate import verification_code, verify_certificate
    member = Workbench(cycle_db, scheme, actor="M01")
    old = member.certificate_for("demo-industrial")
    old_code = verification_code(old, member.get_applicant("demo-industrial").uscc)
    narrower = old.scope.__class__(old.scope.domains, old.scope.goods, "安装、维修", old.scope.sites)
    with pytest.raises(WorkbenchError, match="现有范围的一部分"):
        _withdraw(member, old.number, outcome="reduce_scope", status_reason=None,
                  scope=narrower.__class__(("a", "z"), "", "", ()))
    decision_id = _withdraw(member, old.number, outcome="reduce_scope", status_reason=None, grounds="complaint",
                            grounds_detail="投诉 #3 调查结论：咨询服务持续不符合", scope=narrower)
    new = Workbench(cycle_db, scheme, actor="P02").carry_out_certificate_decision(decision_id, TODAY)
    assert new.number != old.number and new.replaces == old.number
    assert new.scope.services == "安装、维修" and (new.level_rank, new.expires_on) == (old.level_rank, old.expires_on)
    assert member.find_certificate(old.number).status == "superseded"
    assert member.status_history(old.number)[-1].reason == "scope_reduced"
    # The old, wider certificate no longer answers as the one in force; its code is not the new one's.
    check = verify_certificate(member, old.number, old_code)
    assert check.genuine and not check.valid and check.status == "superseded"
    assert not verify_certificate(member, new.number, old_code).genuine


def test_enforce_applies_what_the_scheme_makes_automatic_and_names_the_rule(tmp_path, scheme):
    """The demo as it stood 14 months ago, left alone since: no surveillance was done."""
    from audit_widgets.demo import create_demo
    from audit_widgets.store.database import get_engine, upgrade
    url = f"sqlite:///{tmp_path / 'late.sqlite'}"
    upgrade(get_engine(url))
    create_demo(Workbench(url, scheme, actor="P01"), echo=lambda _: None, today=TODAY - relativedelta(months=14))
    result = CliRunner().invoke(cli, ["--db", url, "--as", "P01", "enforce", "--json"])
    assert result.exit_code == 0, result.output
    applied = {d["applicant_id"]: d for d in json.loads(result.output) if d["kind"] == "certificate"}
    # demo-industrial's recertified cycle and demo-consumer's reinstated one both missed a surveillance.
    assert {a: (d["to_status"], d["reason"], d["applied"]) for a, d in applied.items()} == {
        "demo-industrial": ("suspended", "missed_surveillance", True),
        "demo-consumer": ("suspended", "missed_surveillance", True)}
    workbench = Workbench(url, scheme)
    for applicant, due in applied.items():
        change = workbench.status_history(workbench.certificate_for(applicant).number)[-1]
        assert (change.to_status, str(change.on)) == ("suspended", due["since"])
        assert change.decided_by == "按规则 by rule: missed_surveillance"
    assert enforce(workbench.acting_as("P01")) == []  # nothing more is due
    result = CliRunner().invoke(cli, ["--db", url, "--as", "P01", "enforce", "--on", str(TODAY + timedelta(days=1))])
    assert result.exit_code == 1 and "after today" in result.output


def test_a_withdrawal_due_at_the_suspensions_deadline_waits_for_the_committee(cycle_db, scheme):
    """The committee suspends demo-consumer (reinstated 20 days ago) with a deadline shorter than
    the rule's longest: once it passes, withdrawal is due, and the scheme does not withdraw by itself."""
    workbench = Workbench(cycle_db, scheme, actor="P01")
    consumer = workbench.certificate_for("demo-consumer").number
    suspension = Workbench(cycle_db, scheme, actor="M01").decide_on_certificate(
        consumer, outcome="suspend", grounds="complaint", grounds_detail="投诉调查：重复维修未计入返修率",
        decided_on=TODAY - timedelta(days=15), members=["M01"], reasons="宣传数据不实，限期整改",
        status_reason="persistent_nonconformity", deadline=TODAY - timedelta(days=5))
    Workbench(cycle_db, scheme, actor="P02").carry_out_certificate_decision(suspension, TODAY)
    [due] = [d for d in enforce(workbench) if d.applicant_id == "demo-consumer"]
    assert (due.to_status, due.reason, due.since, due.applied) == (
        "withdrawn", "suspension_expired", TODAY - timedelta(days=5), False)
    assert workbench.certificate_for("demo-consumer").status == "suspended"  # listed, not applied
    with pytest.raises(WorkbenchError) as caught:
        workbench.change_status_by_rule(consumer, "withdrawn", "suspension_expired", due.since)
    assert caught.value.code == "status.needs_decision"
    withdrawal = Workbench(cycle_db, scheme, actor="M02").decide_on_certificate(
        consumer, outcome="withdraw", grounds="due_by_rule", grounds_detail="暂停期满未整改", decided_on=TODAY,
        members=["M02"], reasons="整改期限已过", status_reason="suspension_expired")
    Workbench(cycle_db, scheme, actor="P02").carry_out_certificate_decision(withdrawal, TODAY)
    assert workbench.certificate_for("demo-consumer").status == "withdrawn"
    assert [d for d in enforce(workbench) if d.applicant_id == "demo-consumer"] == []
