"""The audit trail as a hash chain: each entry carries the HMAC of its content and of the
entry before it. An entry changed, removed or slipped in behind the workbench's back (with
the database's protective triggers dropped) breaks the chain there, and `audit-workbench
verify` names the first entry that no longer fits."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models, signing

GENESIS = "0" * 64  # what the first entry is chained to


def instant(at: datetime | str) -> str:
    """A moment as the chain hashes it: UTC, naive, to the microsecond; SQLite gives back
    naive UTC what was stored aware, PostgreSQL aware, and both must hash alike."""
    if isinstance(at, str):  # a raw SQLite row
        at = datetime.fromisoformat(at)
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def link_values(previous: str, at, actor, action, entity, entity_id, detail, applicant_id) -> str:
    """The chain value of an entry: the HMAC of its content and the previous entry's value."""
    if isinstance(detail, str):  # a raw row
        detail = json.loads(detail)
    return signing.sign({"previous": previous, "entry": {
        "at": instant(at), "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
        "detail": detail, "applicant_id": applicant_id}})


def link(previous: str, row: models.AuditTrail) -> str:
    return link_values(previous, row.at, row.actor, row.action, row.entity, row.entity_id, row.detail,
                       row.applicant_id)


def last_link(session: Session) -> str:
    """The chain value of the newest entry (pending entries of this write included)."""
    value = session.scalar(select(models.AuditTrail.chain).order_by(models.AuditTrail.id.desc()).limit(1))
    return value or GENESIS


def broken_links(session: Session, limit: int = 100) -> tuple[int, list[int]]:
    """(entries checked, ids of the entries whose chain value does not follow from the one
    before: changed, or after a removed or inserted entry), at most `limit` ids."""
    previous, checked, broken = GENESIS, 0, []
    rows = session.scalars(select(models.AuditTrail).order_by(models.AuditTrail.id).execution_options(yield_per=2000))
    for row in rows:
        checked += 1
        if row.chain != link(previous, row) and len(broken) < limit:
            broken.append(row.id)
        previous = row.chain or GENESIS
    return checked, broken
