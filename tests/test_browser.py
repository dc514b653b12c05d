"""The workbook in real JupyterLab and headless Chromium: checklist rows stay readable on a
laptop with the file browser open (issue 7 §3)."""
from pathlib import Path

import papermill
import pytest

from audit_widgets.store.repository import Workbench

from .browser import CHROMIUM, CHROMIUM_ARGS, Lab
from .conftest import ROOT, copy_database

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]
MAX_ROW_HEIGHT = 150
SCREENSHOTS = ROOT / "outputs" / "ui-test"  # git-ignored; kept for a person to look at


@pytest.fixture(scope="module")
def lab(tmp_path_factory, demo_db, scheme):
    folder = tmp_path_factory.mktemp("lab")
    # A copy of the demo store: the shared one stays as every other test expects it.
    db = folder / "lab.sqlite"
    copy_database(demo_db, db)  # through SQLite's backup: a file copy misses what is still in the WAL
    Workbench(f"sqlite:///{db}", scheme).get_applicant("demo-composite")
    papermill.execute_notebook(str(ROOT / "workbooks" / "05_system_audit.ipynb"), str(folder / "05.ipynb"),
                               prepare_only=True, progress_bar=False,
                               parameters={"applicant_id": "demo-industrial", "database_url": f"sqlite:///{db}",
                                           "auditor": "A01"})
    server = Lab(folder)
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (make system-packages)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_checklist_rows_stay_short_with_every_control_visible(lab, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    lab.block_offsite(page)
    lab.open(page, "05.ipynb")
    assert page.locator(".jp-FileBrowser").is_visible()  # the sidebar is open
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        lab.run_all(page, ".aw-checklist-row", timeout=60)
    finally:
        page.screenshot(path=str(SCREENSHOTS / f"checklist-{width}x{height}-run.png"))
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"checklist-{width}x{height}.png"))
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").bounding_box()
    rows = page.locator(".aw-checklist-row")
    assert rows.count() >= 10
    for index in range(rows.count()):
        row = rows.nth(index)
        row.scroll_into_view_if_needed()
        box = row.bounding_box()
        assert box["height"] < MAX_ROW_HEIGHT, (index, box)
        for control in (row.locator(".widget-toggle-buttons"), row.locator("button .fa-paperclip")):
            control_box = control.first.bounding_box()
            assert control_box and control_box["x"] + control_box["width"] <= notebook["x"] + notebook["width"], index
    rows.nth(3).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"checklist-{width}x{height}-rows.png"))
    assert not lab.offsite, lab.offsite
    page.close()
