"""The certification scheme as validated data.

The scheme lives in `parameters/scheme/*.yaml`. Each top-level key of those files is one
*section*: either a table (a list of flat records) or a settings record (one flat record).
Keeping every section flat is what makes the Excel round trip lossless: one sheet per
section, one row per record (or one row per setting).
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Container, Literal, get_args

import yaml
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, ValidationError

from .contract import DERIVED_ROLES, REASON_STATUS, REQUIRED_IDS
from .errors import Problem, SchemeError
from .paths import scheme_dir

WEIGHT_TOLERANCE = 1e-9
ALL_DOMAINS = "all"
# GB/T 2828.1 inspection levels: the special levels S-1…S-4 ask fewer cases than the general I…III.
InspectionLevel = Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
INSPECTION_LEVELS: tuple[str, ...] = get_args(InspectionLevel)
# What a verified case records (one column each in the store); case_checks map them to items.
CaseField = Literal["resolved", "complaint_closed", "satisfied", "reworked", "repeated"]
CASE_FIELDS: tuple[str, ...] = get_args(CaseField)
# What a procedure stage must have before it may be signed off (procedure_stages.complete_when).
CompletenessCheck = Literal["documents", "uscc", "review", "team", "audit_dates", "plan", "answers", "sample_counts",
                            "particulars"]
# Who signs a stage off: the audit team's leader, or a committee member who took the decision.
Signer = Literal["team_leader", "decision_maker", "programme_manager", "administrator"]
# The records a procedure stage can lock at sign-off (procedure_stages.locks).
LockableRecord = Literal["applicant", "documents", "review", "programme", "team", "audit_plan", "contract", "case_sample",
                         "surveys", "work_orders", "findings", "adjustments", "particulars", "decision", "certificate"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- settings records -------------------------------------------------------------------
class Meta(Record):
    name: str
    version: str
    rule: str
    rule_version: str
    criteria: str
    criteria_version: str


class Scoring(Record):
    scale: PositiveFloat
    special_deduction_points: NonNegativeFloat
    special_bonus_points: NonNegativeFloat
    max_special_bonus: int = Field(ge=0)
    veto_pass_min_credit: float = Field(ge=0, le=1)
    veto_blocks_certification: bool
    open_major_blocks_certification: bool
    # Dimension floors (issue 22 §5): proportionate to the dimension's size (a dimension smaller than
    # the average of the audit's dimensions may lose as many points as an average one), and
    # lowering the level by at most this many bands.
    proportionate_floors: bool = True
    max_levels_lowered_by_floors: int = Field(default=1, ge=0)


class Impartiality(Record):
    consulting_lookback_years: int = Field(ge=0)
    # The same leader should not lead an applicant's audits indefinitely: beyond this many
    # audits in a row the team check warns (None: no limit).
    max_consecutive_audits_by_leader: int | None = Field(default=None, ge=1)


class PersonDayRules(Record):
    days_per_extra_sampled_outlet: NonNegativeFloat
    outlets_in_base: int = Field(ge=0)
    days_per_extra_category: NonNegativeFloat
    categories_in_base: int = Field(ge=0)
    max_reduction_share: float = Field(ge=0, le=1)
    rounding_step: PositiveFloat
    min_on_site_share: float = Field(ge=0, le=1)


class SamplingRules(Record):
    default_inspection_level: InspectionLevel
    min_random_site_share: float = Field(ge=0, le=1)
    # A check made on both case lots (C01): by_lot_size weights each lot's nonconforming share
    # by the lot's size; pooled counts every sampled case alike.
    lot_weighting: Literal["by_lot_size", "pooled"]


class SurveyRules(Record):
    normalised_scale: PositiveFloat
    satisfied_min_share: float = Field(ge=0, le=1)
    nps_promoter_min: int
    nps_detractor_max: int
    confidence: float = Field(gt=0, lt=1)
    margin_of_error: float = Field(gt=0, lt=1)
    expected_proportion: float = Field(gt=0, lt=1)
    inadequate_sample: Literal["lower_bound", "not_scored"]  # how a too-small survey scores
    callback_sample_size: int = Field(ge=0)  # customers the team calls back (5.1a, the body's own channel)
    callback_scale: str                      # the scale the call-back answers are given on


class MonitoringRules(Record):
    control_limit_sigma: PositiveFloat
    min_months_for_trend: int = Field(ge=1)


class LifecycleRules(Record):
    validity_years: int = Field(ge=1)
    first_surveillance_within_months: int = Field(ge=1)
    surveillance_interval_months: int = Field(ge=1)
    min_surveillances_per_cycle: int = Field(ge=0)
    max_suspension_months: int = Field(ge=1)
    recertification_window_months: int = Field(ge=0)  # applying and auditing open this long before expiry
    recertification_apply_months_before_expiry: int = Field(ge=0)  # the latest to apply
    certificate_number_prefix: str
    record_retention_cycles: int = Field(ge=1)
    planned_decision_days_after_audit: int = Field(ge=0)
    late_recertification_restore_months: int = Field(ge=0)
    overdue_major_finding_suspends: bool
    max_level_step: int = Field(ge=1)  # a decision raises a certificate's level by at most this many levels
    reapply_after_withdrawal_months: int = Field(ge=0)  # the waiting period before a new application
    max_level_at_initial: int = Field(default=5, ge=1)  # the highest level an initial audit may grant


# --- table records ----------------------------------------------------------------------
class Mode(Record):
    id: str
    name: str


class Method(Record):
    id: str
    mode: str
    name: str


class Dimension(Record):
    id: str
    name: str


class Domain(Record):
    id: str
    name: str
    examples: str
    composite: bool = False  # the applicant also declares the domains of its goods


class OrganisationType(Record):
    id: str
    name: str


class AnswerResult(Record):
    id: str
    name: str
    credit: float = Field(ge=0, le=1)
    applicable: bool
    needs_reason: bool = False  # the store refuses the answer without a written reason


class SpecialDeductionCause(Record):
    id: str
    name: str


class SpecialBonusCause(Record):
    id: str
    name: str


class VetoExemption(Record):
    """Where a veto item may be 不适用: for this domain and organisation type, on this basis."""

    item: str
    domain: str
    organisation_type: str
    condition: str
    basis: str

    def covers(self, domains, organisation_type: str) -> bool:
        return ((self.domain == ALL_DOMAINS or self.domain in domains)
                and self.organisation_type in (ALL_DOMAINS, organisation_type))


class MeasureBand(Record):
    """How a measured value scores for a domain: full credit at full_at, none at zero_at."""

    measure: str
    domain: str
    full_at: float
    zero_at: float
    promise_sets_target: bool

    def credit(self, value: float) -> float:
        """Linear between zero_at and full_at, clipped to [0, 1]; works for both directions."""
        return min(1.0, max(0.0, (value - self.zero_at) / (self.full_at - self.zero_at)))

    def better_than_zero(self, value: float) -> bool:
        return (value - self.zero_at) * (self.full_at - self.zero_at) > 0


class Level(Record):
    rank: int
    label: str
    name: str
    min_score: float = Field(ge=0)
    dimension_floor: float = Field(ge=0)
    certifiable: bool


class FindingGrade(Record):
    id: str
    name: str
    blocks_until: Literal["verified", "plan_accepted", "none"]
    deadline_months: int = Field(ge=0)
    # A nonconformity that repeats one of an earlier audit of the cycle (same item or clause)
    # becomes this grade (None: it keeps its grade and is only marked repeated).
    repeat_raises_to: str | None = None

    @property
    def nonconformity(self) -> bool:
        """A grade that needs a corrective action: what can repeat."""
        return self.blocks_until != "none"

    def deadline(self, raised_on: date) -> date:
        """When the corrective action of a finding of this grade raised on that day is due."""
        return raised_on + relativedelta(months=self.deadline_months)


class AuditorGrade(Record):
    id: str
    name: str
    rank: int
    can_lead: bool
    counts_for_person_days: bool
    min_years_as_auditor: int = Field(ge=0)


class TeamRole(Record):
    id: str
    name: str
    counts_for_person_days: bool


class PersonDayBand(Record):
    min_personnel: int = Field(ge=1)
    max_personnel: int = Field(ge=1)
    days: PositiveFloat


class SiteTimeBand(Record):
    """The audit time a sampled site adds, by the people working there (max_headcount None: and more)."""
    min_headcount: int = Field(ge=1)
    max_headcount: int | None = Field(default=None, ge=1)
    days: PositiveFloat


class AuditType(Record):
    """An audit type: initial, surveillance, recertification or special."""
    id: str
    name: str
    person_day_factor: Fraction
    site_sample_factor: Fraction
    methods: tuple[str, ...] = ()    # the checklist methods it covers; empty: every method
    # Methods added to the `extra_methods_at`-th audit of this type in a certification cycle (the
    # customer survey at the second surveillance: it is repeated at least once per cycle).
    extra_methods: tuple[str, ...] = ()
    extra_methods_at: int | None = Field(default=None, ge=1)
    decisions: tuple[str, ...] = ()  # the decision_outcomes the committee may choose after it
    # Its evidence period (rules/evidence.py): from `evidence_months` before the first on-site
    # day, or from the day after the previous audit's period ended; to the day before the audit.
    evidence_from: Literal["months_before_audit", "previous_audit"]
    evidence_months: int = Field(ge=1, le=60)  # also the period of a first audit after "previous_audit"
    # What an audit of this type is for (ISO/IEC 17021-1 §9.2.1.1), as the report states it.
    objective: str = ""
    objective_en: str = ""


class SpecialAuditReason(Record):
    """Why a special audit is opened, and what follows from it: a deadline to carry it out
    (short notice: a failed national supervision sampling, a major accident, an upheld complaint),
    or every method of the scheme (a re-grading, which may raise the level)."""
    id: str
    name: str
    within_days: int | None = Field(default=None, ge=1)  # the audit is due so many days after it is opened
    all_methods: bool = False
    # The evidence period its reason names (rules/evidence.py); unset: the special audit type's.
    evidence_from: Literal["months_before_audit", "previous_audit"] | None = None
    evidence_months: int | None = Field(default=None, ge=1, le=60)


class CaseRules(Record):
    acknowledge_within_days: int = Field(ge=1)
    reply_within_days: int = Field(ge=1)


class Choice(Record):
    """An id and its name: a complaint's or an appeal's outcome, a complaint's action."""
    id: str
    name: str


class ReportParticular(Record):
    """What the audit team states in the report beside the checklists (ISO/IEC 17021-1 §9.4.8):
    the client's representative, observers, changes since the last audit, and the like.
    required_for: the audit types whose report cannot be signed without it. choices: the answers
    allowed (none: free text)."""
    id: str
    name: str
    name_en: str
    required_for: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    hint: str | None = None


class RegistrationType(Record):
    code: str = Field(pattern=r"^[0-9A-Z]{2}$")  # the USCC's first two characters
    name: str
    eligible: bool


class ApplicationReviewRules(Record):
    branch_markers: tuple[str, ...]


class DomainLicence(Record):
    domain: str
    id: str
    name: str
    needed_when: str


class ContractObligation(Record):
    id: str
    text: str


class Role(Record):
    """Who someone is to the workbench. `assigned`: given in the people file's roles column
    (administrator, programme manager); otherwise derived from the records (DERIVED_ROLES)."""
    id: str
    name: str
    assigned: bool


class Permission(Record):
    """Which roles may take an action of the workbench (every write names its action)."""
    action: str
    name: str
    roles: tuple[str, ...]


class DecisionOutcome(Record):
    id: str
    name: str
    certified: bool
    certificate: Literal["issue", "none", "keep", "reissue", "suspend", "withdraw", "cancel", "reinstate",
                         "extend", "reduce"]
    level: Literal["same", "higher", "lower", "any"]
    # A decision that needs an audit of every method of the scheme (a raise: not on a partial
    # surveillance's evidence).
    needs_all_methods: bool = False
    # A decision the committee may take between audits, on grounds (a complaint, the holder's
    # request, a regulator's order …) rather than on an audit's report (issue 22 §1).
    between_audits: bool = False


class CodeLetterBand(Record):
    min_lot: int = Field(ge=1)
    max_lot: int | None
    level_S1: str
    level_S2: str
    level_S3: str
    level_S4: str
    level_I: str
    level_II: str
    level_III: str

    @staticmethod
    def column(level: str) -> str:
        return "level_" + level.replace("-", "")

    def letter(self, level: str) -> str:
        """The code letter of an inspection level (S-1 … S-4, I, II, III) for this lot band."""
        return getattr(self, self.column(level))


class SiteType(Record):
    id: str
    name: str
    central: bool  # the central function: always in the site sample


class SampleSize(Record):
    code_letter: str
    sample_size: int = Field(ge=1)


class SurveyIndicator(Record):
    id: str
    name: str
    dimension: str


class SurveyScale(Record):
    id: str
    name: str
    min_value: int
    max_value: int


class SurveyChannel(Record):
    """Where survey responses come from (5.1a: questionnaire, call-back, interview, online reviews)."""
    id: str
    name: str
    run_by: Literal["certification_body", "applicant"]


class Measure(Record):
    id: str
    name: str
    source: Literal["work_orders", "survey"]
    unit: Literal["rate", "hours", "score"]
    direction: Literal["higher", "lower"]
    window_days: int | None
    definition: str


class CertificateStatus(Record):
    id: str
    name: str
    terminal: bool


class StatusReason(Record):
    status: str
    id: str
    name: str
    # A change the rules make due (a missed surveillance, the end of validity) that `enforce`
    # applies by itself, naming the rule; false: it is listed for the committee to decide.
    automatic: bool = False


class StatusTransition(Record):
    from_status: str
    to_status: str


class ProcedureStage(Record):
    id: str
    name: str
    notebook: str
    requires: tuple[str, ...]
    modes: tuple[str, ...]
    locks: tuple[LockableRecord, ...] = ()
    complete_when: tuple[CompletenessCheck, ...] = ()
    signed_by: Signer = "team_leader"
    dated: bool = False  # its result depends on the day it is computed (due dates, deadlines)
    audit_types: tuple[str, ...] = ()  # the audit types that go through it; empty: every type
    on_certificate: bool = False  # it acts on the applicant's certificate: nothing to do before one is issued

    def applies_to(self, audit_type: str) -> bool:
        return not self.audit_types or audit_type in self.audit_types


class ApplicationDocument(Record):
    id: str
    name: str
    required: bool


class CaseCheck(Record):
    field: CaseField
    item: str
    nonconforming_value: bool
    label: str
    applies_to: Literal["all", "complaints", "services"] = "all"  # which cases the check is made on

    def applies(self, is_complaint: bool) -> bool:
        return self.applies_to == "all" or (self.applies_to == "complaints") == is_complaint


class ChecklistItem(Record):
    id: str
    method: str
    dimension: str
    points: PositiveFloat
    judgement: Literal["qualitative", "sample", "measure"]
    measure: str | None = None
    domains: tuple[str, ...]
    veto: bool
    text: str
    evidence: str

    def applies_to(self, domains: list[str] | tuple[str, ...]) -> bool:
        return ALL_DOMAINS in self.domains or any(d in self.domains for d in domains)


# Which file each section is written to when the scheme is saved (import-xlsx).
SECTION_FILES: dict[str, str] = {
    "meta": "scheme.yaml", "modes": "scheme.yaml", "methods": "scheme.yaml",
    "dimensions": "scheme.yaml", "domains": "scheme.yaml", "organisation_types": "scheme.yaml",
    "answer_results": "scheme.yaml", "scoring": "scheme.yaml",
    "special_deduction_causes": "scheme.yaml", "special_bonus_causes": "scheme.yaml", "levels": "scheme.yaml",
    "finding_grades": "scheme.yaml", "auditor_grades": "scheme.yaml",
    "team_roles": "scheme.yaml", "impartiality": "scheme.yaml",
    "person_day_table": "person_days.yaml", "person_day_rules": "person_days.yaml",
    "audit_types": "person_days.yaml", "site_time_table": "person_days.yaml",
    "special_audit_reasons": "person_days.yaml",
    "case_code_letters": "sampling.yaml", "case_sample_sizes": "sampling.yaml",
    "sampling_rules": "sampling.yaml", "site_types": "sampling.yaml",
    "survey_indicators": "survey.yaml", "survey_scales": "survey.yaml", "survey_rules": "survey.yaml",
    "survey_channels": "survey.yaml",
    "measures": "kpis.yaml", "measure_bands": "kpis.yaml", "monitoring_rules": "kpis.yaml",
    "lifecycle_rules": "lifecycle.yaml", "certificate_statuses": "lifecycle.yaml",
    "status_reasons": "lifecycle.yaml", "status_transitions": "lifecycle.yaml",
    "decision_outcomes": "lifecycle.yaml", "decision_grounds": "lifecycle.yaml", "case_rules": "lifecycle.yaml",
    "complaint_outcomes": "lifecycle.yaml",
    "complaint_actions": "lifecycle.yaml", "appeal_outcomes": "lifecycle.yaml",
    "checklist": "checklist.yaml", "veto_exemptions": "checklist.yaml",
    "procedure_stages": "procedure.yaml", "report_particulars": "procedure.yaml",
    "application_documents": "procedure.yaml",
    "case_checks": "procedure.yaml", "application_review": "procedure.yaml",
    "registration_types": "procedure.yaml", "domain_licences": "procedure.yaml",
    "contract_obligations": "procedure.yaml", "roles": "procedure.yaml", "permissions": "procedure.yaml",
}


class Scheme(Record):
    meta: Meta
    modes: tuple[Mode, ...]
    methods: tuple[Method, ...]
    dimensions: tuple[Dimension, ...]
    domains: tuple[Domain, ...]
    organisation_types: tuple[OrganisationType, ...]
    answer_results: tuple[AnswerResult, ...]
    scoring: Scoring
    special_deduction_causes: tuple[SpecialDeductionCause, ...]
    special_bonus_causes: tuple[SpecialBonusCause, ...]
    levels: tuple[Level, ...]
    finding_grades: tuple[FindingGrade, ...]
    auditor_grades: tuple[AuditorGrade, ...]
    team_roles: tuple[TeamRole, ...]
    impartiality: Impartiality
    person_day_table: tuple[PersonDayBand, ...]
    person_day_rules: PersonDayRules
    site_time_table: tuple[SiteTimeBand, ...] = Field(min_length=1)
    audit_types: tuple[AuditType, ...]
    case_code_letters: tuple[CodeLetterBand, ...]
    case_sample_sizes: tuple[SampleSize, ...]
    sampling_rules: SamplingRules
    site_types: tuple[SiteType, ...]
    survey_indicators: tuple[SurveyIndicator, ...]
    survey_scales: tuple[SurveyScale, ...]
    survey_channels: tuple[SurveyChannel, ...]
    survey_rules: SurveyRules
    measures: tuple[Measure, ...]
    measure_bands: tuple[MeasureBand, ...]
    monitoring_rules: MonitoringRules
    lifecycle_rules: LifecycleRules
    certificate_statuses: tuple[CertificateStatus, ...]
    status_reasons: tuple[StatusReason, ...]
    status_transitions: tuple[StatusTransition, ...]
    decision_outcomes: tuple[DecisionOutcome, ...]
    special_audit_reasons: tuple[SpecialAuditReason, ...]
    decision_grounds: tuple[Choice, ...]
    case_rules: CaseRules
    complaint_outcomes: tuple[Choice, ...]
    complaint_actions: tuple[Choice, ...]
    appeal_outcomes: tuple[Choice, ...]
    checklist: tuple[ChecklistItem, ...]
    veto_exemptions: tuple[VetoExemption, ...]
    procedure_stages: tuple[ProcedureStage, ...]
    report_particulars: tuple[ReportParticular, ...]
    application_documents: tuple[ApplicationDocument, ...]
    case_checks: tuple[CaseCheck, ...]
    registration_types: tuple[RegistrationType, ...]
    application_review: ApplicationReviewRules
    domain_licences: tuple[DomainLicence, ...]
    contract_obligations: tuple[ContractObligation, ...]
    roles: tuple[Role, ...]
    permissions: tuple[Permission, ...]

    # --- lookups (computed once; the model is frozen) -----------------------------------
    @cached_property
    def items_by_id(self) -> dict[str, ChecklistItem]:
        return {item.id: item for item in self.checklist}

    @cached_property
    def dimension_ids(self) -> tuple[str, ...]:
        """The four dimensions in their fixed display order."""
        return tuple(d.id for d in self.dimensions)

    @cached_property
    def dimension_names(self) -> dict[str, str]:
        return {d.id: d.name for d in self.dimensions}

    @cached_property
    def method_mode(self) -> dict[str, str]:
        return {m.id: m.mode for m in self.methods}

    @cached_property
    def results_by_id(self) -> dict[str, AnswerResult]:
        return {r.id: r for r in self.answer_results}

    @cached_property
    def audit_types_by_id(self) -> dict[str, AuditType]:
        return {s.id: s for s in self.audit_types}

    @cached_property
    def site_types_by_id(self) -> dict[str, SiteType]:
        return {t.id: t for t in self.site_types}

    @cached_property
    def measures_by_id(self) -> dict[str, Measure]:
        return {m.id: m for m in self.measures}

    def site_days(self, headcount: int | None) -> float:
        """The audit time a sampled site adds: by its headcount, else the minimum per site."""
        if headcount is None:
            return self.person_day_rules.days_per_extra_sampled_outlet
        return next(b.days for b in self.site_time_table
                    if b.min_headcount <= headcount and (b.max_headcount is None or headcount <= b.max_headcount))

    @cached_property
    def survey_scales_by_id(self) -> dict[str, SurveyScale]:
        return {s.id: s for s in self.survey_scales}

    @cached_property
    def survey_channels_by_id(self) -> dict[str, SurveyChannel]:
        return {c.id: c for c in self.survey_channels}

    @cached_property
    def grades_by_id(self) -> dict[str, AuditorGrade]:
        return {g.id: g for g in self.auditor_grades}

    @cached_property
    def finding_grades_by_id(self) -> dict[str, FindingGrade]:
        return {g.id: g for g in self.finding_grades}

    @cached_property
    def particulars_by_id(self) -> dict[str, ReportParticular]:
        return {p.id: p for p in self.report_particulars}

    @cached_property
    def procedure_by_id(self) -> dict[str, ProcedureStage]:
        return {s.id: s for s in self.procedure_stages}

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the scheme's canonical JSON: two results with the same fingerprint
        were computed under exactly the same rules."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @cached_property
    def roles_by_id(self) -> dict[str, Role]:
        return {r.id: r for r in self.roles}

    def permission(self, action: str) -> Permission:
        """Who may take an action (its roles) and what it is called; an action the scheme does
        not list is nobody's."""
        permission = next((p for p in self.permissions if p.action == action), None)
        if permission is None:
            raise SchemeError(f"方案 permissions 中没有操作「{action}」", f"The scheme's permissions list no action '{action}'")
        return permission

    def stage_locking(self, record: str) -> ProcedureStage | None:
        """The procedure stage whose sign-off makes this kind of record read-only."""
        return next((s for s in self.procedure_stages if record in s.locks), None)

    def stage_recording_mode(self, mode: str) -> ProcedureStage | None:
        """The procedure stage that records (and locks) the checklist answers of a mode."""
        return next((s for s in self.procedure_stages if mode in s.modes), None)

    def stage_recording_item(self, item_id: str) -> ProcedureStage | None:
        return self.stage_recording_mode(self.method_mode[self.items_by_id[item_id].method])

    def stages_after(self, stage_id: str) -> list[ProcedureStage]:
        """The stages that depend on this one, directly or through others."""
        after: list[ProcedureStage] = []
        for stage in self.procedure_stages:  # in procedure order, so prerequisites come first
            if any(r == stage_id or r in {a.id for a in after} for r in stage.requires):
                after.append(stage)
        return after

    def can_start(self, stage: ProcedureStage, audit_type: str, recorded: Container[str], has_certificate: bool) -> bool:
        """Whether an audit of the type may start the stage now: it goes through the stage, every
        prerequisite it goes through is recorded, and a stage on the certificate has one to act on."""
        required = (self.procedure_by_id[r] for r in stage.requires)
        return (stage.applies_to(audit_type) and (has_certificate or not stage.on_certificate)
                and all(r.id in recorded for r in required if r.applies_to(audit_type)))

    def next_stages(self, stage_id: str, audit_type: str, recorded: Container[str],
                    has_certificate: bool) -> list[ProcedureStage]:
        """What the audit can go on to once this stage is recorded: the stages of its type not yet
        recorded that can then start (after 04, 05 if it is still open; 06 once both are)."""
        done = {*(s.id for s in self.procedure_stages if s.id in recorded), stage_id}
        return [s for s in self.procedure_stages if s.id not in done and self.can_start(s, audit_type, done,
                                                                                            has_certificate)]

    def stages_before(self, stage_id: str) -> set[str]:
        """The stages this one requires, directly or through others."""
        required = set(self.procedure_by_id[stage_id].requires)
        return required.union(*(self.stages_before(r) for r in required))

    def methods_of(self, stage: ProcedureStage, covered: tuple[str, ...] | None = None) -> list[str]:
        """The checklist methods (5.1a …) whose answers a procedure stage records; given the methods
        an audit covers (Audit.covered_methods), only those."""
        return [m.id for m in self.methods if m.mode in stage.modes and (covered is None or m.id in covered)]

    def starts_cycle(self, audit_type: str) -> bool:
        """Whether an audit of this type can issue a certificate, and so begin a certification cycle
        (its decisions include one that issues: initial audits and recertifications)."""
        return any(self.outcomes_by_id[o].certificate == "issue" for o in self.audit_type(audit_type).decisions)

    def audit_methods(self, audit_type: str) -> tuple[str, ...]:
        """The checklist methods an audit of this type covers (audit_types.methods; empty: all)."""
        return self.audit_type(audit_type).methods or tuple(m.id for m in self.methods)

    @cached_property
    def special_reasons_by_id(self) -> dict[str, SpecialAuditReason]:
        return {r.id: r for r in self.special_audit_reasons}

    @cached_property
    def outcomes_by_id(self) -> dict[str, DecisionOutcome]:
        return {o.id: o for o in self.decision_outcomes}

    def case_check_label(self, field: str) -> str:
        return next((c.label for c in self.case_checks if c.field == field), field)

    def measure_band(self, measure: str, domains) -> MeasureBand:
        """The band of the first of the applicant's domains that has one, else the default."""
        bands = {b.domain: b for b in self.measure_bands if b.measure == measure}
        return next((bands[d] for d in domains if d in bands), None) or bands[ALL_DOMAINS]

    def veto_exemption(self, item_id: str, domains, organisation_type: str) -> VetoExemption | None:
        """The allowance under which a veto item may be 不适用 for this applicant, if any."""
        return next((e for e in self.veto_exemptions
                     if e.item == item_id and e.covers(domains, organisation_type)), None)

    def items_for(self, domains: list[str] | tuple[str, ...], method: str | None = None) -> list[ChecklistItem]:
        return [
            item for item in self.checklist
            if item.applies_to(domains) and (method is None or item.method == method)
        ]

    def audit_type(self, audit_type_id: str) -> AuditType:
        try:
            return self.audit_types_by_id[audit_type_id]
        except KeyError:
            known = ", ".join(self.audit_types_by_id)
            raise SchemeError(
                f"未知的审核类型「{audit_type_id}」，可选：{known}",
                f"Unknown audit type '{audit_type_id}'; expected one of: {known}",
            ) from None


SETTINGS_SECTIONS = frozenset(
    name for name, field in Scheme.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, Record)
)
TABLE_SECTIONS = tuple(name for name in Scheme.model_fields if name not in SETTINGS_SECTIONS)


def record_type(section: str) -> type[Record]:
    """The record model of a section (the row type, for tables)."""
    annotation = Scheme.model_fields[section].annotation
    if section in SETTINGS_SECTIONS:
        return annotation
    return annotation.__args__[0]  # tuple[Row, ...]


# --- loading ----------------------------------------------------------------------------
# Sections renamed in a scheme version (CHANGES.md): an old folder is told the new name.
RENAMED_SECTIONS = {"audit_stages": "audit_types"}  # 2026.5


def read_sections(folder: Path) -> tuple[dict, dict[str, str]]:
    """Read every YAML file in `folder`; return the sections and the file each came from."""
    sections: dict = {}
    source: dict[str, str] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise SchemeError(
            f"方案目录中没有 YAML 文件：{folder}",
            f"No YAML files in the scheme folder: {folder}",
        )
    for path in files:
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise SchemeError("方案文件无法解析", f"The scheme file cannot be parsed: {exc}", file=path) from None
        except RecursionError:  # thousands of nested brackets: no real scheme file nests like that
            raise SchemeError("方案文件的嵌套层次过深，无法读取", "The scheme file is nested too deeply to read",
                              file=path) from None
        if not isinstance(content, dict):
            raise SchemeError("方案文件顶层应为键值对", "A scheme file must be a mapping at the top", file=path)
        for key, value in content.items():
            if key in RENAMED_SECTIONS:
                raise SchemeError(f"节「{key}」已更名为「{RENAMED_SECTIONS[key]}」，请改用新名称",
                                  f"Section '{key}' is now called '{RENAMED_SECTIONS[key]}'; rename it", file=path)
            if key in sections:
                raise SchemeError(
                    f"节「{key}」同时出现在 {source[key]} 和 {path.name}",
                    f"Section '{key}' appears in both {source[key]} and {path.name}",
                    file=path,
                )
            sections[key] = value
            source[key] = path.name
    return sections, source


def _entry_label(sections: dict, loc: tuple) -> str | None:
    if len(loc) < 2 or not isinstance(loc[1], int):
        return None
    rows = sections.get(loc[0])
    try:
        row = rows[loc[1]]
    except (TypeError, IndexError, KeyError):
        return str(loc[1] + 1)
    if isinstance(row, dict) and "id" in row:
        return str(row["id"])
    return f"#{loc[1] + 1}"


def problems_from_validation(exc: ValidationError, sections: dict, source: dict[str, str]) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = err["loc"]
        section = str(loc[0]) if loc else ""
        field_parts = [str(part) for part in loc[1:] if not isinstance(part, int)]
        field = ".".join([section, *field_parts]) if section else None
        problems.append(Problem(
            zh=f"取值无效（{err['type']}）",
            en=err["msg"],
            file=source.get(section, "(missing / 缺少)"),
            entry=_entry_label(sections, loc),
            column=field,
        ))
    return problems


# Validated schemes by the digest of their files' bytes. The model is frozen, so one process
# (a batch kernel forked from a warm parent, say) can share it instead of validating again.
_validated: dict[str, Scheme] = {}


def _files_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_scheme(folder: str | Path | None = None) -> Scheme:
    """Load and validate the scheme; any problem raises SchemeError naming file, entry, field."""
    folder = Path(folder) if folder else scheme_dir()
    key = _files_digest(folder)
    if key not in _validated:
        _validated[key] = _validate_scheme(folder)
    return _validated[key]


def _validate_scheme(folder: Path) -> Scheme:
    sections, source = read_sections(folder)
    try:
        scheme = Scheme.model_validate(sections)
    except ValidationError as exc:
        raise SchemeError(
            "方案文件不符合要求，未加载",
            "The scheme is not valid and was not loaded",
            file=folder,
            problems=problems_from_validation(exc, sections, source),
        ) from None
    problems = check_consistency(scheme, source)
    if problems:
        raise SchemeError(
            "方案内容前后不一致，未加载", "The scheme is inconsistent and was not loaded",
            file=folder, problems=problems,
        )
    return scheme


# --- consistency: what a single field's type cannot say ---------------------------------
def _duplicate_ids(rows, section: str, source: dict[str, str], key: str = "id") -> list[Problem]:
    seen: set = set()
    problems = []
    for row in rows:
        value = getattr(row, key)
        if value in seen:
            problems.append(Problem(
                zh=f"编号重复：{value}", en=f"duplicate {key}: {value}",
                file=source.get(section), entry=str(value), column=f"{section}.{key}",
            ))
        seen.add(value)
    return problems


def _contiguous_bands(rows, low: str, high: str, section: str, source: dict[str, str]) -> list[Problem]:
    problems = []
    for before, after in zip(rows, rows[1:]):
        upper = getattr(before, high)
        if upper is None or getattr(after, low) != upper + 1:
            problems.append(Problem(
                zh=f"区间不连续：{upper} 之后应从 {None if upper is None else upper + 1} 开始",
                en=f"bands are not contiguous after {upper}",
                file=source.get(section), entry=str(getattr(after, low)), column=f"{section}.{low}",
            ))
    return problems


def contract_problems(scheme: Scheme, source: dict[str, str]) -> list[Problem]:
    """Every id the code names (contract.py) is in its section: a scheme that renamed or
    dropped one would otherwise break the workbench at run time."""
    problems = []
    for section, field, required in REQUIRED_IDS:
        present = {getattr(row, field) for row in getattr(scheme, section)}
        for missing in (i for i in required if i not in present):
            problems.append(Problem(
                zh=f"{section} 中缺少程序所依赖的编号「{missing}」",
                en=f"{section} must include the {field} '{missing}', which the workbench relies on",
                file=source.get(section), entry=str(missing), column=f"{section}.{field}"))
    reasons = {(r.status, r.id) for r in scheme.status_reasons}
    for reason, status in REASON_STATUS.items():
        if (status, reason) not in reasons:
            problems.append(Problem(
                zh=f"status_reasons 中缺少程序所依赖的「{status}」状态原因「{reason}」",
                en=f"status_reasons must include the reason '{reason}' for status '{status}', which the "
                   f"workbench applies by rule", file=source.get("status_reasons"), entry=str(reason),
                column="status_reasons.id"))
    return problems


def check_consistency(scheme: Scheme, source: dict[str, str]) -> list[Problem]:
    """Cross-references and table shapes."""
    problems: list[Problem] = []
    for section in ("modes", "methods", "dimensions", "domains", "answer_results", "levels",
                    "finding_grades", "auditor_grades", "audit_types", "measures", "checklist",
                    "procedure_stages", "application_documents"):
        key = "rank" if section == "levels" else "id"
        problems += _duplicate_ids(getattr(scheme, section), section, source, key)
    problems += _contiguous_bands(scheme.person_day_table, "min_personnel", "max_personnel",
                                  "person_day_table", source)
    problems += _contiguous_bands(scheme.site_time_table, "min_headcount", "max_headcount", "site_time_table", source)
    minimum = scheme.person_day_rules.days_per_extra_sampled_outlet
    for band in scheme.site_time_table:
        if band.days < minimum:
            problems.append(Problem(
                zh=f"场所审核时间 {band.days} 人日低于每个抽样场所的最低 {minimum} 人日",
                en=f"site time {band.days} days is below the minimum of {minimum} days per sampled site",
                file=source.get("site_time_table"), entry=str(band.min_headcount), column="site_time_table.days"))
    if scheme.site_time_table[0].min_headcount != 1 or scheme.site_time_table[-1].max_headcount is not None:
        problems.append(Problem(zh="site_time_table 应从 1 人开始，最后一档不设上限（max_headcount 留空）",
                                en="site_time_table must start at 1 person and its last band have no max_headcount",
                                file=source.get("site_time_table"), column="site_time_table"))
    problems += _contiguous_bands(scheme.case_code_letters, "min_lot", "max_lot", "case_code_letters", source)

    def ref_problem(section, entry, field, value, allowed):
        return Problem(
            zh=f"引用了不存在的「{value}」，可选：{', '.join(sorted(allowed))}",
            en=f"refers to unknown '{value}'; expected one of: {', '.join(sorted(allowed))}",
            file=source.get(section), entry=entry, column=f"{section}.{field}",
        )

    modes = {m.id for m in scheme.modes}
    methods = {m.id for m in scheme.methods}
    dimensions = set(scheme.dimension_ids)
    domains = {d.id for d in scheme.domains} | {ALL_DOMAINS}
    measures = set(scheme.measures_by_id)
    letters = {s.code_letter for s in scheme.case_sample_sizes}
    statuses = {s.id for s in scheme.certificate_statuses}

    for method in scheme.methods:
        if method.mode not in modes:
            problems.append(ref_problem("methods", method.id, "mode", method.mode, modes))
    for indicator in scheme.survey_indicators:
        if indicator.dimension not in dimensions:
            problems.append(ref_problem("survey_indicators", indicator.id, "dimension", indicator.dimension, dimensions))
    if scheme.survey_rules.callback_scale not in scheme.survey_scales_by_id:
        problems.append(ref_problem("survey_rules", "callback_scale", "callback_scale", scheme.survey_rules.callback_scale,
                                    set(scheme.survey_scales_by_id)))
    for grade in scheme.finding_grades:
        if grade.repeat_raises_to is not None and grade.repeat_raises_to not in scheme.finding_grades_by_id:
            problems.append(ref_problem("finding_grades", grade.id, "repeat_raises_to", grade.repeat_raises_to,
                                        set(scheme.finding_grades_by_id)))
    for band in scheme.case_code_letters:
        for level in INSPECTION_LEVELS:
            letter = band.letter(level)
            if letter not in letters:
                problems.append(ref_problem("case_code_letters", str(band.min_lot), band.column(level), letter, letters))
    if sum(1 for t in scheme.site_types if t.central) != 1:
        problems.append(Problem(zh="site_types 中应恰有一个中心职能类型（central: true）",
                                en="site_types needs exactly one central type", file=source.get("site_types"),
                                column="site_types.central"))
    ranks = {str(level.rank) for level in scheme.levels}
    if str(scheme.lifecycle_rules.max_level_at_initial) not in ranks:
        problems.append(ref_problem("lifecycle_rules", "max_level_at_initial", "max_level_at_initial",
                                    scheme.lifecycle_rules.max_level_at_initial, ranks))
    for row in scheme.status_reasons:
        if row.status not in statuses:
            problems.append(ref_problem("status_reasons", row.id, "status", row.status, statuses))
    for row in scheme.status_transitions:
        for field in ("from_status", "to_status"):
            if getattr(row, field) not in statuses:
                problems.append(ref_problem("status_transitions", row.from_status, field, getattr(row, field), statuses))
    stage_ids = {s.id for s in scheme.procedure_stages}
    for stage in scheme.procedure_stages:
        for required in stage.requires:
            if required not in stage_ids:
                problems.append(ref_problem("procedure_stages", stage.id, "requires", required, stage_ids))
        for mode in stage.modes:
            if mode not in modes:
                problems.append(ref_problem("procedure_stages", stage.id, "modes", mode, modes))
    audit_types = {s.id for s in scheme.audit_types}
    outcomes = {o.id for o in scheme.decision_outcomes}
    for audit_type in scheme.audit_types:
        for method in (*audit_type.methods, *audit_type.extra_methods):
            if method not in methods:
                problems.append(ref_problem("audit_types", audit_type.id, "methods", method, methods))
        for outcome in audit_type.decisions:
            if outcome not in outcomes:
                problems.append(ref_problem("audit_types", audit_type.id, "decisions", outcome, outcomes))
    for stage in scheme.procedure_stages:
        for audit_type in stage.audit_types:
            if audit_type not in audit_types:
                problems.append(ref_problem("procedure_stages", stage.id, "audit_types", audit_type, audit_types))
    for particular in scheme.report_particulars:
        for audit_type in particular.required_for:
            if audit_type not in audit_types:
                problems.append(ref_problem("report_particulars", particular.id, "required_for", audit_type, audit_types))
    for record in LockableRecord.__args__:
        locking = [s.id for s in scheme.procedure_stages if record in s.locks]
        if len(locking) > 1:
            problems.append(Problem(
                zh=f"记录「{record}」被多个阶段锁定：{', '.join(locking)}",
                en=f"record '{record}' is locked by more than one stage: {', '.join(locking)}",
                file=source.get("procedure_stages"), entry=locking[1], column="procedure_stages.locks"))
    problems += contract_problems(scheme, source)
    role_ids = {r.id for r in scheme.roles}
    for role in scheme.roles:
        if role.assigned and role.id in DERIVED_ROLES:
            problems.append(Problem(zh=f"角色「{role.id}」由记录得出，不能在人员表中指定",
                                    en=f"role '{role.id}' is derived from the records and cannot be assigned",
                                    file=source.get("roles"), entry=role.id, column="roles.assigned"))
    problems += _duplicate_ids(scheme.permissions, "permissions", source, "action")
    for permission in scheme.permissions:
        for role in permission.roles:
            if role not in role_ids:
                problems.append(ref_problem("permissions", permission.action, "roles", role, role_ids))
    for check in scheme.case_checks:
        if check.item not in scheme.items_by_id:
            problems.append(ref_problem("case_checks", check.field, "item", check.item, set(scheme.items_by_id)))
    ranks = [level.min_score for level in scheme.levels]
    if ranks != sorted(ranks):
        problems.append(Problem(zh="等级分数线应逐级递增", en="level thresholds must increase with rank",
                                file=source.get("levels"), column="levels.min_score"))

    item_of_measure: dict[str, str] = {}
    for item in scheme.checklist:
        if item.measure and item.measure in item_of_measure:
            problems.append(Problem(
                zh=f"测量指标「{item.measure}」已用于条目 {item_of_measure[item.measure]}，同一数据不得计分两次",
                en=f"measure '{item.measure}' already feeds item {item_of_measure[item.measure]}; a figure is scored once",
                file=source.get("checklist"), entry=item.id, column="checklist.measure"))
        if item.measure:
            item_of_measure[item.measure] = item.id
    field_of_item: dict[str, str] = {}
    for check in scheme.case_checks:
        if check.item in field_of_item:
            problems.append(Problem(
                zh=f"条目 {check.item} 已由案例字段「{field_of_item[check.item]}」计分",
                en=f"item {check.item} is already answered by the case field '{field_of_item[check.item]}'",
                file=source.get("case_checks"), entry=check.field, column="case_checks.item"))
        field_of_item[check.item] = check.field
    organisation_types = {t.id for t in scheme.organisation_types} | {ALL_DOMAINS}
    for exemption in scheme.veto_exemptions:
        item = scheme.items_by_id.get(exemption.item)
        if item is None or not item.veto:
            vetoes = {i.id for i in scheme.checklist if i.veto}
            problems.append(ref_problem("veto_exemptions", exemption.item, "item", exemption.item, vetoes))
        if exemption.domain not in domains:
            problems.append(ref_problem("veto_exemptions", exemption.item, "domain", exemption.domain, domains))
        if exemption.organisation_type not in organisation_types:
            problems.append(ref_problem("veto_exemptions", exemption.item, "organisation_type",
                                        exemption.organisation_type, organisation_types))
    banded = set()
    for band in scheme.measure_bands:
        if band.measure not in measures:
            problems.append(ref_problem("measure_bands", band.measure, "measure", band.measure, measures))
        if band.domain not in domains:
            problems.append(ref_problem("measure_bands", band.measure, "domain", band.domain, domains))
        if band.full_at == band.zero_at:
            problems.append(Problem(zh="full_at 与 zero_at 不能相同", en="full_at and zero_at must differ",
                                    file=source.get("measure_bands"), entry=band.measure,
                                    column="measure_bands.full_at"))
        if band.domain == ALL_DOMAINS:
            banded.add(band.measure)
    for measure in sorted({b.measure for b in scheme.measure_bands} - banded):
        problems.append(Problem(
            zh=f"测量指标「{measure}」缺少 domain: all 的计分区间", en=f"measure '{measure}' has no default band (domain: all)",
            file=source.get("measure_bands"), entry=measure, column="measure_bands.domain"))

    for item in scheme.checklist:
        if item.method not in methods:
            problems.append(ref_problem("checklist", item.id, "method", item.method, methods))
        if item.dimension not in dimensions:
            problems.append(ref_problem("checklist", item.id, "dimension", item.dimension, dimensions))
        for domain in item.domains:
            if domain not in domains:
                problems.append(ref_problem("checklist", item.id, "domains", domain, domains))
        if item.judgement == "measure":
            if item.measure not in measures:
                problems.append(ref_problem("checklist", item.id, "measure", item.measure, measures))
            elif item.measure not in banded:
                problems.append(Problem(
                    zh=f"测量指标「{item.measure}」缺少 domain: all 的计分区间（measure_bands）",
                    en=f"measure '{item.measure}' has no default band (domain: all) in measure_bands",
                    file=source.get("measure_bands"), entry=item.id, column="measure_bands.measure",
                ))
    return problems


def dump_sections(scheme: Scheme) -> dict:
    """The scheme as plain data, section by section, as it is written to YAML."""
    return scheme.model_dump(mode="json")


def write_scheme(scheme: Scheme, folder: Path) -> list[Path]:
    """Write the scheme as YAML files in `folder`, one file per group of sections."""
    folder.mkdir(parents=True, exist_ok=True)
    data = dump_sections(scheme)
    by_file: dict[str, dict] = {}
    for section, filename in SECTION_FILES.items():
        by_file.setdefault(filename, {})[section] = data[section]
    written = []
    for filename, content in by_file.items():
        path = folder / filename
        path.write_text(
            yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=120),
            encoding="utf-8",
        )
        written.append(path)
    return written
