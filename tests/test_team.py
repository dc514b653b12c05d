from datetime import date

from audit_widgets.domain import AuditorProfile, CompetenceRecord, Consultancy, Declaration, TeamMember
from audit_widgets.rules.team import check_team

AUDIT = date(2026, 6, 1)


def _auditor(auditor_id, grade="auditor", domains=("b",), since=date(2020, 1, 1), consultancies=()):
    """Registered, with evidence for each domain and the year's declaration about demo-consumer:
    the competence records test (test_competence.py) takes each of these away."""
    return AuditorProfile(auditor_id, f"审查员{auditor_id}", grade, tuple(domains), since, tuple(consultancies),
                          f"REG-{auditor_id}", date(2029, 12, 31),
                          tuple(CompetenceRecord(d, "training", "培训") for d in domains),
                          (Declaration("demo-consumer", AUDIT.year, date(2026, 1, 5)),))


def _check(scheme, members, domains=("b",)):
    return check_team(scheme, members, applicant_id="demo-consumer", applicant_domains=domains, audit_date=AUDIT)


def test_a_good_team_passes(scheme):
    team = [TeamMember(_auditor("L", "senior"), "leader"), TeamMember(_auditor("T", "trainee"), "member")]
    result = _check(scheme, team)
    assert result.ok and result.counted_auditors == ["L"]


def test_every_violation_is_returned(scheme):
    team = [
        TeamMember(_auditor("T", "trainee", domains=("b", "c")), "leader"),       # trainee cannot lead
        TeamMember(_auditor("S", "senior", since=date(2025, 1, 1)), "member"),   # senior with < 2 years
        TeamMember(_auditor("C", consultancies=[Consultancy("demo-consumer", date(2025, 1, 1))]), "member"),
        TeamMember(_auditor("M"), "member"),                     # a committee member may audit (issue 22 §2)
        TeamMember(_auditor("E", domains=("c",)), "expert"),                     # experts do not cover domains
    ]
    result = _check(scheme, team, domains=("b", "c"))
    codes = sorted(v.code for v in result.violations)
    assert codes == ["consulted", "domain_not_covered", "grade_experience", "leader_grade"]
    assert "特殊商品类" in next(v for v in result.violations if v.code == "domain_not_covered").zh


def test_consulting_more_than_two_years_ago_is_allowed(scheme):
    old = Consultancy("demo-consumer", date(2024, 5, 31))
    team = [TeamMember(_auditor("L", consultancies=[old]), "leader")]
    assert _check(scheme, team).ok


def test_no_leader_and_two_leaders(scheme):
    assert [v.code for v in _check(scheme, [TeamMember(_auditor("A"), "member")]).violations] == ["no_leader"]
    two = [TeamMember(_auditor("A"), "leader"), TeamMember(_auditor("B"), "leader")]
    assert [v.code for v in _check(scheme, two).violations] == ["several_leaders"]


def test_the_leader_rotation_is_a_warning_beyond_the_schemes_limit(scheme):
    """impartiality.max_consecutive_audits_by_leader (3): the fourth audit in a row led by the same
    person warns; it does not block the team (issue 22 §5)."""
    members = [TeamMember(_auditor("A1"), "leader"), TeamMember(_auditor("A2"), "member")]

    def check(previous):
        return check_team(scheme, members, applicant_id="demo-consumer", applicant_domains=("b",),
                          audit_date=date(2026, 6, 1), previous_leaders=previous)
    assert check(["A1", "A1"]).warnings == [] and check(["A1", "A2", "A1", "A1"]).warnings == []
    [warning] = check(["A1", "A1", "A1", "A2"]).warnings
    assert warning.code == "leader_rotation" and "第 4 次" in warning.zh and "rotate" in warning.en
    assert check(["A1", "A1", "A1"]).ok  # a warning, not a violation


def test_the_demo_recertification_warns_of_its_leader_led_four_times(demo_db, scheme):
    from audit_widgets.store.repository import Workbench
    workbench = Workbench(demo_db, scheme)
    audits = workbench.audits("demo-industrial")  # A01 led all four
    results = [workbench.stage_result(a.id, "planning").result for a in audits]
    assert [len(r.get("team_warnings", [])) for r in results] == [0, 0, 0, 1]
    assert results[-1]["team_warnings"][0]["code"] == "leader_rotation"
