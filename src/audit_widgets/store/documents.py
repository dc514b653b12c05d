"""The documents an applicant submits with the application, kept by SHA-256."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..contract import Action, Entity
from ..domain import Document
from ..errors import NotFoundError
from . import models
from .base import StoreBase


class DocumentStore(StoreBase):
    def add_document(self, audit_id: int, document_id: str, source: Path | bytes, filename: str) -> str:
        if document_id not in {d.id for d in self.scheme.application_documents}:
            raise NotFoundError(f"未知的申请文件类型「{document_id}」", f"Unknown application document '{document_id}'")
        with self._writing_session(Action.APPLICANT, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "documents")
            kept = self.keep_file(source, filename)
            digest = kept["sha256"]
            session.add(models.SubmittedDocument(audit_id=audit_id, document_id=document_id, **kept))
            self._trail(session, "attach", Entity.DOCUMENT, audit_id,
                        {"document_id": document_id, "filename": filename, "sha256": digest},
                        audit=audit_id)
            return digest

    def documents(self, audit_id: int) -> dict[str, list[Document]]:
        """The submitted files by application_documents id."""
        with self._reading_session() as session:
            found: dict[str, list[Document]] = {}
            for row in session.scalars(select(models.SubmittedDocument).where(
                    models.SubmittedDocument.audit_id == audit_id).order_by(models.SubmittedDocument.id)):
                found.setdefault(row.document_id, []).append(Document(row.document_id, row.filename, row.sha256))
            return found
