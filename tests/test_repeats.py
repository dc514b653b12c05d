"""Repeated findings (issue 21 §5): a nonconformity on the item or clause of one raised by an
earlier audit of the same certification cycle is marked repeated, with the finding it repeats;
the scheme says whether a repeat raises the grade (finding_grades.repeat_raises_to)."""
from datetime import date

import pytest

from audit_widgets.domain import Answer
from audit_widgets.scheme import load_scheme
from audit_widgets.store.repository import Workbench

from .conftest import edit_scheme_file


def _by_clause(workbench, audit_id):
    return {f.clause: f for f in workbench.findings(audit_id)}


def test_the_demo_surveillance_marks_the_repeated_minor(demo_db, scheme):
    """demo-industrial's first surveillance raised B10 again, a minor of the initial audit: a
    repeat, kept minor under the default scheme (no repeat_raises_to)."""
    workbench = Workbench(demo_db, scheme)
    initial, surveillance = [a.id for a in workbench.audits("demo-industrial")][:2]
    first, again = _by_clause(workbench, initial)["B10"], _by_clause(workbench, surveillance)["B10"]
    assert first.repeat_of is None and again.repeat_of == first.id
    assert again.grade == "minor" and again.graded_as is None
    assert _by_clause(workbench, surveillance)["F04"].repeat_of is None  # an observation does not repeat
    recertification = workbench.audits("demo-industrial")[3]
    assert all(f.repeat_of is None for f in workbench.findings(recertification.id))  # a new cycle


def test_a_scheme_that_raises_a_repeated_minor_makes_it_major(cycle_db, scheme_copy, monkeypatch):
    edit_scheme_file(scheme_copy, "scheme.yaml", lambda data: next(
        g for g in data["finding_grades"] if g["id"] == "minor").update(repeat_raises_to="major"))
    raising = load_scheme(scheme_copy)
    monkeypatch.setenv("AUDIT_WORKBENCH_SCHEME", str(scheme_copy))  # the body runs it
    manager = Workbench(cycle_db, raising, actor="P01")
    earlier = _by_clause(manager, manager.audits("demo-consumer")[-1].id)["E08"]  # the special audit's minor
    audit = manager.open_audit("demo-consumer", "surveillance", date.today())
    manager.set_team(audit, [("A02", "leader"), ("A01", "member")])
    team = manager.acting_as("A02")
    repeated = team.add_finding(audit, "minor", "E08", "服务人员培训记录仍不完整", raised_on=date.today())
    fresh = team.add_finding(audit, "minor", "B02", "新的不符合", raised_on=date.today())
    noted = team.add_finding(audit, "observation", "E08", "观察", raised_on=date.today())
    found = {f.id: f for f in team.findings(audit)}
    assert (found[repeated].grade, found[repeated].graded_as, found[repeated].repeat_of) == ("major", "minor", earlier.id)
    grade = raising.finding_grades_by_id["major"]
    assert found[repeated].due_on == grade.deadline(date.today())  # a major's deadline
    assert (found[fresh].grade, found[fresh].repeat_of) == ("minor", None)
    assert found[noted].repeat_of is None
    trail = [t for t in team.trail("finding") if t.action == "raise" and t.detail.get("repeat_of")]
    assert trail[-1].detail["graded_as"] == "minor"

    # A grade set on a checklist row: E03 was a minor of the cycle's initial audit.
    team.save_answer(audit, "E03", Answer("nonconform"), note="仍未整改", finding_grade="minor")
    row = _by_clause(team, audit)["E03"]
    assert (row.grade, row.graded_as) == ("major", "minor") and row.repeat_of is not None
    team.save_answer(audit, "E03", Answer("nonconform"), note="仍未整改，已补充证据", finding_grade="minor")
    assert _by_clause(team, audit)["E03"].grade == "major"  # a resave keeps the raised grade
    team.save_answer(audit, "E03", Answer("conform"), note="", finding_grade=None)
    assert "E03" not in _by_clause(team, audit)  # clearing the grade withdraws it


def test_a_repeat_grade_the_scheme_does_not_know_is_refused_on_load(scheme_copy):
    edit_scheme_file(scheme_copy, "scheme.yaml", lambda data: next(
        g for g in data["finding_grades"] if g["id"] == "minor").update(repeat_raises_to="critical"))
    with pytest.raises(Exception) as caught:
        load_scheme(scheme_copy)
    assert "repeat_raises_to" in caught.value.render() and "scheme.yaml" in caught.value.render()
