"""Applicants and the files imported for them (work orders, survey responses)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..domain import WORK_ORDER_COLUMNS, Applicant, ImportRecord, Site
from ..errors import ConflictError

if TYPE_CHECKING:  # the parsed files the importers hand over; the store needs only their shape
    from ..imports.applicants import ApplicantData
    from ..imports.surveys import SurveyImport
    from ..imports.work_orders import WorkOrderImport
from . import models
from .base import StoreBase

INSERT_BATCH_ROWS = 50_000


def _applicant(row: models.Applicant) -> Applicant:
    return Applicant(row.id, row.name, row.uscc, row.organisation_type, tuple(row.domains), row.address,
                     row.personnel, row.outlets, row.product_categories, row.goods, row.services,
                     tuple(Site(s["name"], s["type"]) for s in row.sites or ()), dict(row.service_promises or {}))


def _python_values(column: pd.Series) -> list:
    """Plain Python values with None for missing ones, as the database driver wants."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    return [None if pd.isna(v) else (bool(v) if isinstance(v, (bool, np.bool_)) else v) for v in column]


def _records(frame: pd.DataFrame, **constants) -> list[dict]:
    names = list(frame.columns)
    columns = [_python_values(frame[name]) for name in names]
    return [{**constants, **dict(zip(names, values))} for values in zip(*columns)]


class ApplicantStore(StoreBase):
    # --- applicants ---------------------------------------------------------------------
    def add_applicant(self, data: ApplicantData) -> Applicant:
        with self._writing_session("applicant") as session:
            if session.get(models.Applicant, data.id) is not None:
                raise ConflictError(f"申请方编号「{data.id}」已存在", f"Applicant id '{data.id}' already exists")
            same_uscc = session.scalar(select(models.Applicant.id).where(models.Applicant.uscc == data.uscc))
            if same_uscc:
                raise ConflictError(f"统一社会信用代码已被申请方「{same_uscc}」使用",
                                    f"The USCC is already registered for applicant '{same_uscc}'")
            row = models.Applicant(**data.model_dump())
            session.add(row)
            self._trail(session, "add", "applicant", data.id, data.model_dump(), applicant=data.id)
            return _applicant(row)

    def list_applicants(self) -> list[Applicant]:
        with self._reading_session() as session:
            rows = session.scalars(select(models.Applicant).order_by(models.Applicant.id)).all()
            return [_applicant(r) for r in rows]

    def get_applicant(self, applicant_id: str) -> Applicant:
        with self._reading_session() as session:
            return _applicant(self._row(session, models.Applicant, applicant_id))

    def update_applicant(self, data: ApplicantData) -> Applicant:
        """Replace an applicant's details (the id stays); refused once the application is signed off."""
        with self._writing_session("applicant", applicant=data.id) as session:
            row = self._row(session, models.Applicant, data.id)
            application = self._latest_application(session, data.id)
            if application is not None:
                self._refuse_if_locked(session, application.id, "applicant")
            changed = {k: v for k, v in data.model_dump().items() if getattr(row, k) != v}
            for key, value in changed.items():
                setattr(row, key, value)
            if changed:
                self._trail(session, "update", "applicant", data.id, changed, applicant=data.id)
            return _applicant(row)

    # --- imports ------------------------------------------------------------------------
    def _record_import(self, session: Session, applicant_id: str, kind: str, table, layout: str, rows: int,
                       details: dict) -> models.ImportRecord:
        """Record an import; refused once the stage that evaluated the data is signed off."""
        self._row(session, models.Applicant, applicant_id)
        application = self._latest_application(session, applicant_id)
        if application is not None:
            self._refuse_if_locked(session, application.id, kind)
        record = models.ImportRecord(
            applicant_id=applicant_id, kind=kind, filename=Path(table.path).name, sha256=table.sha256,
            layout=layout, encoding=table.encoding, rows=rows, details=details, imported_by=self.actor,
        )
        session.add(record)
        session.flush()
        self._trail(session, "import", kind, record.id,
               {"applicant_id": applicant_id, "file": record.filename, "sha256": record.sha256, "rows": rows},
                    applicant=applicant_id)
        return record

    def import_work_orders(self, applicant_id: str, parsed: WorkOrderImport) -> dict:
        """Replace the applicant's work orders with the parsed file, all or nothing."""
        orders = parsed.orders
        with self._writing_session("imports", applicant=applicant_id) as session:
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
        with self._writing_session("imports", applicant=applicant_id) as session:
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
        with self._reading_session() as session:
            frame = pd.read_sql(query, session.connection())
        for column in ("opened_at", "closed_at", "due_at"):
            frame[column] = pd.to_datetime(frame[column])
        for column in ("is_complaint", "resolved", "first_visit_fix"):
            frame[column] = frame[column].astype(bool)
        frame["complaint_satisfied"] = frame["complaint_satisfied"].astype("boolean")
        return frame

    def survey_answers(self, applicant_id: str) -> tuple[pd.DataFrame, str | None]:
        """The applicant's survey answers (one column per indicator, and nps) and their scale."""
        with self._reading_session() as session:
            rows = session.execute(
                select(models.SurveyResponse.respondent, models.SurveyResponse.scale, models.SurveyResponse.answers)
                .where(models.SurveyResponse.applicant_id == applicant_id).order_by(models.SurveyResponse.id)
            ).all()
        if not rows:
            return pd.DataFrame(), None
        frame = pd.DataFrame([{"respondent": r.respondent, **r.answers} for r in rows])
        return frame, rows[0].scale

    def imports(self, applicant_id: str) -> list[ImportRecord]:
        with self._reading_session() as session:
            rows = session.scalars(select(models.ImportRecord).where(models.ImportRecord.applicant_id == applicant_id)
                                   .order_by(models.ImportRecord.id)).all()
            return [ImportRecord(r.id, r.kind, r.filename, r.sha256, r.rows, r.layout, r.encoding, r.imported_at)
                    for r in rows]
