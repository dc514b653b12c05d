"""From login to working widgets (issue 27 §4), beside the single-machine mode in the same run,
in headless Chromium:
- team, cold: an auditor signs in to the hub (NativeAuthenticator) with no server running; the
  hub makes their server as their own OS account, JupyterLab opens their 00_overview, its cells
  run, and the overview's table arrives through the workbench service;
- team, warm: the same after signing out and in again, their server still running;
- one machine: `make lab`'s JupyterLab opening the same overview on the store itself.
Each figure is from the click that signs in (or the page's address) to the applicant's row."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import report  # noqa: E402

PASSWORD = "审核-Passw0rd-2026"
ROW = "text=★ demo-consumer"


def to_overview(page, started: float) -> float:
    from tests.browser import Lab
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_selector("text=| Idle", timeout=120_000)
    Lab.run_all(page, ROW)
    return time.monotonic() - started


def main() -> bool:
    from playwright.sync_api import sync_playwright
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, Lab
    from tests.hub import log_in, sign_up, start_team

    from audit_widgets.scheme import load_scheme
    from audit_widgets.workspace import prepare_overview

    scheme = load_scheme()
    hub, url, _ = start_team(scheme)
    figures = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            admin, auditor = (browser.new_context(viewport={"width": 1300, "height": 900}).new_page() for _ in "12")
            sign_up(admin, hub.url, "p01", PASSWORD)
            sign_up(auditor, hub.url, "a02", PASSWORD)
            log_in(admin, hub.url, "p01", PASSWORD)
            admin.wait_for_url("**/user/p01/**", timeout=120_000)
            admin.goto(f"{hub.url}/hub/authorize/a02")
            started = time.monotonic()
            log_in(auditor, hub.url, "a02", PASSWORD)
            figures["team, cold: sign in, server, kernel, overview"] = to_overview(auditor, started)
            auditor.goto(f"{hub.url}/hub/logout")
            started = time.monotonic()
            log_in(auditor, hub.url, "a02", PASSWORD)
            figures["team, warm: sign in, kernel, overview"] = to_overview(auditor, started)
            browser.close()
        work = Path(tempfile.mkdtemp(prefix="login-baseline-"))
        os.environ.update({"AUDIT_WORKBENCH_WORK": str(work), "AUDIT_WORKBENCH_DB": url, "AUDIT_WORKBENCH_USER": "A02"})
        os.environ["AUDIT_WORKBENCH_DATA"] = str(Path(url.removeprefix("sqlite:///")).parent)
        prepare_overview()
        lab = Lab(work)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1300, "height": 900})
                started = time.monotonic()
                lab.open(page, "00_overview.ipynb", timeout=120)
                figures["one machine (make lab): open, kernel, overview"] = to_overview(page, started)
                browser.close()
        finally:
            lab.close()
            shutil.rmtree(work, ignore_errors=True)
    finally:
        hub.stop()
        shutil.rmtree(hub.folder, ignore_errors=True)
    for name, seconds in figures.items():
        report(name, seconds, "s")
    return True


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
