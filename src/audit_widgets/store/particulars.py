"""What the audit team states in the report beside the checklists (the scheme's
report_particulars, ISO/IEC 17021-1 §9.4.8): the client's representative, observers and guides,
changes since the last audit, the internal audit and management review, the use of the
certificate and mark, and issues for the audit programme. Locked when the report is signed."""
from __future__ import annotations

from sqlalchemy import select

from ..contract import Action, Entity
from ..domain import ReportParticular
from ..errors import ConflictError
from . import models
from .base import StoreBase
from .records import from_row


class ParticularsStore(StoreBase):
    def save_particulars(self, audit_id: int, values: dict[str, str]) -> None:
        """Record the given particulars (id → text, or a choice's id); an empty text removes one.
        An unknown particular or a choice the scheme does not allow is refused, naming it, and
        nothing is written."""
        known = self.scheme.particulars_by_id
        for particular_id, value in values.items():
            if particular_id not in known:
                raise ConflictError(f"方案中没有报告事项「{particular_id}」",
                                    f"The scheme has no report particular '{particular_id}'", code="particular.unknown")
            allowed = [c.id for c in known[particular_id].choices]
            if allowed and value.strip() and value not in allowed:
                raise ConflictError(
                    f"「{known[particular_id].name}」只能是：{'、'.join(allowed)}（收到「{value}」）",
                    f"'{known[particular_id].name_en}' must be one of {', '.join(allowed)} (got '{value}')",
                    code="particular.choice")
        with self._writing_session(Action.EVALUATION, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "particulars")
            rows = {row.particular: row for row in session.scalars(select(models.ReportParticular).where(
                models.ReportParticular.audit_id == audit_id))}
            changed = {}
            for particular_id, value in values.items():
                value, row = value.strip(), rows.get(particular_id)
                if row is not None and row.value == value:
                    continue
                if row is not None and not value:
                    session.delete(row)
                elif row is not None:
                    row.value, row.recorded_by, row.recorded_at = value, self.actor, models.utcnow()
                elif value:
                    session.add(models.ReportParticular(audit_id=audit_id, particular=particular_id, value=value,
                                                        recorded_by=self.actor))
                changed[particular_id] = value
            if changed:
                self._trail(session, "save", Entity.REPORT_PARTICULARS, audit_id, changed, audit=audit_id)

    def particulars(self, audit_id: int) -> dict[str, ReportParticular]:
        """The audit's particulars as recorded, by id."""
        with self._reading_session() as session:
            return {row.particular: from_row(ReportParticular, row) for row in session.scalars(
                select(models.ReportParticular).where(models.ReportParticular.audit_id == audit_id))}
