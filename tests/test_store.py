import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from audit_widgets.domain import Answer
from audit_widgets.errors import ConflictError, NotFoundError, WorkbenchError
from audit_widgets.store import models
from audit_widgets.store.database import get_engine
from audit_widgets.store.repository import Workbench

from .conftest import database_digest


# The one index the models cannot state (an expression over the trail's JSON, migration 0014).
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index ux_answer_versions")
def test_migrations_build_exactly_the_models(workbench):
    with workbench.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), models.Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(workbench, db_path):
    with workbench.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_uninitialised_database_is_named(tmp_path, scheme):
    with pytest.raises(WorkbenchError) as caught:
        Workbench(f"sqlite:///{tmp_path / 'empty.sqlite'}", scheme)
    assert caught.value.code == "database.outdated" and "db upgrade" in caught.value.zh  # says what to run


def test_applicants_round_trip_and_duplicates_are_refused(workbench, consumer, scheme, db_path):
    assert workbench.get_applicant(consumer).uscc == "91440300MA5F8TWL2T"
    assert [a.id for a in workbench.list_applicants()] == [consumer]
    before = database_digest(db_path)
    from audit_widgets.imports.applicants import ApplicantData
    twin = ApplicantData(**{**workbench.get_applicant(consumer).as_dict(), "id": "twin"})
    with pytest.raises(ConflictError):
        workbench.add_applicant(twin)  # same USCC
    assert database_digest(db_path) == before
    with pytest.raises(NotFoundError):
        workbench.get_applicant("nobody")


def test_answers_keep_versions_and_the_trail_keeps_history(auditor, consumer):
    audit = auditor.current_audit(consumer)
    assert auditor.save_answer(audit, "B01", Answer(checked=10, nonconforming=1), note="一个网点未登记") == 1
    assert auditor.save_answer(audit, "B01", Answer(checked=10, nonconforming=0)) == 2
    assert auditor.answers(audit)["B01"] == Answer(None, 10, 0, None)
    history = [t for t in auditor.trail("checklist_answer")]
    assert [h.detail["nonconforming"] for h in history] == [1, 0]
    assert all(h.actor == "A02" for h in history)


def test_a_failed_write_changes_nothing(auditor, consumer, db_path):
    audit = auditor.current_audit(consumer)
    before = database_digest(db_path)
    with pytest.raises(NotFoundError):
        auditor.save_answer(audit, "NO-SUCH-ITEM", Answer("conform"))
    with pytest.raises(NotFoundError):
        auditor.save_answer(audit + 99, "B01", Answer("conform"))
    assert database_digest(db_path) == before


def test_the_audit_trail_is_append_only_in_the_database(workbench, consumer, db_path):
    connection = sqlite3.connect(db_path)
    count = connection.execute("SELECT count(*) FROM audit_trail").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("UPDATE audit_trail SET actor = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("DELETE FROM audit_trail")
    assert connection.execute("SELECT count(*) FROM audit_trail").fetchone()[0] == count > 1


def test_the_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    from audit_widgets.paths import default_database_url
    monkeypatch.setenv("AUDIT_WORKBENCH_DB", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert default_database_url().endswith("x.sqlite")
    assert get_engine(default_database_url()).url.database.endswith("x.sqlite")
