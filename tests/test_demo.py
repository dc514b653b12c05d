"""The demo data goes through the same rules and store methods as an auditor's work."""
from audit_widgets.evaluation import evaluate
from audit_widgets.rules.planning import CaseLots, closed_cases, plan_programme
from audit_widgets.store.repository import Workbench


def test_the_demo_records_the_planned_programme_and_the_contract(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    for applicant_id in ("demo-industrial", "demo-consumer", "demo-special"):
        application = workbench.current_application(applicant_id)
        programme = workbench.programme(application)
        lots = CaseLots.of(closed_cases(workbench.work_orders(applicant_id)))
        planned = plan_programme(scheme, workbench.get_applicant(applicant_id), lots,
                                 programme.audit_start, programme.audit_end, site_seed=programme.site_sample.seed)
        assert programme == planned and programme.case_sample_size and len(programme.cycle_plan) >= 5
        assert workbench.contract(application).person_days == programme.person_days
        assert workbench.stage_result(application, "contract").result["contract_no"].startswith("HT-")


def test_the_demo_decisions_follow_the_recommendation(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    levels = {}
    for applicant_id in ("demo-industrial", "demo-consumer", "demo-special"):
        decision = workbench.decision(workbench.current_application(applicant_id))
        levels[applicant_id] = (decision.certified, decision.level_rank)
        assert evaluate(workbench, applicant_id).score.level.rank == decision.level_rank or not decision.certified
    assert levels["demo-special"] == (False, scheme.levels[0].rank)  # refused: the lowest level is recorded
    assert levels["demo-industrial"][0] and levels["demo-consumer"][0]


def test_a_corrective_action_is_one_write(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    verified = [f for f in workbench.findings(workbench.current_application("demo-consumer")) if f.verified_on]
    assert verified and verified[0].plan_accepted_on and verified[0].verified_by == "demo"
    entries = [t for t in workbench.trail("finding") if t.entity_id == str(verified[0].id)]
    assert [t.action for t in entries] == ["raise", "corrective_action"]
