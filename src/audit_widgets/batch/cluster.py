"""The `dask` executor: the batch's notebooks on the workers of a Dask `distributed` cluster.

The runner stays where it is: it plans, keeps the ledger and builds the documents, and each
applicant's notebooks still run in procedure order from a thread of their own (`map`). Only
the notebook itself (`execute`) is a Dask task: it runs on some worker with that worker's own
forked kernels, through the same code as the local executor (local.py). So the ledger, the
only-changed plan and the fault isolation are the local executor's, by construction.

Without a scheduler address (`run --scheduler`, or Dask's own `DASK_SCHEDULER_ADDRESS`), a
`LocalCluster` starts on this machine: one worker process per batch worker, one thread each.

A task is never retried on another worker: a worker that dies takes its notebook with it, and
the ledger says `died` (the scheduler's `allowed-failures` is 0; a remote scheduler must be
started so, see the README). Rerunning a notebook that may have half-written is the ledger's
business (`--only-failed`), not the scheduler's.
"""
from __future__ import annotations

import os
import threading
import uuid
from concurrent.futures import CancelledError, ThreadPoolExecutor
from datetime import datetime, timezone

from ..domain import NotebookRun
from ..errors import WorkbenchError
from ..paths import data_dir, outputs_dir
from ..published import published_url
from ..settings import DATA_ENV, OUTPUTS_ENV, PUBLISHED_ENV
from .executors import DIED, FAILED, INTERRUPTED, map_on_threads

PLUGIN = "audit-workbench-kernels"  # the worker plugin's name, on every worker of the cluster
NO_RETRIES = {"distributed.scheduler.allowed-failures": 0}
CONNECT_SECONDS = 15


def _distributed():
    try:
        import distributed
    except ImportError:
        raise WorkbenchError("Dask 执行器需要 distributed 包：pip install 'audit-workbench[cluster]'",
                             "The dask executor needs the distributed package: pip install 'audit-workbench[cluster]'"
                             ) from None
    return distributed


def _kernels_plugin():
    """The worker plugin that gives each worker a kernel pool of its own (made here, so that
    importing this module does not import distributed)."""
    distributed = _distributed()

    class Kernels(distributed.WorkerPlugin):
        """On each worker: a warm parent for its kernels, and what a notebook run imports, all
        started as the worker joins. Where the notebooks write and the kernels' environment (the
        database, the scheme, the person) come with each task: the cluster may be started before
        the runner has them, and no kernel is forked before the first task."""
        name = PLUGIN

        def __init__(self):
            self.pool = None

        def setup(self, worker) -> None:
            from .kernels import KernelPool
            self.pool = KernelPool(ahead=worker.state.nthreads)
            self.pool.start()
            from . import local  # noqa: F401  (papermill, nbconvert, the workbench: 4 s, once per worker)

        def teardown(self, worker) -> None:
            if self.pool is not None:
                self.pool.close()

    return Kernels()


def _folders() -> dict[str, str | None]:
    """Where the runner's notebooks write and publish: the same outputs/ and data/ paths on each
    machine, and the published place the dashboard reads (published.py); None unsets."""
    return {OUTPUTS_ENV: str(outputs_dir().resolve()), DATA_ENV: str(data_dir().resolve()),
            PUBLISHED_ENV: published_url()}


def run_notebook(job, run_id: str, timeout: float | None, env: dict[str, str],
                 folders: dict[str, str | None]) -> NotebookRun:
    """The Dask task: one notebook on this worker's kernels, as the local executor runs it."""
    from distributed import get_worker

    from .local import LocalExecutor
    for name, value in folders.items():  # one task at a time on a worker (one thread each)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    pool = get_worker().plugins[PLUGIN].pool
    # The same for every task of a batch; kernels are forked with it (the warm parent was
    # started before the folders were known, so they go to the kernels here too).
    pool.env = {**env, **{name: value for name, value in folders.items() if value is not None}}
    return LocalExecutor(pool).execute(job, run_id, timeout, threading.Event())


def _stop_kernels() -> None:
    """On a worker: kill the kernels of the notebooks it is running (an interrupted batch)."""
    from distributed import get_worker
    plugin = get_worker().plugins.get(PLUGIN)
    if plugin is not None and plugin.pool is not None:
        plugin.pool.close()


class DaskExecutor:
    def __init__(self) -> None:
        self.client = None
        self.cluster = None
        self.env: dict[str, str] = {}
        self.folders: dict[str, str | None] = {}
        self._starting: threading.Thread | None = None
        self._failed: BaseException | None = None
        self._threads: ThreadPoolExecutor | None = None
        self._futures: set = set()
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Start the cluster and warm its workers in the background, while the caller plans."""
        _distributed()  # a missing package is said before anything is planned
        self._starting = threading.Thread(target=self._start, name="dask-start", daemon=True)
        self._starting.start()

    def _start(self) -> None:
        import dask
        distributed = _distributed()
        address = dask.config.get("scheduler-address", None)  # run --scheduler, or DASK_SCHEDULER_ADDRESS
        try:
            with dask.config.set(NO_RETRIES):
                if address:
                    self.client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
                else:
                    self.cluster = distributed.LocalCluster(
                        n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None,
                        silence_logs=40)  # logging.ERROR: a worker restarted after a kill is the ledger's news
                    self.client = distributed.Client(self.cluster, set_as_default=False)
            self.client.register_plugin(_kernels_plugin(), name=PLUGIN)
        except OSError as exc:
            self._failed = WorkbenchError(f"无法连接 Dask 调度器 {address}",
                                          f"Could not reach the Dask scheduler {address}: {exc}")
        except BaseException as exc:
            self._failed = exc

    def open(self, env: dict[str, str], workers: int) -> None:
        if self._starting is None:
            self.warm()
        self._starting.join()
        if self._failed is not None:
            raise self._failed
        self.env, self.folders = env, _folders()
        if self.cluster is not None and len(self.cluster.workers) != workers:
            self.cluster.scale(workers)
            self.client.wait_for_workers(workers)
        threads = sum(self.client.nthreads().values()) or workers
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="batch-dask")

    def map(self, work, items):
        return map_on_threads(self._threads, work, items)

    def execute(self, job, run_id: str, timeout: float | None, stop: threading.Event) -> NotebookRun:
        distributed = _distributed()
        started = datetime.now(timezone.utc)
        key = f"{job.applicant_id}/{job.notebook}-{uuid.uuid4().hex[:8]}"
        future = self.client.submit(run_notebook, job, run_id, timeout, self.env, self.folders, key=key, pure=False)
        with self._lock:
            self._futures.add(future)
        try:
            return future.result()
        except (CancelledError, distributed.KilledWorker) as exc:
            status = INTERRUPTED if stop.is_set() else DIED
            error = "已中断 interrupted" if status == INTERRUPTED else f"Dask 工作进程意外退出 the Dask worker died: {exc}"
        except Exception as exc:  # the task failed outside the notebook (the worker's side): this run only
            status = INTERRUPTED if stop.is_set() else FAILED
            error = f"Dask 任务失败 the Dask task failed: {type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self._futures.discard(future)
        return NotebookRun(run_id, job.applicant_id, job.notebook, started, datetime.now(timezone.utc), status, (),
                           job.inputs_hash, job.inputs, None, error)

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
        if self.client is not None:
            with self._lock:
                running = list(self._futures)
            if running:  # interrupted: nothing more starts, and the running notebooks' kernels die
                self.client.cancel(running, force=True)
                self.client.run(_stop_kernels)
            if self.cluster is None:
                self.client.unregister_worker_plugin(PLUGIN)  # a remote cluster's workers stop their kernels
            self.client.close()
        if self._threads is not None:
            self._threads.shutdown(wait=True)
        if self.cluster is not None:
            self.cluster.close()
