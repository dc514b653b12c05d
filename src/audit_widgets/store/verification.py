"""`audit-workbench verify`: is every record still what the workbench wrote? Each signed stage
against its signature and against the trail's sign-off, every decision, certificate, status
change, finding and corrective action against its signed statement (sealing), the trail's hash
chain, and the database's protective triggers; under the key the store was signed with, or a plain
"key missing or different" instead of false alarms."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from . import models, signing
from .base import StoreBase
from .checkpoints import Checkpoint, CheckpointProblem, checkpoint_problem
from .protection import missing_triggers
from .roles import role_problems
from .sealing import RowProblem, unsealed_rows
from .trail_chain import broken_links

PROBLEMS = {
    "tampered": ("签署后被改动（签名与内容不符）", "changed after sign-off (the signature does not match)"),
    "unsigned_behind_the_trail": ("轨迹记载已签署，但签名栏被清除或替换", "the trail records a sign-off, "
                                  "but the signature columns were cleared or replaced"),
    "removed_behind_the_trail": ("轨迹记载已签署，但阶段结果已被删除", "the trail records a sign-off, "
                                 "but the stage result was deleted"),
}


@dataclass
class StageProblem:
    applicant_id: str
    audit: int
    stage: str
    problem: str
    signed_by: str | None

    def text(self) -> str:
        zh, en = PROBLEMS[self.problem]
        return f"{self.applicant_id} 审核 audit {self.audit} 阶段 stage {self.stage}：{zh} / {en}"


@dataclass
class VerifyReport:
    key: dict
    signatures_checked: int = 0
    problems: list[StageProblem] = field(default_factory=list)
    trail_entries: int = 0
    broken_links: list[int] = field(default_factory=list)
    missing_triggers: list[str] = field(default_factory=list)
    sealed_rows: int = 0  # decisions, certificates, status changes, findings, corrective actions checked
    row_problems: list[RowProblem] = field(default_factory=list)
    checkpoints_checked: int = 0  # checkpoints kept outside the database (verify --checkpoints)
    checkpoint_problems: list[CheckpointProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.key["matches"] and not (self.problems or self.broken_links or self.missing_triggers
                                            or self.row_problems or self.checkpoint_problems)

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok,
                "problems": [{**asdict(p), "text": p.text()} for p in self.problems],
                "row_problems": [{**asdict(p), "text": p.text()} for p in self.row_problems],
                "checkpoint_problems": [{**asdict(p), "text": p.text()} for p in self.checkpoint_problems]}


class VerificationStore(StoreBase):
    """Reads through the stage signatures of ApplicationStore, which Workbench combines with it."""

    def key_status(self) -> dict:
        """This machine's key id, the one the store was signed with (None: nothing written yet),
        and whether they match."""
        with self._reading_session() as session:
            recorded, current = self._recorded_key_id(session), signing.key_id()
        return {"current": current, "recorded": recorded, "matches": recorded in (None, current)}

    def verify(self, applicant_id: str | None = None,
               checkpoints: Sequence[tuple[str, Checkpoint]] = ()) -> VerifyReport:
        """Every check; `checkpoints` (source, checkpoint), kept outside the database, must each
        still be an entry of the trail with the same chain value."""
        report = VerifyReport(key=self.key_status(), checkpoints_checked=len(checkpoints))
        with self._reading_session() as session:
            report.missing_triggers = missing_triggers(session.connection())
            report.checkpoint_problems = [problem for source, checkpoint in checkpoints
                                          if (problem := checkpoint_problem(session, checkpoint, source))]
            if not report.key["matches"]:
                return report  # under another key every check would fail: say that, accuse nothing
            query = select(models.StageResult, models.Audit.applicant_id).join(
                models.Audit, models.Audit.id == models.StageResult.audit_id)
            if applicant_id is not None:
                query = query.where(models.Audit.applicant_id == applicant_id)
            signed_in_trail = self._signatures_in_trail(session, applicant_id=applicant_id)
            seen = set()
            for row, applicant in session.execute(query):
                key = f"{row.audit_id}:{row.stage}"
                seen.add(key)
                if row.signature is not None:
                    report.signatures_checked += 1
                    if self._signature_state(session, row) == "tampered":
                        report.problems.append(StageProblem(applicant, row.audit_id, row.stage, "tampered",
                                                            row.signed_by))
                        continue
                if signed_in_trail.get(key, (applicant, row.signature))[1] != row.signature:
                    report.problems.append(StageProblem(applicant, row.audit_id, row.stage,
                                                        "unsigned_behind_the_trail", row.signed_by))
            audits = dict(session.execute(select(models.Audit.id, models.Audit.applicant_id)).all())
            for key, (applicant, signature) in signed_in_trail.items():
                audit, stage = key.split(":", 1)
                if signature is not None and key not in seen and int(audit) in audits:  # disposed audits are gone
                    report.problems.append(StageProblem(applicant, int(audit), stage, "removed_behind_the_trail", None))
            if applicant_id is None:
                report.trail_entries, report.broken_links = broken_links(session)
                report.sealed_rows, report.row_problems = unsealed_rows(session)
                report.row_problems += role_problems(session)
            return report
