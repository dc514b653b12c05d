"""How long a checklist of 150 items takes to appear in JupyterLab, and to save one answer.

A real JupyterLab server on 127.0.0.1 and headless Chromium (Playwright) run a notebook that
builds ChecklistWidget over 150 items. Figures: the kernel-side construction time, the time
from running the cell until the first page of rows is on screen, and the time from a click on
a result until the widget says it is saved. The baseline beside it is a cell that displays a
single ipywidgets Label, measured the same way.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from _common import report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM, CHROMIUM_ARGS, Lab  # noqa: E402  (one harness for tests and benchmarks)

ITEMS = 150


def prepare(folder: Path) -> None:
    from audit_widgets.imports.applicants import read_applicant_file
    from audit_widgets.scheme import load_scheme
    from audit_widgets.store.database import get_engine, upgrade
    from audit_widgets.store.repository import Workbench

    url = f"sqlite:///{folder / 'bench.sqlite'}"
    upgrade(get_engine(url))
    scheme = load_scheme(ROOT / "parameters" / "scheme")
    Workbench(url, scheme).add_applicant(read_applicant_file(ROOT / "parameters/applicants/demo-consumer.yaml", scheme))
    setup = (f"import time\nfrom audit_widgets.store.repository import Workbench\n"
             f"from audit_widgets.widgets.checklist import ChecklistWidget\n"
             f"from ipywidgets import Label\nworkbench = Workbench({url!r}, actor='A02')\n"
             f"items = [workbench.scheme.checklist[i % len(workbench.scheme.checklist)] for i in range({ITEMS})]")
    baseline = "Label('baseline ready')"
    build = ("started = time.perf_counter()\n"
             "widget = ChecklistWidget(workbench, 'demo-consumer', '5.1b', items=items)\n"
             "print(f'kernel build {time.perf_counter() - started:.3f}')\nwidget")
    notebook = new_notebook(cells=[new_code_cell(setup), new_code_cell(baseline), new_code_cell(build)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "bench.ipynb")


def run_cell(page, index: int) -> None:
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def main() -> bool:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print("chromium is missing: run `make system-packages` first")
        return False
    folder = Path(tempfile.mkdtemp(prefix="bench-lab-"))
    prepare(folder)
    server = Lab(folder)  # the tests' harness: waits for the kernel, reruns a dropped Run All
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            server.block_offsite(page)
            server.open(page, "bench.ipynb", timeout=120)
            run_cell(page, 0)
            page.wait_for_selector("text=[1]:", timeout=120_000)

            started = time.perf_counter()
            run_cell(page, 1)
            page.wait_for_selector("text=baseline ready", timeout=60_000)
            baseline = time.perf_counter() - started

            started = time.perf_counter()
            run_cell(page, 2)
            page.wait_for_selector("text=第 8 页", state="attached", timeout=120_000)
            page.wait_for_selector(".widget-toggle-buttons >> nth=19", timeout=120_000)
            appear = time.perf_counter() - started
            kernel_build = float(page.locator(".jp-OutputArea-output pre", has_text="kernel build").inner_text().split()[-1])

            started = time.perf_counter()
            page.locator(".widget-toggle-buttons").first.locator("button", has_text="不符合").click()
            page.wait_for_selector("text=已保存", timeout=60_000)
            save = time.perf_counter() - started
            page.screenshot(path=str(folder / "checklist.png"), full_page=False)
            browser.close()
    finally:
        server.close()
    print(f"{ITEMS} items, 20 per page; screenshot: {folder / 'checklist.png'}")
    report("baseline: one Label widget appears", baseline, "s")
    report("kernel: ChecklistWidget built (150 items)", kernel_build, "s")
    report("150-item checklist on screen in JupyterLab", appear, "s")
    report("click a result → '已保存' shown (write + rescore)", save, "s")
    return True


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
