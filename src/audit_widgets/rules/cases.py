"""The verified case sample (5.1c) as answers to the checklist's sample items (scheme:
case_checks): each check's counts per lot, and the nonconforming share of a check made on
both lots with each lot weighted by its size (sampling_rules.lot_weighting), so that the
complaints, drawn as a lot of their own and over-represented in the sample, count for their
share of the cases and no more."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain import Answer, CaseSample
from ..scheme import Scheme

POOLED = "all"  # the lot of a sample drawn without lots (before 2026.7)


@dataclass(frozen=True)
class LotCount:
    """One check on one lot: how many of its verified cases were checked and how many failed."""

    item: str
    lot: str
    lot_size: int
    checked: int
    nonconforming: int


def lot_counts(scheme: Scheme, sample: CaseSample) -> list[LotCount]:
    """Each check's counts per lot, over the cases verified so far (a field left None was not checked)."""
    lots = sample.lots or {POOLED: {"size": sample.population_size, "ids": list(sample.ids)}}
    counts = []
    for check in scheme.case_checks:
        for name, lot in lots.items():
            values = [getattr(sample.verified[i], check.field) for i in lot["ids"] if i in sample.verified]
            values = [value for value in values if value is not None]
            if values:
                counts.append(LotCount(check.item, name, int(lot["size"]), len(values),
                                       sum(1 for value in values if value == check.nonconforming_value)))
    return counts


def weighted_share(counts: list[LotCount]) -> float:
    """Σ lot size × the lot's nonconforming share ÷ Σ lot size: the share in the whole population."""
    total = sum(c.lot_size for c in counts)
    if not total:
        return sum(c.nonconforming for c in counts) / sum(c.checked for c in counts)
    return sum(c.lot_size * c.nonconforming / c.checked for c in counts) / total


def case_item_answers(scheme: Scheme, sample: CaseSample) -> dict[str, Answer]:
    """The sample items' answers: the pooled counts, and for a check made on several lots under
    lot_weighting by_lot_size, the nonconforming share weighted by each lot's size."""
    by_item: dict[str, list[LotCount]] = {}
    for count in lot_counts(scheme, sample):
        by_item.setdefault(count.item, []).append(count)
    weighted = scheme.sampling_rules.lot_weighting == "by_lot_size"
    return {item: Answer(checked=sum(c.checked for c in counts), nonconforming=sum(c.nonconforming for c in counts),
                         nonconforming_share=weighted_share(counts) if weighted and len(counts) > 1 else None)
            for item, counts in by_item.items()}
