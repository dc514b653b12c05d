"""Backup and restore (issue 12 §6, issue 26 §1), on both backends: an archive made while
another process writes holds every answer committed before it began (a file copy missed those
still in SQLite's WAL; pg_dump runs on the manifest's snapshot), and a restore into an empty
database gives back every table and every evidence file. A changed archive, or one forged with
its hashes and counts put right, is refused before anything is written."""
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.pool import NullPool

from audit_widgets.backup import DATABASE, PG_DATABASE, _libpq, _row_counts, backup, restore
from audit_widgets.errors import WorkbenchError
from audit_widgets.paths import data_dir
from audit_widgets.store.models import Base

from .conftest import count_rows, insider_sql, store_digest

pytestmark = pytest.mark.both_backends

MEMBER = {"sqlite": DATABASE, "postgresql": PG_DATABASE}  # the database's file in the archive

WRITER = """
import sys
from audit_widgets.domain import Answer
from audit_widgets.store.repository import Workbench
workbench = Workbench(sys.argv[1], actor="A02")
for n in range(int(sys.argv[3])):
    workbench.save_answer(int(sys.argv[2]), "F03", Answer(checked=20, nonconforming=n % 5), note=f"第 {n} 次")
    print(n, flush=True)
"""


@pytest.fixture
def empty_store(request, backend, tmp_path) -> str:
    """Where a restore may write: a SQLite file not yet made, or an empty database on the server."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres_server").database(migrated=False)
    return f"sqlite:///{tmp_path / 'restored.sqlite'}"


def _connect(url: str):
    return create_engine(url, poolclass=NullPool)


def _tables(url: str) -> dict[str, list[str]]:
    """Every table's rows, in a stable order."""
    engine = _connect(url)
    with engine.connect() as connection:
        found = {t.name: sorted(map(repr, connection.execute(select(t)))) for t in Base.metadata.sorted_tables}
    engine.dispose()
    return found


def _holds_nothing(url: str) -> bool:
    engine = _connect(url)
    names = inspect(engine).get_table_names()
    engine.dispose()
    return names == []


def _archived(archive: Path, backend: str, folder: Path, scratch: str | None) -> str:
    """The archive's database as a store to read, without the workbench: SQLite's file taken out,
    or pg_restore's copy of the dump in the scratch database."""
    member = Path(zipfile.ZipFile(archive).extract(MEMBER[backend], folder))
    if backend == "sqlite":
        return f"sqlite:///{member}"
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={_libpq(scratch)}", str(member)], check=True)
    return scratch


def test_a_backup_while_another_process_writes_restores_whole(staffed_audit, db_url, scheme, command, backend,
                                                               empty_store, request, tmp_path, monkeypatch):
    from audit_widgets.store.repository import Workbench
    _, audit = staffed_audit
    Workbench(db_url, scheme, actor="A02").add_evidence(audit, "F03", b"%PDF evidence", "worksheet.pdf")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(audit), "400"],
                              stdout=subprocess.PIPE, text=True)
    committed = -1
    while committed < 30:  # 30 answers committed before the backup begins
        committed = int(writer.stdout.readline())
    archive = tmp_path / "backup.zip"
    result = command("backup", archive)
    writer.wait(timeout=120)
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("AUDIT_WORKBENCH_DATA", str(tmp_path / "other-machine"))  # its evidence folder and key
    monkeypatch.delenv("AUDIT_WORKBENCH_SECRET", raising=False)
    result = command("--db", empty_store, "restore", archive)
    assert result.exit_code == 0 and "restored and checked" in result.output, result.output
    assert "signing key missing or different" in result.output  # the key was not moved: said, not hidden
    saved = count_rows(empty_store, "SELECT COUNT(*) FROM audit_trail WHERE entity = 'checklist_answer'")
    assert saved >= committed + 1  # nothing committed before the backup is lost
    assert saved < count_rows(db_url, "SELECT COUNT(*) FROM audit_trail WHERE entity = 'checklist_answer'")
    # Every table as it was in the archive's snapshot, and the evidence file byte for byte.
    scratch = request.getfixturevalue("postgres_server").database(migrated=False) if backend == "postgresql" else None
    snapshot = _tables(_archived(archive, backend, tmp_path / "extract", scratch))
    restored_tables = _tables(empty_store)
    for table in snapshot:
        if table not in ("evidence_files", "submitted_documents"):  # their paths are this machine's now
            assert restored_tables[table] == snapshot[table], table
    digest = hashlib.sha256(b"%PDF evidence").hexdigest()
    restored_file = tmp_path / "other-machine" / "evidence" / digest[:2] / f"{digest}.pdf"
    assert data_dir() == tmp_path / "other-machine" and restored_file.read_bytes() == b"%PDF evidence"
    # the records point at this machine's copy
    assert (str(restored_file),) in insider_sql(empty_store, "SELECT stored_path FROM evidence_files")
    # A restore never writes over data.
    again = command("--db", empty_store, "restore", archive)
    assert again.exit_code == 1 and "not empty" in again.output


def test_a_tampered_archive_is_refused_before_anything_is_written(staffed_audit, db_url, backend, empty_store,
                                                                    tmp_path):
    archive = tmp_path / "backup.zip"
    backup(db_url, archive)
    tampered = with_a_byte_added(archive, MEMBER[backend], tmp_path / "tampered.zip")
    with pytest.raises(WorkbenchError) as caught:
        restore(empty_store, tampered)
    assert caught.value.code == "backup.hash_mismatch" and _holds_nothing(empty_store)


def with_a_byte_added(archive: Path, member: str, out: Path) -> Path:
    """The archive with one member's bytes changed, nothing else: what its hash must catch."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w") as bundle:
        for item in source.infolist():
            data = source.read(item)
            bundle.writestr(item, data + b"x" if item.filename == member else data)
    return out


def _changed_database(database: Path, statement: str, scratch: str | None) -> dict[str, int]:
    """The archive's database changed in place as an insider would, with the database's own
    tools (sqlite3; pg_restore, psql and pg_dump through the scratch database); its row counts."""
    import sqlite3
    from contextlib import closing
    if database.name == DATABASE:
        with closing(sqlite3.connect(database)) as connection, connection:
            connection.execute("PRAGMA journal_mode=DELETE")  # the change in the file itself, not in a WAL
            connection.execute(statement)
            return _row_counts(connection.execute)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={_libpq(scratch)}", str(database)], check=True)
    insider_sql(scratch, statement)
    subprocess.run(["pg_dump", "--format=custom", "--compress=0", "--no-owner", f"--file={database}",
                    f"--dbname={_libpq(scratch)}"], check=True)
    engine = _connect(scratch)
    with engine.connect() as connection:
        counts = _row_counts(connection.exec_driver_sql, "postgresql")
    engine.dispose()
    return counts


def _rewritten(archive: Path, out: Path, change_database=None, change_manifest=None, sign_with_key=False,
               scratch: str | None = None) -> Path:
    """The archive rebuilt as an insider would: the database changed (and its hash and counts
    put right in the manifest), or the manifest alone changed; signed again only with the key."""
    from audit_widgets.files import sha256_of
    from audit_widgets.store.signing import sign
    work = out.parent / f"{out.stem}-work"
    with zipfile.ZipFile(archive) as source:
        source.extractall(work)
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    [database] = [work / name for name in (DATABASE, PG_DATABASE) if (work / name).exists()]
    if change_database:
        manifest["tables"] = _changed_database(database, change_database, scratch)
        manifest["files"][database.name] = sha256_of(database)
    if change_manifest:
        change_manifest(manifest)
    if sign_with_key:
        manifest["signature"] = sign({k: v for k, v in manifest.items() if k != "signature"})
    with zipfile.ZipFile(out, "w") as bundle:
        bundle.writestr("manifest.json", json.dumps(manifest))
        for path in work.rglob("*"):
            if path.is_file() and path.name != "manifest.json":
                bundle.write(path, str(path.relative_to(work)))
    return out


def test_an_archive_whose_database_and_manifest_were_changed_together_is_refused(staffed_audit, db_url, backend,
                                                                                 empty_store, request, tmp_path):
    """Issue 24 §6: the manifest is signed with the key; hashes and counts put right by hand do not
    make a changed database pass."""
    archive = tmp_path / "backup.zip"
    backup(db_url, archive)
    scratch = request.getfixturevalue("postgres_server").database(migrated=False) if backend == "postgresql" else None
    forged = _rewritten(archive, tmp_path / "forged.zip", scratch=scratch,
                        change_database="UPDATE applicants SET name = '冒名顶替有限公司'")
    with zipfile.ZipFile(forged) as bundle:  # the forgery is in place: its hashes and counts agree
        assert "冒名".encode() in bundle.read(MEMBER[backend])
    with pytest.raises(WorkbenchError) as caught:
        restore(empty_store, forged)
    assert caught.value.code == "backup.signature" and _holds_nothing(empty_store)
    assert restore(empty_store, archive)["signature_checked"] is True


def _off_by_one(manifest):
    manifest["tables"]["audit_trail"] += 1


def _a_table_too_many(manifest):
    manifest["tables"]["forgotten"] = 0


@pytest.mark.parametrize("broken_how", [_off_by_one, _a_table_too_many], ids=["off by one", "a table too many"])
@pytest.mark.parametrize("initialised", [True, False], ids=["db init-ed", "empty"])
def test_a_refused_restore_leaves_the_target_as_it_was_and_a_retry_works(staffed_audit, db_url, backend, broken_how,
                                                                        initialised, empty_store, tmp_path, command):
    """A manifest that does not match its database (signed: a broken backup, not a forgery) is
    refused after the database was built (beside the target on SQLite, by pg_restore's script in
    its transaction on PostgreSQL), and the target is as it was, `db init`-ed or empty: the retry
    with a sound archive is not refused as "not empty"."""
    archive = tmp_path / "backup.zip"
    backup(db_url, archive)
    broken = _rewritten(archive, tmp_path / "broken.zip", change_manifest=broken_how, sign_with_key=True)
    if initialised:
        assert command("--db", empty_store, "db", "init").exit_code == 0
    before = store_digest(empty_store) if initialised else None
    with pytest.raises(WorkbenchError) as caught:
        restore(empty_store, broken)
    assert caught.value.code == "backup.count_mismatch"
    assert store_digest(empty_store) == before if initialised else _holds_nothing(empty_store)
    assert not [p for p in tmp_path.iterdir() if ".restore" in p.name or p.name.endswith(".restoring")]
    result = command("--db", empty_store, "restore", archive)
    assert result.exit_code == 0 and "restored and checked" in result.output, result.output
    assert _tables(empty_store)["audit_trail"] == _tables(db_url)["audit_trail"]
    if backend == "sqlite":  # the restored file is private, like the key
        assert (tmp_path / "restored.sqlite").stat().st_mode & 0o077 == 0


def test_a_backup_writes_its_temporary_copy_beside_the_archive_and_leaves_none(staffed_audit, db_url, tmp_path,
                                                                               monkeypatch):
    """A killed backup must not leave a copy of the database in /tmp: the snapshot (SQLite's copy,
    or pg_dump's file) is taken in a hidden folder beside the archive, removed when the backup ends."""
    import tempfile
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    kept = tmp_path / "backups"
    backup(db_url, kept / "monday.zip")
    assert list(system_tmp.iterdir()) == [] and [p.name for p in kept.iterdir()] == ["monday.zip"]


@pytest.mark.postgresql_only
def test_a_postgresql_target_written_to_after_the_first_look_is_refused_whole(staffed_audit, db_url, tmp_path,
                                                                              request):
    """The restore looks at the target first, then again inside its own transaction under the
    store's write lock: data that arrived in between is never dropped by the dump's --clean."""
    from audit_widgets.backup import _pg_restore
    from audit_widgets.store.database import get_engine

    archive = tmp_path / "backup.zip"
    backup(db_url, archive)
    target = request.getfixturevalue("postgres_server").copy_of(db_url)  # holds data, past the first look
    before = store_digest(target)
    get_engine(target).dispose()
    member = Path(zipfile.ZipFile(archive).extract(PG_DATABASE, tmp_path / "extract"))
    manifest = json.loads(zipfile.ZipFile(archive).read("manifest.json"))
    with pytest.raises(WorkbenchError) as caught:
        _pg_restore(target, member, manifest, set())
    assert caught.value.code == "backup.not_empty" and store_digest(target) == before


def test_a_restore_script_without_psqls_restriction_is_not_run(tmp_path):
    """pg_restore before 15.14 (and the like) writes scripts in which a crafted dump could run
    a shell command through psql: such a script is refused."""
    from audit_widgets.backup import _restricted
    old = tmp_path / "old.sql"
    old.write_text("--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n", encoding="utf-8")
    new = tmp_path / "new.sql"
    new.write_text("--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\nSET statement_timeout = 0;\n",
                   encoding="utf-8")
    assert not _restricted(old) and _restricted(new)
