"""The workbench API: the only code that writes the database.

Every public method that writes runs in one transaction and leaves an audit-trail row, so
a failed write changes nothing and every change can be traced to who made it and when.
Reads return the typed records of `audit_widgets.domain`; `with workbench.reading() as view:`
gives one consistent snapshot for answers built from many reads. The API is split by
concern into the stores it combines.
"""
from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ..domain import TrailEntry
from ..errors import WorkbenchError
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
from .outputs import OutputStore
from .particulars import ParticularsStore
from .planning import PlanningStore
from .portfolio import PortfolioStore
from .records import from_row
from .reporting import ReportingStore
from .retention import RetentionStore
from .review import ReviewStore
from .runs import RunStore
from .team import TeamStore
from .verification import VerificationStore

if TYPE_CHECKING:
    from ..imports.registry import Imported


class Workbench(ApplicantStore, AuditStore, DocumentStore, TeamStore, PlanningStore, AnswerStore,
                CaseStore, CallbackStore, ParticularsStore, AdjustmentStore, CertificationStore,
                CertificateDecisionStore, ComplaintStore, ReviewStore, RetentionStore, ReportingStore, RunStore,
                VerificationStore, CheckpointStore, OutputStore, PortfolioStore):
    """One scheme, one database and the person acting: `Workbench(database_url, scheme, actor)`."""

    def import_file(self, importer_id: str, source: Path | bytes, filename: str, applicant_id: str | None = None,
                    mapping: Path | bytes | None = None, mapping_name: str = "mapping.yaml",
                    audit_id: int | None = None) -> Imported:
        """One file through the importer registry: read and checked whole, then stored (the
        command line, the upload buttons and the workbench service all import so). A file's bytes,
        as the workbench service receives them, are read from a private temporary folder under
        their own names (a survey layout is known by its file's name)."""
        from ..imports.registry import importers
        with tempfile.TemporaryDirectory() as folder:
            def as_file(content: Path | bytes, name: str) -> Path:
                if isinstance(content, Path):
                    return content
                path = Path(folder) / Path(name).name
                path.write_bytes(content)
                return path
            try:
                return importers.get(importer_id).run(self, as_file(source, filename), applicant_id,
                                                      None if mapping is None else as_file(mapping, mapping_name),
                                                      audit_id)
            except WorkbenchError as exc:  # a sent file's problems name it as its sender knows it, not our copy
                if exc.file and exc.file.startswith(folder):
                    exc.file = Path(exc.file).name
                exc.problems = [replace(p, file=Path(p.file).name) if p.file and p.file.startswith(folder) else p
                                for p in exc.problems]
                raise

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
