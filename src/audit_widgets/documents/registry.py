"""The document registry: every document the workbench writes, by id.

A document is written from recorded results only, and writes nothing (an empty list) while its
applicant has nothing to show yet. Each entry says for whom it is, when it is due, and the files
it writes (what the committee's dashboard offers). `follows` names the records whose saving on screen writes it
at once (a refusal at review writes the letter); the others are written by `audit-workbench
report` and by the batch after an applicant's notebooks. A new document is one module with a
`write` function and one `register` call here, or an `audit_workbench.documents` entry point.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..plugins import Registry

if TYPE_CHECKING:
    from ..store.repository import Workbench

Write = Callable[["Workbench", str, "Path | None"], list[Path]]


@dataclass(frozen=True)
class Document:
    id: str
    name: str  # "审查报告 / audit report"
    write: Write  # (workbench, applicant id, folder or None for outputs/<applicant>/) -> the files written
    files: tuple[str, ...]  # the names of the files it writes in the applicant's folder
    reader: str  # for whom: "受审核方 the client"
    due: str     # when: "审核计划保存后 once the audit plan is saved"
    follows: tuple[str, ...] = ()  # record kinds (procedure_stages.locks names) whose saving writes it

    def make(self, workbench: Workbench, applicant_id: str, folder: Path | None = None) -> list[Path]:
        """Write the document; what it writes into outputs/ (no folder given) is published too
        (published.py), for the dashboard wherever it runs. Returns the files written."""
        from ..published import publish
        paths = self.write(workbench, applicant_id, folder)
        if folder is None:
            publish(paths)
        return paths


class DocumentRegistry(Registry[Document]):
    def __init__(self) -> None:
        super().__init__("文件", "document", group="audit_workbench.documents")

    def following(self, record: str | None) -> list[Document]:
        return [d for d in self if record is not None and record in d.follows]


def _report(workbench: Workbench, applicant_id: str, folder: Path | None) -> list[Path]:
    from .report import write_report
    return write_report(workbench, applicant_id, folder)


def _certificate(workbench: Workbench, applicant_id: str, folder: Path | None) -> list[Path]:
    from .certificate import write_certificate
    return write_certificate(workbench, applicant_id, folder)


def _refusal_letter(workbench: Workbench, applicant_id: str, folder: Path | None) -> list[Path]:
    from .letters import write_refusal_letter
    return write_refusal_letter(workbench, applicant_id, folder)


def _audit_notice(workbench: Workbench, applicant_id: str, folder: Path | None) -> list[Path]:
    from .audit_notice import write_audit_notice
    return write_audit_notice(workbench, applicant_id, folder)


def _status_notice(workbench: Workbench, applicant_id: str, folder: Path | None) -> list[Path]:
    from .notices import write_status_notice
    return write_status_notice(workbench, applicant_id, folder)


documents = DocumentRegistry()
documents.register(Document(
    "audit_notice", "审核通知书 / notice of audit", _audit_notice, ("audit_notice.html",),
    "受审核方 the client", "审核计划（日程）保存后、现场审核前 once the agenda is saved, before the audit",
    follows=("audit_plan",)))
documents.register(Document(
    "refusal_letter", "不予受理通知书 / notice of refusal", _refusal_letter, ("refusal_letter.html",),
    "申请方 the applicant", "申请评审不予受理时 when the review refuses the application", follows=("review",)))
documents.register(Document(
    "report", "审查报告 / audit report", _report, ("audit_report.html", "audit_report.pdf"),
    "认证决定委员会、受审核方 the committee, the client", "审查报告阶段记录后 once the report stage is recorded"))
documents.register(Document(
    "certificate", "认证证书 / certificate", _certificate, ("certificate.pdf",),
    "持证方 the holder", "认证决定执行后 once the decision is carried out on the certificate"))
documents.register(Document(
    "status_notice", "暂停、撤销或注销通知书 / notice of suspension, withdrawal or cancellation", _status_notice,
    ("status_notice.html", "status_notice.pdf"), "持证方 the holder",
    "证书被暂停、撤销或注销时 while the certificate is suspended, withdrawn or cancelled"))
