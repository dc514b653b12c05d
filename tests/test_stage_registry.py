"""The stage registry: every procedure stage has one home, a new stage is one registration
plus its procedure.yaml entry, and the store asks the scheme which stage locks a record."""
import json
import shutil
import sys
import textwrap

import nbformat
import papermill
import pytest
import yaml

from audit_widgets.errors import ConflictError, NotFoundError
from audit_widgets.paths import outputs_dir
from audit_widgets.scheme import load_scheme
from audit_widgets.stages import registry, run_stage
from audit_widgets.store.repository import Workbench

from .conftest import SCHEME_DIR

TOY_MODULE = '''
"""A toy stage: counts the application documents. Importing this module registers it."""
import ipywidgets as widgets

from audit_widgets.stages import Stage, StageOutcome, registry
from audit_widgets.widgets.base import BoundWidget


def compute_toy(workbench, applicant_id, audit_id):
    documents = workbench.documents(audit_id)
    return StageOutcome("done", {"documents": sum(len(files) for files in documents.values())})


class ToyWidget(BoundWidget):
    edits = "documents"

    def __init__(self, workbench, applicant_id, audit_id=None, read_only=False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.children = [widgets.HTML("<b>toy stage widget</b>"), self.lock_banner()]


registry.register(Stage("toy", compute_toy, ("toy_stage:ToyWidget",)))
'''

TOY_PROCEDURE = {"id": "toy", "name": "玩具阶段", "notebook": "99_toy", "requires": ["application"],
                 "modes": [], "locks": []}


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """A scheme with the toy stage in procedure.yaml, and the toy stage's module on the path."""
    scheme_dir = tmp_path / "scheme"
    shutil.copytree(SCHEME_DIR, scheme_dir)
    procedure = yaml.safe_load((scheme_dir / "procedure.yaml").read_text(encoding="utf-8"))
    procedure["procedure_stages"].append(TOY_PROCEDURE)
    (scheme_dir / "procedure.yaml").write_text(yaml.safe_dump(procedure, allow_unicode=True), encoding="utf-8")
    code_dir = tmp_path / "code"
    code_dir.mkdir()
    (code_dir / "toy_stage.py").write_text(textwrap.dedent(TOY_MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(code_dir))
    import toy_stage  # noqa: F401  (registers the stage)
    monkeypatch.setenv("AUDIT_WORKBENCH_SCHEME", str(scheme_dir))  # the body runs the scheme with the new stage
    yield load_scheme(scheme_dir), scheme_dir, code_dir
    sys.modules.pop("toy_stage", None)
    registry.unregister("toy")


def test_every_procedure_stage_is_registered_with_widgets_that_import(scheme):
    for stage in scheme.procedure_stages:
        registered = registry.get(stage.id)
        assert registered.widget_classes(), stage.id
        assert all(hasattr(cls, "for_stage") for cls in registered.widget_classes())


def test_an_unknown_stage_is_a_plain_message():
    with pytest.raises(NotFoundError) as caught:
        registry.get("nonsense")
    assert caught.value.code == "registry.unknown" and "nonsense" in caught.value.en


def test_a_new_stage_is_one_registration_and_its_procedure_entry(toy, db_url, consumer):
    scheme, _, _ = toy
    workbench = Workbench(db_url, scheme, actor="P01")
    assert run_stage(workbench, "toy", consumer).status == "blocked"  # requires the application stage
    audit = workbench.current_audit(consumer)
    workbench.add_document(audit, "licence", b"%PDF", "licence.pdf")
    run_stage(workbench, "application", consumer)
    outcome = run_stage(workbench, "toy", consumer)
    assert outcome.status == "done" and outcome.result == {"documents": 1}
    assert workbench.stage_result(audit, "toy").result == {"documents": 1}


@pytest.mark.notebooks
def test_a_new_stage_runs_in_its_own_notebook(toy, db_url, consumer):
    scheme, scheme_dir, code_dir = toy
    Workbench(db_url, scheme).open_audit(consumer)
    run_stage(Workbench(db_url, scheme), "application", consumer)
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                  "language": "python"}}, cells=[
        nbformat.v4.new_code_cell('applicant_id = "x"\nmode = "interactive"\ndatabase_url = None\nscheme_dir = None',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import toy_stage\nfrom audit_widgets.notebook import open_stage\n"
                                  "stage = open_stage('toy', applicant_id, mode=mode, database_url=database_url, "
                                  "scheme_dir=scheme_dir)\nstage.show()"),
        nbformat.v4.new_code_cell("stage.finish()"),
    ])
    nbformat.write(notebook, code_dir / "99_toy.ipynb")
    papermill.execute_notebook(str(code_dir / "99_toy.ipynb"), str(code_dir / "out.ipynb"), cwd=str(code_dir),
                               progress_bar=False, parameters={"applicant_id": consumer, "mode": "batch",
                                                               "database_url": db_url, "scheme_dir": str(scheme_dir)})
    shown = (code_dir / "out.ipynb").read_text(encoding="utf-8")
    assert "toy stage widget" in shown
    assert "StageOutcome(" not in shown  # the document carries no Python repr
    results = json.loads((outputs_dir() / consumer / "99_toy.json").read_text(encoding="utf-8"))
    assert results["status"] == "done" and results["result"] == {"documents": 0}


def test_the_scheme_says_which_stage_locks_a_record(staffed_audit, workbench, scheme):
    assert scheme.stage_locking("programme").id == "planning"
    assert scheme.stage_recording_mode("5.1").id == "characteristic"
    consumer, audit = staffed_audit  # reviewed, staffed, dated, with an agenda that delivers the plan
    run_stage(workbench, "application", consumer)
    run_stage(workbench, "planning", consumer)
    workbench.acting_as("A02").sign_off(audit, "planning")
    with pytest.raises(ConflictError) as caught:
        workbench.set_team(audit, [("A01", "leader")])
    assert caught.value.code == "stage.signed" and "申请评审和方案策划" in caught.value.zh  # names the stage
    workbench.add_document(audit, "licence", b"%PDF", "licence.pdf")  # not locked by planning


def test_a_record_locked_by_two_stages_is_refused_by_the_scheme(tmp_path):
    scheme_dir = tmp_path / "scheme"
    shutil.copytree(SCHEME_DIR, scheme_dir)
    path = scheme_dir / "procedure.yaml"
    procedure = yaml.safe_load(path.read_text(encoding="utf-8"))
    procedure["procedure_stages"][2]["locks"] = ["contract", "team"]
    path.write_text(yaml.safe_dump(procedure, allow_unicode=True), encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_scheme(scheme_dir)
    assert "team" in caught.value.render() and "procedure.yaml" in caught.value.render()


def test_every_recorded_demo_result_reads_as_its_stage_type(demo_db, scheme):
    """Each stage declares its result type; every result the demo recorded (64 of them, all
    audit types) reads as that type, and which stages score and which reports follows from it."""
    from audit_widgets.stages.results import ReportResult, Result, ScoredResult
    from audit_widgets.store.repository import Workbench

    workbench = Workbench(demo_db, scheme, actor="P01")
    read = 0
    for applicant in workbench.list_applicants():
        for audit in workbench.audits(applicant.id):
            for record in workbench.stage_results(audit.id).values():
                typed = registry.result(record)
                assert isinstance(typed, registry.get(record.stage).result) and type(typed) is not Result
                read += 1
    assert read >= 60
    assert registry.scoring_stages() == ["report", "system_audit", "characteristic"]
    assert registry.report_stage() == "report"
    assert all(issubclass(registry.get(s).result, ScoredResult) for s in registry.scoring_stages())
    assert issubclass(registry.get("report").result, ReportResult)
