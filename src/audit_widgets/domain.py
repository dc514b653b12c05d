"""The value types that the rules, the store and the widgets share.

Rules take and return them; the store's reads return them (never dicts keyed by strings), so
a misspelt field fails where it is written, not three layers later. All are frozen.
`as_dict()` gives the plain data that goes into a stage result or a JSON file.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from .scheme import Scheme


class Record:
    """A frozen dataclass that turns into plain data for JSON."""

    def as_dict(self: DataclassInstance) -> dict[str, Any]:
        return asdict(self)


# --- checklist answers --------------------------------------------------------------------
@dataclass(frozen=True)
class Answer(Record):
    """What the auditor recorded for one item. Any field may be missing."""

    result: str | None = None         # an answer_results id: conform, partial, nonconform, not_applicable
    checked: int | None = None        # sample-based: how many samples were checked
    nonconforming: int | None = None  # … and how many of them did not conform
    measured: float | None = None     # measure items: the value, when not taken from the data
    # A sample of several lots (5.1c): the nonconforming share with each lot weighted by its
    # size, which the score uses instead of nonconforming ÷ checked (rules/cases.py).
    nonconforming_share: float | None = None

    @property
    def answered(self) -> bool:
        """An item counts as answered once it has a result or a sample count."""
        return self.result is not None or bool(self.checked)


@dataclass(frozen=True)
class EvidenceRef(Record):
    filename: str
    sha256: str


@dataclass(frozen=True)
class AnswerRecord(Record):
    """An answer as stored: with its note, finding grade, version, who, when and evidence."""

    item_id: str
    answer: Answer
    note: str
    finding_grade: str | None
    version: int
    answered_by: str
    answered_at: datetime
    evidence: tuple[EvidenceRef, ...] = ()


# --- applicants and audits ----------------------------------------------------------
@dataclass(frozen=True)
class Site(Record):
    name: str
    type: str  # a site_types id: central, service_outlet, call_centre, warehouse
    headcount: int | None = None  # the people working there: the audit time per site follows it
    address: str = ""


@dataclass(frozen=True)
class Applicant(Record):
    id: str
    name: str
    uscc: str
    organisation_type: str
    domains: tuple[str, ...]
    address: str
    personnel: int
    outlets: int                     # every site, the central function included (IAF MD1's N)
    product_categories: int
    goods: str
    services: str
    sites: tuple[Site, ...]
    service_promises: dict[str, Any] = field(default_factory=dict)  # measure id → the published promise (服务承诺)

    @property
    def site_names(self) -> tuple[str, ...]:
        return tuple(site.name for site in self.sites)


@dataclass(frozen=True)
class Audit(Record):
    id: int
    applicant_id: str
    audit_type: str           # an audit_types id: initial, surveillance, recertification, special
    submitted_on: date
    scheme_version: str
    reason: str = ""          # why a special audit was opened
    requested_scope: dict[str, Any] | None = None  # a scope extension's: {domains, goods, services}
    disposed_on: date | None = None  # its records were disposed of (retention ended); the decision stays
    methods: tuple[str, ...] | None = None  # the checklist methods it covers (None: its type's, before 0023)
    special_reason: str | None = None       # a special audit's special_audit_reasons id
    due_by: date | None = None              # a short-notice special audit: to be carried out by then

    def covered_methods(self, scheme: Scheme) -> tuple[str, ...]:
        """The checklist methods this audit covers (5.1a …), as fixed when it was opened."""
        return self.methods or scheme.audit_methods(self.audit_type)

    def audited_domains(self, applicant_domains: Iterable[str]) -> tuple[str, ...]:
        """The domains this audit covers: the applicant's, and those a scope extension asks for."""
        asked = (self.requested_scope or {}).get("domains", ())
        return tuple(dict.fromkeys([*applicant_domains, *asked]))


@dataclass(frozen=True)
class ImportRecord(Record):
    id: int
    kind: str
    file: str
    sha256: str
    rows: int
    layout: str
    encoding: str
    imported_at: datetime
    audit_id: int | None  # the audit it was imported for
    first_on: date | None  # the first and last day its records are dated
    last_on: date | None


@dataclass(frozen=True)
class Document(Record):
    document_id: str
    filename: str
    sha256: str


@dataclass(frozen=True)
class OutputFile(Record):
    """A file of an applicant's published outputs: a document or an executed notebook."""
    name: str   # its name under outputs/: "<applicant>/<file>"
    label: str  # "审查报告 / audit report（PDF）"
    size: int   # bytes


@dataclass(frozen=True)
class StageRecord(Record):
    """A procedure stage's recorded result and its sign-off."""

    stage: str
    result: dict[str, Any]
    signed_by: str | None
    signed_at: datetime | None
    redo_reason: str | None = None  # a stage it depends on was reopened: record it again

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


# --- planning -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Consultancy(Record):
    applicant_id: str
    last_day: date  # the last day the auditor consulted for that applicant


@dataclass(frozen=True)
class AuditorProfile(Record):
    id: str
    name: str
    grade: str
    domains: tuple[str, ...]
    auditor_since: date | None = None  # when the auditor first qualified as 审查员
    consultancies: tuple[Consultancy, ...] = ()
    registration_no: str = ""
    registration_expires: date | None = None
    evidence: tuple[CompetenceRecord, ...] = ()        # why they may audit each domain
    declarations: tuple[Declaration, ...] = ()          # impartiality, per client and year
    login: str | None = None  # the hub user name they sign in with, if not their id

    def evidenced_domains(self) -> set[str]:
        return {e.domain for e in self.evidence}

    def declaration(self, applicant_id: str, year: int) -> Declaration | None:
        return next((d for d in self.declarations if d.applicant_id == applicant_id and d.year == year), None)


@dataclass(frozen=True)
class CompetenceRecord(Record):
    domain: str
    kind: str          # training, experience, witnessed
    reference: str
    on: date | None = None


@dataclass(frozen=True)
class Declaration(Record):
    applicant_id: str
    year: int
    declared_on: date
    conflicts: str = ""  # empty: no conflict declared


@dataclass(frozen=True)
class TeamMember(Record):
    auditor: AuditorProfile
    role: str  # a team_roles id: leader, member, expert


@dataclass(frozen=True)
class ProgrammeEvent(Record):
    event: str
    date: date


@dataclass(frozen=True)
class Programme(Record):
    """The audit programme: person-days and why, sample sizes, dates and the 3-year cycle."""

    person_days: float
    justification: tuple[dict[str, Any], ...]
    site_sample_size: int
    case_sample_size: int | None
    audit_start: date | None = None
    audit_end: date | None = None
    cycle_plan: tuple[ProgrammeEvent, ...] = ()
    site_sample: SiteSample | None = None


@dataclass(frozen=True)
class SiteSample(Record):
    """Which sites the audit visits (IAF MD1): the central function and the auditors' risk-based
    choices, then the sites drawn at random with the recorded seed (each type covered)."""

    audit_type: str
    size: int                 # the MD1 size, raised where needed to cover every site type
    md1_size: int
    seed: int
    chosen: tuple[str, ...]   # the central function and the auditors' choices
    drawn: tuple[str, ...]    # drawn at random
    types: dict[str, Any] = field(default_factory=dict)  # site type → the sampled sites of that type
    # IAF MD1 sampling applies only where every site runs the same processes under one system,
    # internally audited: planning records that judgement with its evidence; without it, every
    # site is audited (sampled False, all sites chosen).
    sampled: bool = True
    eligibility: str = ""
    visited_before: tuple[str, ...] = ()  # the sites earlier audits of the cycle covered (drawn last)

    @property
    def sites(self) -> tuple[str, ...]:
        return self.chosen + self.drawn


@dataclass(frozen=True)
class Contract(Record):
    contract_no: str
    signed_on: date
    fee: float
    person_days: float | None = None
    recorded_by: str = ""
    obligations: tuple[str, ...] = ()  # the holder's obligations the contract states (notify changes …)


# --- case samples -------------------------------------------------------------------------
@dataclass(frozen=True)
class DrawRecord(Record):
    """Everything needed to repeat a draw and prove it was not chosen by hand."""

    population_hash: str
    population_size: int
    method: str  # "simple" or "stratified:<column>"
    seed: int
    sample_size: int
    ids: list[str]
    # A draw of several lots (5.1c: services and complaints): lot → {"size": the lot's size,
    # "ids": the ids drawn from it}, so that each lot's result can be weighted by its size.
    lots: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseVerification(Record):
    """One re-checked case. A field left None was not checked (it does not apply)."""

    order_id: str
    resolved: bool | None = None
    complaint_closed: bool | None = None
    reworked: bool | None = None
    repeated: bool | None = None
    satisfied: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class CaseSample(Record):
    id: int
    population_hash: str
    population_size: int
    method: str
    seed: int
    ids: tuple[str, ...]
    verified: dict[str, CaseVerification] = field(default_factory=dict)
    lots: dict[str, dict[str, Any]] = field(default_factory=dict)  # as DrawRecord.lots; {} before 2026.7


@dataclass(frozen=True)
class Callback(Record):
    """One call of the certification body's call-backs (5.1a)."""

    customer_id: str
    reached: bool
    answers: dict[str, int]  # indicator id → score on the call-back scale, and "nps"
    note: str
    called_on: date
    called_by: str


@dataclass(frozen=True)
class ReportParticular(Record):
    """One thing the team states in the report beside the checklists (report_particulars)."""

    particular: str
    value: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class CallbackSample(Record):
    """The customers drawn for the call-backs, with the seed, and the calls made so far."""

    id: int
    population_hash: str
    population_size: int
    seed: int
    ids: tuple[str, ...]
    drawn_by: str
    drawn_at: datetime
    calls: dict[str, Callback] = field(default_factory=dict)


# --- findings, adjustments, decision, certificate -----------------------------------------
@dataclass(frozen=True)
class FindingState(Record):
    """What the decision rule needs of a finding."""

    id: str
    grade: str                      # a finding_grades id
    raised_on: date
    plan_accepted_on: date | None = None
    verified_on: date | None = None

    @property
    def closed(self) -> bool:
        return self.verified_on is not None


@dataclass(frozen=True)
class Finding(Record):
    id: int
    grade: str
    clause: str
    description: str
    evidence: str
    raised_on: date
    raised_by: str
    plan: str = ""                     # the corrective action: what removes the cause
    due_on: date | None = None
    plan_accepted_on: date | None = None
    verified_on: date | None = None
    verified_by: str | None = None
    item_id: str | None = None         # the checklist row whose grade raised it
    withdrawn_on: date | None = None   # the row's grade was cleared: it no longer counts
    withdrawn_reason: str = ""
    correction: str = ""               # what put the nonconforming case right
    root_cause: str = ""
    implementation_evidence: str = ""  # what the holder showed of the action carried out
    accepted_by: str | None = None     # who accepted the plan
    repeat_of: int | None = None       # the earlier finding of the cycle this one repeats
    graded_as: str | None = None       # the auditor's grade, when the repeat raised it (scheme)

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None

    def state(self) -> FindingState:
        return FindingState(str(self.id), self.grade, self.raised_on, self.plan_accepted_on, self.verified_on)


@dataclass(frozen=True)
class Adjustment(Record):
    kind: str    # deduction, bonus
    cause: str
    note: str
    recorded_by: str
    finding_id: int | None = None  # the finding that needs correction (every deduction has one)


@dataclass(frozen=True)
class Decision(Record):
    decided_on: date
    certified: bool
    level_rank: int
    members: tuple[str, ...]
    reasons: str
    recommendation: dict[str, Any]
    override_reason: str = ""  # why the committee decided against the recommendation
    outcome: str = ""          # a decision_outcomes id: certify, refuse, maintain, raise, …
    status_reason: str | None = None  # a suspension's or withdrawal's status reason
    deadline: date | None = None      # a suspension's: to be corrected by then

    @property
    def overrides_recommendation(self) -> bool:
        return overrides(self.recommendation, self.certified, self.level_rank)


@dataclass(frozen=True)
class CertificateDecision(Record):
    """A committee decision on a certificate between audits (suspend, withdraw, cancel, reinstate,
    reduce the scope), on its grounds; carried out afterwards, once."""
    id: int
    certificate_number: str
    outcome: str
    grounds: str
    grounds_detail: str
    decided_on: date
    members: tuple[str, ...]
    reasons: str
    recorded_by: str
    status_reason: str | None = None
    deadline: date | None = None
    scope: Scope | None = None
    carried_out_on: date | None = None
    carried_out_by: str | None = None
    result_number: str | None = None


def overrides(recommendation: dict[str, Any], certified: bool, level_rank: int) -> bool:
    """Whether a decision departs from the audit team's recommendation: another verdict, or
    a certificate at another level than the one recommended."""
    if certified != bool(recommendation.get("certifiable")):
        return True
    advised_level = (recommendation.get("level") or {}).get("rank")
    return certified and advised_level is not None and level_rank != advised_level


@dataclass(frozen=True)
class Scope(Record):
    domains: tuple[str, ...]
    goods: str
    services: str
    sites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Holder(Record):
    """The holder as its certificate states it, fixed at issue: a later change of the holder's
    records reaches a certificate only by a reissue."""
    name: str
    uscc: str
    address: str
    sites: tuple[tuple[str, str | None], ...] = ()  # (site, address) for each site of the scope


@dataclass(frozen=True)
class Certificate(Record):
    number: str
    applicant_id: str
    audit_id: int
    level_rank: int
    scope: Scope
    issued_on: date
    expires_on: date
    status: str
    scheme_version: str
    replaces: str | None = None  # the number of the certificate this one replaced
    holder: Holder | None = None  # as stated at issue (None only for a certificate read before revision 0026)


@dataclass(frozen=True)
class StatusChange(Record):
    from_status: str | None
    to_status: str
    reason: str
    on: date
    decided_by: str
    recorded_by: str = ""


@dataclass(frozen=True)
class ReviewRecord(Record):
    audit_id: int
    licences: dict[str, Any]  # licence id -> {held, reference}
    credit_clear: bool
    credit_evidence: str
    parent_authorisation: str
    domain_reason: str
    assessment: dict[str, Any]  # the rules' findings: problems, branch, licences_needed, competent
    accepted: bool
    reason: str
    reviewed_by: str
    reviewed_on: date


@dataclass(frozen=True)
class AuditPlanRecord(Record):
    team_sent_on: date | None
    objections: tuple[dict[str, Any], ...]   # {member, reason, resolution}
    agenda: tuple[dict[str, Any], ...]       # {day, site, activity, auditors}


@dataclass(frozen=True)
class ComplaintRecord(Record):
    id: int
    received_on: date
    complainant: str
    complainant_kind: str        # client, third_party
    about: str                   # certification_body, holder
    applicant_id: str | None
    subject: str
    acknowledged_on: date | None
    investigator: str | None
    outcome: str | None          # a complaint_outcomes id; None while open
    findings: str
    action: str | None           # a complaint_actions id
    audit_id: int | None         # the special audit it led to
    replied_on: date | None
    reply: str

    @property
    def open(self) -> bool:
        return self.outcome is None


@dataclass(frozen=True)
class AppealRecord(Record):
    id: int
    audit_id: int          # the audit whose decision is appealed
    received_on: date
    appellant: str
    grounds: str
    acknowledged_on: date | None
    handler: str | None
    outcome: str | None          # upheld, rejected; None while open
    reasons: str
    decided_on: date | None
    replied_on: date | None

    @property
    def open(self) -> bool:
        return self.outcome is None


@dataclass(frozen=True)
class TrailEntry(Record):
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class RoleChange(Record):
    """A change of a person's roles, as asked for and as decided (store/roles.py)."""
    id: int
    person_id: str
    before: dict[str, Any]  # {"roles": [...], "committee_member": bool}
    after: dict[str, Any]
    requested_by: str
    requested_at: datetime
    state: str  # pending, approved, refused, applied
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str = ""


# A notebook run's status in the ledger.
OK, FAILED, TIMEOUT, DIED, INTERRUPTED = "ok", "failed", "timeout", "died", "interrupted"
TAMPERED = "tampered"  # a signed stage no longer matches its signature (TamperedError in the notebook)
RUNNING = "running"  # begun, not yet ended (a killed batch's runs stay so until the next batch settles them)


@dataclass(frozen=True)
class NotebookRun(Record):
    """One row of the batch ledger: a notebook run for an applicant, and what it ran on."""
    run_id: str
    applicant_id: str
    notebook: str
    started_at: datetime
    finished_at: datetime
    status: str  # OK, FAILED, … above
    outputs: tuple[str, ...]
    inputs_hash: str
    inputs: dict[str, Any] = field(default_factory=dict)
    failed_cell: int | None = None
    error: str = ""

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


# The canonical work-order columns: what the importer produces, the store keeps and the KPIs read.
WORK_ORDER_COLUMNS = (
    "order_id", "customer_id", "product_id", "service_type", "is_complaint", "issue",
    "opened_at", "closed_at", "due_at", "resolved", "first_visit_fix", "complaint_satisfied",
)
