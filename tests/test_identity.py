"""Who is at the keyboard: from the notebook, JupyterHub or the environment; shown in every
header; an unknown person can look but not write (issue 7 §4)."""
import pytest

from audit_widgets.identity import find_identity
from audit_widgets.notebook import StageNotebook
from audit_widgets.store.repository import Workbench
from audit_widgets.widgets.summary import StageSummary


@pytest.fixture
def team(staffed_audit):
    return staffed_audit[0]


def test_identity_comes_from_jupyterhub_then_the_notebook_then_the_setting(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "A01")
    monkeypatch.setenv("AUDIT_WORKBENCH_USER", "A02")
    assert find_identity("M01") == "A01"  # on JupyterHub a notebook parameter cannot change who you are
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert find_identity("M01") == "M01"
    assert find_identity(None) == "A02"


def test_the_header_says_who_you_are_on_this_audit(team, db_url, monkeypatch):
    monkeypatch.setenv("AUDIT_WORKBENCH_USER", "A02")
    book = StageNotebook("planning", team, database_url=db_url)
    assert not book.read_only
    assert "李娜 A02" in book.header().value and "组长" in book.header().value
    committee = StageNotebook("planning", team, database_url=db_url, auditor="M01")
    assert "刘洋 M01" in committee.identity_html() and "committee member" in committee.identity_html()


def test_an_unknown_person_can_look_but_not_write(team, db_url, monkeypatch):
    monkeypatch.delenv("AUDIT_WORKBENCH_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    book = StageNotebook("planning", team, database_url=db_url, auditor="nobody")
    assert book.read_only and "未能识别" in book.header().value and "AUDIT_WORKBENCH_USER" in book.header().value
    review, panel, plan = book.stage_widgets()
    assert panel.read_only and all(picker.disabled for picker in panel.pickers.values())
    assert review.read_only and plan.read_only and review.record_button.disabled and plan.save_button.disabled
    summary = StageSummary(book)
    assert summary.record_button.disabled and summary.sign_button.disabled


def test_the_header_names_every_role_the_person_holds_on_the_audit(team, db_url):
    """Issue 25 §1: the programme manager saw only "不在本次审查组"."""
    manager = StageNotebook("planning", team, database_url=db_url, auditor="P01").identity_html()
    assert "吴芳 P01" in manager and "认证方案管理人员" in manager and "系统管理员" in manager and "不在本次审查组" in manager
    leader = StageNotebook("planning", team, database_url=db_url, auditor="A02").identity_html()
    assert "本次审核的审查组长" in leader and "审查组成员" not in leader and "不在本次审查组" not in leader


def test_the_who_are_you_picker_remembers_the_person_for_the_next_notebook(team, db_url, tmp_path, monkeypatch):
    """Issue 25 §1: a notebook with no auditor parameter offers the picker; the choice is kept
    outside the notebook and the next notebook opened in the same JupyterLab acts as that person;
    under JupyterHub the login alone counts."""
    from audit_widgets.widgets.whoami import WhoAmI
    for variable in ("AUDIT_WORKBENCH_USER", "JUPYTERHUB_USER"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AUDIT_WORKBENCH_WORK", str(tmp_path / "work"))
    book = StageNotebook("planning", team, database_url=db_url)
    assert book.person is None and "您是" in book.header().value
    picker = WhoAmI(book.workbench)
    labels = dict((value, label) for label, value in picker.choice.options)
    assert labels["P01"] == "吴芳 P01 · 认证方案管理人员、系统管理员" and "认证决定人员" in labels["M01"]
    picker.pick()
    assert "请先选择" in picker.status.value
    picker.choice.value = "A02"
    picker.pick()
    assert "已记住：李娜 A02" in picker.status.value
    again = StageNotebook("planning", team, database_url=db_url)
    assert again.person.id == "A02" and not again.read_only
    assert StageNotebook("planning", team, database_url=db_url, auditor="A01").person.id == "A01"  # its parameter first
    monkeypatch.setenv("JUPYTERHUB_USER", "M01")
    assert StageNotebook("planning", team, database_url=db_url).person.id == "M01"


def test_a_newcomer_refused_the_first_audit_is_offered_the_picker(consumer, db_url, scheme, tmp_path, monkeypatch):
    """Opening an applicant's first audit is a write: someone unknown is refused it, and the
    refusal comes with the 您是 picker rather than leave the newcomer no way to say who they are."""
    import IPython

    from audit_widgets import notebook
    from audit_widgets.demo.audits import register_auditors
    from audit_widgets.errors import PermissionDenied
    from audit_widgets.widgets.whoami import WhoAmI
    register_auditors(Workbench(db_url, scheme, actor="P01"))
    for variable in ("AUDIT_WORKBENCH_USER", "JUPYTERHUB_USER"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AUDIT_WORKBENCH_WORK", str(tmp_path / "work"))
    shown = []
    monkeypatch.setattr(notebook, "display", shown.append)
    monkeypatch.setattr(IPython, "get_ipython", lambda: type("Shell", (), {"set_custom_exc": lambda *_: None})())
    with pytest.raises(PermissionDenied):
        notebook.open_stage("decision", consumer, database_url=db_url)
    assert [type(w) for w in shown] == [WhoAmI]
    assert Workbench(db_url, scheme).current_audit(consumer) is None  # nothing was opened
    shown.clear()
    with pytest.raises(PermissionDenied):  # a known person without the right: no picker
        notebook.open_stage("decision", consumer, database_url=db_url, auditor="A03")
    assert shown == []


def test_open_makes_per_applicant_copies_and_leaves_the_templates_alone(command, team, tmp_path, monkeypatch):
    import nbformat

    from .conftest import ROOT
    monkeypatch.setenv("AUDIT_WORKBENCH_WORK", str(tmp_path / "work"))
    templates = {p: p.read_bytes() for p in (ROOT / "workbooks").glob("*.ipynb")}
    result = command("open", team, "planning", "--auditor", "A02", "--port", "8891")
    assert result.exit_code == 0, result.output
    copy = tmp_path / "work" / team / "02_review_and_planning.ipynb"
    # The address JupyterLab serves: make lab starts it on the same --port (issue 25 §7).
    assert str(copy) in result.stdout and "http://127.0.0.1:8891/lab/tree/demo-consumer/02_review_and_planning.ipynb" \
        in result.stdout
    notebook = nbformat.read(copy, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "audit-workbench"  # the warm kernel (issue 25 §9)
    # One parameters cell, holding the values: a second (papermill's injected cell) would reset
    # to None whatever the auditor types in the first (issue 25 §1).
    [parameters] = [c for c in notebook.cells if {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
    assert f'applicant_id = "{team}"  # 申请方编号' in parameters.source
    assert 'auditor = "A02"  # 您的审查员编号' in parameters.source
    below = notebook.cells[notebook.cells.index(parameters) + 1:]  # nothing below sets it again
    assert not [c for c in below if c.cell_type == "code" and any(
        line.replace(" ", "").startswith("auditor=") for line in c.source.splitlines())]
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")  # nothing was run
    assert len(list((tmp_path / "work" / team).glob("*.ipynb"))) == 10 and (tmp_path / "work" / "00_overview.ipynb").exists()
    assert {p: p.read_bytes() for p in (ROOT / "workbooks").glob("*.ipynb")} == templates
    assert command("open", "nobody").exit_code == 1 and command("open", team, "nonsense").exit_code == 1


def test_the_overview_shows_each_stage_and_links_to_the_copies(team, db_url, scheme):
    from audit_widgets.stages import run_stage
    from audit_widgets.widgets.overview import OverviewTable
    workbench = Workbench(db_url, scheme, actor="A02")
    run_stage(workbench, "application", team)
    table = OverviewTable(workbench, "A02")
    [row] = table.rows()
    assert row["mine"] and row["statuses"]["application"] == "recorded"
    assert row["statuses"]["planning"] == "ready" and row["statuses"]["contract"] == "waiting"
    assert f"href='{team}/02_review_and_planning.ipynb'" in table.html and "★" in table.html
    # An initial audit goes through no surveillance comparison, and 10 acts on a certificate it has not got.
    assert row["statuses"]["surveillance"] == "skip" and row["statuses"]["recertification"] == "waiting"
    assert f"{team}/09_surveillance.ipynb" not in table.html


def _banners(widget) -> str:
    import html
    return html.unescape(" ".join(c.value for c in widget.children if isinstance(getattr(c, "value", None), str)))


def test_a_form_the_person_may_not_write_is_read_only_and_says_why(team, db_url):
    """A new auditor sees at once what is not theirs to do, instead of learning it from a
    refusal after filling the form in (issue 12 §1)."""
    member = StageNotebook("planning", team, database_url=db_url, auditor="A01")  # on the team, not its leader
    review, panel, plan = member.stage_widgets()
    assert review.read_only and review.record_button.disabled and plan.read_only and plan.save_button.disabled
    assert "只读：A01" in _banners(review) and "may not 'review'" in _banners(review)
    assert all(picker.disabled for picker in panel.pickers.values())
    leader = StageNotebook("planning", team, database_url=db_url, auditor="A02")
    review, panel, plan = leader.stage_widgets()
    assert review.read_only and not plan.read_only  # the leader plans the audit, the programme is the manager's

    manager = StageNotebook("system_audit", team, database_url=db_url, auditor="P01")
    assert all(checklist.read_only for checklist in manager.stage_widgets())  # answers are the team's
    assert not StageSummary(manager).may_sign
    for person, signs in (("A01", False), ("A02", True)):
        book = StageNotebook("system_audit", team, database_url=db_url, auditor=person)
        checklists = book.stage_widgets()
        assert checklists and not any(checklist.read_only for checklist in checklists)
        summary = StageSummary(book)
        assert summary.may_record and summary.may_sign == signs
