"""Findings (不符合项, 观察项, 良好实践) and their corrective actions.

There is one list of findings. A grade set on a checklist row raises (or updates) that row's
finding in the same transaction as the answer; clearing the grade withdraws it, with a
trail. The gates, the report and the widgets all read this list."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..contract import Action, Entity
from ..domain import Finding, FindingState
from ..errors import ConflictError
from ..rules.chronology import Event, refuse_before, refuse_future
from ..rules.evidence import open_at_decision
from . import models
from .base import StoreBase
from .records import from_row

GRADE_CLEARED = "清单条目的等级已清除 / the grade on the checklist row was cleared"


def finding_record(row: models.Finding) -> Finding:
    action = row.corrective_action
    return from_row(
        Finding, row,
        plan=action.plan if action else "", due_on=action.due_on if action else None,
        plan_accepted_on=action.plan_accepted_on if action else None,
        verified_on=action.verified_on if action else None, verified_by=action.verified_by if action else None,
        withdrawn_reason=row.withdrawn_reason or "",
        correction=action.correction if action else "", root_cause=action.root_cause if action else "",
        implementation_evidence=action.implementation_evidence if action else "",
        accepted_by=action.accepted_by if action else None,
    )


class FindingStore(StoreBase):
    def _check_grade(self, grade: str) -> None:
        if not grade:
            raise ConflictError("请选择发现等级", "Choose the finding's grade")
        if grade not in self.scheme.finding_grades_by_id:
            raise ConflictError(f"未知的发现等级「{grade}」", f"Unknown finding grade '{grade}'")

    def _raise_finding(self, session: Session, audit_id: int, grade: str, clause: str, description: str,
                       evidence: str, raised_on: date, item_id: str | None = None) -> models.Finding:
        row = models.Finding(audit_id=audit_id, clause=clause, description=description,
                             evidence=evidence, raised_on=raised_on, raised_by=self.actor, item_id=item_id)
        self._grade(session, row, grade)
        session.add(row)
        session.flush()
        self._set_deadline(row)
        self._trail(session, "raise", Entity.FINDING, row.id, audit=audit_id, detail={
            "grade": row.grade, "clause": clause, "description": description, "item_id": item_id,
            "repeat_of": row.repeat_of, "graded_as": row.graded_as})
        return row

    def _grade(self, session: Session, row: models.Finding, grade: str) -> None:
        """Give the finding the auditor's grade; a nonconformity on the item or clause of an
        active nonconformity of an earlier audit of the cycle is a repeat, marked with that
        finding, and takes the grade the scheme raises a repeat to (repeat_raises_to)."""
        grades = self.scheme.finding_grades_by_id
        earlier = None
        if grades[grade].nonconformity:
            cycle = self._cycle_audits_before(session, row.audit_id)
            earlier = session.scalar(select(models.Finding).where(
                models.Finding.audit_id.in_(cycle), models.Finding.clause == row.clause,
                models.Finding.withdrawn_on.is_(None),
                models.Finding.grade.in_([g.id for g in grades.values() if g.nonconformity]))
                .order_by(models.Finding.id.desc()).limit(1)) if cycle else None
        raised = grades[grade].repeat_raises_to if earlier is not None else None
        row.grade = raised or grade
        row.graded_as = grade if raised and raised != grade else None
        row.repeat_of = earlier.id if earlier is not None else None

    def _set_deadline(self, row: models.Finding) -> None:
        """A grade that blocks certification gets a corrective action due by the grade's deadline."""
        grade = self.scheme.finding_grades_by_id[row.grade]
        if grade.blocks_until == "none":
            return
        if row.corrective_action is None:
            row.corrective_action = models.CorrectiveAction(finding_id=row.id, plan="")
        row.corrective_action.due_on = grade.deadline(row.raised_on)

    def add_finding(self, audit_id: int, grade: str, clause: str, description: str, *,
                    evidence: str = "", raised_on: date | None = None) -> int:
        self._check_grade(grade)
        if not description.strip():
            raise ConflictError("请填写发现的描述", "A finding needs a description")
        with self._writing_session(Action.EVALUATION, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "findings")
            return self._raise_finding(session, audit_id, grade, clause, description, evidence,
                                       raised_on or self._finding_day(session, audit_id)).id

    def _refuse_unless_followed_up(self, finding_id: int, audit_id: int, following_up: int) -> None:
        """The finding is one its audit left open at its decision, and `following_up` is the next audit."""
        with self._reading_session() as session:
            finding = self._row(session, models.Finding, finding_id)
            previous = session.scalar(select(models.Audit.id).where(
                models.Audit.applicant_id == self._row(session, models.Audit, following_up).applicant_id,
                models.Audit.id < following_up).order_by(models.Audit.id.desc()).limit(1))
            decided = session.scalar(select(models.Decision.decided_on).where(models.Decision.audit_id == audit_id))
            action = finding.corrective_action
            due, verified = (action.due_on, action.verified_on) if action is not None else (None, None)
        if previous != audit_id or not open_at_decision(due, verified, decided):
            raise ConflictError(
                f"发现 {finding_id} 不是上一次审核在决定时仍未关闭的发现，不能由审核 {following_up} 跟踪验证",
                f"Finding {finding_id} is not one the previous audit left open at its decision: audit "
                f"{following_up} does not follow it up", code="finding.not_followed_up")

    def _finding_day(self, session: Session, audit_id: int) -> date:
        """The audit day a finding is dated by when none is given: the last on-site day (today,
        while the audit is still on site), else today before the audit is planned."""
        programme = session.scalar(select(models.AuditProgramme).where(models.AuditProgramme.audit_id == audit_id))
        last = (programme.audit_end or programme.audit_start) if programme is not None else None
        return min(last, self.clock.today()) if last is not None else self.clock.today()

    def _sync_row_finding(self, session: Session, audit_id: int, item_id: str, grade: str | None,
                          note: str) -> None:
        """Make the row's finding match the row's grade: raise, update or withdraw it."""
        row = session.scalar(select(models.Finding).where(
            models.Finding.audit_id == audit_id, models.Finding.item_id == item_id,
            models.Finding.withdrawn_on.is_(None)))
        if grade is None:
            if row is not None:
                self._refuse_if_locked(session, audit_id, "findings")
                row.withdrawn_on, row.withdrawn_reason = self.clock.today(), GRADE_CLEARED
                self._trail(session, "withdraw", Entity.FINDING, row.id, {"item_id": item_id, "reason": GRADE_CLEARED},
                            audit=audit_id)
            return
        item = self.scheme.items_by_id[item_id]
        description = f"{item.text}" + (f"：{note}" if note.strip() else "")
        if row is None:
            self._refuse_if_locked(session, audit_id, "findings")
            self._raise_finding(session, audit_id, grade, item_id, description, note,
                                self._finding_day(session, audit_id), item_id)
        elif (row.graded_as or row.grade, row.description, row.evidence) != (grade, description, note):
            self._refuse_if_locked(session, audit_id, "findings")
            self._grade(session, row, grade)
            row.description, row.evidence = description, note
            self._set_deadline(row)
            self._trail(session, "update", Entity.FINDING, row.id, {"grade": grade, "description": description},
                        audit=row.audit_id)

    def save_corrective_action(self, finding_id: int, plan: str, *, accepted_on: date | None = None,
                               verified_on: date | None = None, correction: str = "", root_cause: str = "",
                               implementation_evidence: str = "", following_up: int | None = None) -> None:
        """The corrective action of a finding as one record: the correction, the root cause, the
        action (`plan`) and the evidence of its implementation; when and by whom the plan was
        accepted, and when and by whom it was verified. A date after today is refused.
        `following_up`: the next audit, whose team verifies the findings its previous audit left
        open at its decision (ISO/IEC 17021-1 §9.6.2.2); its team then writes, not the finding's."""
        if (accepted_on or verified_on) and not plan.strip():
            raise ConflictError("尚无纠正措施计划，不能接受或验证", "There is no corrective action plan to accept or verify")
        audit_id = self._audit_of(models.Finding, finding_id)
        if following_up is not None:
            self._refuse_unless_followed_up(finding_id, audit_id, following_up)
            audit_id = following_up
        with self._writing_session(Action.EVALUATION, audit=audit_id, open_after_decision=True) as session:
            # Not locked by the report's sign-off, nor by the decision: corrections are verified after both.
            finding = self._row(session, models.Finding, finding_id)
            if finding.withdrawn_on is not None:
                raise ConflictError("该发现已撤销", "This finding was withdrawn")
            for day, zh, en in ((accepted_on, "接受纠正措施计划的日期", "accepting the plan"),
                                (verified_on, "验证纠正措施的日期", "verifying the correction")):
                if day is not None:
                    refuse_future(Event(day, zh, en), self.clock.today())
            raised = Event(finding.raised_on, "发现的日期", "the finding")
            if accepted_on is not None:
                refuse_before(raised, Event(accepted_on, "接受纠正措施计划的日期", "accepting the plan"),
                              "chronology.action_before_finding")
            if verified_on is not None:
                refuse_before(raised, Event(verified_on, "验证纠正措施的日期", "verifying the correction"),
                              "chronology.action_before_finding")
                if accepted_on is not None:
                    refuse_before(Event(accepted_on, "接受计划的日期", "accepting the plan"),
                                  Event(verified_on, "验证纠正措施的日期", "verifying the correction"),
                                  "chronology.verified_before_accepted")
            action = finding.corrective_action
            if action is None:
                action = finding.corrective_action = models.CorrectiveAction(finding_id=finding_id, plan="")
            action.plan, action.correction, action.root_cause = plan, correction, root_cause
            action.implementation_evidence = implementation_evidence
            if accepted_on != action.plan_accepted_on:
                action.plan_accepted_on, action.accepted_by = accepted_on, self.actor if accepted_on else None
            if verified_on != action.verified_on:
                action.verified_on, action.verified_by = verified_on, self.actor if verified_on else None
            self._trail(session, "corrective_action", Entity.FINDING, finding_id, audit=finding.audit_id, detail=
                        {"plan": plan, "correction": correction, "root_cause": root_cause,
                         "implementation_evidence": implementation_evidence, "accepted_on": str(accepted_on),
                         "accepted_by": action.accepted_by, "verified_on": str(verified_on),
                         "verified_by": action.verified_by})

    def findings(self, audit_id: int, *, include_withdrawn: bool = False) -> list[Finding]:
        """The audit's findings; withdrawn ones only when asked (for the record)."""
        with self._reading_session() as session:
            query = select(models.Finding).where(models.Finding.audit_id == audit_id)
            if not include_withdrawn:
                query = query.where(models.Finding.withdrawn_on.is_(None))
            return [finding_record(r) for r in session.scalars(query.order_by(models.Finding.id))]

    def finding_states(self, audit_id: int) -> list[FindingState]:
        return [f.state() for f in self.findings(audit_id)]
