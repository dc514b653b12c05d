"""Sampling: how many sites and cases, and a reproducible draw of the cases."""
from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from ..domain import DrawRecord
from ..errors import RuleError
from ..scheme import INSPECTION_LEVELS, Scheme


def site_sample_size(scheme: Scheme, sites: int, stage: str) -> int:
    """IAF MD1: factor × √sites, rounded up (1, 0.6, 0.8 by stage), never more than the sites."""
    if sites < 1:
        raise RuleError("场所数应至少为 1", "The number of sites must be at least 1")
    factor = scheme.stage(stage).site_sample_factor
    # √n is irrational in general; compare squares in exact arithmetic where n is a square
    # so that 0.6 × √25 is exactly 3, not 3.0000000000000004 rounded up to 4.
    root = math.isqrt(sites)
    if root * root == sites:
        exact = Fraction(root) * factor
        size = math.ceil(exact)
    else:
        size = math.ceil(float(factor) * math.sqrt(sites))
    return max(1, min(size, sites))


def random_site_minimum(scheme: Scheme, sample_size: int) -> int:
    """IAF MD1: at least this many of the sampled sites are chosen at random."""
    return math.ceil(round(sample_size * scheme.sampling_rules.min_random_site_share, 9))


@dataclass(frozen=True)
class CaseSampleSize:
    lot_size: int
    level: str
    code_letter: str
    sample_size: int
    whole_lot: bool  # the table asks for at least the whole lot: check every case

    def as_dict(self) -> dict:
        return asdict(self)


def case_sample_size(scheme: Scheme, lot_size: int, level: str | None = None) -> CaseSampleSize:
    """GB/T 2828.1: the code letter for the lot size at the inspection level, then its size."""
    level = level or scheme.sampling_rules.default_inspection_level
    if level not in INSPECTION_LEVELS:
        raise RuleError(
            f"检验水平应为 I、II 或 III，实为「{level}」", f"Inspection level must be I, II or III, got '{level}'"
        )
    if lot_size < 1:
        raise RuleError("批量（案例总数）应至少为 1", "The lot size (number of cases) must be at least 1")
    sizes = {row.code_letter: row.sample_size for row in scheme.case_sample_sizes}
    first = scheme.case_code_letters[0]
    if lot_size < first.min_lot:
        # Below the table: every case is checked.
        return CaseSampleSize(lot_size, level, "—", lot_size, True)
    for band in scheme.case_code_letters:
        if band.max_lot is None or lot_size <= band.max_lot:
            letter = getattr(band, f"level_{level}")
            size = sizes[letter]
            return CaseSampleSize(lot_size, level, letter, min(size, lot_size), size >= lot_size)
    raise RuleError("批量超出抽样表", f"Lot size {lot_size} is beyond the sampling table")


def population_hash(ids: pd.Series) -> str:
    """SHA-256 over the sorted ids: independent of the file's row order."""
    digest = hashlib.sha256()
    for value in sorted(ids.astype(str)):
        digest.update(value.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _allocate(counts: pd.Series, total: int) -> pd.Series:
    """Proportional allocation with largest remainders; each stratum gets at most its size."""
    quotas = counts / counts.sum() * total
    taken = np.floor(quotas).astype(int)
    remainder = total - int(taken.sum())
    order = (quotas - taken).sort_values(ascending=False, kind="stable").index
    for key in order[:remainder]:
        taken[key] += 1
    return taken.clip(upper=counts)


def draw_sample(
    population: pd.DataFrame,
    size: int,
    *,
    seed: int,
    id_column: str,
    stratify_by: str | None = None,
) -> tuple[pd.DataFrame, DrawRecord]:
    """Draw `size` rows reproducibly: the same population (in any order) and seed give the
    same ids. Stratified draws allocate the sample proportionally to each stratum."""
    if size < 0:
        raise RuleError("样本量不能为负", "Sample size cannot be negative")
    if id_column not in population.columns:
        raise RuleError(f"总体缺少编号列「{id_column}」", f"The population has no id column '{id_column}'")
    ordered = population.sort_values(id_column, kind="stable").reset_index(drop=True)
    size = min(size, len(ordered))
    rng = np.random.default_rng(seed)
    if stratify_by is None:
        picked = ordered.iloc[np.sort(rng.choice(len(ordered), size=size, replace=False))]
        method = "simple"
    else:
        if stratify_by not in ordered.columns:
            raise RuleError(f"总体缺少分层列「{stratify_by}」", f"The population has no column '{stratify_by}' to stratify by")
        strata = ordered[stratify_by].astype(str)
        counts = strata.value_counts().sort_index()
        allocation = _allocate(counts, size)
        parts = []
        for stratum, quota in allocation.items():
            members = np.flatnonzero((strata == stratum).to_numpy())
            parts.append(np.sort(rng.choice(members, size=int(quota), replace=False)))
        picked = ordered.iloc[np.sort(np.concatenate(parts))] if parts else ordered.iloc[[]]
        method = f"stratified:{stratify_by}"
    record = DrawRecord(
        population_hash=population_hash(ordered[id_column]),
        population_size=len(ordered),
        method=method,
        seed=seed,
        sample_size=len(picked),
        ids=[str(v) for v in picked[id_column]],
    )
    return picked.reset_index(drop=True), record
