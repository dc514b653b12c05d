"""Audits, the result that ends each procedure stage, and the team leader's sign-off."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..contract import Action, Entity, SpecialReason, StageId, Status
from ..domain import Audit, StageRecord
from ..errors import ConflictError, NotFoundError
from ..rules.chronology import Event, refuse_before
from ..rules.completeness import Gap, gaps_text
from ..rules.cycle import check_new_audit, methods_for_audit, special_audit_reason
from ..scheme import ProcedureStage
from . import models, sealing, signing
from .base import StoreBase
from .certification import certificate_record
from .records import from_row
from .signers import Signers, stage_signers
from .trail_chain import instant

# The imported files a stage's signature covers when its sign-off locks them (ImportRecord.kind,
# the same names as the scheme's lockable records): the newest of each kind at sign-off.
IMPORT_KINDS = ("work_orders", "surveys")
SIGNATURE_COVERAGE = 2  # signatures since 0026 cover the stages they rest on and the findings (_resting_on)
SIGN_ACTIONS = ("sign_off", "reopen")  # the trail entries that set or clear a stage's signature

ANSWERS_DIGEST = "answers_digest"


def _certificate_or_none(row: models.Certificate | None):
    return certificate_record(row) if row is not None else None


def audit_record(row: models.Audit) -> Audit:
    return from_row(Audit, row, reason=row.reason or "", methods=tuple(row.methods) if row.methods else None)
  # kept in a recorded result: the stage's answers when it was recorded


class AuditStore(StoreBase):
    # --- audits ---------------------------------------------------------------------------
    def open_audit(self, applicant_id: str, audit_type: str = "initial", submitted_on: date | None = None,
                   reason: str = "", special_reason: str | None = None) -> int:
        """Open an audit of a type (an audit_types id). The cycle's rules refuse an audit that
        cannot follow now: a second one before the current one is decided, an initial audit
        while a certificate is in force, a surveillance without one, a recertification before
        its window, a special audit without its reason. A special audit's `special_reason` (a
        special_audit_reasons id, default other) may set its deadline or make it cover every method."""
        self.scheme.audit_type(audit_type)
        with self._writing_session(Action.APPLICANT, applicant=applicant_id) as session:
            return self._open_audit(session, applicant_id, audit_type, submitted_on or self.clock.today(), reason,
                                    special_reason=special_reason)

    def request_scope_extension(self, applicant_id: str, *, domains: list[str], goods: str, services: str,
                                on: date, reason: str) -> int:
        """Open the special audit that a scope extension needs (the audit covers the new domains'
        items too); the committee's `extend_scope` decision then reissues the certificate with
        the new scope. Returns the audit's id."""
        known = {d.id for d in self.scheme.domains}
        unknown = [d for d in domains if d not in known]
        if unknown or not domains:
            raise ConflictError(f"未知的领域：{'、'.join(unknown) or '（未填写）'}",
                                f"Unknown domains: {unknown or 'none given'}")
        with self._writing_session(Action.APPLICANT, applicant=applicant_id) as session:
            applicant = self._row(session, models.Applicant, applicant_id)
            if set(domains) <= set(applicant.domains) and (goods, services) == (applicant.goods, applicant.services):
                raise ConflictError("申请的范围与现有范围相同", "The scope asked for is the scope already held")
            audit_id = self._open_audit(session, applicant_id, "special", on,
                                        f"范围扩大 scope extension: {reason}".strip(), scope_extension=True,
                                        special_reason=SpecialReason.SCOPE_EXTENSION,
                                        added_domains=tuple(d for d in domains if d not in applicant.domains))
            row = self._row(session, models.Audit, audit_id)
            row.requested_scope = {"domains": list(dict.fromkeys([*applicant.domains, *domains])), "goods": goods,
                                   "services": services}
            self._trail(session, "request_scope", Entity.AUDIT, audit_id, row.requested_scope, applicant=applicant_id)
            return audit_id

    def audit_domains(self, audit_id: int) -> tuple[str, ...]:
        """The domains an audit covers: its applicant's, and those its scope extension asks for."""
        audit = self.audit(audit_id)
        return audit.audited_domains(self.get_applicant(audit.applicant_id).domains)

    def _open_audit(self, session: Session, applicant_id: str, audit_type: str, submitted_on: date, reason: str,
                    scope_extension: bool = False, special_reason: str | None = None,
                    added_domains: tuple[str, ...] = ()) -> int:
        self._refuse_unless_deployed()
        self._row(session, models.Applicant, applicant_id)
        current = self._latest_audit(session, applicant_id)
        # The current audit is open until its decision, or until a refusal at review ends it.
        undecided = current is not None and session.scalar(select(models.Decision.id).where(
            models.Decision.audit_id == current.id)) is None and session.scalar(
            select(models.ApplicationReview.id).where(models.ApplicationReview.audit_id == current.id,
                                                      models.ApplicationReview.accepted.is_(False))) is None
        certificate = _certificate_or_none(self._current_certificate(session, applicant_id))
        withdrawn_on = session.scalar(select(models.StatusChangeRecord.changed_on).where(
            models.StatusChangeRecord.certificate_number == certificate.number,
            models.StatusChangeRecord.to_status == Status.WITHDRAWN)
            .order_by(models.StatusChangeRecord.id.desc()).limit(1)) if certificate is not None else None
        check_new_audit(self.scheme, audit_type, certificate=certificate,
                        current_undecided=current.audit_type if undecided else None, today=submitted_on, reason=reason,
                        scope_extension=scope_extension, withdrawn_on=withdrawn_on)
        if certificate is not None and not self.scheme.starts_cycle(audit_type):
            refuse_before(Event(certificate.issued_on, f"证书 {certificate.number} 的签发日期",
                                f"certificate {certificate.number}'s issue"),
                          Event(submitted_on, "本次审核的开始日期", "this audit's start"),
                          "chronology.audit_before_certificate")
        special = special_audit_reason(self.scheme, audit_type, special_reason)
        cycle = [] if current is None or self.scheme.starts_cycle(audit_type) else [
            current.id, *self._cycle_audits_before(session, current.id)]
        occurrence = 1 + sum(1 for a in cycle if self._row(session, models.Audit, a).audit_type == audit_type)
        audit = models.Audit(
            applicant_id=applicant_id, audit_type=audit_type, submitted_on=submitted_on, reason=reason,
            scheme_version=self.scheme.meta.version, scheme_fingerprint=self.scheme.fingerprint,
            methods=list(methods_for_audit(self.scheme, audit_type, occurrence=occurrence, special=special,
                                           added_domains=added_domains)),
            special_reason=special.id if special else None,
            due_by=submitted_on + timedelta(days=special.within_days) if special and special.within_days else None,
        )
        session.add(audit)
        session.flush()
        adopted = self._adopt_waiting_imports(session, applicant_id, audit.id)
        self._trail(session, "open", Entity.AUDIT, audit.id,
                    {"applicant_id": applicant_id, "audit_type": audit_type, "reason": reason,
                     **({"imports": adopted} if adopted else {})}, applicant=applicant_id)
        return audit.id

    def _adopt_waiting_imports(self, session: Session, applicant_id: str, audit_id: int) -> dict[str, int]:
        """The files imported before the applicant had an audit become its first audit's evidence."""
        adopted = {}
        for kind in IMPORT_KINDS:
            record = session.scalar(select(models.ImportRecord).where(
                models.ImportRecord.applicant_id == applicant_id, models.ImportRecord.kind == kind,
                models.ImportRecord.complete.is_(True), models.ImportRecord.audit_id.is_(None))
                .order_by(models.ImportRecord.id.desc()).limit(1))
            if record is not None:
                record.audit_id = audit_id
                self._read_as_evidence(session, audit_id, kind, record.id)
                adopted[kind] = record.id
        return adopted

    def current_audit(self, applicant_id: str, audit_type: str | None = None) -> int | None:
        """The applicant's newest audit (of a type, when given): the one its workbooks open."""
        with self._reading_session() as session:
            self._row(session, models.Applicant, applicant_id)
            row = self._latest_audit(session, applicant_id, audit_type)
            return row.id if row else None

    def resolve_audit(self, applicant_id: str, audit: int | str | None = None, *, open_if_none: bool = False) -> int | None:
        """The one way from an applicant (and an optional audit) to the audit meant: `audit`
        checked to be one of the applicant's, else its current audit, else (with
        `open_if_none`) a new initial audit, else None. Notebooks, widgets, the stage runner
        and the evaluation all resolve through here."""
        if audit is None:
            current = self.current_audit(applicant_id)
            return current if current is not None or not open_if_none else self.open_audit(applicant_id)
        known = {a.id: a for a in self.audits(applicant_id)}
        try:
            audit_id = int(audit)
        except (TypeError, ValueError):
            audit_id = None
        if audit_id not in known:
            listed = "、".join(f"{a.id}（{a.audit_type}）" for a in known.values()) or "无 none"
            raise NotFoundError(f"审核编号「{audit}」不是 {applicant_id} 的审核；其审核有：{listed}",
                                f"Audit '{audit}' is not one of {applicant_id}'s audits; they are: {listed}")
        return audit_id

    def audit(self, audit_id: int) -> Audit:
        with self._reading_session() as session:
            return audit_record(self._row(session, models.Audit, audit_id))

    def audits(self, applicant_id: str, *, include_disposed: bool = False) -> list[Audit]:
        """Every audit of the applicant, oldest first: its certification history (with those whose
        records were disposed of, when asked: their decision and certificates stay)."""
        with self._reading_session() as session:
            self._row(session, models.Applicant, applicant_id)
            query = select(models.Audit).where(models.Audit.applicant_id == applicant_id)
            if not include_disposed:
                query = query.where(models.Audit.disposed_on.is_(None))
            return [audit_record(row) for row in session.scalars(query.order_by(models.Audit.id))]

    def cycle_audits_before(self, audit_id: int) -> list[int]:
        """The audits of the same certification cycle before this one, newest first: back to the
        audit that started the cycle (an initial audit or a recertification, which starts it afresh)."""
        with self._reading_session() as session:
            return self._cycle_audits_before(session, audit_id)

    def _cycle_audits_before(self, session: Session, audit_id: int) -> list[int]:
        row = self._row(session, models.Audit, audit_id)
        if self.scheme.starts_cycle(row.audit_type):
            return []
        cycle: list[int] = []
        for previous in session.scalars(select(models.Audit).where(
                models.Audit.applicant_id == row.applicant_id, models.Audit.id < row.id).order_by(models.Audit.id.desc())):
            cycle.append(previous.id)
            if self.scheme.starts_cycle(previous.audit_type):
                break
        return cycle

    def previous_audit(self, audit_id: int) -> Audit | None:
        """The applicant's audit before this one (what a surveillance is compared with)."""
        with self._reading_session() as session:
            row = self._row(session, models.Audit, audit_id)
            before = session.scalar(select(models.Audit).where(
                models.Audit.applicant_id == row.applicant_id, models.Audit.id < row.id)
                .order_by(models.Audit.id.desc()).limit(1))
            return audit_record(before) if before is not None else None

    def move_to_scheme(self, audit_id: int, reason: str) -> dict:
        """Move an open audit to the scheme this workbench runs (a newer version adopted by the
        body), with a written reason; the trail keeps both fingerprints. Stages already recorded
        under the old scheme are marked to be recorded again; a stage signed under it must be
        reopened by its signer first (its signature covers the scheme). A decided audit stays under
        its own."""
        if not reason.strip():
            raise ConflictError("迁移审核到新方案须写明理由", "Moving an audit to another scheme needs a written reason")
        self._refuse_unless_deployed()
        with self._writing_session(Action.REVIEW, audit=audit_id, open_after_decision=True) as session:
            self._refuse_if_decided(session, audit_id)
            audit = self._row(session, models.Audit, audit_id)
            before = {"version": audit.scheme_version, "fingerprint": audit.scheme_fingerprint}
            after = {"version": self.scheme.meta.version, "fingerprint": self.scheme.fingerprint}
            if before == after:
                raise ConflictError("该审核已按当前方案进行", "The audit is already under this scheme")
            audit.scheme_version, audit.scheme_fingerprint = after["version"], after["fingerprint"]
            rows = session.scalars(select(models.StageResult).where(models.StageResult.audit_id == audit_id)).all()
            signed = [row.stage for row in rows if row.signature is not None]
            if signed:
                raise ConflictError(f"已签署的阶段须先由签署人重开：{'、'.join(signed)}",
                                    f"Signed stages must be reopened by their signers first: {', '.join(signed)}",
                                    code="scheme.signed_under_old")
            redo = []
            for row in rows:
                if row.signature is None:  # computed under the old scheme: computed again under the new
                    row.redo_reason = f"审核已迁移到方案 {after['version']} moved to scheme: {reason}"
                    redo.append(row.stage)
            self._trail(session, "move_scheme", Entity.AUDIT, audit_id,
                        {"from": before, "to": after, "reason": reason, "redo": redo}, audit=audit_id)
            return {"from": before, "to": after, "redo": redo}

    # --- stage results and sign-off -------------------------------------------------------
    def record_stage_result(self, audit_id: int, stage_id: str, result: dict) -> None:
        """Record (or replace) the result that ends a stage; refused after sign-off."""
        stage = self.scheme.procedure_by_id[stage_id]
        with self._writing_session(Action.STAGE_RESULT, audit=audit_id) as session:
            self._refuse_if_stage_closed(session, audit_id, stage_id)
            missing = self._missing(session, audit_id, stage)
            if missing:
                raise ConflictError(
                    "前置阶段尚未完成：" + "、".join(s.name for s in missing),
                    "Prerequisite stages are not done: " + ", ".join(s.id for s in missing),
                )
            self._refuse_if_stage_signed(session, audit_id, stage_id)
            if stage.modes:  # so that sign-off can tell whether the answers changed since
                result = {**result, ANSWERS_DIGEST: self._answers_digest(session, audit_id, stage_id)}
            row = self._stage_row(session, audit_id, stage_id)
            if row is None:
                session.add(models.StageResult(audit_id=audit_id, stage=stage_id, result=result))
            else:
                row.result, row.redo_reason = result, None
            self._trail(session, "record", Entity.STAGE_RESULT, f"{audit_id}:{stage_id}", result,
                        audit=audit_id)

    def stage_result(self, audit_id: int, stage_id: str) -> StageRecord | None:
        with self._reading_session() as session:
            row = self._stage_row(session, audit_id, stage_id)
            if row is None:
                return None
            return from_row(StageRecord, row)

    def stage_results(self, audit_id: int) -> dict[str, StageRecord]:
        """Every recorded stage of an audit, by stage id."""
        with self._reading_session() as session:
            rows = session.scalars(select(models.StageResult).where(
                models.StageResult.audit_id == audit_id)).all()
            return {r.stage: from_row(StageRecord, r) for r in rows}

    def _missing(self, session: Session, audit_id: int, stage: ProcedureStage) -> list[ProcedureStage]:
        """The required stages without a result; a stage the audit's type does not go through
        (a surveillance has no application stage) is not required."""
        audit_type = self._row(session, models.Audit, audit_id).audit_type
        required = [self.scheme.procedure_by_id[r] for r in stage.requires]
        return [r for r in required
                if r.applies_to(audit_type) and self._stage_row(session, audit_id, r.id) is None]

    def missing_prerequisites(self, audit_id: int, stage_id: str) -> list[ProcedureStage]:
        with self._reading_session() as session:
            return self._missing(session, audit_id, self.scheme.procedure_by_id[stage_id])

    def is_signed(self, audit_id: int, stage_id: str) -> bool:
        record = self.stage_result(audit_id, stage_id)
        return record is not None and record.signed

    def stale_stages(self, audit_id: int) -> list[str]:
        """The recorded stages whose answers changed after their result was recorded: their
        figures (and the report built on them) are out of date until recorded again."""
        with self._reading_session() as session:
            rows = session.scalars(select(models.StageResult).where(
                models.StageResult.audit_id == audit_id)).all()
            return [row.stage for row in rows if self._answers_changed(session, row)]

    def _answers_changed(self, session: Session, row: models.StageResult) -> bool:
        stage = self.scheme.procedure_by_id.get(row.stage)
        return bool(stage and stage.modes) and row.result.get(ANSWERS_DIGEST) != self._answers_digest(
            session, row.audit_id, row.stage)

    def _answers_digest(self, session: Session, audit_id: int, stage_id: str) -> str:
        return hashlib.sha256(signing.canonical(
            self._stage_payload(session, audit_id, stage_id, with_result=False))).hexdigest()

    def _stage_payload(self, session: Session, audit_id: int, stage_id: str,
                       with_result: bool = True) -> dict:
        """What a signature covers: the stage's result and every answer of its modes."""
        stage = self.scheme.procedure_by_id[stage_id]
        items = {i.id for i in self.scheme.checklist if self.scheme.method_mode[i.method] in stage.modes}
        answers = session.scalars(select(models.ChecklistAnswer).where(
            models.ChecklistAnswer.audit_id == audit_id)).all()
        row = self._stage_row(session, audit_id, stage_id)
        return {
            "stage": stage_id,
            "result": (row.result if row else None) if with_result else None,
            "answers": {a.item_id: [a.result, a.checked, a.nonconforming, a.measured, a.note, a.finding_grade]
                        for a in answers if a.item_id in items},
        }

    def _signed_payload(self, session: Session, row: models.StageResult) -> dict:
        """What a signature covers: the stage's result and answers and, for signatures since
        revision 0012 (those with a key id), who signed and when, the hashes of the evidence
        files on its items and of the imported files it locks. A change to any of them, or an
        import the lock was dodged for, no longer verifies."""
        payload = self._stage_payload(session, row.audit_id, row.stage)
        if row.key_id is None:
            return payload
        if (row.coverage or 0) >= SIGNATURE_COVERAGE:
            payload |= self._resting_on(session, row)
        evidence = session.execute(
            select(models.ChecklistAnswer.item_id, models.EvidenceFile.sha256)
            .join(models.EvidenceFile, models.EvidenceFile.answer_id == models.ChecklistAnswer.id)
            .where(models.ChecklistAnswer.audit_id == row.audit_id)).all()
        imports = {kind: [import_id, session.scalar(select(models.ImportRecord.sha256).where(
            models.ImportRecord.id == import_id))] for kind, import_id in (row.signed_imports or {}).items()}
        return {**payload, "signed_by": row.signed_by, "signed_at": instant(row.signed_at), "key_id": row.key_id,
                "evidence": sorted([item, sha] for item, sha in evidence if item in payload["answers"]),
                "imports": imports}

    def _resting_on(self, session: Session, row: models.StageResult) -> dict:
        """What a stage rests on, covered by its signature since revision 0026 (issue 24 §3, §5): the
        scheme it was judged under, the signatures of the stages it requires (the report: the
        evaluations') and, for a stage that
        locks the findings, the findings register (grade, item, text, dates; their corrective
        actions stay open after the report and are sealed on their own)."""
        stage = self.scheme.procedure_by_id[row.stage]
        rows = {r: self._stage_row(session, row.audit_id, r) for r in stage.requires}
        covered: dict = {"requires": {r: required.signature if required else None for r, required in rows.items()},
                         "scheme_fingerprint": self._row(session, models.Audit, row.audit_id).scheme_fingerprint}
        if "findings" in stage.locks:
            findings = session.scalars(select(models.Finding).where(models.Finding.audit_id == row.audit_id)
                                       .order_by(models.Finding.id))
            covered["findings"] = [sealing.row_fields(finding) for finding in findings]
        return covered

    def _imports_in_force(self, session: Session, audit_id: int, stage: ProcedureStage) -> dict[str, int]:
        """The audit's import of each kind the stage locks: what its figures came from. A later
        audit's import leaves it in the store, so the signature still verifies then."""
        read = {kind: self._audit_import_id(session, audit_id, kind) for kind in IMPORT_KINDS if kind in stage.locks}
        return {kind: import_id for kind, import_id in read.items() if import_id is not None}

    def _signatures_in_trail(self, session: Session, *, applicant_id: str | None = None,
                             stage_key: str | None = None) -> dict[str, tuple[str, str | None]]:
        """What the trail says each stage's signature is now, by "audit:stage": (applicant, the
        newest sign-off's signature, or None after a reopening)."""
        query = select(models.AuditTrail.action, models.AuditTrail.entity_id, models.AuditTrail.detail,
                       models.AuditTrail.applicant_id).where(
            models.AuditTrail.entity == "stage_result", models.AuditTrail.action.in_(SIGN_ACTIONS)
        ).order_by(models.AuditTrail.id)
        if applicant_id is not None:
            query = query.where(models.AuditTrail.applicant_id == applicant_id)
        if stage_key is not None:
            query = query.where(models.AuditTrail.entity_id == stage_key)
        return {entity_id: (applicant, detail.get("signature") if action == "sign_off" else None)
                for action, entity_id, detail, applicant in session.execute(query)}

    def _signature_state(self, session: Session, row: models.StageResult) -> str | None:
        """None when not signed; "valid"; "tampered"; or "key_different" when this machine's
        key is not the one the stage was signed with (nothing can be said then, and nothing is
        alleged)."""
        if row.signature is None:
            return None
        current = signing.key_id()
        if (row.key_id or self._recorded_key_id(session) or current) != current:
            return "key_different"
        return "valid" if signing.verify(self._signed_payload(session, row), row.signature) else "tampered"

    def _refuse_if_signed_in_trail(self, session: Session, audit_id: int, stage_id: str) -> None:
        """A stage the trail says is signed, whose signature columns are empty, was unsigned
        behind the workbench's back: signing it again would launder the change."""
        key = f"{audit_id}:{stage_id}"
        if self._signatures_in_trail(session, stage_key=key).get(key, (None, None))[1] is not None:
            raise ConflictError("审计轨迹记载本阶段已签署，但签名栏被清除：记录可能被篡改，不能再次签署；"
                                "请运行 audit-workbench verify",
                                "The trail records this stage as signed off, but its signature was cleared: the "
                                "record may have been tampered with and cannot be signed again; "
                                "run audit-workbench verify")

    def _refuse_unless_signer(self, session: Session, audit_id: int, stage: ProcedureStage) -> None:
        """Each stage is signed by its scheme signer (signers.py): the team leader, a deciding
        committee member, the programme manager or the administrator."""
        signers = stage_signers(session, audit_id, stage)
        if not signers.allows(self.actor):
            raise ConflictError(f"「{stage.name}」{signers.zh}，当前用户为 {self.actor}",
                                f"'{stage.id}' is {signers.en}; you are {self.actor}", code="stage.signer")

    def signers(self, audit_id: int, stage_id: str) -> Signers:
        """Who may sign the stage off, as the records stand (named on the sign-off button)."""
        with self._reading_session() as session:
            return stage_signers(session, audit_id, self.scheme.procedure_by_id[stage_id])

    def _refuse_report_before_audit(self, session: Session, audit_id: int) -> None:
        """The report is signed once the audit is over: not before its last on-site day."""
        programme = session.scalar(select(models.AuditProgramme).where(models.AuditProgramme.audit_id == audit_id))
        if programme is not None and programme.audit_end is not None:
            refuse_before(Event(programme.audit_end, "最后一个现场审核日", "the last on-site day"),
                          Event(self.clock.today(), "审查报告的签署日期", "signing the report"), "chronology.report_before_audit")

    def sign_off(self, audit_id: int, stage_id: str) -> str:
        """Sign a stage off; its answers and locked records become read-only. Refused while the
        recorded result lists anything missing, or while the stage must be recorded again."""
        stage = self.scheme.procedure_by_id[stage_id]
        with self._writing_session(Action.SIGN_OFF, audit=audit_id) as session:
            self._refuse_if_stage_closed(session, audit_id, stage_id)
            self._refuse_unless_signer(session, audit_id, stage)
            row = self._stage_row(session, audit_id, stage_id)
            if row is None:
                raise ConflictError("该阶段尚无结果，不能签署", f"Stage '{stage_id}' has no result to sign off")
            self._refuse_if_stage_signed(session, audit_id, stage_id)
            self._refuse_if_signed_in_trail(session, audit_id, stage_id)
            if row.redo_reason:
                raise ConflictError(f"请先重新记录本阶段结果：{row.redo_reason}",
                                    f"Record this stage's result again first: {row.redo_reason}", code="stage.redo")
            if self._answers_changed(session, row):
                raise ConflictError("记录结果之后答案又有改动，请先重新记录本阶段结果",
                                    "Answers changed after the result was recorded: record it again first", code="stage.stale")
            if stage_id == StageId.REPORT:
                self._refuse_report_before_audit(session, audit_id)
            gaps = [Gap(**g) for g in row.result.get("missing") or []]
            if gaps:
                zh, en = gaps_text(gaps)
                raise ConflictError(f"尚有 {len(gaps)} 项未完成，不能签署：\n{zh}",
                                    f"{len(gaps)} things are still missing; sign-off refused:\n{en}")
            row.signed_by, row.signed_at, row.key_id = self.actor, self.clock.now(), signing.key_id()
            row.coverage = SIGNATURE_COVERAGE
            row.signed_imports = self._imports_in_force(session, audit_id, stage)
            session.flush()
            session.refresh(row)  # sign the time as the database gives it back, so that it verifies
            row.signature = signing.sign(self._signed_payload(session, row))
            self._trail(session, "sign_off", Entity.STAGE_RESULT, f"{audit_id}:{stage_id}", {"signature": row.signature},
                        audit=audit_id)
            return row.signature

    def reopen_stage(self, audit_id: int, stage_id: str, reason: str) -> list[str]:
        """Reopen a signed-off stage, with a written reason. The trail keeps the old signature;
        the later stages that depend on it are marked to be recorded again. Returns their ids."""
        if not reason.strip():
            raise ConflictError("重开已签署的阶段须写明原因", "Reopening a signed-off stage needs a written reason")
        stage = self.scheme.procedure_by_id[stage_id]
        with self._writing_session(Action.SIGN_OFF, audit=audit_id) as session:
            self._refuse_if_stage_closed(session, audit_id, stage_id)
            self._refuse_unless_signer(session, audit_id, stage)
            row = self._stage_row(session, audit_id, stage_id)
            if row is None or row.signed_at is None:
                raise ConflictError("该阶段尚未签署，无需重开", f"Stage '{stage_id}' is not signed off")
            old = {"signed_by": row.signed_by, "signed_at": row.signed_at.isoformat(), "signature": row.signature}
            row.signed_by = row.signed_at = row.signature = row.key_id = row.signed_imports = None
            marked = []
            for later in self.scheme.stages_after(stage_id):
                later_row = self._stage_row(session, audit_id, later.id)
                if later_row is not None:
                    later_row.redo_reason = f"「{stage.name}」已重开 reopened: {reason}"
                    marked.append(later.id)
                    if later_row.signature is not None:  # it rested on what is reopened: signed again after
                        self._trail(session, "reopen", Entity.STAGE_RESULT, f"{audit_id}:{later.id}",
                                    {"previous_signature": {"signed_by": later_row.signed_by,
                                                            "signature": later_row.signature},
                                     "reason": f"「{stage.name}」已重开 reopened: {reason}"}, audit=audit_id)
                        later_row.signed_by = later_row.signed_at = later_row.signature = None
                        later_row.key_id = later_row.signed_imports = later_row.coverage = None
            detail = {"previous_signature": old, "reason": reason, "redo": marked}
            self._trail(session, "reopen", Entity.STAGE_RESULT, f"{audit_id}:{stage_id}", detail, audit=audit_id)
            return marked

    def _refuse_if_stage_closed(self, session: Session, audit_id: int, stage_id: str) -> None:
        """A stage the decision rests on is closed once the audit is decided (issue 24 §3)."""
        if stage_id in self.scheme.stages_before(StageId.DECISION):
            self._refuse_if_decided(session, audit_id)

    def stage_signature(self, audit_id: int, stage_id: str) -> str | None:
        """The HMAC of a signed-off stage (None when not signed), for the documents that cite it."""
        with self._reading_session() as session:
            row = self._stage_row(session, audit_id, stage_id)
            return row.signature if row is not None else None

    def signature_state(self, audit_id: int, stage_id: str) -> str | None:
        """None when not signed; "valid"; "tampered"; or "key_different" (see _signature_state)."""
        with self._reading_session() as session:
            row = self._stage_row(session, audit_id, stage_id)
            return self._signature_state(session, row) if row is not None else None

    def verify_sign_off(self, audit_id: int, stage_id: str) -> bool:
        """False when the signed-off answers were changed after the signature."""
        return self.signature_state(audit_id, stage_id) == "valid"
