"""The public certificate check (issue 23 §6): `audit-workbench serve-public` in headless Chromium
for a valid, a suspended, a superseded and an unknown number, and for injection in the query; the
rate limit and the refusal of malformed input without a browser."""
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from urllib.parse import quote

import pytest

from audit_widgets.documents.certificate import verification_code
from audit_widgets.public_check import RateLimit, check_html
from audit_widgets.store.repository import Workbench

from .browser import CHROMIUM, CHROMIUM_ARGS, block_offsite, free_port
from .conftest import copy_database, database_digest, suspend

INJECTIONS = ["<script>alert(1)</script>", "XBHT' OR '1'='1", "\"><img src=x onerror=alert(1)>", "../../etc/passwd"]


def test_the_rate_limit_counts_each_address_over_a_minute():
    limit = RateLimit(3)
    assert [limit.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limit.allow("b", now=3)  # another address has its own count
    assert limit.allow("a", now=61) and limit.allow("a", now=61.5)  # the checks at 0 and 1 have aged out
    assert not limit.allow("a", now=61.9)  # 2, 61 and 61.5 are within the minute


def test_malformed_input_is_refused_before_any_query_and_never_echoed(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    for bad in INJECTIONS:
        status, page = check_html(workbench, bad, "")
        assert status == 400 and bad not in page and "<script>alert" not in page
    status, page = check_html(workbench, workbench.certificate_for("demo-consumer").number, "<b>code</b>")
    assert status == 400 and "<b>code</b>" not in page
    status, page = check_html(workbench, "", "")
    assert status == 200 and "<form" in page


@pytest.fixture(scope="module")
def public(tmp_path_factory, demo_db, scheme):
    """The check served on a copy of the demo store in which demo-consumer's certificate is
    suspended by the committee; the server opens it read-only."""
    path = copy_database(demo_db, tmp_path_factory.mktemp("public") / "public.sqlite")
    url = f"sqlite:///{path}"
    workbench = Workbench(url, scheme, actor="P01")
    suspend(workbench, workbench.certificate_for("demo-consumer").number, date.today())
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "audit_widgets.cli", "--db", url, "serve-public",
                                "--port", str(port), "--rate", "1000"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    yield base, workbench, path
    process.terminate()
    process.wait(10)


@pytest.mark.notebooks
@pytest.mark.browser
def test_the_public_check_in_chromium(public, scheme):
    from playwright.sync_api import sync_playwright
    base, workbench, path = public
    before = database_digest(path)
    industrial = workbench.certificate_for("demo-industrial")
    code = verification_code(industrial, workbench.get_applicant("demo-industrial").uscc)
    superseded = workbench.certificate_chain("demo-industrial")[0]
    consumer = workbench.certificate_for("demo-consumer")
    offsite: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        block_offsite(page, offsite)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        # A person types the number and the code from the QR into the form.
        page.goto(base)
        page.fill("input[name=number]", industrial.number)
        page.fill("input[name=code]", code.lower().replace("-", " "))
        page.click("button[type=submit]")
        text = page.inner_text("body")
        assert "证书真实" in text and "有效" in text and workbench.get_applicant("demo-industrial").name in text
        assert str(workbench.first_issued_on(industrial)) in text
        for hidden in ("得分", "score", "不符合", "审查员", "M01"):  # nothing but what the certificate states
            assert hidden not in text, hidden
        page.goto(f"{base}?number={quote(consumer.number)}")
        assert "暂停" in page.inner_text("body")
        page.goto(f"{base}?number={quote(superseded.number)}")
        assert "换发" in page.inner_text("body") and f"replaced by {industrial.number}" in page.inner_text("body")
        page.click(f"a:has-text('{industrial.number}')")  # on to the certificate in force
        assert industrial.number in page.inner_text("h2")
        response = page.goto(f"{base}?number=XBHT-SM-1999-Z99999")
        assert response.status == 404 and "没有编号为" in page.inner_text("body")
        response = page.goto(f"{base}?number={quote(industrial.number)}&code=AAAA-BBBB-CCCC-DDDD")
        assert "验证码与证书不符" in page.inner_text("body")
        for bad in INJECTIONS:
            response = page.goto(f"{base}?number={quote(bad)}&code={quote(bad)}")
            assert response.status == 400 and "格式不正确" in page.inner_text("body")
            assert page.locator("script, img[src='x']").count() == 0
        assert "script-src" not in (response.headers.get("content-security-policy") or "script-src")
        browser.close()
    assert dialogs == [] and not offsite
    assert database_digest(path) == before  # read-only: checking never writes
