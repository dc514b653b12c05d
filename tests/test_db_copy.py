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
