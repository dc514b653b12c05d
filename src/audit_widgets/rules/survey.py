"""Survey statistics (5.1a): indicator scores on 0–100, CSAT, NPS, Wilson intervals and
whether the sample is large enough."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from statistics import NormalDist
from typing import Any

import pandas as pd

from ..contract import Channel
from ..domain import CallbackSample, DrawRecord
from ..errors import RuleError
from ..scheme import Scheme, SurveyScale
from .sampling import draw_sample

NPS_KEY = "nps"      # the answer column of the recommendation score
NPS_SCALE = "nps"    # its scale (survey_scales)


def z_for(confidence: float) -> float:
    return NormalDist().inv_cdf((1 + confidence) / 2)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, n: int, confidence: float) -> Interval:
    """Wilson score interval for a proportion; (0, 1) when there is no data."""
    if n == 0:
        return Interval(0.0, 1.0)
    z = z_for(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def survey_sample_size(
    scheme: Scheme,
    population: int | None = None,
    *,
    margin: float | None = None,
    confidence: float | None = None,
    proportion: float | None = None,
) -> int:
    """n = z²·p(1−p)/E², with the finite-population correction n/(1+(n−1)/N)."""
    rules = scheme.survey_rules
    margin = rules.margin_of_error if margin is None else margin
    confidence = rules.confidence if confidence is None else confidence
    proportion = rules.expected_proportion if proportion is None else proportion
    if not 0 < margin < 1 or not 0 < confidence < 1 or not 0 < proportion < 1:
        raise RuleError(
            "误差、置信度和比例都应在 0 与 1 之间", "Margin, confidence and proportion must each be between 0 and 1"
        )
    if population is not None and population < 1:
        raise RuleError("总体数量应至少为 1", "The population must be at least 1")
    z = z_for(confidence)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    n = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    # Guard against float noise such as 278.00000000000006 before rounding up.
    return math.ceil(round(n, 9))


def normalise(values: pd.Series, scale: SurveyScale, top: float) -> pd.Series:
    return (values - scale.min_value) / (scale.max_value - scale.min_value) * top


@dataclass(frozen=True)
class IndicatorScore:
    indicator: str
    name: str
    responses: int
    score: float            # mean on 0 … survey_rules.normalised_scale
    score_low: float        # interval of the mean at survey_rules.confidence (normal approximation)
    score_high: float
    satisfied_share: float  # share at or above the satisfied threshold
    satisfied_low: float    # Wilson interval at survey_rules.confidence
    satisfied_high: float


@dataclass(frozen=True)
class NpsResult:
    responses: int
    nps: float
    nps_low: float
    nps_high: float
    promoters: float
    passives: float
    detractors: float
    promoters_interval: Interval
    detractors_interval: Interval


@dataclass(frozen=True)
class SurveySummary:
    responses: int
    indicators: list[IndicatorScore]
    csat: float
    nps: NpsResult | None
    required_sample: int
    population: int | None
    adequate: bool
    # What the measures are: the point estimates ("estimate"), or for a sample smaller than
    # required, the scheme's survey_rules.inadequate_sample ("lower_bound", "not_scored").
    scored_at: str = "estimate"
    channels: dict[str, int] = field(default_factory=dict)  # responses per survey_channels id

    def measures(self) -> dict[str, float]:
        """The survey's measures by the ids the checklist uses (see kpis.yaml): the estimates;
        the lower ends of their intervals, or none, for a sample too small (scored_at)."""
        if self.scored_at == "not_scored":
            return {}
        low = self.scored_at == "lower_bound"
        values = {f"csat_{i.indicator}": i.score_low if low else i.score for i in self.indicators}  # survey_methods
        values["csat_overall"] = (sum(i.score_low for i in self.indicators) / len(self.indicators) if low
                                  else self.csat)
        if self.nps is not None:
            values["nps"] = self.nps.nps_low if low else self.nps.nps
        return values

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SurveySummary:
        """The inverse of as_dict (a summary kept as JSON between processes)."""
        nps = data["nps"]
        if nps is not None:
            nps = NpsResult(**{**nps, "promoters_interval": Interval(**nps["promoters_interval"]),
                               "detractors_interval": Interval(**nps["detractors_interval"])})
        return cls(**{**data, "indicators": [IndicatorScore(**i) for i in data["indicators"]], "nps": nps})


def nps_result(scores: pd.Series, scheme: Scheme) -> NpsResult:
    rules = scheme.survey_rules
    scores = scores.dropna()
    n = len(scores)
    if n == 0:
        raise RuleError("没有推荐意愿评分，无法计算 NPS", "No recommendation scores: NPS cannot be computed")
    promoters = int((scores >= rules.nps_promoter_min).sum())
    detractors = int((scores <= rules.nps_detractor_max).sum())
    p, d = promoters / n, detractors / n
    nps = (p - d) * 100
    # Variance of the difference of two multinomial shares.
    se = math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100
    z = z_for(rules.confidence)
    return NpsResult(
        responses=n, nps=nps, nps_low=max(-100.0, nps - z * se), nps_high=min(100.0, nps + z * se),
        promoters=p, passives=1 - p - d, detractors=d,
        promoters_interval=wilson_interval(promoters, n, rules.confidence),
        detractors_interval=wilson_interval(detractors, n, rules.confidence),
    )


def summarise_survey(
    answers: pd.DataFrame,
    scheme: Scheme,
    *,
    scale_id: str,
    population: int | None = None,
) -> SurveySummary:
    """`answers` has one column per indicator id (on the given scale) and optionally `nps`; a
    `scale` column gives a row's own scale (call-backs beside a questionnaire), a `channel`
    column where it came from (questionnaire by default)."""
    rules = scheme.survey_rules
    scales = scheme.survey_scales_by_id
    for used in {scale_id, *(answers["scale"].dropna().unique() if "scale" in answers.columns else ())}:
        if used not in scales:
            raise RuleError(f"未知量表「{used}」", f"Unknown survey scale '{used}'")
    row_scales = answers["scale"].fillna(scale_id) if "scale" in answers.columns else None
    z = z_for(rules.confidence)
    top = rules.normalised_scale
    threshold = rules.satisfied_min_share * top
    indicators = []
    for indicator in scheme.survey_indicators:
        if indicator.id not in answers.columns:
            continue
        values = _normalised(answers[indicator.id], row_scales, scales[scale_id], scales, top)
        n = len(values)
        if n == 0:
            continue
        mean = float(values.mean())
        se = float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
        satisfied = int((values >= threshold - 1e-9).sum())
        interval = wilson_interval(satisfied, n, rules.confidence)
        indicators.append(IndicatorScore(
            indicator=indicator.id, name=indicator.name, responses=n,
            score=mean, score_low=max(0.0, mean - z * se), score_high=min(top, mean + z * se),
            satisfied_share=satisfied / n, satisfied_low=interval.low, satisfied_high=interval.high,
        ))
    if not indicators:
        raise RuleError("问卷中没有任何核心指标的有效评分", "The survey has no valid score for any core indicator")
    csat = sum(i.score for i in indicators) / len(indicators)
    nps = nps_result(answers["nps"], scheme) if "nps" in answers.columns else None
    responses = len(answers)
    required = survey_sample_size(scheme, population)
    adequate = responses >= required
    channels = (answers["channel"].fillna(Channel.QUESTIONNAIRE.value) if "channel" in answers.columns
                else pd.Series(Channel.QUESTIONNAIRE.value, index=answers.index))
    return SurveySummary(
        responses=responses, indicators=indicators, csat=csat, nps=nps,
        required_sample=required, population=population, adequate=adequate,
        scored_at="estimate" if adequate else rules.inadequate_sample,
        channels={str(k): int(v) for k, v in channels.value_counts().sort_index().items()},
    )


def _normalised(column: pd.Series, row_scales: pd.Series | None, scale: SurveyScale, scales: dict[str, SurveyScale],
                top: float) -> pd.Series:
    """An indicator's answers on 0 … top, each row by its own scale where the rows say."""
    values = column.dropna().astype(float)
    if row_scales is None:
        return normalise(values, scale, top)
    own = row_scales.loc[values.index]
    return pd.concat([normalise(values[own == s], scales[s], top) for s in own.unique()]) if len(values) else values


def survey_methods(scheme: Scheme) -> set[str]:
    """The checklist methods whose items the survey measures (SurveySummary.measures' ids)."""
    measures = {f"csat_{i.id}" for i in scheme.survey_indicators} | {"csat_overall", NPS_KEY}
    return {item.method for item in scheme.items_by_id.values() if item.measure in measures}


# --- the certification body's own call-backs (5.1a) -----------------------------------------
def callback_population(orders: pd.DataFrame) -> pd.DataFrame:
    """The customers served in the evidence period, one row each with their last service: who
    the call-backs are drawn from."""
    if orders.empty:
        return pd.DataFrame({"customer_id": pd.Series(dtype="string"), "served": pd.Series(dtype="string")})
    last = orders.sort_values("opened_at").groupby("customer_id", as_index=False).last()
    served = last["service_type"].astype(str) + " · " + last["opened_at"].dt.strftime("%Y-%m-%d")
    return pd.DataFrame({"customer_id": last["customer_id"].astype(str), "served": served})


def draw_callbacks(customers: pd.DataFrame, size: int, *, seed: int) -> DrawRecord:
    """The customers to call, drawn at random with the recorded seed (the same customers and
    seed give the same ones, in any order)."""
    return draw_sample(customers, min(size, len(customers)), seed=seed, id_column="customer_id")[1]


def check_callback_answers(scheme: Scheme, answers: dict[str, Any], customer_id: str) -> None:
    """Each answer of a call names a core indicator (on the call-back scale) or NPS (0–10)."""
    scales = scheme.survey_scales_by_id
    indicators = {i.id for i in scheme.survey_indicators}
    for key, value in answers.items():
        if key not in indicators | {NPS_KEY}:
            raise RuleError(f"客户 {customer_id} 的回访答案「{key}」不是核心指标或 NPS",
                            f"Customer {customer_id}'s answer '{key}' is neither a core indicator nor NPS")
        scale = scales[NPS_SCALE if key == NPS_KEY else scheme.survey_rules.callback_scale]
        if not isinstance(value, int) or isinstance(value, bool) or not scale.min_value <= value <= scale.max_value:
            raise RuleError(f"客户 {customer_id} 的「{key}」答案 {value!r} 超出量表 {scale.min_value}–{scale.max_value}",
                            f"Customer {customer_id}'s answer {value!r} to '{key}' is outside the scale "
                            f"{scale.min_value}–{scale.max_value}")


def callback_responses(scheme: Scheme, sample: CallbackSample | None) -> pd.DataFrame:
    """The calls that reached a customer, as survey responses of the channel phone_callback on
    the call-back scale (the columns summarise_survey reads)."""
    calls = [c for c in (sample.calls.values() if sample else ()) if c.reached and c.answers]
    return pd.DataFrame([{"respondent": f"callback:{c.customer_id}", "submitted_at": pd.Timestamp(c.called_on),
                          **c.answers, "channel": Channel.PHONE_CALLBACK.value,
                          "scale": scheme.survey_rules.callback_scale} for c in calls])


def callback_record(sample: CallbackSample) -> dict[str, Any]:
    """What the audit's result keeps of its call-backs: how the customers were drawn, by whom,
    and who called them when."""
    calls = list(sample.calls.values())
    days = sorted(c.called_on for c in calls)
    return {"seed": sample.seed, "population_size": sample.population_size, "population_hash": sample.population_hash,
            "drawn": len(sample.ids), "drawn_by": sample.drawn_by, "drawn_on": sample.drawn_at.date().isoformat(),
            "called": len(calls), "reached": sum(1 for c in calls if c.reached),
            "answered": sum(1 for c in calls if c.reached and c.answers),
            "called_by": sorted({c.called_by for c in calls}),
            "first_call": days[0].isoformat() if days else None, "last_call": days[-1].isoformat() if days else None}
