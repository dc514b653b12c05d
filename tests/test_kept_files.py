"""The store's files behind fsspec (issue 26 §2): evidence and submitted documents kept in the
local folder by default, or at any fsspec URL (here the memory file system, as an object store
would be), and a backup and restore that carry them from one place to another."""
from __future__ import annotations

import hashlib
import uuid
import zipfile

import fsspec
import pytest
from sqlalchemy import text

from audit_widgets.backup import backup, restore
from audit_widgets.kept_files import KeptFiles, name_of
from audit_widgets.paths import data_dir
from audit_widgets.settings import variable
from audit_widgets.store.database import get_engine
from audit_widgets.store.repository import Workbench

from .test_concurrency import ITEM

FILES_ENV = variable("files")
PDF = b"%PDF-1.4 evidence of a call-back log\n"
DIGEST = hashlib.sha256(PDF).hexdigest()


def test_by_default_a_file_is_kept_in_the_local_evidence_folder(staffed_audit, db_url, scheme):
    _, audit = staffed_audit
    Workbench(db_url, scheme, actor="A02").add_evidence(audit, ITEM, PDF, "回访记录.PDF")
    path = data_dir() / "evidence" / DIGEST[:2] / f"{DIGEST}.pdf"
    assert path.read_bytes() == PDF
    [stored] = _stored_paths(db_url)
    assert stored == str(path)  # a local folder: the record names the path, as before


def test_at_an_fsspec_url_the_file_goes_there_and_the_backup_carries_it_to_another(
        staffed_audit, db_url, scheme, tmp_path, monkeypatch):
    """Evidence kept in one memory file system (as in a bucket); the backup reads it from there;
    a restore into a new store whose files are elsewhere writes it there, and the restored
    records name the new place."""
    _, audit = staffed_audit
    first = f"memory://aw-{uuid.uuid4().hex[:8]}/evidence"
    monkeypatch.setenv(FILES_ENV, first)
    Workbench(db_url, scheme, actor="A02").add_evidence(audit, ITEM, PDF, "回访记录.pdf")
    memory = fsspec.filesystem("memory")
    name = f"{DIGEST[:2]}/{DIGEST}.pdf"
    assert memory.cat_file(f"{first}/{name}") == PDF
    [stored] = _stored_paths(db_url)
    assert stored.startswith("memory://") and stored.endswith(f"{first.removeprefix('memory://')}/{name}")
    with fsspec.open(stored, "rb") as kept:  # the record's location opens the file, from any machine
        assert kept.read() == PDF

    archive = tmp_path / "backup.zip"
    backup(db_url, archive)
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.read(f"evidence/{name}") == PDF

    second = f"memory://aw-{uuid.uuid4().hex[:8]}/restored"
    monkeypatch.setenv(FILES_ENV, second)
    target = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    restore(target, archive)
    assert memory.cat_file(f"{second}/{name}") == PDF
    [restored] = _stored_paths(target)
    assert restored.endswith(f"{second.removeprefix('memory://')}/{name}")
    with fsspec.open(restored, "rb") as kept:
        assert kept.read() == PDF
    assert Workbench(target, scheme).verify().ok


def test_a_file_missing_from_its_place_stops_the_backup(staffed_audit, db_url, scheme, tmp_path, monkeypatch):
    _, audit = staffed_audit
    place = f"memory://aw-{uuid.uuid4().hex[:8]}/evidence"
    monkeypatch.setenv(FILES_ENV, place)
    Workbench(db_url, scheme, actor="A02").add_evidence(audit, ITEM, PDF, "x.pdf")
    fsspec.filesystem("memory").rm(f"{place}/{DIGEST[:2]}/{DIGEST}.pdf")
    from audit_widgets.errors import WorkbenchError
    with pytest.raises(WorkbenchError, match="1 evidence files are missing"):
        backup(db_url, tmp_path / "backup.zip")
    assert not (tmp_path / "backup.zip").exists()


def test_a_local_url_is_a_folder_and_names_are_found_from_any_location(tmp_path):
    files = KeptFiles(f"file://{tmp_path}/kept")
    assert files.local
    location = files.keep("ab/abc.pdf", b"x")
    assert location == f"{tmp_path}/kept/ab/abc.pdf" and files.read("ab/abc.pdf") == b"x"
    assert files.keep("ab/abc.pdf", b"x") == location  # kept once: its name is its hash
    for stored in (location, "s3://bucket/evidence/ab/abc.pdf", r"C:\data\evidence\ab\abc.pdf"):
        assert name_of(stored) == "ab/abc.pdf"


def _stored_paths(url: str) -> list[str]:
    with get_engine(url).connect() as connection:
        return list(connection.execute(text("SELECT stored_path FROM evidence_files ORDER BY id")).scalars())
