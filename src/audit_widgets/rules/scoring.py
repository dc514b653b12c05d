"""Scoring by the GB/T 27922-2011 method, then the maturity level and its gates.

Per item: full deduction when not met, proportional deduction for sample-based items, a
linear score between two thresholds for measured items; not applicable leaves the
denominator. The score is one ratio, earned ÷ applicable points × scale, so that one point
is worth the same wherever it sits; a scheme that wants a dimension to weigh more gives its
items more points. Dimension, mode and (mode, dimension) cell scores are the same ratio
within their items: they serve the dimension floors and the reports. Special deductions and
the bonus apply to the overall score.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..domain import Answer
from ..scheme import ChecklistItem, Level, MeasureBand, Scheme


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    mode: str
    dimension: str
    points: float
    status: str          # scored, not_applicable, unanswered
    credit: float        # share of the points earned
    earned: float
    veto_failed: bool
    basis: str           # how the credit was reached, for the report

    @property
    def lost(self) -> float:
        return self.points - self.earned if self.status == "scored" else 0.0


@dataclass(frozen=True)
class Gate:
    """A condition on the level. A blocking gate that fails makes the result not certifiable;
    a non-blocking one explains why the level is lower than the score alone would give."""

    id: str
    passed: bool
    blocking: bool
    zh: str
    en: str


@dataclass
class ScoreResult:
    scheme_version: str
    items: list[ItemScore]
    cells: dict[tuple[str, str], float]
    applicable_points: float
    earned_points: float
    dimension_scores: dict[str, float]
    mode_scores: dict[str, float]
    base_score: float
    special_deductions: int
    special_bonus: int
    score: float
    level: Level
    score_level: Level              # the level the score alone would reach
    gates: list[Gate] = field(default_factory=list)

    @property
    def unanswered(self) -> list[str]:
        return [i.item_id for i in self.items if i.status == "unanswered"]

    @property
    def complete(self) -> bool:
        return not self.unanswered

    @property
    def certifiable(self) -> bool:
        return self.level.certifiable and all(g.passed for g in self.gates if g.blocking)

    def lost_points(self) -> list[ItemScore]:
        """Items that lost points, the biggest loss first."""
        return sorted((i for i in self.items if i.lost > 0), key=lambda i: (-i.lost, i.item_id))

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme_version": self.scheme_version,
            "score": self.score,
            "base_score": self.base_score,
            "applicable_points": self.applicable_points,
            "earned_points": self.earned_points,
            "special_deductions": self.special_deductions,
            "special_bonus": self.special_bonus,
            "level": {"rank": self.level.rank, "label": self.level.label, "name": self.level.name},
            "score_level": {"rank": self.score_level.rank, "label": self.score_level.label, "name": self.score_level.name},
            "certifiable": self.certifiable,
            "dimension_scores": self.dimension_scores,
            "mode_scores": self.mode_scores,
            "gates": [g.__dict__ for g in self.gates],
            "unanswered": self.unanswered,
            "lost_points": [
                {"item_id": i.item_id, "lost": i.lost, "basis": i.basis} for i in self.lost_points()
            ],
        }


def measure_bands_for(scheme: Scheme, domains: Iterable[str], promises: dict[str, float] | None = None) -> dict[str, MeasureBand]:
    """Each measure's band for this applicant: its domain's band, with full_at set by the
    applicant's published service promise where the band says so."""
    promises = promises or {}
    bands = {}
    for measure in dict.fromkeys(b.measure for b in scheme.measure_bands):
        band = scheme.measure_band(measure, domains)
        if band.promise_sets_target and measure in promises:
            band = band.model_copy(update={"full_at": promises[measure]})
        bands[measure] = band
    return bands


def score_item(item: ChecklistItem, answer: Answer | None, measures: dict[str, float], scheme: Scheme,
               band: MeasureBand | None = None) -> ItemScore:
    """band: the measure's band for the applicant (the scheme's default band when not given)."""
    mode = scheme.method_mode[item.method]
    answer = answer or Answer()
    result = scheme.results_by_id.get(answer.result) if answer.result else None

    def scored(credit: float, basis: str) -> ItemScore:
        veto_failed = item.veto and credit < scheme.scoring.veto_pass_min_credit
        return ItemScore(item.id, mode, item.dimension, item.points, "scored", credit,
                         item.points * credit, veto_failed, basis)

    if result is not None and not result.applicable:
        return ItemScore(item.id, mode, item.dimension, item.points, "not_applicable", 0.0, 0.0, False, result.name)
    if item.judgement == "measure" and item.measure is not None:  # the loader checks a measure item names one
        value = answer.measured if answer.measured is not None else measures.get(item.measure)
        if value is not None:
            band = band or scheme.measure_band(item.measure, ())
            return scored(band.credit(value), f"{scheme.measures_by_id[item.measure].name} = {value:.4g}"
                                              f"（满分 {band.full_at:g}，零分 {band.zero_at:g}）")
    if item.judgement == "sample" and answer.checked:
        bad = answer.nonconforming or 0
        if answer.nonconforming_share is not None:
            return scored(1 - answer.nonconforming_share,
                          f"{bad}/{answer.checked} 不符合，按批量加权 {answer.nonconforming_share:.1%} "
                          f"nonconforming, weighted by lot size")
        return scored(1 - bad / answer.checked, f"{bad}/{answer.checked} 不符合 nonconforming")
    if result is not None:
        return scored(result.credit, result.name)
    return ItemScore(item.id, mode, item.dimension, item.points, "unanswered", 0.0, 0.0, False, "未作答 unanswered")


def _ratios(items: list[ItemScore], key: Callable[[ItemScore], Any], scale: float) -> dict[Any, float]:
    """earned ÷ applicable points × scale for each group of scored items."""
    earned: dict[Any, float] = {}
    possible: dict[Any, float] = {}
    for item in items:
        if item.status == "scored":
            group = key(item)
            earned[group] = earned.get(group, 0.0) + item.earned
            possible[group] = possible.get(group, 0.0) + item.points
    return {group: earned[group] / possible[group] * scale for group in possible if possible[group]}


def score_report(scheme: Scheme, result: ScoreResult) -> dict[str, Any]:
    """Everything a person needs to check a score by hand: totals, dimension and mode scores,
    gates, one entry per applicable item, and how unanswered items were treated."""
    items = scheme.items_by_id
    method_zh, method_en = method_statement(scheme)
    return {
        "score": result.score, "base_score": result.base_score,
        "level": {"rank": result.level.rank, "label": result.level.label, "name": result.level.name},
        "certifiable": result.certifiable,
        "applicable_points": result.applicable_points, "earned_points": result.earned_points,
        "dimension_scores": result.dimension_scores, "mode_scores": result.mode_scores,
        "gates": [g.__dict__ for g in result.gates],
        "items": [{"id": i.item_id, "method": items[i.item_id].method, "dimension": i.dimension,
                   "points": i.points, "judgement": items[i.item_id].judgement, "veto": items[i.item_id].veto,
                   "status": i.status, "earned": i.earned, "basis": i.basis} for i in result.items],
        "unanswered": {"items": result.unanswered,
                       "treatment": "未作答的条目不计入适用分，结果不完整，不能作为认证结论 / unanswered items are left "
                                    "out of the applicable points; the result is incomplete and cannot certify"},
        "method": {"zh": method_zh, "en": method_en},
    }


def method_statement(scheme: Scheme) -> tuple[str, str]:
    """How the score is computed, in the words the report prints (Chinese, English)."""
    scale = f"{scheme.scoring.scale:g}"
    credits_zh = "，".join(f"{r.name}得该条分值的 {r.credit:.0%}" for r in scheme.answer_results if r.applicable)
    credits_en = ", ".join(f"{r.id} earns {r.credit:.0%} of the item's points" for r in scheme.answer_results
                           if r.applicable)
    return (f"得分 = 实得分 ÷ 适用分 × {scale}（每一分同等计算）；{credits_zh}；抽样条目按不符合样本比例扣分；"
            "不适用的条目不计入适用分。",
            f"score = earned ÷ applicable points × {scale} (every point counts the same); {credits_en}; "
            "sample items lose the nonconforming share; not-applicable items leave the applicable points.")


def dimension_floor(scheme: Scheme, level: Level, points: float | None, mean_points: float | None) -> float:
    """The floor a dimension must reach for `level`: the level's, or for a dimension smaller than
    the average (proportionate_floors) the floor at which it has lost as many points as an
    average-sized dimension may lose at the level's floor."""
    rules = scheme.scoring
    if not rules.proportionate_floors or not points or not mean_points or points >= mean_points:
        return level.dimension_floor
    return max(0.0, rules.scale - (rules.scale - level.dimension_floor) * mean_points / points)


def level_for(scheme: Scheme, score: float, dimension_scores: dict[str, float] | None = None,
              dimension_points: dict[str, float] | None = None) -> Level:
    """The highest level whose threshold the score reaches and whose floor every dimension
    reaches (proportionately to its applicable points, when given), at most
    max_levels_lowered_by_floors bands below the level of the score alone."""
    by_score = scheme.levels[0]
    reached = scheme.levels[0]
    points = dimension_points or {}
    mean = sum(points.values()) / len(points) if points else None
    for level in scheme.levels:
        if score < level.min_score:
            continue
        by_score = level
        if dimension_scores is None or all(value >= dimension_floor(scheme, level, points.get(d), mean)
                                           for d, value in dimension_scores.items()):
            reached = level
    lowest = next((level for level in scheme.levels
                   if level.rank >= by_score.rank - scheme.scoring.max_levels_lowered_by_floors), by_score)
    return reached if reached.rank >= lowest.rank else lowest


def score_applicant(
    scheme: Scheme,
    domains: list[str] | tuple[str, ...],
    answers: dict[str, Answer],
    measures: dict[str, float] | None = None,
    *,
    special_deductions: int = 0,
    special_bonus: int = 0,
    open_major_findings: int = 0,
    promises: dict[str, float] | None = None,
    methods: tuple[str, ...] | None = None,
) -> ScoreResult:
    """promises: the applicant's published service promises, by measure (see measure_bands).
    methods: the checklist methods the audit covers (a surveillance covers fewer); None: all."""
    rules = scheme.scoring
    measures = measures or {}
    bands = measure_bands_for(scheme, domains, promises)
    items = [score_item(item, answers.get(item.id), measures, scheme, bands.get(item.measure) if item.measure else None)
             for item in scheme.items_for(domains) if methods is None or item.method in methods]

    scored = [i for i in items if i.status == "scored"]
    applicable_points = sum(i.points for i in scored)
    earned_points = sum(i.earned for i in scored)
    base = earned_points / applicable_points * rules.scale if applicable_points else 0.0
    cells = _ratios(items, lambda i: (i.mode, i.dimension), rules.scale)
    by_dimension = _ratios(items, lambda i: i.dimension, rules.scale)
    dimension_scores = {d: by_dimension[d] for d in scheme.dimension_ids if d in by_dimension}
    dimension_points = {d: sum(i.points for i in scored if i.dimension == d) for d in dimension_scores}
    by_mode = _ratios(items, lambda i: i.mode, rules.scale)
    mode_scores = {m.id: by_mode[m.id] for m in scheme.modes if m.id in by_mode}

    bonus = min(special_bonus, rules.max_special_bonus)
    final = base - special_deductions * rules.special_deduction_points + bonus * rules.special_bonus_points
    final = min(rules.scale, max(0.0, final))

    score_level = level_for(scheme, final)
    level = level_for(scheme, final, dimension_scores, dimension_points)
    gates = _gates(scheme, items, score_level, level, dimension_scores, dimension_points, open_major_findings)
    return ScoreResult(
        scheme_version=scheme.meta.version, items=items, cells=cells,
        applicable_points=applicable_points, earned_points=earned_points,
        dimension_scores=dimension_scores, mode_scores=mode_scores, base_score=base,
        special_deductions=special_deductions, special_bonus=bonus, score=final,
        level=level, score_level=score_level, gates=gates,
    )


def _gates(scheme: Scheme, items: list[ItemScore], score_level: Level, level: Level, dimension_scores: dict[str, float],
           dimension_points: dict[str, float], open_major_findings: int) -> list[Gate]:
    rules = scheme.scoring
    gates = []
    if level.rank < score_level.rank:
        mean = sum(dimension_points.values()) / len(dimension_points) if dimension_points else None
        floors = {d: dimension_floor(scheme, score_level, dimension_points.get(d), mean) for d in dimension_scores}
        below = [d for d, v in dimension_scores.items() if v < floors[d]]
        zh = "、".join(f"{scheme.dimension_names[d]} {dimension_scores[d]:.1f}（下限 {floors[d]:.1f}）" for d in below)
        en = ", ".join(f"{d} {dimension_scores[d]:.1f} (floor {floors[d]:.1f})" for d in below)
        gates.append(Gate(
            "dimension_floor", False, blocking=False,
            zh=f"{zh}低于{score_level.label}的维度下限，等级降为{level.label}",
            en=f"{en} below the dimension floors of level {score_level.rank}; level lowered to {level.rank}",
        ))
    else:
        gates.append(Gate("dimension_floor", True, blocking=False,
                          zh="各维度达到等级下限", en="every dimension reaches the level's floor"))
    if rules.veto_blocks_certification:
        vetoed = [i.item_id for i in items if i.veto_failed]
        gates.append(Gate(
            "veto", not vetoed, blocking=True,
            zh="无否决项失败" if not vetoed else "否决项不符合：" + "、".join(vetoed),
            en="no veto item failed" if not vetoed else "veto items failed: " + ", ".join(vetoed),
        ))
    if rules.open_major_blocks_certification:
        gates.append(Gate(
            "open_major", open_major_findings == 0, blocking=True,
            zh="无未关闭的严重不符合" if not open_major_findings else f"有 {open_major_findings} 项严重不符合未关闭",
            en="no open major nonconformity" if not open_major_findings
            else f"{open_major_findings} major nonconformities are open",
        ))
    return gates
