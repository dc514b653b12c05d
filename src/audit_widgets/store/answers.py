"""Checklist answers, versioned, and the evidence files attached to them."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..contract import Action, Entity
from ..domain import Answer, AnswerRecord, EvidenceRef
from ..errors import ConflictError, ReasonRequired, StaleWriteError
from ..rules.answers import answer_problem
from . import models
from .audits import audit_record
from .findings import FindingStore
from .records import from_row


class AnswerStore(FindingStore):
    def save_answer(self, audit_id: int, item_id: str, answer: Answer, note: str = "",
                    finding_grade: str | None = None, expected_version: int | None = None) -> int:
        """Write one checklist answer; returns its new version number. A finding grade on the
        row raises, updates or (when cleared) withdraws the row's finding in the same write.
        `expected_version`: the version the writer last read (0: none yet); if someone saved
        since, the write is refused (StaleWriteError names who, when and what)."""
        if finding_grade is not None:
            self._check_grade(finding_grade)
        with self._writing_session(Action.EVALUATION, audit=audit_id) as session:
            audit = self._row(session, models.Audit, audit_id)
            self._refuse_if_answers_locked(session, audit_id, item_id)
            applicant = audit.applicant
            domains = audit_record(audit).audited_domains(applicant.domains)  # a scope extension's too
            problem = answer_problem(self.scheme, item_id, answer, note, domains, applicant.organisation_type)
            if problem is not None:
                refusal = ReasonRequired if problem.column == "note" else ConflictError
                raise refusal(f"{item_id}：{problem.zh}", f"{item_id}: {problem.en}")
            row = session.scalar(select(models.ChecklistAnswer).where(
                models.ChecklistAnswer.audit_id == audit_id, models.ChecklistAnswer.item_id == item_id))
            if expected_version is not None and (row.version if row else 0) != expected_version:
                raise self._stale(row)
            values = {"result": answer.result, "checked": answer.checked, "nonconforming": answer.nonconforming,
                      "measured": answer.measured, "note": note, "finding_grade": finding_grade}
            if row is None:
                row = models.ChecklistAnswer(audit_id=audit_id, item_id=item_id, answered_by=self.actor,
                                             scheme_version=self.scheme.meta.version, version=1, **values)
                session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.version += 1
                row.answered_by = self.actor
                row.answered_at = models.utcnow()
            self._trail(session, "answer", Entity.CHECKLIST_ANSWER, f"{audit_id}:{item_id}",
                        {**values, "version": row.version}, audit=audit_id)
            self._sync_row_finding(session, audit_id, item_id, finding_grade, note)
            return row.version

    def _stale(self, row: models.ChecklistAnswer) -> StaleWriteError:
        results = {r.id: r.name for r in self.scheme.answer_results}
        shown = results.get(row.result, "") if row.result else (
            f"{row.checked}/{row.nonconforming}" if row.checked is not None else "未答")
        when = f"{row.answered_at:%Y-%m-%d %H:%M}"
        return StaleWriteError(
            f"{row.item_id} 已由 {row.answered_by} 于 {when} 改为「{shown}」（第 {row.version} 版），您看到的是旧版本："
            "您的修改未保存，屏幕已显示当前内容，请核对后再改",
            f"{row.item_id} was changed by {row.answered_by} at {when} to '{row.result or shown}' (version "
            f"{row.version}) after you read it: your change was not saved; the screen shows the current answer")

    def answers(self, audit_id: int) -> dict[str, Answer]:
        return {item_id: record.answer for item_id, record in self.answer_records(audit_id).items()}

    def answer_records(self, audit_id: int) -> dict[str, AnswerRecord]:
        """Every answer with its note, finding grade, version, who and when, and evidence."""
        with self._reading_session() as session:
            rows = session.scalars(select(models.ChecklistAnswer)
                                   .where(models.ChecklistAnswer.audit_id == audit_id)).all()
            evidence: dict[int, list[EvidenceRef]] = {}
            if rows:
                for e in session.scalars(select(models.EvidenceFile).where(
                        models.EvidenceFile.answer_id.in_([r.id for r in rows])).order_by(models.EvidenceFile.id)):
                    evidence.setdefault(e.answer_id, []).append(EvidenceRef(e.filename, e.sha256))
            # a stored answer is one lot: the weighted share is the case sample's (rules/cases.py)
            return {r.item_id: from_row(AnswerRecord, r, answer=from_row(Answer, r, nonconforming_share=None),
                                        evidence=tuple(evidence.get(r.id, ()))) for r in rows}

    def add_evidence(self, audit_id: int, item_id: str, source: Path | bytes, filename: str) -> str:
        """Attach an evidence file to an item's answer (created empty if needed); returns its SHA-256."""
        with self._writing_session(Action.EVALUATION, audit=audit_id) as session:
            self._refuse_if_answers_locked(session, audit_id, item_id)
            kept = self.keep_file(source, filename)
            digest = kept["sha256"]
            row = session.scalar(select(models.ChecklistAnswer).where(
                models.ChecklistAnswer.audit_id == audit_id, models.ChecklistAnswer.item_id == item_id))
            if row is None:
                row = models.ChecklistAnswer(audit_id=audit_id, item_id=item_id, answered_by=self.actor,
                                             scheme_version=self.scheme.meta.version, version=1)
                session.add(row)
                session.flush()
            session.add(models.EvidenceFile(answer_id=row.id, **kept))
            self._trail(session, "attach", Entity.EVIDENCE, f"{audit_id}:{item_id}",
                        {"filename": filename, "sha256": digest}, audit=audit_id)
            return digest
