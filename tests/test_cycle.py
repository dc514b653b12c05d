"""The whole certification cycle on a copy of the demo store: the audits of each demo history,
the decisions after every audit, the state machine's refusals, complaints and appeals with
their independence rule, and earlier audits left untouched by later ones."""
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from audit_widgets.cli import cli
from audit_widgets.errors import WorkbenchError
from audit_widgets.evaluation import evaluate
from audit_widgets.stages import run_stage
from audit_widgets.store.repository import Workbench
from audit_widgets.timeline import applicant_timeline

from .conftest import database_digest, sign_report, suspend


def audits_of(workbench, applicant_id):
    return {a.audit_type: a for a in workbench.audits(applicant_id)}


def test_demo_industrial_goes_through_its_whole_cycle(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    timeline = applicant_timeline(workbench, "demo-industrial").as_dict()
    # The surveillances keep the level (a partial audit cannot raise it); the recertification raises it.
    assert [(a["type"], a["decision"]) for a in timeline["audits"]] == [
        ("initial", "certify"), ("surveillance", "maintain"), ("surveillance", "maintain"), ("recertification", "certify")]
    levels = [a["level_rank"] for a in timeline["audits"]]
    assert levels[1] == levels[0] == levels[2] and levels[3] == levels[2] + 1
    chain = workbench.certificate_chain("demo-industrial")
    assert [c.status for c in chain] == ["superseded", "valid"]
    assert chain[1].replaces == chain[0].number and chain[1].level_rank == chain[0].level_rank + 1  # the number history
    # Recertified before expiry: the new cycle follows the old one without a gap.
    assert chain[1].expires_on == chain[0].expires_on.replace(year=chain[0].expires_on.year + 3)
    # Each surveillance was within 12 months of the decision before it.
    decided = [a["decided_on"] for a in timeline["audits"]]
    assert all((later - earlier).days <= 366 for earlier, later in zip(decided, decided[1:3]))


def test_demo_consumer_is_suspended_reinstated_and_audited_after_a_complaint(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    timeline = applicant_timeline(workbench, "demo-consumer").as_dict()
    statuses = [(e["status"], e["reason"]) for e in timeline["certificate_events"]]
    assert statuses[1:] == [("suspended", "missed_surveillance"), ("valid", "suspension_lifted")]
    assert [(a["type"], a["decision"]) for a in timeline["audits"]] == [
        ("initial", "certify"), ("surveillance", "reinstate"), ("special", "maintain")]
    [complaint] = [c for c in timeline["cases"] if c["kind"] == "complaint"]
    assert complaint["outcome"] == "upheld" and complaint["audit_id"] == timeline["audits"][2]["id"]
    assert "complaint" in timeline["audits"][2]["reason"]


def test_demo_special_appeal_is_handled_and_rejected(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    [appeal] = workbench.appeals("demo-special")
    assert appeal.outcome == "rejected" and appeal.handler == "A01"
    assert workbench.decision(appeal.audit_id).outcome == "refuse"  # a rejected appeal leaves it standing


def test_the_audits_command_prints_the_timeline_as_json(demo_db):
    result = CliRunner().invoke(cli, ["--db", demo_db, "audits", "--applicant", "demo-industrial", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"audits", "certificate_events", "cases"}
    assert {"type", "started_on", "score", "level_rank", "decision"} <= set(data["audits"][0])
    assert {"status", "reason", "on"} <= set(data["certificate_events"][0])
    text = CliRunner().invoke(cli, ["--db", demo_db, "audits", "--applicant", "demo-consumer"]).output
    assert "suspended" in text and "reinstate" in text and "complaint" in text


def test_the_state_machine_refuses_what_the_cycle_does_not_allow(cycle_db, scheme):
    """Each refused transition leaves the store as it was, with a plain reason."""
    workbench = Workbench(cycle_db, scheme, actor="P01")
    path = cycle_db.removeprefix("sqlite:///")
    today = date.today()
    refused = [
        lambda: workbench.open_audit("demo-industrial", "initial"),   # a certificate is in force
        lambda: workbench.open_audit("demo-special", "surveillance"),  # never certified
        lambda: workbench.open_audit("demo-industrial", "special"),   # a special audit needs its reason
        lambda: workbench.open_audit("demo-industrial", "recertification"),  # long before the window
        lambda: workbench.open_audit("demo-composite", "initial"),    # its first audit is not decided yet
        lambda: workbench.open_audit("demo-industrial", "annual"),    # not an audit type
    ]
    before = database_digest(path)
    for attempt in refused:
        with pytest.raises(WorkbenchError) as caught:
            attempt()
        assert caught.value.zh and caught.value.en
    assert database_digest(path) == before

    surveillance = workbench.open_audit("demo-industrial", "surveillance", today)
    workbench.set_team(surveillance, [("A01", "leader")])
    sign_report(workbench, surveillance, "A01")
    committee = workbench.acting_as("M01")
    certificate = workbench.certificate_for("demo-industrial")
    base = dict(decided_on=today, members=["M01", "M02"], reasons="r", override_reason="tested")
    decisions = [
        dict(outcome="certify", level_rank=certificate.level_rank),        # not after a surveillance
        dict(outcome="raise", level_rank=certificate.level_rank),          # raise to the same level
        dict(outcome="lower", level_rank=certificate.level_rank + 1),      # lower to a higher level
        dict(outcome="reinstate", level_rank=certificate.level_rank),      # it is not suspended
        dict(outcome="suspend", level_rank=certificate.level_rank),        # no reason, no deadline
        dict(outcome="suspend", level_rank=certificate.level_rank, status_reason="missed_surveillance",
             deadline=today),                                              # a deadline that is not after the decision
        dict(outcome="maintain", level_rank=99),                           # no such level
        dict(outcome="maintain", level_rank=certificate.level_rank, members=["A01"]),  # on the audit team
    ]
    before = database_digest(path)
    for decision in decisions:
        with pytest.raises(WorkbenchError):
            committee.record_decision(surveillance, **{**base, **decision})
    assert database_digest(path) == before
    committee.record_decision(surveillance, **base, outcome="suspend", level_rank=certificate.level_rank,
                              status_reason="persistent_nonconformity", deadline=today + timedelta(days=90))
    decided = database_digest(path)
    issuer = workbench.acting_as("P02")  # P01 manages demo-industrial: it does not carry out its decisions
    with pytest.raises(WorkbenchError) as unsigned:  # a certificate carries out a signed decision only
        issuer.issue_certificate(surveillance, today)
    assert unsigned.value.code == "decision.unsigned" and database_digest(path) == decided
    run_stage(workbench, "decision", "demo-industrial", surveillance)
    committee.sign_off(surveillance, "decision")
    with pytest.raises(WorkbenchError) as managing:
        workbench.issue_certificate(surveillance, today)
    assert managing.value.code == "certificate.manager"
    issuer.issue_certificate(surveillance, today)
    assert workbench.certificate_for("demo-industrial").status == "suspended"
    issuer.issue_certificate(surveillance, today)  # carried out once: a second call changes nothing
    assert [h.to_status for h in workbench.status_history(certificate.number)][-2:] == ["valid", "suspended"]
    with pytest.raises(WorkbenchError):  # a certificate in force cannot be "certified" anew
        workbench.open_audit("demo-industrial", "initial")


def test_earlier_audits_are_untouched_by_later_ones(demo_db, scheme):
    """Each audit keeps its own answers, results and sign-offs; the initial audit's report still
    holds the score it was decided on."""
    workbench = Workbench(demo_db, scheme)
    audits = workbench.audits("demo-industrial")
    initial, recert = audits[0], audits[-1]
    # Its evidence is its own: the later audits' imports leave what it reads, so scoring it again
    # gives the score it was decided on.
    recorded = workbench.stage_result(initial.id, "report").result["scores"]["score"]
    assert evaluate(workbench, "demo-industrial", initial.id).score.score == pytest.approx(recorded)
    assert workbench.audit_imports(initial.id)["work_orders"].audit_id == initial.id
    assert workbench.is_signed(initial.id, "characteristic") and workbench.verify_sign_off(initial.id, "characteristic")
    assert workbench.answers(initial.id) and workbench.answers(recert.id)
    assert set(workbench.answers(audits[1].id)) < set(workbench.answers(initial.id))  # the reduced surveillance
    covered = set(scheme.audit_methods("surveillance"))
    assert {scheme.items_by_id[i].method for i in workbench.answers(audits[1].id)} <= covered


def test_complaint_investigators_and_appeal_handlers_must_not_have_been_involved(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="P01")
    today = date.today()
    complaint = workbench.record_complaint(received_on=today, complainant="客户", complainant_kind="client",
                                           about="holder", applicant_id="demo-industrial", subject="服务承诺未兑现")
    for involved in ("A01", "A04", "M01"):  # the industrial audit team and its deciding committee
        with pytest.raises(WorkbenchError) as caught:
            workbench.assign_complaint(complaint, involved)
        assert caught.value.code == "complaint.involved"
    with pytest.raises(WorkbenchError):
        workbench.close_complaint(complaint, outcome="upheld", findings="f", action="none", replied_on=today,
                                  reply="r")  # nobody investigates yet
    workbench.assign_complaint(complaint, "A03")
    initial = workbench.audits("demo-industrial")[0].id
    appeal = workbench.record_appeal(initial, received_on=today, appellant="x", grounds="g")
    with pytest.raises(WorkbenchError):
        workbench.assign_appeal(appeal, "M02")  # decided it
    workbench.assign_appeal(appeal, "A06")
    with pytest.raises(WorkbenchError):
        workbench.record_appeal(workbench.current_audit("demo-composite"), received_on=today, appellant="x",
                                grounds="g")  # no decision to appeal


def test_an_upheld_appeal_reopens_the_decision(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="P01")
    audit = workbench.audits("demo-special")[0].id
    old = workbench.decision(audit)
    [first] = workbench.appeals("demo-special")
    appeal = workbench.record_appeal(audit, received_on=date.today(), appellant="x", grounds="新证据")
    workbench.assign_appeal(appeal, "A02")
    workbench.decide_appeal(appeal, outcome="upheld", reasons="新证据成立", decided_on=date.today(),
                            replied_on=date.today())
    assert workbench.decision(audit) is None  # the committee decides again
    entry = [t for t in workbench.trail("appeal") if t.entity_id == str(appeal) and t.action == "decide"][-1]
    assert entry.detail["reopened_decision"]["outcome"] == old.outcome  # the old decision stays in the trail
    assert workbench.stage_result(audit, "decision").redo_reason
    assert first.outcome == "rejected"


def test_the_dashboard_counts_open_complaints_and_appeals_and_shows_the_history(cycle_db, scheme):
    from audit_widgets.dashboard.pages import applicant_html, open_cases_html
    workbench = Workbench(cycle_db, scheme, actor="P01")
    assert "未结投诉 open complaints <b>0</b>，未结申诉 open appeals <b>0</b>" in open_cases_html(workbench)
    workbench.record_complaint(received_on=date.today(), complainant="第三方", complainant_kind="third_party",
                               about="certification_body", subject="审查员迟到")
    assert "未结投诉 open complaints <b>1</b>" in open_cases_html(workbench)
    page = applicant_html(workbench, "demo-consumer")
    assert "认证历史 / certification history" in page and "missed_surveillance" in page
    # Which methods the score covers (issue 22 §2): the complaint's special audit, 4 of 7.
    assert "覆盖方法 methods covered 4/7" in page and "不能据此提升等级" in page
    assert "覆盖方法 methods covered 7/7" in applicant_html(workbench, "demo-industrial")


def test_a_change_of_the_holders_name_is_recorded_and_reissues_the_certificate(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="M01")
    old = workbench.certificate_for("demo-industrial")
    new = workbench.change_holder_details("demo-industrial", name="苏州恒远精密装备有限公司", on=date.today(),
                                          reason="营业执照变更（演示）")
    assert new.replaces == old.number and new.number != old.number
    assert (new.level_rank, new.expires_on, new.status) == (old.level_rank, old.expires_on, "valid")
    assert workbench.find_certificate(old.number).status == "superseded"
    assert workbench.status_history(old.number)[-1].reason == "holder_details_changed"
    assert workbench.get_applicant("demo-industrial").name == "苏州恒远精密装备有限公司"
    entry = [t for t in workbench.trail("applicant") if t.action == "change_details"][-1]
    assert entry.detail["from"]["name"] == "苏州恒远精密机械有限公司"


def test_the_contract_keeps_the_holders_duty_to_notify_changes(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    contract = workbench.contract(workbench.audits("demo-consumer")[0].id)
    assert any("30 日内书面通知" in clause for clause in contract.obligations)


def test_records_past_their_retention_are_listed_and_disposed_of_only_on_request(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="P01")
    path = cycle_db.removeprefix("sqlite:///")
    assert workbench.records_due_for_disposal(date.today()) == []  # the demo's cycles are all kept
    later = date.today().replace(year=date.today().year + 7)
    due = {(r.applicant_id, r.audit_type) for r, _ in workbench.records_due_for_disposal(later)}
    # What will be due: demo-industrial's first cycle (initial and its surveillances) and
    # demo-special's refusal; not the running cycles.
    assert due == {("demo-industrial", "initial"), ("demo-industrial", "surveillance"), ("demo-special", "initial")}
    before = database_digest(path)
    first = workbench.audits("demo-industrial")[0].id
    # The issue's example: `records dispose --on 2030-01-01 --yes` deleted the audit, its certificate
    # and its status history three years early. A day that has not come disposes of nothing.
    result = CliRunner().invoke(cli, ["--db", cycle_db, "--as", "P01", "records", "dispose", "--audit", str(first),
                                      "--reason", "期满", "--on", str(later), "--yes"])
    assert result.exit_code == 1 and "after today" in result.output
    with pytest.raises(WorkbenchError):
        workbench.dispose_of_audit(first, date.today(), "期满")  # within its retention
    result = CliRunner().invoke(cli, ["--db", cycle_db, "records", "dispose", "--audit", "1", "--reason", "期满"])
    assert result.exit_code == 1 and "--yes" in result.output  # nothing without the confirmation
    assert database_digest(path) == before


def test_a_suspended_certificate_is_reinstated_only_by_a_decision(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="M01")
    certificate = workbench.certificate_for("demo-industrial")
    suspend(workbench, certificate.number, date.today())
    with pytest.raises(WorkbenchError) as caught:
        workbench.change_status_by_rule(certificate.number, "valid", "suspension_lifted", date.today())
    assert caught.value.code == "status.needs_decision"
    assert workbench.certificate_for("demo-industrial").status == "suspended"


def test_a_scope_extension_is_a_special_audit_whose_decision_reissues_the_certificate(cycle_db, scheme):
    from audit_widgets.demo.audits import DEMO_APPLICANTS, run_audit
    workbench = Workbench(cycle_db, scheme, actor="P01")
    industrial = next(d for d in DEMO_APPLICANTS if d.id == "demo-industrial")
    old = workbench.certificate_for("demo-industrial")
    result = CliRunner().invoke(cli, ["--db", cycle_db, "audit", "extend-scope", "--applicant", "demo-industrial",
                                      "--domain", "b", "--goods", "工业机械设备、家用空气净化器",
                                      "--reason", "新增消费品业务", "--json"])
    assert result.exit_code == 0, result.output
    audit_id = json.loads(result.output)["audit"]
    assert workbench.audit_domains(audit_id) == ("a", "b")  # the audit covers the new domain's items
    assert workbench.get_applicant("demo-industrial").domains == ("a",)  # not extended before the decision
    run_audit(workbench, industrial, audit_id, lambda _: None, date.today(), "extend_scope",
              override_reason="范围扩大的特殊审核只评价新增领域，等级沿用原证书")
    new = workbench.certificate_for("demo-industrial")
    assert new.replaces == old.number and new.scope.domains == ("a", "b") and new.level_rank == old.level_rank
    assert "家用空气净化器" in new.scope.goods and new.expires_on == old.expires_on
    assert workbench.status_history(old.number)[-1].reason == "scope_extended"
    assert workbench.get_applicant("demo-industrial").domains == ("a", "b")
    answered = {scheme.items_by_id[i].domains for i in workbench.answers(audit_id)}
    assert any("b" in domains for domains in answered)  # the new domain's items were audited
    # extend_scope after an audit not opened for one is refused
    surveillance = workbench.open_audit("demo-consumer", "surveillance", date.today())
    workbench.set_team(surveillance, [("A02", "leader")])
    sign_report(workbench, surveillance, "A02")
    with pytest.raises(WorkbenchError, match="extend_scope"):
        workbench.acting_as("M01").record_decision(surveillance, decided_on=date.today(), outcome="extend_scope",
                                                   level_rank=4, members=["M01"], reasons="r", override_reason="r")


def test_the_cycle_panel_shows_the_history_and_starts_the_next_audit(cycle_db, scheme):
    from audit_widgets.widgets.cycle import CyclePanel
    workbench = Workbench(cycle_db, scheme, actor="P01")
    panel = CyclePanel(workbench, "demo-industrial")
    assert "superseded" in panel.timeline.value and "证书状态无须变更" in panel.due.value
    panel.audit_type.value = "special"
    panel.open_audit()  # a special audit without its reason is refused, with the reason shown
    assert "reason" in panel.message.value and len(workbench.audits("demo-industrial")) == 4
    panel.reason.value = "新增消费品业务"
    panel.extend_domains.value = ("b",)
    panel.open_audit()
    audit = workbench.audits("demo-industrial")[-1]
    assert audit.audit_type == "special" and audit.requested_scope["domains"] == ["a", "b"]
    assert "已开始下一次审核" in panel.message.value and f"audit {audit.id} special" in panel.timeline.value


def test_the_cycle_start_survives_a_reissue(cycle_db, scheme):
    """Issue 22 §3: a reissue within the cycle (here the holder's new name; a level change or a
    scope extension alike) keeps the cycle's start, the initial decision, from which the
    surveillances fall due: they fall before the reissued certificate's expiry. A recertified
    certificate starts a cycle of its own."""
    from audit_widgets.documents.certificate import CertificateSources, certificate_html
    from audit_widgets.rules.lifecycle import surveillance_due_dates
    workbench = Workbench(cycle_db, scheme, actor="P01")
    initial = workbench.audits("demo-consumer")[0]
    start = workbench.decision(initial.id).decided_on
    reissued = workbench.change_holder_details("demo-consumer", name="深圳安家电器股份有限公司", on=date.today(),
                                               reason="工商变更登记")
    assert reissued.replaces and reissued.issued_on == date.today() != start
    assert workbench.cycle_start(reissued) == start
    assert all(due <= reissued.expires_on for due in surveillance_due_dates(scheme, workbench.cycle_start(reissued)))
    printed = certificate_html(scheme, CertificateSources.read(workbench, reissued))
    assert f"监督审核最迟日期 due by：{surveillance_due_dates(scheme, start)[0]}" in printed
    recertified = workbench.certificate_for("demo-industrial")
    assert workbench.cycle_start(recertified) == workbench.decision(recertified.audit_id).decided_on


def test_a_level_is_raised_only_on_an_audit_of_every_method_and_one_level_at_a_time(demo_db, scheme):
    """Issue 22 §2: demo-industrial's second surveillance scored 98.53 (五级) on 4 of the 7
    methods until 2026.7; with the survey (5 of 7) it scores 四级, and the committee maintained
    it; the recertification, an audit of every method, raised it to 五级. A partial audit's score
    of 五级 is recommended at the certificate's level; a surveillance's raise, and a raise by two
    levels, are refused."""
    from audit_widgets.domain import Certificate, Scope
    from audit_widgets.errors import RuleError
    from audit_widgets.rules.cycle import check_decision, decidable_recommendation
    from audit_widgets.rules.decision import Recommendation
    workbench = Workbench(demo_db, scheme)
    initial, first, second, recertification = workbench.audits("demo-industrial")
    report = workbench.stage_result(second.id, "report").result["recommendation"]
    assert report["level"]["rank"] == 4 and len(second.covered_methods(scheme)) == 5
    assert [workbench.decision(a.id).outcome for a in (first, second, recertification)] == [
        "maintain", "maintain", "certify"]
    assert workbench.decision(recertification.id).level_rank == 5
    held = Certificate(number="N", applicant_id="x", audit_id=1, level_rank=2, scope=Scope(("a",), "", ""),
                       issued_on=date(2026, 1, 1), expires_on=date(2028, 12, 31), status="valid", scheme_version="")
    top = Recommendation(True, 5, "五级", "卓越级")
    partial_advice = decidable_recommendation(scheme, top, "surveillance", held)
    note = next(g for g in partial_advice.reasons if g.id == "decidable_level")
    assert partial_advice.level_rank == 2 and "4/7" in note.zh and not note.blocking
    with pytest.raises(RuleError) as partial:
        check_decision(scheme, "surveillance", "raise", level_rank=3, certificate=held, decided_on=date(2026, 12, 1))
    assert "全部方法" in partial.value.zh and "5.1b" in partial.value.zh
    with pytest.raises(RuleError) as leap:
        check_decision(scheme, "recertification", "certify", level_rank=4, certificate=held,
                       decided_on=date(2028, 12, 1))
    assert "最多提升 1 级" in leap.value.zh
    check_decision(scheme, "recertification", "certify", level_rank=3, certificate=held, decided_on=date(2028, 12, 1))
