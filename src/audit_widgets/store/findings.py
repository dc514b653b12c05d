"""Findings (不符合项, 观察项, 良好实践) and their corrective actions."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..domain import Finding, FindingState
from ..errors import ConflictError
from . import models
from .base import StoreBase


def _finding(row: models.Finding) -> Finding:
    action = row.corrective_action
    return Finding(
        row.id, row.grade, row.clause, row.description, row.evidence, row.raised_on, row.raised_by,
        plan=action.plan if action else "", due_on=action.due_on if action else None,
        plan_accepted_on=action.plan_accepted_on if action else None,
        verified_on=action.verified_on if action else None, verified_by=action.verified_by if action else None,
    )


class FindingStore(StoreBase):
    def add_finding(self, application_id: int, grade: str, clause: str, description: str, *,
                    evidence: str = "", raised_on: date | None = None) -> int:
        grades = self.scheme.finding_grades_by_id
        if grade not in grades:
            raise ConflictError(f"未知的发现等级「{grade}」", f"Unknown finding grade '{grade}'")
        if not description.strip():
            raise ConflictError("请填写发现的描述", "A finding needs a description")
        raised_on = raised_on or date.today()
        with self._writing_session() as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "findings")
            row = models.Finding(application_id=application_id, grade=grade, clause=clause, description=description,
                                 evidence=evidence, raised_on=raised_on, raised_by=self.actor)
            session.add(row)
            session.flush()
            if grades[grade].blocks_until != "none":
                session.add(models.CorrectiveAction(finding_id=row.id, plan="",
                                                    due_on=grades[grade].deadline(raised_on)))
            self._trail(session, "raise", "finding", row.id, {"grade": grade, "clause": clause,
                                                              "description": description})
            return row.id

    def save_corrective_action(self, finding_id: int, plan: str, *, accepted_on: date | None = None,
                               verified_on: date | None = None) -> None:
        """The corrective action of a finding: its plan, when the plan was accepted and when
        the correction was verified, written together."""
        if (accepted_on or verified_on) and not plan.strip():
            raise ConflictError("尚无纠正措施计划，不能接受或验证", "There is no corrective action plan to accept or verify")
        with self._writing_session() as session:
            # Not locked by the report's sign-off: corrections are verified after the report.
            finding = self._row(session, models.Finding, finding_id)
            action = finding.corrective_action
            if action is None:
                action = finding.corrective_action = models.CorrectiveAction(finding_id=finding_id, plan="")
            action.plan, action.plan_accepted_on = plan, accepted_on
            if verified_on != action.verified_on:
                action.verified_on, action.verified_by = verified_on, self.actor if verified_on else None
            self._trail(session, "corrective_action", "finding", finding_id,
                        {"plan": plan, "accepted_on": str(accepted_on), "verified_on": str(verified_on)})

    def findings(self, application_id: int) -> list[Finding]:
        with self._reading_session() as session:
            rows = session.scalars(select(models.Finding).where(models.Finding.application_id == application_id)
                                   .order_by(models.Finding.id)).all()
            return [_finding(r) for r in rows]

    def finding_states(self, application_id: int) -> list[FindingState]:
        return [f.state() for f in self.findings(application_id)]
