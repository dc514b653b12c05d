"""Each audit is judged on its own evidence and its own period (issue 21 §1): the imports made for
it, and only their records dated inside the period the scheme gives its audit type."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

from audit_widgets.demo.data import work_order_log, write_csv
from audit_widgets.errors import ConflictError
from audit_widgets.evaluation import evaluate
from audit_widgets.evidence import audit_evidence, evidence_period
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.rules.evidence import Period, months_covered, period_for
from audit_widgets.rules.kpis import compute_kpis
from audit_widgets.store.repository import Workbench

from .conftest import copy_database, database_digest


def test_the_period_follows_the_audit_type(scheme):
    first_day = date(2026, 11, 20)
    initial = period_for(scheme.audit_type("initial"), first_day, None)
    assert (initial.start, initial.end) == (date(2025, 11, 20), date(2026, 11, 19))  # 12 months before day one
    surveillance = period_for(scheme.audit_type("surveillance"), date(2027, 10, 8), initial)
    assert (surveillance.start, surveillance.end) == (date(2026, 11, 20), date(2027, 10, 7))  # since the last one
    recertification = period_for(scheme.audit_type("recertification"), date(2029, 9, 1), surveillance)
    assert recertification.start == date(2028, 9, 1)  # its own 12 months, whatever came before
    first_special = period_for(scheme.audit_type("special"), first_day, None)
    assert first_special == initial  # a first audit without a previous one reads the scheme's months
    next_day = period_for(scheme.audit_type("surveillance"), date(2026, 11, 21), initial)
    assert next_day == Period(date(2026, 11, 20), date(2026, 11, 20))  # never a period that ends before it starts


def test_a_special_audit_reads_the_period_its_reason_names(scheme, demo_db):
    """A complaint's special audit: the 6 months before it, however recent the last audit; a
    scope extension: since the previous audit, as the special audit type says."""
    reasons = scheme.special_reasons_by_id
    special, surveillance = scheme.audit_type("special"), Period(date(2026, 1, 1), date(2026, 10, 31))
    complaint = period_for(special, date(2026, 11, 20), surveillance, reasons["complaint"])
    assert (complaint.start, complaint.end) == (date(2026, 5, 20), date(2026, 11, 19))
    extension = period_for(special, date(2026, 11, 20), surveillance, reasons["scope_extension"])
    assert extension == Period(date(2026, 11, 1), date(2026, 11, 19))
    regrading = period_for(special, date(2026, 11, 20), surveillance, reasons["regrading"])
    assert regrading.start == date(2025, 11, 20)
    # The demo's complaint audit, 20 days after the surveillance, reads its 6 months.
    workbench = Workbench(demo_db, scheme)
    audit = workbench.audits("demo-consumer")[-1]
    assert audit.special_reason == "complaint"
    period, first_day = evidence_period(workbench, audit.id), workbench.programme(audit.id).audit_start
    assert (period.start, period.end) == (first_day - relativedelta(months=6), first_day - timedelta(days=1))
    assert months_covered(audit_evidence(workbench, audit.id).work_orders.records, "opened_at") >= 6


def _log(tmp_path, name: str, *, start: str, months: int, rows: int = 600, seed: int = 5):
    return read_work_orders(write_csv(work_order_log(rows, seed=seed, start=start, months=months), tmp_path / name))


def test_only_the_records_inside_the_period_are_used_and_the_rest_are_counted(staffed_audit, db_url, scheme,
                                                                                tmp_path):
    applicant_id, audit = staffed_audit
    workbench = Workbench(db_url, scheme, actor="A02")
    period = evidence_period(workbench, audit)
    start = (pd.Timestamp(period.start) - pd.DateOffset(months=6)).strftime("%Y-%m-01")
    workbench.import_work_orders(applicant_id, _log(tmp_path, "o.csv", start=start, months=24), audit)
    evidence = audit_evidence(workbench, audit)
    everything = workbench.work_orders(audit)
    opened = everything["opened_at"].dt.normalize()
    inside = (opened >= pd.Timestamp(period.start)) & (opened <= pd.Timestamp(period.end))
    assert 0 < inside.sum() < len(everything)
    assert (len(evidence.work_orders.records), evidence.work_orders.outside) == (inside.sum(), (~inside).sum())
    # The KPIs the audit is scored on are those of the records inside, not of the whole file.
    evaluation = evaluate(workbench, applicant_id, audit)
    expected = compute_kpis(everything[inside].reset_index(drop=True), scheme)
    assert {k: v.value for k, v in evaluation.kpis.overall.items()} == {k: v.value for k, v in expected.overall.items()}
    summary = evidence.summary()
    assert summary["period"] == period.as_dict() and summary["work_orders"]["outside"] == (~inside).sum()
    assert f"{(~inside).sum():,} work orders outside {period.label()} were not used" == summary["work_orders"]["en"]


def test_a_period_too_short_for_the_trend_rules_is_shown_to_the_team(staffed_audit, db_url, scheme, tmp_path):
    from audit_widgets.widgets.monitoring import MonitoringPanel
    applicant_id, audit = staffed_audit
    workbench = Workbench(db_url, scheme, actor="A02")
    period = evidence_period(workbench, audit)
    start = (pd.Timestamp(period.end) - pd.DateOffset(months=2)).strftime("%Y-%m-01")
    workbench.import_work_orders(applicant_id, _log(tmp_path, "short.csv", start=start, months=3), audit)
    panel = MonitoringPanel(workbench, applicant_id, audit)
    months = audit_evidence(workbench, audit).months
    assert months < scheme.monitoring_rules.min_months_for_trend
    assert f"证据期间内仅有 {months} 个月的数据" in panel.table.value and period.label() in panel.period.value


def test_each_demo_audit_read_its_own_import_and_drew_its_own_cases(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    for applicant_id in ("demo-industrial", "demo-consumer"):
        audits = workbench.audits(applicant_id)
        imports = [workbench.audit_imports(a.id)["work_orders"] for a in audits]
        assert [i.audit_id for i in imports] == [a.id for a in audits]
        assert len({i.sha256 for i in imports}) == len(audits)  # one file per audit
        samples = [workbench.case_sample(a.id) for a in audits]
        assert len({s.population_hash for s in samples}) == len(audits)  # each audit's own lot
        assert len({s.seed for s in samples}) == len(audits)
        drawn = [case for s in samples for case in s.ids]
        assert len(drawn) == len(set(drawn))  # no case verified twice in the cycle
        periods = [workbench.stage_result(a.id, "characteristic").result["evidence"]["period"] for a in audits]
        assert len({p["start"] for p in periods}) == len(audits)
        for audit, period in zip(audits, periods):  # every record used lies in its audit's period
            used = audit_evidence(workbench, audit.id).work_orders.records["opened_at"]
            assert period["start"] <= used.min().date().isoformat() and used.max().date().isoformat() <= period["end"]


def test_a_later_import_never_changes_what_an_earlier_audit_used(demo_db, scheme, tmp_path):
    path = copy_database(demo_db, tmp_path / "demo.sqlite")
    workbench = Workbench(f"sqlite:///{path}", scheme, actor="P01")
    initial, recertification = workbench.audits("demo-industrial")[0], workbench.audits("demo-industrial")[-1]
    before = workbench.work_orders(initial.id)
    score = workbench.stage_result(initial.id, "report").result["scores"]["score"]
    # A decided audit's evidence cannot be replaced, and the refusal changes nothing.
    digest = database_digest(path)
    with pytest.raises(ConflictError) as refused:
        workbench.import_work_orders("demo-industrial", _log(tmp_path, "late.csv", start="2026-01-01", months=6),
                                     recertification.id)
    assert refused.value.code == "audit.closed" and database_digest(path) == digest
    # The next audit's own import leaves the earlier audits' records and scores as they were.
    surveillance = workbench.open_audit("demo-industrial", "surveillance", date.today())
    workbench.import_work_orders("demo-industrial", _log(tmp_path, "next.csv", start="2026-06-01", months=6))
    assert workbench.audit_imports(surveillance)["work_orders"].audit_id == surveillance
    pd.testing.assert_frame_equal(workbench.work_orders(initial.id), before)
    assert evaluate(workbench, "demo-industrial", initial.id).score.score == pytest.approx(score)


def test_a_file_imported_before_the_first_audit_becomes_its_evidence(workbench, consumer, tmp_path):
    today = date.today()
    done = workbench.import_work_orders(consumer, _log(tmp_path, "early.csv", start=None, months=12))
    assert done["audit_id"] is None and workbench.current_audit(consumer) is None  # nothing opened by an import
    audit = workbench.open_audit(consumer, submitted_on=today)
    record = workbench.audit_imports(audit)["work_orders"]
    assert (record.id, record.audit_id, record.rows) == (done["import_id"], audit, done["rows"])
    assert record.first_on <= record.last_on < today
    assert workbench.trail(entity="audit")[-1].detail["imports"] == {"work_orders": done["import_id"]}


def test_import_for_a_named_audit_on_the_command_line(command, workbench, consumer, tmp_path):
    audit = workbench.open_audit(consumer)
    path = write_csv(work_order_log(200, seed=8, months=6), tmp_path / "o.csv")
    done = command("--as", "P01", "import", "work-orders", "--applicant", consumer, "--audit", str(audit), path)
    assert done.exit_code == 0 and f"for audit {audit}, dated " in done.output
    assert workbench.audit_imports(audit)["work_orders"].rows == 200
    unknown = command("--as", "P01", "import", "work-orders", "--applicant", consumer, "--audit", "999", path)
    assert unknown.exit_code != 0 and "999" in unknown.output and "Traceback" not in unknown.output


def test_the_report_names_the_period_and_what_was_left_out(demo_db, scheme):
    from audit_widgets.documents.report import report_html
    workbench = Workbench(demo_db, scheme)
    html = report_html(workbench, "demo-industrial")
    audit = workbench.audits("demo-industrial")[-1]
    evidence = workbench.stage_result(audit.id, "characteristic").result["evidence"]
    assert f"{evidence['period']['start']}…{evidence['period']['end']}" in html
    assert evidence["work_orders"]["outside"] > 0 and evidence["work_orders"]["en"] in html


def test_a_surveillance_compares_its_period_with_the_previous_audits(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    initial, surveillance = workbench.audits("demo-industrial")[:2]
    result = workbench.stage_result(surveillance.id, "surveillance").result
    previous = workbench.stage_result(initial.id, "characteristic").result
    assert result["periods"]["previous"] == previous["evidence"]["period"]
    assert result["periods"]["current"]["start"] == (
        date.fromisoformat(previous["evidence"]["period"]["end"]) + timedelta(days=1)).isoformat()
    for measure, values in result["kpi_comparison"].items():  # the previous audit's values, as it recorded them
        assert values["previous"] == previous["kpis"][measure]["value"]


def test_the_case_draw_leaves_out_cases_an_earlier_audit_of_the_cycle_verified(demo_db, scheme, tmp_path):
    """A surveillance handed a log that repeats cases its cycle's earlier audits verified draws
    only the others; the sample is still sized on the whole lot of its period."""
    from audit_widgets.demo.data import moved_into
    from audit_widgets.evidence import case_population
    path = copy_database(demo_db, tmp_path / "demo.sqlite")
    workbench = Workbench(f"sqlite:///{path}", scheme, actor="P01")
    earlier = workbench.audits("demo-consumer")
    surveillance = workbench.open_audit("demo-consumer", "surveillance", date.today())
    assert workbench.cycle_audits_before(surveillance) == [a.id for a in reversed(earlier)]  # back to the initial
    period = evidence_period(workbench, surveillance)
    log = moved_into(work_order_log(300, seed=11, months=1), pd.Timestamp(period.start),
                     pd.Timestamp(period.end) + pd.Timedelta(days=1))
    repeated = [case for a in earlier for case in workbench.case_sample(a.id).ids][:10]
    log.loc[:9, "工单号"] = repeated
    log.loc[:9, "完成时间"] = log.loc[:9, "受理时间"]  # closed: in the lot
    workbench.import_work_orders("demo-consumer", read_work_orders(write_csv(log, tmp_path / "again.csv")))
    population = case_population(workbench, surveillance)
    assert population.left_out == 10 and not population.cases["order_id"].isin(repeated).any()
    assert len(population.lot) == len(population.cases) + 10
    recertification = workbench.audits("demo-industrial")[-1]
    assert workbench.cycle_audits_before(recertification.id) == []  # a recertification starts the cycle afresh


def test_the_work_orders_are_uploaded_in_04_for_the_audit_it_shows(staffed_audit, db_url, scheme, tmp_path):
    from audit_widgets.widgets.monitoring import MonitoringPanel
    applicant_id, audit = staffed_audit
    panel = MonitoringPanel(Workbench(db_url, scheme, actor="A02"), applicant_id, audit)
    assert "尚无证据期间内的工单" in panel.table.value and not panel.upload.disabled
    path = write_csv(work_order_log(300, seed=12, months=12), tmp_path / "log.csv")
    changed = []
    panel.on_import = lambda: changed.append(True)
    panel._uploaded({"new": ({"name": "log.csv", "content": memoryview(path.read_bytes())},)})
    assert f"for audit {audit}" in panel.message.value and changed
    assert "首次修复率" in panel.table.value and evidence_period(panel.workbench, audit).label() in panel.period.value
    bad = write_csv(work_order_log(20, seed=12, months=12).drop(columns=["受理时间"]), tmp_path / "bad.csv")
    panel._uploaded({"new": ({"name": "bad.csv", "content": memoryview(bad.read_bytes())},)})
    assert "受理时间" in panel.message.value and panel.workbench.audit_imports(audit)["work_orders"].rows == 300


def test_the_next_audit_follows_up_the_previous_audits_open_findings(demo_db, scheme):
    """A finding still open when its audit was decided is listed by the next audit's report,
    with its state now; one not verified yet is a deviation the report names."""
    from audit_widgets.documents.report import report_html
    from audit_widgets.evidence import findings_to_follow_up
    workbench = Workbench(demo_db, scheme)
    initial, surveillance, special = workbench.audits("demo-consumer")
    assert findings_to_follow_up(workbench, initial.id) == []  # nothing before the first audit
    decided = workbench.decision(initial.id).decided_on
    followed = findings_to_follow_up(workbench, surveillance.id)
    assert followed and all(f.due_on and (f.verified_on is None or f.verified_on > decided) for f in followed)
    assert {f.id for f in followed} <= {f.id for f in workbench.findings(initial.id)}
    html = report_html(workbench, "demo-consumer")  # the special audit's report
    open_before = findings_to_follow_up(workbench, special.id)
    assert "follow-up of the previous audit's open findings" in html
    assert all(f.description in html for f in open_before)
    unverified = [f for f in open_before if f.verified_on is None]
    assert f"{len(unverified)} findings of the previous audit are not verified yet" in html
    from audit_widgets.widgets.findings import FindingsWidget
    widget = FindingsWidget(workbench, "demo-consumer", surveillance.id, read_only=True)
    assert "to verify now" in widget.follow_up.value and all(f.description in widget.follow_up.value for f in followed)


def test_the_next_audits_team_verifies_what_the_previous_audit_left_open(demo_db, scheme, tmp_path):
    """17021-1 §9.6.2.2: the surveillance team verifies the corrections of the findings the audit
    before it left open. A04 is on the special audit's team only (the copy's surveillance team is
    A02 alone): it verifies the surveillance's open finding through the special audit, and cannot
    write it as the surveillance's, nor follow up a finding its audit does not follow."""
    import sqlite3

    from audit_widgets.errors import PermissionDenied
    from audit_widgets.evidence import findings_to_follow_up
    from audit_widgets.widgets.findings import FindingsWidget
    path = copy_database(demo_db, tmp_path / "demo.sqlite")
    url = f"sqlite:///{path}"
    workbench = Workbench(url, scheme)
    initial, surveillance, special = workbench.audits("demo-consumer")
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM team_members WHERE audit_id = ? AND auditor_id = 'A04'", (surveillance.id,))
    [open_finding] = [f for f in findings_to_follow_up(workbench, special.id) if f.verified_on is None]
    member = Workbench(url, scheme, actor="A04")
    with pytest.raises(PermissionDenied):  # not on the surveillance's team
        member.save_corrective_action(open_finding.id, open_finding.plan or "整改", accepted_on=open_finding.raised_on)
    [initial_finding, *_] = workbench.findings(initial.id)
    with pytest.raises(ConflictError) as refused:
        member.save_corrective_action(initial_finding.id, "整改", following_up=special.id)
    assert refused.value.code == "finding.not_followed_up"
    # On screen: 06 of the special audit lists it to verify and saves through the special audit.
    widget = FindingsWidget(member, "demo-consumer", special.id)
    assert open_finding.id in dict((v, k) for k, v in widget.selected.options)
    widget.selected.value = open_finding.id
    widget.plan.value = widget.plan.value or "建立重复维修统计"
    widget.accepted_on.value = widget.accepted_on.value or open_finding.raised_on
    widget.verified_on.value = date.today()
    widget.save_corrective_action()
    [verified] = [f for f in workbench.findings(surveillance.id) if f.id == open_finding.id]
    assert (verified.verified_on, verified.verified_by) == (date.today(), "A04"), widget.message.value
    assert f"验证 verified {date.today()} A04" in widget.follow_up.value  # listed with who verified it, when
