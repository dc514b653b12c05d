"""The application review and the audit plan: the records that open an audit's planning."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlalchemy import select

from ..contract import Action, Entity
from ..domain import AuditPlanRecord, ReviewRecord
from ..errors import ConflictError
from ..rules.review import review_application
from . import models
from .base import StoreBase
from .records import from_row


def _review(row: models.ApplicationReview) -> ReviewRecord:
    return from_row(ReviewRecord, row, licences=dict(row.licences), assessment=dict(row.assessment))


class ReviewStore(StoreBase):
    def record_review(self, audit_id: int, *, licences: dict[str, dict], credit_clear: bool,
                      credit_evidence: str, parent_authorisation: str = "", domain_reason: str, accepted: bool,
                      reason: str, reviewed_on: date) -> ReviewRecord:
        """Record the review. Acceptance is refused while the rules find any problem; a refusal
        needs its reason and ends the audit at review (its letter: documents.letters)."""
        if not reason.strip():
            raise ConflictError("请写明受理或不予受理的理由", "Write the reason for accepting or refusing")
        applicant = self.get_applicant(self.audit(audit_id).applicant_id)
        check = review_application(self.scheme, applicant, licences=licences, credit_clear=credit_clear,
                                   credit_evidence=credit_evidence, parent_authorisation=parent_authorisation,
                                   domain_reason=domain_reason, auditors=self.auditors(), on=reviewed_on)
        with self._writing_session(Action.REVIEW, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "review")
            if accepted and not check.acceptable:
                raise ConflictError("评审发现以下问题，不能受理：\n" + "\n".join(p.zh for p in check.problems),
                                    "The review found problems; the application cannot be accepted:\n"
                                    + "\n".join(p.en for p in check.problems))
            values = {"licences": licences, "credit_clear": credit_clear, "credit_evidence": credit_evidence,
                      "parent_authorisation": parent_authorisation, "domain_reason": domain_reason,
                      "assessment": {"problems": [asdict(p) for p in check.problems], "branch": check.branch,
                                     "licences_needed": check.licences_needed, "competent": check.competent},
                      "accepted": accepted, "reason": reason, "reviewed_by": self.actor, "reviewed_on": reviewed_on}
            self._upsert(session, models.ApplicationReview, audit_id, values)
            self._trail(session, "review", Entity.REVIEW, audit_id,
                        {"accepted": accepted, "reason": reason, "problems": len(check.problems)},
                        audit=audit_id)
            session.flush()
            return _review(session.scalar(select(models.ApplicationReview).where(
                models.ApplicationReview.audit_id == audit_id)))

    def review(self, audit_id: int) -> ReviewRecord | None:
        with self._reading_session() as session:
            row = session.scalar(select(models.ApplicationReview).where(
                models.ApplicationReview.audit_id == audit_id))
            return _review(row) if row is not None else None

    def save_audit_plan(self, audit_id: int, *, team_sent_on: date | None, objections: list[dict],
                        agenda: list[dict]) -> None:
        """The plan sent to the client: when the team's names went out, each objection to a
        member with how it was resolved, and the agenda by day and site."""
        with self._writing_session(Action.AUDIT_PLAN, audit=audit_id) as session:
            audit = self._row(session, models.Audit, audit_id)
            self._refuse_if_locked(session, audit_id, "audit_plan")
            team = set(session.scalars(select(models.TeamMember.auditor_id).where(
                models.TeamMember.audit_id == audit_id)))
            sites = {site["name"] for site in audit.applicant.sites or ()}
            for number, objection in enumerate(objections, start=1):
                if not all(str(objection.get(k, "")).strip() for k in ("member", "reason", "resolution")):
                    raise ConflictError(f"第 {number} 条异议须写明成员、理由和处理结果",
                                        f"Objection {number} needs the member, the reason and how it was resolved")
            for number, line in enumerate(agenda, start=1):
                unknown = [a for a in line.get("auditors", []) if a not in team]
                if line.get("site") not in sites or unknown or not str(line.get("activity", "")).strip():
                    raise ConflictError(
                        f"日程第 {number} 行：场所须为申请方的场所，审查员须为本审查组成员，并写明活动",
                        f"Agenda line {number}: the site must be one of the applicant's, the auditors on the team, "
                        "and the activity written")
            values = {"team_sent_on": team_sent_on, "objections": objections,
                      "agenda": [{**line, "day": str(line["day"])} for line in agenda], "recorded_by": self.actor}
            self._upsert(session, models.AuditPlan, audit_id, values)
            self._trail(session, "save", Entity.AUDIT_PLAN, audit_id, values, audit=audit_id)

    def audit_plan(self, audit_id: int) -> AuditPlanRecord | None:
        with self._reading_session() as session:
            row = session.scalar(select(models.AuditPlan).where(models.AuditPlan.audit_id == audit_id))
            if row is None:
                return None
            return AuditPlanRecord(row.team_sent_on, tuple(row.objections), tuple(row.agenda))
