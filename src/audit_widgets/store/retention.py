"""Which audits' records are past their retention, and their disposal: only by an explicit
call, only when due, all of the audit's records in one transaction, with a trail entry that
says what went (the trail itself is kept)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update

from ..contract import IN_FORCE, Action, Entity
from ..errors import ConflictError
from ..rules.retention import AuditRecords, due_for_disposal
from . import models
from .base import StoreBase


class RetentionStore(StoreBase):
    def audit_records(self, applicant_id: str | None = None) -> list[AuditRecords]:
        """Every audit with the day its certification cycle ended (None while it runs)."""
        query = select(models.Audit).order_by(models.Audit.applicant_id, models.Audit.id)
        if applicant_id is not None:
            query = query.where(models.Audit.applicant_id == applicant_id)
        records = []
        with self._reading_session() as session:
            decided = {d.audit_id: d.decided_on for d in session.scalars(select(models.Decision))}
            by_applicant: dict[str, list[models.Audit]] = {}
            for audit in session.scalars(query):
                by_applicant.setdefault(audit.applicant_id, []).append(audit)
            for applicant, audits in by_applicant.items():
                cycles: list[list[models.Audit]] = []
                for audit in audits:
                    if self.scheme.starts_cycle(audit.audit_type) or not cycles:
                        cycles.append([])
                    cycles[-1].append(audit)
                current = self._current_certificate(session, applicant)
                ended_by_status = None
                if current is not None and current.status not in IN_FORCE:
                    ended_by_status = session.scalar(select(models.StatusChangeRecord.changed_on).where(
                        models.StatusChangeRecord.certificate_number == current.number)
                        .order_by(models.StatusChangeRecord.id.desc()).limit(1))
                certified = set(session.scalars(select(models.Certificate.audit_id).where(
                    models.Certificate.applicant_id == applicant)))
                for index, cycle in enumerate(cycles):
                    start = cycle[0]
                    if index + 1 < len(cycles):  # the next cycle's audit ended this one
                        ended = decided.get(cycles[index + 1][0].id) or cycles[index + 1][0].submitted_on
                    elif start.id not in decided:
                        ended = None  # still being decided
                    elif not certified & {a.id for a in cycle}:
                        ended = decided[start.id]  # refused: no certificate came of it
                    else:
                        ended = ended_by_status  # None while the certificate is in force
                    records += [AuditRecords(applicant, a.id, a.audit_type, ended) for a in cycle
                                if a.disposed_on is None]
        return records

    def records_due_for_disposal(self, on: date, applicant_id: str | None = None):
        return due_for_disposal(self.scheme, self.audit_records(applicant_id), on)

    @staticmethod
    def _dispose_of_evidence(session, audit_id: int) -> dict[str, int]:
        """The audit's evidence links, and the records of the imports made for it that no other
        audit reads (one another audit reads is handed to that audit)."""
        counts = {"audit_evidence": session.execute(
            delete(models.AuditEvidence).where(models.AuditEvidence.audit_id == audit_id)).rowcount}
        own = list(session.scalars(select(models.ImportRecord).where(models.ImportRecord.audit_id == audit_id)))
        gone = []
        for record in own:
            reader = session.scalar(select(models.AuditEvidence.audit_id).where(
                models.AuditEvidence.import_id == record.id).limit(1))
            if reader is not None:
                record.audit_id = reader
            else:
                gone.append(record.id)
        counts["work_orders"] = session.execute(
            delete(models.WorkOrder).where(models.WorkOrder.import_id.in_(gone))).rowcount
        counts["survey_responses"] = session.execute(
            delete(models.SurveyResponse).where(models.SurveyResponse.import_id.in_(gone))).rowcount
        counts["imports"] = session.execute(delete(models.ImportRecord).where(models.ImportRecord.id.in_(gone))).rowcount
        return counts

    def dispose_of_audit(self, audit_id: int, on: date, reason: str) -> dict:
        """Delete the records of an audit whose retention has ended, as of a day that has come.
        Refused for any other. Its certificates, their status histories and its decision are
        kept (the register keeps every certificate ever issued, and numbers are never reused);
        the audit's row stays and says when, by whom and why its records went."""
        if not reason.strip():
            raise ConflictError("处置记录须写明依据", "Disposing of records needs its basis written")
        if on > self.clock.today():
            raise ConflictError(f"处置日期 {on} 晚于今天：只能按已到的日期处置",
                                f"The disposal day {on} is after today: records are disposed of only as of a day "
                                "that has come", code="chronology.future")
        audit = self.audit(audit_id)
        if audit.disposed_on is not None:
            raise ConflictError(f"审核 {audit_id} 的记录已于 {audit.disposed_on} 处置",
                                f"Audit {audit_id}'s records were disposed of on {audit.disposed_on}")
        due = {r.audit_id for r, _ in self.records_due_for_disposal(on, audit.applicant_id)}
        if audit_id not in due:
            raise ConflictError(f"审核 {audit_id} 的记录尚在保存期内，不能处置",
                                f"Audit {audit_id}'s records are still within their retention period")
        counts = {}
        with self._writing_session(Action.RECORDS, audit=audit_id) as session:
            answers = select(models.ChecklistAnswer.id).where(models.ChecklistAnswer.audit_id == audit_id)
            samples = select(models.CaseSample.id).where(models.CaseSample.audit_id == audit_id)
            calls = select(models.CallbackSample.id).where(models.CallbackSample.audit_id == audit_id)
            findings = select(models.Finding.id).where(models.Finding.audit_id == audit_id)
            steps = [
                delete(models.EvidenceFile).where(models.EvidenceFile.answer_id.in_(answers)),
                delete(models.ChecklistAnswer).where(models.ChecklistAnswer.audit_id == audit_id),
                delete(models.CaseVerification).where(models.CaseVerification.sample_id.in_(samples)),
                delete(models.CaseSample).where(models.CaseSample.audit_id == audit_id),
                delete(models.Callback).where(models.Callback.sample_id.in_(calls)),
                delete(models.CallbackSample).where(models.CallbackSample.audit_id == audit_id),
                delete(models.ScoreAdjustment).where(models.ScoreAdjustment.audit_id == audit_id),
                delete(models.CorrectiveAction).where(models.CorrectiveAction.finding_id.in_(findings)),
                delete(models.Finding).where(models.Finding.audit_id == audit_id),
            ]
            steps += [delete(model).where(model.audit_id == audit_id) for model in (
                models.SubmittedDocument, models.StageResult, models.AuditProgramme, models.Contract,
                models.TeamMember, models.ApplicationReview, models.AuditPlan, models.Appeal, models.ReportParticular)]
            for step in steps:
                counts[step.table.name] = session.execute(step).rowcount
            counts |= self._dispose_of_evidence(session, audit_id)
            session.execute(update(models.Complaint).where(models.Complaint.audit_id == audit_id).values(audit_id=None))
            row = self._row(session, models.Audit, audit_id)
            row.disposed_on, row.disposed_by, row.disposal_reason = on, self.actor, reason
            self._trail(session, "dispose", Entity.AUDIT, audit_id,
                        {"reason": reason, "on": on.isoformat(), "deleted": {k: v for k, v in counts.items() if v}},
                        applicant=audit.applicant_id)
        return counts
