"""Findings (不符合项, 观察项, 良好实践) and their corrective actions."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from ..errors import ConflictError
from ..rules.decision import FindingState
from . import models
from .base import StoreBase
from .database import transaction


def _finding_dict(row: models.Finding) -> dict:
    action = row.corrective_action
    return {
        "id": row.id, "grade": row.grade, "clause": row.clause, "description": row.description,
        "evidence": row.evidence, "raised_on": row.raised_on, "raised_by": row.raised_by,
        "plan": action.plan if action else "", "due_on": action.due_on if action else None,
        "plan_accepted_on": action.plan_accepted_on if action else None,
        "verified_on": action.verified_on if action else None,
        "verified_by": action.verified_by if action else None,
    }


class FindingStore(StoreBase):
    def add_finding(self, application_id: int, grade: str, clause: str, description: str, *,
                    evidence: str = "", raised_on: date | None = None) -> int:
        grades = self.scheme.finding_grades_by_id
        if grade not in grades:
            raise ConflictError(f"未知的发现等级「{grade}」", f"Unknown finding grade '{grade}'")
        if not description.strip():
            raise ConflictError("请填写发现的描述", "A finding needs a description")
        raised_on = raised_on or date.today()
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "report")
            row = models.Finding(application_id=application_id, grade=grade, clause=clause, description=description,
                                 evidence=evidence, raised_on=raised_on, raised_by=self.actor)
            session.add(row)
            session.flush()
            if grades[grade].blocks_until != "none":
                session.add(models.CorrectiveAction(
                    finding_id=row.id, plan="",
                    due_on=raised_on + relativedelta(months=grades[grade].deadline_months)))
            self._trail(session, "raise", "finding", row.id, {"grade": grade, "clause": clause,
                                                              "description": description})
            return row.id

    def _action(self, session, finding_id: int) -> models.CorrectiveAction:
        finding = self._row(session, models.Finding, finding_id)
        if finding.corrective_action is None:
            finding.corrective_action = models.CorrectiveAction(finding_id=finding_id, plan="")
            session.flush()
        return finding.corrective_action

    def set_corrective_plan(self, finding_id: int, plan: str, *, accepted_on: date | None = None) -> None:
        with transaction(self.engine) as session:
            action = self._action(session, finding_id)
            action.plan, action.plan_accepted_on = plan, accepted_on
            self._trail(session, "plan", "finding", finding_id, {"plan": plan, "accepted_on": str(accepted_on)})

    def verify_correction(self, finding_id: int, verified_on: date) -> None:
        with transaction(self.engine) as session:
            action = self._action(session, finding_id)
            if not action.plan.strip():
                raise ConflictError("尚无纠正措施计划，不能验证", "There is no corrective action plan to verify")
            action.verified_on, action.verified_by = verified_on, self.actor
            self._trail(session, "verify", "finding", finding_id, {"verified_on": str(verified_on)})

    def findings(self, application_id: int) -> list[dict]:
        with transaction(self.engine) as session:
            rows = session.scalars(select(models.Finding).where(models.Finding.application_id == application_id)
                                   .order_by(models.Finding.id)).all()
            return [_finding_dict(r) for r in rows]

    def finding_states(self, application_id: int) -> list[FindingState]:
        return [FindingState(str(f["id"]), f["grade"], f["raised_on"], f["plan_accepted_on"], f["verified_on"])
                for f in self.findings(application_id)]
