"""The committee's decision, certificates and every change of their status.

The decision and lifecycle rules are called here, inside the write's transaction, so that
no caller can record a decision or a status change that the rules refuse."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..domain import Certificate, Decision, Scope, StatusChange, overrides
from ..errors import ConflictError
from ..rules.decision import conflicted_members
from ..rules.lifecycle import certificate_number, certificate_year_prefix, change_status, expiry_date
from . import models
from .base import StoreBase


def _certificate(row: models.Certificate) -> Certificate:
    scope = Scope(tuple(row.scope["domains"]), row.scope.get("goods", ""), row.scope.get("services", ""),
                  tuple(row.scope.get("sites", ())))
    return Certificate(row.number, row.applicant_id, row.application_id, row.level_rank, scope, row.issued_on,
                       row.expires_on, row.status, row.scheme_version)


def _scope_data(scope: Scope) -> dict:
    return {"domains": list(scope.domains), "goods": scope.goods, "services": scope.services,
            "sites": list(scope.sites)}


class CertificationStore(StoreBase):
    def record_decision(self, application_id: int, *, decided_on: date, certified: bool, level_rank: int,
                        members: list[str], reasons: str, recommendation: dict, override_reason: str = "") -> None:
        """Record the committee's decision. A member who was on the audit team is refused; a
        decision against the audit team's recommendation needs a written justification."""
        if not members:
            raise ConflictError("请填写参加决定的委员", "The deciding committee members must be recorded")
        if not reasons.strip():
            raise ConflictError("请填写决定理由", "The reasons for the decision must be recorded")
        advised = bool(recommendation.get("certifiable"))
        against = overrides(recommendation, certified, level_rank)
        if against and not override_reason.strip():
            raise ConflictError(
                f"决定与审查组的推荐意见（{'建议批准' if advised else '建议不予认证'}，等级 "
                f"{(recommendation.get('level') or {}).get('rank', '—')}）不一致，须写明理由",
                "The decision departs from the audit team's recommendation (verdict or level): "
                "write the justification")
        with self._writing_session() as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "decision")
            team = session.scalars(select(models.TeamMember.auditor_id).where(
                models.TeamMember.application_id == application_id)).all()
            conflicted = conflicted_members(members, team)
            if conflicted:
                raise ConflictError(
                    "以下人员参加过本次审查，不能参与认证决定：" + "、".join(conflicted),
                    "These members were on the audit team and may not decide: " + ", ".join(conflicted),
                )
            if session.scalar(select(models.Decision).where(models.Decision.application_id == application_id)):
                raise ConflictError("本申请已有认证决定", "This application already has a decision")
            session.add(models.Decision(application_id=application_id, decided_on=decided_on, certified=certified,
                                        level_rank=level_rank, members=members, reasons=reasons,
                                        recommendation=recommendation,
                                        override_reason=override_reason if against else ""))
            self._trail(session, "decide", "decision", application_id, application=application_id, detail=
                        {"certified": certified, "level_rank": level_rank, "members": members, "reasons": reasons,
                         "override_reason": override_reason if against else ""})

    def decision(self, application_id: int) -> Decision | None:
        with self._reading_session() as session:
            row = session.scalar(select(models.Decision).where(models.Decision.application_id == application_id))
            if row is None:
                return None
            return Decision(row.decided_on, row.certified, row.level_rank, tuple(row.members), row.reasons,
                            row.recommendation, row.override_reason or "")

    def issue_certificate(self, application_id: int, issued_on: date) -> Certificate:
        """Issue the certificate of a positive decision, numbered in sequence for the year."""
        with self._writing_session() as session:
            application = self._row(session, models.Application, application_id)
            decision = session.scalar(select(models.Decision).where(models.Decision.application_id == application_id))
            if decision is None or not decision.certified:
                raise ConflictError("没有批准认证的决定，不能发证", "There is no positive decision to certify")
            existing = session.scalar(select(models.Certificate).where(
                models.Certificate.application_id == application_id))
            if existing is not None:
                return _certificate(existing)
            self._refuse_if_locked(session, application_id, "certificate")
            applicant = application.applicant
            year = decision.decided_on.year
            issued_this_year = session.scalar(select(func.count()).select_from(models.Certificate).where(
                models.Certificate.number.like(f"{certificate_year_prefix(self.scheme, year)}%")))
            number = certificate_number(self.scheme, year, "".join(applicant.domains), issued_this_year + 1)
            scope = Scope(tuple(applicant.domains), applicant.goods, applicant.services,
                          tuple(site["name"] for site in applicant.sites or ()))
            row = models.Certificate(
                number=number, applicant_id=applicant.id, application_id=application_id,
                level_rank=decision.level_rank, scope=_scope_data(scope),
                issued_on=issued_on, expires_on=expiry_date(self.scheme, decision.decided_on), status="valid",
                scheme_version=self.scheme.meta.version,
            )
            session.add(row)
            # Who decided (the committee) and who issued (the person acting) are both kept.
            session.add(models.StatusChangeRecord(certificate_number=number, from_status=None, to_status="valid",
                                                  reason="初次发证 issued", changed_on=issued_on,
                                                  decided_by="、".join(decision.members), recorded_by=self.actor))
            self._trail(session, "issue", "certificate", number, {"level_rank": decision.level_rank},
                        applicant=applicant.id)
            return _certificate(row)

    def certificate_for(self, applicant_id: str) -> Certificate | None:
        with self._reading_session() as session:
            row = session.scalar(select(models.Certificate).where(models.Certificate.applicant_id == applicant_id)
                                 .order_by(models.Certificate.issued_on.desc()).limit(1))
            return _certificate(row) if row else None

    def find_certificate(self, number: str) -> Certificate | None:
        """The certificate with this number, or None (a verification of an unknown number)."""
        with self._reading_session() as session:
            row = session.get(models.Certificate, number)
            return _certificate(row) if row else None

    def certificates(self) -> list[Certificate]:
        """Every certificate ever issued, by number (the register)."""
        with self._reading_session() as session:
            return [_certificate(row) for row in session.scalars(select(models.Certificate)
                                                                 .order_by(models.Certificate.number))]

    def change_certificate_status(self, number: str, to_status: str, reason: str, on: date,
                                  decided_by: str) -> None:
        """Suspend, withdraw, cancel, restore or expire a certificate, by the lifecycle rules."""
        with self._writing_session() as session:
            row = self._row(session, models.Certificate, number)
            change = change_status(self.scheme, row.status, to_status, reason, on, decided_by)
            session.add(models.StatusChangeRecord(certificate_number=number, from_status=change.from_status,
                                                  to_status=change.to_status, reason=change.reason,
                                                  changed_on=change.on, decided_by=change.decided_by,
                                                  recorded_by=self.actor))
            row.status = to_status
            self._trail(session, "status", "certificate", number, applicant=row.applicant_id, detail=
                        {"from": change.from_status, "to": to_status, "reason": reason, "decided_by": decided_by})

    def reduce_scope(self, number: str, scope: Scope, reason: str, on: date, decided_by: str) -> None:
        """Narrow the scope (缩小范围) for the parts that keep failing; the reason is kept."""
        if not reason.strip() or not decided_by.strip():
            raise ConflictError("缩小范围须记录原因和决定人", "A scope reduction needs a reason and who decided it")
        with self._writing_session() as session:
            row = self._row(session, models.Certificate, number)
            if row.status != "valid":
                raise ConflictError("只有有效证书可以缩小范围", "Only a valid certificate's scope can be reduced")
            widened = set(scope.domains) - set(row.scope.get("domains", []))
            if widened or not scope.domains:
                raise ConflictError("缩小范围不能增加或清空认证领域", "A scope reduction cannot add or remove every domain")
            old_scope, row.scope = row.scope, _scope_data(scope)
            session.add(models.StatusChangeRecord(certificate_number=number, from_status=row.status,
                                                  to_status=row.status, reason=f"缩小范围 scope reduced: {reason}",
                                                  changed_on=on, decided_by=decided_by, recorded_by=self.actor))
            self._trail(session, "rescope", "certificate", number, applicant=row.applicant_id, detail=
                        {"from": old_scope, "to": row.scope, "reason": reason})

    def status_history(self, number: str) -> list[StatusChange]:
        with self._reading_session() as session:
            return [StatusChange(r.from_status, r.to_status, r.reason, r.changed_on, r.decided_by, r.recorded_by or "")
                    for r in session.scalars(select(models.StatusChangeRecord).where(
                        models.StatusChangeRecord.certificate_number == number).order_by(models.StatusChangeRecord.id))]
