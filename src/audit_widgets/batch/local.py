"""The default executor, `local`: each applicant on a thread of its own (up to `workers`), each
notebook on a fresh kernel forked ahead from a warm process (kernels.py), run by papermill
through the `audit-workbench` engine (engine.py).

A run writes its notebook to a temporary file beside it: on success it replaces
`<folder>/<notebook>.ipynb` and an HTML copy is written beside it; on failure it is kept as
`<notebook>.failed.ipynb` and the last good outputs stay as they were.
"""
from __future__ import annotations

import json
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from ..domain import NotebookRun
from ..errors import WorkbenchError
from ..files import temporary_beside
from ..published import publish, withdraw
from .executors import DIED, FAILED, INTERRUPTED, OK, RUNNING_NOTEBOOK, TAMPERED, TIMEOUT, map_on_threads
from .html import notebook_html
from .kernels import KernelPool

ENGINE_NAME = "audit-workbench"  # batch/engine.py, as papermill's entry point names it


class LocalExecutor:
    def __init__(self, pool: KernelPool | None = None):
        self.pool = pool or KernelPool()
        self._threads: ThreadPoolExecutor | None = None

    def warm(self) -> None:
        """Start the kernels' warm parent now, while the caller goes on importing."""
        self.pool.start()

    def open(self, env: dict[str, str], workers: int) -> None:
        self.pool.ahead = workers  # each worker finds its next kernel started
        self.pool.env = env
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch")

    def map(self, work, items):
        return map_on_threads(self._threads, work, items)

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
        self.pool.close()  # the notebooks running now end at once, as interrupted
        if self._threads is not None:
            self._threads.shutdown(wait=True)

    def execute(self, job, run_id: str, timeout: float | None, stop: threading.Event) -> NotebookRun:
        import papermill

        folder = job.folder
        folder.mkdir(parents=True, exist_ok=True)
        name = job.stage.notebook
        final = folder / f"{name}.ipynb"
        failed_copy = folder / f"{name}.failed.ipynb"
        running = temporary_beside(final, RUNNING_NOTEBOOK)  # a killed batch's is removed then
        watchdog = NotebookWatchdog(timeout)
        started = datetime.now(timezone.utc)
        status, failed_cell, error, written = OK, None, "", []
        try:
            papermill.execute_notebook(
                str(job.path), str(running), parameters=job.parameters, engine_name=ENGINE_NAME,
                progress_bar=False, log_output=False, kernel_cwd=str(job.path.parent), kernel_pool=self.pool,
                execution_timeout=timeout, on_kernel=watchdog.watch)
            os.replace(running, final)
            failed_copy.unlink(missing_ok=True)
            written = [final, notebook_html(final, final.with_suffix(".html")), folder / f"{name}.json"]
        except Exception as exc:  # every end of a run is recorded; none stops the batch
            status, failed_cell, error = classify_failure(exc, watchdog.fired)
            declared = declared_outcome(folder / f"{name}.json", started)
            if declared.get("status") == TAMPERED:  # a WorkbenchError leaves no error output to name it
                status, error = TAMPERED, f"TamperedError: {declared['message']['en']}"
            if stop.is_set():
                status = INTERRUPTED
        finally:
            watchdog.cancel()
        if status != OK and running.exists():
            os.replace(running, failed_copy)
            written = [failed_copy]
        try:  # a run that published nothing is not done: the ledger says so, and the next run publishes
            outputs = publish(p for p in written if p.exists())
            if status == OK:
                withdraw([failed_copy])
        except WorkbenchError as exc:
            outputs = tuple(str(p) for p in written)
            status, error = (FAILED, exc.en) if status == OK else (status, f"{error}; {exc.en}")
        return NotebookRun(run_id, job.applicant_id, job.notebook, started, datetime.now(timezone.utc), status,
                           outputs, job.inputs_hash, job.inputs, failed_cell, error)



class NotebookWatchdog:
    """Stops a notebook that runs past its timeout as a whole (papermill's own timeout is per
    cell) by killing its kernel; the run then ends as a dead kernel, reported as a timeout."""

    def __init__(self, timeout: float | None):
        self.timeout = timeout
        self.fired = False
        self._timer: threading.Timer | None = None

    def watch(self, manager) -> None:
        if self.timeout is None:
            return
        pid = manager.provisioner.process.pid

        def stop() -> None:
            self.fired = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._timer = threading.Timer(self.timeout, stop)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def declared_outcome(results: Path, since: datetime) -> dict:
    """What the notebook itself wrote of its stage's outcome in this run ({} if nothing)."""
    try:
        if results.stat().st_mtime < since.timestamp():
            return {}
        return json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def classify_failure(exc: BaseException, timed_out: bool) -> tuple[str, int | None, str]:
    """(status, failing cell, error) for the ledger."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return FAILED, exc.cell_index, f"{exc.ename}: {exc.evalue}"
    if timed_out or isinstance(exc, (CellTimeoutError, TimeoutError)):
        return TIMEOUT, None, f"超时 timed out: {exc}"
    if isinstance(exc, DeadKernelError):
        return DIED, None, f"内核意外退出 kernel died: {exc}"
    return FAILED, None, f"{type(exc).__name__}: {exc}"
