"""A new auditor in real JupyterLab (headless Chromium, 1280×800, nothing outside 127.0.0.1)
takes a fresh applicant from the overview through application, planning and contract using
only what is on the screen, and the mistakes on the way are refused with a message
(issue 7 §5; the later stages follow in the next step of that issue)."""
import hashlib
import re
from datetime import date, timedelta

import pytest

from audit_widgets.demo.audits import register_auditors
from audit_widgets.demo.data import wjx_survey_export, work_order_log, write_csv, write_xlsx
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.imports.surveys import read_survey
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench

from .browser import CHROMIUM, CHROMIUM_ARGS, Lab
from .conftest import APPLICANTS_DIR, ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]
APPLICANT = "demo-composite"
MANAGER_FOLDER = "programme-manager"  # P01's copies: 01–03 are the programme manager's stages
NEWCOMER_FOLDER = "newcomer"  # copies that do not name their person
SCREENSHOTS = ROOT / "outputs" / "ui-test"  # git-ignored; kept for a person to look at


@pytest.fixture(scope="module")
def lab(tmp_path_factory, scheme):
    folder = tmp_path_factory.mktemp("walkthrough")
    url = f"sqlite:///{folder / 'walk.sqlite'}"
    upgrade(get_engine(url))
    admin = Workbench(url, scheme, actor="P01")
    register_auditors(admin)
    admin.add_applicant(read_applicant_file(APPLICANTS_DIR / f"{APPLICANT}.yaml", scheme))
    admin.import_work_orders(APPLICANT, read_work_orders(write_csv(work_order_log(1200, seed=5), folder / "o.csv")))
    admin.import_survey(APPLICANT, read_survey(write_xlsx(wjx_survey_export(400, seed=5), folder / "s.xlsx"), scheme))
    import os
    os.environ["AUDIT_WORKBENCH_WORK"] = str(folder / "work")
    try:
        from audit_widgets.workspace import prepare_copies, prepare_overview
        prepare_copies(scheme, APPLICANT, auditor="A02", database_url=url)
        prepare_overview(auditor="A02", database_url=url)
        # The programme manager's own copies, beside the leader's in the same JupyterLab.
        os.environ["AUDIT_WORKBENCH_WORK"] = str(folder / "work" / MANAGER_FOLDER)
        prepare_copies(scheme, APPLICANT, auditor="P01", database_url=url)
        # A newcomer's copies, which do not say who is working: the picker asks (§1).
        os.environ["AUDIT_WORKBENCH_WORK"] = str(folder / "work" / NEWCOMER_FOLDER)
        prepare_copies(scheme, APPLICANT, database_url=url)
    finally:
        os.environ.pop("AUDIT_WORKBENCH_WORK")
    # A small upload limit, so that the refusal is tried with a file of 25 MB rather than 125;
    # the person picked is remembered in this JupyterLab's own work folder; and no person set
    # for the whole JupyterLab (the tests' AUDIT_WORKBENCH_USER), as an auditor's has none.
    user = os.environ.pop("AUDIT_WORKBENCH_USER")
    os.environ.update(AUDIT_WORKBENCH_UPLOAD_LIMIT_MB="20", AUDIT_WORKBENCH_WORK=str(folder / "work"))
    try:
        server = Lab(folder / "work")
    finally:
        os.environ.pop("AUDIT_WORKBENCH_UPLOAD_LIMIT_MB")
        os.environ.pop("AUDIT_WORKBENCH_WORK")
        os.environ["AUDIT_WORKBENCH_USER"] = user
    server.url, server.documents = url, folder
    for name in ("licence", "service_manual", "organisation_chart", "outlet_list", "personnel_list"):
        (folder / f"{name}.pdf").write_bytes(b"%PDF-1.4 " + name.encode())
    yield server
    server.close()


@pytest.fixture(scope="module")
def committee(lab, scheme):
    """Committee member M01's own JupyterLab: his copies, the same store."""
    import os
    work = lab.documents / "work-m01"
    os.environ["AUDIT_WORKBENCH_WORK"] = str(work)
    try:
        from audit_widgets.workspace import prepare_copies
        prepare_copies(scheme, APPLICANT, auditor="M01", database_url=lab.url)
    finally:
        os.environ.pop("AUDIT_WORKBENCH_WORK")
    server = Lab(work)
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
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) button:visible", has_text=text).first


def _record(page, expected: str) -> None:
    _button(page, "记录本阶段结果").click()
    page.wait_for_selector(f"text={expected}", timeout=60_000)


def _sign(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    _button(page, "签署").click()
    try:
        page.wait_for_selector("text=签名校验通过", timeout=60_000)
    except PlaywrightTimeout:  # say what the screen said instead (a refusal lists what is missing)
        refused = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-html", has_text="签署")
        raise AssertionError("sign-off not confirmed; the screen says: "
                             + " | ".join(refused.all_inner_texts())[:2000]) from None


def _scroll_to(page, selector: str) -> None:
    """Scroll to a text for a screenshot; a widget may redraw it meanwhile, so try again."""
    from playwright.sync_api import Error
    for _ in range(5):
        try:
            page.locator(selector).first.scroll_into_view_if_needed(timeout=5_000)
            return
        except Error:
            page.wait_for_timeout(500)


def _open_stage(lab, page, notebook: str, ready_text: str, *, as_manager: bool = False) -> None:
    lab.open(page, f"{MANAGER_FOLDER + '/' if as_manager else ''}{APPLICANT}/{notebook}.ipynb")
    lab.run_all(page, f"text={ready_text}", timeout=60)
    page.wait_for_timeout(500)


def test_overview_to_contract_on_screen_alone(lab, page, scheme):
    lab.open(page, "00_overview.ipynb")
    lab.run_all(page, "text=applicants and audits", timeout=60)
    # An output's link, as JupyterLab renders it (its href resolved against the server)
    link = page.locator(f"a[href*='{APPLICANT}/01_application.ipynb']")
    assert link.count() == 1 and "可开始" in link.inner_text()
    # An initial audit goes through no surveillance comparison; 10 waits for a certificate (§3).
    assert page.locator(f"a[href*='{APPLICANT}/09_surveillance.ipynb']").count() == 0
    assert "未开始" in page.locator(f"a[href*='{APPLICANT}/10_recertification_and_status.ipynb']").inner_text()
    _shot(page, "00-overview")
    # The link opens the copy in a tab of the same JupyterLab: no reload (the page's mark stays).
    page.evaluate("window.awSamePage = true")
    link.click()
    page.wait_for_selector(".lm-TabBar-tab:has-text('01_application.ipynb')", timeout=30_000)
    assert page.evaluate("window.awSamePage === true")

    # 01: recording without the documents lists them all, and so does signing off.
    _open_stage(lab, page, "01_application", "记录本阶段结果", as_manager=True)
    assert "吴芳 P01" in page.content() and "认证方案管理人员" in page.content()  # the header names the roles (§1)
    _record(page, "签署前尚需完成 5 项")
    _button(page, "签署").click()  # 01 is the programme manager's to sign: refused while documents are missing
    page.wait_for_selector("text=签署前尚需完成 5 项", timeout=30_000)
    assert not Workbench(lab.url, scheme).is_signed(Workbench(lab.url, scheme).current_audit(APPLICANT),
                                                    "application")
    # ipywidgets' FileUpload keeps its <input type=file> out of the page: use the file chooser.
    uploads = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) button", has_text="上传 upload")
    for index, name in enumerate(("licence", "service_manual", "organisation_chart", "outlet_list", "personnel_list")):
        with page.expect_file_chooser() as chooser:
            uploads.nth(index).click()
        chooser.value.set_files(str(lab.documents / f"{name}.pdf"))
        page.wait_for_selector(f"text=已保存 {name}.pdf", timeout=30_000)
    _record(page, "可以签署")
    _sign(page)  # the programme manager signs the application off (§2)
    _shot(page, "01-application")

    # 02: the application review, then the team and the audit dates, on screen.
    _open_stage(lab, page, "02_review_and_planning", "审查组 / audit team", as_manager=True)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".widget-checkbox", has_text="无严重失信记录").locator("input").check()
    panel.locator(".widget-text", has_text="查询证据").locator("input").fill("信用中国查询截图.png")
    panel.locator(".widget-textarea", has_text="领域理由").locator("textarea").fill("智能家居成套产品，属复合商品类")
    page.wait_for_selector("text=可以受理", timeout=30_000)
    panel.locator(".widget-textarea", has=page.locator("label", has_text=re.compile("^理由$"))).locator(
        "textarea").fill("资质齐全，无严重失信记录")
    _button(page, "记录评审结论").click()
    page.wait_for_selector("text=评审结论已记录", timeout=30_000)
    rows = panel.locator(".widget-hbox", has=page.locator("select"))
    rows.filter(has_text="李娜").locator("select").select_option(label="审查组长")
    page.wait_for_selector("text=审查组已保存", timeout=30_000)
    rows.filter(has_text="张伟").locator("select").select_option(label="审查员")
    # Dates are typed and shown as yyyy-mm-dd whatever the browser's language (§7); 2026/12/3 as
    # typed on site is rewritten, and what is not a date is refused on the line.
    dates = panel.locator("input.aw-date-text")
    start, end = date.today() - timedelta(days=3), date.today() - timedelta(days=1)
    dates.nth(0).fill(f"{start.year}/{start.month}/{start.day}")
    dates.nth(0).press("Enter")
    assert dates.nth(0).input_value() == start.isoformat()
    dates.nth(1).fill(f"{end.year}-02-30")
    dates.nth(1).press("Enter")
    page.wait_for_selector("text=请按 yyyy-mm-dd 填写日期", timeout=30_000)
    _shot(page, "02-date-refused")
    dates.nth(1).fill(end.isoformat())
    dates.nth(1).press("Enter")
    assert page.locator("text=请按 yyyy-mm-dd 填写日期").count() == 0
    page.wait_for_selector("text=审核方案已保存", timeout=30_000)
    page.wait_for_selector("text=随机种子 seed", timeout=30_000)  # the sites were drawn with the dates
    panel.locator("select[multiple]").select_option(label="宁波服务网点")  # chosen for its complaints
    # IAF MD1 sampling applies only with the planner's judgement and its evidence (else every site)
    panel.locator("textarea[placeholder*='IAF MD1']").fill("各场所执行同一体系和流程，内审覆盖全部场所（2026 年内审报告）")
    _button(page, "抽取场所").click()
    page.wait_for_selector("text=指定 chosen", timeout=30_000)
    _scroll_to(page, "text=随机种子 seed")
    _shot(page, "02-site-sample")
    page.wait_for_selector("text=公正性声明", timeout=30_000)  # the members have not declared yet
    _button(page, "记录成员的公正性声明").click()
    page.wait_for_selector("text=team check passed", timeout=30_000)
    # The audit plan must deliver the programme: proposed from the sites, dates and team, then saved.
    _button(page, "按方案生成日程").click()
    page.wait_for_selector("text=已按方案生成日程", timeout=30_000)
    _button(page, "保存审核计划").click()
    page.wait_for_selector("text=审核计划已保存", timeout=30_000)
    page.wait_for_selector("text=日程覆盖全部抽样场所", timeout=30_000)
    _shot(page, "02-audit-plan")
    _record(page, "可以签署")
    page.wait_for_selector("text=须由审查组长 李娜 A02 签署", timeout=30_000)  # not the manager's to sign (§2)
    assert _button(page, "签署").is_disabled()
    _shot(page, "02-planning")
    _open_stage(lab, page, "02_review_and_planning", "审查组 / audit team")  # the leader signs the plan off
    _sign(page)

    # 03: the contract saves as it is typed.
    _open_stage(lab, page, "03_contract", "认证合同 / certification contract", as_manager=True)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".widget-text", has_text="合同编号").locator("input").fill("HT-2026-0044")
    signed = panel.locator("input.aw-date-text").first
    signed.fill((date.today() - timedelta(days=2)).strftime("%Y%m%d"))
    signed.press("Enter")
    page.wait_for_selector("text=合同已保存", timeout=30_000)
    _record(page, "本阶段结果已记录")
    _sign(page)  # the programme manager signs the contract (§2)
    _shot(page, "03-contract")

    # A kernel restart leaves dead widgets: the page says so and its controls stop taking input (§6).
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel").first.click()
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .aw-kernel-lost:visible", timeout=60_000)
    assert _button(page, "记录本阶段结果").is_disabled()
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-text input").first.is_disabled()
    _shot(page, "03-kernel-restarted")

    workbench = Workbench(lab.url, scheme)
    audit = workbench.current_audit(APPLICANT)
    assert workbench.contract(audit).contract_no == "HT-2026-0044"
    assert workbench.is_signed(audit, "planning")
    assert workbench.stage_result(audit, "application").signed_by == workbench.stage_result(audit, "contract").signed_by == "P01"
    assert {m.auditor.id: m.role for m in workbench.team(audit)} == {"A02": "leader", "A01": "member"}
    sites = workbench.programme(audit).site_sample
    assert sites.chosen == ("杭州服务中心", "宁波服务网点") and len(sites.drawn) >= 2 and sites.eligibility
    assert {line["site"] for line in workbench.audit_plan(audit).agenda} == set(sites.sites)
    assert not lab.offsite, lab.offsite


def _open_section(page, method: str) -> None:
    """Choose a stage's section (its tab: 04 and 05 show one per method) and wait for it to be built."""
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".aw-sections .lm-TabBar-tab", has_text=method).click()
    panel.locator(".aw-checklist:visible h3", has_text=method).wait_for(timeout=60_000)


def _answer_every_checklist(page) -> None:
    """Answer what is still open on every page of every checklist of the stage, section by
    section: 符合 for a qualitative item, 10 checked / 0 nonconforming for a sample item
    without counts."""
    tabs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .aw-sections .lm-TabBar-tab")
    for method in [title.split()[0] for title in tabs.all_inner_texts()]:
        _open_section(page, method)
        _answer_checklists_shown(page)


def _answer_checklists_shown(page) -> None:
    from playwright.sync_api import expect
    checklists = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .aw-checklist:visible")
    for c in range(checklists.count()):
        checklist = checklists.nth(c)
        pages = checklist.locator(".aw-checklist-page select")
        for p in range(pages.locator("option").count()):
            rows = checklist.locator(".aw-checklist-row")
            if pages.is_visible():  # a one-page checklist shows no pager
                first = rows.first.locator("b").first.inner_text()
                pages.select_option(index=p)
                if p:  # wait for the new page's rows: answering the old ones again leaves the new unanswered
                    expect(rows.first.locator("b").first).not_to_have_text(first, timeout=30_000)
                page.wait_for_timeout(300)
            for r in range(rows.count()):
                row = rows.nth(r)
                row.scroll_into_view_if_needed()
                item = row.locator("b").first.inner_text()
                counts = row.locator(".widget-inline-hbox", has_text="抽查").locator("input")
                if counts.count():
                    if counts.input_value() in ("", "0"):
                        counts.fill("10")
                        counts.press("Enter")
                        page.wait_for_selector(f"text={item} 已保存", timeout=30_000)
                elif "实测" not in row.inner_text():
                    active = row.locator("button.mod-active")
                    if active.count() and active.first.inner_text().strip() != "未答":
                        continue  # answered already (marked conforming with the rest)
                    row.get_by_role("button", name="符合", exact=True).click()
                    page.wait_for_selector(f"text={item} 已保存", timeout=30_000)


def _attach_evidence(lab, page) -> None:
    """A 15 MB photo arrives in chunks and is kept; a 25 MB one, over the limit set for this
    JupyterLab (20 MB), is refused before anything is sent, with a message (§5)."""
    photo, video = lab.documents / "现场照片.jpg", lab.documents / "录像.mp4"
    photo.write_bytes(bytes(range(256)) * (15 * 4096))
    video.write_bytes(b"\0" * (25 * 1024 * 1024))
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    checklist = panel.locator(".aw-checklist:visible").last
    row = checklist.locator(".aw-checklist-row").first
    item = row.locator("b").first.inner_text()
    row.locator("button:has(.fa-paperclip)").click()
    page.wait_for_selector(f"text={item} 的证据", timeout=30_000)
    button = checklist.locator("button.aw-upload-button")
    assert "≤ 20.0 MB" in button.inner_text()
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(photo))
    page.wait_for_selector("text=已保存证据 现场照片.jpg", timeout=120_000)
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(video))
    page.wait_for_selector("text=超过上传上限 20 MB", timeout=60_000)
    assert page.locator("text=已保存证据 现场照片.jpg").count() == 0  # the old status went with the new upload
    _scroll_to(page, "text=超过上传上限 20 MB")
    _shot(page, "04-evidence")


def test_evaluation_report_decision_and_certificate_on_screen(lab, page, scheme, committee):
    # 04: recording with items unanswered lists them and sign-off is refused.
    _open_stage(lab, page, "04_characteristic_evaluation", "记录本阶段结果")
    # The running score says it is provisional, and shows its gates beside it (§4).
    page.wait_for_selector("text=暂定总分 provisional score", timeout=30_000)
    assert page.locator("text=等级门槛 gates").count() >= 1
    _shot(page, "04-provisional")
    _record(page, "未作答的条目 / unanswered items")
    _button(page, "签署").click()
    page.wait_for_selector("text=签署前尚需完成", timeout=60_000)
    # 04 shows one section per method, each built when first chosen (§9): the first is on screen.
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .aw-checklist").count() == 1
    _scroll_to(page, ".jp-NotebookPanel:not(.lm-mod-hidden) .aw-sections .lm-TabBar")
    _shot(page, "04-sections")
    _open_section(page, "5.1c")
    _button(page, "抽样 / draw").click()
    page.wait_for_selector("text=抽样记录", timeout=60_000)
    _button(page, "全部标为符合").click()
    page.wait_for_selector("text=请标出例外", timeout=60_000)
    _answer_every_checklist(page)
    _attach_evidence(lab, page)
    _sign(page)
    _shot(page, "04-characteristic")

    # 05: everything answered, and one row graded 严重不符合 (a major nonconformity).
    _open_stage(lab, page, "05_system_audit", "记录本阶段结果")
    cut = page.evaluate("""() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jupyter-button')]
        .filter(b => b.offsetParent && b.scrollWidth > b.clientWidth + 1).map(b => b.textContent)""")
    assert not cut, cut  # no button label is cut off beside the file browser at 1280 px (§7)
    _button(page, "未答的定性条目全部标为符合").click()  # as 04's case sample has (§7)
    page.wait_for_selector("text=项已标为符合，请逐项标出例外", timeout=30_000)
    _answer_every_checklist(page)
    _open_section(page, "5.2a")  # 文件审核: its first item is no veto item, so closing the finding settles it
    first = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .aw-checklist-row:visible").first
    first.scroll_into_view_if_needed()
    item = first.locator("b").first.inner_text()
    first.get_by_role("button", name="不符合", exact=True).click()
    page.wait_for_selector("text=写明理由后自动保存", timeout=30_000)  # the choice waits for its reason
    _shot(page, "05-reason-asked")
    reason = first.get_by_placeholder("请写明理由 / reason required")
    reason.fill("服务手册未规定收费标准")
    reason.press("Enter")
    page.wait_for_selector(f"text={item} 已保存", timeout=30_000)
    first.locator("select").select_option(label="严重不符合")
    page.wait_for_selector(f"text={item} 已保存", timeout=30_000)
    # The gate shows beside the score at once, not only in the report (§4).
    page.wait_for_selector("text=有 1 项严重不符合未关闭 >> visible=true", timeout=30_000)  # in the section on screen
    assert page.locator("text=不可认证 not certifiable").count() >= 1
    _scroll_to(page, "text=有 1 项严重不符合未关闭 >> visible=true")
    _shot(page, "05-major-gate")
    _record(page, "可以签署")
    _sign(page)
    _shot(page, "05-system-audit")

    # 06: the major finding from the row blocks the recommendation until it is verified closed.
    _open_stage(lab, page, "06_audit_report", "审查结果 / audit result")
    assert page.locator("text=建议不予认证").count() >= 1
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".widget-textarea", has_text="纠正措施").locator("textarea").fill("补发上岗证并培训")
    # A note typed and not yet sent: leaving the page asks first (§6); once sent, it does not.
    leaving = ("() => { const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); "
               "return e.defaultPrevented; }")
    assert page.evaluate(leaving)
    for index in (0, 1):  # accepted and verified today (nth waits for the fields to be drawn)
        field = panel.locator("input.aw-date-text").nth(index)
        field.fill(date.today().isoformat())
        field.press("Enter")
    _button(page, "保存纠正措施").click()
    page.wait_for_selector("text=纠正措施已保存", timeout=30_000)
    assert not page.evaluate(leaving)
    # What the report states beside the checklists: the required ones first refuse the sign-off.
    for label, text in (("受审核方代表", "赵敏（客服总监）"), ("内部审核情况摘要", "年度内审覆盖全部网点"),
                        ("管理评审情况摘要", "管理评审已召开")):
        panel.locator(".widget-vbox", has_text=label).last.locator("textarea").fill(text)
    _button(page, "保存报告事项").click()
    page.wait_for_selector("text=报告事项已保存", timeout=30_000)
    _button(page, "重新计算").click()
    page.wait_for_selector("text=建议批准认证", timeout=30_000)
    _record(page, "本阶段结果已记录")
    _sign(page)
    _shot(page, "06-report")

    # 07 and 08 as committee member M01, in his own JupyterLab.
    _open_stage(committee, page, "07_decision", "记录决定 / record decision")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    assert "刘洋 M01" in page.content()
    panel.locator("select[multiple]").select_option(label="刘洋（M01）")
    panel.locator(".widget-textarea", has_text="决定理由").locator("textarea").fill("审查结论支持批准")
    panel.get_by_role("button", name="不予认证", exact=True).click()
    _button(page, "记录决定").click()
    page.wait_for_selector("text=须写明理由", timeout=30_000)  # against the recommendation, no justification
    panel.get_by_role("button", name="批准认证", exact=True).click()
    _button(page, "记录决定").click()
    page.wait_for_selector("text=认证决定已记录", timeout=30_000)
    _record(page, "本阶段结果已记录")
    _sign(page)
    _shot(page, "07-decision")

    _open_stage(committee, page, "08_certificate", "签发证书 / issue")
    _button(page, "签发证书").click()
    page.wait_for_selector("text=将签发证书", timeout=30_000)
    _button(page, "确认 / confirm").click()
    page.wait_for_selector("text=证书已签发", timeout=30_000)
    _record(page, "本阶段结果已记录")
    # The issued certificate is the administrator's to sign, and the button says so (§2).
    page.wait_for_selector("text=须由系统管理员（授权签字人） 吴芳 P01、", timeout=30_000)
    assert _button(page, "签署").is_disabled()
    _shot(page, "08-certificate")
    # After the decision the report screen shows what was recorded then, and says so (§4).
    _open_stage(committee, page, "06_audit_report", "审查结果 / audit result")
    page.wait_for_selector("text=已作出认证决定：本阶段结果为决定时所记录的结果", timeout=30_000)
    assert page.locator("text=按当前记录即时计算").count() == 0

    workbench = Workbench(lab.url, scheme)
    audit = workbench.current_audit(APPLICANT)
    certificate = workbench.certificate_for(APPLICANT)
    assert certificate.status == "valid"
    assert workbench.decision(audit).members == ("M01",)
    assert workbench.stage_result(audit, "decision").signed_by == "M01"
    issued = workbench.status_history(certificate.number)[0]
    assert (issued.decided_by, issued.recorded_by) == ("M01", "M01")
    photo = workbench.answer_records(audit)
    kept = [f for record in photo.values() for f in record.evidence if f.filename == "现场照片.jpg"]
    assert len(kept) == 1 and kept[0].sha256 == hashlib.sha256((lab.documents / "现场照片.jpg").read_bytes()).hexdigest()
    assert not any(f.filename == "录像.mp4" for record in photo.values() for f in record.evidence)
    assert not lab.offsite and not committee.offsite


def test_a_newcomer_says_who_they_are_once(lab, page):
    """A copy that does not name its person asks 您是 / who are you; the name picked is
    remembered for this JupyterLab, and the next notebook opens as that person (§1)."""
    lab.open(page, f"{NEWCOMER_FOLDER}/{APPLICANT}/07_decision.ipynb")
    lab.run_all(page, "text=您是 / who are you", timeout=60)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    assert panel.locator("text=本页只读").count() >= 1  # nobody named: nothing can be written
    choice = panel.locator(".aw-whoami select")
    # ipywidgets writes an option's spaces as no-break spaces
    label = next(o for o in choice.locator("option").all_text_contents() if o.replace("\xa0", " ").startswith("刘洋 M01"))
    assert "认证决定人员" in label, label  # the roles are on the list
    choice.select_option(label=label)
    _button(page, "就是我").click()
    page.wait_for_selector("text=已记住：刘洋 M01", timeout=30_000)
    _shot(page, "newcomer-picker")
    lab.open(page, f"{NEWCOMER_FOLDER}/{APPLICANT}/08_certificate.ipynb")
    lab.run_all(page, "text=您是 / you are: 刘洋 M01", timeout=60)
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .aw-whoami").count() == 0
    _shot(page, "newcomer-remembered")
