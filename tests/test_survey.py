import pandas as pd
import pytest

from audit_widgets.rules.survey import nps_result, summarise_survey, survey_sample_size, wilson_interval


def test_sample_size_default_is_385(scheme):
    assert survey_sample_size(scheme) == 385


def test_finite_population_correction(scheme):
    # n0 = 1.95996² × 0.25 / 0.05² = 384.15; 384.15 / (1 + 383.15/1000) = 277.7 → 278
    assert survey_sample_size(scheme, 1000) == 278
    assert survey_sample_size(scheme, 100) == 80
    assert survey_sample_size(scheme, 1) == 1


def test_margin_and_confidence_options(scheme):
    # 99 %: z = 2.5758 → 663.5 → 664; ±3 %: 1067.1 → 1068
    assert survey_sample_size(scheme, confidence=0.99) == 664
    assert survey_sample_size(scheme, margin=0.03) == 1068


def test_wilson_interval_known_values():
    interval = wilson_interval(8, 10, 0.95)
    assert interval.low == pytest.approx(0.4902, abs=1e-4)
    assert interval.high == pytest.approx(0.9433, abs=1e-4)
    assert wilson_interval(0, 0, 0.95).low == 0.0


def test_nps_shares(scheme):
    scores = pd.Series([10, 9, 9, 8, 7, 6, 3, 10, 0, 9])  # 5 promoters, 2 passives, 3 detractors
    result = nps_result(scores, scheme)
    assert result.nps == pytest.approx(20.0)
    assert result.promoters == 0.5 and result.detractors == 0.3 and result.passives == pytest.approx(0.2)
    assert result.nps_low < 20 < result.nps_high


def test_summary_normalises_to_0_100_and_checks_adequacy(scheme):
    answers = pd.DataFrame({
        "response_speed": [5, 4, 3, 5],   # (4,3,2,4)/4 × 100 → 100, 75, 50, 100 → mean 81.25
        "attitude": [5, 5, 5, 5],
        "nps": [10, 9, 6, 8],
    })
    summary = summarise_survey(answers, scheme, scale_id="five_point", population=10)
    speed = summary.indicators[0]
    assert speed.indicator == "response_speed" and speed.score == pytest.approx(81.25)
    assert speed.satisfied_share == 0.75  # ≥ 75 on 0–100 counts as satisfied
    assert summary.csat == pytest.approx((81.25 + 100) / 2)
    assert summary.nps.nps == pytest.approx(25.0)
    assert summary.required_sample == 10 and not summary.adequate
    whole = summarise_survey(answers, scheme, scale_id="five_point", population=4)  # every customer answered
    assert whole.adequate and whole.scored_at == "estimate"
    assert whole.measures()["csat_response_speed"] == pytest.approx(81.25) and whole.measures()["nps"] == 25.0


def _responses(n: int) -> pd.DataFrame:
    ratings = [5, 4, 4, 3, 5, 4, 2, 5]
    return pd.DataFrame({indicator: [ratings[(i + k) % 8] for i in range(n)]
                         for k, indicator in enumerate(("response_speed", "attitude", "resolution", "professionalism",
                                                        "personalisation"))}
                        | {"nps": [(10, 9, 7, 6, 10, 8)[i % 6] for i in range(n)]})


def test_a_survey_too_small_scores_at_the_lower_bound_of_its_intervals(scheme):
    """Issue 21 §6: 60 responses of 1,000 customers (278 needed) do not score A03–A08 at their
    point estimates: by default (survey_rules.inadequate_sample: lower_bound) at the lower end of
    each interval, which the report and 04 state."""
    from audit_widgets.render.results import survey_scoring
    summary = summarise_survey(_responses(60), scheme, scale_id="five_point", population=1000)
    assert (summary.required_sample, summary.adequate, summary.scored_at) == (278, False, "lower_bound")
    measures = summary.measures()
    for indicator in summary.indicators:
        assert measures[f"csat_{indicator.indicator}"] == indicator.score_low < indicator.score
    assert measures["nps"] == summary.nps.nps_low < summary.nps.nps
    assert measures["csat_overall"] < summary.csat
    zh, en = survey_scoring(summary.as_dict())
    assert "下限" in zh and "60" in zh and "278" in zh and "lower end" in en
    # the A08 item scores lower than it would at the estimate
    from audit_widgets.rules.scoring import score_item
    a08 = scheme.items_by_id["A08"]
    assert score_item(a08, None, measures, scheme).earned < score_item(
        a08, None, {"nps": summary.nps.nps}, scheme).earned


def test_the_scheme_may_leave_a_small_survey_unscored_for_the_team_to_judge(scheme_copy):
    from audit_widgets.rules.scoring import score_item
    from audit_widgets.scheme import load_scheme

    from .conftest import edit_scheme_file
    edit_scheme_file(scheme_copy, "survey.yaml", lambda data: data["survey_rules"].update(inadequate_sample="not_scored"))
    strict = load_scheme(scheme_copy)
    summary = summarise_survey(_responses(60), strict, scale_id="five_point", population=1000)
    assert summary.scored_at == "not_scored" and summary.measures() == {}
    assert score_item(strict.items_by_id["A03"], None, summary.measures(), strict).status == "unanswered"
    adequate = summarise_survey(_responses(60), strict, scale_id="five_point", population=60)
    assert adequate.scored_at == "estimate" and "csat_attitude" in adequate.measures()
