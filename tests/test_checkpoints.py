"""The trail's anchor outside the database (issue 24 §2): checkpoints written apart from the store
and printed on every document the body issues prove later that the trail still holds them. Each
attack is made on a copy of the demo store: a truncation with the triggers dropped (no key), and
a history rewritten and re-chained with the key. Both pass the chain check alone (the truncation
is still caught where it removed sealed rows' statements); neither passes the checkpoints."""
import json
import sqlite3

from openpyxl import load_workbook

from audit_widgets.documents.certificate import CertificateSources, certificate_html
from audit_widgets.documents.register import export_register
from audit_widgets.documents.report import report_html
from audit_widgets.store import signing
from audit_widgets.store.repository import Workbench
from audit_widgets.store.trail_chain import GENESIS, link_values

from .conftest import Command, copy_database

TRIGGERS = ("CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail "
            "BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END",
            "CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON audit_trail "
            "BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END")


def _store(demo_db, tmp_path):
    path = copy_database(demo_db, tmp_path / "anchored.sqlite")
    return path, Command(f"sqlite:///{path}"), Workbench(f"sqlite:///{path}", actor="P01")


def _verify(command, *args):
    result = command("verify", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def _without_triggers(path, *statements):
    """What an insider with sqlite3 does: drop the triggers, change the trail, put them back."""
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER audit_trail_no_update")
        connection.execute("DROP TRIGGER audit_trail_no_delete")
        for statement in statements:
            connection.execute(statement)
        for trigger in TRIGGERS:
            connection.execute(trigger)


def test_a_truncated_trail_passes_the_chain_but_not_a_checkpoint(demo_db, tmp_path):
    path, command, workbench = _store(demo_db, tmp_path)
    kept = tmp_path / "kept-elsewhere"
    written = command("checkpoint", str(kept))
    assert written.exit_code == 0 and "checkpoint" in written.output
    [file] = kept.glob("checkpoint-*.json")
    head = json.loads(file.read_text(encoding="utf-8"))
    assert head["entry"] == workbench.checkpoint().entry and head["head"] == workbench.checkpoint().head
    assert _verify(command, "--checkpoints", str(kept))[0] == 0

    _without_triggers(path, f"DELETE FROM audit_trail WHERE id > {head['entry'] - 20}")  # the last 20 entries
    code, report = _verify(command)
    assert report["broken_links"] == []  # the chain alone cannot see a cut at its end
    code, report = _verify(command, "--checkpoints", str(kept))
    assert code == 1 and [p["problem"] for p in report["checkpoint_problems"]] == ["missing"]
    text = command("verify", "--checkpoints", str(kept)).output
    assert "轨迹被截断" in text and str(file) in text


def test_a_history_rewritten_with_the_key_passes_the_chain_but_not_a_checkpoint(demo_db, tmp_path):
    """With data/signing.key, an insider changes an early entry and recomputes every link after
    it: the chain verifies, a checkpoint taken before does not."""
    path, command, workbench = _store(demo_db, tmp_path)
    command("checkpoint", str(tmp_path / "kept" / "monday.json"))
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT id, at, actor, action, entity, entity_id, detail, applicant_id "
                                  "FROM audit_trail ORDER BY id").fetchall()
    rows[30] = (*rows[30][:2], "M02", *rows[30][3:])  # entry 31 now says M02 acted
    previous, statements = GENESIS, []
    for row in rows:
        previous = link_values(previous, *row[1:])
        statements.append(f"UPDATE audit_trail SET actor = '{row[2]}', chain = '{previous}' WHERE id = {row[0]}")
    _without_triggers(path, *statements)
    code, report = _verify(command)
    assert code == 0 and report["broken_links"] == []  # re-chained with the key: every check passes
    code, report = _verify(command, "--checkpoints", str(tmp_path / "kept" / "monday.json"))
    assert code == 1 and report["checkpoint_problems"][0]["problem"] == "differs"


def test_every_document_the_body_issues_carries_the_checkpoint_it_was_made_at(demo_db, tmp_path):
    path, command, workbench = _store(demo_db, tmp_path)
    checkpoint = workbench.checkpoint()
    printed = f"审计轨迹检查点 trail checkpoint {checkpoint.text()}"
    assert printed in report_html(workbench, "demo-consumer")
    certificate = workbench.certificate_for("demo-consumer")
    assert printed in certificate_html(workbench.scheme, CertificateSources.read(workbench, certificate))
    register = export_register(workbench, tmp_path / "register.xlsx")
    assert checkpoint.head in load_workbook(register).properties.description
    from datetime import date

    from dateutil.relativedelta import relativedelta

    from audit_widgets.reporting.cnca import report_month
    last_month = (date.today().replace(day=1) - relativedelta(months=1)).strftime("%Y-%m")
    made = report_month(workbench, last_month, tmp_path / "cnca.xlsx")
    assert made.path is not None and f"entry {checkpoint.entry}, head {checkpoint.head}" in \
        load_workbook(made.path).properties.description
    # The checkpoint a document printed is one `verify --checkpoints` accepts.
    (tmp_path / "from-report").mkdir()
    (tmp_path / "from-report" / "checkpoint-report.json").write_text(json.dumps(checkpoint.as_dict()))
    assert _verify(command, "--checkpoints", str(tmp_path / "from-report"))[0] == 0


def test_the_key_and_the_store_are_for_the_workbench_account_alone(demo_db, tmp_path):
    path, command, workbench = _store(demo_db, tmp_path)
    from audit_widgets.store.database import get_engine, upgrade
    upgrade(get_engine(f"sqlite:///{path}"))  # db init and db upgrade make the store private
    shown = json.loads(command("key", "--json").stdout)
    assert shown["modes"] == {"key": "600", "store": "600"} and shown["private"] is True
    assert signing.key_file().stat().st_mode & 0o077 == 0
    path.chmod(0o644)
    text = command("key").output
    assert "✗ 其他账户也可读取" in text and f"chmod 600 {path.resolve()}" in text


def test_a_checkpoint_file_that_is_not_one_is_refused_by_name(demo_db, tmp_path):
    path, command, workbench = _store(demo_db, tmp_path)
    folder = tmp_path / "kept"
    folder.mkdir()
    (folder / "checkpoint-1.json").write_text("{\"entry\": \"x\"}")
    result = command("verify", "--checkpoints", str(folder))
    assert result.exit_code != 0 and "checkpoint-1.json" in result.output and "Traceback" not in result.output
