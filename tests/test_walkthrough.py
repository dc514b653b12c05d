"""A new auditor in real JupyterLab (headless Chromium, 1280×800, nothing outside 127.0.0.1)
takes a fresh applicant from the overview through application, planning and contract using
only what is on the screen, and the mistakes on the way are refused with a message
(issue 7 §5; the later stages follow in the next step of that issue)."""
from datetime import date, timedelta

import pytest

from audit_widgets.demo import DEMO_AUDITORS
from audit_widgets.demo_data import wjx_survey_export, work_order_log, write_csv, write_xlsx
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.imports.surveys import read_survey
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench

from .browser import CHROMIUM, CHROMIUM_ARGS, Lab
from .conftest import APPLICANTS_DIR, SCRATCH

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]
APPLICANT = "demo-composite"
SCREENSHOTS = SCRATCH / "outputs" / "ui-test"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, scheme):
    folder = tmp_path_factory.mktemp("walkthrough")
    url = f"sqlite:///{folder / 'walk.sqlite'}"
    upgrade(get_engine(url))
    admin = Workbench(url, scheme, actor="admin")
    for auditor_id, name, grade, domains, since, decides in DEMO_AUDITORS:
        admin.add_auditor(auditor_id, name, grade, list(domains), auditor_since=since, is_decision_maker=decides)
    admin.add_applicant(read_applicant_file(APPLICANTS_DIR / f"{APPLICANT}.yaml", scheme))
    admin.import_work_orders(APPLICANT, read_work_orders(write_csv(work_order_log(1200, seed=5), folder / "o.csv")))
    admin.import_survey(APPLICANT, read_survey(write_xlsx(wjx_survey_export(400, seed=5), folder / "s.xlsx"), scheme))
    import os
    os.environ["AUDIT_WORKBENCH_WORK"] = str(folder / "work")
    try:
        from audit_widgets.workspace import prepare_copies, prepare_overview
        prepare_copies(scheme, APPLICANT, auditor="A02", database_url=url)
        prepare_overview(auditor="A02", database_url=url)
    finally:
        os.environ.pop("AUDIT_WORKBENCH_WORK")
    server = Lab(folder / "work")
    server.url, server.documents = url, folder
    for name in ("licence", "service_manual", "organisation_chart", "outlet_list", "personnel_list"):
        (folder / f"{name}.pdf").write_bytes(b"%PDF-1.4 " + name.encode())
    yield server
    server.close()


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        lab.block_offsite(page)
        yield page
        browser.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"walkthrough-{name}.png"))


def _button(page, text: str):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) button", has_text=text).first


def _open_stage(lab, page, notebook: str, ready_text: str) -> None:
    lab.open(page, f"{APPLICANT}/{notebook}.ipynb")
    lab.run_all(page, f"text={ready_text}", timeout=60)
    page.wait_for_timeout(500)


def test_overview_to_contract_on_screen_alone(lab, page, scheme):
    lab.open(page, "00_overview.ipynb")
    lab.run_all(page, "text=applicants and audits", timeout=60)
    link = page.locator(f"a[href='{APPLICANT}/01_application.ipynb']")
    assert link.count() == 1 and "可开始" in link.inner_text()
    _shot(page, "00-overview")

    # 01: recording without the documents lists them all; signing off is refused.
    _open_stage(lab, page, "01_application", "记录本阶段结果")
    assert "李娜 A02" in page.content()
    _button(page, "记录本阶段结果").click()
    page.wait_for_selector("text=签署前尚需完成 5 项", timeout=30_000)
    _button(page, "签署").click()
    page.wait_for_selector("text=签署前尚需完成 5 项", timeout=30_000)
    assert not Workbench(lab.url, scheme).is_signed(Workbench(lab.url, scheme).current_application(APPLICANT),
                                                    "application")
    # ipywidgets' FileUpload keeps its <input type=file> out of the page: use the file chooser.
    uploads = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) button", has_text="上传 upload")
    for index, name in enumerate(("licence", "service_manual", "organisation_chart", "outlet_list", "personnel_list")):
        with page.expect_file_chooser() as chooser:
            uploads.nth(index).click()
        chooser.value.set_files(str(lab.documents / f"{name}.pdf"))
        page.wait_for_selector(f"text=已保存 {name}.pdf", timeout=30_000)
    _button(page, "记录本阶段结果").click()
    page.wait_for_selector("text=可以签署", timeout=30_000)
    _shot(page, "01-application")

    # 02: the team and the audit dates, picked on screen.
    _open_stage(lab, page, "02_review_and_planning", "审查组 / audit team")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    rows = panel.locator(".widget-hbox", has=page.locator("select"))
    rows.filter(has_text="李娜").locator("select").select_option(label="审查组长")
    page.wait_for_selector("text=审查组已保存", timeout=30_000)
    rows.filter(has_text="张伟").locator("select").select_option(label="审查员")
    dates = panel.locator("input[type=date]")
    dates.nth(0).fill((date.today() - timedelta(days=3)).isoformat())
    dates.nth(1).fill((date.today() - timedelta(days=1)).isoformat())
    page.wait_for_selector("text=审核方案已保存", timeout=30_000)
    page.wait_for_selector("text=team check passed", timeout=30_000)
    _button(page, "记录本阶段结果").click()
    page.wait_for_selector("text=可以签署", timeout=30_000)
    _button(page, "签署").click()
    page.wait_for_selector("text=签名校验通过", timeout=30_000)
    _shot(page, "02-planning")

    # 03: the contract saves as it is typed.
    _open_stage(lab, page, "03_contract", "认证合同 / certification contract")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".widget-text", has_text="合同编号").locator("input").fill("HT-2026-0044")
    panel.locator("input[type=date]").first.fill((date.today() - timedelta(days=2)).isoformat())
    page.wait_for_selector("text=合同已保存", timeout=30_000)
    _button(page, "记录本阶段结果").click()
    page.wait_for_selector("text=本阶段结果已记录", timeout=30_000)
    _shot(page, "03-contract")

    workbench = Workbench(lab.url, scheme)
    application = workbench.current_application(APPLICANT)
    assert workbench.contract(application).contract_no == "HT-2026-0044"
    assert workbench.is_signed(application, "planning")
    assert {m.auditor.id: m.role for m in workbench.team(application)} == {"A02": "leader", "A01": "member"}
    assert not lab.offsite, lab.offsite
