"""What was reported to CNCA's platform, month by month (reporting/cnca.py builds the report)."""
from __future__ import annotations

from sqlalchemy import select

from ..contract import Action, Entity
from . import models
from .base import StoreBase


class ReportingStore(StoreBase):
    def reported_lines(self, month: str) -> dict[tuple[str, str], str]:
        """(sheet, row key) → the hash of the newest report of that line, for the month."""
        with self._reading_session() as session:
            rows = session.scalars(select(models.CncaReported).where(models.CncaReported.month == month)
                                   .order_by(models.CncaReported.id))
            return {(r.sheet, r.row_key): r.row_hash for r in rows}

    def reported_months(self) -> set[str]:
        with self._reading_session() as session:
            return set(session.scalars(select(models.CncaReported.month).distinct()))

    def record_cnca_report(self, month: str, lines: list[tuple[str, str, str]], file_name: str) -> None:
        """Record the lines (sheet, row key, hash) of a month's report, once it is written."""
        with self._writing_session(Action.REPORTING) as session:
            for sheet, key, digest in lines:
                session.add(models.CncaReported(month=month, sheet=sheet, row_key=key, row_hash=digest,
                                                reported_by=self.actor))
            self._trail(session, "report", Entity.CNCA_REPORT, month, {"lines": len(lines), "file": file_name})
