"""Complaints and appeals (ISO/IEC 17065 §7.13; 17021-1 §9.7–9.8).

Whoever investigates a complaint or handles an appeal must not have been involved in the
matter: not on an audit team of the applicant concerned, not among the committee members who
decided on it. The store refuses such a person, with the reason."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..contract import Action, Entity, SpecialReason
from ..domain import AppealRecord, ComplaintRecord
from ..errors import ConflictError
from . import models
from .base import StoreBase
from .records import from_row

COMPLAINANT_KINDS = {"client": "认证委托人/持证方 client", "third_party": "第三方 third party"}
COMPLAINT_ABOUT = {"certification_body": "认证机构 certification body", "holder": "持证方 certified holder"}


def _complaint(row: models.Complaint) -> ComplaintRecord:
    return from_row(ComplaintRecord, row, findings=row.findings or "", reply=row.reply or "")


def _appeal(row: models.Appeal) -> AppealRecord:
    return from_row(AppealRecord, row, reasons=row.reasons or "")


class ComplaintStore(StoreBase):
    # --- who was involved ------------------------------------------------------------------
    @staticmethod
    def _involved(session: Session, applicant_id: str | None, audit_id: int | None = None) -> set[str]:
        """Everyone on an audit team of the applicant or among the members who decided on it
        (of one audit when given)."""
        if applicant_id is None:
            return set()
        audits = select(models.Audit.id).where(models.Audit.applicant_id == applicant_id)
        if audit_id is not None:
            audits = audits.where(models.Audit.id == audit_id)
        team = set(session.scalars(select(models.TeamMember.auditor_id).where(
            models.TeamMember.audit_id.in_(audits))))
        for members in session.scalars(select(models.Decision.members).where(
                models.Decision.audit_id.in_(audits))):
            team.update(members)
        return team

    def _refuse_involved(self, session: Session, person: str, involved: set[str], what_zh: str, what_en: str) -> None:
        self._row(session, models.Auditor, person)  # a registered person
        if person in involved:
            raise ConflictError(f"{person} 参与过该事项（审查组成员或决定人员），不能{what_zh}",
                                f"{person} was involved in the matter (audit team or decision) and may not {what_en}",
                                code="complaint.involved")

    # --- complaints --------------------------------------------------------------------------
    def record_complaint(self, *, received_on: date, complainant: str, complainant_kind: str, about: str,
                         subject: str, applicant_id: str | None = None) -> int:
        if complainant_kind not in COMPLAINANT_KINDS or about not in COMPLAINT_ABOUT:
            raise ConflictError("投诉人类型应为 client 或 third_party，对象应为 certification_body 或 holder",
                                "complainant_kind must be client or third_party; about, certification_body or holder")
        if not complainant.strip() or not subject.strip():
            raise ConflictError("请填写投诉人和投诉内容", "The complainant and the subject must be recorded")
        if about == "holder" and applicant_id is None:
            raise ConflictError("针对持证方的投诉须指明持证方", "A complaint about a holder must name the holder")
        with self._writing_session(Action.COMPLAINTS) as session:
            if applicant_id is not None:
                self._row(session, models.Applicant, applicant_id)
            row = models.Complaint(received_on=received_on, complainant=complainant,
                                   complainant_kind=complainant_kind, about=about, applicant_id=applicant_id,
                                   subject=subject, recorded_by=self.actor)
            session.add(row)
            session.flush()
            self._trail(session, "record", Entity.COMPLAINT, row.id, {"about": about, "subject": subject},
                        applicant=applicant_id)
            return row.id

    @staticmethod
    def _concerns(row: models.Complaint | models.Appeal) -> dict:
        """What a case's trail entries concern: a complaint its holder, an appeal its audit."""
        if isinstance(row, models.Complaint):
            return {"applicant": row.applicant_id}
        return {"audit": row.audit_id}

    def _acknowledge(self, model: type[models.Complaint] | type[models.Appeal], case_id: int, on: date) -> None:
        with self._writing_session(Action.COMPLAINTS) as session:
            row = self._row(session, model, case_id)
            if on < row.received_on:
                raise ConflictError("确认日期早于收到日期", "Acknowledged before it was received")
            row.acknowledged_on = on
            self._trail(session, "acknowledge", model.__tablename__.removesuffix("s"), case_id,
                        {"on": on.isoformat()}, **self._concerns(row))

    def acknowledge_complaint(self, complaint_id: int, on: date) -> None:
        self._acknowledge(models.Complaint, complaint_id, on)

    def assign_complaint(self, complaint_id: int, investigator: str) -> None:
        """Name who investigates: never someone involved with the holder concerned."""
        with self._writing_session(Action.COMPLAINTS) as session:
            row = self._row(session, models.Complaint, complaint_id)
            self._refuse_involved(session, investigator, self._involved(session, row.applicant_id),
                                  "调查此投诉", "investigate this complaint")
            row.investigator = investigator
            self._trail(session, "assign", Entity.COMPLAINT, complaint_id, {"investigator": investigator},
                        applicant=row.applicant_id)

    def close_complaint(self, complaint_id: int, *, outcome: str, findings: str, action: str, replied_on: date,
                        reply: str, special_audit_on: date | None = None) -> int | None:
        """Record the investigation's outcome, what it triggers and the reply. A special audit
        of the holder is opened here (its id is returned); a suspension is decided by the
        committee and recorded on the certificate."""
        if outcome not in {o.id for o in self.scheme.complaint_outcomes}:
            raise ConflictError(f"未知的投诉结论「{outcome}」", f"Unknown complaint outcome '{outcome}'")
        if action not in {a.id for a in self.scheme.complaint_actions}:
            raise ConflictError(f"未知的后续措施「{action}」", f"Unknown complaint action '{action}'")
        if not findings.strip() or not reply.strip():
            raise ConflictError("请填写调查结果和答复", "The findings and the reply must be recorded")
        with self._writing_session(Action.COMPLAINTS) as session:
            row = self._row(session, models.Complaint, complaint_id)
            if row.investigator is None:
                raise ConflictError("尚未指定调查人", "Nobody has been named to investigate")
            if row.outcome is not None:
                raise ConflictError("该投诉已处理完毕", "This complaint is already closed")
            if action != "none" and row.about != "holder":
                raise ConflictError("只有针对持证方的投诉可导致特殊审核或暂停",
                                    "Only a complaint about a holder can lead to a special audit or a suspension")
            row.outcome, row.findings, row.action, row.replied_on, row.reply = outcome, findings, action, replied_on, reply
            if action == "special_audit":  # in the same transaction: no closed complaint without its audit
                row.audit_id = self._open_audit(session, row.applicant_id, "special", special_audit_on or replied_on,
                                                f"投诉 complaint {complaint_id}: {row.subject}",
                                                special_reason=SpecialReason.COMPLAINT)
            self._trail(session, "close", Entity.COMPLAINT, complaint_id,
                        {"outcome": outcome, "action": action, "replied_on": replied_on.isoformat(),
                         "audit_id": row.audit_id}, applicant=row.applicant_id)
            return row.audit_id

    def complaints(self, applicant_id: str | None = None) -> list[ComplaintRecord]:
        query = select(models.Complaint).order_by(models.Complaint.id)
        if applicant_id is not None:
            query = query.where(models.Complaint.applicant_id == applicant_id)
        with self._reading_session() as session:
            return [_complaint(row) for row in session.scalars(query)]

    # --- appeals -----------------------------------------------------------------------------
    def record_appeal(self, audit_id: int, *, received_on: date, appellant: str, grounds: str) -> int:
        if not appellant.strip() or not grounds.strip():
            raise ConflictError("请填写申诉人和申诉理由", "The appellant and the grounds must be recorded")
        with self._writing_session(Action.COMPLAINTS, audit=audit_id) as session:
            decision = session.scalar(select(models.Decision).where(models.Decision.audit_id == audit_id))
            if decision is None:
                raise ConflictError("该审核尚无认证决定，无可申诉", "This audit has no decision to appeal against")
            row = models.Appeal(audit_id=audit_id, received_on=received_on, appellant=appellant,
                                grounds=grounds, recorded_by=self.actor)
            session.add(row)
            session.flush()
            self._trail(session, "record", Entity.APPEAL, row.id, {"grounds": grounds}, audit=audit_id)
            return row.id

    def acknowledge_appeal(self, appeal_id: int, on: date) -> None:
        self._acknowledge(models.Appeal, appeal_id, on)

    def assign_appeal(self, appeal_id: int, handler: str) -> None:
        """Name who handles the appeal: nobody involved in the decision appealed or its audit."""
        with self._writing_session(Action.COMPLAINTS) as session:
            row = self._row(session, models.Appeal, appeal_id)
            applicant = self._row(session, models.Audit, row.audit_id).applicant_id
            self._refuse_involved(session, handler, self._involved(session, applicant, row.audit_id),
                                  "处理此申诉", "handle this appeal")
            row.handler = handler
            self._trail(session, "assign", Entity.APPEAL, appeal_id, {"handler": handler}, audit=row.audit_id)

    def decide_appeal(self, appeal_id: int, *, outcome: str, reasons: str, decided_on: date, replied_on: date) -> None:
        """Record the appeal's outcome. An upheld appeal reopens the decision: the decision
        appealed is removed from force (the trail keeps it whole) and the committee decides again."""
        if outcome not in {o.id for o in self.scheme.appeal_outcomes}:
            raise ConflictError(f"未知的申诉结论「{outcome}」", f"Unknown appeal outcome '{outcome}'")
        if not reasons.strip():
            raise ConflictError("请填写申诉处理理由", "The reasons must be recorded")
        with self._writing_session(Action.COMPLAINTS) as session:
            row = self._row(session, models.Appeal, appeal_id)
            if row.handler is None:
                raise ConflictError("尚未指定申诉处理人", "Nobody has been named to handle the appeal")
            if row.outcome is not None:
                raise ConflictError("该申诉已处理完毕", "This appeal is already decided")
            row.outcome, row.reasons, row.decided_on, row.replied_on = outcome, reasons, decided_on, replied_on
            detail = {"outcome": outcome, "reasons": reasons, "decided_on": decided_on.isoformat()}
            if outcome == "upheld":
                detail["reopened_decision"] = self._reopen_decision(
                    session, row.audit_id, ("申诉成立，认证决定已重开", "an upheld appeal reopened the decision"))
            self._trail(session, "decide", Entity.APPEAL, appeal_id, detail, audit=row.audit_id)

    def appeals(self, applicant_id: str | None = None) -> list[AppealRecord]:
        query = select(models.Appeal).order_by(models.Appeal.id)
        if applicant_id is not None:
            query = query.join(models.Audit).where(models.Audit.applicant_id == applicant_id)
        with self._reading_session() as session:
            return [_appeal(row) for row in session.scalars(query)]
