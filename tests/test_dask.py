"""The `dask` executor (issue 26 §3) on real Dask clusters started here: a LocalCluster of two
worker processes, and a scheduler the command connects to with --scheduler. It gives what the
local executor gives (the results, the ledger), a worker killed mid-run costs only its notebook,
and --only-changed skips what the ledger says is current."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from audit_widgets.batch.cluster import NO_RETRIES, DaskExecutor
from audit_widgets.batch.runner import DIED, OK, BatchRunner, plan_batch
from audit_widgets.settings import OUTPUTS_ENV, PUBLISHED_ENV
from audit_widgets.store.repository import Workbench

from .conftest import copy_database
from .test_batch import TWO, _alive, _job, _notebook
from .test_batch import _kernels_of as _descendants

pytestmark = pytest.mark.notebooks


def _run(url: str, scheme, executor, outputs: Path, monkeypatch) -> tuple[list, dict[str, str]]:
    """Every notebook of TWO on `executor`: (the ledger, oldest first; each results file)."""
    monkeypatch.setenv(OUTPUTS_ENV, str(outputs))
    workbench = Workbench(url, scheme, actor="P01")
    summary = BatchRunner(workbench, workers=2, echo=lambda _: None, progress=False, executor=executor).run(
        plan_batch(workbench, TWO, database_url=url))
    assert summary.succeeded, [(r.notebook, r.error) for r in summary.failed]
    results = {str(p.relative_to(outputs)): p.read_text(encoding="utf-8") for p in sorted(outputs.glob("*/*.json"))}
    return list(reversed(workbench.runs())), results


def _without_time(results: str) -> str:
    """A results file without the one line that is the moment it was computed."""
    return "\n".join(line for line in results.splitlines() if '"computed_at"' not in line)


@pytest.fixture(scope="module")
def both_runs(demo_db, scheme, tmp_path_factory):
    """TWO's notebooks on the local executor, then on a LocalCluster, each from the same demo
    store at the same path (a notebook's inputs name its database). The cluster's workers
    publish their outputs to folder/published, as to a shared store (published.py)."""
    folder = tmp_path_factory.mktemp("dask")
    store = folder / "store.sqlite"
    url = f"sqlite:///{store}"
    runs = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        copy_database(demo_db, store)
        runs["local"] = _run(url, scheme, "local", folder / "local", monkeypatch)
        copy_database(demo_db, store)
        executor = DaskExecutor()
        executor.warm()  # its workers start before the setting is made: they learn it from the runner
        executor._starting.join()
        monkeypatch.setenv(PUBLISHED_ENV, f"file://{folder / 'published'}")
        runs["dask"] = _run(url, scheme, executor, folder / "dask", monkeypatch)
    return url, runs, folder


def test_the_cluster_gives_the_local_executors_results_and_ledger(both_runs):
    _, runs, _ = both_runs
    (local_ledger, local_results), (dask_ledger, dask_results) = runs["local"], runs["dask"]
    assert len(local_results) == len(dask_results) >= 18
    assert local_results.keys() == dask_results.keys()
    for name, text in local_results.items():
        assert _without_time(dask_results[name]) == _without_time(text), name
        assert json.loads(dask_results[name])["applicant_id"] in TWO
    row = lambda r: (r.applicant_id, r.notebook, r.status, r.inputs_hash, r.inputs, r.failed_cell, r.error)  # noqa: E731
    assert sorted(map(row, dask_ledger)) == sorted(map(row, local_ledger))
    assert {r.status for r in dask_ledger} == {OK}


def test_the_workers_publish_their_outputs_where_the_dashboard_reads_them(both_runs, demo_db, scheme, monkeypatch):
    """Each notebook a worker ran is in the published place, byte for byte, and the ledger names
    it there; the dashboard offers the executed notebooks from there with this machine's
    outputs/ gone."""
    import shutil

    from audit_widgets.dashboard.documents import DocumentLinks
    _, runs, folder = both_runs
    ledger, _ = runs["dask"]
    written = sorted(p.relative_to(folder / "dask") for p in (folder / "dask").glob("*/*") if p.is_file())
    assert written and {p.suffix for p in written} == {".ipynb", ".html", ".json"}
    for name in written:
        assert (folder / "published" / name).read_bytes() == (folder / "dask" / name).read_bytes(), name
    named = {Path(o).relative_to(folder / "published") for run in ledger for o in run.outputs}
    assert named == set(written)
    monkeypatch.setenv(PUBLISHED_ENV, f"file://{folder / 'published'}")
    monkeypatch.setenv(OUTPUTS_ENV, str(folder / "gone"))
    shutil.rmtree(folder / "dask")
    links = DocumentLinks(Workbench(demo_db, scheme), "demo-composite")
    labels = [row.children[0].description for row in links.children[1:]]
    assert sum("已运行工作簿 executed notebook" in label for label in labels) == len(
        [p for p in written if p.parts[0] == "demo-composite" and p.suffix == ".html"])


def test_only_changed_on_a_scheduler_skips_what_the_ledger_says_is_current(both_runs, scheme, tmp_path):
    """A cluster started apart, as on a real network. The command with --executor dask
    --scheduler and --only-changed runs nothing after the dask run; a new day makes the dated
    stages and what builds on them due, and the cluster runs exactly those."""
    import dask
    from distributed import LocalCluster

    url, _, _ = both_runs
    workbench = Workbench(url, scheme, actor="P01")
    current = plan_batch(workbench, TWO, database_url=url, only_changed=True)
    assert current.count == 0 and len(current.skipped) >= 18
    command = [str(Path(sys.executable).parent / "audit-workbench"), "--db", url, "--as", "P01"]
    outputs = {**os.environ, OUTPUTS_ENV: str(tmp_path / "outputs")}
    with dask.config.set(NO_RETRIES), LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        done = subprocess.run([*command, "run", "--executor", "dask", "--scheduler", cluster.scheduler_address,
                               "--only-changed", "--no-documents", *sum((["--applicant", a] for a in TWO), [])],
                              capture_output=True, text=True, timeout=300, env=outputs)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"完成 ok 0，失败 failed 0，跳过 skipped {len(current.skipped)}" in done.stdout

        tomorrow = date.today() + timedelta(days=1)
        due = plan_batch(workbench, TWO, database_url=url, only_changed=True, today=tomorrow)
        expected = sorted((a, job.notebook) for a, jobs in due.jobs.items() for job in jobs)
        assert 0 < len(expected) < len(current.skipped)
        with dask.config.set({"scheduler-address": cluster.scheduler_address}):
            summary = BatchRunner(workbench, workers=2, echo=lambda _: None, progress=False,
                                  executor="dask").run(due)
        assert summary.succeeded and sorted((r.applicant_id, r.notebook) for r in summary.runs) == expected
        # The workers stopped their kernels and warm parents when each batch ended.
        assert not [p for nanny in cluster.workers.values() for p in _descendants(nanny.process.pid) if _alive(p)]
    assert plan_batch(workbench, TWO, database_url=url, only_changed=True, today=tomorrow).count == 0


def test_the_command_says_plainly_that_a_scheduler_cannot_be_reached(demo_db):
    command = [str(Path(sys.executable).parent / "audit-workbench"), "--db", demo_db, "--as", "P01"]
    done = subprocess.run([*command, "run", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
                           "--applicant", "demo-special"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert done.returncode != 0
    assert "无法连接 Dask 调度器 tcp://127.0.0.1:9" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    wrong = subprocess.run([*command, "run", "--scheduler", "tcp://127.0.0.1:9", "--applicant", "demo-special"],
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode != 0 and "--scheduler goes with --executor dask" in wrong.stderr + wrong.stdout


def test_a_worker_killed_mid_run_costs_its_notebook_only(demo_db, scheme, tmp_path, monkeypatch):
    """SIGKILL to the worker running a notebook: that notebook is `died` in the ledger (not run
    again elsewhere behind the ledger's back), its kernel goes with the worker, and the other
    notebooks, the same applicant's next one included, finish on the workers left."""
    url = f"sqlite:///{copy_database(demo_db, tmp_path / 'killed.sqlite')}"
    monkeypatch.setenv(OUTPUTS_ENV, str(tmp_path / "outputs"))
    workbench = Workbench(url, scheme, actor="P01")
    hanging = _notebook(tmp_path, "hangs", "import time\ntime.sleep(600)")
    contract = Path(__file__).resolve().parents[1] / "workbooks" / "03_contract.ipynb"
    plan = plan_batch(workbench, [], database_url=url)
    plan.jobs = {"demo-consumer": [_job(workbench, scheme, "demo-consumer", p, url, s)
                                   for p, s in ((hanging, "application"), (contract, "contract"))],
                 "demo-composite": [_job(workbench, scheme, "demo-composite", contract, url, "contract")]}
    executor = DaskExecutor()
    summary: list = []
    batch = threading.Thread(target=lambda: summary.append(BatchRunner(
        workbench, workers=2, echo=lambda _: None, progress=False, executor=executor).run(plan)))
    batch.start()
    worker, kernels = None, []
    deadline = time.monotonic() + 120
    while worker is None and time.monotonic() < deadline:
        time.sleep(0.3)
        if executor.client is None or not batch.is_alive():
            continue
        processing = executor.client.processing()
        worker = next((w for w, keys in processing.items() if any(str(k).startswith("demo-consumer/hangs") for k in keys)),
                      None)
    assert worker is not None, "the hanging notebook never started"
    pid = executor.client.run(os.getpid, workers=[worker])[worker]
    time.sleep(3)  # the kernel runs the notebook's sleep
    kernels = _descendants(pid)
    assert kernels
    os.kill(pid, signal.SIGKILL)
    batch.join(timeout=180)
    assert not batch.is_alive(), "the batch did not end after its worker was killed"
    runs = {(r.applicant_id, r.notebook): r for r in summary[0].runs}
    assert runs[("demo-consumer", "hangs")].status == DIED
    assert "worker" in runs[("demo-consumer", "hangs")].error
    assert runs[("demo-consumer", "03_contract")].status == OK
    assert runs[("demo-composite", "03_contract")].status == OK
    ledger = {(r.applicant_id, r.notebook): r.status for r in workbench.runs()}
    assert ledger[("demo-consumer", "hangs")] == DIED and ledger[("demo-consumer", "03_contract")] == OK
    deadline = time.monotonic() + 30  # the zygote sees its worker's pipe close and kills its kernels
    while time.monotonic() < deadline and [p for p in kernels if _alive(p)]:
        time.sleep(0.2)
    assert not [p for p in kernels if _alive(p)]
