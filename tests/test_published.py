"""The batch's outputs published through fsspec (issue 26 §2): with AUDIT_WORKBENCH_PUBLISHED set
(here the memory file system, as an object store would be), each finished notebook, its HTML
and results, a failed run's copy, and the documents are copied there under their names in
outputs/, the ledger names them there, and the committee's dashboard offers them from there
even when this machine's outputs/ is gone. The Dask workers' side is in test_dask."""
from __future__ import annotations

import base64
import shutil
import threading
import uuid

import fsspec
import pytest

from audit_widgets.batch.local import LocalExecutor
from audit_widgets.batch.runner import FAILED, OK
from audit_widgets.dashboard.documents import DocumentLinks
from audit_widgets.documents.build import build_documents
from audit_widgets.settings import OUTPUTS_ENV, PUBLISHED_ENV
from audit_widgets.store.repository import Workbench

from .test_batch import _job, _notebook

pytestmark = pytest.mark.notebooks


@pytest.fixture
def place(monkeypatch, tmp_path) -> str:
    """A published place of its own in the memory file system, and outputs/ of this test's own."""
    url = f"memory://aw-{uuid.uuid4().hex[:8]}/published"
    monkeypatch.setenv(PUBLISHED_ENV, url)
    monkeypatch.setenv(OUTPUTS_ENV, str(tmp_path / "outputs"))
    return url


def at(url: str) -> str:
    """A published file's name, from its location in the memory file system (memory:///aw-…/published/<name>)."""
    assert url.startswith("memory://")
    return url.split("/published/", 1)[1]


def test_a_run_publishes_its_notebook_and_a_failed_copy_is_withdrawn_by_the_next_success(
        cycle_db, scheme, place, tmp_path):
    memory = fsspec.filesystem("memory")
    workbench = Workbench(cycle_db, scheme, actor="P01")
    executor = LocalExecutor()
    executor.open({}, 1)
    try:
        failing = _job(workbench, scheme, "demo-consumer", _notebook(tmp_path, "probe", "raise ValueError('x')"),
                       cycle_db, "application")
        run = executor.execute(failing, "r1", None, threading.Event())
        assert run.status == FAILED and [at(u) for u in run.outputs] == ["demo-consumer/probe.failed.ipynb"]
        assert memory.cat_file(run.outputs[0]) == (failing.folder / "probe.failed.ipynb").read_bytes()
        fixed = _job(workbench, scheme, "demo-consumer", _notebook(tmp_path, "probe", "print('ok')"),
                     cycle_db, "application")
        run = executor.execute(fixed, "r2", None, threading.Event())
    finally:
        executor.close()
    assert run.status == OK
    assert {at(u) for u in run.outputs} == {"demo-consumer/probe.ipynb", "demo-consumer/probe.html"}
    for url in run.outputs:
        assert memory.cat_file(url) == (fixed.folder / url.rsplit("/", 1)[1]).read_bytes()
    assert not memory.exists(f"{place}/demo-consumer/probe.failed.ipynb")  # as outputs/ no longer has it


def test_the_documents_are_published_and_the_dashboard_offers_them_from_there(cycle_db, scheme, place, tmp_path):
    memory = fsspec.filesystem("memory")
    workbench = Workbench(cycle_db, scheme, actor="P01")
    written = build_documents(workbench, "demo-consumer")
    names = {p.name for p in written}
    assert {"audit_report.pdf", "certificate.pdf"} <= names
    for path in written:
        assert memory.cat_file(f"{place}/demo-consumer/{path.name}") == path.read_bytes()
    report = (tmp_path / "outputs" / "demo-consumer" / "audit_report.pdf").read_bytes()
    shutil.rmtree(tmp_path / "outputs")  # the dashboard's machine has no outputs/ of its own
    links = DocumentLinks(workbench, "demo-consumer")
    rows = {row.children[0].description.split(" · ")[0]: row.children for row in links.children[1:]}
    button, link = rows["审查报告 / audit report（PDF）"]
    button.click()
    assert f"data:application/pdf;base64,{base64.b64encode(report).decode()}" in link.value
    assert any("认证证书" in label for label in rows)
