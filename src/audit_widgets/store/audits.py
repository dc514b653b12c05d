"""Applications and what the audit records for them: stage results and sign-off, the
programme, auditors and the team, checklist answers with evidence, application documents,
case samples and their verification, special deductions and the bonus."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError
from ..rules.sampling import DrawRecord
from ..rules.scoring import Answer
from ..rules.team import AuditorProfile, Consultancy, TeamMember
from ..scheme import ProcedureStage
from . import models, signing
from .base import StoreBase
from .database import transaction

CASE_FIELDS = ("resolved", "complaint_closed", "reworked", "repeated", "satisfied")


class AuditStore(StoreBase):
    # --- applications ---------------------------------------------------------------------
    def open_application(self, applicant_id: str, stage: str = "initial", submitted_on: date | None = None) -> int:
        self.scheme.stage(stage)
        with transaction(self.engine) as session:
            self._row(session, models.Applicant, applicant_id)
            application = models.Application(
                applicant_id=applicant_id, stage=stage, submitted_on=submitted_on or date.today(),
                scheme_version=self.scheme.meta.version, scheme_fingerprint=self.scheme.fingerprint,
            )
            session.add(application)
            session.flush()
            self._trail(session, "open", "application", application.id, {"applicant_id": applicant_id, "stage": stage})
            return application.id

    def current_application(self, applicant_id: str, audit_stage: str = "initial") -> int | None:
        with transaction(self.engine) as session:
            self._row(session, models.Applicant, applicant_id)
            row = self._latest_application(session, applicant_id, audit_stage)
            return row.id if row else None

    def application(self, application_id: int) -> dict:
        with transaction(self.engine) as session:
            row = self._row(session, models.Application, application_id)
            return {"id": row.id, "applicant_id": row.applicant_id, "stage": row.stage,
                    "submitted_on": row.submitted_on, "scheme_version": row.scheme_version}

    # --- stage results and sign-off -------------------------------------------------------
    def record_stage_result(self, application_id: int, stage_id: str, result: dict) -> None:
        """Record (or replace) the result that ends a stage; refused after sign-off."""
        stage = self.scheme.procedure_by_id[stage_id]
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            missing = self._missing(session, application_id, stage)
            if missing:
                raise ConflictError(
                    "前置阶段尚未完成：" + "、".join(s.name for s in missing),
                    "Prerequisite stages are not done: " + ", ".join(s.id for s in missing),
                )
            self._refuse_if_locked(session, application_id, stage_id)
            row = self._stage_row(session, application_id, stage_id)
            if row is None:
                session.add(models.StageResult(application_id=application_id, stage=stage_id, result=result))
            else:
                row.result = result
            self._trail(session, "record", "stage_result", f"{application_id}:{stage_id}", result)

    def stage_result(self, application_id: int, stage_id: str) -> dict | None:
        with transaction(self.engine) as session:
            row = self._stage_row(session, application_id, stage_id)
            if row is None:
                return None
            return {"result": row.result, "signed_by": row.signed_by, "signed_at": row.signed_at}

    def _missing(self, session: Session, application_id: int, stage: ProcedureStage) -> list[ProcedureStage]:
        return [self.scheme.procedure_by_id[r] for r in stage.requires
                if self._stage_row(session, application_id, r) is None]

    def missing_prerequisites(self, application_id: int, stage_id: str) -> list[ProcedureStage]:
        with transaction(self.engine) as session:
            return self._missing(session, application_id, self.scheme.procedure_by_id[stage_id])

    def is_signed(self, application_id: int, stage_id: str) -> bool:
        with transaction(self.engine) as session:
            row = self._stage_row(session, application_id, stage_id)
            return row is not None and row.signed_at is not None

    def _stage_payload(self, session: Session, application_id: int, stage_id: str) -> dict:
        """What a signature covers: the stage's result and every answer of its modes."""
        stage = self.scheme.procedure_by_id[stage_id]
        items = {i.id for i in self.scheme.checklist if self.scheme.method_mode[i.method] in stage.modes}
        answers = session.scalars(select(models.ChecklistAnswer).where(
            models.ChecklistAnswer.application_id == application_id)).all()
        row = self._stage_row(session, application_id, stage_id)
        return {
            "stage": stage_id,
            "result": row.result if row else None,
            "answers": {a.item_id: [a.result, a.checked, a.nonconforming, a.measured, a.note, a.finding_grade]
                        for a in answers if a.item_id in items},
        }

    def sign_off(self, application_id: int, stage_id: str) -> str:
        """The team leader signs the stage off; its answers become read-only."""
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            leader = session.scalar(select(models.TeamMember.auditor_id).where(
                models.TeamMember.application_id == application_id, models.TeamMember.role == "leader"))
            if leader != self.actor:
                raise ConflictError(
                    f"只有审查组长（{leader or '未指定'}）可以签署，当前用户为 {self.actor}",
                    f"Only the team leader ({leader or 'none set'}) may sign off; you are {self.actor}",
                )
            row = self._stage_row(session, application_id, stage_id)
            if row is None:
                raise ConflictError("该阶段尚无结果，不能签署", f"Stage '{stage_id}' has no result to sign off")
            self._refuse_if_locked(session, application_id, stage_id)
            row.signed_by, row.signed_at = self.actor, datetime.now().astimezone()
            row.signature = signing.sign(self._stage_payload(session, application_id, stage_id))
            self._trail(session, "sign_off", "stage_result", f"{application_id}:{stage_id}", {"signature": row.signature})
            return row.signature

    def verify_sign_off(self, application_id: int, stage_id: str) -> bool:
        """False when the signed-off answers were changed after the signature."""
        with transaction(self.engine) as session:
            row = self._stage_row(session, application_id, stage_id)
            if row is None or row.signature is None:
                return False
            return signing.verify(self._stage_payload(session, application_id, stage_id), row.signature)

    # --- programme ------------------------------------------------------------------------
    def save_programme(self, application_id: int, *, person_days: float, justification: list,
                       site_sample_size: int, case_sample_size: int | None, audit_start: date | None,
                       audit_end: date | None, cycle_plan: list) -> None:
        values = dict(person_days=person_days, justification=justification, site_sample_size=site_sample_size,
                      case_sample_size=case_sample_size, audit_start=audit_start, audit_end=audit_end,
                      cycle_plan=cycle_plan)
        if audit_start and audit_end and audit_end < audit_start:
            raise ConflictError("审核结束日期早于开始日期", "The audit ends before it starts")
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "planning")
            row = session.scalar(select(models.AuditProgramme).where(
                models.AuditProgramme.application_id == application_id))
            if row is None:
                session.add(models.AuditProgramme(application_id=application_id, **values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            self._trail(session, "save", "programme", application_id, values)

    def programme(self, application_id: int) -> dict | None:
        with transaction(self.engine) as session:
            row = session.scalar(select(models.AuditProgramme).where(
                models.AuditProgramme.application_id == application_id))
            if row is None:
                return None
            return {k: getattr(row, k) for k in ("person_days", "justification", "site_sample_size",
                                                 "case_sample_size", "audit_start", "audit_end", "cycle_plan")}

    # --- auditors and team ----------------------------------------------------------------
    def add_auditor(self, auditor_id: str, name: str, grade: str, domains: list[str], *,
                    auditor_since: date | None = None, is_decision_maker: bool = False,
                    competence_evidence: str = "") -> None:
        if grade not in self.scheme.grades_by_id:
            raise ConflictError(f"未知的审查员等级「{grade}」", f"Unknown auditor grade '{grade}'")
        with transaction(self.engine) as session:
            if session.get(models.Auditor, auditor_id) is not None:
                raise ConflictError(f"审查员编号「{auditor_id}」已存在", f"Auditor '{auditor_id}' already exists")
            session.add(models.Auditor(id=auditor_id, name=name, grade=grade, domains=list(domains),
                                       auditor_since=auditor_since, is_decision_maker=is_decision_maker,
                                       competence_evidence=competence_evidence))
            self._trail(session, "add", "auditor", auditor_id, {"grade": grade, "domains": list(domains)})

    def add_consultancy(self, auditor_id: str, applicant_id: str, last_day: date) -> None:
        with transaction(self.engine) as session:
            session.add(models.Consultancy(auditor_id=auditor_id, applicant_id=applicant_id, last_day=last_day))
            self._trail(session, "add", "consultancy", auditor_id, {"applicant_id": applicant_id, "last_day": str(last_day)})

    def auditors(self) -> list[AuditorProfile]:
        with transaction(self.engine) as session:
            consultancies: dict[str, list[Consultancy]] = {}
            for c in session.scalars(select(models.Consultancy)):
                consultancies.setdefault(c.auditor_id, []).append(Consultancy(c.applicant_id, c.last_day))
            return [AuditorProfile(a.id, a.name, a.grade, tuple(a.domains), a.auditor_since,
                                   tuple(consultancies.get(a.id, ())))
                    for a in session.scalars(select(models.Auditor).order_by(models.Auditor.id))]

    def decision_makers(self) -> list[str]:
        with transaction(self.engine) as session:
            return list(session.scalars(select(models.Auditor.id).where(models.Auditor.is_decision_maker)))

    def set_team(self, application_id: int, members: list[tuple[str, str]]) -> None:
        """Replace the audit team: (auditor id, role) pairs. The check is the rule's, not here."""
        roles = {r.id for r in self.scheme.team_roles}
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "planning")
            for auditor_id, role in members:
                if role not in roles:
                    raise ConflictError(f"未知的组内角色「{role}」", f"Unknown team role '{role}'")
                self._row(session, models.Auditor, auditor_id)
            for row in session.scalars(select(models.TeamMember).where(
                    models.TeamMember.application_id == application_id)):
                session.delete(row)
            session.flush()
            for auditor_id, role in members:
                session.add(models.TeamMember(application_id=application_id, auditor_id=auditor_id, role=role))
            self._trail(session, "set", "team", application_id, {"members": members})

    def team(self, application_id: int) -> list[TeamMember]:
        profiles = {a.id: a for a in self.auditors()}
        with transaction(self.engine) as session:
            rows = session.scalars(select(models.TeamMember).where(
                models.TeamMember.application_id == application_id).order_by(models.TeamMember.id)).all()
            return [TeamMember(profiles[r.auditor_id], r.role) for r in rows]

    # --- checklist answers and evidence ---------------------------------------------------
    def _item_stage(self, item_id: str) -> str:
        if item_id not in self.scheme.items_by_id:
            raise NotFoundError(f"方案中没有条目「{item_id}」", f"The scheme has no checklist item '{item_id}'")
        return self.stage_of_mode(self.scheme.method_mode[self.scheme.items_by_id[item_id].method])

    def save_answer(self, application_id: int, item_id: str, answer: Answer, note: str = "",
                    finding_grade: str | None = None) -> int:
        """Write one checklist answer; returns its new version number."""
        stage_id = self._item_stage(item_id)
        if answer.result is not None and answer.result not in self.scheme.results_by_id:
            raise ConflictError(f"未知的评价结果「{answer.result}」", f"Unknown result '{answer.result}'")
        if finding_grade is not None and finding_grade not in self.scheme.finding_grades_by_id:
            raise ConflictError(f"未知的发现等级「{finding_grade}」", f"Unknown finding grade '{finding_grade}'")
        if answer.checked is not None and answer.nonconforming is not None and not (
                0 <= answer.nonconforming <= answer.checked):
            raise ConflictError("不符合数应在 0 与抽查数之间", "Nonconforming samples must be between 0 and the samples checked")
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, stage_id)
            row = session.scalar(select(models.ChecklistAnswer).where(
                models.ChecklistAnswer.application_id == application_id, models.ChecklistAnswer.item_id == item_id))
            values = {"result": answer.result, "checked": answer.checked, "nonconforming": answer.nonconforming,
                      "measured": answer.measured, "note": note, "finding_grade": finding_grade}
            if row is None:
                row = models.ChecklistAnswer(application_id=application_id, item_id=item_id, answered_by=self.actor,
                                             scheme_version=self.scheme.meta.version, version=1, **values)
                session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.version += 1
                row.answered_by = self.actor
                row.answered_at = models.utcnow()
            self._trail(session, "answer", "checklist_answer", f"{application_id}:{item_id}",
                        {**values, "version": row.version})
            return row.version

    def answers(self, application_id: int) -> dict[str, Answer]:
        return {item_id: record["answer"] for item_id, record in self.answer_records(application_id).items()}

    def answer_records(self, application_id: int) -> dict[str, dict]:
        """Every answer with its note, finding grade, version, who and when, and evidence."""
        with transaction(self.engine) as session:
            rows = session.scalars(select(models.ChecklistAnswer)
                                   .where(models.ChecklistAnswer.application_id == application_id)).all()
            evidence: dict[int, list[dict]] = {}
            if rows:
                for e in session.scalars(select(models.EvidenceFile).where(
                        models.EvidenceFile.answer_id.in_([r.id for r in rows]))):
                    evidence.setdefault(e.answer_id, []).append({"filename": e.filename, "sha256": e.sha256})
            return {r.item_id: {
                "answer": Answer(r.result, r.checked, r.nonconforming, r.measured), "note": r.note,
                "finding_grade": r.finding_grade, "version": r.version, "answered_by": r.answered_by,
                "answered_at": r.answered_at, "evidence": evidence.get(r.id, []),
            } for r in rows}

    def add_evidence(self, application_id: int, item_id: str, source: Path | bytes, filename: str) -> str:
        """Attach an evidence file to an item's answer (created empty if needed); returns its SHA-256."""
        stage_id = self._item_stage(item_id)
        digest, stored = self.keep_file(source, filename)
        with transaction(self.engine) as session:
            self._refuse_if_locked(session, application_id, stage_id)
            row = session.scalar(select(models.ChecklistAnswer).where(
                models.ChecklistAnswer.application_id == application_id, models.ChecklistAnswer.item_id == item_id))
            if row is None:
                row = models.ChecklistAnswer(application_id=application_id, item_id=item_id, answered_by=self.actor,
                                             scheme_version=self.scheme.meta.version, version=1)
                session.add(row)
                session.flush()
            session.add(models.EvidenceFile(answer_id=row.id, filename=filename, sha256=digest, stored_path=stored,
                                            added_by=self.actor))
            self._trail(session, "attach", "evidence", f"{application_id}:{item_id}",
                        {"filename": filename, "sha256": digest})
            return digest

    # --- application documents ------------------------------------------------------------
    def add_document(self, application_id: int, document_id: str, source: Path | bytes, filename: str) -> str:
        if document_id not in {d.id for d in self.scheme.application_documents}:
            raise NotFoundError(f"未知的申请文件类型「{document_id}」", f"Unknown application document '{document_id}'")
        digest, stored = self.keep_file(source, filename)
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "application")
            session.add(models.SubmittedDocument(application_id=application_id, document_id=document_id,
                                                 filename=filename, sha256=digest, stored_path=stored,
                                                 added_by=self.actor))
            self._trail(session, "attach", "document", application_id,
                        {"document_id": document_id, "filename": filename, "sha256": digest})
            return digest

    def documents(self, application_id: int) -> dict[str, list[dict]]:
        with transaction(self.engine) as session:
            found: dict[str, list[dict]] = {}
            for row in session.scalars(select(models.SubmittedDocument).where(
                    models.SubmittedDocument.application_id == application_id).order_by(models.SubmittedDocument.id)):
                found.setdefault(row.document_id, []).append({"filename": row.filename, "sha256": row.sha256})
            return found

    # --- case samples -----------------------------------------------------------------------
    def save_case_sample(self, application_id: int, record: DrawRecord) -> int:
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "characteristic")
            row = models.CaseSample(application_id=application_id, population_hash=record.population_hash,
                                    population_size=record.population_size, method=record.method, seed=record.seed,
                                    drawn_ids=record.ids, drawn_by=self.actor)
            session.add(row)
            session.flush()
            self._trail(session, "draw", "case_sample", row.id, record.as_dict() | {"ids": len(record.ids)})
            return row.id

    def case_sample(self, application_id: int) -> dict | None:
        """The latest draw for the application, with its verifications by order id."""
        with transaction(self.engine) as session:
            row = session.scalar(select(models.CaseSample).where(models.CaseSample.application_id == application_id)
                                 .order_by(models.CaseSample.id.desc()).limit(1))
            if row is None:
                return None
            verified = {v.order_id: {f: getattr(v, f) for f in (*CASE_FIELDS, "note")}
                        for v in session.scalars(select(models.CaseVerification)
                                                 .where(models.CaseVerification.sample_id == row.id))}
            return {"id": row.id, "population_hash": row.population_hash, "population_size": row.population_size,
                    "method": row.method, "seed": row.seed, "ids": list(row.drawn_ids), "verified": verified}

    def verify_case(self, sample_id: int, order_id: str, note: str = "", **fields: bool | None) -> None:
        unknown = set(fields) - set(CASE_FIELDS)
        if unknown:
            raise ConflictError(f"未知的复核项：{', '.join(unknown)}", f"Unknown verification fields: {', '.join(unknown)}")
        with transaction(self.engine) as session:
            sample = self._row(session, models.CaseSample, sample_id)
            if order_id not in sample.drawn_ids:
                raise ConflictError(f"工单 {order_id} 不在本次抽样中", f"Work order {order_id} is not in this sample")
            self._refuse_if_locked(session, sample.application_id, "characteristic")
            row = session.scalar(select(models.CaseVerification).where(
                models.CaseVerification.sample_id == sample_id, models.CaseVerification.order_id == order_id))
            if row is None:
                row = models.CaseVerification(sample_id=sample_id, order_id=order_id, verified_by=self.actor)
                session.add(row)
            for key, value in fields.items():
                setattr(row, key, value)
            row.note = note
            row.verified_by, row.verified_at = self.actor, models.utcnow()
            self._trail(session, "verify", "case", f"{sample_id}:{order_id}", {**fields, "note": note})

    # --- special deductions and bonus ---------------------------------------------------------
    def add_adjustment(self, application_id: int, kind: str, cause: str, note: str = "") -> None:
        causes = {c.id for c in self.scheme.special_deduction_causes}
        if kind not in ("deduction", "bonus") or (kind == "deduction" and cause not in causes):
            raise ConflictError("特别扣分须注明原因（违法、违反自身规定或行业规范）",
                                f"A special deduction needs a cause from: {', '.join(sorted(causes))}")
        with transaction(self.engine) as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "report")
            session.add(models.ScoreAdjustment(application_id=application_id, kind=kind, cause=cause, note=note,
                                               recorded_by=self.actor))
            self._trail(session, "add", "score_adjustment", application_id, {"kind": kind, "cause": cause, "note": note})

    def adjustments(self, application_id: int) -> list[dict]:
        with transaction(self.engine) as session:
            return [{"kind": r.kind, "cause": r.cause, "note": r.note, "recorded_by": r.recorded_by}
                    for r in session.scalars(select(models.ScoreAdjustment).where(
                        models.ScoreAdjustment.application_id == application_id).order_by(models.ScoreAdjustment.id))]
