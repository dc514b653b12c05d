"""`audit-workbench db copy --to URL`: a body's store moved to another database (its SQLite file
to a PostgreSQL server) with every table, the trail with its hash chain, and the sealed rows
and signatures as they are, so that `verify` passes on the copy.

The target must be empty: the copy builds its schema (every migration and the trail's
protective triggers) and writes every row in one transaction, so that a failure leaves it as
empty as it was. The rows keep their ids; PostgreSQL's id sequences are then moved past them."""
from __future__ import annotations

from sqlalchemy import Engine, inspect, select, text

from ..errors import WorkbenchError
from .database import require_current_schema, upgrade
from .models import Base

BATCH_ROWS = 5_000


def copy_store(source: Engine, target: Engine) -> dict[str, int]:
    """Copy every row of `source` into the empty database `target`; the rows copied per table."""
    require_current_schema(source)
    where = target.url.render_as_string(hide_password=True)
    if inspect(target).get_table_names():
        raise WorkbenchError("目标数据库不是空的，未复制任何内容；请指定一个新建的空数据库",
                             "The target database is not empty; nothing was copied: name a new, empty database",
                             file=where, code="database.copy_target_not_empty")
    upgrade(target)
    copied: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:  # parents before the rows that refer to them
            rows = reading.execution_options(yield_per=BATCH_ROWS).execute(
                select(table).order_by(*table.primary_key.columns)).mappings()
            copied[table.name] = 0
            for batch in rows.partitions():
                writing.execute(table.insert(), [dict(row) for row in batch])
                copied[table.name] += len(batch)
        if target.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                if (column := table.autoincrement_column) is not None:
                    writing.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) FROM {table.name}"))
    return copied
