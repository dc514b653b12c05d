"""What a process killed outright leaves behind (issue 24 §9): temporary files and folders named
after their process are removed once it is gone, never while it runs, and never for a newer
process that happens to get the same pid."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from audit_widgets.files import temporary_beside, write_atomically
from audit_widgets.processes import alive, owned_temporary, remove_orphans, still_working, this_process


def _killed_after_making(target: Path, *, directory: bool = False) -> Path:
    """A process that makes a temporary beside `target` (as a PDF print or an output write
    does) and is then killed with SIGKILL, before it can remove it: what it left."""
    make = (f"owned_temporary(Path({str(target.parent)!r}), '.{target.name}.', directory=True)" if directory
            else f"temporary_beside(Path({str(target)!r}))")
    code = ("import os, signal\nfrom pathlib import Path\n"
            "from audit_widgets.files import temporary_beside\nfrom audit_widgets.processes import owned_temporary\n"
            f"print({make})\nimport sys; sys.stdout.flush()\nos.kill(os.getpid(), signal.SIGKILL)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == -9, result.stderr
    return Path(result.stdout.strip())


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write_and_a_live_ones_is_kept(tmp_path):
    target = tmp_path / "certificate.pdf"
    left = _killed_after_making(target)
    assert left.is_file() and left.name.startswith(".certificate.pdf.") and left.name.endswith(".tmp")
    mine = temporary_beside(target)  # this process is still at it
    write_atomically(target, b"%PDF")
    assert not left.exists() and mine.exists() and target.read_bytes() == b"%PDF"
    assert remove_orphans(tmp_path, ".certificate.pdf.", ".tmp") == []
    mine.unlink()


def test_a_killed_processes_temporary_folder_is_removed_and_a_reused_pid_does_not_keep_it(tmp_path):
    left = _killed_after_making(tmp_path / "archive.zip", directory=True)
    (left / "store.sqlite").write_bytes(b"copy of the database")
    # The same name under this (live) process's pid, but older than this process: a pid reused.
    reused = tmp_path / f".archive.zip.{os.getpid()}-abcdefgh"
    reused.mkdir()
    before_this_process = time.time() - 10 * 24 * 3600
    os.utime(reused, (before_this_process, before_this_process))
    current = owned_temporary(tmp_path, ".archive.zip.", directory=True)
    assert sorted(remove_orphans(tmp_path, ".archive.zip.")) == [] and current.is_dir()
    assert not left.exists() and not reused.exists()


def test_a_record_names_its_process_and_is_working_only_while_that_process_runs():
    assert still_working(this_process(), time.time())
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(finished.stdout)
    assert not alive(pid) or pid == os.getpid()
    host = this_process().rpartition(":")[0]
    assert not still_working(f"{host}:{pid}", time.time())
    assert still_working(f"another-host:{pid}")  # cannot be asked: taken to be working
    assert not still_working(None) and not still_working("no pid")
