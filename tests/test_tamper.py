"""Signatures that cover what a result depends on, and a trail that cannot be rewritten
(issue 12 §2): each attack is made as an insider would, with the database's own tools (sqlite3,
or psql as the server's superuser) on a copy of the demo store, on both backends; `audit-workbench
verify` (and the batch) must name it; the untouched demo store raises no alarm."""
import json

import pytest
from sqlalchemy.exc import DBAPIError

from audit_widgets.errors import ConflictError
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench

from .conftest import Command, insider_sql

pytestmark = pytest.mark.both_backends

CHARACTERISTIC = "characteristic"
# The trail's append-only triggers, and how the insider drops them.
DROP_TRIGGERS = {
    "sqlite": ("DROP TRIGGER audit_trail_no_delete", "DROP TRIGGER audit_trail_no_update"),
    "postgresql": ("DROP TRIGGER audit_trail_no_change ON audit_trail",),
}


@pytest.fixture
def store(demo_copy):
    """A copy of the demo store: (url, command, programme manager's workbench)."""
    return demo_copy, Command(demo_copy), Workbench(demo_copy)


def _industrial_initial(workbench) -> int:
    return workbench.audits("demo-industrial")[0].id


def _verify(command, *args):
    result = command("verify", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_the_untouched_demo_store_verifies_with_no_false_alarm(demo_copy):
    code, report = _verify(Command(demo_copy))
    assert code == 0 and report["ok"], report
    assert report["signatures_checked"] >= 10 and not report["problems"]
    assert report["trail_entries"] > 1000 and report["missing_triggers"] == []


def test_a_changed_answer_of_a_signed_stage_is_named_and_the_batch_calls_it_tampered(store):
    url, command, workbench = store
    audit = _industrial_initial(workbench)
    insider_sql(url, "UPDATE checklist_answers SET result = 'nonconform' WHERE audit_id = :audit AND item_id = "
                     "(SELECT item_id FROM checklist_answers WHERE audit_id = :audit AND result = 'conform' LIMIT 1)",
                audit=audit)
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
    url, command, workbench = store
    audit = _industrial_initial(workbench)
    statement, stage = ATTACKS[attack]
    insider_sql(url, statement, audit=audit)
    problems = {(p["audit"], p["stage"]) for p in _verify(command, "--applicant", "demo-industrial")[1]["problems"]}
    # The import is the applicant's, and every audit signed on it is accused; the rest, one stage of one audit.
    assert (audit, stage) in problems and {s for _, s in problems} == {stage}
    assert len(problems) == (len(workbench.audits("demo-industrial")) if attack == "imported file" else 1)


def test_an_import_that_would_change_a_signed_stage_is_refused(store, tmp_path):
    from .conftest import import_demo_orders
    url, command, workbench = store
    before = workbench.stage_result(workbench.current_audit("demo-industrial"), "report").result["scores"]
    with pytest.raises(ConflictError, match="decided and closed"):
        import_demo_orders(workbench.acting_as("A01"), "demo-industrial", tmp_path)
    assert workbench.stage_result(workbench.current_audit("demo-industrial"), "report").result["scores"] == before


def test_clearing_the_signature_columns_and_signing_again_is_refused(store):
    url, command, workbench = store
    audit = _industrial_initial(workbench)
    insider_sql(url, "UPDATE stage_results SET signed_by = NULL, signed_at = NULL, signature = NULL "
                     "WHERE audit_id = :audit AND stage = 'characteristic'", audit=audit)
    with pytest.raises(ConflictError, match="trail|decided and closed"):
        workbench.acting_as("A01").sign_off(audit, CHARACTERISTIC)
    problems = _verify(command, "--applicant", "demo-industrial")[1]["problems"]
    assert any(p["stage"] == CHARACTERISTIC and p["problem"] == "unsigned_behind_the_trail" for p in problems)


def test_a_trail_rewritten_with_its_triggers_dropped_breaks_the_chain_and_upgrade_restores_them(store, backend):
    url, command, workbench = store
    insider_sql(url, *DROP_TRIGGERS[backend], "DELETE FROM audit_trail WHERE id = 50",
                "UPDATE audit_trail SET actor = 'M02' WHERE id = 70")
    code, report = _verify(command)
    assert code == 1 and set(report["missing_triggers"]) == {d.split()[2] for d in DROP_TRIGGERS[backend]}
    assert report["broken_links"][:2] == [51, 70]
    upgrade(get_engine(url))  # `db upgrade` puts the protection back …
    code, report = _verify(command)
    assert report["missing_triggers"] == [] and report["broken_links"][:2] == [51, 70]  # … the history stays accused
    with pytest.raises(DBAPIError, match="append-only"):
        insider_sql(url, "DELETE FROM audit_trail WHERE id = 60")


def test_a_store_moved_without_its_key_says_so_and_accuses_nothing(store, tmp_path, monkeypatch):
    url, command, workbench = store
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
@pytest.mark.sqlite_only  # the same check of the same records as on PostgreSQL; one batch is enough
def test_the_batch_reports_a_tampered_stage_as_tampered_never_done(store):
    from audit_widgets.batch.runner import TAMPERED, BatchRunner, plan_batch
    url, command, workbench = store
    audit = workbench.current_audit("demo-industrial")
    insider_sql(url, "UPDATE checklist_answers SET note = 'rewritten' WHERE audit_id = :audit AND item_id LIKE 'E%'",
                audit=audit)
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
    url, command, workbench = store
    workbench.open_audit("demo-industrial", "special", date.today(), reason="投诉 complaint")
    import_demo_orders(workbench, "demo-industrial", tmp_path, orders=500)
    assert len(workbench.work_orders(workbench.resolve_audit("demo-industrial", open_if_none=True))) == 500
    code, report = _verify(command)
    assert code == 0 and report["ok"] and report["signatures_checked"] >= 10
