"""Role changes take two people (issue 24 §4): a people import that changes someone's roles asks
for the change, with the roles before and after; it takes effect when a second administrator or
committee member approves it; nobody grants themselves a role; roles written around the
workbench are refused and named by verify; a single-person body says so, and its documents state
it."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import date

import pytest

from audit_widgets.contract import Action
from audit_widgets.demo.audits import competence_template
from audit_widgets.errors import PermissionDenied, WorkbenchError
from audit_widgets.imports.auditors import read_competence_file
from audit_widgets.paths import project_root
from audit_widgets.store.repository import Workbench
from audit_widgets.store.roles import APPLIED, APPROVED, PENDING, REFUSED

from .conftest import database_digest

ADMINISTRATOR, OTHER_ADMINISTRATOR, COMMITTEE_MEMBER = "P02", "P01", "M01"


def _people_file_granting(workbench: Workbench, *committee: str) -> dict:
    """The demo's competence records, with `committee` marked as committee members."""
    records = read_competence_file(competence_template(), workbench.scheme)
    for person in records["people"]:
        if person["id"] in committee:
            person["is_decision_maker"] = True
    return records


def _import(workbench: Workbench, records: dict) -> dict:
    return workbench.import_people(records["people"], records["evidence"], records["declarations"])


def test_an_administrator_cannot_make_himself_and_another_committee_members(cycle_db, scheme):
    """The reproduction: `auditors import` let the administrator make himself and A03 committee
    members, and then decide; the trail said only how many people were imported."""
    workbench = Workbench(cycle_db, scheme, actor=ADMINISTRATOR)
    counts = _import(workbench, _people_file_granting(workbench, ADMINISTRATOR, "A03"))
    assert counts["role_changes_pending"] == 2
    assert ADMINISTRATOR not in workbench.decision_makers() and "A03" not in workbench.decision_makers()
    pending = {c.person_id: c for c in workbench.role_changes(state=PENDING)}
    assert set(pending) == {ADMINISTRATOR, "A03"}
    change = pending["A03"]
    assert change.before == {"roles": [], "committee_member": False}
    assert change.after == {"roles": [], "committee_member": True} and change.requested_by == ADMINISTRATOR
    assert pending[ADMINISTRATOR].before["roles"] == ["administrator"]
    # Not a committee member: the decision is still refused to both.
    audit = workbench.current_audit("demo-composite")
    for person in (ADMINISTRATOR, "A03"):
        with pytest.raises(PermissionDenied):
            workbench.acting_as(person).require(Action.DECISION, audit)
    # The same import again asks for nothing new.
    assert _import(workbench, _people_file_granting(workbench, ADMINISTRATOR, "A03"))["role_changes_pending"] == 2
    assert len(workbench.role_changes(state=PENDING)) == 2


def test_a_second_person_approves_and_nobody_grants_themselves(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor=ADMINISTRATOR)
    _import(workbench, _people_file_granting(workbench, ADMINISTRATOR, "A03"))
    pending = {c.person_id: c.id for c in workbench.role_changes(state=PENDING)}
    # The one who asked, and the one it concerns, cannot decide it; a team member may not at all.
    for person, change, code in ((ADMINISTRATOR, pending["A03"], "roles.second_person"),
                                 (ADMINISTRATOR, pending[ADMINISTRATOR], "roles.second_person")):
        with pytest.raises(WorkbenchError) as caught:
            workbench.acting_as(person).approve_role_change(change)
        assert caught.value.code == code
    with pytest.raises(PermissionDenied):
        workbench.acting_as("A03").approve_role_change(pending["A03"])
    with pytest.raises(WorkbenchError) as caught:
        workbench.acting_as(COMMITTEE_MEMBER).refuse_role_change(pending[ADMINISTRATOR], " ")
    assert caught.value.code == "roles.reason"
    # A committee member approves A03; the other administrator refuses P02's own, with a reason.
    workbench.acting_as(COMMITTEE_MEMBER).approve_role_change(pending["A03"])
    workbench.acting_as(OTHER_ADMINISTRATOR).refuse_role_change(pending[ADMINISTRATOR], "管理员不兼任认证决定人员")
    assert "A03" in workbench.decision_makers() and ADMINISTRATOR not in workbench.decision_makers()
    decided = {c.person_id: c for c in workbench.role_changes(state=None) if c.id in pending.values()}
    assert (decided["A03"].state, decided["A03"].decided_by) == (APPROVED, COMMITTEE_MEMBER)
    assert (decided[ADMINISTRATOR].state, decided[ADMINISTRATOR].reason) == (REFUSED, "管理员不兼任认证决定人员")
    with pytest.raises(WorkbenchError) as caught:
        workbench.acting_as(OTHER_ADMINISTRATOR).approve_role_change(pending["A03"])
    assert caught.value.code == "roles.decided"
    # The trail says who changed what, before and after.
    [entry] = [e for e in workbench.trail("role_change") if e.action == "approve"]
    assert entry.actor == COMMITTEE_MEMBER and entry.detail["before"]["committee_member"] is False
    assert entry.detail["after"]["committee_member"] is True and entry.detail["person"] == "A03"
    assert workbench.verify().ok


def test_roles_written_around_the_workbench_are_refused_and_named_by_verify(cycle_db, scheme):
    path = cycle_db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE auditors SET is_decision_maker = 1 WHERE id = 'A03'")
        connection.execute("""UPDATE auditors SET roles = '["administrator"]' WHERE id = 'A02'""")
    workbench = Workbench(cycle_db, scheme, actor="A03")
    audit = workbench.current_audit("demo-composite")
    before = database_digest(path)
    with pytest.raises(WorkbenchError) as caught:
        workbench.require(Action.DECISION, audit)
    assert caught.value.code == "roles.not_granted" and "A03" in caught.value.en
    with pytest.raises(WorkbenchError) as caught:  # the administrator's own roles are whole: A02's are not
        workbench.acting_as("A02").add_consultancy("A02", "demo-composite", date(2020, 1, 1))
    assert caught.value.code == "roles.not_granted"
    assert database_digest(path) == before
    report = workbench.verify()
    named = {(p.table, p.row, p.fields) for p in report.row_problems}
    assert ("auditors", "A03", ("is_decision_maker",)) in named and ("auditors", "A02", ("roles",)) in named
    assert not report.ok


def test_a_single_person_body_says_so_its_changes_apply_at_once_and_its_documents_state_it(
        cycle_db, scheme, tmp_path, monkeypatch):
    source = project_root() / "parameters"
    shutil.copytree(source / "body", tmp_path / "body")
    (tmp_path / "body.yaml").write_text((source / "body.yaml").read_text(encoding="utf-8").replace(
        "single_person: false", "single_person: true"), encoding="utf-8")
    monkeypatch.setenv("AUDIT_WORKBENCH_BODY", str(tmp_path / "body.yaml"))
    workbench = Workbench(cycle_db, scheme, actor=ADMINISTRATOR)
    _import(workbench, _people_file_granting(workbench, ADMINISTRATOR))
    change, first = workbench.role_changes(person_id=ADMINISTRATOR)  # newest first
    assert change.state == APPLIED and "single-person body" in change.reason
    assert first.state == APPLIED and "first people registered" in first.reason
    assert ADMINISTRATOR in workbench.decision_makers()
    from audit_widgets.documents.report import report_html
    html = report_html(workbench, "demo-industrial")
    assert "本机构为单人机构" in html and "single-person body" in html
    assert workbench.verify().ok


def test_the_command_lists_the_changes_waiting_and_a_second_person_approves_one(cycle_db, scheme):
    from click.testing import CliRunner

    from audit_widgets.cli import cli
    workbench = Workbench(cycle_db, scheme, actor=ADMINISTRATOR)
    _import(workbench, _people_file_granting(workbench, "A03"))
    [change] = workbench.role_changes(state=PENDING)

    def run(person: str, *args: str):
        return CliRunner().invoke(cli, ["--db", cycle_db, "--as", person, "auditors", *args])
    listed = run(ADMINISTRATOR, "roles")
    assert listed.exit_code == 0 and f"{change.id} A03: — → committee_member；pending；提出 asked by P02" in listed.output
    refused = run(ADMINISTRATOR, "approve-role", str(change.id))
    assert refused.exit_code == 1 and "second person" in refused.output and "Traceback" not in refused.output
    approved = run(COMMITTEE_MEMBER, "approve-role", str(change.id))
    assert approved.exit_code == 0 and "approved and in effect" in approved.output
    assert "A03" in workbench.decision_makers()
    assert "no role change awaits approval" in run(ADMINISTRATOR, "roles").output


def test_the_upgrade_records_the_roles_people_hold_as_changes_in_effect(tmp_path, scheme):
    """A store from before role changes (revision 0027): its people keep their roles, each now
    the change in effect, sealed, so that verify and the permission check accept them."""
    from audit_widgets.store.database import upgrade

    from .conftest import store_at_revision
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = store_at_revision(tmp_path / "old.sqlite", "0027")
    with sqlite3.connect(tmp_path / "old.sqlite") as connection:
        connection.executemany(
            "INSERT INTO auditors (id, name, grade, domains, is_decision_maker, registration_no, roles, "
            "competence_evidence) VALUES (?, ?, 'senior', '[\"a\"]', ?, '', ?, '')",
            [("P01", "王管理", 0, '["administrator", "programme_manager"]'), ("M01", "赵委员", 1, "[]"),
             ("A02", "李审查", 0, "[]")])
    upgrade(engine)
    workbench = Workbench(url, scheme, actor="P01")
    changes = {c.person_id: c for c in workbench.role_changes()}
    assert set(changes) == {"P01", "M01"} and all(c.state == APPLIED for c in changes.values())
    assert changes["P01"].after == {"roles": ["administrator", "programme_manager"], "committee_member": False}
    assert changes["M01"].after == {"roles": [], "committee_member": True}
    report = workbench.verify()
    assert report.ok and report.sealed_rows == 2, [p.text() for p in report.row_problems]
    workbench.require(Action.PEOPLE)
    workbench.acting_as("M01").require(Action.ROLES)


def _people_file_with_logins(workbench: Workbench, **logins: str) -> dict:
    """The demo's competence records, with a login column: `logins` by person id."""
    records = read_competence_file(competence_template(), workbench.scheme)
    for person in records["people"]:
        person["login"] = logins.get(person["id"], "")
    return records


def test_a_login_is_given_like_a_role_and_says_who_a_hub_user_is(cycle_db, scheme):
    """Issue 27 §1: a person may sign in with a login that is not their id (an LDAP name). Whoever
    sets it decides whom a login acts as, so it takes a second person's approval; from then on
    the login is that person, and their id is nobody's login."""
    workbench = Workbench(cycle_db, scheme, actor=ADMINISTRATOR)
    assert (workbench.person_for_login("a02"), workbench.person_for_login("A02")) == ("A02", "A02")
    assert _import(workbench, _people_file_with_logins(workbench, A02="li.na@body.cn"))["role_changes_pending"] == 1
    [change] = workbench.role_changes(state=PENDING)
    assert change.after == {"roles": [], "committee_member": False, "login": "li.na@body.cn"}
    assert workbench.person_for_login("li.na@body.cn") == "li.na@body.cn"  # not until approved
    with pytest.raises(WorkbenchError) as caught:  # one person per login, asked for or held
        workbench.acting_as(OTHER_ADMINISTRATOR).import_people(
            [{**_people_file_with_logins(workbench)["people"][0], "login": "li.na@body.cn"}], [], [])
    assert caught.value.code == "roles.login_taken" and "A02" in caught.value.en
    workbench.acting_as(COMMITTEE_MEMBER).approve_role_change(change.id)
    assert workbench.person_for_login("li.na@body.cn") == "A02" == workbench.person_for_login("LI.NA@body.cn")
    assert workbench.person_for_login("a02") == "a02@hub"  # A02 signs in as li.na now: "a02" is nobody
    assert next(a for a in workbench.auditors() if a.id == "A02").login == "li.na@body.cn"
    # A file without the column leaves the logins as they are; one whose cell is empty asks to clear it.
    without = _people_file_with_logins(workbench)
    for person in without["people"]:
        del person["login"]
    assert _import(workbench, without)["role_changes_pending"] == 0
    assert _import(workbench, _people_file_with_logins(workbench))["role_changes_pending"] == 1
    assert workbench.person_for_login("li.na@body.cn") == "A02"  # until that is approved too
    assert workbench.verify().ok


def test_a_login_written_around_its_role_change_is_refused_and_named_by_verify(cycle_db, scheme):
    """Set, or cleared, with sqlite3: the person is refused whichever name they sign in with."""
    workbench = Workbench(cycle_db, scheme, actor=ADMINISTRATOR)
    _import(workbench, _people_file_with_logins(workbench, A05="zhou.jie"))
    workbench.acting_as(COMMITTEE_MEMBER).approve_role_change(workbench.role_changes(state=PENDING)[0].id)
    path = cycle_db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE auditors SET login = 'insider' WHERE id = 'M01'")
        connection.execute("UPDATE auditors SET login = NULL WHERE id = 'A05'")  # A05 (no roles) as 'a05' again
    for hub_name in ("insider", "a05"):
        with pytest.raises(WorkbenchError) as caught:
            workbench.person_for_login(hub_name)
        assert caught.value.code == "roles.not_granted"
    assert workbench.person_for_login("m01") == "m01@hub" and workbench.person_for_login("zhou.jie") == "zhou.jie"
    report = workbench.verify()
    named = {(p.table, p.row, p.fields) for p in report.row_problems}
    assert {("auditors", "M01", ("login",)), ("auditors", "A05", ("login",))} <= named and not report.ok


def test_a_hub_name_that_spells_an_id_is_that_person_only_if_they_have_no_login(cycle_db, scheme):
    """A lower-case id (`wangwei`) with a login of its own (`ww01`): another hub user named
    `wangwei` is nobody, not that person; and nobody new may be registered with an id that is
    someone's login, held or asked for."""
    workbench = Workbench(cycle_db, scheme, actor=ADMINISTRATOR)
    records = _people_file_with_logins(workbench)
    a01 = next(p for p in records["people"] if p["id"] == "A01")
    _import(workbench, {**records, "people": [*records["people"], {**a01, "id": "wangwei", "name": "王伟",
                                                                    "login": "ww01"}], "evidence": []})
    workbench.acting_as(COMMITTEE_MEMBER).approve_role_change(
        next(c.id for c in workbench.role_changes(state=PENDING) if c.person_id == "wangwei"))
    assert workbench.person_for_login("ww01") == "wangwei"
    assert workbench.person_for_login("wangwei") == "wangwei@hub"  # the other Wang Wei of the directory
    with pytest.raises(WorkbenchError) as caught:  # WW01 would sign up as ww01, and be wangwei
        workbench.import_people([{**a01, "id": "WW01", "name": "另一位", "login": None}], [], [])
    assert caught.value.code == "roles.login_taken" and "wangwei" in caught.value.en
    assert "WW01" not in workbench.people_names()


def test_the_people_file_refuses_a_login_that_is_another_persons(cycle_db, scheme, tmp_path):
    from audit_widgets.demo.audits import competence_template_rows
    from audit_widgets.errors import InputFileError
    from audit_widgets.imports.auditors import write_competence_file
    people, evidence = competence_template_rows()
    logins = {"A01": "a02", "A03": "Wang Fang", "A04": "wf", "A05": "WF"}  # another's id; not a login; the same twice
    path = write_competence_file(tmp_path / "people.xlsx", [{**p, "login": logins.get(p["id"], "")} for p in people],
                                 evidence)
    with pytest.raises(InputFileError) as caught:
        read_competence_file(path, scheme)
    problems = {(p.row, p.column): p.en for p in caught.value.problems if p.column == "人员 people.登录名 login"}
    rows = {p["id"]: row for row, p in enumerate(people, start=2)}  # the sheet's rows, whichever failed before
    assert set(problems) == {(rows[person], "人员 people.登录名 login") for person in ("A01", "A03", "A05")}
    assert "A02's" in problems[(rows["A01"], "人员 people.登录名 login")]
    assert "A04's" in problems[(rows["A05"], "人员 people.登录名 login")]
