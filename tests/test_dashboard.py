"""The committee's dashboard reads what the store holds, opened read-only, and filters it in
the kernel. (The Voila server in Chromium: test_dashboard_browser.py.)"""

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError

from audit_widgets.dashboard.app import Dashboard
from audit_widgets.dashboard.pages import PortfolioPage, applicant_html, pending_decisions_html
from audit_widgets.dashboard.portfolio import benchmark, portfolio
from audit_widgets.store.database import read_only_url
from audit_widgets.store.repository import Workbench

from .conftest import copy_database, database_digest

DEMO = {"demo-industrial", "demo-consumer", "demo-special", "demo-composite"}


@pytest.fixture(scope="module")
def read_only(demo_db, scheme, tmp_path_factory):
    """A copy of the demo store, opened the way the dashboard opens it."""
    path = copy_database(demo_db, tmp_path_factory.mktemp("dash") / "demo.sqlite")
    return path, Workbench(read_only_url(f"sqlite:///{path}"), scheme, actor="dashboard")


def test_the_portfolio_has_a_row_per_applicant_from_the_recorded_results(read_only, scheme):
    path, workbench = read_only
    before = database_digest(path)
    rows = portfolio(workbench).set_index("applicant_id")
    assert set(rows.index) == DEMO
    special = rows.loc["demo-special"]
    assert special["open_major"] == 1 and special["decision"].startswith("不予认证") and special["level"] == "一级"
    consumer = rows.loc["demo-consumer"]
    assert consumer["certified"] and consumer["certificate"] == "有效" and consumer["next_surveillance"]
    assert rows.loc["demo-composite"]["stage"] == "认证申请" and rows.loc["demo-composite"]["score"] != rows.loc[
        "demo-composite"]["score"]  # NaN: nothing recorded yet
    assert not rows["stale"].any()
    # The current stage follows the audit's type (issue 25 §8): demo-consumer's special audit has
    # no application stage, demo-industrial's recertification no surveillance comparison.
    status_stage = next(s.name for s in scheme.procedure_stages if s.notebook == "10_recertification_and_status")
    assert rows.loc["demo-consumer"]["stage"] == status_stage and rows.loc["demo-industrial"]["stage"] == status_stage
    assert database_digest(path) == before


def test_the_store_refuses_any_write_through_the_dashboard(read_only):
    path, workbench = read_only
    before = database_digest(path)
    with pytest.raises(OperationalError):  # even as the administrator: the connection itself is read-only
        workbench.acting_as("P01").add_auditor("Z9", "某人", "auditor", ["a"])
    assert database_digest(path) == before


def test_filters_search_sort_and_pages_run_in_the_kernel(read_only):
    _, workbench = read_only
    page = PortfolioPage(portfolio(workbench), page_size=2)
    assert "<b>4</b> / 4" in page.count.value and len(page.page.options) == 2
    page.domain.value = "c"
    assert "<b>1</b> / 4" in page.count.value and "demo-special" in page.table.value
    page.domain.value = "__all__"
    page.search.value = "91320500"  # demo-industrial's USCC
    assert "<b>1</b> / 4" in page.count.value and "demo-industrial" in page.table.value
    page.search.value = ""
    page.sort.value, page.descending.value = "score", True
    assert page.table.value.index("demo-consumer") < page.table.value.index("demo-industrial")
    assert "?applicant=demo-consumer" in page.table.value


def test_the_refused_applicant_shows_its_failed_veto_item_and_open_major_finding(read_only):
    _, workbench = read_only
    page = applicant_html(workbench, "demo-special")
    assert "否决项不符合：B13" in page and "严重不符合未关闭" in page and "<svg" in page
    assert "医院" in page  # the 不适用 reasons of its report
    assert "签名" in page and "不予认证" in page
    evidence = workbench.stage_result(workbench.current_audit("demo-special"), "characteristic").result["evidence"]
    assert "证据期间 / evidence period" in page and evidence["work_orders"]["en"] in page  # what it was judged on


def test_the_benchmark_sets_an_applicant_against_the_certified_of_its_domain(read_only, scheme):
    _, workbench = read_only
    rows = portfolio(workbench)
    table = benchmark(rows, "demo-consumer", scheme).set_index("measure")
    total = table.loc["总分 score"]
    assert total["peers"] == 1 and total["percentile"] == 100 and total["best"] == total["mine"]
    assert {"服务返工率", "首次修复率", "综合满意度"} <= set(table.index)  # its KPIs too, from the recorded 04 result
    assert benchmark(rows, "demo-special", scheme) is None  # no certified peer in c


def test_the_benchmark_knows_which_way_each_kpi_is_better(read_only, scheme):
    """Three certified peers in b: a rework rate of 5 % beats one peer of three (lower is
    better), a first-time-fix rate of 90 % two of three (higher is better)."""
    _, workbench = read_only
    rows = portfolio(workbench)
    peer = rows[rows["applicant_id"] == "demo-consumer"].iloc[0]
    crafted = pd.DataFrame([{**peer.to_dict(), "applicant_id": f"p{i}", "kpi_rework_rate": rework,
                             "kpi_first_time_fix_rate": fix} for i, (rework, fix) in
                            enumerate([(0.02, 0.95), (0.05, 0.90), (0.08, 0.85)])])
    table = benchmark(crafted, "p1", scheme).set_index("measure")
    assert table.loc["服务返工率", "percentile"] == pytest.approx(200 / 3)  # as good as or better than 2 of 3
    assert table.loc["服务返工率", "best"] == 0.02 and table.loc["首次修复率", "best"] == 0.95
    assert table.loc["首次修复率", "percentile"] == pytest.approx(200 / 3)


def test_the_notebook_steps_show_the_portfolio_or_one_applicant(read_only, monkeypatch):
    path, _ = read_only
    dashboard = Dashboard.open(f"sqlite:///{path}")
    view = dashboard.portfolio_view()
    chooser = next(w for w in view.children if "aw-open" in w._dom_classes)
    detail = next(w for w in view.children if "aw-detail" in w._dom_classes)
    chooser.value = "demo-special"
    assert "B13" in detail.value and view.children[-1].layout.display == "none"
    assert "与行业标杆的差距" in detail.value
    chooser.value = "demo-consumer"
    trends = view.children[-2].children[0]  # the KPI trends, drawn only when a measure is chosen
    measure = trends.children[1]
    assert "aw-trends" in trends._dom_classes and trends.children[2].value == ""
    measure.value = measure.options[1][1]
    assert "<svg" in trends.children[2].value and "控制上限" in trends.children[2].value


def test_pending_decisions_name_the_members_who_may_not_decide(staffed_audit, db_url, scheme):
    applicant_id, audit = staffed_audit
    workbench = Workbench(db_url, scheme, actor="P01")
    workbench.set_team(audit, [("A02", "leader"), ("M02", "expert")])  # a committee member on the team
    for stage in ("application", "planning", "contract", "characteristic", "system_audit"):
        workbench.record_stage_result(audit, stage, {})
    workbench.record_stage_result(audit, "report", {
        "recommendation": {"certifiable": True, "level": {"label": "三级"}}})
    html = pending_decisions_html(workbench, portfolio(workbench))
    assert applicant_id in html and "建议批准 三级" in html and "M02" in html
    # behind the hub, the viewer's own: marked for M02, not for M01
    assert "不能参与决定" in pending_decisions_html(workbench, portfolio(workbench), viewer="M02")
    assert "不能参与决定" not in pending_decisions_html(workbench, portfolio(workbench), viewer="M01")


def test_demo_portfolio_adds_applicants_scored_through_the_pipeline(workbench, scheme):
    from audit_widgets.demo.portfolio import create_portfolio
    added = create_portfolio(workbench, 4, echo=lambda _: None)
    assert added == ["pf-0001", "pf-0002", "pf-0003", "pf-0004"]
    rows = portfolio(workbench).set_index("applicant_id")
    assert set(rows["domains"].str[0]) == {"a", "b", "c", "d"}
    for applicant_id in added:
        audit = workbench.current_audit(applicant_id)
        report = workbench.stage_result(audit, "report").result
        assert rows.loc[applicant_id, "score"] == report["scores"]["score"] and not rows.loc[applicant_id, "provisional"]
        assert workbench.decision(audit) is not None
    assert create_portfolio(workbench, 4, echo=lambda _: None) == []  # already there: nothing added twice


def test_a_synthetic_applicant_whose_audit_ends_late_has_its_plans_accepted_after_its_findings(workbench):
    """pf-0164, drawn as `demo --portfolio` draws it, has so many outlets that its audit ends after
    the day the demo accepts plans (ten days before the decision): `demo --portfolio 496` stopped
    there. Each plan is now accepted on its finding's day when that is later."""
    import random
    from datetime import date

    from audit_widgets.demo.audits import carry_through
    from audit_widgets.demo.portfolio import SEED, synthetic_applicant
    rng = random.Random(SEED)
    for index in range(1, 164):
        synthetic_applicant(index, rng)
    data, demo = synthetic_applicant(164, rng)
    workbench.add_applicant(data)
    decided_on = date(2026, 12, 6)
    audit = carry_through(workbench, demo, lambda _: None, decided_on)
    accepted = [f for f in workbench.findings(audit) if f.plan_accepted_on is not None]
    assert accepted and all(f.raised_on <= f.plan_accepted_on < decided_on for f in accepted)
    assert any(f.plan_accepted_on == f.raised_on > date(2026, 11, 26) for f in accepted)
    assert workbench.decision(audit) is not None


def test_the_portfolio_is_read_again_only_after_a_write(workbench, consumer, tmp_path):
    from audit_widgets.dashboard.portfolio import cached_portfolio
    first = cached_portfolio(workbench, tmp_path)
    assert len(list(tmp_path.glob("portfolio-*.parquet"))) == 1
    assert cached_portfolio(workbench, tmp_path).equals(first)
    workbench.open_audit(consumer)  # a write: a new trail entry
    again = cached_portfolio(workbench, tmp_path)
    assert again.set_index("applicant_id").loc[consumer, "stage"] == "认证申请"
    assert len(list(tmp_path.glob("portfolio-*.parquet"))) == 1  # the old file is gone


def test_batch_staleness_comes_from_the_ledger(demo_db, scheme, tmp_path):
    """An applicant is batch-stale when a notebook's newest successful run saw an older
    relevant change than there is now; its own writes (computed results) do not count."""
    from datetime import datetime, timezone

    from audit_widgets.batch.inputs import batch_stale
    from audit_widgets.batch.runner import plan_batch
    from audit_widgets.domain import Answer, NotebookRun
    path = copy_database(demo_db, tmp_path / "ledger.sqlite")
    url = f"sqlite:///{path}"
    workbench = Workbench(url, scheme, actor="P01")
    assert not batch_stale(workbench, "demo-composite")  # never run in batch: no batch results to be stale
    audit_id = workbench.current_audit("demo-composite")  # opened by the demo, left for a person
    workbench.set_team(audit_id, [("A02", "leader")])

    def record_a_clean_batch() -> None:
        now = datetime.now(timezone.utc)
        for job in plan_batch(workbench, ["demo-composite"], database_url=url).jobs["demo-composite"]:
            workbench.record_run(NotebookRun("r", "demo-composite", job.notebook, now, now, "ok", (),
                                             job.inputs_hash, job.inputs))
    record_a_clean_batch()
    assert not batch_stale(workbench, "demo-composite")
    workbench.record_stage_result(audit_id, "application", {"computed": True})  # and its results
    assert not batch_stale(workbench, "demo-composite")
    item = next(i for i in scheme.items_for(workbench.get_applicant("demo-composite").domains)
                if i.judgement == "qualitative")
    workbench.acting_as("A02").save_answer(audit_id, item.id, Answer(result="conform"))
    assert batch_stale(workbench, "demo-composite")
    rows = portfolio(Workbench(read_only_url(url), scheme)).set_index("applicant_id")
    assert rows.loc["demo-composite", "batch_stale"] and not rows.loc["demo-consumer", "batch_stale"]
    assert "批量待重跑 batch stale" in applicant_html(workbench, "demo-composite")
    record_a_clean_batch()  # the rerun
    assert not batch_stale(workbench, "demo-composite")


def test_the_applicants_files_are_offered_as_downloads_through_the_kernel(demo_db, scheme):
    """Only the registry's names in an applicant's own folder are offered, and read: no caller
    (behind the hub, any person through the service) can name another file."""
    import base64

    from audit_widgets.dashboard.documents import DocumentLinks
    from audit_widgets.errors import NotFoundError
    from audit_widgets.paths import outputs_dir
    folder = outputs_dir() / "demo-special"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audit_report.pdf").write_bytes(b"%PDF-1.4 report")
    (folder / "secret.sqlite").write_bytes(b"not offered")
    workbench = Workbench(demo_db, scheme)
    links = DocumentLinks(workbench, "demo-special")
    rows = links.children[1:]
    labels = [row.children[0].description for row in rows]
    assert len(rows) == len(labels) and "审查报告 / audit report（PDF）" in "".join(labels)  # the registry's names
    assert not any("secret" in label for label in labels)
    [(button, link)] = [row.children for row in rows if "audit report（PDF）" in row.children[0].description]
    button.click()
    assert f"data:application/pdf;base64,{base64.b64encode(b'%PDF-1.4 report').decode()}" in link.value
    assert "download='audit_report.pdf'" in link.value
    for name in ("demo-special/secret.sqlite", "../data/signing.key", "demo-special/../../data/store.sqlite",
                 "nobody/audit_report.pdf", "demo-special/audits/audit_report.pdf"):
        with pytest.raises(NotFoundError):
            workbench.output_file(name)
    with pytest.raises(NotFoundError):  # nor list a folder that is not an applicant's
        workbench.output_files("../data")


def test_the_next_surveillance_follows_the_certificate_while_an_audit_is_under_way(cycle_db, scheme):
    """Issue 25 §8: an audit opened and not yet decided leaves the certificate's cycle as it is."""
    from .test_audit_coverage import TODAY
    workbench = Workbench(cycle_db, scheme, actor="P01")
    before = portfolio(workbench).set_index("applicant_id").loc["demo-consumer"]["next_surveillance"]
    workbench.open_audit("demo-consumer", "special", TODAY, reason="持证方申请提升等级", special_reason="regrading")
    row = portfolio(workbench).set_index("applicant_id").loc["demo-consumer"]
    assert before and row["next_surveillance"] == before and row["stage"] != "认证申请"


def test_the_decision_summary_shows_why_the_committee_departed_from_the_recommendation(cycle_db, scheme):
    """Issue 25 §8: a decision against the recommendation is shown with its justification."""
    from datetime import date, timedelta

    from audit_widgets.demo.audits import DEMO_APPLICANTS, run_audit
    workbench = Workbench(cycle_db, scheme, actor="P01")
    consumer = next(d for d in DEMO_APPLICANTS if d.id == "demo-consumer")
    audit = workbench.open_audit("demo-consumer", "surveillance", date.today())
    run_audit(workbench, consumer, audit, lambda _: None, date.today(), "suspend",
              override_reason="回访记录显示投诉处理质量下降，委员会决定暂停", status_reason="holder_request",
              deadline=date.today() + timedelta(days=30))
    assert workbench.decision(audit).overrides_recommendation
    shown = applicant_html(workbench, "demo-consumer")
    assert "与审查组的推荐意见不一致" in shown and "回访记录显示投诉处理质量下降" in shown
