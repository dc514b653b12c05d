"""The batch runner: every applicant's stage notebooks, in procedure order, with papermill.

The runner plans what runs (plan_batch: skipping what did not change), hands the applicants to
an executor (executors.py: by default `local`, kernels forked on this machine), builds each
applicant's documents after its notebooks, and records every run, whatever its end, as a row
in the ledger.
"""
from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from ..domain import DIED, FAILED, INTERRUPTED, OK, RUNNING, TAMPERED, TIMEOUT, NotebookRun
from ..paths import audit_key, audit_outputs_dir, workbooks_dir
from ..processes import remove_orphans
from ..published import location
from ..scheme import ProcedureStage
from ..settings import DB_ENV, SCHEME_ENV, USER_ENV
from ..store.repository import Workbench
from .executors import DEFAULT_EXECUTOR, RUNNING_NOTEBOOK, Executor, executors
from .inputs import applicant_state, inputs_hash, run_inputs

__all__ = ["DIED", "FAILED", "INTERRUPTED", "OK", "RUNNING", "TAMPERED", "TIMEOUT", "BatchRunner", "NotebookJob",
           "plan_batch", "settle_killed_batches"]

DOCUMENTS = "documents"  # the ledger's name for building an applicant's report and certificate


@dataclass(frozen=True)
class NotebookJob:
    applicant_id: str
    stage: ProcedureStage
    path: Path
    parameters: dict
    inputs: dict
    inputs_hash: str
    # An earlier audit's key ("3-surveillance"); None for the applicant's current audit.
    earlier_audit: str | None = None

    @property
    def notebook(self) -> str:
        """The run's name in the ledger: the notebook, under its audit's key for an earlier audit."""
        return f"{self.earlier_audit}/{self.stage.notebook}" if self.earlier_audit else self.stage.notebook

    @property
    def folder(self) -> Path:
        return audit_outputs_dir(self.applicant_id, self.earlier_audit)


@dataclass
class BatchPlan:
    """The notebooks to run, per applicant in procedure order, and those skipped as unchanged."""
    jobs: dict[str, list[NotebookJob]] = field(default_factory=dict)
    skipped: list[NotebookJob] = field(default_factory=list)
    # Applicants whose documents are to be built, with what they are built on: the inputs
    # hashes of all their notebooks (the documents read what the notebooks recorded).
    documents: dict[str, str] = field(default_factory=dict)
    # Runs a killed batch left `running`, recorded as `died` now (settle_killed_runs).
    settled: list[NotebookRun] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(jobs) for jobs in self.jobs.values())


@dataclass
class BatchSummary:
    run_id: str
    runs: list[NotebookRun]
    skipped: list[NotebookJob]
    seconds: float

    @property
    def failed(self) -> list[NotebookRun]:
        return [r for r in self.runs if r.status != OK]

    @property
    def succeeded(self) -> bool:
        return not self.failed

    def line(self) -> str:
        notebooks = [r for r in self.runs if r.notebook != DOCUMENTS]
        failed = sum(1 for r in notebooks if r.status != OK)
        documents = [r for r in self.runs if r.notebook == DOCUMENTS]
        built = sum(1 for r in documents if r.status == OK)
        line = f"完成 ok {len(notebooks) - failed}，失败 failed {failed}，跳过 skipped {len(self.skipped)}"
        if documents:
            line += f"；文件 documents {built}/{len(documents)}"
        return line + f"（{self.seconds:.1f} s）"


def plan_batch(workbench: Workbench, applicant_ids: list[str], *, database_url: str,
               stage_ids: list[str] | None = None, only_changed: bool = False, only_failed: bool = False,
               today: date | None = None, every_audit: bool = False) -> BatchPlan:
    """Which notebooks to run: those of each applicant's current audit (with every_audit, of
    each of its audits, oldest first), the stages its type goes through. --only-changed skips
    a notebook whose inputs hash equals that of its last success; --only-failed skips every
    notebook whose last run did not fail.

    A notebook's inputs include the hashes of the stages it requires (computed for every stage,
    chosen or not): what an upstream stage recorded is an input of the stages after it.

    Planning a batch first settles what a killed batch left: its runs still `running` become
    `died` (so --only-failed runs them again), and its temporary files are removed."""
    plan = BatchPlan(settled=settle_killed_batches(workbench))
    for applicant_id in applicant_ids:
        succeeded = ({n: r.inputs_hash for n, r in workbench.last_successes(applicant_id).items()}
                     if only_changed else {})
        last = workbench.last_runs(applicant_id) if only_failed else {}
        state = applicant_state(workbench, applicant_id)
        plan.jobs[applicant_id] = []
        audits = workbench.audits(applicant_id)
        current = audits[-1] if audits else None
        hashes: dict[str, str] = {}
        for audit in (audits if every_audit else [current]):
            earlier = audit_key(audit.id, audit.audit_type) if audit is not current else None
            hashes = {}
            for stage in workbench.scheme.procedure_stages:  # procedure order: requirements come first
                if audit is not None and not stage.applies_to(audit.audit_type):
                    continue
                path = workbooks_dir() / f"{stage.notebook}.ipynb"
                parameters = {"applicant_id": applicant_id, "audit": audit.id if audit else None, "mode": "batch"}
                upstream = {required: hashes[required] for required in stage.requires if required in hashes}
                inputs = run_inputs(workbench, stage, path, parameters, state, database_url, upstream, today)
                job = NotebookJob(applicant_id, stage, path, parameters, inputs, inputs_hash(inputs), earlier)
                hashes[stage.id] = job.inputs_hash
                if stage_ids and stage.id not in stage_ids:
                    continue
                unchanged = only_changed and succeeded.get(job.notebook) == job.inputs_hash
                not_failed = only_failed and (job.notebook not in last or last[job.notebook].status == OK)
                (plan.skipped if unchanged or not_failed else plan.jobs[applicant_id]).append(job)
        if not stage_ids:  # documents come with a whole run, not with a chosen stage
            documents_hash = inputs_hash({"documents": hashes})
            unchanged = only_changed and succeeded.get(DOCUMENTS) == documents_hash
            not_failed = only_failed and (DOCUMENTS not in last or last[DOCUMENTS].status == OK)
            if not (unchanged or not_failed):
                plan.documents[applicant_id] = documents_hash
    return plan


def settle_killed_batches(workbench: Workbench) -> list[NotebookRun]:
    """Record the runs of killed batches as `died`, and remove their half-written outputs."""
    settled = workbench.settle_killed_runs()
    for run in settled:
        earlier, _, _ = run.notebook.rpartition("/")
        folder = audit_outputs_dir(run.applicant_id, earlier or None)
        for suffix in (".tmp", RUNNING_NOTEBOOK):
            remove_orphans(folder, ".", suffix)
    return settled


class BatchRunner:
    """Runs a plan. The kernels get the database and the scheme through their environment
    (not as notebook parameters: the executed notebooks would carry a database password)."""

    def __init__(self, workbench: Workbench, *, workers: int | None = None, timeout: float | None = None,
                 echo: Callable[[str], None] = print, progress: bool | None = None,
                 documents: Callable[[Workbench, str], list[Path]] | None = None,
                 executor: Executor | str = DEFAULT_EXECUTOR, scheme_dir: str | None = None):
        self.workbench = workbench
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout = timeout
        self.echo = echo
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.documents = documents
        self.executor = executors.get(executor).create() if isinstance(executor, str) else executor
        self.env = {DB_ENV: workbench.engine.url.render_as_string(hide_password=False), USER_ENV: workbench.actor,
                    **({SCHEME_ENV: str(Path(scheme_dir).resolve())} if scheme_dir else {})}
        self.run_id = uuid.uuid4().hex[:12]
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def run(self, plan: BatchPlan) -> BatchSummary:
        """Run the plan. Interrupted (Ctrl-C, SIGTERM as SystemExit): no further notebook
        starts, the running kernels are killed, and the runs so far stay in the ledger."""
        started = time.perf_counter()
        runs: list[NotebookRun] = []
        bar = self._progress_bar(plan.count)
        applicants = [(applicant_id, jobs) for applicant_id, jobs in plan.jobs.items()
                      if jobs or applicant_id in plan.documents]
        self.executor.open(self.env, self.workers)
        try:
            for applicant_runs in self.executor.map(
                    lambda item: self._run_applicant(item[0], item[1], plan.documents.get(item[0]), bar), applicants):
                runs += applicant_runs
        except BaseException:
            self.stop.set()
            raise
        finally:
            self.executor.close()
            if bar is not None:
                bar.close()
        return BatchSummary(self.run_id, runs, plan.skipped, time.perf_counter() - started)

    def _progress_bar(self, total: int):
        if not self.progress:
            return None
        from tqdm import tqdm
        return tqdm(total=total, unit="notebook", desc="批量运行 batch", dynamic_ncols=True)

    def _report(self, bar, run: NotebookRun) -> None:
        mark = "ok" if run.status == OK else f"{run.status}: {run.error.splitlines()[0] if run.error else ''}"
        line = f"{run.applicant_id} {run.notebook}: {mark} ({run.seconds:.1f} s)"
        with self._lock:
            if bar is None:
                self.echo(line)
            else:
                if run.status != OK:
                    bar.write(line)
                bar.update(1)

    def _run_applicant(self, applicant_id: str, jobs: list[NotebookJob], documents_hash: str | None,
                       bar) -> list[NotebookRun]:
        """One applicant's notebooks in order, then its documents. A failed notebook does not
        stop the next: a stage whose prerequisite has no result says so in its own output."""
        runs = []
        for job in jobs:
            if self.stop.is_set():
                return runs
            row = self._begin(applicant_id, job.notebook, job.inputs_hash, job.inputs)
            run = self.executor.execute(job, self.run_id, self.timeout, self.stop)
            self._record(run, row)
            self._report(bar, run)
            runs.append(run)
        if self.documents is not None and documents_hash is not None and not self.stop.is_set():
            row = self._begin(applicant_id, DOCUMENTS, documents_hash, {"documents": documents_hash})
            run = self.build_documents(applicant_id, documents_hash, [r for r in runs if r.status != OK])
            self._record(run, row)
            if run.status != OK or bar is None:
                self.echo(f"{applicant_id} 文件 documents: " + (", ".join(Path(p).name for p in run.outputs)
                                                                 if run.status == OK else run.error))
            runs.append(run)
        return runs

    def _begin(self, applicant_id: str, notebook: str, inputs_hash: str, inputs: dict) -> int | None:
        """The run into the ledger as `running`, before it starts: a batch killed meanwhile
        leaves it so, and the next one records it as `died` (settle_killed_batches)."""
        now = datetime.now(timezone.utc)
        run = NotebookRun(self.run_id, applicant_id, notebook, now, now, RUNNING, (), inputs_hash, inputs)
        try:
            return self.workbench.begin_run(run)
        except Exception as exc:
            self.echo(f"{applicant_id} {notebook}: 运行记录未能写入 ledger not written: {exc}")
            return None

    def _record(self, run: NotebookRun, row: int | None) -> None:
        """Into the ledger, ending the row begun for it; a ledger that cannot be written is
        reported, and the batch goes on (the run is then simply not skipped next time)."""
        try:
            self.workbench.record_run(run, row)
        except Exception as exc:
            self.echo(f"{run.applicant_id} {run.notebook}: 运行记录未能写入 ledger not written: {exc}")

    def build_documents(self, applicant_id: str, documents_hash: str, failed: list[NotebookRun]) -> NotebookRun:
        """The report and certificate, as a ledger row of their own. Not built over a failed
        notebook: they would show the results before it (the next run builds them)."""
        started = datetime.now(timezone.utc)
        status, error, outputs = OK, "", ()
        if failed:
            status = FAILED
            error = ("未生成：工作簿运行失败 not built: a notebook failed: " + ", ".join(r.notebook for r in failed))
        else:
            try:
                outputs = tuple(location(p) for p in self.documents(self.workbench, applicant_id))
            except Exception as exc:  # a document that cannot be built must not stop the batch
                status, error = FAILED, f"{type(exc).__name__}: {exc}"
        return NotebookRun(self.run_id, applicant_id, DOCUMENTS, started, datetime.now(timezone.utc), status,
                           outputs, documents_hash, {"documents": documents_hash}, None, error)
