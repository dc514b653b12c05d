"""The committee's decisions on a certificate between audits (issue 22 §1), and the changes the
rules make due by themselves.

A suspension, withdrawal, cancellation, reinstatement or scope reduction is a decision of the
committee on its grounds (a complaint, the holder's request, a regulator's order, an overdue
corrective action …), recorded by a deciding member in their own name and signed as it is
recorded; it is carried out on the certificate afterwards, once, by someone who does not manage
the applicant. What the scheme marks `automatic` (a missed surveillance, the end of validity) is
applied by rule, naming the rule. Nothing else changes a certificate."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..contract import EFFECT_STATUS, Action, Entity, Reason, Status
from ..domain import Certificate, CertificateDecision, Scope
from ..errors import ConflictError
from ..rules.cycle import check_certificate_decision
from ..rules.decision import conflicted_members
from . import models, signing
from .base import StoreBase
from .certification import certificate_record
from .records import from_row

# The records of a programme manager's own acts on an applicant: whoever made them manages it,
# and does not carry out the committee's decisions on it (issue 22 §1).
MANAGING = (Entity.REVIEW, Entity.PROGRAMME, Entity.TEAM)


def certificate_decision_record(row: models.CertificateDecision) -> CertificateDecision:
    scope = row.scope
    return from_row(CertificateDecision, row, members=tuple(row.members), scope=Scope(
        tuple(scope["domains"]), scope.get("goods", ""), scope.get("services", ""),
        tuple(scope.get("sites", ()))) if scope else None)


class CertificateDecisionStore(StoreBase):
    def decide_on_certificate(self, number: str, *, outcome: str, grounds: str, grounds_detail: str,
                              decided_on: date, members: list[str], reasons: str, status_reason: str | None = None,
                              deadline: date | None = None, scope: Scope | None = None) -> int:
        """Record and sign the committee's decision on a certificate without an audit. The actor
        is one of the deciding members; none of them took part in an audit of the certificate's
        cycle; each has competence evidence for its domains. Returns the decision's id."""
        if not grounds_detail.strip() or not reasons.strip():
            raise ConflictError("请写明决定的依据（投诉编号、来函、通报……）和理由",
                                "Give the grounds in detail (the complaint, the letter, the order …) and the reasons")
        if not members:
            raise ConflictError("请填写参加决定的委员", "The deciding committee members must be recorded")
        certificate = self.find_certificate(number)
        if certificate is None:
            raise ConflictError(f"没有编号为 {number} 的证书", f"There is no certificate {number}")
        self._refuse_unless_competent(members, certificate.scope.domains)
        with self._writing_session(Action.DECISION, applicant=certificate.applicant_id) as session:
            self._refuse_unless_committee(session, members)
            conflicted = conflicted_members(members, self._cycle_team(session, certificate.applicant_id))
            if conflicted:
                raise ConflictError("以下人员参加过本认证周期的审核，不能对该证书作出决定：" + "、".join(conflicted),
                                    "These members took part in an audit of the certificate's cycle and may not "
                                    "decide on it: " + ", ".join(conflicted), code="decision.independence")
            row = self._row(session, models.Certificate, number)
            check_certificate_decision(self.scheme, outcome, grounds=grounds, certificate=certificate_record(row),
                                       decided_on=decided_on, status_reason=status_reason, deadline=deadline,
                                       scope=scope, today=self.clock.today())
            decision = models.CertificateDecision(
                certificate_number=number, outcome=outcome, grounds=grounds, grounds_detail=grounds_detail.strip(),
                status_reason=status_reason, deadline=deadline, decided_on=decided_on, members=list(members),
                reasons=reasons.strip(), recorded_by=self.actor, key_id=signing.key_id(), signature="",
                scope={"domains": list(scope.domains), "goods": scope.goods, "services": scope.services,
                       "sites": list(scope.sites)} if scope is not None else None)
            decision.signature = signing.sign(decision.statement())
            session.add(decision)
            session.flush()
            self._trail(session, "decide", Entity.CERTIFICATE_DECISION, decision.id, applicant=row.applicant_id,
                        detail={**decision.statement(), "signature": decision.signature})
            return decision.id

    def carry_out_certificate_decision(self, decision_id: int, on: date) -> Certificate:
        """Carry the decision out on the certificate, once: a status change naming the deciding
        members, or (a scope reduction) a new certificate under a new number that supersedes the
        old. Returns the holder's certificate afterwards."""
        with self._reading_session() as session:
            row = self._row(session, models.CertificateDecision, decision_id)
            applicant_id = self._row(session, models.Certificate, row.certificate_number).applicant_id
        with self._writing_session(Action.CERTIFICATE, applicant=applicant_id) as session:
            decision = self._row(session, models.CertificateDecision, decision_id)
            if decision.carried_out_on is not None:
                raise ConflictError(f"该决定已于 {decision.carried_out_on} 由 {decision.carried_out_by} 执行",
                                    f"This decision was carried out on {decision.carried_out_on} by "
                                    f"{decision.carried_out_by}", code="decision.carried_out")
            if not signing.verify(decision.statement(), decision.signature):
                raise ConflictError("该决定记录后被改动（签名不符），不能执行",
                                    "The decision was changed after it was recorded (its signature does not match); "
                                    "it cannot be carried out", code="decision.tampered")
            if on < decision.decided_on or on > self.clock.today():
                raise ConflictError(f"执行日期 {on} 应在决定日期 {decision.decided_on} 与今天之间",
                                    f"The day it is carried out ({on}) must fall between the decision "
                                    f"({decision.decided_on}) and today", code="chronology.carried_out_on")
            self._refuse_if_managing(session, applicant_id)
            row = self._row(session, models.Certificate, decision.certificate_number)
            outcome = self.scheme.outcomes_by_id[decision.outcome]
            members = "、".join(decision.members)
            if outcome.certificate == "reduce":
                applicant = self._row(session, models.Applicant, applicant_id)
                scope = decision.scope
                applicant.domains, applicant.goods, applicant.services = (
                    list(scope["domains"]), scope["goods"], scope["services"])
                row = self._issue(session, applicant, row.audit_id, level_rank=row.level_rank, year=on.year,
                                  issued_on=on, expires_on=row.expires_on, replaces=row,
                                  reason=Reason.SCOPE_REDUCED, decided_by=members)
            else:
                status = EFFECT_STATUS[outcome.certificate]
                reason = Reason.SUSPENSION_LIFTED if status == Status.VALID else decision.status_reason
                self._change_status(session, row, status, reason, decision.decided_on, members)
            decision.carried_out_on, decision.carried_out_by, decision.result_number = on, self.actor, row.number
            self._trail(session, "carry_out", Entity.CERTIFICATE_DECISION, decision_id, applicant=applicant_id,
                        detail={"outcome": decision.outcome, "on": on.isoformat(), "certificate": row.number})
            return certificate_record(row)

    def certificate_decisions(self, applicant_id: str) -> list[CertificateDecision]:
        """The committee's decisions between audits on any of the applicant's certificates, oldest first."""
        with self._reading_session() as session:
            numbers = select(models.Certificate.number).where(models.Certificate.applicant_id == applicant_id)
            return [certificate_decision_record(row) for row in session.scalars(
                select(models.CertificateDecision).where(models.CertificateDecision.certificate_number.in_(numbers))
                .order_by(models.CertificateDecision.id))]

    def change_status_by_rule(self, number: str, to_status: str, reason: str, on: date) -> None:
        """Apply a change the rules made due on `on` and the scheme marks automatic (a missed
        surveillance suspends, the end of validity expires); the history names the rule. Any
        other change is the committee's decision."""
        automatic = {(r.status, r.id) for r in self.scheme.status_reasons if r.automatic}
        if (to_status, reason) not in automatic:
            raise ConflictError(f"「{reason}」不是方案规定自动执行的变更，须由认证委员会决定",
                                f"'{reason}' is not a change the scheme applies by itself: the committee decides it",
                                code="status.needs_decision")
        if on > self.clock.today():
            raise ConflictError(f"{on} 尚未到来，不能按规则变更", f"{on} is in the future: nothing is due yet",
                                code="chronology.future")
        with self._writing_session(Action.CERTIFICATE) as session:
            self._change_status(session, self._row(session, models.Certificate, number), to_status, reason, on,
                                f"按规则 by rule: {reason}")

    def _cycle_team(self, session: Session, applicant_id: str) -> list[str]:
        """Everyone on the team of an audit of the applicant's current cycle."""
        latest = self._latest_audit(session, applicant_id)
        if latest is None:
            return []
        audits = [latest.id, *self._cycle_audits_before(session, latest.id)]
        return list(session.scalars(select(models.TeamMember.auditor_id).where(
            models.TeamMember.audit_id.in_(audits))))

    def _refuse_if_managing(self, session: Session, applicant_id: str) -> None:
        """Whoever manages the applicant's programme (reviewed its application, drew up its
        programme or appointed its team) does not carry out the decisions on it."""
        managed = session.scalar(select(models.AuditTrail.id).where(
            models.AuditTrail.applicant_id == applicant_id, models.AuditTrail.actor == self.actor,
            models.AuditTrail.entity.in_([e.value for e in MANAGING])).limit(1))
        if managed is not None:
            raise ConflictError(f"{self.actor} 管理该申请方的认证方案（申请评审、审核方案或审查组），不能执行对其的认证决定；"
                                "请由其他管理人员或认证决定人员执行",
                                f"{self.actor} manages this applicant's programme (review, programme or team) and may "
                                "not carry out the decisions on it: another administrator or a committee member must",
                                code="certificate.manager")

