"""Each audit is pinned to its scheme (issue 24 §5): a write or a sign-off under a scheme whose
fingerprint differs from the one the audit was opened under is refused, naming both; an open
audit moves to another scheme only explicitly, with a reason the trail keeps."""
import pytest

from audit_widgets.domain import Answer
from audit_widgets.errors import WorkbenchError
from audit_widgets.scheme import load_scheme
from audit_widgets.store.repository import Workbench

from .conftest import edit_scheme_file


def _weaker(scheme_copy):
    """The issue's copy: every level's floor lowered, the version string unchanged."""
    def lower(data):
        for level in data["levels"]:
            level["min_score"], level["dimension_floor"] = level["min_score"] / 2, 0
    edit_scheme_file(scheme_copy, "scheme.yaml", lower)
    return load_scheme(scheme_copy)


def test_a_weaker_copy_of_the_scheme_with_the_same_version_cannot_judge_an_audit(staffed_audit, db_url, scheme,
                                                                                scheme_copy):
    applicant, audit = staffed_audit
    weak = _weaker(scheme_copy)
    assert weak.meta.version == scheme.meta.version and weak.fingerprint != scheme.fingerprint
    under_weak = Workbench(db_url, weak, actor="A02")
    for write in (lambda: under_weak.save_answer(audit, "F03", Answer(checked=20, nonconforming=0)),
                  lambda: under_weak.record_stage_result(audit, "characteristic", {"score": 100}),
                  lambda: under_weak.acting_as("P01").set_team(audit, [("A02", "leader")])):
        with pytest.raises(WorkbenchError) as caught:
            write()
        assert caught.value.code == "scheme.pinned"
        assert scheme.fingerprint[:12] in str(caught.value) and weak.fingerprint[:12] in str(caught.value)
    Workbench(db_url, scheme, actor="A02").save_answer(audit, "F03", Answer(checked=20, nonconforming=0))


def test_an_open_audit_moves_to_a_new_scheme_only_with_a_reason(staffed_audit, db_url, scheme, scheme_copy, command,
                                                                monkeypatch):
    applicant, audit = staffed_audit
    newer = _weaker(scheme_copy)
    with pytest.raises(WorkbenchError) as caught:  # only to the scheme the installation runs
        Workbench(db_url, newer, actor="P01").move_to_scheme(audit, "想按放宽的方案评级")
    assert caught.value.code == "scheme.not_deployed"
    monkeypatch.setenv("AUDIT_WORKBENCH_SCHEME", str(scheme_copy))  # the body adopts the newer scheme
    manager = Workbench(db_url, newer, actor="P01")
    with pytest.raises(WorkbenchError):
        manager.move_to_scheme(audit, "  ")
    moved = manager.move_to_scheme(audit, "本机构采用 2026.9 修订版")
    assert moved["from"]["fingerprint"] == scheme.fingerprint and moved["to"]["fingerprint"] == newer.fingerprint
    entry = [t for t in manager.trail("audit") if t.action == "move_scheme"][-1]
    assert entry.detail["reason"] == "本机构采用 2026.9 修订版" and entry.actor == "P01"
    Workbench(db_url, newer, actor="A02").save_answer(audit, "F03", Answer(checked=20, nonconforming=0))
    with pytest.raises(WorkbenchError) as caught:  # and now the old scheme is the other one
        Workbench(db_url, scheme, actor="A02").save_answer(audit, "F03", Answer(checked=20, nonconforming=0))
    assert caught.value.code == "scheme.pinned"


def test_a_decided_audit_stays_under_its_scheme(cycle_db, scheme, scheme_copy, monkeypatch):
    newer = _weaker(scheme_copy)
    monkeypatch.setenv("AUDIT_WORKBENCH_SCHEME", str(scheme_copy))
    manager = Workbench(cycle_db, newer, actor="P01")
    decided = manager.audits("demo-consumer")[-1].id
    with pytest.raises(WorkbenchError) as caught:
        manager.move_to_scheme(decided, "想按新方案重新评级")
    assert caught.value.code == "audit.closed"


def test_an_audit_with_a_stage_signed_under_its_scheme_moves_only_once_it_is_reopened(staffed_audit, workbench,
                                                                                      scheme_copy, db_url, monkeypatch):
    from .conftest import sign_report
    applicant, audit = staffed_audit
    sign_report(workbench, audit, "A02")
    monkeypatch.setenv("AUDIT_WORKBENCH_SCHEME", str(scheme_copy))
    with pytest.raises(WorkbenchError) as caught:
        Workbench(db_url, _weaker(scheme_copy), actor="P01").move_to_scheme(audit, "采用新方案")
    assert caught.value.code == "scheme.signed_under_old" and "report" in str(caught.value)


def test_permissions_come_from_the_installations_scheme_not_a_folder_a_notebook_names(cycle_db, scheme_copy):
    """A notebook's `scheme_dir` (or --scheme) naming a copy that gives committee members the
    records' destruction, and opens audits under a weaker scheme: neither takes effect."""
    from datetime import date

    from audit_widgets.contract import Action
    from audit_widgets.errors import PermissionDenied

    def give_records_to_the_committee(data):
        next(p for p in data["permissions"] if p["action"] == "records")["roles"] = ["committee_member"]
    edit_scheme_file(scheme_copy, "procedure.yaml", give_records_to_the_committee)
    copy = load_scheme(scheme_copy)
    assert copy.permission(Action.RECORDS).roles == ("committee_member",)
    with pytest.raises(PermissionDenied):
        Workbench(cycle_db, copy, actor="M01").require(Action.RECORDS)
    Workbench(cycle_db, copy, actor="P02").require(Action.RECORDS)  # the administrator, as the installation says
    with pytest.raises(WorkbenchError) as caught:
        Workbench(cycle_db, _weaker(scheme_copy), actor="P01").open_audit("demo-composite", "initial",
                                                                          date(2026, 12, 5))
    assert caught.value.code == "scheme.not_deployed"
