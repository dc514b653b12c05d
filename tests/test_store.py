"""The store on both backends (SQLite, and the test suite's own PostgreSQL server)."""
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

from .conftest import count_rows, store_digest

pytestmark = pytest.mark.both_backends


# The one index the models cannot state (an expression over the trail's JSON, migration 0014).
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index ux_answer_versions")
def test_migrations_build_exactly_the_models(workbench):
    def stated_by_the_models(_object, name, _kind, _reflected, _compared_to) -> bool:
        return name != "ux_answer_versions"  # PostgreSQL reflects it; SQLite skips it with the warning above
    with workbench.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": stated_by_the_models})
        diff = compare_metadata(context, models.Base.metadata)
    assert diff == []


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_foreign_keys(workbench, db_path):
    with workbench.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_uninitialised_database_is_named(tmp_path, scheme, backend, request):
    empty = (request.getfixturevalue("postgres_server").database(migrated=False) if backend == "postgresql"
             else f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with pytest.raises(WorkbenchError) as caught:
        Workbench(empty, scheme)
    assert caught.value.code == "database.outdated" and "db upgrade" in caught.value.zh  # says what to run


def test_applicants_round_trip_and_duplicates_are_refused(workbench, consumer, scheme, db_url):
    assert workbench.get_applicant(consumer).uscc == "91440300MA5F8TWL2T"
    assert [a.id for a in workbench.list_applicants()] == [consumer]
    before = store_digest(db_url)
    from audit_widgets.imports.applicants import ApplicantData
    twin = ApplicantData(**{**workbench.get_applicant(consumer).as_dict(), "id": "twin"})
    with pytest.raises(ConflictError):
        workbench.add_applicant(twin)  # same USCC
    assert store_digest(db_url) == before
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


def test_a_failed_write_changes_nothing(auditor, consumer, db_url):
    audit = auditor.current_audit(consumer)
    before = store_digest(db_url)
    with pytest.raises(NotFoundError):
        auditor.save_answer(audit, "NO-SUCH-ITEM", Answer("conform"))
    with pytest.raises(NotFoundError):
        auditor.save_answer(audit + 99, "B01", Answer("conform"))
    assert store_digest(db_url) == before


def test_the_audit_trail_is_append_only_in_the_database(workbench, consumer, db_url):
    """The database's own triggers refuse it, whoever connects: not only the workbench's code."""
    from sqlalchemy.exc import DBAPIError
    count = count_rows(db_url, "SELECT count(*) FROM audit_trail")
    for statement in ("UPDATE audit_trail SET actor = 'someone else'", "DELETE FROM audit_trail"):
        with pytest.raises(DBAPIError, match="(?i)append-only|audit_trail|not allowed|forbidden"):
            with get_engine(db_url).begin() as connection:
                connection.execute(text(statement))
    assert count_rows(db_url, "SELECT count(*) FROM audit_trail") == count > 1


def test_the_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    from audit_widgets.paths import default_database_url
    monkeypatch.setenv("AUDIT_WORKBENCH_DB", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert default_database_url().endswith("x.sqlite")
    assert get_engine(default_database_url()).url.database.endswith("x.sqlite")
