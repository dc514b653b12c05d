"""One JupyterLab server and one headless Chromium for the browser tests, with every request
outside 127.0.0.1 refused (the workbench must work offline)."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def block_offsite(page, offsite: list[str]) -> None:
    """Refuse every request that would leave the machine, and record it in `offsite`."""
    def route(request_route):
        host = urlparse(request_route.request.url).hostname
        if host in ("127.0.0.1", "localhost", None):
            request_route.continue_()
        else:
            offsite.append(request_route.request.url)
            request_route.abort()
    page.route("**/*", route)


@contextmanager
def offline_file(path: Path, offsite: list[str], width: int = 1000) -> Iterator:
    """A page of headless Chromium showing a local file, every request that would leave the
    machine refused and recorded in `offsite`."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            block_offsite(page, offsite)
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            yield page
        finally:
            browser.close()


class Lab:
    """A JupyterLab server on a folder, and a way to open a notebook in it and run it all."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port, self.token = free_port(), secrets.token_hex(8)
        # JupyterLab's "news" toast sits over the bottom right of the notebook and can take a
        # click meant for a button under it: a settings folder of our own turns it off.
        settings = Path(tempfile.mkdtemp(prefix="lab-settings-"))
        notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True)
        notification.write_text('{"fetchNews": "false", "checkForUpdates": false}', encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={folder}", "--allow-root",
             "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "JUPYTERLAB_SETTINGS_DIR": str(settings)})
        self.offsite: list[str] = []

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def block_offsite(self, page) -> None:
        block_offsite(page, self.offsite)

    def open(self, page, notebook: str, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while True:
            try:
                page.goto(f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?reset&token={self.token}")
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout * 1000)
        page.wait_for_selector("text=| Idle", timeout=timeout * 1000)  # the kernel, not only the page
        page.wait_for_timeout(1000)  # JupyterLab finishes connecting the kernel after it reports idle

    @staticmethod
    def run_all(page, done_selector: str, timeout: float = 90) -> None:
        """Run all cells until `done_selector` appears; once more if the kernel dropped the first run."""
        for attempt in range(2):
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            try:
                page.wait_for_selector(done_selector, state="attached", timeout=timeout * 1000)
                return
            except Exception:
                if attempt:
                    raise
