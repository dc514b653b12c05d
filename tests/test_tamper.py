"""Signatures that cover what a result depends on, and a trail that cannot be rewritten
(issue 12 §2): each attack is made as an insider would, with sqlite3 on a copy of the demo
store, and `audit-workbench verify` (and the batch) must name it; the untouched demo store
raises no alarm."""
import json
import sqlite3

import pytest

from audit_widgets.errors import ConflictError
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench

from .conftest import Command, copy_database

CHARACTERISTIC = "characteristic"


@pytest.fixture
def store(demo_db, tmp_path):
    """A copy of the demo store: (path, url, command, programme manager's workbench)."""
    path = copy_database(demo_db, tmp_path / "tamper.sqlite")
    url = f"sqlite:///{path}"
    return path, url, Command(url), Workbench(url)


def _industrial_initial(workbench) -> int:
    return workbench.audits("demo-industrial")[0].id


def _verify(command, *args):
    result = command("verify", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def _sql(path, statement, *parameters):
    with sqlite3.connect(path) as connection:
        connection.execute(statement, parameters)


def test_the_untouched_demo_store_verifies_with_no_false_alarm(demo_db):
    code, report = _verify(Command(demo_db))
    assert code == 0 and report["ok"], report
    assert report["signatures_checked"] >= 10 and not report["problems"]
    assert report["trail_entries"] > 1000 and report["missing_triggers"] == []


def test_a_changed_answer_of_a_signed_stage_is_named_and_the_batch_calls_it_tampered(store):
    path, url, command, workbench = store
    audit = _industrial_initial(workbench)
    _sql(path, "UPDATE checklist_answers SET result = 'nonconform' WHERE audit_id = ? AND item_id = "
               "(SELECT item_id FROM checklist_answers WHERE audit_id = ? AND result = 'conform' LIMIT 1)",
         audit, audit)
    code, report = _verify(command, "--applicant", "demo-industrial")
    assert code == 1 and not report["ok"]
    assert {(p["audit"], p["stage"], p["problem"]) for p in report["problems"]} >= {(audit, "characteristic", "tampered")} \
        or {(p["audit"], p["stage"], p["problem"]) for p in report["problems"]} >= {(audit, "system_audit", "tampered")}
    text = command("verify", "--applicant", "demo-industrial")
    assert text.exit_code == 1 and "签署后被改动" in text.output and "demo-industrial" in text.output
    assert _verify(command, "--applicant", "demo-consumer")[0] == 0  # another applicant is not accused


ATTACKS = {
    "signer": ("UPDATE stage_results SET signed_by = 'A04' WHERE audit_id = :audit AND stage = 'characteristic'",
               "characteristic"),
    "time": ("UPDATE stage_results SET signed_at = '2020-01-01 00:00:00.000000' "
             "WHERE audit_id = :audit AND stage = 'system_audit'", "system_audit"),
    "imported file": ("UPDATE imports SET sha256 = 'forged' WHERE applicant_id = 'demo-industrial' "
                      "AND kind = 'surveys' AND :audit > 0", "characteristic"),
    "evidence slipped in": ("INSERT INTO evidence_files (answer_id, filename, sha256, stored_path, added_by, added_at) "
                            "SELECT id, 'x.pdf', 'forged', 'x', 'A01', '2020-01-01' FROM checklist_answers "
                            "WHERE audit_id = :audit AND item_id LIKE 'E%' LIMIT 1", "system_audit"),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_signature_covers_signer_time_evidence_and_imported_files(store, attack):
    path, url, command, workbench = store
    audit = _industrial_initial(workbench)
    statement, stage = ATTACKS[attack]
    with sqlite3.connect(path) as connection:
        connection.execute(statement, {"audit": audit})
    problems = {(p["audit"], p["stage"]) for p in _verify(command, "--applicant", "demo-industrial")[1]["problems"]}
    # The import is the applicant's, and every audit signed on it is accused; the rest, one stage of one audit.
    assert (audit, stage) in problems and {s for _, s in problems} == {stage}
    assert len(problems) == (len(workbench.audits("demo-industrial")) if attack == "imported file" else 1)


def test_an_import_that_would_change_a_signed_stage_is_refused(store, tmp_path):
    from .conftest import import_demo_orders
    path, url, command, workbench = store
    before = workbench.stage_result(workbench.current_audit("demo-industrial"), "report").result["scores"]
    with pytest.raises(ConflictError, match="decided and closed"):
        import_demo_orders(workbench.acting_as("A01"), "demo-industrial", tmp_path)
    assert workbench.stage_result(workbench.current_audit("demo-industrial"), "report").result["scores"] == before


def test_clearing_the_signature_columns_and_signing_again_is_refused(store):
    path, url, command, workbench = store
    audit = _industrial_initial(workbench)
    _sql(path, "UPDATE stage_results SET signed_by = NULL, signed_at = NULL, signature = NULL "
               "WHERE audit_id = ? AND stage = 'characteristic'", audit)
    with pytest.raises(ConflictError, match="trail|decided and closed"):
        workbench.acting_as("A01").sign_off(audit, CHARACTERISTIC)
    problems = _verify(command, "--applicant", "demo-industrial")[1]["problems"]
    assert any(p["stage"] == CHARACTERISTIC and p["problem"] == "unsigned_behind_the_trail" for p in problems)


def test_a_trail_rewritten_with_its_triggers_dropped_breaks_the_chain_and_upgrade_restores_them(store):
    path, url, command, workbench = store
    _sql(path, "DROP TRIGGER audit_trail_no_delete")
    _sql(path, "DROP TRIGGER audit_trail_no_update")
    _sql(path, "DELETE FROM audit_trail WHERE id = 50")
    _sql(path, "UPDATE audit_trail SET actor = 'M02' WHERE id = 70")
    code, report = _verify(command)
    assert code == 1 and set(report["missing_triggers"]) == {"audit_trail_no_delete", "audit_trail_no_update"}
    assert report["broken_links"][:2] == [51, 70]
    upgrade(get_engine(url))  # `db upgrade` puts the protection back …
    code, report = _verify(command)
    assert report["missing_triggers"] == [] and report["broken_links"][:2] == [51, 70]  # … the history stays accused
    with pytest.raises(sqlite3.IntegrityError):
        _sql(path, "DELETE FROM audit_trail WHERE id = 60")


def test_a_store_moved_without_its_key_says_so_and_accuses_nothing(store, tmp_path, monkeypatch):
    path, url, command, workbench = store
    monkeypatch.setenv("AUDIT_WORKBENCH_DATA", str(tmp_path / "elsewhere"))  # a machine without the key
    code, report = _verify(command)
    assert code == 1 and report["key"]["matches"] is False and not report["problems"]
    text = command("verify")
    assert "签名密钥缺失或不符 / signing key missing or different" in text.output and "篡改" not in text.output
    with pytest.raises(ConflictError, match="signing key missing or different"):
        Workbench(url).acting_as("P01").add_consultancy("A06", "demo-special", __import__("datetime").date.today())
    shown = command("key")
    assert shown.exit_code == 0 and report["key"]["recorded"] in shown.output and "AUDIT_WORKBENCH_SECRET" in shown.output


@pytest.mark.notebooks
def test_the_batch_reports_a_tampered_stage_as_tampered_never_done(store):
    from audit_widgets.batch.runner import TAMPERED, BatchRunner, plan_batch
    path, url, command, workbench = store
    audit = workbench.current_audit("demo-industrial")
    _sql(path, "UPDATE checklist_answers SET note = 'rewritten' WHERE audit_id = ? AND item_id LIKE 'E%'", audit)
    plan = plan_batch(workbench, ["demo-industrial"], database_url=url, stage_ids=["system_audit"])
    summary = BatchRunner(workbench, workers=1, echo=lambda _: None, progress=False).run(plan)
    [run] = [r for r in summary.runs if r.notebook == "05_system_audit"]
    assert run.status == TAMPERED and "TamperedError" in run.error and "verify" in run.error
    assert not summary.succeeded


def test_a_later_audits_new_import_raises_no_alarm_over_the_earlier_signatures(store, tmp_path):
    """Each signature names the imports it was signed on; a new audit's data replaces them in
    force, and the earlier audits still verify."""
    from datetime import date

    from .conftest import import_demo_orders
    path, url, command, workbench = store
    workbench.open_audit("demo-industrial", "special", date.today(), reason="投诉 complaint")
    import_demo_orders(workbench, "demo-industrial", tmp_path, orders=500)
    assert len(workbench.work_orders(workbench.resolve_audit("demo-industrial", open_if_none=True))) == 500
    code, report = _verify(command)
    assert code == 0 and report["ok"] and report["signatures_checked"] >= 10
