"""The committee's decision, certificates and every change of their status.

The decision and lifecycle rules are called here, inside the write's transaction, so that
no caller can record a decision or a status change that the rules refuse."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..contract import EFFECT_STATUS, IN_FORCE, Action, Entity, Reason, StageId, Status
from ..domain import Certificate, Decision, Holder, Scope, StatusChange, overrides
from ..errors import ConflictError
from ..rules.chronology import Event, refuse_before, refuse_future
from ..rules.cycle import check_decision, recertified_dates
from ..rules.decision import conflicted_members, gates_against
from ..rules.lifecycle import (
    certificate_number,
    certificate_year_prefix,
    change_status,
    expiry_date,
)
from . import models, sealing
from .base import StoreBase
from .findings import finding_record
from .records import from_row

DECISION_WORDS = ("认证决定", "decision")


def certificate_record(row: models.Certificate) -> Certificate:
    scope = Scope(domains=tuple(row.scope["domains"]), goods=row.scope.get("goods", ""),
                  services=row.scope.get("services", ""), sites=tuple(row.scope.get("sites", ())))
    holder = (Holder(row.holder["name"], row.holder["uscc"], row.holder["address"],
                     tuple((site, address) for site, address in row.holder.get("sites", ())))
              if row.holder else None)
    return from_row(Certificate, row, scope=scope, holder=holder)


def holder_statement(applicant: models.Applicant, sites: tuple[str, ...]) -> dict:
    """The holder's details a certificate states: name, USCC, address, and each site's address."""
    addresses = {site["name"]: site.get("address") for site in applicant.sites or ()}
    return {"name": applicant.name, "uscc": applicant.uscc, "address": applicant.address,
            "sites": [[site, addresses.get(site)] for site in sites]}


def decision_record(row: models.Decision) -> Decision:
    return from_row(Decision, row, members=tuple(row.members), override_reason=row.override_reason or "",
                    outcome=row.outcome or "")


def _scope_data(scope: Scope) -> dict:
    return {"domains": list(scope.domains), "goods": scope.goods, "services": scope.services,
            "sites": list(scope.sites)}


class CertificationStore(StoreBase):
    def record_decision(self, audit_id: int, *, decided_on: date, level_rank: int, members: list[str],
                        reasons: str, override_reason: str = "", certified: bool | None = None,
                        outcome: str | None = None, status_reason: str | None = None,
                        deadline: date | None = None) -> None:
        """Record the committee's decision after an audit. `outcome` is a decision_outcomes id
        that the audit's type allows (certify or refuse after an initial audit; maintain, raise,
        lower, suspend, withdraw or reinstate after a surveillance …); `certified` alone is the
        initial decision's certify or refuse. A member who was on the audit team is refused; a
        decision against the audit team's recommendation (the signed report's, as recorded) needs
        a written justification."""
        if outcome is None:
            outcome = "certify" if certified else "refuse"
        known = self.scheme.outcomes_by_id.get(outcome)
        if known is None:
            raise ConflictError(f"未知的决定「{outcome}」", f"Unknown decision outcome '{outcome}'")
        certified = known.certified
        if not members:
            raise ConflictError("请填写参加决定的委员", "The deciding committee members must be recorded")
        if not reasons.strip():
            raise ConflictError("请填写决定理由", "The reasons for the decision must be recorded")
        self._refuse_unless_competent(members, self.audit_domains(audit_id))
        with self._writing_session(Action.DECISION, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "decision")
            team = session.scalars(select(models.TeamMember.auditor_id).where(
                models.TeamMember.audit_id == audit_id)).all()
            self._refuse_unless_committee(session, members)
            self._refuse_if_stage_unsigned(session, audit_id, "report")
            report = self._stage_row(session, audit_id, StageId.REPORT)
            recommendation = (report.result if report else {}).get("recommendation") or {}
            against = overrides(recommendation, certified, level_rank)
            if against and not override_reason.strip():
                advised = bool(recommendation.get("certifiable"))
                raise ConflictError(
                    f"决定与审查组的推荐意见（{'建议批准' if advised else '建议不予认证'}，等级 "
                    f"{(recommendation.get('level') or {}).get('rank', '—')}）不一致，须写明理由",
                    "The decision departs from the audit team's recommendation (verdict or level): "
                    "write the justification")
            conflicted = conflicted_members(members, team)
            if conflicted:
                raise ConflictError(
                    "以下人员参加过本次审查，不能参与认证决定：" + "、".join(conflicted),
                    "These members were on the audit team and may not decide: " + ", ".join(conflicted),
                )
            if session.scalar(select(models.Decision).where(models.Decision.audit_id == audit_id)):
                raise ConflictError("本次审核已有认证决定", "This audit already has a decision")
            audit = self._row(session, models.Audit, audit_id)
            if certified:
                self._refuse_over_a_gate(session, audit_id, outcome, decided_on)
            weighed = session.scalar(select(func.max(models.Finding.raised_on)).where(
                models.Finding.audit_id == audit_id, models.Finding.withdrawn_on.is_(None)))
            if weighed is not None:
                refuse_before(Event(weighed, "本次审核最后一项发现的日期", "the audit's last finding"),
                              Event(decided_on, "认证决定的日期", "the decision"), "chronology.decision_before_finding")
            refuse_before(Event(report.signed_at.astimezone().date(), "审查报告的签署日期", "signing the report"),
                          Event(decided_on, "认证决定的日期", "the decision"), "chronology.decision_before_report")
            refuse_future(Event(decided_on, "认证决定的日期", "the decision"), self.clock.today())
            if known.certificate == "extend" and not audit.requested_scope:
                raise ConflictError("本次特殊审核不是为扩大范围而开始的，不能作出“扩大认证范围”的决定",
                                    "This special audit was not opened for a scope extension: 'extend_scope' is not possible")
            check_decision(self.scheme, audit.audit_type, outcome, level_rank=level_rank, decided_on=decided_on,
                           certificate=self._certificate_before(session, audit),
                           status_reason=status_reason, deadline=deadline, methods=tuple(audit.methods or ()))
            session.add(models.Decision(audit_id=audit_id, decided_on=decided_on, certified=certified,
                                        level_rank=level_rank, members=members, reasons=reasons,
                                        recommendation=recommendation,
                                        override_reason=override_reason if against else "", outcome=outcome,
                                        status_reason=status_reason, deadline=deadline))
            self._trail(session, "decide", Entity.DECISION, audit_id, audit=audit_id, detail=
                        {"outcome": outcome, "certified": certified, "level_rank": level_rank, "members": members,
                         "reasons": reasons, "override_reason": override_reason if against else "",
                         "status_reason": status_reason, "deadline": deadline.isoformat() if deadline else None})

    def _refuse_unless_decision_signed(self, session, audit_id: int) -> None:
        """A certificate carries out a signed decision only (issue 22 §0)."""
        row = self._stage_row(session, audit_id, StageId.DECISION)
        if row is None or row.signed_at is None:
            name = self.scheme.procedure_by_id[StageId.DECISION].name
            raise ConflictError(f"「{name}」尚未由作出决定的委员签署，不能签发或变更证书",
                                "The decision stage is not signed off by a committee member who decided: no "
                                "certificate can be issued or changed on it", code="decision.unsigned")

    def _refuse_over_a_gate(self, session, audit_id: int, outcome: str, decided_on: date) -> None:
        """A positive outcome over a failing gate is refused, whatever the justification."""
        report = self._stage_row(session, audit_id, StageId.REPORT)
        findings = [finding_record(r).state() for r in session.scalars(select(models.Finding).where(
            models.Finding.audit_id == audit_id, models.Finding.withdrawn_on.is_(None)))]
        failing = gates_against(self.scheme, (report.result if report else {}).get("recommendation") or {},
                                findings, decided_on)
        if failing:
            name = self.scheme.outcomes_by_id[outcome].name
            raise ConflictError(f"以下条件未满足，不能作出「{name}」的决定（理由不能推翻）：" + "；".join(g.zh for g in failing),
                                f"'{outcome}' cannot be decided while these fail (no justification overrides them): "
                                + "; ".join(g.en for g in failing), code="decision.gate")

    def _refuse_unless_competent(self, members: list[str], domains: tuple[str, ...]) -> None:
        """Those who decide need evidence of competence for the audit's domains, as auditors do."""
        profiles = {a.id: a for a in self.auditors()}
        names = {d.id: d.name for d in self.scheme.domains}
        lacking = {m: [d for d in domains if d not in profiles[m].evidenced_domains()]
                   for m in members if m in profiles}
        lacking = {m: ds for m, ds in lacking.items() if ds}
        if lacking:
            zh = "；".join(f"{m} 缺少 {'、'.join(names.get(d, d) for d in ds)} 的能力证据" for m, ds in lacking.items())
            en = "; ".join(f"{m} has no competence evidence for {', '.join(ds)}" for m, ds in lacking.items())
            raise ConflictError(f"认证决定人员须具备申请方领域的能力证据：{zh}",
                                f"Those who decide need competence evidence for the client's domains: {en}",
                                code="decision.competence")

    def _refuse_unless_committee(self, session, members: list[str]) -> None:
        """Every deciding member is a registered committee member, and the person recording
        the decision is one of them: nobody records a decision in others' names."""
        committee = set(session.scalars(select(models.Auditor.id).where(models.Auditor.is_decision_maker)))
        strangers = [m for m in members if m not in committee]
        if strangers:
            raise ConflictError("以下人员不是登记的认证决定人员，不能参与认证决定：" + "、".join(strangers),
                                "These are not registered committee members and may not decide: " + ", ".join(strangers))
        if self.actor not in members:
            raise ConflictError(f"认证决定须由参与决定的委员本人记录；{self.actor} 不在决定人员（{'、'.join(members)}）之中",
                                f"A decision is recorded by one of the members who took it; {self.actor} is not among "
                                f"them ({', '.join(members)})")

    def cycle_start(self, certificate: Certificate) -> date:
        """The day the certificate's cycle began: the decision of the initial audit or the
        recertification that started it, kept through reissues (a level change, a scope
        extension, a holder's new name), from which the surveillances fall due (issue 22 §3)."""
        earlier = self.cycle_audits_before(certificate.audit_id)
        decision = self.decision(earlier[-1] if earlier else certificate.audit_id)
        if decision is None:
            raise ConflictError(f"证书 {certificate.number} 的认证周期没有认证决定",
                                f"Certificate {certificate.number}'s cycle has no decision")
        return decision.decided_on

    def first_issued_on(self, certificate: Certificate) -> date:
        """The initial certification date: the issue of the first certificate of the chain this one
        replaced, through level changes, recertifications, scope and holder changes (issue 23 §2).
        A new initial certification after a withdrawal starts a new chain."""
        with self._reading_session() as session:
            row = session.get(models.Certificate, certificate.number)
            while row is not None and row.replaces is not None:
                row = session.get(models.Certificate, row.replaces)
            return row.issued_on if row is not None else certificate.issued_on

    def decision(self, audit_id: int) -> Decision | None:
        """The committee's decision on the audit; refused if the row is not the decision the
        workbench sealed (a decision forged or changed in the database is never used)."""
        with self._reading_session() as session:
            row = session.scalar(select(models.Decision).where(models.Decision.audit_id == audit_id))
            if row is None:
                return None
            sealing.refuse_unless_sealed(session, row, DECISION_WORDS)
            return decision_record(row)

    def _certificate_before(self, session, audit: models.Audit) -> Certificate | None:
        """The certificate an audit's decision acts on: the applicant's current one, unless this
        audit issued it (a decision is carried out once)."""
        row = self._current_certificate(session, audit.applicant_id)
        return certificate_record(row) if row is not None else None

    def issue_certificate(self, audit_id: int, issued_on: date) -> Certificate | None:
        """Carry out the decision on the certificate: issue a new one (numbered in sequence for
        the year), reissue it at a new level, suspend, withdraw or reinstate it, or keep it.
        Returns the applicant's certificate afterwards. Carried out once: a second call
        changes nothing."""
        with self._writing_session(Action.CERTIFICATE, audit=audit_id) as session:
            audit = self._row(session, models.Audit, audit_id)
            decision = session.scalar(select(models.Decision).where(models.Decision.audit_id == audit_id))
            if decision is None:
                raise ConflictError("尚无认证决定，不能处理证书", "There is no decision to carry out")
            sealing.refuse_unless_sealed(session, decision, DECISION_WORDS)
            outcome = self.scheme.outcomes_by_id[decision.outcome or ("certify" if decision.certified else "refuse")]
            if outcome.certificate == "none":
                raise ConflictError("没有批准认证的决定，不能发证", "There is no positive decision to certify")
            current = self._current_certificate(session, audit.applicant_id)
            if self._decision_carried_out(session, audit_id, current):
                return certificate_record(current)
            self._refuse_unless_decision_signed(session, audit_id)
            self._refuse_if_managing(session, audit.applicant_id)
            refuse_before(Event(decision.decided_on, "认证决定的日期", "the decision"),
                          Event(issued_on, "执行决定（发证或变更证书）的日期", "carrying it out on the certificate"),
                          "chronology.certificate_before_decision")
            refuse_future(Event(issued_on, "执行决定（发证或变更证书）的日期", "carrying it out on the certificate"),
                          self.clock.today())
            self._refuse_if_locked(session, audit_id, "certificate")
            members = "、".join(decision.members)
            if outcome.certificate in ("issue", "reissue"):
                row = self._new_certificate(session, audit, decision, current, outcome.certificate, issued_on)
                return certificate_record(row)
            if outcome.certificate == "extend":  # the holder's scope becomes the one audited
                applicant = audit.applicant
                scope = audit.requested_scope
                applicant.domains, applicant.goods, applicant.services = (
                    list(scope["domains"]), scope["goods"], scope["services"])
                row = self._issue(session, applicant, audit_id, level_rank=current.level_rank,
                                  year=decision.decided_on.year, issued_on=issued_on, expires_on=current.expires_on,
                                  replaces=current, reason=Reason.SCOPE_EXTENDED, decided_by=members)
                return certificate_record(row)
            if outcome.certificate != "keep":
                status = EFFECT_STATUS[outcome.certificate]
                reason = Reason.SUSPENSION_LIFTED if status == Status.VALID else decision.status_reason
                self._change_status(session, current, status, reason, decision.decided_on, members)
            self._trail(session, "carry_out", Entity.DECISION, audit_id, {"outcome": outcome.id},
                        audit=audit_id)
            return certificate_record(current)

    def decision_carried_out(self, audit_id: int) -> bool:
        """Whether the audit's decision has been carried out on the certificate (stage 08)."""
        with self._reading_session() as session:
            audit = self._row(session, models.Audit, audit_id)
            return self._decision_carried_out(session, audit_id,
                                              self._current_certificate(session, audit.applicant_id))

    def reopen_decision(self, audit_id: int, reason: str) -> dict:
        """The committee takes its decision out of force, with a written reason, so that what it
        rested on may be corrected and decided again (issue 24 §3): the only way, beside an upheld
        appeal, to open a decided audit. Refused once the decision is carried out on the
        certificate: a decision between audits changes it then. Returns the decision as it was."""
        if not reason.strip():
            raise ConflictError("重开认证决定须写明原因", "Reopening a decision needs a written reason")
        with self._writing_session(Action.DECISION, audit=audit_id) as session:
            if session.scalar(select(models.Decision.id).where(models.Decision.audit_id == audit_id)) is None:
                raise ConflictError("该审核尚无认证决定", "This audit has no decision to reopen")
            if self._decision_carried_out(session, audit_id, None):
                raise ConflictError(
                    "认证决定已在证书上执行，不能重开；如需改变，请通过申诉或证书的新决定",
                    "The decision is carried out on the certificate and cannot be reopened; an appeal or a new "
                    "decision on the certificate changes it", code="stage.decision_carried_out")
            kept = self._reopen_decision(session, audit_id, ("认证委员会重开了认证决定：", reason))
            self._trail(session, "reopen", Entity.DECISION, audit_id, {"reason": reason, "reopened_decision": kept},
                        audit=audit_id)
            return kept

    def _reopen_decision(self, session: Session, audit_id: int, why: tuple[str, str]) -> dict:
        """Take the audit's decision out of force, for the committee to decide again: the
        decision and certificate stages are marked for redo with `why`; the trail keeps the
        decision and the signatures lifted. Returns the decision as it was."""
        decision = session.scalar(select(models.Decision).where(models.Decision.audit_id == audit_id))
        kept = {"outcome": decision.outcome, "level_rank": decision.level_rank, "members": decision.members,
                "decided_on": decision.decided_on.isoformat(), "reasons": decision.reasons}
        session.delete(decision)
        for stage_id in (StageId.DECISION, StageId.CERTIFICATE):
            stage_row = self._stage_row(session, audit_id, stage_id)
            if stage_row is not None:
                if stage_row.signature is not None:  # the trail keeps the signature it lifts
                    self._trail(session, "reopen", Entity.STAGE_RESULT, f"{audit_id}:{stage_id}",
                                {"previous_signature": {"signed_by": stage_row.signed_by,
                                                        "signature": stage_row.signature},
                                 "reason": why[1]}, audit=audit_id)
                stage_row.signed_by = stage_row.signed_at = stage_row.signature = stage_row.key_id = None
                stage_row.signed_imports = None
                stage_row.redo_reason = f"{why[0]} {why[1]}"
        return kept

    def _decision_carried_out(self, session, audit_id: int, current: models.Certificate | None) -> bool:
        """Issued (a certificate came of it, though a later one may have replaced it), or carried out
        on the certificate (a trail entry)."""
        if session.scalar(select(models.Certificate.number).where(
                models.Certificate.audit_id == audit_id).limit(1)) is not None:
            return True
        return session.scalar(select(models.AuditTrail.id).where(
            models.AuditTrail.action == "carry_out", models.AuditTrail.entity == "decision",
            models.AuditTrail.entity_id == str(audit_id))) is not None

    def _new_certificate(self, session, audit: models.Audit, decision: models.Decision,
                         current: models.Certificate | None, kind: str, issued_on: date) -> models.Certificate:
        """A first certificate, a recertified one, or one reissued at a new level; the one it
        replaces is marked superseded, and the new one names it (the number history)."""
        replaces, expires_on, reason = None, expiry_date(self.scheme, decision.decided_on), None
        if kind == "reissue":  # a new level within the cycle: the cycle's dates stay
            replaces, expires_on, reason = current, current.expires_on, "level_changed"
        elif audit.audit_type == "recertification" and current is not None:
            effect = check_decision(self.scheme, audit.audit_type, decision.outcome, level_rank=decision.level_rank,
                                    certificate=certificate_record(current), decided_on=decision.decided_on,
                                    methods=tuple(audit.methods or ()))
            _, expires_on = recertified_dates(self.scheme, certificate_record(current), decision.decided_on,
                                              effect.continuous)
            replaces, reason = current, "recertified"
        return self._issue(session, audit.applicant, audit.id, level_rank=decision.level_rank,
                           year=decision.decided_on.year, issued_on=issued_on, expires_on=expires_on,
                           replaces=replaces, reason=reason, decided_by="、".join(decision.members))

    def _issue(self, session, applicant: models.Applicant, audit_id: int, *, level_rank: int, year: int,
               issued_on: date, expires_on: date, replaces: models.Certificate | None, reason: str | None,
               decided_by: str) -> models.Certificate:
        """Number and issue a certificate with the applicant's details and scope as they are now;
        the certificate it replaces (if any) becomes superseded for `reason`."""
        issued_this_year = session.scalar(select(func.count()).select_from(models.Certificate).where(
            models.Certificate.number.like(f"{certificate_year_prefix(self.scheme, year)}%")))
        number = certificate_number(self.scheme, year, "".join(applicant.domains), issued_this_year + 1)
        scope = Scope(tuple(applicant.domains), applicant.goods, applicant.services,
                      tuple(site["name"] for site in applicant.sites or ()))
        if replaces is not None and replaces.status in IN_FORCE:
            self._change_status(session, replaces, Status.SUPERSEDED, reason, issued_on, decided_by)
        row = models.Certificate(
            number=number, applicant_id=applicant.id, audit_id=audit_id,
            level_rank=level_rank, scope=_scope_data(scope), issued_on=issued_on, expires_on=expires_on,
            status=Status.VALID, scheme_version=self.scheme.meta.version,
            replaces=replaces.number if replaces is not None else None,
            holder=holder_statement(applicant, scope.sites))
        session.add(row)
        # Who decided (the committee) and who issued (the person acting) are both kept.
        session.add(models.StatusChangeRecord(
            certificate_number=number, from_status=None, to_status=Status.VALID,
            reason=f"换发 replaces {replaces.number}" if replaces is not None else "初次发证 issued",
            changed_on=issued_on, decided_by=decided_by, recorded_by=self.actor))
        self._trail(session, "issue", Entity.CERTIFICATE, number,
                    {"level_rank": level_rank, "replaces": row.replaces}, applicant=applicant.id)
        session.flush()
        return row

    def change_holder_details(self, applicant_id: str, *, on: date, reason: str, name: str | None = None,
                              address: str | None = None) -> Certificate | None:
        """Record a change of the holder's name or address (which the contract obliges it to
        notify) and reissue its valid certificate under a new number with the new details, the
        same level and expiry. Returns the new certificate, or None when none was in force."""
        if not reason.strip() or not ((name or "").strip() or (address or "").strip()):
            raise ConflictError("请填写新的名称或地址，以及变更依据", "Give the new name or address, and the basis of the change")
        with self._writing_session(Action.CERTIFICATE, applicant=applicant_id) as session:
            applicant = self._row(session, models.Applicant, applicant_id)
            before = {"name": applicant.name, "address": applicant.address}
            applicant.name = (name or "").strip() or applicant.name
            applicant.address = (address or "").strip() or applicant.address
            self._trail(session, "change_details", Entity.APPLICANT, applicant_id,
                        {"from": before, "to": {"name": applicant.name, "address": applicant.address},
                         "reason": reason, "on": on.isoformat()}, applicant=applicant_id)
            current = self._current_certificate(session, applicant_id)
            if current is None or current.status != Status.VALID:
                return None
            row = self._issue(session, applicant, current.audit_id, level_rank=current.level_rank,
                              year=on.year, issued_on=on, expires_on=current.expires_on, replaces=current,
                              reason=Reason.HOLDER_DETAILS_CHANGED, decided_by=self.actor)
            return certificate_record(row)

    def certificate_for(self, applicant_id: str) -> Certificate | None:
        """The applicant's current certificate (the newest, which no other replaced)."""
        with self._reading_session() as session:
            row = self._current_certificate(session, applicant_id)
            return certificate_record(row) if row else None

    def certificate_chain(self, applicant_id: str) -> list[Certificate]:
        """Every certificate the applicant ever held, oldest first (the number history)."""
        with self._reading_session() as session:
            return [certificate_record(row) for row in session.scalars(select(models.Certificate).where(
                models.Certificate.applicant_id == applicant_id).order_by(models.Certificate.issued_on,
                                                                          models.Certificate.number))]

    def find_certificate(self, number: str) -> Certificate | None:
        """The certificate with this number, or None (a verification of an unknown number)."""
        with self._reading_session() as session:
            row = session.get(models.Certificate, number)
            return certificate_record(row) if row else None

    def certificate_seal(self, number: str) -> sealing.RowProblem | None:
        """How the certificate's row differs from its signed statement (None: it matches)."""
        with self._reading_session() as session:
            return sealing.check_row(session, self._row(session, models.Certificate, number))

    def certificate_was_issued(self, number: str) -> bool:
        """Whether the workbench ever stated a certificate under this number: a row deleted from the
        table is still in the trail, and is answered as issued and gone, never as "never issued"."""
        with self._reading_session() as session:
            return session.scalar(select(models.AuditTrail.id).where(
                models.AuditTrail.action == sealing.SEAL_ACTION, models.AuditTrail.entity == Entity.CERTIFICATE.value,
                models.AuditTrail.entity_id == number).limit(1)) is not None

    def certificates(self) -> list[Certificate]:
        """Every certificate ever issued, by number (the register)."""
        with self._reading_session() as session:
            return [certificate_record(row) for row in session.scalars(select(models.Certificate)
                                                                 .order_by(models.Certificate.number))]

    def _change_status(self, session, row: models.Certificate, to_status: str, reason: str, on: date,
                       decided_by: str) -> None:
        change = change_status(self.scheme, row.status, to_status, reason, on, decided_by)
        session.add(models.StatusChangeRecord(certificate_number=row.number, from_status=change.from_status,
                                              to_status=change.to_status, reason=change.reason,
                                              changed_on=change.on, decided_by=change.decided_by,
                                              recorded_by=self.actor))
        row.status = to_status
        self._trail(session, "status", Entity.CERTIFICATE, row.number, applicant=row.applicant_id, detail=
                    {"from": change.from_status, "to": to_status, "reason": reason, "decided_by": decided_by})

    def status_history(self, number: str) -> list[StatusChange]:
        with self._reading_session() as session:
            return [from_row(StatusChange, r, on=r.changed_on, recorded_by=r.recorded_by or "")
                    for r in session.scalars(select(models.StatusChangeRecord).where(
                        models.StatusChangeRecord.certificate_number == number).order_by(models.StatusChangeRecord.id))]
