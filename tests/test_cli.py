"""The `calc`, `scheme` and `db` commands as a user types them."""
import json
import shutil

import pytest
import yaml

from audit_widgets.scheme import load_scheme

from .conftest import SCHEME_DIR


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_calc_uscc_exit_codes(command):
    ok = command("calc", "uscc", "91350100M000100Y43")
    assert ok.exit_code == 0 and "valid" in ok.stdout
    bad = command("calc", "uscc", "91350100M000100Y44")
    assert bad.exit_code == 1 and "校验位应为「3」" in bad.stdout and "check character" in bad.stdout


def test_calc_person_days_json(command):
    result = _json(command("calc", "person-days", "--personnel", "46", "--json"))
    assert result["days"] == 5 and result["steps"][0]["days"] == 5
    result = _json(command("calc", "person-days", "--personnel", "45", "--outlets", "9", "--categories", "2",
                           "--audit-type", "surveillance", "--json"))
    # (4 + 1 × 0.5) × ⅓ = 1.5; surveillance's own site sample 1 + ⌈0.6 × √8⌉ = 3, 2 extra × 0.5 → 2.5
    assert result["days"] == 2.5 and len(result["steps"]) == 5
    result = _json(command("calc", "person-days", "--personnel", "100", "--reduction", "成熟体系=10%", "--json"))
    assert result["days"] == 6.5  # 7 × 0.9 = 6.3 → 6.5


def test_calc_person_days_refuses_bad_values(command):
    result = command("calc", "person-days", "--personnel", "0")
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = command("calc", "person-days", "--personnel", "20000")
    assert result.exit_code == 1 and "10700" in result.stderr


def test_calc_case_and_site_sample_and_survey_size(command):
    assert _json(command("calc", "case-sample", "--lot", "1200", "--json")) == {
        "lot_size": 1200, "level": "S-4", "code_letter": "F", "sample_size": 20, "whole_lot": False}
    assert _json(command("calc", "case-sample", "--lot", "1201", "--level", "II", "--json"))["sample_size"] == 125
    site_sample = _json(command("calc", "site-sample", "--sites", "50", "--audit-type", "recertification", "--json"))
    assert site_sample["sample_size"] == 7  # the central function + ⌈0.8 × √49⌉ = 1 + 6
    assert site_sample["sites"] == 50 and site_sample["at_random_min"] == 2
    assert _json(command("calc", "survey-size", "--json"))["sample_size"] == 385
    assert _json(command("calc", "survey-size", "--population", "1000", "--json"))["sample_size"] == 278


def test_scheme_validate_and_xlsx_round_trip_through_the_command(command, tmp_path, scheme):
    summary = _json(command("scheme", "validate", "--json"))
    assert summary["checklist_items"] == len(scheme.checklist) and summary["fingerprint"] == scheme.fingerprint
    workbook = tmp_path / "scheme.xlsx"
    assert command("scheme", "export-xlsx", workbook).exit_code == 0
    out = tmp_path / "imported"
    assert command("scheme", "import-xlsx", workbook, "--out", out).exit_code == 0
    assert load_scheme(out) == scheme


def test_import_xlsx_writes_nothing_when_invalid(command, tmp_path, scheme):
    from openpyxl import load_workbook
    folder = tmp_path / "scheme"
    shutil.copytree(SCHEME_DIR, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    workbook = tmp_path / "scheme.xlsx"
    command("scheme", "export-xlsx", workbook)
    book = load_workbook(workbook)
    book["levels"]["D2"] = "heavy"  # first level's min_score
    book.save(workbook)
    result = command("--scheme", folder, "scheme", "import-xlsx", workbook)
    assert result.exit_code == 1 and "scheme.xlsx!levels" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_db_init_is_repeatable(command):
    from audit_widgets.store.database import head_revision
    result = command("db", "init")
    assert result.exit_code == 0 and "up to date" in result.stdout and head_revision() in result.stdout


def test_db_upgrade_moves_an_old_database_to_the_newest_schema(tmp_path, scheme):
    from audit_widgets.store.database import head_revision

    from .conftest import Command, store_at_revision
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    store_at_revision(tmp_path / "old.sqlite", "0001")
    result = Command(url)("db", "upgrade")
    assert result.exit_code == 0 and f"0001 → {head_revision()}" in result.stdout


@pytest.mark.parametrize("old, new, args", [
    ("--stage", "--audit-type", ("calc", "site-sample", "--sites", "9")),
    ("--stage", "--audit-type", ("calc", "person-days", "--personnel", "45")),
])
def test_an_old_option_name_works_for_one_release_with_a_warning(command, old, new, args):
    renamed = command(*args, old, "surveillance", "--json")
    assert renamed.exit_code == 0 and f"{old} is now {new}" in renamed.stderr
    assert _json(renamed) == _json(command(*args, new, "surveillance", "--json"))
    assert f"{old} is now" not in command(*args, new, "surveillance").stderr
    assert old not in command(*args[:2], "--help").stdout


def test_help_is_bilingual(command):
    result = command("--help")
    assert "申请方" in result.stdout and "Applicants" in result.stdout
    assert "审核人日" in command("calc", "person-days", "--help").stdout


def test_audit_type_and_level_choices_come_from_the_scheme(command):
    result = command("calc", "site-sample", "--sites", "9", "--audit-type", "nonsense")
    assert result.exit_code != 0 and "initial" in result.output and "Traceback" not in result.output
    assert command("calc", "case-sample", "--lot", "100", "--level", "IV").exit_code == 2


def test_contract_is_validated_by_the_store(command, workbench, consumer, db_path):
    from .conftest import database_digest
    workbench.open_audit(consumer)
    before = database_digest(db_path)
    refused = command("contract", "--applicant", consumer, "--number", "  ", "--signed-on", "2026-11-20")
    assert refused.exit_code == 1 and "合同编号" in refused.stderr and database_digest(db_path) == before
    saved = _json(command("contract", "--applicant", consumer, "--number", "HT-1", "--signed-on", "2026-11-20",
                          "--fee", "30000", "--json"))
    assert saved["contract_no"] == "HT-1" and saved["fee"] == 30000.0
    assert workbench.contract(workbench.current_audit(consumer)).signed_on.isoformat() == "2026-11-20"


def _old_database(tmp_path, revision: str, *rows: tuple[str, dict]):
    """A database at an older revision holding applicant 'x', its audit 1 and the given
    rows (SQL, parameters); returns its engine, ready to be upgraded."""
    from sqlalchemy import text

    from .conftest import store_at_revision
    engine = store_at_revision(tmp_path / "old.sqlite", revision)
    base = (("INSERT INTO applicants (id, name, uscc, organisation_type, domains, address, personnel, outlets, "
             "product_categories, goods, services, sites, created_at) VALUES ('x', 'X', '91350100M000100Y43', "
             "'trader', '[\"b\"]', '', 10, 1, 1, '', '', '[]', '2026-01-01')", {}),
            ("INSERT INTO applications (id, applicant_id, stage, submitted_on, scheme_version, scheme_fingerprint) "
             "VALUES (1, 'x', 'initial', '2026-01-01', 'v', 'f')", {}))
    with engine.begin() as connection:
        for statement, parameters in (*base, *rows):
            connection.execute(text(statement), parameters)
    return engine


def test_migration_0003_moves_recorded_contracts_into_their_table(tmp_path, scheme):
    from audit_widgets.store.database import upgrade
    from audit_widgets.store.repository import Workbench
    engine = _old_database(tmp_path, "0002", (
        "INSERT INTO stage_results (application_id, stage, result) VALUES (1, 'contract', "
        "'{\"contract_no\": \"HT-9\", \"signed_on\": \"2026-02-03\", \"fee\": 1200.0, \"person_days\": 4.5}')", {}))
    upgrade(engine)
    contract = Workbench(str(engine.url), scheme).contract(1)
    assert (contract.contract_no, contract.signed_on.isoformat(), contract.fee, contract.person_days) == (
        "HT-9", "2026-02-03", 1200.0, 4.5)


def test_migration_0004_turns_graded_rows_into_findings(tmp_path, scheme):
    from audit_widgets.store.database import upgrade
    from audit_widgets.store.repository import Workbench
    graded = [("INSERT INTO checklist_answers (application_id, item_id, result, note, finding_grade, answered_by, "
               "answered_at, version, scheme_version) VALUES (1, :i, 'nonconform', '缺证', :g, 'A01', "
               "'2026-03-04 10:00:00', 1, 'v')", {"i": item, "g": grade})
              for item, grade in (("B13", "major"), ("E02", "minor"))]
    engine = _old_database(tmp_path, "0003", *graded, (
        "INSERT INTO findings (application_id, grade, clause, description, evidence, raised_on, raised_by) "
        "VALUES (1, 'major', 'B13', '安装人员无证', '', '2026-03-04', 'A01')", {}))
    upgrade(engine)
    findings = Workbench(str(engine.url), scheme).findings(1)
    assert sorted((f.item_id, f.grade, f.description) for f in findings) == [
        ("B13", "major", "安装人员无证"), ("E02", "minor", "E02：缺证")]


def test_migration_0005_types_the_sites_and_keeps_the_rest(tmp_path, scheme):
    from audit_widgets.domain import Site
    from audit_widgets.store.database import upgrade
    from audit_widgets.store.repository import Workbench
    engine = _old_database(tmp_path, "0004", (
        "INSERT INTO applicants (id, name, uscc, organisation_type, domains, address, personnel, outlets, "
        "product_categories, goods, services, sites, created_at) VALUES ('y', 'Y', '91320500MA1XK3QP56', "
        "'trader', '[\"b\"]', '', 10, 3, 1, '', '', '[\"总部\", \"网点A\"]', '2026-01-01')", {}))
    upgrade(engine)
    applicant = Workbench(str(engine.url), scheme).get_applicant("y")
    assert applicant.sites == (Site("总部", "central"), Site("网点A", "service_outlet"))
    assert applicant.outlets == 3 and applicant.service_promises == {}


def test_migration_0015_renames_applications_to_audits_and_keeps_the_data(tmp_path, scheme):
    from audit_widgets.store.database import upgrade
    from audit_widgets.store.repository import Workbench
    sample = '{"stage": "initial", "size": 1, "md1_size": 1, "seed": 7, "chosen": ["总部"], "drawn": [], "types": {}}'
    engine = _old_database(tmp_path, "0014", (
        "INSERT INTO audit_programmes (application_id, person_days, justification, site_sample_size, cycle_plan, "
        "site_sample) VALUES (1, 4.5, '[]', 1, '[]', :s)", {"s": sample}), (
        "INSERT INTO appeals (application_id, received_on, appellant, grounds, reasons, recorded_by) "
        "VALUES (1, '2026-02-01', 'X', '不服', '', 'P01')", {}))
    upgrade(engine)
    workbench = Workbench(str(engine.url), scheme)
    audit = workbench.audit(1)
    assert (audit.applicant_id, audit.audit_type) == ("x", "initial")
    programme = workbench.programme(1)
    assert programme.person_days == 4.5 and programme.site_sample.audit_type == "initial"
    assert [a.audit_id for a in workbench.appeals("x")] == [1]


def test_migration_0016_gives_every_audit_the_import_it_was_scored_on(tmp_path, scheme):
    """Before 0016 every audit of an applicant read its newest import; after, each audit reads
    that import by name (audit_evidence), the import belongs to the newest audit, and it knows
    the first and last day of its records."""
    from audit_widgets.store.database import upgrade
    from audit_widgets.store.repository import Workbench
    imported = ("INSERT INTO imports (id, applicant_id, kind, filename, sha256, layout, encoding, rows, details, "
                "imported_by, imported_at, complete) VALUES (:i, 'x', 'work_orders', :f, :s, 'work_orders', 'utf-8', "
                ":n, '{}', 'P01', '2026-03-01 10:00:00', 1)")
    order = ("INSERT INTO work_orders (import_id, order_id, customer_id, product_id, service_type, is_complaint, "
             "issue, opened_at, closed_at, due_at, resolved, first_visit_fix, complaint_satisfied) VALUES "
             "(:i, :o, 'C1', 'P1', '维修', 0, '故障', :d, :d, :d, 1, 1, NULL)")
    engine = _old_database(
        tmp_path, "0014",
        ("INSERT INTO applications (id, applicant_id, stage, submitted_on, scheme_version, scheme_fingerprint) "
         "VALUES (2, 'x', 'surveillance', '2027-01-01', 'v', 'f')", {}),
        (imported, {"i": 1, "f": "old.csv", "s": "a" * 64, "n": 1}),
        (imported, {"i": 2, "f": "new.csv", "s": "b" * 64, "n": 2}),
        (order, {"i": 1, "o": "WO1", "d": "2025-01-05 09:00:00"}),
        (order, {"i": 2, "o": "WO2", "d": "2025-02-03 09:00:00"}),
        (order, {"i": 2, "o": "WO3", "d": "2025-11-30 17:00:00"}))
    upgrade(engine)
    workbench = Workbench(str(engine.url), scheme)
    for audit_id in (1, 2):
        record = workbench.audit_imports(audit_id)["work_orders"]
        assert (record.id, record.audit_id, record.file) == (2, 2, "new.csv")
        assert (record.first_on.isoformat(), record.last_on.isoformat()) == ("2025-02-03", "2025-11-30")
        assert list(workbench.work_orders(audit_id)["order_id"]) == ["WO2", "WO3"]


def _answers_file(tmp_path, answers: dict):
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


def test_calc_score_answers_a_what_if_with_the_real_scoring(command, tmp_path, scheme):
    met = {}
    for item in scheme.items_for(["b"]):
        band = scheme.measure_band(item.measure, ["b"]) if item.measure else None
        met[item.id] = band.full_at if band else "conform"
    report = _json(command("calc", "score", _answers_file(tmp_path, met), "--domains", "b", "--json"))
    applicable = report["applicable_points"]
    assert report["score"] == 100 and report["earned_points"] == applicable and not report["unanswered"]["items"]
    what_if = {**met, "C02": {"result": "nonconform", "reason": "两件投诉未办结"}}
    report = _json(command("calc", "score", _answers_file(tmp_path, what_if), "--domains", "b", "--json"))
    assert report["score"] == pytest.approx(100 - 100 * 4 / applicable)  # C02 carries 4 points
    c02 = next(i for i in report["items"] if i["id"] == "C02")
    assert c02 == {"id": "C02", "method": "5.1c", "dimension": "process", "points": 4, "judgement": "sample",
                   "veto": False, "status": "scored", "earned": 0, "basis": "不符合"}
    assert {g["id"] for g in report["gates"]} == {"dimension_floor", "veto", "open_major"}
    assert set(report["dimension_scores"]) == set(scheme.dimension_ids) and report["level"]["label"]
    del what_if["E01"]
    report = _json(command("calc", "score", _answers_file(tmp_path, what_if), "--domains", "b", "--json"))
    assert report["unanswered"]["items"] == ["E01"] and "不计入适用分" in report["unanswered"]["treatment"]


@pytest.mark.parametrize("answer,named", [
    ({"E01": "not_applicable"}, "须写明理由"),
    ({"G01": {"result": "not_applicable", "reason": "不卖给消费者"}}, "否决项"),
    ({"Z99": "conform"}, "Z99"),
    ({"E01": "excellent"}, "excellent"),
    ({"E01": 42}, "不是测量类条目"),
    ({"B14": "conform"}, "不适用于申请方的认证领域"),
])
def test_calc_score_refuses_what_the_store_refuses(command, tmp_path, answer, named):
    result = command("calc", "score", _answers_file(tmp_path, answer), "--domains", "b", "--org-type", "trader")
    assert result.exit_code == 1 and named in result.stderr and "answers.yaml" in result.stderr
    assert "Traceback" not in result.output
