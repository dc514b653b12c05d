"""The batch executor: how a batch's notebooks are executed, chosen by name (`run --executor`).

The runner (runner.py) decides what runs, keeps the ledger and builds the documents; an
executor only executes. It runs a function over the batch's applicants side by side (`map`),
and one notebook with papermill on a kernel it provides (`execute`), returning the run as the
ledger records it. The default, `local`, forks kernels on this machine (local.py); `dask` runs
each notebook on a worker of a Dask cluster, with the worker's own forked kernels (cluster.py).
Another executor is one module with a class like it and one `register` call, or
an `audit_workbench.executors` entry point naming an `ExecutorKind`.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Protocol, TypeVar

from ..domain import DIED, FAILED, INTERRUPTED, OK, RUNNING, TAMPERED, TIMEOUT
from ..plugins import Registry

if TYPE_CHECKING:
    from ..domain import NotebookRun
    from .runner import NotebookJob

# How an executed notebook is named while it runs, beside its final copy (files.temporary_beside).
RUNNING_NOTEBOOK = ".running.ipynb"

__all__ = ["DIED", "FAILED", "INTERRUPTED", "OK", "RUNNING", "RUNNING_NOTEBOOK", "TAMPERED", "TIMEOUT",
           "Executor", "ExecutorKind", "executors"]

Item = TypeVar("Item")
Result = TypeVar("Result")


class Executor(Protocol):
    def warm(self) -> None:
        """Start what takes long to start (a warm kernel parent, a cluster's workers) while the
        caller goes on planning; may do nothing."""

    def open(self, env: dict[str, str], workers: int) -> None:
        """Get ready to run `workers` applicants at once, on kernels whose environment holds
        `env` (the database, the scheme folder, the acting person: never notebook parameters)."""

    def map(self, work: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        """`work` over the items, side by side, the results in the items' order."""

    def execute(self, job: NotebookJob, run_id: str, timeout: float | None, stop: threading.Event) -> NotebookRun:
        """Run one notebook to its outputs (job.folder) and say how it ended; never raises for a
        failed notebook. `stop` set: the batch was interrupted."""

    def close(self) -> None:
        """Stop at once: the notebooks running now end as interrupted, and nothing more starts."""


def map_on_threads(threads: ThreadPoolExecutor, work: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
    """`Executor.map` on a thread pool: every item submitted at once, the results in order."""
    futures = [threads.submit(work, item) for item in items]
    for future in futures:
        yield future.result()


@dataclass(frozen=True)
class ExecutorKind:
    id: str
    name: str  # "本机内核 / forked kernels on this machine"
    create: Callable[[], Executor]


def _local() -> Executor:
    from .local import LocalExecutor
    return LocalExecutor()


def _dask() -> Executor:
    from .cluster import DaskExecutor
    return DaskExecutor()


executors: Registry[ExecutorKind] = Registry("执行器", "executor", group="audit_workbench.executors")
executors.register(ExecutorKind("local", "本机内核（预先派生）/ kernels forked ahead on this machine", _local))
executors.register(ExecutorKind("dask", "Dask 集群（默认本机 LocalCluster）/ the workers of a Dask cluster "
                                          "(a LocalCluster on this machine unless --scheduler)", _dask))
DEFAULT_EXECUTOR = "local"
