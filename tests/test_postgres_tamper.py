"""The demo store on PostgreSQL (moved there with `db copy`), attacked as an insider with the
server's superuser would: the trail rewritten with its trigger dropped, a sealed decision changed.
`verify` names each, as it does on SQLite (tests/test_tamper.py, tests/test_sealing.py)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from audit_widgets.store.database import get_engine, upgrade

from .conftest import Command


@pytest.fixture
def store(demo_on_postgresql, postgres_server) -> str:
    return postgres_server.copy_of(demo_on_postgresql)


def _sql(url: str, *statements: str) -> None:
    with get_engine(url).begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def _verify(url: str) -> tuple[int, dict]:
    result = Command(url)("verify", "--json")
    return result.exit_code, json.loads(result.stdout)


def test_the_moved_demo_store_verifies_with_no_false_alarm(store):
    code, report = _verify(store)
    assert code == 0 and report["ok"] and report["trail_entries"] > 1000 and report["missing_triggers"] == []
    assert report["signatures_checked"] >= 10 and report["sealed_rows"] >= 40


def test_a_trail_rewritten_with_its_trigger_dropped_breaks_the_chain_and_upgrade_restores_it(store):
    _sql(store, "DROP TRIGGER audit_trail_no_change ON audit_trail",
         "DELETE FROM audit_trail WHERE id = 50", "UPDATE audit_trail SET actor = 'M02' WHERE id = 70")
    code, report = _verify(store)
    assert code == 1 and report["missing_triggers"] == ["audit_trail_no_change"]
    assert report["broken_links"][:2] == [51, 70]
    upgrade(get_engine(store))  # `db upgrade` puts the protection back …
    code, report = _verify(store)
    assert report["missing_triggers"] == [] and report["broken_links"][:2] == [51, 70]  # … the history stays accused
    with pytest.raises(DBAPIError, match="append-only"):
        _sql(store, "DELETE FROM audit_trail WHERE id = 60")


def test_a_refusal_turned_into_a_certification_is_named(store):
    with get_engine(store).connect() as connection:
        audit = connection.execute(text("SELECT id FROM audits WHERE applicant_id = 'demo-special' ORDER BY id")).scalar()
    _sql(store, f"UPDATE decisions SET certified = true, level_rank = 5, outcome = 'certify' WHERE audit_id = {audit}")
    code, report = _verify(store)
    changed = [p for p in report["row_problems"] if p["table"] == "decisions"]
    assert code == 1 and changed and {"certified", "level_rank", "outcome"} <= set(changed[0]["fields"])
