"""The workbench API: the only code that writes the database.

Every public method that writes runs in one transaction and leaves an audit-trail row, so
a failed write changes nothing and every change can be traced to who made it and when.
The API is split by concern into the stores it combines.
"""
from __future__ import annotations

from sqlalchemy import select

from . import models
from .applicants import ApplicantStore
from .audits import AuditStore
from .certification import CertificationStore
from .database import transaction
from .findings import FindingStore


class Workbench(ApplicantStore, AuditStore, FindingStore, CertificationStore):
    """One scheme, one database and the person acting: `Workbench(database_url, scheme, actor)`."""

    def trail(self, entity: str | None = None) -> list[dict]:
        query = select(models.AuditTrail).order_by(models.AuditTrail.id)
        if entity:
            query = query.where(models.AuditTrail.entity == entity)
        with transaction(self.engine) as session:
            return [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action, "entity": r.entity,
                     "entity_id": r.entity_id, "detail": r.detail} for r in session.scalars(query)]
