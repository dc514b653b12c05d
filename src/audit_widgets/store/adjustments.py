"""Special deductions and the bonus that the report applies to the overall score."""
from __future__ import annotations

from sqlalchemy import select

from ..domain import Adjustment
from ..errors import ConflictError
from . import models
from .base import StoreBase

ADJUSTMENT_KINDS = ("deduction", "bonus")


class AdjustmentStore(StoreBase):
    def add_adjustment(self, application_id: int, kind: str, cause: str, note: str = "") -> None:
        causes = {c.id for c in self.scheme.special_deduction_causes}
        if kind not in ADJUSTMENT_KINDS or (kind == "deduction" and cause not in causes):
            raise ConflictError("特别扣分须注明原因（违法、违反自身规定或行业规范）",
                                f"A special deduction needs a cause from: {', '.join(sorted(causes))}")
        with self._writing_session() as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "adjustments")
            session.add(models.ScoreAdjustment(application_id=application_id, kind=kind, cause=cause, note=note,
                                               recorded_by=self.actor))
            self._trail(session, "add", "score_adjustment", application_id, {"kind": kind, "cause": cause, "note": note})

    def adjustments(self, application_id: int) -> list[Adjustment]:
        with self._reading_session() as session:
            return [Adjustment(r.kind, r.cause, r.note, r.recorded_by)
                    for r in session.scalars(select(models.ScoreAdjustment).where(
                        models.ScoreAdjustment.application_id == application_id).order_by(models.ScoreAdjustment.id))]
