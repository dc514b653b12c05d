"""The workbench API: the only code that writes the database.

Every public method that writes runs in one transaction and leaves an audit-trail row, so
a failed write changes nothing and every change can be traced to who made it and when.
"""
from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError
from ..imports.applicants import ApplicantData
from ..imports.surveys import SurveyImport
from ..imports.work_orders import WorkOrderImport
from ..rules.kpis import WORK_ORDER_COLUMNS
from ..rules.scoring import Answer
from ..scheme import Scheme, load_scheme
from . import models
from .database import get_engine, require_current_schema, transaction

INSERT_BATCH_ROWS = 50_000


def _trail(session: Session, actor: str, action: str, entity: str, entity_id, detail: dict | None = None) -> None:
    session.add(models.AuditTrail(actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                                  detail=detail or {}))


def _applicant_dict(row: models.Applicant) -> dict:
    return {
        "id": row.id, "name": row.name, "uscc": row.uscc, "organisation_type": row.organisation_type,
        "domains": list(row.domains), "address": row.address, "personnel": row.personnel,
        "outlets": row.outlets, "product_categories": row.product_categories, "goods": row.goods,
        "services": row.services, "sites": list(row.sites or []),
    }


def _python_values(column: pd.Series) -> list:
    """Plain Python values with None for missing ones, as the database driver wants."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    return [None if pd.isna(v) else (bool(v) if isinstance(v, (bool, np.bool_)) else v) for v in column]


def _records(frame: pd.DataFrame, **constants) -> list[dict]:
    names = list(frame.columns)
    columns = [_python_values(frame[name]) for name in names]
    return [{**constants, **dict(zip(names, values))} for values in zip(*columns)]


class Workbench:
    """One scheme, one database and the person acting: the single API over the store."""

    def __init__(self, database_url: str | None = None, scheme: Scheme | None = None, actor: str | None = None):
        self.engine = get_engine(database_url)
        self.scheme = scheme or load_scheme()
        self.actor = actor or getpass.getuser()
        require_current_schema(self.engine)

    # --- applicants ---------------------------------------------------------------------
    def add_applicant(self, data: ApplicantData) -> dict:
        with transaction(self.engine) as session:
            if session.get(models.Applicant, data.id) is not None:
                raise ConflictError(f"申请方编号「{data.id}」已存在", f"Applicant id '{data.id}' already exists")
            same_uscc = session.scalar(select(models.Applicant.id).where(models.Applicant.uscc == data.uscc))
            if same_uscc:
                raise ConflictError(f"统一社会信用代码已被申请方「{same_uscc}」使用",
                                    f"The USCC is already registered for applicant '{same_uscc}'")
            row = models.Applicant(**data.model_dump())
            session.add(row)
            _trail(session, self.actor, "add", "applicant", data.id, data.model_dump())
            return _applicant_dict(row)

    def list_applicants(self) -> list[dict]:
        with transaction(self.engine) as session:
            rows = session.scalars(select(models.Applicant).order_by(models.Applicant.id)).all()
            return [_applicant_dict(r) for r in rows]

    def get_applicant(self, applicant_id: str) -> dict:
        with transaction(self.engine) as session:
            row = session.get(models.Applicant, applicant_id)
            if row is None:
                raise NotFoundError(f"没有编号为「{applicant_id}」的申请方", f"No applicant with id '{applicant_id}'")
            return _applicant_dict(row)

    # --- imports ------------------------------------------------------------------------
    def _record_import(self, session: Session, applicant_id: str, kind: str, table, layout: str, rows: int,
                       details: dict) -> models.ImportRecord:
        if session.get(models.Applicant, applicant_id) is None:
            raise NotFoundError(f"没有编号为「{applicant_id}」的申请方", f"No applicant with id '{applicant_id}'")
        record = models.ImportRecord(
            applicant_id=applicant_id, kind=kind, filename=Path(table.path).name, sha256=table.sha256,
            layout=layout, encoding=table.encoding, rows=rows, details=details, imported_by=self.actor,
        )
        session.add(record)
        session.flush()
        _trail(session, self.actor, "import", kind, record.id,
               {"applicant_id": applicant_id, "file": record.filename, "sha256": record.sha256, "rows": rows})
        return record

    def import_work_orders(self, applicant_id: str, parsed: WorkOrderImport) -> dict:
        """Replace the applicant's work orders with the parsed file, all or nothing."""
        orders = parsed.orders
        with transaction(self.engine) as session:
            record = self._record_import(session, applicant_id, "work_orders", parsed.table, "work_orders",
                                         len(orders), {"columns": parsed.source_columns})
            session.execute(delete(models.WorkOrder).where(models.WorkOrder.applicant_id == applicant_id))
            rows = _records(orders, import_id=record.id, applicant_id=applicant_id)
            for start in range(0, len(rows), INSERT_BATCH_ROWS):
                session.execute(insert(models.WorkOrder), rows[start:start + INSERT_BATCH_ROWS])
            return {"import_id": record.id, "rows": len(orders), "sha256": record.sha256}

    def import_survey(self, applicant_id: str, parsed: SurveyImport) -> dict:
        """Replace the applicant's survey responses with the parsed file, all or nothing."""
        answers = parsed.answers
        keys = [c for c in answers.columns if c not in ("respondent", "submitted_at")]
        with transaction(self.engine) as session:
            record = self._record_import(session, applicant_id, "surveys", parsed.table, parsed.layout.id,
                                         len(answers), {"columns": parsed.source_columns, "scale": parsed.scale})
            session.execute(delete(models.SurveyResponse).where(models.SurveyResponse.applicant_id == applicant_id))
            rows = []
            for row in answers.itertuples(index=False):
                values = row._asdict()
                rows.append({
                    "import_id": record.id, "applicant_id": applicant_id, "scale": parsed.scale,
                    "respondent": str(values["respondent"]),
                    "submitted_at": None if pd.isna(values["submitted_at"]) else values["submitted_at"].to_pydatetime(),
                    "answers": {k: (None if pd.isna(values[k]) else int(values[k])) for k in keys},
                })
            if rows:
                session.execute(insert(models.SurveyResponse), rows)
            return {"import_id": record.id, "rows": len(rows), "sha256": record.sha256, "layout": parsed.layout.id}

    def work_orders(self, applicant_id: str) -> pd.DataFrame:
        """The applicant's work orders in the canonical columns the KPIs use."""
        query = select(*(getattr(models.WorkOrder, c) for c in WORK_ORDER_COLUMNS)).where(
            models.WorkOrder.applicant_id == applicant_id).order_by(models.WorkOrder.id)
        with self.engine.connect() as connection:
            frame = pd.read_sql(query, connection)
        for column in ("opened_at", "closed_at", "due_at"):
            frame[column] = pd.to_datetime(frame[column])
        for column in ("is_complaint", "resolved", "first_visit_fix"):
            frame[column] = frame[column].astype(bool)
        frame["complaint_satisfied"] = frame["complaint_satisfied"].astype("boolean")
        return frame

    def survey_answers(self, applicant_id: str) -> tuple[pd.DataFrame, str | None]:
        """The applicant's survey answers (one column per indicator, and nps) and their scale."""
        with transaction(self.engine) as session:
            rows = session.execute(
                select(models.SurveyResponse.respondent, models.SurveyResponse.scale, models.SurveyResponse.answers)
                .where(models.SurveyResponse.applicant_id == applicant_id).order_by(models.SurveyResponse.id)
            ).all()
        if not rows:
            return pd.DataFrame(), None
        frame = pd.DataFrame([{"respondent": r.respondent, **r.answers} for r in rows])
        return frame, rows[0].scale

    def imports(self, applicant_id: str) -> list[dict]:
        with transaction(self.engine) as session:
            rows = session.scalars(select(models.ImportRecord).where(models.ImportRecord.applicant_id == applicant_id)
                                   .order_by(models.ImportRecord.id)).all()
            return [{"id": r.id, "kind": r.kind, "file": r.filename, "sha256": r.sha256, "rows": r.rows,
                     "layout": r.layout, "encoding": r.encoding, "imported_at": r.imported_at.isoformat()}
                    for r in rows]

    # --- applications and answers ---------------------------------------------------------
    def open_application(self, applicant_id: str, stage: str = "initial", submitted_on: date | None = None) -> int:
        self.scheme.stage(stage)
        with transaction(self.engine) as session:
            if session.get(models.Applicant, applicant_id) is None:
                raise NotFoundError(f"没有编号为「{applicant_id}」的申请方", f"No applicant with id '{applicant_id}'")
            application = models.Application(
                applicant_id=applicant_id, stage=stage, submitted_on=submitted_on or date.today(),
                scheme_version=self.scheme.meta.version, scheme_fingerprint=self.scheme.fingerprint,
            )
            session.add(application)
            session.flush()
            _trail(session, self.actor, "open", "application", application.id, {"applicant_id": applicant_id, "stage": stage})
            return application.id

    def save_answer(self, application_id: int, item_id: str, answer: Answer, note: str = "",
                    finding_grade: str | None = None) -> int:
        """Write one checklist answer; returns its new version number."""
        if item_id not in self.scheme.items_by_id:
            raise NotFoundError(f"方案中没有条目「{item_id}」", f"The scheme has no checklist item '{item_id}'")
        if answer.result is not None and answer.result not in self.scheme.results_by_id:
            raise ConflictError(f"未知的评价结果「{answer.result}」", f"Unknown result '{answer.result}'")
        with transaction(self.engine) as session:
            if session.get(models.Application, application_id) is None:
                raise NotFoundError(f"没有编号为 {application_id} 的申请", f"No application {application_id}")
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
            _trail(session, self.actor, "answer", "checklist_answer", f"{application_id}:{item_id}",
                   {**values, "version": row.version})
            return row.version

    def answers(self, application_id: int) -> dict[str, Answer]:
        with transaction(self.engine) as session:
            rows = session.scalars(select(models.ChecklistAnswer)
                                   .where(models.ChecklistAnswer.application_id == application_id)).all()
            return {r.item_id: Answer(r.result, r.checked, r.nonconforming, r.measured) for r in rows}

    def trail(self, entity: str | None = None) -> list[dict]:
        query = select(models.AuditTrail).order_by(models.AuditTrail.id)
        if entity:
            query = query.where(models.AuditTrail.entity == entity)
        with transaction(self.engine) as session:
            return [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action, "entity": r.entity,
                     "entity_id": r.entity_id, "detail": r.detail} for r in session.scalars(query)]

    def count(self, model: type[models.Base]) -> int:
        with transaction(self.engine) as session:
            return session.scalar(select(func.count()).select_from(model))

