"""Special deductions and the bonus that the report applies to the overall score."""
from __future__ import annotations

from sqlalchemy import select

from ..contract import Action, Entity
from ..domain import Adjustment
from ..errors import ConflictError
from . import models
from .base import StoreBase
from .records import from_row

ADJUSTMENT_KINDS = ("deduction", "bonus")


class AdjustmentStore(StoreBase):
    def add_adjustment(self, audit_id: int, kind: str, cause: str, note: str = "",
                       finding_id: int | None = None) -> None:
        """A special deduction names one of the scheme's causes and the finding (needing
        correction) it rests on; the bonus names one of the scheme's bonus causes."""
        if kind not in ADJUSTMENT_KINDS:
            raise ConflictError(f"未知的调整类型「{kind}」", f"Unknown adjustment '{kind}'; expected: deduction, bonus")
        rows = self.scheme.special_deduction_causes if kind == "deduction" else self.scheme.special_bonus_causes
        causes = {c.id: c.name for c in rows}
        if cause not in causes:
            listed = "、".join(f"{k}（{v}）" for k, v in causes.items())
            raise ConflictError(f"{'特别扣分' if kind == 'deduction' else '特别加分'}须注明原因：{listed}",
                                f"A special {kind} needs a cause from: {', '.join(causes)}")
        with self._writing_session(Action.EVALUATION, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "adjustments")
            if kind == "deduction":
                finding = session.get(models.Finding, finding_id) if finding_id is not None else None
                grade = self.scheme.finding_grades_by_id.get(finding.grade) if finding else None
                if finding is None or finding.audit_id != audit_id or grade.blocks_until == "none":
                    raise ConflictError("特别扣分须对应本申请中一项需要整改的不符合",
                                        "A special deduction must name a finding of this audit that "
                                        "needs correction")
            session.add(models.ScoreAdjustment(audit_id=audit_id, kind=kind, cause=cause, note=note,
                                               finding_id=finding_id if kind == "deduction" else None,
                                               recorded_by=self.actor))
            self._trail(session, "add", Entity.SCORE_ADJUSTMENT, audit_id,
                        {"kind": kind, "cause": cause, "note": note, "finding_id": finding_id}, audit=audit_id)

    def adjustments(self, audit_id: int) -> list[Adjustment]:
        with self._reading_session() as session:
            return [from_row(Adjustment, r)
                    for r in session.scalars(select(models.ScoreAdjustment).where(
                        models.ScoreAdjustment.audit_id == audit_id).order_by(models.ScoreAdjustment.id))]
