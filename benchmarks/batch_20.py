"""The batch runner (issue #9): 20 demo-sized applicants × the ten stage workbooks.

Baseline in the same run: a plain sequential loop of the `papermill` command over the same
notebooks, parameters and store (a copy of it), as an administrator would script it. Target:
our runner ≥ 5× faster on this 2-core machine. Beside it, the same batch on the dask executor
(a LocalCluster of two workers started by the command). Then a rerun after one record of one
applicant changed (a corrective action on its decided audit), with --only-changed: its seconds,
with and without that applicant's documents.

The store (the four demo applicants and 16 synthetic ones, through the real pipeline) is built
once and kept in .data/; each contender works on its own copy of it."""
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

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
APPLICANTS = int(os.environ.get("BATCH_APPLICANTS", "20"))
CHANGED = "demo-consumer"  # the heaviest demo applicant: 30k work orders, a report and a certificate


def copy_of(path: Path, folder: Path) -> str:
    """A copy through SQLite's backup API (a file copy could miss what is still in the WAL)."""
    target = folder / "store.sqlite"
    with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def environment(folder: Path) -> dict[str, str]:
    """Outputs in a scratch folder, never the project's outputs/; the store's own data/ (its key);
    the demo's administrator acting (the papermill loop too)."""
    return {**os.environ, "AUDIT_WORKBENCH_OUTPUTS": str(folder / "outputs"), "AUDIT_WORKBENCH_USER": "P01"}


def applicant_ids(url: str) -> list[str]:
    from audit_widgets.store.repository import Workbench
    return [a.id for a in Workbench(url).list_applicants()]


def notebooks() -> list[Path]:
    from audit_widgets.scheme import load_scheme
    return [ROOT / "workbooks" / f"{s.notebook}.ipynb" for s in load_scheme().procedure_stages]


def papermill_loop(url: str, folder: Path) -> float:
    """The baseline: one `papermill` command per notebook, one after the other."""
    env = environment(folder)
    start = time.perf_counter()
    for applicant_id in applicant_ids(url):
        for notebook in notebooks():
            out = folder / "outputs" / applicant_id / notebook.name
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(BIN / "papermill"), "--no-progress-bar", "--cwd", str(notebook.parent), str(notebook),
                            str(out), "-p", "applicant_id", applicant_id, "-p", "mode", "batch", "-p", "database_url", url],
                           check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def workbench_run(url: str, folder: Path, *options: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "audit-workbench"), "--db", url, "run", *options], check=True,
                   capture_output=True, env=environment(folder))
    return time.perf_counter() - start


def change_one_record(url: str) -> None:
    """The leader of the applicant's audit, which is decided, records a corrective action plan for
    its minor finding (allowed after the decision): the report's stage and those after it rerun."""
    from audit_widgets.store.repository import Workbench
    workbench = Workbench(url)
    audit_id = workbench.current_audit(CHANGED)
    leader = next(m.auditor.id for m in workbench.team(audit_id) if m.role == "leader")
    finding = next(f for f in workbench.findings(audit_id) if f.grade == "minor")
    workbench.acting_as(leader).save_corrective_action(finding.id, f"复核 rechecked {time.time():.0f}")


def main() -> bool:
    source = portfolio_store(APPLICANTS)
    count = len(notebooks()) * APPLICANTS
    ours_folder, loop_folder = Path(tempfile.mkdtemp(prefix="batch-ours-")), Path(tempfile.mkdtemp(prefix="batch-loop-"))
    dask_folder = Path(tempfile.mkdtemp(prefix="batch-dask-"))
    ours_url, loop_url, dask_url = copy_of(source, ours_folder), copy_of(source, loop_folder), copy_of(source, dask_folder)

    ours = workbench_run(ours_url, ours_folder, "--all", "--no-documents")
    on_dask = workbench_run(dask_url, dask_folder, "--all", "--no-documents", "--executor", "dask")
    loop = papermill_loop(loop_url, loop_folder)
    print(f"{APPLICANTS} applicants × {len(notebooks())} workbooks = {count} notebook runs, {os.cpu_count()} cores")
    report("baseline: sequential `papermill` command, per notebook", loop / count, "s")
    report("audit-workbench run (forked kernels, parallel), per notebook", ours / count, "s")
    report("audit-workbench run --executor dask (LocalCluster), per notebook", on_dask / count, "s")
    report("speed-up (baseline ÷ ours)", loop / ours, "×")
    report("speed-up (baseline ÷ dask)", loop / on_dask, "×")
    ok = loop / ours >= 5
    print(f"{'  target ≥ 5×':<58} {'OK' if ok else 'MISSED'}")

    workbench_run(ours_url, ours_folder, "--all")  # the documents, so that the rerun below replaces them
    change_one_record(ours_url)
    notebooks_only = workbench_run(ours_url, ours_folder, "--only-changed", "--no-documents")
    change_one_record(ours_url)
    with_documents = workbench_run(ours_url, ours_folder, "--only-changed")
    ok = report(f"rerun after a corrective action of {CHANGED} (--only-changed, notebooks)", notebooks_only, "s", 10) and ok
    report("  the same, with its report and certificate PDFs", with_documents, "s")
    for folder in (ours_folder, loop_folder, dask_folder):
        shutil.rmtree(folder, ignore_errors=True)
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
