"""Whether an unfinished work-order import is still being written, so that a second import
for the same applicant is refused plainly instead of clearing the first's rows from under it.
A killed import is not running: its process is gone (on this machine), or it has written
nothing for STALE_AFTER (from another machine sharing the database)."""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta, timezone

from . import models

STALE_AFTER = timedelta(minutes=2)  # a running import writes a step every few seconds
PROCESS_KEY = "process"  # where an unfinished import's details name the process writing it


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def still_running(record: models.ImportRecord, now: datetime) -> bool:
    last_step = record.imported_at if record.imported_at.tzinfo else record.imported_at.replace(tzinfo=timezone.utc)
    if now - last_step > STALE_AFTER:
        return False
    host, _, pid = str((record.details or {}).get(PROCESS_KEY, "")).rpartition(":")
    if not pid.isdigit():
        return False  # recorded before imports named their process: an old, stopped one
    return host != socket.gethostname() or _alive(int(pid))
