"""The scheme's contract with the code: every scheme id the code relies on by name.

The scheme is data a certification body may edit, but some of its ids carry behaviour in the
code: a certificate that is `suspended` may be reinstated, a `major` finding blocks the
decision, the `leader` of a team signs. Each such id is a member of one enum here, and
`scheme.load_scheme` refuses a scheme that lacks one, naming the file, the section and the id.
Code names these ids only through these enums (StrEnum: a member equals its string, so the
database and the YAML keep plain strings).

Trail entity kinds are the code's own vocabulary (not the scheme's); `ENTITY_RECORDS` says
which lockable record each one changes, so the batch knows which stage's inputs an entry
touches.
"""
from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """permissions.action (procedure.yaml): what a write needs permission for."""
    PEOPLE = "people"
    ROLES = "roles"  # approving or refusing a change of someone's roles (store/roles.py)
    DECLARATIONS = "declarations"
    APPLICANT = "applicant"
    IMPORTS = "imports"
    REVIEW = "review"
    TEAM = "team"
    AUDIT_PLAN = "audit_plan"
    EVALUATION = "evaluation"
    STAGE_RESULT = "stage_result"
    SIGN_OFF = "sign_off"
    DECISION = "decision"
    CERTIFICATE = "certificate"
    COMPLAINTS = "complaints"
    RECORDS = "records"
    REPORTING = "reporting"


class Role(StrEnum):
    """roles.id (procedure.yaml) that the code derives from the records or names."""
    COMMITTEE_MEMBER = "committee_member"
    TEAM_LEADER = "team_leader"
    TEAM_MEMBER = "team_member"


DERIVED_ROLES = (Role.COMMITTEE_MEMBER, Role.TEAM_LEADER, Role.TEAM_MEMBER)  # never assigned in the people file


class TeamRole(StrEnum):
    """team_roles.id (scheme.yaml): the leader signs and answers for the team."""
    LEADER = "leader"


class Grade(StrEnum):
    """finding_grades.id (scheme.yaml) that the dashboard and the report count by name."""
    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"


class Channel(StrEnum):
    """survey_channels.id (survey.yaml): where a survey response came from, as the code records it."""
    QUESTIONNAIRE = "questionnaire"    # an imported file's responses, unless it names their channel
    PHONE_CALLBACK = "phone_callback"  # the certification body's own call-backs (04)


class Status(StrEnum):
    """certificate_statuses.id (lifecycle.yaml)."""
    VALID = "valid"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


IN_FORCE = (Status.VALID, Status.SUSPENDED)  # a certificate that the audits of its cycle still follow
# What a decision's certificate effect (decision_outcomes.certificate) needs the certificate to
# be before (None: any status in force), and the status it leaves it in where it changes one.
EFFECT_NEEDS = {"keep": Status.VALID, "reissue": Status.VALID, "extend": Status.VALID, "suspend": Status.VALID,
                "reinstate": Status.SUSPENDED, "withdraw": None, "cancel": None, "reduce": Status.VALID}
EFFECT_STATUS = {"suspend": Status.SUSPENDED, "withdraw": Status.WITHDRAWN, "cancel": Status.CANCELLED,
                 "reinstate": Status.VALID}


class Reason(StrEnum):
    """status_reasons.id (lifecycle.yaml) that a rule applies by itself; REASON_STATUS says under
    which status each must be listed."""
    VALIDITY_ENDED = "validity_ended"
    SUSPENSION_EXPIRED = "suspension_expired"
    MISSED_SURVEILLANCE = "missed_surveillance"
    PERSISTENT_NONCONFORMITY = "persistent_nonconformity"
    SUSPENSION_LIFTED = "suspension_lifted"
    LEVEL_CHANGED = "level_changed"
    RECERTIFIED = "recertified"
    HOLDER_DETAILS_CHANGED = "holder_details_changed"
    SCOPE_EXTENDED = "scope_extended"
    SCOPE_REDUCED = "scope_reduced"


REASON_STATUS = {
    Reason.VALIDITY_ENDED: Status.EXPIRED, Reason.SUSPENSION_EXPIRED: Status.WITHDRAWN,
    Reason.MISSED_SURVEILLANCE: Status.SUSPENDED, Reason.PERSISTENT_NONCONFORMITY: Status.SUSPENDED,
    Reason.SUSPENSION_LIFTED: Status.VALID, Reason.LEVEL_CHANGED: Status.SUPERSEDED,
    Reason.RECERTIFIED: Status.SUPERSEDED, Reason.HOLDER_DETAILS_CHANGED: Status.SUPERSEDED,
    Reason.SCOPE_EXTENDED: Status.SUPERSEDED, Reason.SCOPE_REDUCED: Status.SUPERSEDED,
}


class Outcome(StrEnum):
    """decision_outcomes.id (lifecycle.yaml) that the suggested decision names."""
    CERTIFY = "certify"
    REFUSE = "refuse"
    MAINTAIN = "maintain"
    RAISE = "raise"
    LOWER = "lower"
    SUSPEND = "suspend"
    WITHDRAW = "withdraw"
    REINSTATE = "reinstate"
    EXTEND_SCOPE = "extend_scope"
    CANCEL = "cancel"
    REDUCE_SCOPE = "reduce_scope"


class AuditTypeId(StrEnum):
    """audit_types.id (person_days.yaml) that the cycle's rules name."""
    INITIAL = "initial"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"
    SPECIAL = "special"


class SpecialReason(StrEnum):
    """special_audit_reasons.id (person_days.yaml) that the code opens audits with."""
    COMPLAINT = "complaint"              # an upheld complaint (complaint_actions: special_audit)
    SCOPE_EXTENSION = "scope_extension"  # also covers the new domains' veto items
    OTHER = "other"


class MethodId(StrEnum):
    """methods.id (scheme.yaml) whose evidence a widget of its own gathers: in 04's sections the
    survey and call-backs, the case sample and the monitoring data go in these methods' tabs."""
    SURVEY = "5.1a"
    CASES = "5.1c"
    MONITORING = "5.1d"


class StageId(StrEnum):
    """procedure_stages.id (procedure.yaml) that the code names: the stages with a role of
    their own in the cycle (reviewed, scored, reported, decided)."""
    APPLICATION = "application"
    PLANNING = "planning"
    CHARACTERISTIC = "characteristic"
    SYSTEM_AUDIT = "system_audit"
    REPORT = "report"
    DECISION = "decision"
    CERTIFICATE = "certificate"


class Entity(StrEnum):
    """The kinds of record a trail entry is about (audit_trail.entity)."""
    APPLICANT = "applicant"
    AUDIT = "audit"
    DOCUMENT = "document"
    REVIEW = "review"
    PROGRAMME = "programme"
    TEAM = "team"
    AUDIT_PLAN = "audit_plan"
    CONTRACT = "contract"
    CASE_SAMPLE = "case_sample"
    CASE = "case"
    CALLBACK = "callback"  # the call-back draw and each call
    SURVEYS = "surveys"
    WORK_ORDERS = "work_orders"
    CHECKLIST_ANSWER = "checklist_answer"
    EVIDENCE = "evidence"
    FINDING = "finding"
    SCORE_ADJUSTMENT = "score_adjustment"
    STAGE_RESULT = "stage_result"
    DECISION = "decision"
    CERTIFICATE_DECISION = "certificate_decision"  # a committee decision between audits
    CERTIFICATE = "certificate"
    STATUS_CHANGE = "status_change"  # a certificate's status change, sealed as a statement
    CORRECTIVE_ACTION = "corrective_action"  # a finding's corrective action, sealed as a statement
    COMPLAINT = "complaint"
    APPEAL = "appeal"
    AUDITOR = "auditor"
    AUDITORS = "auditors"  # a competence file loaded whole
    ROLE_CHANGE = "role_change"  # a change of someone's roles, sealed as a statement
    CONSULTANCY = "consultancy"
    CNCA_REPORT = "cnca_report"  # a month reported to CNCA's platform
    REPORT_PARTICULARS = "report_particulars"  # what the team states in the report beside the checklists


# Trail entity → the record kind that procedure_stages.locks names (LockableRecord). Answers,
# evidence and stage results belong to a stage by their item or stage id instead; an entity in
# neither (an audit opened, a person registered, a complaint) concerns every stage.
ENTITY_RECORDS: dict[Entity, str] = {
    Entity.APPLICANT: "applicant", Entity.DOCUMENT: "documents", Entity.REVIEW: "review",
    Entity.PROGRAMME: "programme", Entity.TEAM: "team", Entity.AUDIT_PLAN: "audit_plan",
    Entity.CONTRACT: "contract", Entity.CASE_SAMPLE: "case_sample", Entity.CASE: "case_sample",
    Entity.CALLBACK: "surveys",
    Entity.SURVEYS: "surveys", Entity.WORK_ORDERS: "work_orders", Entity.FINDING: "findings",
    Entity.SCORE_ADJUSTMENT: "adjustments", Entity.DECISION: "decision", Entity.CERTIFICATE: "certificate",
    Entity.CERTIFICATE_DECISION: "certificate", Entity.REPORT_PARTICULARS: "particulars",
}
ENTITIES_BY_ITEM = (Entity.CHECKLIST_ANSWER, Entity.EVIDENCE)  # entity id "audit:item"
ENTITIES_BY_STAGE = (Entity.STAGE_RESULT,)                     # entity id "audit:stage"

# What the loader checks: (section, the id field, the file's name for it) → the ids required.
REQUIRED_IDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("permissions", "action", tuple(Action)),
    ("roles", "id", tuple(Role)),
    ("team_roles", "id", tuple(TeamRole)),
    ("finding_grades", "id", tuple(Grade)),
    ("survey_channels", "id", tuple(Channel)),
    ("certificate_statuses", "id", tuple(Status)),
    ("decision_outcomes", "id", tuple(Outcome)),
    ("audit_types", "id", tuple(AuditTypeId)),
    ("special_audit_reasons", "id", tuple(SpecialReason)),
    ("procedure_stages", "id", tuple(StageId)),
    ("methods", "id", tuple(MethodId)),
)
