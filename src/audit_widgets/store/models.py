"""The database tables. Only the store's `Workbench` writes them."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..errors import ConflictError


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


class Applicant(Base):
    __tablename__ = "applicants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    organisation_type: Mapped[str] = mapped_column(String(32))
    domains: Mapped[list] = mapped_column(JSON)
    address: Mapped[str] = mapped_column(String(300), default="")
    personnel: Mapped[int] = mapped_column(Integer)
    outlets: Mapped[int] = mapped_column(Integer, default=1)
    product_categories: Mapped[int] = mapped_column(Integer, default=1)
    goods: Mapped[str] = mapped_column(String(300), default="")
    services: Mapped[str] = mapped_column(String(300), default="")
    sites: Mapped[list] = mapped_column(JSON, default=list)  # [{name, type}], every site
    service_promises: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    audits: Mapped[list[Audit]] = relationship(back_populates="applicant")


class Audit(Base):
    """An audit: one pass through the procedure, of an audit type (initial, surveillance,
    recertification or special)."""

    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicants.id"))
    audit_type: Mapped[str] = mapped_column(String(32), default="initial")  # an audit_types id
    submitted_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")  # why a special audit (a complaint, a suspension …)
    # A scope extension's special audit: the scope asked for {domains, goods, services}.
    requested_scope: Mapped[dict | None] = mapped_column(JSON)
    scheme_version: Mapped[str] = mapped_column(String(64))
    scheme_fingerprint: Mapped[str] = mapped_column(String(64))
    methods: Mapped[list | None] = mapped_column(JSON)  # the checklist methods it covers (None: its type's)
    special_reason: Mapped[str | None] = mapped_column(String(64))  # a special_audit_reasons id
    due_by: Mapped[date | None] = mapped_column(Date)  # a short-notice special audit: carried out by then
    # Its records were disposed of at the end of their retention: the row stays, so that its
    # certificates and decision (kept for ever) still name an audit that resolves.
    disposed_on: Mapped[date | None] = mapped_column(Date)
    disposed_by: Mapped[str | None] = mapped_column(String(64))
    disposal_reason: Mapped[str | None] = mapped_column(Text)

    applicant: Mapped[Applicant] = relationship(back_populates="audits")


class StageResult(Base):
    """The recorded result that ends a procedure stage; later stages depend on it."""

    __tablename__ = "stage_results"
    __table_args__ = (UniqueConstraint("audit_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    stage: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict] = mapped_column(JSON)
    signed_by: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signature: Mapped[str | None] = mapped_column(String(64))  # HMAC over the signed-off answers
    key_id: Mapped[str | None] = mapped_column(String(16))  # the key signed with; None: a signature before 0012
    signed_imports: Mapped[dict | None] = mapped_column(JSON)  # {kind: import id} the signature covers
    # What the signature covers beyond the stage's own answers (audits.SIGNATURE_COVERAGE); None: before 0026.
    coverage: Mapped[int | None] = mapped_column(Integer)
    # Set when a stage this one depends on was reopened: the result must be recorded again.
    redo_reason: Mapped[str | None] = mapped_column(Text)


class AuditProgramme(Base):
    __tablename__ = "audit_programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    person_days: Mapped[float] = mapped_column(Float)
    justification: Mapped[list] = mapped_column(JSON)
    site_sample_size: Mapped[int] = mapped_column(Integer)
    case_sample_size: Mapped[int | None] = mapped_column(Integer)
    audit_start: Mapped[date | None] = mapped_column(Date)
    audit_end: Mapped[date | None] = mapped_column(Date)
    cycle_plan: Mapped[list] = mapped_column(JSON, default=list)
    site_sample: Mapped[dict | None] = mapped_column(JSON)  # which sites were chosen, which drawn, the seed


class ApplicationReview(Base):
    """The explicit review of an application before it is accepted (ISO/IEC 17065 §7.3)."""

    __tablename__ = "application_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    licences: Mapped[dict] = mapped_column(JSON)  # licence id -> {held, reference}
    credit_clear: Mapped[bool] = mapped_column(Boolean)
    credit_evidence: Mapped[str] = mapped_column(String(300))
    parent_authorisation: Mapped[str] = mapped_column(String(300))  # a branch's authorisation document
    domain_reason: Mapped[str] = mapped_column(Text)
    assessment: Mapped[dict] = mapped_column(JSON)  # what the rules found: problems, branch, competent auditors
    accepted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(64))
    reviewed_on: Mapped[date] = mapped_column(Date)


class AuditPlan(Base):
    """The plan sent to the client (17021-1 §9.2.3): the team's names, objections, the agenda."""

    __tablename__ = "audit_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    team_sent_on: Mapped[date | None] = mapped_column(Date)
    objections: Mapped[list] = mapped_column(JSON)  # [{member, reason, resolution}]
    agenda: Mapped[list] = mapped_column(JSON)  # [{day, site, activity, auditors}]
    recorded_by: Mapped[str] = mapped_column(String(64))


class Contract(Base):
    """The certification contract signed after the review (stage 3)."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    contract_no: Mapped[str] = mapped_column(String(64))
    signed_on: Mapped[date] = mapped_column(Date)
    fee: Mapped[float] = mapped_column(Float)
    person_days: Mapped[float | None] = mapped_column(Float)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The holder's obligations as the contract states them (the duty to notify changes …).
    obligations: Mapped[list] = mapped_column(JSON, default=list)


class Auditor(Base):
    __tablename__ = "auditors"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    grade: Mapped[str] = mapped_column(String(32))
    domains: Mapped[list] = mapped_column(JSON)
    auditor_since: Mapped[date | None] = mapped_column(Date)
    competence_evidence: Mapped[str] = mapped_column(Text, default="")
    is_decision_maker: Mapped[bool] = mapped_column(Boolean, default=False)
    registration_no: Mapped[str] = mapped_column(String(64), default="")  # 注册证书编号
    registration_expires: Mapped[date | None] = mapped_column(Date)
    roles: Mapped[list] = mapped_column(JSON, default=list)  # assigned roles (scheme roles): administrator …
    # the hub user name they sign in with, if not their id (lower case); given like a role (roles.py)
    login: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)


class RoleChange(Base):
    """A change of a person's roles (administrator, programme manager, committee member), with
    their roles before and after (issue 24 §4). It takes effect when a second person approves it
    (store/roles.py); a sealed row, so the roles a person holds can be checked against it."""

    __tablename__ = "role_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("auditors.id"), index=True)
    before: Mapped[dict] = mapped_column(JSON)  # {"roles": [...], "committee_member": bool}
    after: Mapped[dict] = mapped_column(JSON)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16))  # pending, approved, refused, applied (roles.py)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text, default="")


class CompetenceEvidence(Base):
    """Why a person may audit a domain: training, experience or a witnessed audit (17021-1 §7.1–7.2)."""

    __tablename__ = "competence_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    auditor_id: Mapped[str] = mapped_column(ForeignKey("auditors.id"), index=True)
    domain: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(32))  # training, experience, witnessed
    reference: Mapped[str] = mapped_column(String(300))
    on: Mapped[date | None] = mapped_column(Date)


class ImpartialityDeclaration(Base):
    """A person's declaration about one client for one year (17021-1 §5.2, §7.4)."""

    __tablename__ = "impartiality_declarations"
    __table_args__ = (UniqueConstraint("auditor_id", "applicant_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    auditor_id: Mapped[str] = mapped_column(ForeignKey("auditors.id"))
    applicant_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    declared_on: Mapped[date] = mapped_column(Date)
    conflicts: Mapped[str] = mapped_column(Text, default="")  # empty: none declared


class Consultancy(Base):
    """Consulting an auditor did for an applicant (impartiality: scheme impartiality.consulting_lookback_years)."""

    __tablename__ = "consultancies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    auditor_id: Mapped[str] = mapped_column(ForeignKey("auditors.id"))
    applicant_id: Mapped[str] = mapped_column(String(64))
    last_day: Mapped[date] = mapped_column(Date)


class TeamMember(Base):
    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("audit_id", "auditor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    auditor_id: Mapped[str] = mapped_column(ForeignKey("auditors.id"))
    role: Mapped[str] = mapped_column(String(32))


class ChecklistAnswer(Base):
    """The current answer to one checklist item; every earlier version is in the audit trail."""

    __tablename__ = "checklist_answers"
    __table_args__ = (UniqueConstraint("audit_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    item_id: Mapped[str] = mapped_column(String(32))
    result: Mapped[str | None] = mapped_column(String(32))
    checked: Mapped[int | None] = mapped_column(Integer)
    nonconforming: Mapped[int | None] = mapped_column(Integer)
    measured: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    finding_grade: Mapped[str | None] = mapped_column(String(32))
    answered_by: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    scheme_version: Mapped[str] = mapped_column(String(64))


class StoredFile:
    """The columns of a file kept in the evidence folder by its SHA-256 (StoreBase.keep_file)."""

    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(500))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvidenceFile(StoredFile, Base):
    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("checklist_answers.id"))


class SubmittedDocument(StoredFile, Base):
    """An application document (营业执照, 售后服务手册, …) the applicant handed in."""

    __tablename__ = "submitted_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    document_id: Mapped[str] = mapped_column(String(64))  # an application_documents id


class ScoreAdjustment(Base):
    """A special deduction (特别扣分) or the special bonus (特别加分), with its cause."""

    __tablename__ = "score_adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    kind: Mapped[str] = mapped_column(String(16))  # deduction, bonus
    cause: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"))  # a deduction's finding
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportRecord(Base):
    """One imported file. The applicant's newest complete import of a kind is its data; a
    work-order import is written in steps and is complete (in force) only after the last."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicants.id"))
    kind: Mapped[str] = mapped_column(String(32))  # surveys, work_orders
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str] = mapped_column(String(32))
    rows: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    # The audit it was imported for, and the first and last day its records are dated.
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    first_on: Mapped[date | None] = mapped_column(Date)
    last_on: Mapped[date | None] = mapped_column(Date)


class AuditEvidence(Base):
    """The import of each kind an audit reads: the one made for it, or (for an audit decided
    before evidence was kept per audit) the one it was scored on. A later import for another
    audit never changes it, and an import's rows are kept while an audit reads them."""

    __tablename__ = "audit_evidence"
    __table_args__ = (UniqueConstraint("audit_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    kind: Mapped[str] = mapped_column(String(32))  # work_orders, surveys
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))


class WorkOrder(Base):
    __tablename__ = "work_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A work order belongs to its import, whose applicant it is; reads select one import, and
    # an order id is unique within it (the importer refuses duplicates, naming their rows).
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    order_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[str] = mapped_column(String(64))
    service_type: Mapped[str] = mapped_column(String(64))
    is_complaint: Mapped[bool] = mapped_column(Boolean)
    issue: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    resolved: Mapped[bool] = mapped_column(Boolean)
    first_visit_fix: Mapped[bool] = mapped_column(Boolean)
    complaint_satisfied: Mapped[bool | None] = mapped_column(Boolean)


class SurveyResponse(Base):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicants.id"), index=True)
    respondent: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    scale: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict] = mapped_column(JSON)  # indicator id -> score, and "nps"
    channel: Mapped[str] = mapped_column(String(32), default="questionnaire", server_default="questionnaire")


class DrawnSample:
    """The columns of a recorded random draw (domain.DrawRecord): what it was drawn from, the
    seed that repeats it, the ids drawn, who drew them and when."""

    population_hash: Mapped[str] = mapped_column(String(64))
    population_size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    drawn_ids: Mapped[list] = mapped_column(JSON)
    drawn_by: Mapped[str] = mapped_column(String(64))
    drawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CallbackSample(DrawnSample, Base):
    """The customers drawn for the certification body's own call-backs (5.1a), with the seed."""
    __tablename__ = "callback_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)


class Callback(Base):
    """One call to a drawn customer: reached or not, and the answers given."""
    __tablename__ = "callbacks"
    __table_args__ = (UniqueConstraint("sample_id", "customer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("callback_samples.id"))
    customer_id: Mapped[str] = mapped_column(String(64))
    reached: Mapped[bool] = mapped_column(Boolean)
    answers: Mapped[dict] = mapped_column(JSON)  # indicator id -> score on the call-back scale, and "nps"
    note: Mapped[str] = mapped_column(Text, default="")
    called_on: Mapped[date] = mapped_column(Date)
    called_by: Mapped[str] = mapped_column(String(64))


class CaseSample(DrawnSample, Base):
    __tablename__ = "case_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    method: Mapped[str] = mapped_column(String(64))
    lots: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # lot → its size and the ids drawn from it


class CaseVerification(Base):
    __tablename__ = "case_verifications"
    __table_args__ = (UniqueConstraint("sample_id", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("case_samples.id"))
    order_id: Mapped[str] = mapped_column(String(64))
    resolved: Mapped[bool | None] = mapped_column(Boolean)
    complaint_closed: Mapped[bool | None] = mapped_column(Boolean)
    reworked: Mapped[bool | None] = mapped_column(Boolean)
    repeated: Mapped[bool | None] = mapped_column(Boolean)
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    verified_by: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Finding(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    grade: Mapped[str] = mapped_column(String(32))
    clause: Mapped[str] = mapped_column(String(64))  # a checklist item id or a clause of the rule
    description: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    raised_on: Mapped[date] = mapped_column(Date)
    raised_by: Mapped[str] = mapped_column(String(64))
    # Set when the finding comes from a grade on a checklist row: the row's item.
    item_id: Mapped[str | None] = mapped_column(String(32))
    # A withdrawn finding (its row's grade was cleared) no longer counts; the row stays for the trail.
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    # A nonconformity repeating one of an earlier audit of the cycle: that finding, and the grade
    # the auditor gave when the scheme raised it (repeat_raises_to). No foreign key: the earlier
    # audit's records may be disposed of (records dispose) while this one is kept.
    repeat_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    graded_as: Mapped[str | None] = mapped_column(String(32), nullable=True)

    corrective_action: Mapped[CorrectiveAction | None] = relationship(back_populates="finding", uselist=False)


class CorrectiveAction(Base):
    __tablename__ = "corrective_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), unique=True)
    plan: Mapped[str] = mapped_column(Text)  # the corrective action: what removes the cause
    correction: Mapped[str] = mapped_column(Text, default="", server_default="")  # what put the case right
    root_cause: Mapped[str] = mapped_column(Text, default="", server_default="")
    implementation_evidence: Mapped[str] = mapped_column(Text, default="", server_default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    plan_accepted_on: Mapped[date | None] = mapped_column(Date)
    accepted_by: Mapped[str | None] = mapped_column(String(64))
    verified_on: Mapped[date | None] = mapped_column(Date)
    verified_by: Mapped[str | None] = mapped_column(String(64))

    finding: Mapped[Finding] = relationship(back_populates="corrective_action")


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    decided_on: Mapped[date] = mapped_column(Date)
    certified: Mapped[bool] = mapped_column(Boolean)
    level_rank: Mapped[int] = mapped_column(Integer)
    members: Mapped[list] = mapped_column(JSON)
    reasons: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[dict] = mapped_column(JSON)
    # Why the committee decided against the audit team's recommendation (required then).
    override_reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(32), default="")  # a decision_outcomes id
    status_reason: Mapped[str | None] = mapped_column(String(64))  # a suspension's or withdrawal's status reason
    deadline: Mapped[date | None] = mapped_column(Date)  # a suspension's: correct by then


class CertificateDecision(Base):
    """The committee's decision on a certificate between audits, on grounds rather than a report
    (issue 22 §1); signed when recorded, carried out on the certificate once, afterwards."""

    __tablename__ = "certificate_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_number: Mapped[str] = mapped_column(ForeignKey("certificates.number"), index=True)
    outcome: Mapped[str] = mapped_column(String(32))  # a decision_outcomes id with between_audits
    grounds: Mapped[str] = mapped_column(String(64))  # a decision_grounds id
    grounds_detail: Mapped[str] = mapped_column(Text)  # the complaint, the letter, the order …
    status_reason: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[date | None] = mapped_column(Date)  # a suspension's: correct by then
    scope: Mapped[dict | None] = mapped_column(JSON)  # a scope reduction's narrower scope
    decided_on: Mapped[date] = mapped_column(Date)
    members: Mapped[list] = mapped_column(JSON)
    reasons: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))  # over the decision as recorded (statement())
    key_id: Mapped[str] = mapped_column(String(32))
    carried_out_on: Mapped[date | None] = mapped_column(Date)
    carried_out_by: Mapped[str | None] = mapped_column(String(64))
    result_number: Mapped[str | None] = mapped_column(String(64))  # the certificate afterwards

    def statement(self) -> dict:
        """What the signature covers: the decision as the committee took it."""
        return {"certificate_number": self.certificate_number, "outcome": self.outcome, "grounds": self.grounds,
                "grounds_detail": self.grounds_detail, "status_reason": self.status_reason,
                "deadline": self.deadline, "scope": self.scope, "decided_on": self.decided_on,
                "members": self.members, "reasons": self.reasons, "recorded_by": self.recorded_by}


class Certificate(Base):
    __tablename__ = "certificates"

    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicants.id"))
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    level_rank: Mapped[int] = mapped_column(Integer)
    scope: Mapped[dict] = mapped_column(JSON)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32))
    scheme_version: Mapped[str] = mapped_column(String(64))
    replaces: Mapped[str | None] = mapped_column(String(64))  # the number of the certificate it replaced
    # The holder as the certificate states it: {name, uscc, address, sites: [[site, address]]}, fixed at issue.
    holder: Mapped[dict | None] = mapped_column(JSON)


class StatusChangeRecord(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_number: Mapped[str] = mapped_column(ForeignKey("certificates.number"))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(64))
    changed_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(64), default="")  # who entered it (e.g. who issued)


class Complaint(Base):
    """A complaint about the certification body or a certified holder (ISO/IEC 17065 §7.13)."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_on: Mapped[date] = mapped_column(Date)
    complainant: Mapped[str] = mapped_column(String(200))
    complainant_kind: Mapped[str] = mapped_column(String(32))  # client, third_party
    about: Mapped[str] = mapped_column(String(32))  # certification_body, holder
    applicant_id: Mapped[str | None] = mapped_column(ForeignKey("applicants.id"), index=True)
    subject: Mapped[str] = mapped_column(Text)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    investigator: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(32))  # a complaint_outcomes id
    findings: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str | None] = mapped_column(String(32))  # none, special_audit, suspension
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))  # the special audit it led to
    replied_on: Mapped[date | None] = mapped_column(Date)
    reply: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))


class Appeal(Base):
    """An appeal against a decision (ISO/IEC 17021-1 §9.7)."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)  # the decided audit
    received_on: Mapped[date] = mapped_column(Date)
    appellant: Mapped[str] = mapped_column(String(200))
    grounds: Mapped[str] = mapped_column(Text)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    handler: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(32))  # upheld, rejected
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    replied_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))


class CncaReported(Base):
    """One line reported to CNCA's platform for a month (reporting/cnca.py): its sheet, its key and a
    hash of what it said, so that a later correction is reported as a change."""

    __tablename__ = "cnca_reported"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    sheet: Mapped[str] = mapped_column(String(64))
    row_key: Mapped[str] = mapped_column(String(128))
    row_hash: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reported_by: Mapped[str] = mapped_column(String(64))


class AuditTrail(Base):
    """Append-only: every write leaves a row here; rows are never changed or removed."""

    __tablename__ = "audit_trail"
    __table_args__ = (Index("ix_audit_trail_entity", "entity", "entity_id"),)  # a row's statements (sealing)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # The applicant the entry concerns (None for auditors, and for entries before revision 0006).
    applicant_id: Mapped[str | None] = mapped_column(String(64), index=True)
    chain: Mapped[str | None] = mapped_column(String(64))  # its link in the hash chain (trail_chain)


class WorkbenchSetting(Base):
    """What the store knows about itself: the id of the key its signatures and chain use."""

    __tablename__ = "workbench_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class NotebookRun(Base):
    """The batch ledger: one row per notebook run, with what it ran on (the inputs hash)."""

    __tablename__ = "notebook_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(32), index=True)  # one batch
    applicant_id: Mapped[str] = mapped_column(String(64), index=True)
    notebook: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)  # running, ok, failed, timeout, died, …
    runner: Mapped[str | None] = mapped_column(String(128))  # "host:pid" of the batch (processes.py)
    outputs: Mapped[list] = mapped_column(JSON, default=list)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)  # what the hash covers, for a reader
    failed_cell: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(AuditTrail, "before_update")
@event.listens_for(AuditTrail, "before_delete")
def _refuse_trail_change(mapper, connection, target) -> None:
    raise ConflictError("审计追踪记录不可修改或删除", "The audit trail is append-only; rows cannot be changed or removed")


class ReportParticular(Base):
    """What the team states in an audit's report beside the checklists (the scheme's
    report_particulars: the client's representative, changes since the last audit, …)."""

    __tablename__ = "report_particulars"
    __table_args__ = (UniqueConstraint("audit_id", "particular", name="uq_report_particulars_audit_particular"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    particular: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
