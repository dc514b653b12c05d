"""The application review (17065 §7.3) and the audit plan (17021-1 §9.2.3) as records: what
the rules find, what the store refuses, the refusal letter, and the plan in the report."""
from dataclasses import replace
from datetime import date

import pytest

from audit_widgets.errors import WorkbenchError
from audit_widgets.rules.review import review_application
from audit_widgets.store.repository import Workbench

GOOD = dict(licences={}, credit_clear=True, credit_evidence="信用中国 2026-11-01", parent_authorisation="",
            domain_reason="家用电器，消费商品类")


def test_the_rules_refuse_an_individual_business_and_flag_a_branch(workbench, consumer, scheme):
    from audit_widgets.demo.audits import register_auditors
    register_auditors(workbench)
    applicant = workbench.get_applicant(consumer)
    auditors = workbench.auditors()
    on = date(2026, 11, 1)
    assert review_application(scheme, applicant, auditors=auditors, on=on, **GOOD).acceptable
    individual = review_application(scheme, replace(applicant, uscc="92" + applicant.uscc[2:]), auditors=auditors,
                                    on=on, **GOOD)
    assert [p.code for p in individual.problems] == ["not_a_legal_person"] and "个体工商户" in individual.problems[0].zh
    branch = review_application(scheme, replace(applicant, name="深圳悦家电器有限公司广州分公司"), auditors=auditors,
                                on=on, **GOOD)
    assert branch.branch and [p.code for p in branch.problems] == ["branch"]
    assert review_application(scheme, replace(applicant, name="某某分公司"), auditors=auditors, on=on,
                              **{**GOOD, "parent_authorisation": "总公司授权书.pdf"}).acceptable
    medical = replace(applicant, domains=("c",))
    check = review_application(scheme, medical, auditors=auditors, on=on, **GOOD)
    assert {p.code for p in check.problems} == {"licence"} and len(check.licences_needed) == 3
    no_credit = review_application(scheme, applicant, auditors=auditors, on=on, **{**GOOD, "credit_clear": False})
    assert [p.code for p in no_credit.problems] == ["credit"]
    # Nobody competent when every registration has lapsed.
    lapsed = review_application(scheme, applicant, auditors=auditors, on=date(2030, 1, 1), **GOOD)
    assert "competence" in {p.code for p in lapsed.problems}


def test_acceptance_is_refused_while_a_problem_remains_and_a_refusal_ends_the_application(staffed_audit, db_url,
                                                                                        scheme):
    applicant_id, audit = staffed_audit
    workbench = Workbench(db_url, scheme, actor="P01")  # the programme manager reviews
    with pytest.raises(WorkbenchError) as caught:
        workbench.record_review(audit, **{**GOOD, "credit_clear": False}, accepted=True, reason="受理",
                                reviewed_on=date.today())
    assert "失信" in caught.value.zh
    assert workbench.review(audit).credit_clear  # the fixture's accepted review stands unchanged
    workbench.record_review(audit, **{**GOOD, "credit_clear": False}, accepted=False,
                            reason="存在严重失信记录", reviewed_on=date.today())
    [file] = workbench.make_following(applicant_id, "review")  # the letter follows the review
    assert file.name == f"{applicant_id}/refusal_letter.html"
    letter = workbench.output_file(file.name).decode("utf-8")
    assert "不予受理通知书" in letter and "存在严重失信记录" in letter and "申诉" in letter
    from audit_widgets.stages import run_stage
    assert run_stage(workbench, "contract", applicant_id, audit).status == "blocked"
    # The refused application has ended: the applicant may apply again.
    assert workbench.open_audit(applicant_id) != audit


def test_the_audit_plan_is_checked_and_shown_in_the_report(staffed_audit, db_url, scheme):
    applicant_id, audit = staffed_audit
    workbench = Workbench(db_url, scheme, actor="A02")
    site = workbench.get_applicant(applicant_id).sites[0].name
    agenda = [{"day": date(2026, 11, 20), "site": site, "activity": "首次会议", "auditors": ["A02", "A01"]}]
    for bad in ([{**agenda[0], "site": "不存在的场所"}], [{**agenda[0], "auditors": ["A05"]}]):
        with pytest.raises(WorkbenchError):
            workbench.save_audit_plan(audit, team_sent_on=date(2026, 11, 10), objections=[], agenda=bad)
    with pytest.raises(WorkbenchError):
        workbench.save_audit_plan(audit, team_sent_on=None, agenda=agenda,
                                  objections=[{"member": "A01", "reason": "曾任职", "resolution": ""}])
    workbench.save_audit_plan(audit, team_sent_on=date(2026, 11, 10), agenda=agenda,
                              objections=[{"member": "A06", "reason": "曾提供咨询", "resolution": "A06 退出审查组"}])
    from audit_widgets.documents.templating import macro
    from audit_widgets.stages.audit import compute_planning
    plan = compute_planning(workbench, applicant_id, audit).result["audit_plan"]
    shown = macro("_macros.html.j2", "audit_plan")(plan)  # as the report shows it
    assert "曾提供咨询" in shown and "A06 退出审查组" in shown and site in shown and "2026-11-10" in shown
