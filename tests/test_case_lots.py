"""C01 over two lots (issue 21 §2): the services and the complaints are drawn as two lots, the
complaints over-represented in the sample; a check made on both lots weighs each lot's
nonconforming share by the lot's size (sampling_rules.lot_weighting), and says so."""
import pandas as pd
import pytest

from audit_widgets.domain import CaseSample, CaseVerification
from audit_widgets.rules.cases import case_item_answers, lot_counts
from audit_widgets.rules.planning import CaseLots, draw_cases
from audit_widgets.rules.scoring import score_item


def _sample(services_bad: int, complaints_bad: int) -> CaseSample:
    """50 services of a lot of 2,200, 32 complaints of a lot of 300: 39 % of the sample, 12 % of the cases."""
    services = [f"S{i:03d}" for i in range(50)]
    complaints = [f"C{i:03d}" for i in range(32)]
    verified = {i: CaseVerification(i, resolved=n >= services_bad, reworked=False) for n, i in enumerate(services)}
    verified |= {i: CaseVerification(i, resolved=n >= complaints_bad, complaint_closed=True)
                 for n, i in enumerate(complaints)}
    return CaseSample(1, "h", 2500, "lots[…]", 7, tuple(services + complaints), verified,
                      lots={"services": {"size": 2200, "ids": services}, "complaints": {"size": 300, "ids": complaints}})


def test_a_check_on_both_lots_weighs_each_lot_by_its_size(scheme):
    sample = _sample(services_bad=1, complaints_bad=8)
    answers = case_item_answers(scheme, sample)
    c01 = answers["C01"]
    assert (c01.checked, c01.nonconforming) == (82, 9)  # pooled: 9/82 = 11.0 %
    # weighted: 2200/2500 × 1/50 + 300/2500 × 8/32 = 0.0176 + 0.03 = 4.76 %
    assert c01.nonconforming_share == pytest.approx(0.0476)
    item = scheme.items_by_id["C01"]
    scored = score_item(item, c01, {}, scheme)
    assert scored.earned == pytest.approx(item.points * (1 - 0.0476))
    assert "加权" in scored.basis and "weighted" in scored.basis
    # a check on one lot only is that lot's plain share
    assert answers["C02"].nonconforming_share is None and answers["C02"].checked == 32
    assert {(c.item, c.lot) for c in lot_counts(scheme, sample)} >= {("C01", "services"), ("C01", "complaints")}


def test_the_scheme_may_pool_the_lots_instead(scheme):
    pooled = scheme.model_copy(update={"sampling_rules": scheme.sampling_rules.model_copy(
        update={"lot_weighting": "pooled"})})
    c01 = case_item_answers(pooled, _sample(services_bad=1, complaints_bad=8))["C01"]
    assert c01.nonconforming_share is None
    assert score_item(pooled.items_by_id["C01"], c01, {}, pooled).credit == pytest.approx(1 - 9 / 82)


def test_a_sample_drawn_before_the_lots_were_kept_is_one_pooled_lot(scheme):
    old = CaseSample(1, "h", 10, "simple", 3, ("A", "B"), {"A": CaseVerification("A", resolved=False),
                                                           "B": CaseVerification("B", resolved=True)})
    c01 = case_item_answers(scheme, old)["C01"]
    assert (c01.checked, c01.nonconforming, c01.nonconforming_share) == (2, 1, None)


def test_the_draw_records_each_lot_and_the_store_keeps_it(staffed_audit, auditor):
    """The draw keeps each lot's size (the period's lot, not only the cases left to draw) and
    its ids; the stored sample reads them back and the evaluation weighs by them."""
    closed = pd.DataFrame({"order_id": [f"WO{i:04d}" for i in range(400)],
                           "is_complaint": [i % 8 == 0 for i in range(400)],
                           "service_type": "维修", "opened_at": pd.Timestamp("2026-01-05")})
    record = draw_cases(closed, 20, 13, seed=11, lots=CaseLots(services=360, complaints=50))
    assert record.lots["services"]["size"] == 360 and record.lots["complaints"]["size"] == 50
    assert len(record.lots["services"]["ids"]) == 20 and len(record.lots["complaints"]["ids"]) == 13
    assert set(record.lots["complaints"]["ids"]) <= set(closed[closed["is_complaint"]]["order_id"])
    _, audit = staffed_audit
    sample_id = auditor.save_case_sample(audit, record)
    assert auditor.case_sample(audit).lots == record.lots
    for number, order_id in enumerate(record.lots["complaints"]["ids"]):
        auditor.verify_case(sample_id, order_id, resolved=number >= 5)
    for order_id in record.lots["services"]["ids"]:
        auditor.verify_case(sample_id, order_id, resolved=True)
    from audit_widgets.evaluation import case_answers
    c01 = case_answers(auditor, audit)["C01"]
    assert c01.nonconforming_share == pytest.approx(50 / 410 * 5 / 13)
