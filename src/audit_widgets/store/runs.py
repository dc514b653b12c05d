"""The batch ledger: every notebook run, and the applicant's last change it is compared with."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import func, select

from ..contract import Action
from ..domain import DIED, OK, RUNNING, NotebookRun
from ..processes import still_working, this_process
from . import models
from .base import StoreBase
from .records import from_row


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite keeps no zone: a naive time read back is the UTC it was written in."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def _run(row: models.NotebookRun) -> NotebookRun:
    return from_row(NotebookRun, row, started_at=_utc(row.started_at), finished_at=_utc(row.finished_at),
                    outputs=tuple(row.outputs), inputs=row.inputs or {}, error=row.error or "")


# Trail actions a batch notebook writes itself (a computed stage result; an audit opened on
# its first run): outputs of a run, not changes it has to catch up with.
BATCH_OWN_WRITES = ("record", "open")


def _fields(run: NotebookRun) -> dict:
    return dict(run_id=run.run_id, applicant_id=run.applicant_id, notebook=run.notebook, started_at=run.started_at,
                finished_at=run.finished_at, status=run.status, outputs=list(run.outputs),
                inputs_hash=run.inputs_hash, inputs=run.inputs, failed_cell=run.failed_cell, error=run.error)


class RunStore(StoreBase):
    def record_run(self, run: NotebookRun, row: int | None = None) -> int:
        """Add a run to the ledger (or, given the `row` of one begun, end it); returns its row.
        The ledger records computations, not audit data: it leaves no trail entry, so recording
        a run never changes an applicant's last change."""
        with self._writing_session(Action.STAGE_RESULT, applicant=run.applicant_id) as session:
            record = session.get(models.NotebookRun, row) if row is not None else None
            if record is None:
                record = models.NotebookRun(runner=this_process())
                session.add(record)
            for name, value in _fields(run).items():
                setattr(record, name, value)
            session.flush()
            return record.id

    def begin_run(self, run: NotebookRun) -> int:
        """The run, as `running` under this process, before its notebook starts; returns its
        row, for record_run to end it. A batch killed meanwhile leaves it `running`, and the
        next batch settles it (settle_killed_runs)."""
        return self.record_run(replace(run, status=RUNNING, finished_at=run.started_at))

    def settle_killed_runs(self) -> list[NotebookRun]:
        """Record as `died` every run still `running` whose batch is gone (killed: it could not
        record how the run ended), so that --only-failed runs it again; returns them."""
        with self._reading_session() as session:
            begun = [(row.id, row.runner, _run(row)) for row in
                     session.scalars(select(models.NotebookRun).where(models.NotebookRun.status == RUNNING))]
        settled = []
        for row, runner, run in begun:
            if still_working(runner, run.started_at.timestamp()):
                continue
            run = replace(run, status=DIED, finished_at=datetime.now(timezone.utc),
                          error=f"批量运行在此工作簿运行时被终止（进程 {runner}）"
                                f"/ the batch was killed while this notebook ran (process {runner})")
            self.record_run(run, row)
            settled.append(run)
        return settled

    def runs(self, applicant_id: str | None = None, limit: int | None = None) -> list[NotebookRun]:
        """The ledger, newest first."""
        query = select(models.NotebookRun).order_by(models.NotebookRun.id.desc())
        if applicant_id is not None:
            query = query.where(models.NotebookRun.applicant_id == applicant_id)
        if limit is not None:
            query = query.limit(limit)
        with self._reading_session() as session:
            return [_run(row) for row in session.scalars(query)]

    def last_runs(self, applicant_id: str) -> dict[str, NotebookRun]:
        """The newest run of each of the applicant's notebooks."""
        return self._newest_runs(models.NotebookRun.applicant_id == applicant_id)

    def last_successes(self, applicant_id: str) -> dict[str, NotebookRun]:
        """The newest successful run of each of the applicant's notebooks."""
        return self._newest_runs(models.NotebookRun.applicant_id == applicant_id, models.NotebookRun.status == OK)

    def _newest_runs(self, *conditions) -> dict[str, NotebookRun]:
        newest = select(func.max(models.NotebookRun.id)).where(*conditions).group_by(models.NotebookRun.notebook)
        with self._reading_session() as session:
            rows = session.scalars(select(models.NotebookRun).where(models.NotebookRun.id.in_(newest)))
            return {row.notebook: _run(row) for row in rows}

    def trail_changes(self, applicant_id: str, *, ignore_actions: tuple[str, ...] = ()) -> list[tuple[int, str, str]]:
        """(id, entity, entity id) of the applicant's trail entries, leaving out `ignore_actions`."""
        query = (select(models.AuditTrail.id, models.AuditTrail.entity, models.AuditTrail.entity_id)
                 .where(models.AuditTrail.applicant_id == applicant_id).order_by(models.AuditTrail.id))
        if ignore_actions:
            query = query.where(models.AuditTrail.action.not_in(ignore_actions))
        with self._reading_session() as session:
            return [tuple(row) for row in session.execute(query)]

    def ledger_head(self) -> int:
        """The id of the newest ledger row: a cache of what the ledger shows is keyed on it."""
        with self._reading_session() as session:
            return session.scalar(select(func.max(models.NotebookRun.id))) or 0
