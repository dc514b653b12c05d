"""The workbench API: the only code that writes the database.

Every public method that writes runs in one transaction and leaves an audit-trail row, so
a failed write changes nothing and every change can be traced to who made it and when.
Reads return the typed records of `audit_widgets.domain`; `with workbench.reading() as view:`
gives one consistent snapshot for answers built from many reads. The API is split by
concern into the stores it combines.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ..domain import TrailEntry
from . import models
from .adjustments import AdjustmentStore
from .answers import AnswerStore
from .applicants import ApplicantStore
from .audits import AuditStore
from .callbacks import CallbackStore
from .cases import CaseStore
from .certificate_decisions import CertificateDecisionStore
from .certification import CertificationStore
from .checkpoints import CheckpointStore
from .complaints import ComplaintStore
from .documents import DocumentStore
from .particulars import ParticularsStore
from .planning import PlanningStore
from .records import from_row
from .reporting import ReportingStore
from .retention import RetentionStore
from .review import ReviewStore
from .runs import RunStore
from .team import TeamStore
from .verification import VerificationStore


class Workbench(ApplicantStore, AuditStore, DocumentStore, TeamStore, PlanningStore, AnswerStore,
                CaseStore, CallbackStore, ParticularsStore, AdjustmentStore, CertificationStore,
                CertificateDecisionStore, ComplaintStore, ReviewStore, RetentionStore, ReportingStore, RunStore,
                VerificationStore, CheckpointStore):
    """One scheme, one database and the person acting: `Workbench(database_url, scheme, actor)`."""

    def trail_head(self) -> int:
        """The id of the newest trail entry: every write adds one, so an unchanged head means
        an unchanged store (what the dashboard's cache is keyed on)."""
        with self._reading_session() as session:
            return session.scalar(select(func.max(models.AuditTrail.id))) or 0

    def trail(self, entity: str | None = None) -> list[TrailEntry]:
        query = select(models.AuditTrail).order_by(models.AuditTrail.id)
        if entity:
            query = query.where(models.AuditTrail.entity == entity)
        with self._reading_session() as session:
            return [from_row(TrailEntry, r) for r in session.scalars(query)]
