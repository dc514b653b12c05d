"""How the batch grows with the number of applicants, on the local executor and on a Dask
LocalCluster (issue 26 §3), and what that says of 5,000 applicants on N worker cores.

For each size (BATCH_SIZES, default 20,100; 500 takes about half an hour an executor here)
and executor (BATCH_EXECUTORS, default local,dask), the same portfolio store (benchmarks/.data)
is copied, and `audit-workbench run --all --no-documents` runs on the copy. A straight line,
seconds = start + per-notebook × notebooks, is fitted through the sizes for each executor. On
this machine both run two notebooks at a time (2 cores), so one notebook costs 2 × per-notebook
core-seconds; 5,000 applicants on W worker
cores then take about start + notebooks × 2 × per-notebook ÷ W, as long as the store keeps up
(the ledger and the notebooks' writes go to the one PostgreSQL server)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import portfolio_store, report

BIN = Path(sys.executable).parent
SIZES = [int(n) for n in os.environ.get("BATCH_SIZES", "20,100").split(",")]
EXECUTORS = tuple(os.environ.get("BATCH_EXECUTORS", "local,dask").split(","))
TARGET = 5000
CORES = os.cpu_count() or 1


def run(source: Path, executor: str) -> tuple[float, int]:
    """(seconds, notebooks run) of one full batch on a copy of the store."""
    folder = Path(tempfile.mkdtemp(prefix=f"scaling-{executor}-"))
    try:
        target = folder / "store.sqlite"
        with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
            a.backup(b)
        env = {**os.environ, "AUDIT_WORKBENCH_OUTPUTS": str(folder / "outputs")}  # the store's data/ (its key)
        start = time.perf_counter()
        subprocess.run([str(BIN / "audit-workbench"), "--db", f"sqlite:///{target}", "--as", "P01", "run", "--all",
                        "--no-documents", "--executor", executor], check=True, capture_output=True, env=env)
        seconds = time.perf_counter() - start
        with sqlite3.connect(target) as db:
            notebooks = db.execute("SELECT count(*) FROM notebook_runs WHERE status = 'ok'").fetchone()[0]
        return seconds, notebooks
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares: seconds = start + per_notebook × notebooks."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else mean_y / mean_x
    return mean_y - slope * mean_x, slope


def main() -> bool:
    measured: dict[str, list[tuple[int, float]]] = {e: [] for e in EXECUTORS}
    per_applicant = 0.0
    print(f"batch scaling, {CORES} cores, --no-documents")
    for size in SIZES:
        source = portfolio_store(size)
        for executor in EXECUTORS:
            seconds, notebooks = run(source, executor)
            measured[executor].append((notebooks, seconds))
            per_applicant = notebooks / size
            report(f"{size} applicants, {notebooks} notebooks, {executor}", seconds, "s")
            report(f"  per notebook, {executor}", seconds / notebooks, "s")
    for size, (local, dask) in zip(SIZES, zip(measured.get("local", []), measured.get("dask", []))):
        report(f"{size} applicants: dask ÷ local", dask[1] / local[1], "×")
    notebooks = TARGET * per_applicant
    for executor, points in measured.items():
        if len(points) < 2:
            continue
        start, per_notebook = fit(points)
        report(f"fit, {executor}: start", start, "s")
        report(f"fit, {executor}: per notebook on {CORES} cores", per_notebook, "s")
        for workers in (CORES, 16, 64):
            hours = (start + notebooks * per_notebook * CORES / workers) / 3600
            report(f"  {TARGET} applicants ({notebooks:.0f} notebooks) on {workers} worker cores", hours, "h")
    return True


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
