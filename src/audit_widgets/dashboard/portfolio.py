"""What the committee's dashboard shows, read from what the store already holds.

Nothing here evaluates an audit: scores come from the recorded stage results (the report's,
or the evaluation stages' while the report is not recorded), so a page view costs reads only.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..batch.inputs import batch_stale
from ..contract import IN_FORCE, Grade, TeamRole
from ..domain import Applicant, StageRecord
from ..files import write_atomically
from ..rules.lifecycle import surveillance_due_dates
from ..scheme import Scheme
from ..stages import registry
from ..stages.results import CharacteristicResult, LevelRef, ScoredResult, Scores, read
from ..store.repository import Workbench
from ..store.signers import SIGNER_NAMES

# The recorded results that carry a score, the most complete first.
OPEN_GRADES = (Grade.MAJOR, Grade.MINOR, Grade.OBSERVATION)
COMMITTEE = "认证委员会 committee"


@dataclass(frozen=True)
class PortfolioRow:
    applicant_id: str
    name: str
    uscc: str
    domains: str
    stage: str            # the stage that is next to do, by its name
    holder: str           # who holds it
    score: float | None
    level: str
    level_rank: int | None
    provisional: bool     # the score is not the recorded report's yet
    findings: dict = field(default_factory=dict)  # open findings by grade
    decision: str = "—"
    certificate: str = "—"
    next_surveillance: date | None = None
    stale: bool = False   # answers changed after the figures were recorded
    batch_stale: bool = False  # something changed after the applicant's last batch run (the ledger)
    certified: bool = False
    reported: bool = False  # the report stage has a recorded result
    dimensions: dict = field(default_factory=dict)  # dimension id → score, as recorded
    kpis: dict = field(default_factory=dict)  # measure id → value, as the characteristic stage recorded it

    def as_record(self) -> dict:
        record = dict(self.__dict__)
        for grade in OPEN_GRADES:
            record[f"open_{grade}"] = self.findings.get(grade, 0)
        del record["findings"]
        del record["dimensions"]
        del record["kpis"]
        for dimension, value in self.dimensions.items():
            record[f"dim_{dimension}"] = value
        for measure, value in self.kpis.items():
            record[f"kpi_{measure}"] = value
        return record


def next_stage(scheme: Scheme, records: dict[str, StageRecord], audit_type: str | None, has_certificate: bool = True):
    """The first stage of the procedure that the audit's type goes through with no result yet
    (or one marked for redo); a stage on the certificate only once there is one."""
    for stage in scheme.procedure_stages:
        if audit_type is not None and not stage.applies_to(audit_type):
            continue
        if stage.on_certificate and not has_certificate:
            continue
        record = records.get(stage.id)
        if record is None or record.redo_reason:
            return stage
    return None


def recorded_scores(records: dict[str, StageRecord]) -> Scores | None:
    """The latest scores an audit recorded: the report's, else a scoring stage's before it."""
    stage_id = _scored_stage(records)
    return read(records[stage_id], ScoredResult).scores if stage_id else None


def _scored_stage(records: dict[str, StageRecord]) -> str | None:
    return next((s for s in registry.scoring_stages() if s in records and records[s].result.get("scores")), None)


def _score(records: dict[str, StageRecord]) -> tuple[float | None, LevelRef | None, bool, dict[str, float]]:
    scores = recorded_scores(records)
    if scores is None:
        return None, None, False, {}
    provisional = _scored_stage(records) != registry.report_stage()
    return scores.score, scores.level, provisional, scores.dimension_scores


def portfolio_row(view: Workbench, applicant: Applicant, today: date) -> PortfolioRow:
    scheme = view.scheme
    audit = view.current_audit(applicant.id)
    records = view.stage_results(audit) if audit else {}
    decision = view.decision(audit) if audit else None
    refused = decision is not None and not decision.certified
    audit_type = view.audit(audit).audit_type if audit else None
    certificate = view.certificate_for(applicant.id)
    stage = None if refused else next_stage(scheme, records, audit_type, certificate is not None)
    team = view.team(audit) if audit else []
    leader = next((m.auditor for m in team if m.role == TeamRole.LEADER), None)
    if stage is None:
        holder = "—"
    elif stage.signed_by == "decision_maker":
        holder = COMMITTEE
    elif stage.signed_by == "team_leader":
        holder = f"{leader.name} {leader.id}" if leader else "待组建审查组 no team yet"
    else:  # a stage of the body's own staff: the programme manager's, the administrator's
        holder = view.signers(audit, stage.id).named() or SIGNER_NAMES[stage.signed_by][0]
    score, level, provisional, dimensions = _score(records)
    findings: dict[str, int] = {}
    for finding in view.findings(audit) if audit else []:
        if finding.verified_on is None and finding.grade in OPEN_GRADES:
            findings[finding.grade] = findings.get(finding.grade, 0) + 1
    levels = {lv.rank: lv for lv in scheme.levels}
    decided = "—"
    if decision is not None:
        decided = f"批准 {levels[decision.level_rank].label}" if decision.certified else "不予认证 refused"
    statuses = {s.id: s.name for s in scheme.certificate_statuses}
    due = None
    # The next surveillance follows the certificate's cycle, whatever the current audit's state
    # (a surveillance under way has no decision yet; the certificate still has its dates).
    if certificate is not None and certificate.status in IN_FORCE:
        due = next((d for d in surveillance_due_dates(scheme, view.cycle_start(certificate)) if d >= today), None)
    return PortfolioRow(
        applicant_id=applicant.id, name=applicant.name, uscc=applicant.uscc, domains=",".join(applicant.domains),
        stage=stage.name if stage else ("已结束（不予认证）closed" if refused else "已完成 complete"), holder=holder,
        score=score, level=level.label if level else "—", level_rank=level.rank if level else None,
        provisional=provisional, findings=findings, decision=decided,
        certificate=statuses.get(certificate.status, certificate.status) if certificate else "—",
        next_surveillance=due, stale=bool(audit and view.stale_stages(audit)),
        batch_stale=batch_stale(view, applicant.id),
        certified=bool(decision and decision.certified), reported=registry.report_stage() in records, dimensions=dimensions,
        kpis=recorded_kpis(records),
    )


def recorded_kpis(records: dict[str, StageRecord]) -> dict[str, float]:
    """The measured values the characteristic stage recorded: the work-order KPIs, overall
    satisfaction and NPS (by the measure ids of kpis.yaml)."""
    if "characteristic" not in records:
        return {}
    characteristic = read(records["characteristic"], CharacteristicResult)
    values = {m: k["value"] for m, k in characteristic.kpis.items() if k.get("value") is not None}
    survey = characteristic.survey or {}
    if survey.get("csat") is not None:
        values["csat_overall"] = survey["csat"]
    if (survey.get("nps") or {}).get("nps") is not None:
        values["nps"] = survey["nps"]["nps"]
    return values


def portfolio(workbench: Workbench, today: date | None = None) -> pd.DataFrame:
    """One row per applicant, read in one snapshot of the store."""
    today = today or date.today()
    with workbench.reading() as view:
        rows = [portfolio_row(view, applicant, today).as_record() for applicant in view.list_applicants()]
        dimensions = view.scheme.dimension_ids
    columns = [c for c in PortfolioRow.__dataclass_fields__ if c not in ("findings", "dimensions", "kpis")]
    columns += [f"open_{g}" for g in OPEN_GRADES] + [f"dim_{d}" for d in dimensions]
    columns += [f"kpi_{m.id}" for m in workbench.scheme.measures]
    return pd.DataFrame(rows, columns=columns)


def cached_portfolio(workbench: Workbench, cache_dir: Path, today: date | None = None) -> pd.DataFrame:
    """The portfolio, read again only when the store changed (a new trail entry or ledger row),
    the scheme changed or the day changed; else from a Parquet file in `cache_dir` (never in the store)."""
    today = today or date.today()
    # The row's fields are in the key too, so a cache written by another version is not read.
    fields = hashlib.sha256(",".join(PortfolioRow.__dataclass_fields__).encode()).hexdigest()[:8]
    key = (f"{workbench.trail_head()}-{workbench.ledger_head()}-{workbench.scheme.fingerprint[:16]}-"
           f"{today.isoformat()}-{fields}")
    path = cache_dir / f"portfolio-{key}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    rows = workbench.portfolio(today)  # behind the hub, one call to the workbench service
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("portfolio-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)
    # Voila's pool starts kernels side by side: each writes its own file, then renames it, so
    # no kernel reads a half-written file and none trips over another's.
    write_atomically(path, rows.to_parquet())
    return rows


def benchmark(rows: pd.DataFrame, applicant_id: str, scheme: Scheme) -> pd.DataFrame | None:
    """5.2c 与行业标杆的差距: this applicant's score, dimension scores and KPIs against the
    others certified in its (first) domain: its percentile, the domain median and the best.
    For a measure where lower is better (kpis.yaml direction), the best is the lowest and the
    percentile counts the peers it does at least as well as."""
    me = rows[rows["applicant_id"] == applicant_id]
    if me.empty or pd.isna(me.iloc[0]["score"]):
        return None
    domain = me.iloc[0]["domains"].split(",")[0]
    peers = rows[rows["certified"] & rows["domains"].str.split(",").str[0].eq(domain)]
    if peers.empty:
        return None
    names = scheme.dimension_names
    compared = [("score", "总分 score", "higher", "score")]
    compared += [(f"dim_{d}", names.get(d, d), "higher", "score") for d in scheme.dimension_ids]
    compared += [(f"kpi_{m.id}", m.name, m.direction, m.unit) for m in scheme.measures]
    table = []
    for column, label, direction, unit in compared:
        if column not in peers:
            continue
        values = peers[column].dropna()
        mine = me.iloc[0][column]
        if values.empty or pd.isna(mine):
            continue
        lower = direction == "lower"
        table.append({"measure": label, "mine": mine, "direction": direction, "unit": unit,
                      "percentile": ((values >= mine) if lower else (values <= mine)).mean() * 100,
                      "median": values.median(), "best": values.min() if lower else values.max(),
                      "peers": len(values), "domain": domain})
    return pd.DataFrame(table)
