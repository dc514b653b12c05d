"""What an audit covers is fixed when it is opened (issue 22 §2, §3): the survey at the second
surveillance of a cycle, every method for a re-grading (which alone, with a recertification, may
raise the level), the new domain's veto methods for a scope extension; and a short-notice special
audit shows as due."""
from datetime import date, timedelta

import pytest

from audit_widgets.enforcement import enforce
from audit_widgets.errors import WorkbenchError
from audit_widgets.evaluation import evaluate
from audit_widgets.rules.cycle import check_decision
from audit_widgets.stages.certification import compute_recertification
from audit_widgets.store.repository import Workbench

TODAY = date.today()


def test_the_survey_is_repeated_at_the_second_surveillance(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    initial, first, second, recertification = workbench.audits("demo-industrial")
    every = tuple(m.id for m in scheme.methods)
    assert "5.1a" not in first.covered_methods(scheme) and "5.1a" in second.covered_methods(scheme)
    assert initial.covered_methods(scheme) == every == recertification.covered_methods(scheme)
    # The example: the second surveillance scored 98.60 (五级) without the survey; with it
    # the same data keep it in 四级, and the level is kept, not raised, after a surveillance.
    score = evaluate(workbench, "demo-industrial", second.id).score
    assert score.level.label == "四级" and 90 <= score.score < 95
    assert workbench.decision(second.id).outcome == "maintain"


def test_a_raise_needs_an_audit_of_every_method_and_a_regrading_is_one(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="P01")
    certificate = workbench.certificate_for("demo-consumer")
    surveillance = scheme.audit_methods("surveillance")
    with pytest.raises(WorkbenchError, match="every method"):
        check_decision(scheme, "special", "raise", level_rank=certificate.level_rank + 1, certificate=certificate,
                       decided_on=TODAY, methods=surveillance)
    regrading = workbench.open_audit("demo-consumer", "special", TODAY, reason="持证方申请提升等级",
                                     special_reason="regrading")
    audit = workbench.audit(regrading)
    assert audit.covered_methods(scheme) == tuple(m.id for m in scheme.methods) and audit.due_by is None
    check_decision(scheme, "special", "raise", level_rank=certificate.level_rank + 1, certificate=certificate,
                   decided_on=TODAY, methods=audit.covered_methods(scheme))
    with pytest.raises(WorkbenchError, match="特殊审核"):  # a reason category is a special audit's only
        workbench.open_audit("demo-industrial", "surveillance", TODAY, special_reason="regrading")


def test_a_scope_extension_covers_the_new_domains_veto_items(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="P01")
    applicant = workbench.get_applicant("demo-industrial")
    audit = workbench.request_scope_extension("demo-industrial", domains=["c"], goods=applicant.goods + "、特种设备",
                                              services=applicant.services, on=TODAY, reason="新增特种设备业务")
    covered = workbench.audit(audit).covered_methods(scheme)
    # E10 (5.2a) is domain c's veto item: until 2026.7 the special audit's four methods left it out.
    assert "5.2a" in covered and set(scheme.audit_methods("special")) <= set(covered)
    assert any(i.id == "E10" for i in scheme.items_for(workbench.audit_domains(audit), "5.2a"))


def test_a_short_notice_special_audit_is_due_within_its_days(cycle_db, scheme):
    workbench = Workbench(cycle_db, scheme, actor="P01")
    opened = TODAY - timedelta(days=40)
    audit = workbench.open_audit("demo-consumer", "special", opened, reason="国家监督抽查：冰箱能效不合格",
                                 special_reason="supervision_sampling")
    assert workbench.audit(audit).due_by == opened + timedelta(days=30)
    status = compute_recertification(workbench, "demo-consumer", audit).result
    assert status["audits_due"] == [{"audit": audit, "special_reason": "supervision_sampling",
                                     "due_by": opened + timedelta(days=30), "overdue": True}]
    [due] = [d for d in enforce(workbench) if d.applicant_id == "demo-consumer"]
    assert (due.audit, due.since, due.applied) == (audit, opened + timedelta(days=30), False)
    assert "已逾期 overdue" in due.line()
