"""The batch runner with real papermill runs on real kernels, a real SQLite store and the real
workbooks: parallel applicants, the ledger, skipping unchanged notebooks, and faults (a
notebook that raises, one that hangs, a kernel killed mid-run, a missing workbook) that
stop nothing else and keep the last good outputs."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from audit_widgets.batch.inputs import applicant_state, inputs_hash, run_inputs
from audit_widgets.batch.runner import DIED, DOCUMENTS, FAILED, OK, TIMEOUT, BatchRunner, NotebookJob, plan_batch
from audit_widgets.documents.build import build_documents
from audit_widgets.domain import Answer
from audit_widgets.paths import outputs_dir
from audit_widgets.scheme import load_scheme
from audit_widgets.store.repository import Workbench

from .conftest import ROOT, copy_database, edit_scheme_file

pytestmark = pytest.mark.notebooks
TWO = ["demo-consumer", "demo-composite"]  # composite: registered, nothing signed, answers can change


def stages_of(batch_db: str, scheme, applicant_id: str) -> list:
    """The stages the applicant's current audit goes through (a special audit has no 01; only a
    surveillance or special audit has 09): the notebooks a batch runs for it."""
    workbench = Workbench(batch_db, scheme)
    audit_type = workbench.audit(workbench.current_audit(applicant_id)).audit_type
    return [s for s in scheme.procedure_stages if s.applies_to(audit_type)]


def notebooks_of(batch_db: str, scheme) -> int:
    return sum(len(stages_of(batch_db, scheme, a)) for a in TWO)


@pytest.fixture(scope="module")
def batch_db(demo_db, tmp_path_factory) -> str:
    """A copy of the demo store that this module's batch runs may write to."""
    return f"sqlite:///{copy_database(demo_db, tmp_path_factory.mktemp('batch') / 'batch.sqlite')}"


@pytest.fixture(scope="module")
def first_batch(batch_db, scheme):
    """Every workbook of two applicants, side by side on two workers."""
    workbench = Workbench(batch_db, scheme, actor="P01")
    plan = plan_batch(workbench, TWO, database_url=batch_db)
    return BatchRunner(workbench, workers=2, echo=lambda _: None, progress=False).run(plan)


def _notebook(tmp_path: Path, name: str, *sources: str) -> Path:
    """A notebook with a parameters cell, like the workbooks, and the given code cells."""
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('applicant_id = ""\nmode = "batch"\ndatabase_url = None')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, *(nbformat.v4.new_code_cell(s) for s in sources)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def _job(workbench: Workbench, scheme, applicant_id: str, path: Path, url: str, stage_id: str) -> NotebookJob:
    parameters = {"applicant_id": applicant_id, "mode": "batch"}
    stage = scheme.procedure_by_id[stage_id].model_copy(update={"notebook": path.stem})
    inputs = run_inputs(workbench, stage, path, parameters, applicant_state(workbench, applicant_id), url, {})
    return NotebookJob(applicant_id, stage, path, parameters, inputs, inputs_hash(inputs))


def test_every_workbook_runs_and_leaves_outputs_html_and_a_ledger_row(first_batch, batch_db, scheme):
    assert first_batch.succeeded, [(r.notebook, r.error) for r in first_batch.failed]
    assert len(first_batch.runs) == notebooks_of(batch_db, scheme)
    ledger = Workbench(batch_db, scheme).runs()
    expected = {(a, s.notebook) for a in TWO for s in stages_of(batch_db, scheme, a)}
    assert {(r.applicant_id, r.notebook) for r in ledger} == expected
    for run in ledger:
        assert run.status == OK and run.inputs_hash and run.finished_at >= run.started_at
        folder = outputs_dir() / run.applicant_id
        for suffix in (".ipynb", ".html", ".json"):
            assert str(folder / f"{run.notebook}{suffix}") in run.outputs
        results = json.loads((folder / f"{run.notebook}.json").read_text(encoding="utf-8"))
        assert results["status"] in {"done", "pending", "blocked"}


def test_applicants_run_side_by_side(first_batch):
    """With two workers, each applicant's notebooks overlap in time with the other's."""
    spans = {a: (min(r.started_at for r in first_batch.runs if r.applicant_id == a),
                 max(r.finished_at for r in first_batch.runs if r.applicant_id == a)) for a in TWO}
    (start_a, end_a), (start_b, end_b) = spans.values()
    assert start_a < end_b and start_b < end_a


def test_executed_notebooks_are_documents_without_widget_state(first_batch):
    for applicant_id in TWO:
        for path in (outputs_dir() / applicant_id).glob("[0-9][0-9]_*.ipynb"):
            assert path.stat().st_size < 300_000, path
            notebook = nbformat.read(path, as_version=4)
            assert "widgets" not in notebook.metadata, path
            mimetypes = {m for c in notebook.cells for o in c.get("outputs", []) for m in o.get("data", {})}
            assert "application/vnd.jupyter.widget-view+json" not in mimetypes, path
    report = (outputs_dir() / "demo-consumer" / "04_characteristic_evaluation.html").read_text(encoding="utf-8")
    assert "<svg" in report and "applicant_id" not in report  # charts shown, code cells left out
    assert "https://" not in report.split("<body", 1)[1]
    audit_report = (outputs_dir() / "demo-consumer" / "06_audit_report.html").read_text(encoding="utf-8")
    assert "StageOutcome(" not in audit_report  # no Python repr at the end of the document
    assert "登记新发现" not in audit_report and "纠正措施 / corrective action" not in audit_report  # no empty forms
    assert "审查发现 / findings" in audit_report  # what was recorded stays


def test_only_changed_skips_everything_then_reruns_exactly_the_affected_notebooks(first_batch, batch_db, scheme):
    workbench = Workbench(batch_db, scheme, actor="P01")
    unchanged = plan_batch(workbench, TWO, database_url=batch_db, only_changed=True)
    assert unchanged.count == 0 and len(unchanged.skipped) == notebooks_of(batch_db, scheme)
    audit_id = workbench.current_audit("demo-composite")
    workbench.set_team(audit_id, [("A01", "leader")])  # the team's answers are the team's
    BatchRunner(workbench, workers=2, echo=lambda _: None, progress=False).run(
        plan_batch(workbench, TWO, database_url=batch_db, only_changed=True))

    # A 5.2 answer (stage 05) concerns 05 and the stages that build on it, not 01–04 nor the other applicant.
    domains = workbench.get_applicant("demo-composite").domains
    item = next(i for i in scheme.items_for(domains) if i.judgement == "qualitative"
                and scheme.stage_recording_item(i.id).id == "system_audit")
    workbench.acting_as("A01").save_answer(audit_id, item.id, Answer(result="conform"))
    changed = plan_batch(workbench, TWO, database_url=batch_db, only_changed=True)
    assert not changed.jobs["demo-consumer"]
    assert [j.notebook for j in changed.jobs["demo-composite"]] == [
        "05_system_audit", "06_audit_report", "07_decision", "08_certificate"]  # 09 and 10 need no 05

    summary = BatchRunner(workbench, workers=2, echo=lambda _: None, progress=False).run(changed)
    assert summary.succeeded and len(summary.runs) == 4
    assert plan_batch(workbench, TWO, database_url=batch_db, only_changed=True).count == 0

    # A new team (stage 02) reaches every stage from 02 on.
    workbench.set_team(audit_id, [("A02", "leader")])
    assert [j.notebook for j in plan_batch(workbench, ["demo-composite"], database_url=batch_db,
                                           only_changed=True).jobs["demo-composite"]][0] == "02_review_and_planning"


def test_documents_are_built_once_and_in_the_ledger(first_batch, batch_db, scheme):
    """The first batch ran without documents: the next run builds them, then skips them."""
    workbench = Workbench(batch_db, scheme, actor="P01")
    plan = plan_batch(workbench, ["demo-consumer"], database_url=batch_db, only_changed=True)
    assert plan.count == 0 and "demo-consumer" in plan.documents
    summary = BatchRunner(workbench, workers=1, echo=lambda _: None, progress=False, documents=build_documents).run(plan)
    [run] = summary.runs
    assert run.notebook == DOCUMENTS and run.status == OK, run.error
    assert {"audit_report.html", "audit_report.pdf", "certificate.pdf"} <= {Path(p).name for p in run.outputs}
    assert "文件 documents 1/1" in summary.line()
    assert not plan_batch(workbench, ["demo-consumer"], database_url=batch_db, only_changed=True).documents


def test_a_new_day_reruns_the_dated_stages_and_what_builds_on_them(first_batch, batch_db, scheme):
    """06 weighs finding deadlines and 10 computes due status changes as of the day: a later
    day reruns them, and 07–08 after 06 (their inputs include 06's hash); 02–05 and 09 stay."""
    from datetime import date, timedelta
    workbench = Workbench(batch_db, scheme)
    later = plan_batch(workbench, ["demo-consumer"], database_url=batch_db, only_changed=True,
                       today=date.today() + timedelta(days=1))
    assert [j.notebook for j in later.jobs["demo-consumer"]] == [
        "06_audit_report", "07_decision", "08_certificate", "10_recertification_and_status"]


def test_the_kernels_get_the_database_and_the_scheme_but_the_notebooks_keep_no_database_url(
        first_batch, batch_db, scheme, scheme_copy):
    for path in (outputs_dir() / "demo-consumer").glob("[0-9][0-9]_*.ipynb"):
        assert "batch.sqlite" not in path.read_text(encoding="utf-8"), path  # not a parameter: a password would show
    edit_scheme_file(scheme_copy, "scheme.yaml", lambda data: data["meta"].update(version="2026.2-test"))
    workbench = Workbench(batch_db, load_scheme(scheme_copy))
    plan = plan_batch(workbench, ["demo-special"], database_url=batch_db, stage_ids=["contract"])
    summary = BatchRunner(workbench, workers=1, echo=lambda _: None, progress=False, scheme_dir=str(scheme_copy)).run(plan)
    assert summary.succeeded, [r.error for r in summary.runs]
    results = json.loads((outputs_dir() / "demo-special" / "03_contract.json").read_text(encoding="utf-8"))
    assert results["scheme"]["version"] == "2026.2-test"  # the kernel scored on the scheme given


def _start_batch(tmp_path: Path, url: str, notebook: Path, applicant: str, *, copies: int = 1,
                 preamble: str = "") -> subprocess.Popen:
    """A batch in a process of its own, running `notebook` (as stage 01) `copies` times for the
    applicant: a batch to interrupt or kill."""
    script = tmp_path / "batch.py"
    script.write_text(
        preamble + "from pathlib import Path\n"
        "from audit_widgets.batch.inputs import applicant_state, run_inputs\n"
        "from audit_widgets.batch.runner import BatchRunner, NotebookJob, plan_batch\n"
        "from audit_widgets.scheme import load_scheme\n"
        "from audit_widgets.store.repository import Workbench\n"
        f"url, path, applicant = {url!r}, Path({str(notebook)!r}), {applicant!r}\n"
        "scheme = load_scheme()\n"
        "workbench = Workbench(url, scheme, actor='P01')\n"
        "stage = scheme.procedure_by_id['application'].model_copy(update={'notebook': path.stem})\n"
        "parameters = {'applicant_id': applicant, 'mode': 'batch'}\n"
        "inputs = run_inputs(workbench, stage, path, parameters, applicant_state(workbench, applicant), url, {})\n"
        "plan = plan_batch(workbench, [], database_url=url)\n"
        f"plan.jobs = {{applicant: [NotebookJob(applicant, stage, path, parameters, inputs, 'h')] * {copies}}}\n"
        "BatchRunner(workbench, workers=1, echo=print, progress=False).run(plan)\n", encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_an_interrupted_batch_stops_at_once_and_leaves_no_kernel(batch_db, scheme, tmp_path):
    """SIGINT to a running batch: it ends within seconds, the running notebook is recorded as
    interrupted, and no kernel or zygote of it is left."""
    import signal
    import time
    hanging = _notebook(tmp_path, "hangs_forever", "import time\ntime.sleep(600)")
    process = _start_batch(tmp_path, batch_db, hanging, "demo-special", copies=3, preamble=(
        # A shell's background job (CI may be one) starts with SIGINT ignored: take it back.
        "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
        # Should it hang, SIGUSR1 prints where each thread is.
        "import faulthandler\nfaulthandler.register(signal.SIGUSR1, all_threads=True)\n"))
    deadline = time.monotonic() + 120
    while not _kernels_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    kernels = _kernels_of(process.pid)
    assert kernels, process.communicate(timeout=30)[0] if process.poll() is not None else "no kernel started"
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)
        time.sleep(2)
        process.kill()
        pytest.fail("the batch did not stop within 30 s of SIGINT:\n" + process.communicate(timeout=30)[0])
    time.sleep(1)
    assert not [pid for pid in kernels if _alive(pid)]
    [run] = [r for r in Workbench(batch_db, scheme).runs(limit=1)]
    assert run.notebook == "hangs_forever" and run.status == "interrupted"


def test_a_batch_killed_outright_leaves_its_runs_to_be_settled_as_died_and_no_kernel_or_temporary_file(
        batch_db, scheme, tmp_path):
    """kill -9 to a running batch (issue 24 §9): its kernels and their folder go with it; the
    notebook it was running stays `running` in the ledger, and the next batch records it as
    `died`, removes its half-written copy, and runs it again with --only-failed."""
    import tempfile
    import time
    batch_db = f"sqlite:///{copy_database(batch_db, tmp_path / 'killed.sqlite')}"  # its died run stays its own
    applicant = "demo-composite"  # an initial audit: it goes through 01
    hanging = _notebook(tmp_path, "01_application", "import time\ntime.sleep(600)")
    process = _start_batch(tmp_path, batch_db, hanging, applicant)
    workbench = Workbench(batch_db, scheme, actor="P01")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        last = workbench.last_runs(applicant).get("01_application")
        if last is not None and last.status == "running" and len(_kernels_of(process.pid)) >= 2:
            break
        time.sleep(0.2)
    kernels = _kernels_of(process.pid)
    assert process.poll() is None and kernels, process.communicate(timeout=30)[0]
    time.sleep(2)  # the kernel runs the notebook's sleep
    folder = outputs_dir() / applicant
    half_written = list(folder.glob(f".01_application.ipynb.{process.pid}-*.running.ipynb"))
    assert half_written  # papermill writes the notebook as it runs
    kernel_folders = list(Path(tempfile.gettempdir()).glob(f"aw-kernels-{process.pid}-*"))
    assert kernel_folders
    process.kill()
    process.wait(timeout=30)
    process.stdout.close()
    deadline = time.monotonic() + 30  # the zygote sees its pipe close, kills its kernels, removes their folder
    while time.monotonic() < deadline and ([pid for pid in kernels if _alive(pid)] or any(f.exists() for f in kernel_folders)):
        time.sleep(0.2)
    assert not [pid for pid in kernels if _alive(pid)]
    assert not any(f.exists() for f in kernel_folders)
    assert workbench.last_runs(applicant)["01_application"].status == "running"

    plan = plan_batch(workbench, [applicant], database_url=batch_db, only_failed=True)
    [settled] = plan.settled
    assert (settled.applicant_id, settled.notebook, settled.status) == (applicant, "01_application", DIED)
    assert f":{process.pid}" in settled.error and "killed" in settled.error
    assert workbench.last_runs(applicant)["01_application"].status == DIED
    assert not any(p.exists() for p in half_written)
    assert "01_application" in [job.notebook for job in plan.jobs[applicant]]
    assert not plan_batch(workbench, [applicant], database_url=batch_db).settled  # settled once


def _kernels_of(pid: int) -> list[int]:
    """The processes started below `pid` (its zygote and the zygote's kernels)."""
    children, found = {pid}, []
    for _ in range(3):
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) not in children:
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if parent in children:
                    children.add(int(entry.name))
                    found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_scheme_change_reruns_everything(first_batch, batch_db, scheme, scheme_copy):
    edit_scheme_file(scheme_copy, "scheme.yaml", lambda data: data["meta"].update(version="2026.2-test"))
    changed_scheme = load_scheme(scheme_copy)
    assert changed_scheme.fingerprint != scheme.fingerprint
    plan = plan_batch(Workbench(batch_db, changed_scheme), TWO, database_url=batch_db, only_changed=True)
    assert plan.count == notebooks_of(batch_db, scheme) and not plan.skipped


def test_faults_stop_nothing_else_and_keep_the_last_good_outputs(first_batch, batch_db, scheme, tmp_path):
    workbench = Workbench(batch_db, scheme, actor="P01")
    raising = _notebook(tmp_path, "raises", "raise ValueError('deliberately broken')")
    hanging = _notebook(tmp_path, "hangs", "import time\ntime.sleep(600)")
    killed = _notebook(tmp_path, "killed", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    missing = tmp_path / "missing.ipynb"
    good = ROOT / "workbooks" / "03_contract.ipynb"
    # The last good output of the notebook that will now raise stays as it was.
    kept = outputs_dir() / "demo-consumer" / "raises.ipynb"
    kept.write_text("previous good output", encoding="utf-8")

    jobs = {"demo-consumer": [_job(workbench, scheme, "demo-consumer", p, batch_db, "application")
                              for p in (raising, hanging, killed, missing)],
            "demo-composite": [_job(workbench, scheme, "demo-composite", good, batch_db, "contract")]}
    plan = plan_batch(workbench, [], database_url=batch_db)
    plan.jobs = jobs
    summary = BatchRunner(workbench, workers=2, timeout=8, echo=lambda _: None, progress=False).run(plan)

    status = {(r.applicant_id, r.notebook): r for r in summary.runs}
    assert status[("demo-consumer", "raises")].status == FAILED
    assert "deliberately broken" in status[("demo-consumer", "raises")].error
    assert status[("demo-consumer", "raises")].failed_cell is not None
    assert status[("demo-consumer", "hangs")].status == TIMEOUT
    assert status[("demo-consumer", "killed")].status == DIED
    assert status[("demo-consumer", "missing")].status == FAILED
    assert "FileNotFoundError" in status[("demo-consumer", "missing")].error
    assert status[("demo-composite", "03_contract")].status == OK
    assert not summary.succeeded and len(summary.failed) == 4

    assert kept.read_text(encoding="utf-8") == "previous good output"
    assert (outputs_dir() / "demo-consumer" / "raises.failed.ipynb").exists()
    assert not list((outputs_dir() / "demo-consumer").glob(".*running*"))
    ledger = {(r.applicant_id, r.notebook): r.status for r in Workbench(batch_db, scheme).runs(limit=5)}
    assert ledger[("demo-consumer", "killed")] == DIED

    # --only-failed picks the failed runs of the ledger: here the failed workbook runs, none of the good ones.
    assert plan_batch(workbench, TWO, database_url=batch_db, only_failed=True).count == 0


def test_nothing_defined_in_one_notebook_is_visible_in_the_next(batch_db, scheme, tmp_path):
    workbench = Workbench(batch_db, scheme, actor="P01")
    first = _notebook(tmp_path, "defines", "leaked = 42\nimport builtins\nbuiltins.leaked_builtin = 1\n"
                      "import audit_widgets.paths as p\np.LEAK = 1")
    second = _notebook(tmp_path, "checks", "import builtins, audit_widgets.paths as p\n"
                       "assert 'leaked' not in globals()\nassert not hasattr(builtins, 'leaked_builtin')\n"
                       "assert not hasattr(p, 'LEAK')")
    plan = plan_batch(workbench, [], database_url=batch_db)
    plan.jobs = {"demo-special": [_job(workbench, scheme, "demo-special", p, batch_db, "application")
                                  for p in (first, second)]}
    summary = BatchRunner(workbench, workers=1, echo=lambda _: None, progress=False).run(plan)
    assert [r.status for r in summary.runs] == [OK, OK], [r.error for r in summary.runs]


def test_the_command_runs_quietly_over_ipc_and_lists_the_ledger(first_batch, batch_db):
    """The real command in a subprocess: no ipykernel noise, exit 0, and `runs --json`."""
    command = [str(Path(sys.executable).parent / "audit-workbench"), "--db", batch_db]
    done = subprocess.run([*command, "run", "--applicant", "demo-special", "--stage", "application",
                           "--stage", "contract"], capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for noise in ("TCP", "KeyboardInterrupt", "Traceback"):
        assert noise not in output
    assert "完成 ok 2，失败 failed 0" in output
    # Not a terminal: one plain line per notebook, no progress bar.
    assert "demo-special 01_application: ok" in output and "demo-special 03_contract: ok" in output
    assert "notebook/s" not in output and "\r" not in output
    ledger = json.loads(subprocess.run([*command, "runs", "--applicant", "demo-special", "--json"],
                                       capture_output=True, text=True, timeout=60).stdout)
    assert {r["notebook"] for r in ledger[:2]} == {"01_application", "03_contract"}


def test_the_plain_papermill_command_uses_the_engine(tmp_path):
    """`papermill --engine audit-workbench`: the kernel talks over IPC and finds the workbench
    imported before its first cell (it was forked from the warm process)."""
    probe = _notebook(tmp_path, "probe", "import sys\nfrom ipykernel.kernelapp import IPKernelApp\n"
                      "print(IPKernelApp.instance().transport, 'audit_widgets.notebook' in sys.modules)")
    out = tmp_path / "out.ipynb"
    done = subprocess.run([str(Path(sys.executable).parent / "papermill"), "--engine", "audit-workbench",
                           "--no-progress-bar", str(probe), str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    printed = nbformat.read(out, as_version=4).cells[1].outputs[0].text
    assert printed.split() == ["ipc", "True"]
    assert "TCP" not in done.stderr and "KeyboardInterrupt" not in done.stderr


def test_the_html_copy_of_an_executed_notebook_opens_offline_with_its_charts(first_batch):
    """04's HTML copy from file:// in Chromium, every request leaving the machine refused: the
    charts show, the code does not, and nothing tried to leave."""
    from .browser import offline_file
    path = outputs_dir() / "demo-consumer" / "04_characteristic_evaluation.html"
    offsite: list[str] = []
    with offline_file(path, offsite, width=1100) as page:
        chart = page.locator("svg.marks").first
        assert chart.is_visible() and chart.bounding_box()["width"] > 200
        assert page.get_by_text("5.1a").first.is_visible()
        assert page.locator("text=open_stage(").count() == 0  # the code cells are left out
    assert offsite == []
