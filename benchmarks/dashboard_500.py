"""The committee's dashboard with 500 applicants, in Chromium. Targets (issue #10):
navigation → portfolio table visible ≤ 2 s; choosing an applicant → drill-down visible ≤ 1 s.

Baseline in the same run: Voila's own time to first paint for a one-cell notebook, served the
same way (same options, preheated). The store is built once by `demo --portfolio 500` (about
2.5 s an applicant through the real pipeline) and kept in .data/ for later runs."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import portfolio_store, report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
APPLICANTS = int(os.environ.get("DASHBOARD_APPLICANTS", "500"))
LOADS = 5


def serve(notebook: Path | None, database: Path):
    from tests.browser import free_port

    from audit_widgets.dashboard.serve import voila_server
    server = voila_server(port=free_port(), token="bench", database_url=f"sqlite:///{database}", notebook=notebook)
    process = subprocess.Popen(server.command, env=server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(8)  # the server starts and fills its pool of preheated kernels
    return process, server.url


def visible_after(page, url: str, selector: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, timeout=120_000)
    return time.perf_counter() - start


def main() -> bool:
    from playwright.sync_api import sync_playwright
    from tests.browser import CHROMIUM, CHROMIUM_ARGS
    database = portfolio_store(APPLICANTS)
    one_cell = Path(tempfile.mkdtemp()) / "one_cell.ipynb"
    one_cell.write_text('{"cells":[{"cell_type":"code","execution_count":null,"metadata":{},"outputs":[],'
                        '"source":"print(\'ready\')"}],"metadata":{},"nbformat":4,"nbformat_minor":5}')
    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, notebook in (("baseline", one_cell), ("dashboard", None)):
            process, url = serve(notebook, database)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                loads, drills = [], []
                for _ in range(LOADS):
                    if name == "baseline":
                        loads.append(visible_after(page, url, "text=ready"))
                    else:
                        loads.append(visible_after(page, url, ".aw-portfolio table"))
                        label = next(t for t in page.locator(".aw-open option").all_inner_texts()
                                     if t.startswith("demo-consumer"))
                        start = time.perf_counter()
                        page.locator(".aw-open select").select_option(label=label)
                        page.wait_for_selector(".aw-applicant svg", timeout=60_000)
                        drills.append(time.perf_counter() - start)
                    time.sleep(3)  # the pool refills between loads, as between two committee members
                figures[name] = (statistics.median(loads), statistics.median(drills) if drills else None)
            finally:
                process.terminate()
                process.wait(timeout=30)
        browser.close()
    print(f"{APPLICANTS} applicants in the store; median of {LOADS} loads each")
    report("baseline: Voila, one-cell notebook, first paint", figures["baseline"][0], "s")
    ok = report("dashboard: navigation → portfolio table visible", figures["dashboard"][0], "s", 2.0)
    return report("dashboard: choose an applicant → drill-down visible", figures["dashboard"][1], "s", 1.0) and ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
