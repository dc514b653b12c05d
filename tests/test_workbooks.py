"""The real workbooks run by papermill for each demo applicant, and answers that survive a
kernel restart."""
import json
from pathlib import Path

import nbformat
import papermill
import pytest
from jupyter_client.manager import start_new_kernel

from audit_widgets.evaluation import evaluate
from audit_widgets.paths import outputs_dir
from audit_widgets.store.repository import Workbench

from .conftest import ROOT

WORKBOOKS = sorted(p for p in (ROOT / "workbooks").glob("[0-9][0-9]_*.ipynb") if p.stem != "00_overview")
DEMO = ("demo-industrial", "demo-consumer", "demo-special")
CASES = ROOT / "workbooks" / "11_complaints_and_appeals.ipynb"  # not a stage of one applicant


def test_workbooks_are_thin_and_committed_clean(scheme):
    assert [p.stem for p in WORKBOOKS] == [s.notebook for s in scheme.procedure_stages] + [CASES.stem]
    for path in WORKBOOKS:
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert "parameters" in code[0].metadata.get("tags", [])
        assert ("applicant_id" in code[0].source and "audit" in code[0].source or path == CASES) and "mode" in code[0].source
        assert all(not c.outputs and c.execution_count is None for c in code)
        assert sum(len(c.source.splitlines()) for c in code[1:]) <= 6  # only calls into the package


def _run(path: Path, url: str, applicant_id: str, tmp_path: Path) -> nbformat.NotebookNode:
    out = tmp_path / f"{applicant_id}-{path.name}"
    # On the batch engine's forked kernels (test_batch.py shows they are fresh per notebook).
    papermill.execute_notebook(str(path), str(out), parameters={
        "applicant_id": applicant_id, "mode": "batch", "database_url": url}, cwd=str(ROOT / "workbooks"),
        progress_bar=False, engine_name="audit-workbench")
    return nbformat.read(out, as_version=4)


def _results(applicant_id: str, path: Path) -> dict:
    return json.loads((outputs_dir() / applicant_id / f"{path.stem}.json").read_text(encoding="utf-8"))


def _stage_results(workbench: Workbench, applicant_id: str) -> dict:
    return {(a.id, stage): record.result for a in workbench.audits(applicant_id)
            for stage, record in workbench.stage_results(a.id).items()}


@pytest.mark.notebooks
@pytest.mark.parametrize("applicant_id", DEMO)
def test_every_workbook_runs_in_batch_for_every_audit_of_each_demo_applicant(demo_db, applicant_id, scheme):
    """Through papermill, in batch mode, each audit of the demo histories: the initial audit,
    the surveillances, the recertification, the special audit. Earlier audits come out as
    they were decided: running their workbooks again changes none of their results."""
    from audit_widgets.batch.runner import OK, BatchRunner, plan_batch
    from audit_widgets.paths import audit_key, audit_outputs_dir
    workbench = Workbench(demo_db, scheme)
    audits = workbench.audits(applicant_id)
    decided = {a.id for a in audits if workbench.decision(a.id) is not None}
    before = _stage_results(workbench, applicant_id)
    plan = plan_batch(workbench, [applicant_id], database_url=demo_db, every_audit=True)
    expected_runs = sum(1 for a in audits for s in scheme.procedure_stages if s.applies_to(a.audit_type))
    assert plan.count == expected_runs
    summary = BatchRunner(workbench, workers=1, echo=lambda _: None, progress=False).run(plan)
    assert summary.succeeded, [(r.notebook, r.error) for r in summary.failed]
    assert all(r.status == OK for r in summary.runs)
    for audit in audits:
        earlier = None if audit is audits[-1] else audit_key(audit.id, audit.audit_type)
        for stage in scheme.procedure_stages:
            if not stage.applies_to(audit.audit_type):
                continue
            result = json.loads((audit_outputs_dir(applicant_id, earlier) / f"{stage.notebook}.json").read_text())
            assert result["audit"] == {"id": audit.id, "type": audit.audit_type}
            assert result["scheme"]["fingerprint"] == scheme.fingerprint
            expected = "done"
            if applicant_id == "demo-special" and stage.id in ("certificate", "recertification"):
                expected = "done" if stage.id == "certificate" else "pending"  # refused: no certificate
            assert result["status"] == expected, (audit.audit_type, stage.notebook, result["message"])
    after = _stage_results(workbench, applicant_id)
    for (audit_id, stage_id), result in before.items():
        if audit_id in decided and stage_id in scheme.stages_before("decision"):
            assert after[audit_id, stage_id] == result, (audit_id, stage_id)  # earlier audits untouched

    # The batch numbers are the numbers the widgets show: both call evaluate().
    current = audits[-1].id
    evaluation = evaluate(workbench, applicant_id, current)
    report = _results(applicant_id, ROOT / "workbooks" / "06_audit_report.ipynb")["result"]
    assert report["scores"]["score"] == pytest.approx(evaluation.score.score)
    assert report["scores"]["dimension_scores"] == pytest.approx(evaluation.score.dimension_scores)
    assert report["recommendation"]["certifiable"] == (applicant_id != "demo-special")
    # … and what the auditor sees in JupyterLab: the report widget over the same store.
    from audit_widgets.widgets.report import ReportPanel
    panel = ReportPanel(workbench, applicant_id, current)
    # decided: the panel shows the signed report as recorded, and says so (issue 25 §4)
    assert f"总分 <b>{report['scores']['score']:.1f}</b>" in panel.body.value and "已作出认证决定" in panel.body.value
    characteristic = _results(applicant_id, ROOT / "workbooks" / "04_characteristic_evaluation.ipynb")["result"]
    assert characteristic["kpis"]["rework_rate"]["value"] == pytest.approx(evaluation.kpis.overall["rework_rate"].value)


@pytest.mark.notebooks
def test_a_stage_without_its_prerequisite_says_so(db_url, consumer, tmp_path):
    executed = _run(ROOT / "workbooks" / "06_audit_report.ipynb", db_url, consumer, tmp_path)
    shown = json.dumps([o for c in executed.cells for o in c.get("outputs", [])], ensure_ascii=False)
    assert "本阶段尚不能开始" in shown and "cannot start yet" in shown and "Traceback" not in shown
    assert _results(consumer, ROOT / "workbooks" / "06_audit_report.ipynb")["status"] == "blocked"


@pytest.mark.notebooks
def test_an_unknown_applicant_is_a_plain_message(db_url, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError):
        _run(ROOT / "workbooks" / "01_application.ipynb", db_url, "nobody", tmp_path)
    executed = nbformat.read(tmp_path / "nobody-01_application.ipynb", as_version=4)
    shown = json.dumps([o for c in executed.cells for o in c.get("outputs", [])], ensure_ascii=False)
    assert "没有编号为「nobody」的申请方" in shown


def _execute(client, code: str) -> str:
    """Run code in a kernel and return what it printed."""
    printed = []
    client.execute_interactive(code, output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
                               timeout=120)
    return "".join(printed)


@pytest.mark.notebooks
def test_answers_survive_a_kernel_restart(db_url, staffed_audit):
    consumer = staffed_audit[0]  # audited by A02's team
    setup = (f"from audit_widgets.store.repository import Workbench\n"
             f"from audit_widgets.widgets.checklist import ChecklistWidget\n"
             f"widget = ChecklistWidget(Workbench({db_url!r}, actor='A02'), {consumer!r}, '5.2b')\n"
             f"row = next(r for r in widget.rows if r.item.id == 'F03')\n")
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        _execute(client, setup + "row.checked.value = 12\nrow.nonconforming.value = 3\n"
                                 "row.note.value = '抽查 12 张工单'\nprint('written')")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        shown = _execute(client, setup + "print(row.checked.value, row.nonconforming.value, row.note.value)")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert shown.strip() == "12 3 抽查 12 张工单"


@pytest.mark.notebooks
def test_the_overview_notebook_lists_the_demo_applicants(demo_db, tmp_path):
    out = tmp_path / "overview.ipynb"
    papermill.execute_notebook(str(ROOT / "workbooks" / "00_overview.ipynb"), str(out), cwd=str(ROOT / "workbooks"),
                               parameters={"database_url": demo_db, "auditor": "A01"}, progress_bar=False)
    shown = out.read_text(encoding="utf-8")
    assert all(applicant in shown for applicant in (*DEMO, "demo-composite"))
    assert "demo-industrial/06_audit_report.ipynb" in shown


@pytest.mark.notebooks
def test_the_complaints_and_appeals_workbook_lists_them(demo_db, tmp_path):
    out = tmp_path / "cases.ipynb"
    papermill.execute_notebook(str(CASES), str(out), cwd=str(ROOT / "workbooks"), progress_bar=False,
                               parameters={"database_url": demo_db, "mode": "batch"}, engine_name="audit-workbench")
    shown = out.read_text(encoding="utf-8")
    assert "未结投诉 open complaints" in shown and "demo-consumer" in shown and "A05" in shown
    assert "申诉不成立" in shown and "Traceback" not in shown
