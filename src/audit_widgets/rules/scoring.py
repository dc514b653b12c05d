"""Scoring by the GB/T 27922-2011 method, then the maturity level and its gates.

Per item: full deduction when not met, proportional deduction for sample-based items, a
linear score between two thresholds for measured items; not applicable leaves the
denominator. Per (mode, dimension) cell: earned ÷ applicable × scale. The dimension, mode
and overall scores are weighted means of the cells (weights from the scheme, renormalised
over the cells that have applicable items). Special deductions and the bonus apply to the
overall score.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import Answer
from ..scheme import ChecklistItem, Level, Scheme


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

    def as_dict(self) -> dict:
        return {
            "scheme_version": self.scheme_version,
            "score": self.score,
            "base_score": self.base_score,
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


def measured_credit(item: ChecklistItem, value: float) -> float:
    """Linear between zero_at (no credit) and full_at (full credit); works for both directions."""
    credit = (value - item.zero_at) / (item.full_at - item.zero_at)
    return min(1.0, max(0.0, credit))


def score_item(item: ChecklistItem, answer: Answer | None, measures: dict[str, float], scheme: Scheme) -> ItemScore:
    mode = scheme.method_mode[item.method]
    answer = answer or Answer()
    result = scheme.results_by_id.get(answer.result) if answer.result else None

    def scored(credit: float, basis: str) -> ItemScore:
        veto_failed = item.veto and credit < scheme.scoring.veto_pass_min_credit
        return ItemScore(item.id, mode, item.dimension, item.points, "scored", credit,
                         item.points * credit, veto_failed, basis)

    if result is not None and not result.applicable:
        return ItemScore(item.id, mode, item.dimension, item.points, "not_applicable", 0.0, 0.0, False, result.name)
    if item.judgement == "measure":
        value = answer.measured if answer.measured is not None else measures.get(item.measure)
        if value is not None:
            return scored(measured_credit(item, value), f"{scheme.measures_by_id[item.measure].name} = {value:.4g}")
    if item.judgement == "sample" and answer.checked:
        bad = answer.nonconforming or 0
        return scored(1 - bad / answer.checked, f"{bad}/{answer.checked} 不符合 nonconforming")
    if result is not None:
        return scored(result.credit, result.name)
    return ItemScore(item.id, mode, item.dimension, item.points, "unanswered", 0.0, 0.0, False, "未作答 unanswered")


def _weighted_mean(values: dict, weights: dict) -> float | None:
    present = [k for k in values if weights.get(k, 0) > 0]
    total = sum(weights[k] for k in present)
    if not total:
        return None
    return sum(values[k] * weights[k] for k in present) / total


def level_for(scheme: Scheme, score: float, dimension_scores: dict[str, float] | None = None) -> Level:
    """The highest level whose threshold the score reaches and whose floor every dimension reaches."""
    reached = scheme.levels[0]
    for level in scheme.levels:
        floors_met = dimension_scores is None or all(
            value >= level.dimension_floor for value in dimension_scores.values()
        )
        if score >= level.min_score and floors_met:
            reached = level
    return reached


def score_applicant(
    scheme: Scheme,
    domains: list[str] | tuple[str, ...],
    answers: dict[str, Answer],
    measures: dict[str, float] | None = None,
    *,
    special_deductions: int = 0,
    special_bonus: int = 0,
    open_major_findings: int = 0,
) -> ScoreResult:
    rules = scheme.scoring
    measures = measures or {}
    items = [score_item(item, answers.get(item.id), measures, scheme) for item in scheme.items_for(domains)]

    earned: dict[tuple[str, str], float] = {}
    possible: dict[tuple[str, str], float] = {}
    for item in items:
        if item.status != "scored":
            continue
        cell = (item.mode, item.dimension)
        earned[cell] = earned.get(cell, 0.0) + item.earned
        possible[cell] = possible.get(cell, 0.0) + item.points
    cells = {cell: earned[cell] / possible[cell] * rules.scale for cell in possible}

    mode_weights = {m.id: m.weight for m in scheme.modes}
    dimension_weights = {d.id: d.weight for d in scheme.dimensions}
    dimension_scores = {}
    for dim in scheme.dimension_ids:
        value = _weighted_mean({m: v for (m, d), v in cells.items() if d == dim}, mode_weights)
        if value is not None:
            dimension_scores[dim] = value
    mode_scores = {}
    for mode in mode_weights:
        value = _weighted_mean({d: v for (m, d), v in cells.items() if m == mode}, dimension_weights)
        if value is not None:
            mode_scores[mode] = value
    cell_weights = {cell: mode_weights[cell[0]] * dimension_weights[cell[1]] for cell in cells}
    base = _weighted_mean(cells, cell_weights) or 0.0

    bonus = min(special_bonus, rules.max_special_bonus)
    final = base - special_deductions * rules.special_deduction_points + bonus * rules.special_bonus_points
    final = min(rules.scale, max(0.0, final))

    score_level = level_for(scheme, final)
    level = level_for(scheme, final, dimension_scores)
    gates = _gates(scheme, items, score_level, level, dimension_scores, open_major_findings)
    return ScoreResult(
        scheme_version=scheme.meta.version, items=items, cells=cells,
        dimension_scores=dimension_scores, mode_scores=mode_scores, base_score=base,
        special_deductions=special_deductions, special_bonus=bonus, score=final,
        level=level, score_level=score_level, gates=gates,
    )


def _gates(scheme, items, score_level, level, dimension_scores, open_major_findings) -> list[Gate]:
    rules = scheme.scoring
    gates = []
    if level.rank < score_level.rank:
        below = [d for d, v in dimension_scores.items() if v < score_level.dimension_floor]
        names = "、".join(scheme.dimension_names[d] for d in below)
        gates.append(Gate(
            "dimension_floor", False, blocking=False,
            zh=f"{names}低于{score_level.label}的维度下限 {score_level.dimension_floor:g}，等级降为{level.label}",
            en=f"{', '.join(below)} below the dimension floor {score_level.dimension_floor:g} of level "
               f"{score_level.rank}; level lowered to {level.rank}",
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
