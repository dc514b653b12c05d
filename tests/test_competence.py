"""Competence records (ISO/IEC 17021-1 §7.1–7.2, 7.4): registration, evidence per domain and
impartiality declarations, loaded from the template's layout and used by the team check."""
from dataclasses import replace
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from audit_widgets.cli import cli
from audit_widgets.demo.audits import competence_template_rows
from audit_widgets.domain import CompetenceRecord, Declaration, TeamMember
from audit_widgets.errors import InputFileError
from audit_widgets.imports.auditors import read_competence_file, write_competence_file
from audit_widgets.paths import competence_template
from audit_widgets.rules.team import check_team

from .conftest import database_digest


def test_the_committed_template_holds_the_demo_people(scheme):
    records = read_competence_file(competence_template(), scheme)
    people, evidence = competence_template_rows()
    assert records["people"] == people and records["evidence"] == evidence and records["declarations"] == []


def test_a_bad_file_names_sheet_row_and_field_and_imports_nothing(workbench, db_path, scheme, tmp_path):
    people, evidence = competence_template_rows()
    bad_people = [{**people[0], "grade": "guru"}, {**people[1], "registration_expires": "31/12/2029"}]
    bad_evidence = [{**evidence[0], "kind": "hearsay"}, {**evidence[1], "auditor_id": "NOBODY"}]
    path = write_competence_file(tmp_path / "people.xlsx", bad_people, bad_evidence)
    before = database_digest(db_path)
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{db_path}", "auditors", "import", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    for expected in ("人员 people.资格等级 grade", "第 2 行", "第 3 行", "注册有效期至 registration_expires",
                     "能力证据 evidence.证据类别 kind", "NOBODY", "nothing was imported"):
        assert expected in result.output, expected
    assert database_digest(db_path) == before


def test_a_missing_sheet_is_named(scheme, tmp_path):
    path = write_competence_file(tmp_path / "people.xlsx", [], [])
    book = load_workbook(path)
    del book["能力证据 evidence"]
    book.save(path)
    with pytest.raises(InputFileError) as caught:
        read_competence_file(path, scheme)
    assert "能力证据 evidence" in caught.value.render()


def test_the_import_command_loads_people_evidence_and_declarations(workbench, db_path, scheme, tmp_path):
    people, evidence = competence_template_rows()
    declarations = [{"auditor_id": "A01", "applicant_id": "demo-consumer", "year": 2026,
                     "declared_on": date(2026, 1, 5), "conflicts": ""}]
    path = write_competence_file(tmp_path / "people.xlsx", people, evidence, declarations)
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{db_path}", "auditors", "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    a01 = next(a for a in workbench.auditors() if a.id == "A01")
    assert a01.registration_expires and a01.evidenced_domains() == {"a", "b"}
    assert a01.declaration("demo-consumer", 2026).declared_on == date(2026, 1, 5)
    again = CliRunner().invoke(cli, ["--db", f"sqlite:///{db_path}", "auditors", "import", str(path)])
    assert again.exit_code == 0  # a second import updates, it does not duplicate
    assert len(next(a for a in workbench.auditors() if a.id == "A01").evidence) == 2


def test_the_team_check_refuses_an_expired_registration_a_domain_without_evidence_and_a_conflict(scheme):
    people, evidence = competence_template_rows()
    from audit_widgets.domain import AuditorProfile
    audit_day = date(2026, 6, 1)
    leader = AuditorProfile("A01", "张伟", "senior", ("a", "b"), date(2016, 3, 1), (), "CCAA-1", date(2029, 12, 31),
                            (CompetenceRecord("a", "training", "培训"), CompetenceRecord("b", "witnessed", "见证")),
                            (Declaration("x", 2026, date(2026, 5, 1)),))
    assert check_team(scheme, [TeamMember(leader, "leader")], applicant_id="x", applicant_domains=["b"],
                      audit_date=audit_day).ok
    cases = {
        "registration": replace(leader, registration_expires=date(2026, 5, 31)),
        "domain_without_evidence": replace(leader, evidence=(CompetenceRecord("a", "training", "培训"),)),
        "declared_conflict": replace(leader, declarations=(Declaration("x", 2026, date(2026, 5, 1), "配偶任职于申请方"),)),
        "no_declaration": replace(leader, declarations=(Declaration("x", 2025, date(2025, 5, 1)),)),
    }
    for code, profile in cases.items():
        check = check_team(scheme, [TeamMember(profile, "leader")], applicant_id="x", applicant_domains=["b"],
                           audit_date=audit_day)
        assert code in {v.code for v in check.violations}, code
        assert all(v.zh and v.en for v in check.violations)


def test_a_teams_declarations_are_one_write_and_an_unknown_member_leaves_none(workbench, consumer, db_path):
    from audit_widgets.errors import NotFoundError
    admin = workbench.acting_as("P01")
    before = database_digest(db_path)
    with pytest.raises(NotFoundError):
        admin.declare_impartiality(["A01", "A99"], consumer, 2026, date(2026, 11, 2))
    assert database_digest(db_path) == before
    entries = len(admin.trail())
    admin.declare_impartiality(["A01", "A02"], consumer, 2026, date(2026, 11, 2))
    assert len(admin.trail()) == entries + 1
    declared = {a.id: a.declarations for a in admin.auditors()}
    assert all(any(d.applicant_id == consumer and d.year == 2026 for d in declared[p]) for p in ("A01", "A02"))
