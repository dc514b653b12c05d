"""The batch runner (issue #9): 20 demo-sized applicants × the ten stage workbooks.

Baseline in the same run: a plain sequential loop of the `papermill` command over the same
notebooks, parameters and store (a copy of it), as an administrator would script it. Target:
our runner ≥ 5× faster on this 2-core machine. Then a rerun after one answer of one applicant
changed, with --only-changed: its seconds, with and without that applicant's documents.

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

from _common import DATA, report

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
APPLICANTS = int(os.environ.get("BATCH_APPLICANTS", "20"))
CHANGED = "demo-consumer"  # the heaviest demo applicant: 30k work orders, a report and a certificate


def store() -> Path:
    path = DATA / f"batch-{APPLICANTS}.sqlite"
    ready = path.with_suffix(".ready")  # written last: an interrupted build is made again
    if not ready.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        for leftover in DATA.glob(f"{path.name}*"):
            leftover.unlink()
        command = [str(BIN / "audit-workbench"), "--db", f"sqlite:///{path}"]
        subprocess.run([*command, "db", "init"], check=True, capture_output=True)
        subprocess.run([*command, "demo", "--portfolio", str(APPLICANTS - 4)], check=True, capture_output=True)
        ready.touch()
    return path


def copy_of(path: Path, folder: Path) -> str:
    """A copy through SQLite's backup API (a file copy could miss what is still in the WAL)."""
    target = folder / "store.sqlite"
    with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def environment(folder: Path) -> dict[str, str]:
    """Outputs, evidence and key in a scratch folder; never the project's data/ or outputs/."""
    return {**os.environ, "AUDIT_WORKBENCH_OUTPUTS": str(folder / "outputs"),
            "AUDIT_WORKBENCH_DATA": str(DATA / "batch-data")}


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
    subprocess.run([str(BIN / "audit-workbench"), "--db", url, "run", *options], check=True, capture_output=True,
                   env=environment(folder))
    return time.perf_counter() - start


def change_one_answer(url: str) -> None:
    """A 5.2 answer of one applicant is confirmed with a new note: 05 and the stages after it rerun."""
    from audit_widgets.store.repository import Workbench
    workbench = Workbench(url, actor="A01")
    audit_id = workbench.current_audit(CHANGED)
    records = workbench.answer_records(audit_id)
    item_id = next(i for i, r in records.items() if r.answer.result == "conform"
                   and workbench.scheme.stage_recording_item(i).id == "system_audit")
    workbench.save_answer(audit_id, item_id, records[item_id].answer, note=f"复核 rechecked {time.time():.0f}")


def main() -> bool:
    source = store()
    count = len(notebooks()) * APPLICANTS
    ours_folder, loop_folder = Path(tempfile.mkdtemp(prefix="batch-ours-")), Path(tempfile.mkdtemp(prefix="batch-loop-"))
    ours_url, loop_url = copy_of(source, ours_folder), copy_of(source, loop_folder)

    ours = workbench_run(ours_url, ours_folder, "--all", "--no-documents")
    loop = papermill_loop(loop_url, loop_folder)
    print(f"{APPLICANTS} applicants × {len(notebooks())} workbooks = {count} notebook runs, {os.cpu_count()} cores")
    report("baseline: sequential `papermill` command, per notebook", loop / count, "s")
    report("audit-workbench run (forked kernels, parallel), per notebook", ours / count, "s")
    report("speed-up (baseline ÷ ours)", loop / ours, "×")
    ok = loop / ours >= 5
    print(f"{'  target ≥ 5×':<58} {'OK' if ok else 'MISSED'}")

    workbench_run(ours_url, ours_folder, "--all")  # the documents, so that the rerun below replaces them
    change_one_answer(ours_url)
    notebooks_only = workbench_run(ours_url, ours_folder, "--only-changed", "--no-documents")
    change_one_answer(ours_url)
    with_documents = workbench_run(ours_url, ours_folder, "--only-changed")
    ok = report(f"rerun after one answer of {CHANGED} changed (--only-changed, notebooks)", notebooks_only, "s", 10) and ok
    report("  the same, with its report and certificate PDFs", with_documents, "s")
    for folder in (ours_folder, loop_folder):
        shutil.rmtree(folder, ignore_errors=True)
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
