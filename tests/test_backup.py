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
    import zipfile

    from audit_widgets.backup import backup, restore
    archive = tmp_path / "backup.zip"
    backup(db_url, archive)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tampered, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            out.writestr(item, data + b"x" if item.filename == "workbench.sqlite" else data)
    target = tmp_path / "target.sqlite"
    with pytest.raises(WorkbenchError) as caught:
        restore(f"sqlite:///{target}", tampered)
    assert caught.value.code == "backup.hash_mismatch"
    assert not target.exists() or target.stat().st_size == 0

