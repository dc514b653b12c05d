"""The committee's dashboard as `audit-workbench serve` starts it: the real Voila server, in
headless Chromium with every off-site request refused, on a copy of the demo store that must
stay byte-identical; and plain HTTP requests for what must not be served."""
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from audit_widgets.dashboard.serve import voila_server

from .browser import CHROMIUM, CHROMIUM_ARGS, block_offsite, free_port
from .conftest import ROOT, copy_database, database_digest

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]
SCREENSHOTS = ROOT / "outputs" / "ui-test"
TOKEN = "committee-test-token"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http_status(url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except urllib.error.URLError:
        return 0, b""  # not listening yet


@pytest.fixture(scope="module")
def dashboard(demo_db, tmp_path_factory):
    path = copy_database(demo_db, tmp_path_factory.mktemp("dashboard") / "demo.sqlite")
    before = database_digest(path)
    port = free_port()
    server = voila_server(port=port, token=TOKEN, database_url=f"sqlite:///{path}")
    process = subprocess.Popen(server.command, env=server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while http_status(base + "/")[0] not in (200, 302):
        if time.time() > deadline or process.poll() is not None:
            process.terminate()
            pytest.fail("the Voila server did not start")
        time.sleep(0.5)
    yield base, server.url, path
    process.terminate()
    process.wait(timeout=30)
    assert database_digest(path) == before, "a page view changed the store"


@pytest.fixture(scope="module")
def page(dashboard):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (make system-packages)")
    from playwright.sync_api import sync_playwright
    offsite: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        block_offsite(page, offsite)
        yield page
        browser.close()
    assert not offsite, offsite


def test_the_portfolio_filters_and_drills_down_offline(dashboard, page):
    _, url, _ = dashboard
    page.goto(url)
    page.wait_for_selector(".aw-portfolio table", timeout=90_000)
    table = page.locator(".aw-portfolio")
    for applicant_id in ("demo-industrial", "demo-consumer", "demo-special", "demo-composite"):
        assert table.locator(f"text={applicant_id}").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-portfolio.png"), full_page=True)
    page.locator(".aw-dashboard select").nth(1).select_option(label="c")  # the domain filter
    page.wait_for_selector("text=1 / 4", timeout=30_000)
    # the count and the table are two widgets: the table's redraw may arrive a moment later
    page.wait_for_selector(".aw-portfolio >> text=demo-industrial", state="detached", timeout=30_000)
    assert table.locator("text=demo-industrial").count() == 0 and table.locator("text=demo-special").count() == 1
    label = next(t for t in page.locator(".aw-open option").all_inner_texts() if t.startswith("demo-special"))
    page.locator(".aw-open select").select_option(label=label)  # the in-page drill-down
    page.wait_for_selector(".aw-applicant >> text=否决项不符合：B13", timeout=30_000)
    assert page.locator(".aw-applicant >> text=严重不符合未关闭").count() >= 1
    assert page.locator(".aw-applicant svg").count() >= 1  # the dimension chart rendered
    # Chinese descriptions read from their left edge, not right-aligned by the page's table style (issue 25 §8)
    aligned = page.eval_on_selector_all(".aw-applicant td", "cells => cells.map(c => getComputedStyle(c).textAlign)")
    assert aligned and set(aligned) == {"left"}, set(aligned)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-drill-down.png"), full_page=True)


def test_a_link_opens_one_applicant(dashboard, page):
    _, url, _ = dashboard
    page.goto(url + "&applicant=demo-consumer")
    page.wait_for_selector(".aw-applicant >> text=与行业标杆的差距", timeout=90_000)
    assert page.locator(".aw-applicant svg").count() >= 1 and page.locator("text=深圳悦家电器有限公司").count() >= 1


def test_nothing_is_served_without_the_token_and_no_file_is_served_at_all(dashboard):
    base, _, path = dashboard
    status, body = http_status(base + "/")
    assert status in (302, 401, 403) and b"demo-special" not in body
    for route in ("/voila/files/dashboard.ipynb", f"/voila/files/{path}", "/voila/files/../../data/workbench.sqlite",
                  "/files/dashboard.ipynb", "/api/contents", "/api/contents/dashboard.ipynb",
                  "/voila/static/../../../parameters/scheme/scheme.yaml", "/tree", "/notebooks/dashboard.ipynb"):
        for suffix in ("", f"?token={TOKEN}"):
            status, body = http_status(base + route + suffix)
            assert status in (302, 401, 403, 404), (route, suffix, status)
            assert b"SQLite format" not in body and b"checklist" not in body and b"nbformat" not in body
