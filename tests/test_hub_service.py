"""The team deployment with a real JupyterHub (issue 27 §2, §4): the workbench service takes
the person from the hub token, whatever the caller's side says, and the store's permissions
still decide what that person may do."""
from __future__ import annotations

import hashlib
import shutil
import time
from datetime import date

import httpx
import pytest

from audit_widgets.domain import Answer
from audit_widgets.errors import PermissionDenied, WorkbenchError
from audit_widgets.store.repository import Workbench
from audit_widgets.team.client import ServiceWorkbench

from .conftest import SCRATCH
from .hub import log_in, sign_up, start_team

pytestmark = pytest.mark.notebooks  # a hub, its proxy and the service: the slow leg

ITEM = "E01"


@pytest.fixture(scope="module")
def team(scheme, postgres_server):
    """The hub keeps its own database on PostgreSQL, as a body would beside its store's."""
    hub, url, audit = start_team(scheme, hub_db=postgres_server.database(migrated=False))
    yield hub, url, audit
    hub.stop()
    shutil.rmtree(hub.folder, ignore_errors=True)


def test_the_service_acts_as_the_tokens_owner_whatever_the_caller_says(team, scheme, monkeypatch):
    hub, url, audit = team
    monkeypatch.setenv("AUDIT_WORKBENCH_USER", "M01")  # what a kernel could set: it changes nothing
    monkeypatch.setenv("JUPYTERHUB_USER", "m01")
    auditor = ServiceWorkbench(hub.service_url, hub.user_token("a02"), scheme)
    assert (auditor.hub_user, auditor.actor) == ("a02", "A02")  # the hub lower-cases names; the person is A02
    version = auditor.save_answer(audit, ITEM, Answer("conform"), note="经服务保存 through the service")
    stored = Workbench(url, scheme).answer_records(audit)[ITEM]
    assert (stored.version, stored.answered_by, stored.note) == (version, "A02", "经服务保存 through the service")
    assert [e.actor for e in Workbench(url, scheme).trail("checklist_answer")][-1] == "A02"
    records = auditor.answer_records(audit)  # a checklist's answers: one call, typed records back
    assert records[ITEM] == stored
    with pytest.raises(TypeError):
        auditor.save_answer(audit, ITEM, Answer("conform"), actor="M01")  # no parameter says who acts


def test_a_decision_from_an_auditors_token_is_refused_by_the_store(team, scheme):
    hub, url, audit = team
    auditor = ServiceWorkbench(hub.service_url, hub.user_token("a02"), scheme)
    with pytest.raises(PermissionDenied) as refused:
        auditor.record_decision(audit, decided_on=date(2026, 12, 1), level_rank=3, members=["M01", "M02"],
                                reasons="伪造 forged")
    assert refused.value.zh and refused.value.en and Workbench(url, scheme).decision(audit) is None


def test_the_hubs_own_database_is_on_postgresql(team):
    from sqlalchemy import create_engine, text
    hub, _, _ = team
    hub.user_token("a02")
    engine = create_engine(hub.env["AUDIT_WORKBENCH_HUB_DB"])
    with engine.connect() as connection:
        users = set(connection.execute(text("SELECT name FROM users")).scalars())
    engine.dispose()
    assert "a02" in users and not list(hub.folder.glob("hub/*.sqlite"))


def test_without_a_valid_token_nothing_is_answered(team):
    hub, _, audit = team
    assert httpx.get(hub.service_url + "api/whoami").status_code == 401
    assert httpx.get(hub.service_url + "api/whoami", headers={"Authorization": "token forged"}).status_code == 403
    visitor = httpx.get(hub.service_url + "api/whoami", headers={"Authorization": f"token {hub.user_token('visitor')}"})
    assert visitor.json()["person"] == "visitor" and visitor.json()["roles"] is None  # not in the people records


def test_each_persons_kernel_runs_as_their_own_account_without_the_keys(team):
    hub, url, _ = team
    hub.start_server("a02")
    data = url.removeprefix("sqlite:///").rsplit("/", 1)[0]
    printed = hub.run_in_kernel("a02", f"""
import os, pwd
print(pwd.getpwuid(os.getuid()).pw_name)
print(sorted(name for name in os.environ if name.startswith("AUDIT_WORKBENCH_")))
for path in ({data + '/signing.key'!r}, {url.removeprefix('sqlite:///')!r}):
    try:
        open(path, "rb").read()
        print("read", path)
    except PermissionError:
        print("refused")
print(sorted(os.listdir(os.path.expanduser("~/work"))))
import glob
service_uid, tried = pwd.getpwnam("aw-service").pw_uid, []
for process in glob.glob("/proc/[0-9]*"):  # the service's processes: their environment holds the store's settings
    try:
        if os.stat(process).st_uid == service_uid:
            tried.append(open(process + "/environ", "rb").read() and "read")
    except PermissionError:
        tried.append("refused")
    except FileNotFoundError:
        pass
print(sorted(set(tried)))
""").split("\n")
    assert printed[0] == "aw-a02"
    # the service's address, the scheme and their copies: not the store's address, its key or the person
    assert printed[1] == ("['AUDIT_WORKBENCH_OUTPUTS', 'AUDIT_WORKBENCH_SCHEME', 'AUDIT_WORKBENCH_SERVICE', "
                          "'AUDIT_WORKBENCH_WORK']")
    assert printed[2:4] == ["refused", "refused"]  # the signing key, the database
    assert "00_overview.ipynb" in printed[4]
    assert printed[5] == "['refused']"  # the service's environment (the store's address, a password)


def test_in_a_kernel_the_workbench_is_the_service_acting_as_the_login(team, scheme):
    hub, url, audit = team
    for name in ("a01", "a02"):
        hub.start_server(name)
    setup = "import os\nfrom audit_widgets.team import open_workbench\nfrom audit_widgets.domain import Answer\n"
    # A02 pretends to be M01 every way a kernel could: the variables and the actor argument.
    printed = hub.run_in_kernel("a02", setup + f"""
os.environ["AUDIT_WORKBENCH_USER"] = "M01"
os.environ["JUPYTERHUB_USER"] = "m01"
workbench = open_workbench(actor="M01")
print(workbench.actor, workbench.save_answer({audit}, "E02", Answer("conform"), note="A02 在内核中"))
scan = os.path.expanduser("~/scan.pdf")  # evidence from the auditor's own folder: sent as its bytes
open(scan, "wb").write(bytes(range(256)))
print(workbench.add_evidence({audit}, "E02", __import__("pathlib").Path(scan), "scan.pdf"))
from datetime import date
from audit_widgets.errors import PermissionDenied, WorkbenchError
try:
    workbench.record_decision({audit}, decided_on=date(2026, 12, 1), level_rank=3, members=["M01", "M02"], reasons="x")
except PermissionDenied as refused:
    print("refused:", refused.en)
""").strip().split("\n")
    assert printed[0].startswith("A02 ")
    assert printed[1] == hashlib.sha256(bytes(range(256))).hexdigest()  # kept by the service, byte for byte
    assert printed[2].startswith("refused:") and Workbench(url, scheme).decision(audit) is None
    # A01, on the same audit: their answer is theirs; an answer changed since they read it is refused
    version = Workbench(url, scheme).answer_records(audit)["E02"].version
    printed = hub.run_in_kernel("a01", setup + f"""
from audit_widgets.errors import ConflictError
workbench = open_workbench()
print(workbench.save_answer({audit}, "E03", Answer("conform"), expected_version=0))
try:
    workbench.save_answer({audit}, "E02", Answer("nonconform"), expected_version={version - 1})
except ConflictError as stale:
    print("stale:", stale.en)
""").strip().split("\n")
    assert printed[1].startswith("stale:")
    records = Workbench(url, scheme).answer_records(audit)
    assert (records["E02"].answered_by, records["E02"].answer) == ("A02", Answer("conform"))
    assert records["E03"].answered_by == "A01"
    assert [e.actor for e in Workbench(url, scheme).trail("checklist_answer")][-2:] == ["A02", "A01"]


def test_the_stage_screens_work_through_the_service(team):
    """00_overview and 04's checklist, cases and surveys, built in A02's kernel from the service."""
    hub, _, _ = team
    hub.start_server("a02")
    printed = hub.run_in_kernel("a02", """
from IPython.utils.capture import capture_output
from audit_widgets.notebook import open_stage, show_overview
from audit_widgets.render.html import ERROR_STYLE
with capture_output() as shown:
    show_overview()
    stage = open_stage("characteristic", "demo-consumer")
    stage.show()
print(type(stage.workbench).__name__, stage.read_only, len(stage.stage_widgets()))
print([str(o.data)[:300] for o in shown.outputs if ERROR_STYLE in str(o.data) or "Traceback" in str(o.data)])
""").strip().split("\n")
    kind, read_only, widgets = printed[0].split()
    assert (kind, read_only) == ("ServiceWorkbench", "False") and int(widgets) >= 3
    assert printed[1] == "[]"  # nothing refused or failed on the way


def test_a_document_is_made_by_the_service_and_offered_in_the_kernel(team):
    """The notice of audit's download button in A02's kernel: the service writes it into the
    outputs only its account may read, and the kernel gets the file's bytes to offer."""
    hub, url, _ = team
    outputs = hub.folder / "outputs"
    hub.start_server("a02")
    printed = hub.run_in_kernel("a02", f"""
import base64, hashlib, re
from audit_widgets.team import open_workbench
from audit_widgets.widgets.documents import DocumentFiles
files = DocumentFiles(open_workbench(), "demo-consumer", "audit_notice")
files.write()
[(name, data)] = re.findall(r"download='([^']+)' href='data:text/html;base64,([^']+)'", files.files.value)
print(name, hashlib.sha256(base64.b64decode(data)).hexdigest())
try:
    open({str(outputs / 'demo-consumer' / 'audit_notice.html')!r}, "rb").read()
    print("read")
except PermissionError:
    print("refused")
""").strip().split("\n")
    written = outputs / "demo-consumer" / "audit_notice.html"
    assert printed[0] == f"audit_notice.html {hashlib.sha256(written.read_bytes()).hexdigest()}"
    assert written.owner() == "aw-service" and "审核通知书" in written.read_text(encoding="utf-8")
    assert printed[1] == "refused"  # the published outputs are the service's: read through it


@pytest.mark.browser
def test_people_sign_up_are_approved_log_in_and_work_in_their_overview(team):
    """In Chromium: p01 (an administrator) approves a01's, a02's and m01's sign-ups; each auditor
    logs in, lands on their own 00_overview, runs it and sees their applicants; m01, in the
    committee group, sees the committee's dashboard and downloads a document from it, and a02
    is refused it."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS, Lab, block_offsite
    hub, _, _ = team
    password, offsite = "审核-Passw0rd-2026", []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = {}
            for name in ("p01", "a01", "a02", "m01"):
                pages[name] = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
                block_offsite(pages[name], offsite)
                sign_up(pages[name], hub.url, name, password)
            log_in(pages["a02"], hub.url, "a02", password)  # not approved yet: refused
            assert "not been authorized" in pages["a02"].locator(".login_error").inner_text(timeout=30_000)
            admin = pages["p01"]
            log_in(admin, hub.url, "p01", password)  # an administrator is approved on sign-up
            admin.wait_for_url("**/user/p01/**", timeout=120_000)
            for name in ("a01", "a02", "m01"):
                admin.goto(f"{hub.url}/hub/authorize/{name}")
            for name in ("a01", "a02"):
                page = pages[name]
                started = time.monotonic()
                log_in(page, hub.url, name, password)
                page.wait_for_url(f"**/user/{name}/lab/tree/work/00_overview.ipynb*", timeout=120_000)
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
                page.wait_for_selector("text=| Idle", timeout=120_000)
                Lab.run_all(page, "text=我的申请方与审查")
                page.wait_for_selector("text=★ demo-consumer")  # their applicant, from the service
                assert name.upper() in page.locator("text=you are").first.inner_text()  # as the hub said
                print(f"login to overview, {name}: {time.monotonic() - started:.1f} s")
                page.screenshot(path=str(SCRATCH / f"hub-overview-{name}.png"))  # to look at
            # The committee's dashboard: m01 (in the committee group) signs in and sees it; a02 is refused.
            log_in(pages["m01"], hub.url, "m01", password)
            pages["m01"].wait_for_url("**/user/m01/**", timeout=120_000)
            pages["m01"].goto(f"{hub.url}/services/dashboard/")
            pages["m01"].wait_for_selector("text=certification committee", timeout=120_000)
            pages["m01"].wait_for_selector("a[href*='applicant=demo-consumer']", timeout=60_000)
            pages["m01"].screenshot(path=str(SCRATCH / "hub-dashboard-m01.png"))
            # the notice the service made (the test above), offered to the committee through the service
            pages["m01"].goto(f"{hub.url}/services/dashboard/?applicant=demo-consumer")
            pages["m01"].locator("button", has_text="审核通知书").click(timeout=120_000)
            pages["m01"].wait_for_selector("a[download='audit_notice.html']", timeout=60_000)
            pages["m01"].screenshot(path=str(SCRATCH / "hub-dashboard-m01-documents.png"))
            refused = pages["a02"].goto(f"{hub.url}/services/dashboard/")
            assert refused.status == 403 and "认证委员会看板仅供" in pages["a02"].inner_text("body")
            pages["a02"].screenshot(path=str(SCRATCH / "hub-dashboard-a02.png"))
        finally:
            browser.close()
    assert offsite == []


def test_a_hub_user_not_in_the_people_records_may_look_and_is_told_so(team, scheme):
    hub, url, audit = team
    hub.start_server("visitor")
    printed = hub.run_in_kernel("visitor", f"""
from IPython.utils.capture import capture_output
from audit_widgets.notebook import show_overview
from audit_widgets.team import open_workbench
from audit_widgets.domain import Answer
from audit_widgets.errors import PermissionDenied, WorkbenchError
with capture_output() as shown:
    show_overview()
print(any("不在认证机构的人员记录中" in str(o.data) for o in shown.outputs))
try:
    open_workbench().save_answer({audit}, "E05", Answer("conform"))
except PermissionDenied:
    print("refused")
""").split()
    assert printed == ["True", "refused"] and "E05" not in Workbench(url, scheme).answer_records(audit)


def test_the_command_line_after_login_acts_as_the_login(team, scheme, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from audit_widgets.cli import cli
    hub, url, audit = team
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    runner = CliRunner()
    refused = runner.invoke(cli, ["login", "--service", hub.service_url], input="forged\n")
    assert refused.exit_code != 0 and not (tmp_path / "audit-workbench" / "login.json").exists()
    logged_in = runner.invoke(cli, ["login", "--service", hub.service_url], input=hub.user_token("a02") + "\n")
    assert logged_in.exit_code == 0 and "A02" in logged_in.output, logged_in.output
    assert (tmp_path / "audit-workbench" / "login.json").stat().st_mode & 0o777 == 0o600
    history = runner.invoke(cli, ["audits", "--applicant", "demo-consumer", "--json"])  # a read, through the service
    assert history.exit_code == 0 and str(audit) in history.output, history.output
    # --as names the programme manager: the service still acts as A02, whom the store refuses a contract
    contract = runner.invoke(cli, ["--as", "P01", "contract", "--applicant", "demo-consumer", "--number", "HT-9",
                                   "--signed-on", "2026-12-01"])
    assert contract.exit_code != 0 and "A02" in contract.output and "programme_manager" in contract.output
    assert Workbench(url, scheme).contract(audit).contract_no == "HT-1"
    assert runner.invoke(cli, ["logout"]).output.startswith("已退出")


def test_a_file_imported_in_a_kernel_is_read_and_stored_by_the_service(team, scheme):
    """A02's work-order upload: the file goes to the service as its bytes, which reads, checks
    and stores it as A02; a file with a bad row is refused whole, naming the row."""
    from audit_widgets.demo.data import work_order_log, write_csv
    hub, url, audit = team
    folder = hub.folder / "uploads"
    folder.mkdir(mode=0o755, exist_ok=True)
    log = work_order_log(120, seed=7, months=12)
    good = write_csv(log, folder / "work_orders.csv")
    broken = log.astype({"受理时间": str})
    broken.loc[3, "受理时间"] = "not a date"
    bad = write_csv(broken, folder / "bad_orders.csv")
    for path in (good, bad):
        path.chmod(0o644)
    hub.start_server("a02")
    printed = hub.run_in_kernel("a02", f"""
from pathlib import Path
from audit_widgets.errors import WorkbenchError
from audit_widgets.team import open_workbench
workbench = open_workbench()
try:
    workbench.import_file("work-orders", Path({str(bad)!r}), "bad_orders.csv", "demo-consumer")
except WorkbenchError as refused:
    print("refused:", refused.file, [(p.row, p.column) for p in refused.problems])
done = workbench.import_file("work-orders", Path({str(good)!r}), "work_orders.csv", "demo-consumer")
print(done.counts["rows"], done.en)
""").strip().split("\n")
    assert printed[0] == "refused: bad_orders.csv [(5, '受理时间')]", printed  # the row as a spreadsheet counts it
    assert printed[1].split()[0] == "120"
    stored = Workbench(url, scheme)
    assert len(stored.work_orders(audit)) == 120
    assert [e.actor for e in stored.trail() if e.action.startswith("import")][-1] == "A02"


def test_a_person_signs_in_with_their_login_once_a_second_person_approves_it(team, scheme, tmp_path):
    """The people file's login column, through the service: the programme manager gives A04 the
    login `wu.qiang` (an LDAP name); until a committee member approves it, that hub user is
    nobody; then they are A04, and `a04` is nobody (`a04@hub`)."""
    from audit_widgets.demo.audits import competence_template_rows
    from audit_widgets.imports.auditors import write_competence_file
    hub, _, _ = team
    people, evidence = competence_template_rows()
    path = write_competence_file(tmp_path / "people.xlsx", [{**p, "login": "wu.qiang" if p["id"] == "A04" else ""}
                                                            for p in people], evidence)
    manager = ServiceWorkbench(hub.service_url, hub.user_token("p01"), scheme)
    assert manager.import_file("people", path, "people.xlsx").counts["role_changes_pending"] == 1
    [change] = manager.role_changes(state="pending")
    assert ServiceWorkbench(hub.service_url, hub.user_token("wu.qiang"), scheme).actor == "wu.qiang"
    with pytest.raises(WorkbenchError) as refused:  # the one who asked does not approve
        manager.approve_role_change(change.id)
    assert refused.value.code == "roles.second_person"
    ServiceWorkbench(hub.service_url, hub.user_token("m01"), scheme).approve_role_change(change.id)
    assert ServiceWorkbench(hub.service_url, hub.user_token("wu.qiang"), scheme).actor == "A04"
    assert ServiceWorkbench(hub.service_url, hub.user_token("a04"), scheme).actor == "a04@hub"  # no one


def test_an_integrations_token_reads_what_its_scope_names_and_nothing_else(team, scheme):
    """Issue 27 §2: a token narrowed to one custom scope (the body's website: the certificate
    check) reads that, and neither the register, nor the due list, nor any Workbench call."""
    from audit_widgets.documents.certificate import verify_certificate
    from audit_widgets.documents.register import register_rows
    from audit_widgets.enforcement import due_list
    hub, url, _ = team
    direct = Workbench(url, scheme)

    def get(token: str, path: str, **params) -> httpx.Response:
        return httpx.get(hub.service_url + path, params=params, headers={"Authorization": f"token {token}"})
    website = hub.user_token("a02", scopes=["custom:workbench:check"])
    checked = get(website, "api/check", number="XBHT-SM-2026-A99999", code="ABCDEF")
    assert checked.status_code == 200
    assert checked.json() == verify_certificate(direct, "XBHT-SM-2026-A99999", "ABCDEF").as_dict()
    assert checked.json()["outcome"] == "unknown"
    for path in ("api/register", "api/due", "api/whoami"):
        assert get(website, path).status_code == 403, path
    call = httpx.post(hub.service_url + "api/call/list_applicants", json={"arguments": {}},
                      headers={"Authorization": f"token {website}"})
    assert call.status_code == 403
    registry = hub.user_token("a02", scopes=["custom:workbench:register", "custom:workbench:due"])
    assert get(registry, "api/register").json() == {"certificates": register_rows(direct)}
    due = get(registry, "api/due").json()
    assert due["due"] == [] == due_list(direct) and get(registry, "api/check", number="x", code="y").status_code == 403
    assert get(hub.user_token("a02"), "api/register").status_code == 200  # a person's own token reads it too


def test_roles_written_around_their_approval_are_refused_in_plain_words(team, scheme):
    """An insider's sqlite3 makes M02 an administrator: the service says M02's roles are not
    granted (as the store does on one machine), not a bare 500. The module's last test."""
    from .conftest import insider_sql
    hub, url, _ = team
    insider_sql(url, """UPDATE auditors SET roles = '["administrator"]' WHERE id = 'M02'""")
    with pytest.raises(WorkbenchError) as refused:
        ServiceWorkbench(hub.service_url, hub.user_token("m02"), scheme)
    assert refused.value.code == "roles.not_granted" and "M02" in refused.value.en
