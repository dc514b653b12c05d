from datetime import date

import pytest

from audit_widgets.domain import Answer, FindingState
from audit_widgets.errors import RuleError
from audit_widgets.rules.decision import open_major_count, recommend
from audit_widgets.rules.lifecycle import (
    certificate_number,
    change_status,
    due_status_change,
    expiry_date,
    recertification_window,
    surveillance_due_dates,
    suspension_ends,
)
from audit_widgets.rules.scoring import score_applicant

DECIDED = date(2026, 3, 15)


def _score(scheme, **kwargs):
    answers = {item.id: Answer("conform") for item in scheme.items_for(["b"])}
    return score_applicant(scheme, ["b"], answers, **kwargs)


def test_clean_result_is_certifiable(scheme):
    result = recommend(scheme, _score(scheme), [], decision_date=DECIDED, decision_makers=["M1"], audit_team=["A1"])
    assert result.certifiable and result.level_label == "五级"


def test_minor_needs_an_accepted_plan_and_major_a_verified_correction(scheme):
    minor = FindingState("N1", "minor", date(2026, 2, 1))
    major = FindingState("N2", "major", date(2026, 2, 1))
    result = recommend(scheme, _score(scheme), [minor, major], decision_date=DECIDED)
    failed = {g.id for g in result.reasons if not g.passed}
    assert failed == {"finding:N1", "finding:N2"} and not result.certifiable
    fixed = [FindingState("N1", "minor", date(2026, 2, 1), plan_accepted_on=date(2026, 2, 10)),
             FindingState("N2", "major", date(2026, 2, 1), verified_on=date(2026, 3, 1))]
    assert recommend(scheme, _score(scheme), fixed, decision_date=DECIDED).certifiable
    observation = FindingState("N3", "observation", date(2026, 2, 1))
    assert recommend(scheme, _score(scheme), [observation], decision_date=DECIDED).certifiable


def test_overdue_major_says_the_application_fails(scheme):
    major = FindingState("N2", "major", date(2025, 11, 1))  # 3 months → 2026-02-01
    result = recommend(scheme, _score(scheme), [major], decision_date=DECIDED)
    reason = next(g for g in result.reasons if g.id == "finding:N2")
    assert "2026-02-01" in reason.zh and "不予通过" in reason.zh
    assert open_major_count(scheme, [major]) == 1


def test_a_committee_member_who_audited_may_not_decide_but_others_may(scheme):
    """Issue 22 §2: committee members may audit; the bar is only against deciding on an audit
    one took part in. The recommendation names who may not decide, and fails only when no
    committee member independent of the audit is left."""
    result = recommend(scheme, _score(scheme), [], decision_date=DECIDED, decision_makers=["A1", "M2"],
                       audit_team=["A1", "A2"])
    gate = next(g for g in result.reasons if g.id == "impartiality")
    assert result.certifiable and gate.passed and "A1" in gate.zh and "M2" in gate.zh
    nobody = recommend(scheme, _score(scheme), [], decision_date=DECIDED, decision_makers=["A1"],
                       audit_team=["A1", "A2"])
    assert not nobody.certifiable and "没有其他认证决定人员" in next(g for g in nobody.reasons if g.id == "impartiality").zh


def test_validity_and_surveillance_dates(scheme):
    assert expiry_date(scheme, DECIDED) == date(2029, 3, 14)
    assert surveillance_due_dates(scheme, DECIDED) == [date(2027, 3, 15), date(2028, 3, 15)]
    # done early: the next is due 12 months after the one actually done
    assert surveillance_due_dates(scheme, DECIDED, [date(2027, 1, 10)]) == [date(2027, 3, 15), date(2028, 1, 10)]


def test_missed_surveillance_suspends_and_expired_suspension_withdraws(scheme):
    due = due_status_change(scheme, status="valid", decision_date=DECIDED, today=date(2027, 3, 16))
    assert due.to_status == "suspended" and due.reason == "missed_surveillance"
    assert due_status_change(scheme, status="valid", decision_date=DECIDED, today=date(2027, 3, 16),
                             surveillances_done=[date(2027, 3, 1)]) is None
    assert suspension_ends(scheme, date(2027, 3, 16)) == date(2027, 9, 16)
    later = due_status_change(scheme, status="suspended", decision_date=DECIDED, today=date(2027, 9, 17),
                              suspended_on=date(2027, 3, 16))
    assert later.to_status == "withdrawn" and later.reason == "suspension_expired"
    expired = due_status_change(scheme, status="valid", decision_date=DECIDED, today=date(2029, 3, 15),
                                surveillances_done=[date(2027, 3, 1), date(2028, 3, 1)])
    assert expired.to_status == "expired"
    assert due_status_change(scheme, status="withdrawn", decision_date=DECIDED, today=date(2030, 1, 1)) is None


def test_recertification_window(scheme):
    """Issue 22 §3: applying and auditing open 6 months before expiry; 3 months before is the
    latest to apply, not the earliest."""
    window = recertification_window(scheme, date(2029, 3, 14))
    assert (window.opens_on, window.apply_by, window.finish_by) == (date(2028, 9, 14), date(2028, 12, 14),
                                                                    date(2029, 3, 14))
    assert window.is_open(date(2028, 11, 14)) and not window.is_open(date(2028, 9, 13))


def test_a_recertification_applied_for_four_months_before_expiry_is_accepted(scheme):
    from audit_widgets.domain import Certificate, Scope
    from audit_widgets.errors import RuleError
    from audit_widgets.rules.cycle import check_new_audit
    certificate = Certificate(number="XBHT-SM-2026-A00001", applicant_id="x", audit_id=1, level_rank=4,
                              scope=Scope(("b",), "", "", ()), issued_on=date(2026, 3, 15),
                              expires_on=date(2029, 3, 14), status="valid", scheme_version="2026.7")
    check_new_audit(scheme, "recertification", certificate=certificate, current_undecided=None,
                    today=date(2028, 11, 14))  # 4 months before expiry: accepted (refused until 2026.7)
    with pytest.raises(RuleError) as early:
        check_new_audit(scheme, "recertification", certificate=certificate, current_undecided=None,
                        today=date(2028, 9, 1))
    assert "2028-09-14" in early.value.zh and "2028-12-14" in early.value.zh


def test_status_changes_follow_the_allowed_transitions(scheme):
    change = change_status(scheme, "valid", "suspended", "unpaid_fees", DECIDED, "委员会")
    assert change.to_status == "suspended"
    with pytest.raises(RuleError) as caught:
        change_status(scheme, "withdrawn", "valid", "suspension_lifted", DECIDED, "委员会")
    assert "撤销" in caught.value.zh
    with pytest.raises(RuleError):
        change_status(scheme, "valid", "suspended", "false_information", DECIDED, "委员会")  # a withdrawal reason
    with pytest.raises(RuleError):
        change_status(scheme, "valid", "suspended", "unpaid_fees", DECIDED, " ")


def test_certificate_number(scheme):
    assert certificate_number(scheme, 2026, "c", 12) == "XBHT-SM-2026-C00012"


def test_a_suspended_certificate_is_neither_recertified_nor_extended_before_a_decision_lifts_it(scheme):
    """Issue 22 §3: a surveillance or a special audit may lead to reinstatement; a recertification
    or a scope extension waits for it."""
    from audit_widgets.domain import Certificate, Scope
    from audit_widgets.errors import RuleError
    from audit_widgets.rules.cycle import check_new_audit
    suspended = Certificate(number="XBHT-SM-2026-A00009", applicant_id="x", audit_id=1, level_rank=3,
                            scope=Scope(("b",), "", ""), issued_on=date(2026, 3, 15), expires_on=date(2029, 3, 14),
                            status="suspended", scheme_version="2026.7")
    on = date(2028, 11, 14)  # inside the recertification window
    for attempt in (dict(audit_type="recertification"), dict(audit_type="special", reason="扩项", scope_extension=True)):
        with pytest.raises(RuleError) as caught:
            check_new_audit(scheme, certificate=suspended, current_undecided=None, today=on, **attempt)
        assert caught.value.code == "cycle.suspended" and "暂停" in caught.value.zh
    check_new_audit(scheme, "surveillance", certificate=suspended, current_undecided=None, today=on)
    check_new_audit(scheme, "special", certificate=suspended, current_undecided=None, today=on, reason="暂停后验证")


def test_a_suspension_lasts_at_most_its_months_and_a_withdrawn_holder_waits_to_apply_again(scheme):
    """Issue 22 §3: max_suspension_months (6) bounds a suspension's deadline; after a withdrawal
    a new application waits reapply_after_withdrawal_months (12)."""
    from audit_widgets.domain import Certificate, Scope
    from audit_widgets.errors import RuleError
    from audit_widgets.rules.cycle import check_decision, check_new_audit
    held = Certificate(number="N", applicant_id="x", audit_id=1, level_rank=3, scope=Scope(("b",), "", ""),
                       issued_on=date(2026, 1, 1), expires_on=date(2028, 12, 31), status="valid", scheme_version="")
    decided = date(2026, 6, 1)
    suspend = dict(level_rank=3, certificate=held, decided_on=decided, status_reason="persistent_nonconformity")
    check_decision(scheme, "surveillance", "suspend", deadline=date(2026, 12, 1), **suspend)
    with pytest.raises(RuleError) as too_long:
        check_decision(scheme, "surveillance", "suspend", deadline=date(2026, 12, 2), **suspend)
    assert too_long.value.code == "cycle.suspension_too_long" and "2026-12-01" in too_long.value.zh
    withdrawn = Certificate(**{**held.as_dict(), "scope": held.scope, "status": "withdrawn"})
    with pytest.raises(RuleError) as waiting:
        check_new_audit(scheme, "initial", certificate=withdrawn, current_undecided=None, today=date(2027, 5, 1),
                        withdrawn_on=date(2026, 6, 1))
    assert waiting.value.code == "cycle.waiting_period" and "2027-06-01" in waiting.value.zh
    check_new_audit(scheme, "initial", certificate=withdrawn, current_undecided=None, today=date(2027, 6, 1),
                    withdrawn_on=date(2026, 6, 1))


def test_an_initial_audit_grants_at_most_max_level_at_initial(scheme):
    from audit_widgets.rules.cycle import check_decision, decidable_recommendation
    top = scheme.lifecycle_rules.max_level_at_initial
    assert top == 4  # the top grade waits for a record (CHANGES.md 2026.8)
    advice = recommend(scheme, _score(scheme), [], decision_date=DECIDED, decision_makers=["M1"], audit_team=["A1"])
    assert advice.level_rank == 5
    capped = decidable_recommendation(scheme, advice, "initial", None)
    assert capped.level_rank == top and capped.certifiable
    assert any(g.id == "decidable_level" and "初次认证最高授予 4 级" in g.zh for g in capped.reasons)
    with pytest.raises(RuleError) as caught:
        check_decision(scheme, "initial", "certify", level_rank=5, certificate=None, decided_on=DECIDED)
    assert caught.value.code == "decision.initial_level"
    check_decision(scheme, "initial", "certify", level_rank=top, certificate=None, decided_on=DECIDED)
    # A recertification is an audit of every method with a record behind it: no cap.
    assert decidable_recommendation(scheme, advice, "recertification", None).level_rank == 5
