"""Which process does a piece of work, and whether it still does. A process killed with
kill -9 cleans nothing up: what it leaves (an unfinished import, a ledger row still marked
running, a temporary file or kernel folder with its pid in the name) is recognised later by
its process being gone, and settled or removed then."""
from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psutil

SAME_START_SECONDS = 1.0  # a process's start time is known to the clock tick; allow for rounding
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """Linux: this process is killed when its parent ends, however it ends (prctl
    PR_SET_PDEATHSIG), even by kill -9, which leaves the parent no chance to stop it."""
    import ctypes
    import signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the parent's own cleanup still stops it


def this_process() -> str:
    """This process, as work records name it: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def alive(pid: int, since: float | None = None) -> bool:
    """Whether process `pid` runs (a zombie does not). With `since` (a time, in seconds since
    the epoch, when the work was last seen): and started no later than that, since a pid the
    system gave again to a newer process is not the one that did the work."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return since is None or process.create_time() <= since + SAME_START_SECONDS
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # it exists, under another user
        return True


def still_working(worker: str | None, since: float | None = None) -> bool:
    """Whether the process a record names ("host:pid") may still be at it. On another host it
    cannot be asked, and is taken to be; a record naming none is not."""
    host, _, pid = str(worker or "").rpartition(":")
    if not pid.isdigit():
        return False
    return host != socket.gethostname() or alive(int(pid), since)


def _owned(prefix: str, suffix: str) -> re.Pattern:
    # {prefix}[anything.]{pid}-{tempfile's 8 random characters}{suffix}
    return re.compile(re.escape(prefix) + r"(?:.*\.)?(\d+)-[a-z0-9_]{8}" + re.escape(suffix) + "$")


def owned_temporary(folder: Path, prefix: str, suffix: str = "", *, directory: bool = False) -> Path:
    """A new, private temporary file (or folder) in `folder`, named `{prefix}{pid}-{random}{suffix}`
    so that once this process is gone anyone can tell it is left over. Those of the same name
    left by processes that are gone are removed first."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    remove_orphans(folder, prefix, suffix)
    named = dict(prefix=f"{prefix}{os.getpid()}-", suffix=suffix, dir=folder)
    if directory:
        return Path(tempfile.mkdtemp(**named))
    handle, path = tempfile.mkstemp(**named)
    os.close(handle)
    return Path(path)


@contextmanager
def temporary_folder(folder: Path, prefix: str) -> Iterator[Path]:
    """An owned_temporary folder, removed with what it holds at the end of the block."""
    path = owned_temporary(folder, prefix, directory=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_orphans(folder: Path, prefix: str, suffix: str = "") -> list[Path]:
    """Remove the temporary files and folders in `folder` that owned_temporary made for a
    process that is gone; returns them."""
    pattern, removed = _owned(prefix, suffix), []
    try:
        candidates = list(Path(folder).iterdir())
    except OSError:
        return removed
    for path in candidates:
        match = pattern.match(path.name)
        if match is None:
            continue
        try:
            last_seen = path.lstat().st_mtime
        except OSError:
            continue
        if alive(int(match.group(1)), last_seen):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
