"""Backup and restore (issue 12 §6): an archive made while another process writes holds every
answer committed before it began (a file copy missed those still in the WAL), and a restore
into an empty database gives back every table and every evidence file."""
import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from audit_widgets.errors import WorkbenchError
from audit_widgets.paths import data_dir

WRITER = """
import sys
from audit_widgets.domain import Answer
from audit_widgets.store.repository import Workbench
workbench = Workbench(sys.argv[1], actor="A02")
for n in range(int(sys.argv[3])):
    workbench.save_answer(int(sys.argv[2]), "F03", Answer(checked=20, nonconforming=n % 5), note=f"第 {n} 次")
    print(n, flush=True)
"""


def _tables(path: Path) -> dict:
    with sqlite3.connect(path) as connection:
        names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(map(repr, connection.execute(f'SELECT * FROM "{n}"'))) for n in names}


def test_a_backup_while_another_process_writes_restores_whole(staffed_audit, db_url, db_path, scheme, command,
                                                               tmp_path, monkeypatch):
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
    restored_path = tmp_path / "restored.sqlite"
    monkeypatch.setenv("AUDIT_WORKBENCH_DATA", str(tmp_path / "other-machine"))  # its evidence folder and key
    monkeypatch.delenv("AUDIT_WORKBENCH_SECRET", raising=False)
    result = command("--db", f"sqlite:///{restored_path}", "restore", archive)
    assert result.exit_code == 0 and "restored and checked" in result.output, result.output
    assert "signing key missing or different" in result.output  # the key was not moved: said, not hidden
    with sqlite3.connect(restored_path) as restored:
        saved = restored.execute("SELECT COUNT(*) FROM audit_trail WHERE entity = 'checklist_answer'").fetchone()[0]
    assert saved >= committed + 1  # nothing committed before the backup is lost
    # Every table as it was in the archive's snapshot, and the evidence file byte for byte.
    import zipfile
    snapshot = _tables(Path(zipfile.ZipFile(archive).extract("workbench.sqlite", tmp_path / "extract")))
    restored_tables = _tables(restored_path)
    for table in snapshot:
        if table not in ("evidence_files", "submitted_documents"):  # their paths are this machine's now
            assert restored_tables[table] == snapshot[table], table
    digest = hashlib.sha256(b"%PDF evidence").hexdigest()
    restored_file = tmp_path / "other-machine" / "evidence" / digest[:2] / f"{digest}.pdf"
    assert data_dir() == tmp_path / "other-machine" and restored_file.read_bytes() == b"%PDF evidence"
    with sqlite3.connect(restored_path) as restored:  # the records point at this machine's copy
        assert str(restored_file) in {r[0] for r in restored.execute("SELECT stored_path FROM evidence_files")}
    # A restore never writes over data.
    again = command("--db", f"sqlite:///{restored_path}", "restore", archive)
    assert again.exit_code == 1 and "not empty" in again.output


def test_a_tampered_archive_is_refused_before_anything_is_written(staffed_audit, db_url, tmp_path):

    from audit_widgets.backup import backup, restore
    archive = tmp_path / "backup.zip"
    backup(db_url, archive)
    tampered = with_a_byte_added(archive, "workbench.sqlite", tmp_path / "tampered.zip")
    target = tmp_path / "target.sqlite"
    with pytest.raises(WorkbenchError) as caught:
        restore(f"sqlite:///{target}", tampered)
    assert caught.value.code == "backup.hash_mismatch"
    assert not target.exists() or target.stat().st_size == 0



def with_a_byte_added(archive: Path, member: str, out: Path) -> Path:
    """The archive with one member's bytes changed, nothing else: what its hash must catch."""
    import zipfile
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w") as bundle:
        for item in source.infolist():
            data = source.read(item)
            bundle.writestr(item, data + b"x" if item.filename == member else data)
    return out


def _rewritten(archive: Path, out: Path, change_database=None, change_manifest=None, sign_with_key=False) -> Path:
    """The archive rebuilt as an insider would: the database changed (and its hash and counts
    put right in the manifest), or the manifest alone changed; signed again only with the key."""
    import json
    import zipfile
    from contextlib import closing

    from audit_widgets.backup import _row_counts
    from audit_widgets.files import sha256_of
    from audit_widgets.store.signing import sign
    work = out.parent / f"{out.stem}-work"
    with zipfile.ZipFile(archive) as source:
        source.extractall(work)
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    database = work / "workbench.sqlite"
    if change_database:
        with closing(sqlite3.connect(database)) as connection, connection:
            connection.execute("PRAGMA journal_mode=DELETE")  # the change in the file itself, not in a WAL
            connection.execute(change_database)
            manifest["tables"] = _row_counts(connection.execute)
        manifest["files"]["workbench.sqlite"] = sha256_of(database)
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


def test_an_archive_whose_database_and_manifest_were_changed_together_is_refused(staffed_audit, db_url, tmp_path):
    """Issue 24 §6: the manifest is signed with the key; hashes and counts put right by hand do not
    make a changed database pass."""
    import zipfile

    from audit_widgets.backup import backup, restore
    archive = tmp_path / "backup.zip"
    backup(db_url, archive)
    forged = _rewritten(archive, tmp_path / "forged.zip",
                        change_database="UPDATE applicants SET name = '冒名顶替有限公司'")
    target = tmp_path / "target.sqlite"
    with zipfile.ZipFile(forged) as bundle:  # the forgery is in place: its hashes and counts agree
        assert b"\xe5\x86\x92\xe5\x90\x8d" in bundle.read("workbench.sqlite")  # 冒名 in UTF-8
    with pytest.raises(WorkbenchError) as caught:
        restore(f"sqlite:///{target}", forged)
    assert caught.value.code == "backup.signature" and not target.exists()
    assert restore(f"sqlite:///{target}", archive)["signature_checked"] is True


def test_a_refused_restore_leaves_the_target_as_it_was_and_a_retry_works(staffed_audit, db_url, tmp_path, command):
    """A manifest off by one row (signed: a broken backup, not a forgery) is refused after the
    database was built beside the target, and nothing is in its place: the retry with a sound
    archive is not refused as "not empty". A store that was only `db init`-ed is empty."""
    from audit_widgets.backup import backup, restore
    archive = tmp_path / "backup.zip"
    backup(db_url, archive)

    def off_by_one(manifest):
        manifest["tables"]["audit_trail"] += 1
    broken = _rewritten(archive, tmp_path / "broken.zip", change_manifest=off_by_one, sign_with_key=True)
    target = tmp_path / "target.sqlite"
    assert command("--db", f"sqlite:///{target}", "db", "init").exit_code == 0
    initialised = target.read_bytes()
    with pytest.raises(WorkbenchError) as caught:
        restore(f"sqlite:///{target}", broken)
    assert caught.value.code == "backup.count_mismatch" and target.read_bytes() == initialised
    assert not [p for p in tmp_path.iterdir() if ".restore" in p.name or p.name.endswith(".restoring")]
    result = command("--db", f"sqlite:///{target}", "restore", archive)
    assert result.exit_code == 0 and "restored and checked" in result.output, result.output
    assert target.stat().st_mode & 0o077 == 0  # the restored store is private, like the key


def test_a_backup_writes_its_temporary_copy_beside_the_archive_and_leaves_none(staffed_audit, db_url, tmp_path,
                                                                               monkeypatch):
    """A killed backup must not leave a copy of the database in /tmp: the snapshot is taken in a
    hidden folder beside the archive, removed when the backup ends."""
    import tempfile

    from audit_widgets.backup import backup
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    kept = tmp_path / "backups"
    backup(db_url, kept / "monday.zip")
    assert list(system_tmp.iterdir()) == [] and [p.name for p in kept.iterdir()] == ["monday.zip"]
