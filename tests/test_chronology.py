"""Dates come from the audit, and the order of events holds (issue 21 §4): a finding is dated by
its audit's day, and the store refuses a record dated before what it follows, naming both dates
and changing nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from audit_widgets.errors import RuleError
from audit_widgets.rules.planning import CaseLots, plan_programme
from audit_widgets.stages import run_stage
from audit_widgets.store.repository import Workbench

from .conftest import copy_database, database_digest, sign_report

TODAY = date.today()


def _dates(workbench: Workbench, audit: int, applicant_id: str, start: date, end: date) -> None:
    workbench.save_programme(audit, plan_programme(workbench.scheme, workbench.get_applicant(applicant_id),
                                                   CaseLots(0, 0), start, end))


def _refused(path, call, code: str) -> RuleError:
    """`call` is refused with `code` and the store is as it was."""
    before = database_digest(path)
    with pytest.raises(RuleError) as refused:
        call()
    assert refused.value.code == code and database_digest(path) == before
    return refused.value


def test_a_finding_is_dated_by_its_audits_last_day_and_its_action_follows_it(staffed_audit, db_url, db_path, scheme):
    applicant_id, audit = staffed_audit
    admin = Workbench(db_url, scheme, actor="P01")
    _dates(admin, audit, applicant_id, TODAY - timedelta(days=9), TODAY - timedelta(days=7))
    leader = Workbench(db_url, scheme, actor="A02")
    finding = leader.add_finding(audit, "minor", "E01", "服务承诺未公示")
    [raised] = leader.findings(audit)
    assert raised.raised_on == TODAY - timedelta(days=7)  # the last on-site day, not the day it was typed
    grade = scheme.finding_grades_by_id["minor"]
    assert raised.due_on == grade.deadline(TODAY - timedelta(days=7))  # the deadline runs from the audit day
    early = _refused(db_path, lambda: leader.save_corrective_action(
        finding, "公示服务承诺", accepted_on=TODAY - timedelta(days=8)), "chronology.action_before_finding")
    assert str(TODAY - timedelta(days=8)) in early.zh and str(TODAY - timedelta(days=7)) in early.en  # both dates
    _refused(db_path, lambda: leader.save_corrective_action(finding, "公示服务承诺", accepted_on=TODAY - timedelta(days=2),
                                                             verified_on=TODAY - timedelta(days=3)),
             "chronology.verified_before_accepted")
    leader.save_corrective_action(finding, "公示服务承诺", accepted_on=TODAY - timedelta(days=6),
                                  verified_on=TODAY - timedelta(days=1))
    assert leader.findings(audit)[0].verified_on == TODAY - timedelta(days=1)


def test_the_report_is_not_signed_before_the_last_audit_day(staffed_audit, db_url, db_path, scheme):
    applicant_id, audit = staffed_audit
    admin = Workbench(db_url, scheme, actor="P01")
    _dates(admin, audit, applicant_id, TODAY, TODAY + timedelta(days=2))
    for stage in scheme.procedure_stages:  # as sign_report does, short of the signature
        if stage.id in scheme.stages_before("report") and stage.applies_to("initial"):
            admin.record_stage_result(audit, stage.id, {})
    run_stage(admin, "report", applicant_id, audit)
    refused = _refused(db_path, lambda: admin.acting_as("A02").sign_off(audit, "report"),
                       "chronology.report_before_audit")
    assert str(TODAY + timedelta(days=2)) in refused.zh


def test_a_decision_is_not_dated_before_a_finding_it_weighs(staffed_audit, db_url, db_path, scheme):
    applicant_id, audit = staffed_audit
    admin = Workbench(db_url, scheme, actor="P01")
    _dates(admin, audit, applicant_id, TODAY - timedelta(days=5), TODAY - timedelta(days=4))
    Workbench(db_url, scheme, actor="A02").add_finding(audit, "observation", "E02", "建议改进回访记录")
    sign_report(admin, audit, "A02")
    recommendation = admin.stage_result(audit, "report").result["recommendation"]
    committee = Workbench(db_url, scheme, actor="M01")
    _refused(db_path, lambda: committee.record_decision(
        audit, decided_on=TODAY - timedelta(days=6), level_rank=recommendation["level"]["rank"], members=["M01"],
        reasons="未达到认证要求", outcome="refuse"), "chronology.decision_before_finding")


def test_a_decision_follows_the_reports_signature_and_is_not_recorded_ahead(staffed_audit, db_url, db_path, scheme):
    """The report is signed on the store clock's day; the committee decides on a signed report,
    so not before that day, and not on a day still to come."""
    applicant_id, audit = staffed_audit
    admin = Workbench(db_url, scheme, actor="P01")
    _dates(admin, audit, applicant_id, TODAY - timedelta(days=9), TODAY - timedelta(days=7))
    with admin.clock.at(TODAY - timedelta(days=3)):
        sign_report(admin, audit, "A02")
    assert admin.stage_result(audit, "report").signed_at.date() == TODAY - timedelta(days=3)
    rank = admin.stage_result(audit, "report").result["recommendation"]["level"]["rank"]
    committee = Workbench(db_url, scheme, actor="M01")

    def decide(on: date):
        return lambda: committee.record_decision(audit, decided_on=on, level_rank=rank, members=["M01"],
                                                 reasons="未达到认证要求", outcome="refuse")
    early = _refused(db_path, decide(TODAY - timedelta(days=5)), "chronology.decision_before_report")
    assert str(TODAY - timedelta(days=3)) in early.zh and str(TODAY - timedelta(days=5)) in early.en
    _refused(db_path, decide(TODAY + timedelta(days=1)), "chronology.in_future")
    decide(TODAY - timedelta(days=3))()
    assert committee.decision(audit).decided_on == TODAY - timedelta(days=3)


def test_the_demo_history_keeps_the_order_of_events(demo_db, scheme):
    """Four years rebuilt in a minute on the store's clock: each audit's report is signed after its
    last on-site day and before its decision, which comes before its certificate change."""
    workbench = Workbench(demo_db, scheme)
    checked = 0
    for applicant in ("demo-industrial", "demo-consumer", "demo-special"):
        for audit in workbench.audits(applicant):
            signed = workbench.stage_result(audit.id, "report").signed_at.date()
            decision = workbench.decision(audit.id)
            assert workbench.programme(audit.id).audit_end <= signed <= decision.decided_on <= TODAY, audit
            checked += 1
    assert checked == 8


def test_a_certificate_follows_its_decision_and_a_surveillance_follows_the_certificate(demo_db, scheme, tmp_path):
    path = copy_database(demo_db, tmp_path / "demo.sqlite")
    workbench = Workbench(f"sqlite:///{path}", scheme, actor="P01")
    certificate = workbench.certificate_for("demo-industrial")
    refused = _refused(path, lambda: workbench.open_audit("demo-industrial", "surveillance",
                                                          certificate.issued_on - timedelta(days=1)),
                       "chronology.audit_before_certificate")
    assert certificate.number in refused.zh
    # The demo consumer's special audit: decided, its decision (maintain) carried out on its day.
    special = workbench.audits("demo-consumer")[-1]
    decision = workbench.decision(special.id)
    assert workbench.decision_carried_out(special.id) and decision.decided_on <= TODAY


def test_a_corrective_action_is_a_record_of_who_did_what_and_nothing_is_recorded_ahead(staffed_audit, db_url,
                                                                                       db_path, scheme):
    from audit_widgets.documents.report import report_html
    applicant_id, audit = staffed_audit
    admin = Workbench(db_url, scheme, actor="P01")
    _dates(admin, audit, applicant_id, TODAY - timedelta(days=9), TODAY - timedelta(days=7))
    leader = Workbench(db_url, scheme, actor="A02")
    finding = leader.add_finding(audit, "minor", "E01", "服务承诺未公示")
    refused = _refused(db_path, lambda: leader.save_corrective_action(
        finding, "制度化公示", accepted_on=TODAY + timedelta(days=3)), "chronology.in_future")
    assert str(TODAY + timedelta(days=3)) in refused.zh and str(TODAY) in refused.en
    leader.save_corrective_action(finding, "建立服务承诺公示制度", correction="当日张贴服务承诺",
                                  root_cause="无公示职责分工", implementation_evidence="门店照片 3 张",
                                  accepted_on=TODAY - timedelta(days=5))
    Workbench(db_url, scheme, actor="A01").save_corrective_action(finding, "建立服务承诺公示制度", correction="当日张贴服务承诺",
                                 root_cause="无公示职责分工", implementation_evidence="门店照片 3 张",
                                 accepted_on=TODAY - timedelta(days=5), verified_on=TODAY)
    [recorded] = leader.findings(audit)
    assert (recorded.correction, recorded.root_cause, recorded.implementation_evidence) == (
        "当日张贴服务承诺", "无公示职责分工", "门店照片 3 张")
    assert (recorded.accepted_by, recorded.verified_by) == ("A02", "A01")  # each by who did it, kept on resave
    sign_report(admin, audit, "A02")
    html = report_html(admin, applicant_id)
    assert "原因 root cause：无公示职责分工" in html and f"验证 verified {TODAY} A01" in html
