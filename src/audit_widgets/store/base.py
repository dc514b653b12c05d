"""What every part of the store shares: the engine, the scheme, the person acting, the
audit trail and the evidence folder."""
from __future__ import annotations

import getpass
import hashlib
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError
from ..paths import data_dir
from ..scheme import Scheme, load_scheme
from . import models
from .database import get_engine, require_current_schema


NOT_FOUND_NAMES = {
    models.Applicant: ("申请方", "applicant"),
    models.Application: ("申请", "application"),
    models.Certificate: ("证书", "certificate"),
    models.Finding: ("发现", "finding"),
    models.CaseSample: ("抽样", "case sample"),
    models.Auditor: ("审查员", "auditor"),
}


class StoreBase:
    def __init__(self, database_url: str | None = None, scheme: Scheme | None = None, actor: str | None = None):
        self.engine = get_engine(database_url)
        self.scheme = scheme or load_scheme()
        self.actor = actor or getpass.getuser()
        require_current_schema(self.engine)

    def _trail(self, session: Session, action: str, entity: str, entity_id, detail: dict | None = None) -> None:
        session.add(models.AuditTrail(actor=self.actor, action=action, entity=entity, entity_id=str(entity_id),
                                      detail=detail or {}))

    @staticmethod
    def _row(session: Session, model: type[models.Base], key):
        """The record with this primary key, or a NotFoundError that names what is missing."""
        row = session.get(model, key)
        if row is None:
            zh, en = NOT_FOUND_NAMES[model]
            raise NotFoundError(f"没有编号为「{key}」的{zh}", f"No {en} with id '{key}'")
        return row

    @staticmethod
    def keep_file(source: Path | bytes, filename: str) -> tuple[str, str]:
        """Keep an evidence file under data/evidence by its SHA-256; return (sha256, path)."""
        content = source if isinstance(source, bytes) else Path(source).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        target = data_dir() / "evidence" / digest[:2] / f"{digest}{Path(filename).suffix.lower()}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(source, bytes):
                target.write_bytes(content)
            else:
                shutil.copyfile(source, target)
        return digest, str(target)

    # --- stage locks --------------------------------------------------------------------
    @staticmethod
    def _latest_application(session: Session, applicant_id: str, audit_stage: str = "initial"):
        return session.scalar(
            select(models.Application)
            .where(models.Application.applicant_id == applicant_id, models.Application.stage == audit_stage)
            .order_by(models.Application.id.desc()).limit(1)
        )

    @staticmethod
    def _stage_row(session: Session, application_id: int, stage_id: str) -> models.StageResult | None:
        return session.scalar(select(models.StageResult).where(
            models.StageResult.application_id == application_id, models.StageResult.stage == stage_id))

    def _refuse_if_locked(self, session: Session, application_id: int, stage_id: str) -> None:
        row = self._stage_row(session, application_id, stage_id)
        if row is not None and row.signed_at is not None:
            name = self.scheme.procedure_by_id[stage_id].name
            raise ConflictError(
                f"「{name}」已由 {row.signed_by} 于 {row.signed_at:%Y-%m-%d %H:%M} 签署，内容只读，不能修改",
                f"Stage '{stage_id}' was signed off by {row.signed_by}; it is read-only and cannot be changed",
            )

    def _refuse_if_signed(self, session: Session, applicant_id: str, stage_id: str) -> None:
        application = self._latest_application(session, applicant_id)
        if application is not None:
            self._refuse_if_locked(session, application.id, stage_id)

    def stage_of_mode(self, mode: str) -> str:
        """The procedure stage that records (and locks) the answers of a checklist mode."""
        for stage in self.scheme.procedure_stages:
            if mode in stage.modes:
                return stage.id
        raise NotFoundError(f"没有记录模式 {mode} 的阶段", f"No procedure stage records mode {mode}")
