"""What each stage records, as types: the readers (the report, the dashboard, the timeline, the
surveillance comparison) use attributes, not string keys.

A stage's result is stored as JSON and signed as it was recorded, so these models only read it:
a recorded result is never rewritten. Every field a stage has not always recorded has a
default, so a result recorded by an earlier version still reads; keys a model does not name
are kept (extra="allow"). A stage names its result type in the stage registry (`Stage.result`);
a result with `scores` (ScoredResult) is a scoring stage's, and the report stage's is ReportResult.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from ..domain import StageRecord


class Part(BaseModel):
    """A part of a recorded result; keys it does not name are kept."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Result(Part):
    """A stage's recorded result."""

    missing: list[dict[str, Any]] = []  # what the stage still lacked when recorded (run_stage adds it)


class LevelRef(Part):
    rank: int | None = None
    label: str = ""
    name: str = ""


class Scores(Part):
    """A scoring stage's scores: the total and level, by dimension and mode, and per item."""

    score: float
    level: LevelRef
    dimension_scores: dict[str, float] = {}
    mode_scores: dict[str, float] = {}
    cells: dict[str, float] = {}
    items: dict[str, dict[str, Any]] = {}


class ScoredResult(Result):
    scores: Scores | None = None  # None only in a result recorded without its scores (by hand, in a test)


class ApplicationResult(Result):
    applicant: dict[str, Any] = {}
    documents: dict[str, list[dict[str, Any]]] = {}
    missing_documents: list[Any] = []
    uscc_valid: bool = False
    complete: bool = False


class PlanningResult(Result):
    audit_type: str | None = None
    person_days: dict[str, Any] = {}
    site_sample_size: int | None = None
    site_sample: dict[str, Any] | None = None
    sites_visited: list[dict[str, Any]] = []
    case_lots: dict[str, int] = {}
    case_sample: dict[str, Any] | None = None
    team: list[dict[str, Any]] = []
    team_violations: list[dict[str, Any]] = []
    team_warnings: list[dict[str, Any]] = []  # not blocking: the leader's rotation
    audit_start: date | None = None
    audit_end: date | None = None
    cycle_plan: list[dict[str, Any]] = []
    review: dict[str, Any] | None = None
    audit_plan: dict[str, Any] | None = None


class ContractResult(Result):
    contract_no: str = ""
    signed_on: date | None = None
    fee: float = 0.0
    person_days: float | None = None


class CaseSampleSummary(Part):
    population_hash: str = ""
    population_size: int = 0
    method: str = ""
    seed: int | None = None
    drawn: int = 0
    verified: int = 0


class CharacteristicResult(ScoredResult):
    survey: dict[str, Any] | None = None
    kpis: dict[str, dict[str, Any]] = {}
    out_of_control: list[dict[str, Any]] = []
    kpi_monthly: list[dict[str, Any]] = []
    case_sample: CaseSampleSummary | None = None
    case_answers: dict[str, dict[str, Any]] = {}
    case_lots: list[dict[str, Any]] = []  # each check's counts per lot (rules/cases.LotCount)
    callbacks: dict[str, Any] | None = None  # the body's own call-backs: the draw and the calls (rules/survey)
    lot_weighting: str | None = None  # how a check on both lots was scored (sampling_rules.lot_weighting)
    evidence: dict[str, Any] = {}  # the evidence period and what of each import was used (evidence.py)


class SystemAuditResult(ScoredResult):
    pass


class Recommendation(Part):
    certifiable: bool = False
    level: LevelRef | None = None
    reasons: list[dict[str, Any]] = []


class Statement(Part):
    zh: str = ""
    en: str = ""


class ReportResult(ScoredResult):
    score_result: dict[str, Any] = {}
    scoring_method: Statement = Statement()
    sampling_method: Statement = Statement()
    not_applicable: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    adjustments: list[dict[str, Any]] = []
    recommendation: Recommendation = Recommendation()


class DecisionResult(Result):
    decided_on: date | None = None
    certified: bool | None = None
    level_rank: int | None = None
    outcome: str = ""
    members: list[str] = []


class CertificateResult(Result):
    certified: bool | None = None
    outcome: str = ""
    certificate: dict[str, Any] | None = None


class SurveillanceResult(Result):
    current: dict[str, Any] = {}
    periods: dict[str, Any] = {}  # the evidence periods compared: {current, previous}
    previous_audit: dict[str, Any] | None = None
    previous: dict[str, Any] | None = None
    change: float | None = None
    comparison: dict[str, Any] | None = None
    kpi_comparison: Any = None


class RecertificationResult(Result):
    certificate: dict[str, Any] | None = None
    history: list[dict[str, Any]] = []
    surveillances_done: list[date] = []
    overdue_major_findings: int = 0
    due_change: dict[str, Any] | None = None
    audits_due: list[dict[str, Any]] = []  # short-notice special audits not decided yet
    recertification_window: dict[str, Any] | None = None
    as_of: date | None = None


R = TypeVar("R", bound=Result)


def read(record: StageRecord, kind: type[R]) -> R:
    """A recorded result as the type its reader expects (PlanningResult, ReportResult …)."""
    return kind.model_validate(record.result)
