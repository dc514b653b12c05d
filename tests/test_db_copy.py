"""`audit-workbench db copy --to URL` (issue 26 §1): the demo's SQLite store moved to the test
suite's PostgreSQL server with every table, the trail, its chain and the signatures intact."""
from __future__ import annotations

from sqlalchemy import func, select

from audit_widgets.store.database import get_engine
from audit_widgets.store.models import Base
from audit_widgets.store.repository import Workbench

from .conftest import Command, store_digest


def row_counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as connection:
        return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in Base.metadata.sorted_tables}


def test_the_demo_store_moves_to_postgresql_and_verifies_there(demo_db, postgres_server, scheme):
    target = postgres_server.database(migrated=False)
    copied = Command(demo_db)("db", "copy", "--to", target)
    assert copied.exit_code == 0, copied.output
    counts = row_counts(demo_db)
    assert row_counts(target) == counts and counts["audit_trail"] > 100 and counts["work_orders"] > 10_000
    assert f"已复制 copied {sum(counts.values())} 行" in copied.output
    verified = Command(target)("verify")
    assert verified.exit_code == 0, verified.output
    # the copy is a working store: a new write gets a new id (the sequences moved past the
    # copied rows), joins the chain, and verify still passes
    moved = Workbench(target, scheme, actor="P01")
    complaint = moved.record_complaint(received_on=moved.clock.today(), complainant="客户", complainant_kind="client",
                                       about="holder", subject="复制后的第一条记录", applicant_id="demo-consumer")
    assert complaint == counts["complaints"] + 1 and row_counts(target)["audit_trail"] > counts["audit_trail"]
    assert Command(target)("verify").exit_code == 0


def test_a_target_that_is_not_empty_is_refused_and_left_as_it_was(demo_db, postgres_server):
    target = postgres_server.database()  # migrated: it has the schema already
    before = store_digest(target)
    refused = Command(demo_db)("db", "copy", "--to", target)
    assert refused.exit_code == 1 and "目标数据库不是空的" in refused.output and "not empty" in refused.output
    assert "Traceback" not in refused.output and store_digest(target) == before


def test_a_postgresql_store_backs_up_with_pg_dump_and_restores_with_pg_restore(demo_db, demo_on_postgresql,
                                                                               postgres_server, tmp_path):
    """Issue 26 §1: backup takes pg_dump's custom format on the manifest's snapshot; restore runs
    pg_restore into an empty database; verify passes after the round trip."""
    import zipfile
    source = demo_on_postgresql
    archive = tmp_path / "store.zip"
    made = Command(source)("backup", archive)
    assert made.exit_code == 0, made.output
    assert "workbench.pgdump" in zipfile.ZipFile(archive).namelist()
    target = postgres_server.database(migrated=False)
    restored = Command(target)("restore", archive)
    assert restored.exit_code == 0 and "restored and checked" in restored.output, restored.output
    assert row_counts(target) == row_counts(source)
    verified = Command(target)("verify")
    assert verified.exit_code == 0, verified.output
    again = Command(target)("restore", archive)  # a restore never writes over data
    assert again.exit_code == 1 and "not empty" in again.output
    sqlite_archive = tmp_path / "sqlite.zip"
    assert Command(demo_db)("backup", sqlite_archive).exit_code == 0
    other_kind = Command(postgres_server.database(migrated=False))("restore", sqlite_archive)
    assert other_kind.exit_code == 1 and "db copy --to" in other_kind.output and "Traceback" not in other_kind.output
