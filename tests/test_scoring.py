import pytest

from audit_widgets.domain import Answer
from audit_widgets.rules.scoring import level_for, score_applicant, score_item
from audit_widgets.scheme import Scheme


def _all(scheme, domains, result="conform"):
    return {item.id: Answer(result=result) for item in scheme.items_for(domains)}


def _minimal_scheme(scheme, items, **changes) -> Scheme:
    """The real scheme with a hand-picked checklist, to score worked examples by hand."""
    data = scheme.model_dump()
    data["checklist"] = items
    data.update(changes)
    return Scheme.model_validate(data)


def _item(item_id, method, dimension, points, judgement="qualitative", veto=False, **extra):
    return {"id": item_id, "method": method, "dimension": dimension, "points": points, "judgement": judgement,
            "domains": ["all"], "veto": veto, "text": item_id, "evidence": "", **extra}


def test_everything_met_scores_100_and_reaches_the_top_level(scheme):
    result = score_applicant(scheme, ["a"], _all(scheme, ["a"]))
    assert result.score == pytest.approx(100)
    assert result.level.label == "五级" and result.certifiable and result.complete


def test_worked_example_full_and_proportional_deduction_and_na(scheme):
    items = [
        _item("Q1", "5.1b", "process", 4),                       # not met → loses 4
        _item("Q2", "5.1b", "process", 6),                       # met
        _item("S1", "5.1c", "process", 5, judgement="sample"),   # 2 of 10 bad → loses 1
        _item("N1", "5.1b", "process", 10),                      # not applicable
    ]
    small = _minimal_scheme(scheme, items)
    answers = {"Q1": Answer("nonconform"), "Q2": Answer("conform"), "S1": Answer(checked=10, nonconforming=2),
               "N1": Answer("not_applicable")}
    result = score_applicant(small, ["a"], answers)
    # earned 0 + 6 + 4 = 10 of applicable 15 → 66.67
    assert result.cells[("5.1", "process")] == pytest.approx(10 / 15 * 100)
    assert result.score == pytest.approx(10 / 15 * 100)
    assert result.level.label == "一级" and not result.certifiable
    assert [i.item_id for i in result.lost_points()] == ["Q1", "S1"]


def test_dimension_and_mode_scores_are_the_same_ratio_within_their_items(scheme):
    items = [_item("A", "5.1b", "process", 1), _item("B", "5.2a", "process", 3),
             _item("C", "5.1b", "foundation", 2)]
    small = _minimal_scheme(scheme, items)
    result = score_applicant(small, ["a"], {"A": Answer("conform"), "B": Answer("nonconform"), "C": Answer("conform")})
    assert result.dimension_scores == {"foundation": pytest.approx(100), "process": pytest.approx(25)}
    assert result.mode_scores == {"5.1": pytest.approx(100), "5.2": pytest.approx(0)}
    assert (result.earned_points, result.applicable_points) == (3, 6)
    assert result.score == pytest.approx(50)


@pytest.mark.parametrize("domain", ["a", "b", "c", "d"])
def test_failing_one_item_of_p_points_costs_exactly_100_p_over_P(scheme, domain):
    """One point is worth the same everywhere: failing an item of p points on an otherwise fully
    met applicant with P applicable points lowers the score by exactly 100·p/P."""
    met = _all(scheme, [domain])
    applicable = sum(item.points for item in scheme.items_for([domain]))
    for item in scheme.items_for([domain]):
        answers = {**met, item.id: Answer("nonconform")}
        result = score_applicant(scheme, [domain], answers)
        assert result.applicable_points == applicable
        assert 100 - result.score == pytest.approx(scheme.scoring.scale * item.points / applicable, abs=1e-9), item.id


def test_partial_earns_nothing_by_default_and_the_scheme_can_change_it(scheme):
    item = scheme.items_by_id["E01"]
    assert score_item(item, Answer("partial"), {}, scheme).earned == 0
    results = [r.model_dump() | ({"credit": 0.5} if r.id == "partial" else {}) for r in scheme.answer_results]
    generous = _minimal_scheme(scheme, list(scheme.checklist), answer_results=results)
    assert score_item(item, Answer("partial"), {}, generous).earned == item.points / 2


def test_measured_items_score_linearly_in_both_directions(scheme):
    fix = scheme.items_by_id["D01"]     # full at 0.9, zero at 0.6 (higher is better)
    rework = scheme.items_by_id["D03"]  # full at 0.02, zero at 0.10 (lower is better)
    assert score_item(fix, None, {"first_time_fix_rate": 0.75}, scheme).credit == pytest.approx(0.5)
    assert score_item(fix, None, {"first_time_fix_rate": 0.95}, scheme).credit == 1
    assert score_item(rework, None, {"rework_rate": 0.06}, scheme).credit == pytest.approx(0.5)
    assert score_item(rework, None, {"rework_rate": 0.2}, scheme).credit == 0
    assert score_item(fix, None, {}, scheme).status == "unanswered"


def test_special_deductions_and_at_most_one_bonus(scheme):
    answers = _all(scheme, ["b"])
    for item_id in ("B01", "B02", "C01", "E01"):
        answers[item_id] = Answer("nonconform")
    base = score_applicant(scheme, ["b"], answers).score
    assert base < 99
    assert score_applicant(scheme, ["b"], answers, special_deductions=2).score == pytest.approx(base - 2)
    assert score_applicant(scheme, ["b"], answers, special_bonus=3).score == pytest.approx(base + 1)
    perfect = score_applicant(scheme, ["b"], _all(scheme, ["b"]), special_bonus=1)
    assert perfect.score == 100  # the score never passes the scale


@pytest.mark.parametrize("score,label", [(69.99, "一级"), (70, "二级"), (79.99, "二级"), (80, "三级"),
                                         (89.99, "三级"), (90, "四级"), (94.99, "四级"), (95, "五级"), (100, "五级")])
def test_level_band_edges(scheme, score, label):
    assert level_for(scheme, score).label == label


def test_dimension_floor_lowers_the_level_and_says_why(scheme):
    scores = {"foundation": 99, "process": 99, "perception": 75, "improvement": 99}
    assert level_for(scheme, 92, scores).label == "三级"  # 75 is below 四级's floor 80, above 三级's 70
    items = [_item("F", "5.1b", "foundation", 8), _item("P", "5.1b", "perception", 2)]
    small = _minimal_scheme(scheme, items)
    result = score_applicant(small, ["a"], {"F": Answer("conform"), "P": Answer("nonconform")})
    # 8 of 10 points = 80 → 三级 by score; perception 0 is below every floor, yet a floor lowers
    # the level by one band at most (max_levels_lowered_by_floors) → 二级
    assert result.score == pytest.approx(80)
    assert result.score_level.label == "三级" and result.level.label == "二级"
    floor = next(g for g in result.gates if g.id == "dimension_floor")
    assert not floor.passed and "客户感知 0.0" in floor.zh and "二级" in floor.zh and result.certifiable


def test_a_floor_is_proportionate_to_the_dimensions_size_and_never_refuses_a_top_band_score(scheme):
    """The issue's example: 95.10 overall, no veto failed, no major finding; the improvement
    dimension (29 of 245 points, domain a) fell to 58.6. Until 2026.7 that was 一级, a refusal."""
    scores = {"foundation": 99.5, "process": 99.0, "perception": 99.0, "improvement": 58.6}
    points = {"foundation": 81.0, "process": 72.0, "perception": 63.0, "improvement": 29.0}
    assert level_for(scheme, 95.10, scores, points).label == "四级"  # 五级's floor for 29 points: 68.3
    from audit_widgets.rules.scoring import dimension_floor
    five = next(level for level in scheme.levels if level.rank == 5)
    assert dimension_floor(scheme, five, 29.0, 61.25) == pytest.approx(100 - 15 * 61.25 / 29)
    assert dimension_floor(scheme, five, 81.0, 61.25) == five.dimension_floor  # a large dimension: as written
    collapsed = {**scores, "improvement": 5.0}
    assert level_for(scheme, 95.10, collapsed, points).label == "四级"  # one band at most
    assert level_for(scheme, 95.10, {**scores, "improvement": 70.0}, points).label == "五级"
    # With the floors as written (not proportionate), 70 < 85 lowers it by the one band.
    plain = scheme.model_copy(update={"scoring": scheme.scoring.model_copy(update={"proportionate_floors": False})})
    assert level_for(plain, 95.10, {**scores, "improvement": 70.0}, points).label == "四级"


def test_veto_and_open_major_block_certification(scheme):
    answers = _all(scheme, ["c"])
    answers["G01"] = Answer("partial")
    result = score_applicant(scheme, ["c"], answers)
    assert result.level.label == "五级" and not result.certifiable
    veto = next(g for g in result.gates if g.id == "veto")
    assert not veto.passed and "G01" in veto.zh
    blocked = score_applicant(scheme, ["c"], _all(scheme, ["c"]), open_major_findings=1)
    assert not blocked.certifiable


def test_domain_filter(scheme):
    special_only = {i.id for i in scheme.items_for(["c"])} - {i.id for i in scheme.items_for(["a"])}
    assert {"B12", "C09", "G10"} <= special_only
    assert "B14" in {i.id for i in scheme.items_for(["d"])} and "B14" not in {i.id for i in scheme.items_for(["c"])}


def test_unanswered_items_are_reported(scheme):
    answers = _all(scheme, ["a"])
    del answers["A01"]
    result = score_applicant(scheme, ["a"], answers)
    assert result.unanswered == ["A01"] and not result.complete
