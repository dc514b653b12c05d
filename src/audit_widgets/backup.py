"""Backup and restore of the audit data (issue 12 §6): one archive made while the workbench is in
use, with the database taken through SQLite's online backup (a copy of the file would miss what
is still in its WAL), the evidence files, the signing key's id (never the key) and a manifest of
hashes, signed with the key. A restore checks the manifest's signature first (under the backup's
key), goes only into an empty database (one only `db init`-ed is empty), and builds the database
beside its place, renaming it there only once every hash and every table's count is right: a
refused restore leaves the target as it was, and may be retried.

    archive.zip
      manifest.json           created, package, key id, tables' row counts, every file's SHA-256,
                              and the signature (HMAC with the key) over all of it
      workbench.sqlite        (a SQLite store) or
      workbench.pgdump        (a PostgreSQL store: pg_dump's custom format, taken on the same
                              snapshot as the manifest's counts; restored as pg_restore's script,
                              run by psql in one transaction with the check of the counts)
      evidence/<ab>/<sha256>.<ext>    the kept files, read from and restored to wherever the store
                              keeps them (kept_files: data/evidence or AUDIT_WORKBENCH_FILES)
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from . import __version__
from .errors import InputFileError, WorkbenchError
from .files import sha256_of, write_atomically
from .kept_files import KeptFiles, name_of
from .processes import temporary_folder
from .store.signing import key_id, sign, verify

SCHEMA_ONLY = {"alembic_version", "workbench_settings"}  # what `db init` writes: such a store is empty

DATABASE = "workbench.sqlite"
PG_DATABASE = "workbench.pgdump"
MANIFEST = "manifest.json"
EVIDENCE_TABLES = ("evidence_files", "submitted_documents")
ARCHIVED_FILES = "evidence"  # the folder of the kept files in an archive
EVIDENCE_NAME = re.compile(r"^evidence/[0-9a-f]{2}/[0-9a-f]{64}(\.[A-Za-z0-9]{1,11})?$")  # as keep_file names them


def _sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise WorkbenchError("备份与恢复支持 SQLite 和 PostgreSQL 数据库", "Backup and restore work on SQLite and "
                             "PostgreSQL stores")
    return Path(parsed.database)


def _is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _libpq(url: str) -> str:
    """The store's URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise WorkbenchError(f"{command[0]} 失败，未完成", f"{command[0]} failed; nothing was completed: "
                             f"{done.stderr.strip()[-400:]}", code="backup.pg_tool")


def _pg_dump(database_url: str, dump: Path) -> tuple[dict[str, int], dict[str, str]]:
    """pg_dump on a snapshot this connection exports and keeps open: the dump, the counts and
    the evidence list are one moment of the store, however many write meanwhile."""
    from .store.database import get_engine
    with get_engine(database_url).connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            _pg_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                     f"--file={dump}", f"--dbname={_libpq(database_url)}")
            return _row_counts(connection.exec_driver_sql, "postgresql"), _evidence(connection.exec_driver_sql)


# `run` below executes one SQL text and returns its rows: sqlite3's `Connection.execute`, or
# SQLAlchemy's `Connection.exec_driver_sql` on PostgreSQL.
Run = Callable[[str], Iterable[Sequence]]
TABLES = {"sqlite": "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name",
          "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"}


def _row_counts(run: Run, backend: str = "sqlite") -> dict[str, int]:
    tables = [row[0] for row in run(TABLES[backend])]
    return {t: next(iter(run(f'SELECT COUNT(*) FROM "{t}"')))[0] for t in tables}


def _evidence(run: Run) -> dict[str, str]:
    """Each kept file's archive name → its SHA-256, from the backed-up database's records."""
    return {f"{ARCHIVED_FILES}/{name_of(stored)}": sha256
            for table in EVIDENCE_TABLES for sha256, stored in run(f"SELECT sha256, stored_path FROM {table}")}


def _not_empty(where: str) -> WorkbenchError:
    return WorkbenchError(f"目标数据库不为空（{where}），恢复只写入空数据库",
                          f"The target database is not empty ({where}); a restore writes only into an empty one",
                          code="backup.not_empty")


def _refuse_if_it_holds_data(counts: dict[str, int], where: str) -> None:
    """A restore writes only into an empty database: one only `db init`-ed counts as empty."""
    if sum(count for table, count in counts.items() if table not in SCHEMA_ONLY):
        raise _not_empty(where)


def backup(database_url: str, archive: Path) -> dict:
    """Write the archive; returns its manifest. The snapshot is taken in a folder beside the
    archive (never in /tmp, where a killed backup would leave a copy of the database)."""
    archive = Path(archive)
    archive.parent.mkdir(parents=True, exist_ok=True)
    with temporary_folder(archive.parent, f".{archive.name}.") as folder:
        if _is_postgresql(database_url):
            copy = folder / PG_DATABASE
            tables, evidence = _pg_dump(database_url, copy)
        else:
            copy = folder / DATABASE
            with sqlite3.connect(_sqlite_path(database_url)) as reading, sqlite3.connect(copy) as writing:
                reading.backup(writing)  # one consistent snapshot, WAL included, while others write
            with sqlite3.connect(copy) as snapshot:
                tables, evidence = _row_counts(snapshot.execute), _evidence(snapshot.execute)
        files = KeptFiles()
        missing = [name for name in evidence if not files.exists(name_of(name))]
        if missing:
            raise WorkbenchError(f"有 {len(missing)} 个证据文件不在 {files.url}，未备份",
                                 f"{len(missing)} evidence files are missing from {files.url}; no backup was written")
        manifest = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "package_version": __version__, "key_id": key_id(), "tables": tables,
                    "files": {copy.name: sha256_of(copy), **evidence}}
        manifest["signature"] = sign(manifest)
        bundle = Path(folder) / "archive.zip"
        with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
            out.write(copy, copy.name)
            for name in evidence:
                out.writestr(name, files.read(name_of(name)))
        write_atomically(archive, bundle.read_bytes())
    return manifest


def _refuse_unless_empty(target: Path) -> None:
    if target.exists() and target.stat().st_size:
        with sqlite3.connect(target) as connection:
            _refuse_if_it_holds_data(_row_counts(connection.execute), str(target))


def restore(database_url: str, archive: Path) -> dict:
    """Restore an archive into an empty database and the evidence folder, then check every
    hash and every table's row count. Returns what it found, with whether the signing key is
    the one the backup was made with."""
    postgresql = _is_postgresql(database_url)
    target = None if postgresql else _sqlite_path(database_url).resolve()
    if target is None:
        _pg_refuse_unless_empty(database_url)
    else:
        _refuse_unless_empty(target)
    try:
        bundle = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputFileError("不是可读的备份文件", f"Not a readable backup archive: {exc}", file=archive) from None
    place = target.parent if target is not None else Path(archive).resolve().parent
    place.mkdir(parents=True, exist_ok=True)
    with bundle, temporary_folder(place, ".restore.") as folder:
        manifest = json.loads(bundle.read(MANIFEST))
        signed = _check_signature(manifest, archive)
        names = set(manifest["files"])
        database = PG_DATABASE if PG_DATABASE in names else DATABASE
        if (database == PG_DATABASE) != postgresql:
            raise WorkbenchError(
                "备份与目标数据库的类型不同：请恢复到同类数据库，再用 audit-workbench db copy --to 迁移",
                "The backup is of another kind of database than the target: restore it into the same kind, "
                "then move it with audit-workbench db copy --to", file=archive, code="backup.other_backend")
        if names - set(bundle.namelist()):
            raise InputFileError("备份文件不完整", "The backup archive is incomplete", file=archive)
        strange = [n for n in names if n != database and not EVIDENCE_NAME.match(n)]
        if strange:  # a name like ../../x would write outside the evidence folder
            raise InputFileError(f"备份中有不应有的文件：{strange[0]}", f"The backup holds an unexpected file: {strange[0]}",
                                 file=archive)
        for name in names:  # every hash checked before anything is written
            if sha256_of(Path(bundle.extract(name, folder))) != manifest["files"][name]:
                raise InputFileError(f"备份中的 {name} 校验不符", f"{name} in the backup does not match its hash",
                                     file=archive, code="backup.hash_mismatch")
        evidence = names - {database}
        if target is None:
            counts = _pg_restore(database_url, Path(folder) / database, manifest, evidence)
        else:
            counts = _sqlite_restore(target, Path(folder), manifest, evidence)
    return {"tables": counts, "files": len(evidence), "key_id": manifest["key_id"],
            "same_key": manifest["key_id"] == key_id(), "signature_checked": signed}


def _write_evidence(folder: Path, manifest: dict, names: set[str]) -> None:
    """The archive's files into the store's files (kept_files), each checked once written."""
    files = KeptFiles()
    for name in names:  # content-addressed: a file already there is the same file
        files.keep(name_of(name), (folder / name).read_bytes())
    bad = [n for n in names if hashlib.sha256(files.read(name_of(n))).hexdigest() != manifest["files"][n]]
    if bad:
        raise WorkbenchError(f"有 {len(bad)} 个证据文件与备份不符", f"{len(bad)} evidence files do not match the backup")


def _kept_location(stored: str) -> str:
    """Where a kept file is now (the records name where the backed-up store kept it)."""
    return KeptFiles().location(name_of(stored))


COUNT_MISMATCH = ("恢复后的数据与备份清单不符，未写入", "The restored data does not match the backup's manifest; "
                  "nothing was written")


def _sqlite_restore(target: Path, folder: Path, manifest: dict, evidence: set[str]) -> dict[str, int]:
    """Build the database beside its place and rename it there once every count is right."""
    built = folder / f"{target.name}.restoring"  # beside the target: the rename stays on one disk
    with closing(sqlite3.connect(folder / DATABASE)) as reading, closing(sqlite3.connect(built)) as writing:
        reading.backup(writing)
    with closing(sqlite3.connect(built)) as restored, restored:
        for table in EVIDENCE_TABLES:
            for row_id, stored in list(restored.execute(f"SELECT id, stored_path FROM {table}")):
                restored.execute(f"UPDATE {table} SET stored_path = ? WHERE id = ?", (_kept_location(stored), row_id))
        counts = _row_counts(restored.execute)
    with closing(sqlite3.connect(built)) as restored:  # one file to move: no WAL left beside it
        restored.execute("PRAGMA journal_mode=DELETE")
    if counts != manifest["tables"]:
        raise WorkbenchError(*COUNT_MISMATCH, code="backup.count_mismatch")
    _write_evidence(folder, manifest, evidence)
    _refuse_unless_empty(target)  # still empty: nobody wrote to it meanwhile
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)  # the old store's WAL would be replayed into the restored one
    built.chmod(0o600)
    built.replace(target)
    return counts


def _pg_refuse_unless_empty(database_url: str) -> None:
    from .store.database import get_engine
    with get_engine(database_url).connect() as connection:
        _refuse_if_it_holds_data(_row_counts(connection.exec_driver_sql, "postgresql"),
                                 make_url(database_url).render_as_string(hide_password=True))


TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# Before the dump's script, in its transaction: hold every write off (the store's write lock,
# taken exclusively), and refuse a target that holds data by now.
PRELUDE = """SELECT pg_advisory_xact_lock({lock});
DO $$DECLARE t text; found boolean; BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ({schema_only}) LOOP
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I)', t) INTO found;
    IF found THEN RAISE EXCEPTION 'not_empty'; END IF;
  END LOOP; END$$;
"""


def _restricted(script: Path) -> bool:
    """pg_restore's script opens with `\\restrict` (PostgreSQL 13.22, 14.19, 15.14, 16.10, 17.6 and
    later): psql then runs no backslash command a crafted dump could slip into it."""
    with script.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip() and not line.startswith("--"):
                return line.startswith("\\restrict ")
    return False


def _pg_restore(database_url: str, dump: Path, manifest: dict, evidence: set[str]) -> dict[str, int]:
    """The dump and the check of every table's count, in one transaction (pg_restore's script
    run by psql): a count that differs rolls it all back, and the target is as it was, empty or
    only `db init`-ed. Then, in another, the evidence paths of this machine."""
    from .store.database import WRITE_LOCK_ID, get_engine
    tables = manifest["tables"]
    if not isinstance(tables, dict) or not all(
            isinstance(name, str) and TABLE_NAME.fullmatch(name) and type(count) is int for name, count in tables.items()):
        raise WorkbenchError(*COUNT_MISMATCH, code="backup.count_mismatch")
    prelude, script, checks = (dump.with_suffix(suffix) for suffix in (".prelude.sql", ".sql", ".checks.sql"))
    _pg_tool("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", f"--file={script}", str(dump))
    if not _restricted(script):
        raise WorkbenchError("此版本的 pg_restore 过旧，不能安全恢复（需 15.14 及以上）", "This pg_restore is too old to "
                             "restore safely (15.14 or later is needed): nothing was written", code="backup.pg_tool")
    prelude.write_text(PRELUDE.format(lock=WRITE_LOCK_ID, schema_only=", ".join(f"'{t}'" for t in sorted(SCHEMA_ONLY))),
                       encoding="utf-8")
    mismatch = "RAISE EXCEPTION 'count_mismatch'"
    checks.write_text("SET search_path = public;\n" + "".join(
        f'DO $$BEGIN IF (SELECT count(*) FROM "{name}") <> {count} THEN {mismatch}; END IF; END$$;\n'
        for name, count in tables.items()) +
        f"DO $$BEGIN IF (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') <> {len(tables)} "
        f"THEN {mismatch}; END IF; END$$;\n", encoding="utf-8")
    _write_evidence(dump.parent, manifest, evidence)
    done = subprocess.run(["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
                           f"--file={prelude}", f"--file={script}", f"--file={checks}",
                           f"--dbname={_libpq(database_url)}"], capture_output=True, text=True)
    if done.returncode:
        if "not_empty" in done.stderr:  # written to since the first look
            raise _not_empty(make_url(database_url).render_as_string(hide_password=True))
        if "count_mismatch" in done.stderr or re.search(r'checks\.sql:\d+: ERROR:  relation ".*" does not exist',
                                                        done.stderr):
            raise WorkbenchError(*COUNT_MISMATCH, code="backup.count_mismatch")
        raise WorkbenchError("pg_restore 失败，未写入", "pg_restore failed; nothing was written: "
                             f"{done.stderr.strip()[-400:]}", code="backup.pg_tool")
    engine = get_engine(database_url)
    engine.dispose()  # its pooled connections knew the tables the restore replaced
    with engine.begin() as connection:
        for table in EVIDENCE_TABLES:
            for row_id, stored in connection.execute(text(f"SELECT id, stored_path FROM {table}")).all():
                connection.execute(text(f"UPDATE {table} SET stored_path = :path WHERE id = :id"),
                                   {"path": _kept_location(stored), "id": row_id})
        return _row_counts(connection.exec_driver_sql, "postgresql")


def _check_signature(manifest: dict, archive: Path) -> bool:
    """Under the backup's key the manifest's signature must hold (database and manifest changed
    together are refused); without that key it cannot be checked, which the result says."""
    if manifest.get("key_id") != key_id():
        return False
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    if not verify(unsigned, manifest.get("signature", "")):
        raise InputFileError("备份清单的签名不符：备份被改动过，未恢复", "The backup's manifest signature does not "
                             "match: the archive was altered; nothing was restored", file=archive,
                             code="backup.signature")
    return True

