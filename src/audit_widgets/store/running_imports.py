"""Whether an unfinished work-order import is still being written, so that a second import
for the same applicant is refused plainly instead of clearing the first's rows from under it.
A killed import is not running: its process is gone (on this machine), or it has written
nothing for STALE_AFTER (from another machine sharing the database)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..processes import still_working
from . import models

STALE_AFTER = timedelta(minutes=2)  # a running import writes a step every few seconds
PROCESS_KEY = "process"  # where an unfinished import's details name the process writing it


def still_running(record: models.ImportRecord, now: datetime) -> bool:
    last_step = record.imported_at if record.imported_at.tzinfo else record.imported_at.replace(tzinfo=timezone.utc)
    if now - last_step > STALE_AFTER:
        return False
    # One that names no process was recorded before imports named theirs: an old, stopped one.
    return still_working((record.details or {}).get(PROCESS_KEY), last_step.timestamp())
