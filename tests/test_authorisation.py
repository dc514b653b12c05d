"""Nobody certifies what they may not (issue 12 §1): every write is checked against the roles
the people records and the audit's team give, on a real SQLite store, through the real API
and the real command."""
from datetime import date, timedelta

import pytest

from audit_widgets.demo.audits import COMMITTEE
from audit_widgets.errors import ConflictError, PermissionDenied, SchemeError
from audit_widgets.scheme import load_scheme
from audit_widgets.store.repository import Workbench

from .conftest import APPLICANTS_DIR, copy_database, database_digest, edit_scheme_file

TODAY = date.today()


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> str:
    return f"sqlite:///{copy_database(demo_db, tmp_path / 'demo.sqlite')}"


def _decision(**overrides) -> dict:
    return {"decided_on": TODAY, "level_rank": 5, "reasons": "—", "override_reason": "测试 test", "certified": True,
            **overrides}


def test_an_unknown_person_certifies_nothing(demo_copy, scheme):
    """The attack of the issue: a made-up actor decides level 5 for an applicant never audited."""
    never_audited = Workbench(demo_copy, scheme, actor="P01").current_audit("demo-composite")
    intruder = Workbench(demo_copy, scheme, actor="x")
    with pytest.raises(PermissionDenied) as caught:
        intruder.record_decision(never_audited, members=["NOBODY"], **_decision())
    assert "AUDIT_WORKBENCH_USER" in caught.value.render() and "「x」不在人员记录中" in caught.value.render()
    with pytest.raises(PermissionDenied):
        intruder.issue_certificate(never_audited, TODAY)
    committee = Workbench(demo_copy, scheme, actor="M01")
    with pytest.raises(ConflictError, match="NOBODY"):
        committee.record_decision(never_audited, members=["M01", "NOBODY"], **_decision())
    with pytest.raises(ConflictError, match="not been signed off"):  # a decision needs a signed report
        committee.record_decision(never_audited, members=COMMITTEE, **_decision())
    with pytest.raises(ConflictError, match="no decision"):
        Workbench(demo_copy, scheme, actor="P01").issue_certificate(never_audited, TODAY)
    assert Workbench(demo_copy, scheme).certificate_for("demo-composite") is None


def test_only_the_programme_manager_sets_the_team_and_nobody_appoints_themselves(staffed_audit, db_url, scheme):
    _, audit = staffed_audit
    with pytest.raises(PermissionDenied, match="programme_manager"):
        Workbench(db_url, scheme, actor="A04").set_team(audit, [("A04", "leader"), ("A02", "member")])
    with pytest.raises(ConflictError, match="appoints themselves"):
        Workbench(db_url, scheme, actor="P01").set_team(audit, [("P01", "leader")])
    assert {(m.auditor.id, m.role) for m in Workbench(db_url, scheme).team(audit)} == {("A02", "leader"), ("A01", "member")}


def test_team_work_is_the_teams_and_sign_off_the_leaders(staffed_audit, db_url, scheme):
    from audit_widgets.domain import Answer
    _, audit = staffed_audit
    item = next(i.id for i in scheme.checklist if i.judgement == "qualitative")
    Workbench(db_url, scheme, actor="A01").save_answer(audit, item, Answer("conform"))  # a member answers
    for outsider in ("A05", "M01", "P01"):  # not on this audit's team
        with pytest.raises(PermissionDenied, match="evaluation"):
            Workbench(db_url, scheme, actor=outsider).save_answer(audit, item, Answer("nonconform"), note="x")
    with pytest.raises(ConflictError, match="组长"):
        Workbench(db_url, scheme, actor="A01").sign_off(audit, "planning")
    with pytest.raises(PermissionDenied):  # a committee member may not decide on an audit…
        Workbench(db_url, scheme, actor="A02").record_decision(audit, members=["M01"], **_decision())
    assert Workbench(db_url, scheme).answers(audit)[item].result == "conform"


def test_the_committee_decides_in_its_own_name_and_a_refusal_issues_nothing(demo_copy, scheme):
    """An upheld appeal reopens demo-special's decision; then each wrong way of recording the
    new one is refused, and the right one is taken."""
    pm = Workbench(demo_copy, scheme, actor="P01")
    audit = pm.audits("demo-special")[0].id
    appeal = pm.record_appeal(audit, received_on=TODAY, appellant="demo-special", grounds="复核")
    pm.assign_appeal(appeal, "A01")
    pm.decide_appeal(appeal, outcome="upheld", reasons="重新决定", decided_on=TODAY, replied_on=TODAY)
    refuse = _decision(certified=False, level_rank=1, override_reason="")
    with pytest.raises(PermissionDenied):  # the audit's leader
        pm.acting_as("A05").record_decision(audit, members=["M01"], **refuse)
    with pytest.raises(ConflictError, match="A05"):  # a team member named among the deciders
        pm.acting_as("M01").record_decision(audit, members=["M01", "A05"], **refuse)
    with pytest.raises(ConflictError, match="not among"):  # in another member's name
        pm.acting_as("M01").record_decision(audit, members=["M02"], **refuse)
    pm.acting_as("M01").record_decision(audit, members=COMMITTEE, **refuse)
    with pytest.raises(ConflictError, match="no positive decision"):
        pm.issue_certificate(audit, TODAY)
    assert pm.decision(audit).members == tuple(COMMITTEE) and pm.certificate_for("demo-special") is None


def test_the_demo_decides_under_the_committees_ids_and_every_write_is_a_registered_persons(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    people = {a.id for a in workbench.auditors()}
    trail = workbench.trail()
    assert {e.actor for e in trail if e.action == "decide" and e.entity == "decision"} <= set(COMMITTEE)
    assert {e.actor for e in trail} <= people  # the first people import is the only write before anyone is registered
    assert all(set(d.members) <= set(COMMITTEE) for d in
               (workbench.decision(a.id) for a in workbench.audits("demo-industrial")) if d)


def test_an_unknown_person_on_the_command_line_is_told_how_to_say_who_they_are(command, workbench, db_path, monkeypatch):
    before = database_digest(db_path)
    result = command("--as", "nobody", "applicant", "add", APPLICANTS_DIR / "demo-consumer.yaml")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "nobody" in result.output and "--as" in result.output and "AUDIT_WORKBENCH_USER" in result.output
    assert database_digest(db_path) == before
    assert command("--as", "P01", "applicant", "add", APPLICANTS_DIR / "demo-consumer.yaml").exit_code == 0


def test_the_scheme_names_a_role_for_every_action_and_only_known_roles(scheme_copy):
    edit_scheme_file(scheme_copy, "procedure.yaml",
                     lambda data: data["permissions"][0].update(roles=["superuser"]))
    with pytest.raises(SchemeError, match="superuser"):
        load_scheme(scheme_copy)


def test_the_people_file_assigns_only_assignable_roles(scheme, tmp_path):
    from audit_widgets.demo.audits import competence_template_rows
    from audit_widgets.errors import InputFileError
    from audit_widgets.imports.auditors import read_competence_file, write_competence_file
    people, evidence = competence_template_rows()
    people[0]["roles"] = ["committee_member"]  # derived from the decision-maker column, never assigned
    path = write_competence_file(tmp_path / "people.xlsx", people, evidence)
    with pytest.raises(InputFileError) as caught:
        read_competence_file(path, scheme)
    assert "角色 roles" in caught.value.render() and "第 2 行" in caught.value.render()


def test_a_competence_file_written_before_roles_existed_still_reads(scheme, tmp_path):
    from openpyxl import load_workbook

    from audit_widgets.demo.audits import competence_template_rows
    from audit_widgets.imports.auditors import read_competence_file, write_competence_file
    people, evidence = competence_template_rows()
    path = write_competence_file(tmp_path / "people.xlsx", people, evidence)
    book = load_workbook(path)
    header = [cell.value for cell in book["人员 people"][1]]
    book["人员 people"].delete_cols(header.index("角色 roles") + 1, 2)  # the roles and the logins came later
    book.save(path)
    assert all(p["roles"] == [] and p["login"] is None for p in read_competence_file(path, scheme)["people"])


def test_a_batch_by_someone_without_a_role_is_refused_before_any_kernel_starts(command, workbench, consumer):
    workbench.open_audit(consumer, submitted_on=TODAY - timedelta(days=1))
    result = command("--as", "nobody", "run", "--applicant", consumer)
    assert result.exit_code == 1 and "nobody" in result.output and "Traceback" not in result.output
