"""The plan must deliver the time and the sites (issue 21 §3): planning cannot be signed off
while the agenda misses a sampled site, has days outside the audit dates, or while the auditors
who count (not trainees or experts) are on site for fewer auditor-days than the planned time needs."""
from datetime import date, timedelta

import pytest

from audit_widgets.errors import ConflictError
from audit_widgets.rules.person_days import on_site_days
from audit_widgets.stages import run_stage
from audit_widgets.stages.completeness import audit_plan_gaps

from .conftest import agenda_for


def _agenda(sites, days, auditors):
    return agenda_for(sites, date.today() - timedelta(days=3), days, auditors)


def test_no_agenda_is_a_gap_and_planning_cannot_be_signed(staffed_audit, workbench):
    applicant_id, audit = staffed_audit
    assert audit_plan_gaps(workbench, applicant_id, audit) == []  # the fixture's agenda delivers the plan
    workbench.save_audit_plan(audit, team_sent_on=None, objections=[], agenda=[])
    gaps = audit_plan_gaps(workbench, applicant_id, audit)
    assert [g.item for g in gaps] == ["agenda"]
    workbench.record_stage_result(audit, "application", {})
    assert run_stage(workbench, "planning", applicant_id, audit).status == "done"
    with pytest.raises(ConflictError) as refused:
        workbench.acting_as("A02").sign_off(audit, "planning")
    assert "审核计划" in refused.value.zh and "日程" in refused.value.zh


def test_the_agenda_must_visit_every_sampled_site_within_the_audit_dates(staffed_audit, workbench):
    applicant_id, audit = staffed_audit
    programme = workbench.programme(audit)
    sites = programme.site_sample.sites  # no MD1 judgement in the fixture: every site
    assert len(sites) == 9
    agenda = _agenda(sites[:-2], 4, ["A02", "A01"])
    agenda.append({"day": date.today() + timedelta(days=5), "site": sites[0], "activity": "补充 extra",
                   "auditors": ["A02"]})
    workbench.save_audit_plan(audit, team_sent_on=None, objections=[], agenda=agenda)
    gaps = {g.item: g for g in audit_plan_gaps(workbench, applicant_id, audit)}
    assert set(gaps) == {"sites", "days"}
    assert sites[-1] in gaps["sites"].zh and sites[-2] in gaps["sites"].en
    assert str(date.today() + timedelta(days=5)) in gaps["days"].zh


def test_countable_auditor_days_must_cover_the_on_site_time(staffed_audit, workbench, scheme):
    """demo-consumer, every site: 8.5 person-days, at least 7.0 on site. Two auditors for four
    days cover it; one for four days does not; a trainee beside one auditor does not count."""
    applicant_id, audit = staffed_audit
    programme = workbench.programme(audit)
    needed = on_site_days(scheme, programme.person_days)
    assert (programme.person_days, needed) == (8.5, 7.0)
    sites = programme.site_sample.sites
    workbench.save_audit_plan(audit, team_sent_on=None, objections=[], agenda=_agenda(sites, 4, ["A02", "A01"]))
    assert audit_plan_gaps(workbench, applicant_id, audit) == []

    workbench.save_audit_plan(audit, team_sent_on=None, objections=[], agenda=_agenda(sites, 4, ["A02"]))
    [short] = audit_plan_gaps(workbench, applicant_id, audit)
    assert short.item == "auditor_days" and "共 4 个审核人日" in short.zh and "7" in short.zh

    workbench.set_team(audit, [("A02", "leader"), ("A04", "member")])  # A04 is a trainee
    workbench.save_audit_plan(audit, team_sent_on=None, objections=[], agenda=_agenda(sites, 4, ["A02", "A04"]))
    [short] = audit_plan_gaps(workbench, applicant_id, audit)
    assert short.item == "auditor_days" and "A04" not in short.zh and "trainees" in short.en


def test_the_proposed_agenda_delivers_the_programme(staffed_audit, workbench):
    """02's 'propose from the programme' (and the demo): every sampled site, the central function
    opening and closing, the whole team each day of the audit dates."""
    from audit_widgets.rules.planning import propose_agenda
    applicant_id, audit = staffed_audit
    programme = workbench.programme(audit)
    agenda = propose_agenda(programme, ["A02", "A01"])
    assert {line["site"] for line in agenda} == set(programme.site_sample.sites)
    assert {line["day"] for line in agenda} == {programme.audit_start + timedelta(days=d) for d in range(4)}
    assert agenda[0]["site"] == agenda[-1]["site"] == programme.site_sample.sites[0]
    workbench.save_audit_plan(audit, team_sent_on=None, objections=[], agenda=agenda)
    assert audit_plan_gaps(workbench, applicant_id, audit) == []


def test_the_reports_deviations_name_the_sites_the_days_and_the_methods_short(staffed_audit, workbench):
    """Issue 21 §3: the report no longer says 'no deviation' when the plan missed a sampled site,
    fell short of auditor-days, or a method of the audit type had no item answered."""
    from audit_widgets.documents.report import report_html
    applicant_id, audit = staffed_audit
    programme = workbench.programme(audit)
    sites = programme.site_sample.sites
    workbench.save_audit_plan(audit, team_sent_on=None, objections=[], agenda=_agenda(sites[:-1], 4, ["A02"]))
    workbench.record_stage_result(audit, "application", {})
    run_stage(workbench, "planning", applicant_id, audit)  # recorded with what it lacks
    for stage in ("contract", "characteristic", "system_audit"):
        workbench.record_stage_result(audit, stage, {})
    run_stage(workbench, "report", applicant_id, audit)
    page = report_html(workbench, applicant_id)
    deviations = page[page.index("与计划的偏离"):]
    assert f"日程未安排抽样场所：{sites[-1]}" in deviations and "auditor-days" in deviations
    assert "审查方法未实施 method not covered：5.1a" in deviations and "5.2c" in deviations
    assert "未记录与审查计划的偏离" not in deviations
