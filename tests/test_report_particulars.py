"""What the report states beside the checklists (issue 23 §3, ISO/IEC 17021-1 §9.4.8): the
client's representative, observers and guides, changes since the last audit, the internal audit
and management review, the use of the certificate and mark, and issues for the audit programme.
Scheme data (report_particulars), recorded in 06, required per audit type before the report is
signed, printed in the report, and locked with it."""
from __future__ import annotations

import pytest

from audit_widgets.documents.report import report_html
from audit_widgets.errors import ConflictError
from audit_widgets.stages import run_stage
from audit_widgets.store.repository import Workbench

from .conftest import database_digest


def test_the_report_is_not_signed_until_it_states_what_its_audit_type_requires(staffed_audit, db_url, db_path,
                                                                               scheme):
    applicant_id, audit = staffed_audit
    admin, leader = Workbench(db_url, scheme, actor="P01"), Workbench(db_url, scheme, actor="A02")
    for stage in scheme.procedure_stages:
        if stage.id in scheme.stages_before("report") and stage.applies_to("initial"):
            admin.record_stage_result(audit, stage.id, {})
    run_stage(admin, "report", applicant_id, audit)
    with pytest.raises(ConflictError) as refused:
        leader.sign_off(audit, "report")
    required = [p for p in scheme.report_particulars if "initial" in p.required_for]
    assert {"representative", "internal_audit", "management_review"} <= {p.id for p in required}
    assert all(p.name in refused.value.zh for p in required)
    assert "marks_use" not in {p.id for p in required}  # no certificate to misuse before the first one
    # A particular the scheme does not list, or a choice it does not allow: refused, nothing written.
    before = database_digest(db_path)
    for values, code in (({"representative": "赵敏", "weather": "晴"}, "particular.unknown"),
                         ({"marks_use": "sometimes"}, "particular.choice")):
        with pytest.raises(ConflictError) as bad:
            leader.save_particulars(audit, values)
        assert bad.value.code == code and database_digest(db_path) == before
    leader.save_particulars(audit, {"representative": "赵敏（客服总监）", "internal_audit": "内审覆盖全部网点",
                                    "management_review": "管理评审已召开", "observers": "  "})
    assert set(leader.particulars(audit)) == {"representative", "internal_audit", "management_review"}  # blank: none
    assert leader.particulars(audit)["representative"].recorded_by == "A02"
    run_stage(admin, "report", applicant_id, audit)
    leader.sign_off(audit, "report")
    with pytest.raises(ConflictError) as locked:
        leader.save_particulars(audit, {"representative": "另一人"})
    assert locked.value.code == "stage.signed"
    html = report_html(admin, applicant_id)
    assert "赵敏（客服总监）" in html and "内审覆盖全部网点" in html and "管理评审已召开" in html


def test_a_surveillance_report_states_the_changes_and_the_use_of_the_mark(demo_db, scheme):
    """The demo's recertification: changes since the last audit, and the mark's use as a choice."""
    workbench = Workbench(demo_db, scheme)
    recertification = workbench.audits("demo-industrial")[-1]
    stated = workbench.particulars(recertification.id)
    assert {p.id for p in scheme.report_particulars if "recertification" in p.required_for} <= set(stated)
    assert stated["marks_use"].value == "conforming"
    html = report_html(workbench, "demo-industrial")
    assert "上次审核以来的重大变化" in html and stated["significant_changes"].value in html
    assert "使用符合规定" in html  # the choice's name, not its id
    assert "王建国" in html  # the client's representative


def test_the_form_in_06_saves_what_the_team_states(staffed_audit, db_url, scheme):
    from audit_widgets.widgets.particulars import ParticularsForm
    applicant_id, audit = staffed_audit
    form = ParticularsForm(Workbench(db_url, scheme, actor="A02"), applicant_id, audit)
    assert set(form.fields) == {p.id for p in scheme.report_particulars}
    form.fields["representative"].value = "赵敏（客服总监）"
    form.fields["marks_use"].value = "not_used"
    form.save()
    assert "已保存" in form.message.value
    stated = Workbench(db_url, scheme).particulars(audit)
    assert (stated["representative"].value, stated["marks_use"].value) == ("赵敏（客服总监）", "not_used")
    reader = ParticularsForm(Workbench(db_url, scheme, actor="M01"), applicant_id, audit)  # not on the team
    assert reader.fields["representative"].disabled and reader.fields["representative"].value == "赵敏（客服总监）"
