"""Applicants and the files imported for them (work orders, survey responses)."""
from __future__ import annotations

from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..contract import Action, Channel, Entity
from ..domain import WORK_ORDER_COLUMNS, Applicant, ImportRecord, Site
from ..errors import ConflictError
from ..processes import this_process

if TYPE_CHECKING:  # the parsed files the importers hand over; the store needs only their shape
    from ..imports.applicants import ApplicantData
    from ..imports.surveys import SurveyImport
    from ..imports.work_orders import WorkOrderImport
from . import models
from .base import StoreBase
from .models import utcnow
from .records import from_row
from .running_imports import PROCESS_KEY, still_running

INSERT_BATCH_ROWS = 100_000  # rows per write transaction: about a second of lock each
# On PostgreSQL the rows go through COPY, which the server parses as one stream (psycopg's
# cursor.copy): benchmarks/import_1m.py measures it beside INSERTs.
USE_COPY = True


def _applicant(row: models.Applicant) -> Applicant:
    return from_row(Applicant, row, domains=tuple(row.domains),
                    sites=tuple(Site(**s) for s in row.sites or ()),
                    service_promises=dict(row.service_promises or {}))


def _driver_column(column: pd.Series, dialect: str) -> list:
    """A column as the database driver takes it, converted whole rather than value by value."""
    if pd.api.types.is_datetime64_any_dtype(column):
        if dialect != "sqlite":
            return [None if pd.isna(v) else v.to_pydatetime() for v in column]
        # numpy writes ISO text in C; SQLite's DateTime wants a space where ISO has a T
        text = np.datetime_as_string(column.to_numpy(dtype="datetime64[us]"), unit="us").tolist()
        return [None if value == "NaT" else value.replace("T", " ", 1) for value in text]
    if not column.hasnans:
        return column.tolist()
    return column.astype(object).where(column.notna(), None).tolist()


def _driver_rows(table, frame: pd.DataFrame, dialect, **constants) -> tuple[str, Iterator[tuple] | Iterator[bytes]]:
    """An INSERT of a frame's rows (and the same `constants` in each) and its rows, as one
    executemany of the driver takes them: the ORM's per-row work would dominate a million-row
    import. The rows are made one by one as the driver takes them: a step's 100,000 tuples
    alive at once cost the garbage collector seconds. On PostgreSQL: a COPY and its CSV text."""
    names = [*constants, *frame.columns]
    if dialect.name == "postgresql" and USE_COPY:
        # one CSV text per block, written by pandas in C: psycopg's write_row adapts each value
        # in Python, which took longer than the server's parsing (measured)
        block = frame.copy(deep=False)
        for position, (name, value) in enumerate(constants.items()):
            block.insert(position, name, value)
        text = block.to_csv(index=False, header=False, date_format="%Y-%m-%d %H:%M:%S.%f")
        return f"COPY {table.name} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)", iter([text.encode("utf-8")])
    columns = [[value] * len(frame) for value in constants.values()]
    columns += [_driver_column(frame[name], dialect.name) for name in frame.columns]
    marks = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in names)
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", zip(*columns)


class ApplicantStore(StoreBase):
    # --- applicants ---------------------------------------------------------------------
    def add_applicant(self, data: ApplicantData) -> Applicant:
        with self._writing_session(Action.APPLICANT) as session:
            if session.get(models.Applicant, data.id) is not None:
                raise ConflictError(f"申请方编号「{data.id}」已存在", f"Applicant id '{data.id}' already exists",
                                    code="applicant.duplicate_id")
            same_uscc = session.scalar(select(models.Applicant.id).where(models.Applicant.uscc == data.uscc))
            if same_uscc:
                raise ConflictError(f"统一社会信用代码已被申请方「{same_uscc}」使用",
                                    f"The USCC is already registered for applicant '{same_uscc}'")
            row = models.Applicant(**data.model_dump())
            session.add(row)
            self._trail(session, "add", Entity.APPLICANT, data.id, data.model_dump(), applicant=data.id)
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
        with self._writing_session(Action.APPLICANT, applicant=data.id) as session:
            row = self._row(session, models.Applicant, data.id)
            audit = self._latest_audit(session, data.id)
            if audit is not None:
                self._refuse_if_locked(session, audit.id, "applicant")
            changed = {k: v for k, v in data.model_dump().items() if getattr(row, k) != v}
            for key, value in changed.items():
                setattr(row, key, value)
            if changed:
                self._trail(session, "update", Entity.APPLICANT, data.id, changed, applicant=data.id)
            return _applicant(row)

    # --- imports ------------------------------------------------------------------------
    def _record_import(self, session: Session, applicant_id: str, audit_id: int | None, kind: str, table,
                       layout: str, rows: int, details: dict, complete: bool = True) -> models.ImportRecord:
        """Record an import for an audit (None: for the applicant's first audit, not opened yet);
        refused once the stage that evaluated the audit's data is signed off (and, by the writing
        session, once the audit is decided)."""
        self._row(session, models.Applicant, applicant_id)
        if audit_id is not None:
            self._refuse_if_locked(session, audit_id, kind)
        record = models.ImportRecord(
            applicant_id=applicant_id, audit_id=audit_id, kind=kind, filename=Path(table.path).name,
            sha256=table.sha256, layout=layout, encoding=table.encoding, rows=rows, details=details,
            imported_by=self.actor, complete=complete)
        session.add(record)
        session.flush()
        return record

    def _complete_import(self, session: Session, record: models.ImportRecord) -> None:
        """The import becomes what its audit reads (audit_evidence), and the trail says so. An
        import made before the applicant's first audit waits for it (open_audit adopts it)."""
        if record.audit_id is not None:
            self._read_as_evidence(session, record.audit_id, record.kind, record.id)
        self._trail(session, "import", record.kind, record.id,
                    {"applicant_id": record.applicant_id, "audit_id": record.audit_id, "file": record.filename,
                     "sha256": record.sha256, "rows": record.rows,
                     "first_on": str(record.first_on) if record.first_on else None,
                     "last_on": str(record.last_on) if record.last_on else None},
                    applicant=record.applicant_id, audit=record.audit_id)

    def import_work_orders(self, applicant_id: str, parsed: WorkOrderImport, audit_id: int | None = None) -> dict:
        """Make the parsed file the work orders an audit reads (default: the applicant's current
        one), all or nothing; what other audits read stays as it is. The file is read, checked
        and written a step of INSERT_BATCH_ROWS rows at a time, each step its own short
        transaction, so that memory follows the step, not the file, and nobody else's write
        waits long. The rows count only once the last step marks the import complete (readers
        see the old rows until then); a bad, failed or killed import never counts, and its rows
        and record are removed. While one import for the applicant is being written, another is
        refused (running_imports)."""
        audit_id = self.resolve_audit(applicant_id, audit_id)
        with self._writing_session(Action.IMPORTS, applicant=applicant_id, audit=audit_id) as session:
            self._refuse_while_importing(session, applicant_id)
            record = self._record_import(session, applicant_id, audit_id, "work_orders", parsed.table, "work_orders", 0,
                                         {"columns": parsed.source_columns, PROCESS_KEY: this_process()},
                                         complete=False)
            import_id, sha256 = record.id, record.sha256
        this_import = models.ImportRecord.id == import_id
        self._delete_imports(applicant_id, ~this_import)  # what killed imports left
        try:
            rows, first_on, last_on = self._write_in_steps(applicant_id, parsed.blocks(INSERT_BATCH_ROWS), import_id)
            with self._writing_session(Action.IMPORTS, applicant=applicant_id, audit=audit_id) as session:
                record = self._row(session, models.ImportRecord, import_id)
                if audit_id is not None:
                    self._refuse_if_locked(session, audit_id, "work_orders")  # a sign-off meanwhile
                record.rows, record.complete, record.imported_at = rows, True, utcnow()
                record.first_on, record.last_on = first_on, last_on
                record.details = {k: v for k, v in record.details.items() if k != PROCESS_KEY}
                self._complete_import(session, record)
        except BaseException:
            self._delete_imports(applicant_id, this_import)
            raise
        self._clear_unread_imports(applicant_id, "work_orders")
        return {"import_id": import_id, "audit_id": audit_id, "rows": rows, "sha256": sha256,
                "first_on": first_on, "last_on": last_on}

    def _refuse_while_importing(self, session: Session, applicant_id: str) -> None:
        """Another work-order import for the applicant is being written: this one waits its turn."""
        unfinished = session.scalars(select(models.ImportRecord).where(
            models.ImportRecord.applicant_id == applicant_id, models.ImportRecord.kind == "work_orders",
            models.ImportRecord.complete.is_(False)))
        running = next((r for r in unfinished if still_running(r, utcnow())), None)
        if running is not None:
            when = f"{running.imported_at:%H:%M:%S}"
            raise ConflictError(
                f"{running.imported_by} 正在为「{applicant_id}」导入工单（{running.filename}，最近一步 {when} UTC），"
                "请待其完成后再导入",
                f"{running.imported_by} is importing work orders for '{applicant_id}' ({running.filename}, last step "
                f"{when} UTC); import again once it has finished")

    def _write_in_steps(self, applicant_id: str, blocks: Generator[pd.DataFrame, None, None],
                        import_id: int) -> tuple[int, date | None, date | None]:
        """Each block its own write; returns the rows written and the first and last day a work
        order was opened. The next block is read, checked and converted in a thread while SQLite
        writes this one (the driver lets go of the GIL meanwhile); one block ahead, never more,
        so memory stays flat."""
        prepare = partial(_driver_rows, models.WorkOrder.__table__, dialect=self.engine.dialect, import_id=import_id)
        days: list[date] = []

        def next_step() -> tuple[int, str, Iterator[tuple]] | None:
            block = next(blocks, None)
            if block is None:
                return None
            opened = pd.to_datetime(block["opened_at"])
            if opened.notna().any():
                days.extend((opened.min().date(), opened.max().date()))
            return (len(block), *prepare(block))

        written = 0
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import") as reader:
                pending = reader.submit(next_step)
                while (step := pending.result()) is not None:
                    pending = reader.submit(next_step)
                    count, statement, rows = step
                    with self._writing_session(Action.IMPORTS, applicant=applicant_id) as session:
                        # the driver's own cursor: SQLAlchemy would want the rows as a list first
                        cursor = session.connection().connection.driver_connection.cursor()
                        if statement.startswith("COPY"):
                            with cursor.copy(statement) as copy:
                                for text in rows:
                                    copy.write(text)
                        else:
                            cursor.executemany(statement, rows)
                        session.execute(update(models.ImportRecord).where(models.ImportRecord.id == import_id)
                                        .values(imported_at=utcnow()))  # still running (running_imports)
                    written += count
        finally:
            blocks.close()  # the file is closed now, even after a failure, not when collected
        return written, min(days, default=None), max(days, default=None)

    def _delete_imports(self, applicant_id: str, *which) -> None:
        """Remove the applicant's unfinished imports that match `which` (refused, failed or
        killed): their rows, then their records, which no trail entry names."""
        self._delete_work_orders_of(applicant_id, models.ImportRecord.complete.is_(False), *which)
        with self._writing_session(Action.IMPORTS, applicant=applicant_id) as session:
            session.execute(delete(models.ImportRecord).where(models.ImportRecord.applicant_id == applicant_id,
                                                              models.ImportRecord.complete.is_(False), *which))

    def _clear_unread_imports(self, applicant_id: str, kind: str) -> None:
        """Remove the rows of the complete imports no audit reads any more: replaced by a later
        import for the same audit (their records stay, and the trail names them)."""
        read = select(models.AuditEvidence.import_id)
        waiting = select(func.max(models.ImportRecord.id)).where(  # for the first audit, not opened yet
            models.ImportRecord.applicant_id == applicant_id, models.ImportRecord.kind == kind,
            models.ImportRecord.complete.is_(True), models.ImportRecord.audit_id.is_(None)).scalar_subquery()
        unread = (models.ImportRecord.kind == kind, models.ImportRecord.complete.is_(True),
                  models.ImportRecord.id.not_in(read), models.ImportRecord.id != func.coalesce(waiting, 0))
        if kind == "work_orders":
            self._delete_work_orders_of(applicant_id, *unread)
            return
        with self._writing_session(Action.IMPORTS, applicant=applicant_id) as session:
            session.execute(delete(models.SurveyResponse).where(models.SurveyResponse.import_id.in_(
                select(models.ImportRecord.id).where(models.ImportRecord.applicant_id == applicant_id, *unread))))

    def _delete_work_orders_of(self, applicant_id: str, *which) -> None:
        """Delete, in steps, the work orders of the applicant's imports that match `which`:
        only imports that still have rows are visited, however long the import history."""
        with self._reading_session() as session:
            has_rows = select(models.WorkOrder.id).where(models.WorkOrder.import_id == models.ImportRecord.id).exists()
            import_ids = list(session.scalars(select(models.ImportRecord.id).where(
                models.ImportRecord.applicant_id == applicant_id, has_rows, *which)))
        for import_id in import_ids:
            while True:  # in steps, so that no write lock is held long
                with self._writing_session(Action.IMPORTS, applicant=applicant_id) as session:
                    batch = select(models.WorkOrder.id).where(models.WorkOrder.import_id == import_id).limit(
                        INSERT_BATCH_ROWS)
                    if not session.execute(delete(models.WorkOrder).where(models.WorkOrder.id.in_(batch))).rowcount:
                        break

    def import_survey(self, applicant_id: str, parsed: SurveyImport, audit_id: int | None = None) -> dict:
        """Make the parsed file the survey responses an audit reads (default: the applicant's
        current one), all or nothing; what other audits read stays as it is."""
        answers = parsed.answers
        keys = [c for c in answers.columns if c not in ("respondent", "submitted_at", "channel")]
        audit_id = self.resolve_audit(applicant_id, audit_id)
        submitted = pd.to_datetime(answers["submitted_at"]).dropna() if "submitted_at" in answers else pd.Series([])
        with self._writing_session(Action.IMPORTS, applicant=applicant_id, audit=audit_id) as session:
            record = self._record_import(session, applicant_id, audit_id, "surveys", parsed.table, parsed.layout.id,
                                         len(answers), {"columns": parsed.source_columns, "scale": parsed.scale})
            if not submitted.empty:
                record.first_on, record.last_on = submitted.min().date(), submitted.max().date()
            rows = []
            for row in answers.itertuples(index=False):
                values = row._asdict()
                rows.append({
                    "import_id": record.id, "applicant_id": applicant_id, "scale": parsed.scale,
                    "respondent": str(values["respondent"]),
                    "submitted_at": None if pd.isna(values["submitted_at"]) else values["submitted_at"].to_pydatetime(),
                    "answers": {k: (None if pd.isna(values[k]) else int(values[k])) for k in keys},
                    "channel": values.get("channel") or Channel.QUESTIONNAIRE.value,
                })
            if rows:
                session.execute(insert(models.SurveyResponse), rows)
            self._complete_import(session, record)
            done = {"import_id": record.id, "audit_id": audit_id, "rows": len(rows), "sha256": record.sha256,
                    "layout": parsed.layout.id, "first_on": record.first_on, "last_on": record.last_on}
        self._clear_unread_imports(applicant_id, "surveys")
        return done

    def work_orders(self, audit_id: int) -> pd.DataFrame:
        """Every work order of the import the audit reads, in the canonical columns the KPIs use
        (the audit's evidence period selects from these: `evidence`)."""
        with self._reading_session() as session:
            query = select(*(getattr(models.WorkOrder, c) for c in WORK_ORDER_COLUMNS)).where(
                models.WorkOrder.import_id == self._audit_import_id(session, audit_id, "work_orders")
            ).order_by(models.WorkOrder.id)
            frame = pd.read_sql(query, session.connection())
        for column in ("opened_at", "closed_at", "due_at"):
            frame[column] = pd.to_datetime(frame[column])
        for column in ("is_complaint", "resolved", "first_visit_fix"):
            frame[column] = frame[column].astype(bool)
        frame["complaint_satisfied"] = frame["complaint_satisfied"].astype("boolean")
        return frame

    def survey_answers(self, audit_id: int) -> tuple[pd.DataFrame, str | None]:
        """The survey responses of the import the audit reads (respondent, submitted_at, one
        column per indicator, nps, and the channel each came from) and their scale."""
        with self._reading_session() as session:
            rows = session.execute(
                select(models.SurveyResponse.respondent, models.SurveyResponse.submitted_at,
                       models.SurveyResponse.scale, models.SurveyResponse.answers, models.SurveyResponse.channel)
                .where(models.SurveyResponse.import_id == self._audit_import_id(session, audit_id, "surveys"))
                .order_by(models.SurveyResponse.id)).all()
        if not rows:
            return pd.DataFrame(), None
        frame = pd.DataFrame([{"respondent": r.respondent, "submitted_at": r.submitted_at, **r.answers,
                               "channel": r.channel} for r in rows])
        return frame, rows[0].scale

    def imports(self, applicant_id: str) -> list[ImportRecord]:
        with self._reading_session() as session:
            rows = session.scalars(select(models.ImportRecord).where(
                models.ImportRecord.applicant_id == applicant_id, models.ImportRecord.complete.is_(True))
                .order_by(models.ImportRecord.id)).all()
            return [from_row(ImportRecord, r, file=r.filename) for r in rows]

    def audit_imports(self, audit_id: int) -> dict[str, ImportRecord]:
        """The import of each kind the audit reads."""
        with self._reading_session() as session:
            rows = session.execute(select(models.AuditEvidence.kind, models.ImportRecord).join(
                models.ImportRecord, models.ImportRecord.id == models.AuditEvidence.import_id).where(
                models.AuditEvidence.audit_id == audit_id)).all()
            return {kind: from_row(ImportRecord, r, file=r.filename) for kind, r in rows}
