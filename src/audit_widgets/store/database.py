"""Engine, sessions and schema migrations.

SQLite is the default (WAL, foreign keys on); any SQLAlchemy URL works, so several
auditors can share a PostgreSQL database. The schema is created and upgraded by Alembic.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from ..errors import DatabaseBusy, DatabaseConnectionLost, WorkbenchError
from ..paths import default_database_url
from ..settings import current

MIGRATIONS = Path(__file__).with_name("migrations")


def busy_timeout_ms() -> int:
    """How long a write waits for another to finish before "database busy"."""
    return int(current().busy_seconds * 1000)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.close()


PRIVATE = 0o600  # read and write by the owner only


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = url or default_database_url()
    parsed = make_url(url)
    read_only = parsed.query.get("mode") == "ro"
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") and not read_only:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # JSON columns keep dates as ISO text and Chinese as it is.
    engine = create_engine(url, json_serializer=lambda value: json.dumps(value, default=str, ensure_ascii=False),
                           # a server's connection dropped while idle in the pool (a restart) is
                           # found and replaced before use, not failed on
                           pool_pre_ping=parsed.get_backend_name() != "sqlite")
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
    return engine


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.close()


def read_only_url(url: str) -> str:
    """The same database opened read-only: for SQLite a `mode=ro` URI, so that no page of the
    dashboard can write to it whatever its code does."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") \
            or parsed.query.get("mode") == "ro":
        return url
    path = Path(parsed.database).resolve()
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine) -> str:
    """Create or upgrade the schema to the newest revision; return that revision."""
    from .protection import restore_triggers
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        restore_triggers(connection)  # protection someone dropped comes back with the schema
    path = sqlite_file(engine)
    if path is not None:  # the store, like the key, is for the account that runs the workbench alone
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if part.exists():
                part.chmod(PRIVATE)
    return current_revision(engine)


def sqlite_file(engine: Engine) -> Path | None:
    """The SQLite store's file (None for PostgreSQL or an in-memory store)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    return Path(database.removeprefix("file:")).resolve()


def file_mode(path: Path) -> str:
    """The permission bits, as `ls` and chmod write them (600)."""
    return f"{path.stat().st_mode & 0o777:o}"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def warm_up() -> None:
    """What every kernel's first read would otherwise do, done once in the kernel zygote before
    it forks (batch/zygote.py): configure the ORM's mappers (0.1 s), read the migrations' head
    and load the SQLite dialect. Opens no database and starts no thread."""
    from . import models  # noqa: F401  (the mappers to configure)
    configure_mappers()
    head_revision()
    create_engine("sqlite://").dispose()


def require_current_schema(engine: Engine) -> None:
    if current_revision(engine) != head_revision():
        raise WorkbenchError(
            "数据库尚未初始化或需要升级，请先运行：audit-workbench db upgrade",
            "The database is not initialised or needs an upgrade; run: audit-workbench db upgrade",
            file=engine.url.render_as_string(hide_password=True),
            code="database.outdated",
        )


@lru_cache(maxsize=8)
def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed whole, or rolled back whole on any error."""
    with plain_errors(), session_factory(engine)() as session, session.begin():
        yield session


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Session]:
    """One read: a server out of reach is tried again with back-off (reading_session)."""
    with reading_session(engine, lambda session: session.connection()) as session:
        yield session


# PostgreSQL's advisory locks. A store-wide write holds WRITE_LOCK_ID alone, as SQLite's BEGIN
# IMMEDIATE does; an applicant's write shares it and holds its applicant's own lock, so that
# writes for different applicants run side by side. Every write then takes CHAIN_LOCK_ID for
# the moment it appends its trail entries and commits: the trail is one hash chain.
WRITE_LOCK_ID = 170211
CHAIN_LOCK_ID = 170212
APPLICANT_LOCKS = 170213  # the first key of an applicant's lock; the second is hashtext(its id)
CONNECTION_LOST = ("数据库连接中断，本次操作未完成，未写入任何内容；请待数据库恢复后重试",
                   "Database connection lost: the operation did not complete and nothing of it was written; "
                   "try again once the database is back")


def lost_connection(exc: OperationalError) -> bool:
    """The server is unreachable or went away (not a busy lock, not a bad statement)."""
    message = str(exc.orig).lower()
    return exc.connection_invalidated or any(sign in message for sign in (
        "connection refused", "could not connect", "server closed the connection", "terminating connection",
        "connection is lost", "connection failed", "consuming input failed", "the connection is closed"))


BUSY_MESSAGE = ("数据库正忙（另一项写入尚未结束），本次修改未保存；请稍后重试",
                "The database is busy (another write is still running); nothing was saved: try again shortly")


@contextmanager
def write_transaction(engine: Engine, *, one_applicant: bool = False) -> Iterator[Session]:
    """One write, serialised from its first statement with every write it could conflict with,
    so that what it reads (the next version number, a record's state) is still true when it
    writes. On SQLite that is every other write. On PostgreSQL a write that concerns one
    applicant only (`one_applicant`, then lock_applicant once it is known) waits only for
    that applicant's writes and for store-wide ones. Waiting longer than the busy timeout
    gives DatabaseBusy, a plain message, and writes nothing."""
    with plain_errors(), session_factory(engine)() as session, session.begin():
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql(f"PRAGMA busy_timeout={busy_timeout_ms()}")
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            # the same wait as SQLite's busy timeout: past it, "lock timeout" and nothing written
            session.execute(text(f"SET LOCAL lock_timeout = {busy_timeout_ms()}"))
            share = "_shared" if one_applicant else ""
            session.execute(text(f"SELECT pg_advisory_xact_lock{share}(:id)"), {"id": WRITE_LOCK_ID})
        yield session


def lock_applicant(session: Session, applicant_id: str) -> None:
    """Hold the applicant's write lock to the end of the write (PostgreSQL; SQLite's write
    already holds the whole database)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:id))"),
                        {"space": APPLICANT_LOCKS, "id": applicant_id})


def lock_chain(session: Session) -> None:
    """Hold the trail's chain to the end of the write: its last link stays its last until this
    write's entries follow it and are committed (PostgreSQL; SQLite's write holds it already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": CHAIN_LOCK_ID})


@contextmanager
def plain_errors() -> Iterator[None]:
    """A busy database and a lost connection as plain messages (nothing was written either way)."""
    try:
        yield
    except OperationalError as exc:
        if any(word in str(exc.orig) for word in ("locked", "busy", "lock timeout")):
            raise DatabaseBusy(*BUSY_MESSAGE) from None
        if lost_connection(exc):
            raise DatabaseConnectionLost(*CONNECTION_LOST) from None
        raise


@contextmanager
def snapshot(engine: Engine) -> Iterator[Session]:
    """A read transaction that sees the database as it was when it started.

    pysqlite defers BEGIN until the first write, so every SELECT would otherwise see the
    newest data; an explicit BEGIN fixes the snapshot (WAL keeps it while others write).
    Other databases get REPEATABLE READ, which gives the same guarantee."""
    def begin(session: Session) -> None:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN")
        else:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    with reading_session(engine, begin) as session:
        yield session


# Pauses between a read's attempts to reach a server that went away (about 8 s in all): long
# enough for a restart or a fail-over. A read changes nothing, so trying it again is safe; a
# write is never tried again behind the caller's back (write_transaction): it says it failed.
READ_RETRY_PAUSES = (0.25, 0.5, 1.0, 2.0, 4.0)


@contextmanager
def reading_session(engine: Engine, begin: Callable[[Session], object]) -> Iterator[Session]:
    """A read transaction begun by `begin` (its first contact with the server), tried again
    after each pause while the server cannot be reached; then as plain_errors says."""
    for pause in (*READ_RETRY_PAUSES, None):
        session = session_factory(engine)()
        started = session.begin()
        try:
            with plain_errors():
                begin(session)
            break
        except DatabaseConnectionLost:
            session.close()
            if pause is None or engine.dialect.name == "sqlite":
                raise
            time.sleep(pause)
    with plain_errors(), session, started:
        yield session
