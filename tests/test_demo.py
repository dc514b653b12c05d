"""The demo data goes through the same rules and store methods as an auditor's work."""
from audit_widgets.evaluation import evaluate
from audit_widgets.evidence import audit_evidence
from audit_widgets.rules.planning import CaseLots, closed_cases, plan_programme
from audit_widgets.store.repository import Workbench


def initial_audit(workbench: Workbench, applicant_id: str) -> int:
    return workbench.audits(applicant_id)[0].id


def test_every_demo_audit_records_its_own_planned_programme_and_contract(demo_db, scheme):
    """Each audit is planned for its type: a surveillance takes a third of the person-days and
    plans no new cycle; an initial audit or a recertification plans the 3-year cycle."""
    workbench = Workbench(demo_db, scheme)
    days = {}
    for applicant_id in ("demo-industrial", "demo-consumer", "demo-special"):
        for audit in workbench.audits(applicant_id):  # each audit's case lots: the closed cases of its period
            lots = CaseLots.of(closed_cases(audit_evidence(workbench, audit.id).work_orders.records))
            programme = workbench.programme(audit.id)
            planned = plan_programme(scheme, workbench.get_applicant(applicant_id), lots, programme.audit_start,
                                     programme.audit_end, audit.audit_type, site_seed=programme.site_sample.seed,
                                     eligibility=programme.site_sample.eligibility,
                                     visited=programme.site_sample.visited_before)
            assert programme == planned and programme.case_sample_size
            assert programme.site_sample.sampled and programme.site_sample.eligibility  # the MD1 judgement
            assert (len(programme.cycle_plan) >= 5) == scheme.starts_cycle(audit.audit_type)
            assert workbench.contract(audit.id).person_days == programme.person_days
            assert workbench.stage_result(audit.id, "contract").result["contract_no"].startswith("HT-")
            days[applicant_id, audit.audit_type] = programme.person_days
    assert days["demo-industrial", "surveillance"] < days["demo-industrial", "recertification"] < days[
        "demo-industrial", "initial"]


def test_the_demo_decisions_follow_the_recommendation(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    levels = {}
    for applicant_id in ("demo-industrial", "demo-consumer", "demo-special"):
        initial = initial_audit(workbench, applicant_id)
        decision = workbench.decision(initial)
        levels[applicant_id] = (decision.certified, decision.level_rank)
        assert (evaluate(workbench, applicant_id, initial).score.level.rank == decision.level_rank
                or not decision.certified)
    assert levels["demo-special"] == (False, scheme.levels[0].rank)  # refused: the lowest level is recorded
    assert levels["demo-industrial"][0] and levels["demo-consumer"][0]


def test_a_corrective_action_is_one_write(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    verified = [f for f in workbench.findings(initial_audit(workbench, "demo-consumer")) if f.verified_on]
    assert verified and verified[0].plan_accepted_on and verified[0].verified_by == "A02"  # the team leader
    entries = [t for t in workbench.trail("finding") if t.entity_id == str(verified[0].id) and t.action != "seal"]
    assert [t.action for t in entries] == ["raise", "corrective_action"]


def test_the_demo_sites_rotate_and_every_plan_delivers_its_time(demo_db, scheme):
    """IAF MD1 over the cycle: demo-industrial's 16 sites leave enough unvisited outlets for
    each surveillance, so no outlet drawn by an earlier audit of the cycle is drawn again (the
    single call centre and warehouse are visited again to cover their types); and every demo
    plan passes the plan check its planning stage was signed off with (issue 21 §2, §3)."""
    from audit_widgets.stages.completeness import audit_plan_gaps
    workbench = Workbench(demo_db, scheme)
    audits = workbench.audits("demo-industrial")
    seen: set[str] = set()
    for audit in audits:
        if scheme.starts_cycle(audit.audit_type):
            seen = set()  # a recertification starts the next cycle
        sample = workbench.programme(audit.id).site_sample
        assert set(sample.visited_before) == seen
        outlets = {s for s in sample.drawn if s in sample.types.get("service_outlet", ())}
        assert not outlets & seen, (audit.id, outlets & seen)
        seen |= set(sample.sites)
    for applicant_id in ("demo-industrial", "demo-consumer", "demo-special"):
        for audit in workbench.audits(applicant_id):
            assert audit_plan_gaps(workbench, applicant_id, audit.id) == [], audit.id
