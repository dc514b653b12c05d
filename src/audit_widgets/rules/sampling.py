"""Sampling: how many sites and cases, and reproducible draws of both."""
from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, cast

import numpy as np
import pandas as pd

from ..domain import DrawRecord, Site, SiteSample
from ..errors import RuleError
from ..scheme import INSPECTION_LEVELS, Scheme


def _ceil_root(factor: Fraction, n: int) -> int:
    """⌈factor × √n⌉ exactly: √n is irrational in general, but where n is a square the product
    is compared in exact arithmetic, so that 0.6 × √25 is 3, not 3.0000000000000004 → 4."""
    root = math.isqrt(n)
    if root * root == n:
        return math.ceil(Fraction(root) * factor)
    return math.ceil(float(factor) * math.sqrt(n))


def site_sample_size(scheme: Scheme, sites: int, audit_type: str) -> int:
    """IAF MD1 (and EA's FAQ on it): the central function always, plus ⌈factor × √(other sites)⌉
    (factor 1, 0.6, 0.8 by audit type). `sites` counts every site, the central function included."""
    if sites < 1:
        raise RuleError("场所数应至少为 1（含中心职能）", "The number of sites must be at least 1 (the central function)")
    others = sites - 1
    return 1 + min(_ceil_root(scheme.audit_type(audit_type).site_sample_factor, others), others)


def random_site_minimum(scheme: Scheme, sample_size: int) -> int:
    """IAF MD1: at least this many of the sampled sites are chosen at random."""
    return math.ceil(round(sample_size * scheme.sampling_rules.min_random_site_share, 9))


def draw_sites(scheme: Scheme, sites: tuple[Site, ...], audit_type: str, seed: int,
               chosen: tuple[str, ...] = (), *, eligibility: str = "",
               visited: tuple[str, ...] = ()) -> SiteSample:
    """The site sample: the central function, the auditors' risk-based choices, then sites drawn
    at random (seeded, from the sites sorted by name, so the list order does not matter): first
    one of each site type not yet covered, then from all the rest. Sites an earlier audit of the
    cycle `visited` are drawn only once the others run out (IAF MD1: the next audits normally
    visit other sites). Without the `eligibility` judgement (why MD1 sampling applies, with its
    evidence), every site is audited."""
    central = [s for s in sites if scheme.site_types_by_id[s.type].central]
    if len(central) != 1:
        raise RuleError("场所清单应恰有一个中心职能", "The site list needs exactly one central function")
    by_name = {s.name: s for s in sites}
    unknown = [name for name in chosen if name not in by_name]
    if unknown:
        raise RuleError(f"场所清单中没有：{'、'.join(unknown)}", f"Not in the site list: {', '.join(unknown)}")
    others = sorted((s for s in sites if s is not central[0]), key=lambda s: s.name)
    md1_size = site_sample_size(scheme, len(sites), audit_type)
    seen = tuple(name for name in dict.fromkeys(visited) if name in by_name)
    types_of = {t.id: [n for n in (central[0].name, *(s.name for s in others)) if by_name[n].type == t.id]
                for t in scheme.site_types}
    if not eligibility.strip():
        every = (central[0].name, *(s.name for s in others))
        return SiteSample(audit_type=audit_type, size=len(every), md1_size=md1_size, seed=seed, chosen=every,
                          drawn=(), types={k: v for k, v in types_of.items() if v}, sampled=False,
                          visited_before=seen)
    types = [t.id for t in scheme.site_types if any(s.type == t.id for s in others)]
    size = min(len(sites), max(md1_size, 1 + len(types)))
    picked = [central[0].name] + [name for name in dict.fromkeys(chosen) if name != central[0].name]
    if size - len(picked) < random_site_minimum(scheme, size):
        raise RuleError(
            f"自选场所过多：{size} 个抽样场所中至少 {random_site_minimum(scheme, size)} 个须随机抽取",
            f"Too many chosen sites: at least {random_site_minimum(scheme, size)} of {size} must be drawn at random",
            code="sampling.random_sites")
    rng = np.random.default_rng(seed)

    def draw(pool: list[str], count: int) -> list[str]:
        """`count` of the pool at random, those not visited in the cycle first."""
        fresh = [name for name in pool if name not in seen]
        again = [name for name in pool if name in seen]
        taken = [fresh[i] for i in sorted(rng.choice(len(fresh), size=min(count, len(fresh)), replace=False))]
        rest = count - len(taken)
        return taken + ([again[i] for i in sorted(rng.choice(len(again), size=rest, replace=False))] if rest else [])

    drawn: list[str] = []
    for site_type in types:
        if not any(by_name[name].type == site_type for name in picked + drawn):
            drawn += draw([s.name for s in others if s.type == site_type and s.name not in picked + drawn], 1)
    pool = [s.name for s in others if s.name not in picked + drawn]
    drawn += draw(pool, max(0, size - len(picked) - len(drawn)))
    sample = picked + drawn
    covered = {t.id: [n for n in sample if by_name[n].type == t.id] for t in scheme.site_types}
    return SiteSample(audit_type=audit_type, size=len(sample), md1_size=md1_size, seed=seed, chosen=tuple(picked),
                      drawn=tuple(drawn), types={k: v for k, v in covered.items() if v}, sampled=True,
                      eligibility=eligibility.strip(), visited_before=seen)


@dataclass(frozen=True)
class CaseSampleSize:
    lot_size: int
    level: str
    code_letter: str
    sample_size: int
    whole_lot: bool  # the table asks for at least the whole lot: check every case

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def case_sample_size(scheme: Scheme, lot_size: int, level: str | None = None) -> CaseSampleSize:
    """GB/T 2828.1: the code letter for the lot size at the inspection level, then its size."""
    level = level or scheme.sampling_rules.default_inspection_level
    if level not in INSPECTION_LEVELS:
        options = "、".join(INSPECTION_LEVELS)
        raise RuleError(f"检验水平应为 {options} 之一，实为「{level}」",
                        f"The inspection level must be one of {', '.join(INSPECTION_LEVELS)}, got '{level}'")
    if lot_size < 1:
        raise RuleError("批量（案例总数）应至少为 1", "The lot size (number of cases) must be at least 1")
    sizes = {row.code_letter: row.sample_size for row in scheme.case_sample_sizes}
    first = scheme.case_code_letters[0]
    if lot_size < first.min_lot:
        # Below the table: every case is checked.
        return CaseSampleSize(lot_size, level, "—", lot_size, True)
    for band in scheme.case_code_letters:
        if band.max_lot is None or lot_size <= band.max_lot:
            letter = band.letter(level)
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
    return cast(pd.Series, taken.clip(upper=counts))


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


def sampling_statement(scheme: Scheme) -> tuple[str, str]:
    """How sites and cases were sampled, in the words the report prints (Chinese, English)."""
    level = scheme.sampling_rules.default_inspection_level
    share = scheme.sampling_rules.min_random_site_share
    return (f"场所按 IAF MD1 抽样：中心职能必审，另抽 ⌈系数×√其余场所⌉，覆盖每类场所，至少 {share:.0%} 随机抽取（记录种子）；"
            f"案例按 GB/T 2828.1 检验水平 {level} 抽样，投诉单独成批。",
            f"Sites by IAF MD1: the central function plus ⌈factor × √(other sites)⌉, each site type covered, at "
            f"least {share:.0%} drawn at random (seed recorded); cases by GB/T 2828.1 inspection level {level}, "
            "complaints as a lot of their own.")
