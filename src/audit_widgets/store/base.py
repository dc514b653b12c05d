"""What every part of the store shares: the engine, the scheme, the person acting, the
sessions (one per write, or one snapshot for many reads), the audit trail, the stage locks
and the evidence folder."""
from __future__ import annotations

import copy
import hashlib
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import Clock
from ..contract import Action, Entity
from ..errors import ConflictError, NotFoundError
from ..identity import find_identity
from ..kept_files import KeptFiles, kept_name
from ..scheme import Scheme, load_scheme
from . import models, sealing, signing
from .authorisation import authorise, roles_of
from .database import (
    get_engine,
    lock_applicant,
    lock_chain,
    read_transaction,
    require_current_schema,
    snapshot,
    write_transaction,
)
from .models import utcnow
from .trail_chain import last_link, link

if TYPE_CHECKING:
    from ..domain import Applicant, Audit, AuditorProfile, Certificate

SIGNING_KEY_SETTING = "signing_key_id"
# The writes of what a decision rests on: refused, for an audit named, once it is decided (issue 24
# §3). The stages' own results and sign-offs are closed stage by stage (AuditStore), corrective
# actions stay open until verified.
CLOSED_AT_DECISION = frozenset({Action.APPLICANT, Action.IMPORTS, Action.REVIEW, Action.TEAM, Action.AUDIT_PLAN,
                                Action.EVALUATION})
# The writes that judge an audit: made only under the scheme it was opened under (issue 24 §5).
PINNED = CLOSED_AT_DECISION | {Action.STAGE_RESULT, Action.SIGN_OFF, Action.DECISION}
PENDING_TRAIL = "trail_pending"  # Session.info key: this write's trail entries, chained when it ends
# Writes that concern one applicant only, which on PostgreSQL run beside other applicants' writes
# (database.write_transaction). A write that reads or numbers across applicants (certificate
# numbers, people, an auditor's other assignments, complaints, reports) stays store-wide.
ONE_APPLICANT = frozenset({Action.EVALUATION, Action.IMPORTS, Action.STAGE_RESULT, Action.SIGN_OFF, Action.REVIEW})
CLOSED = object()  # the snapshot of a reading view whose with-block has ended
# The evidence tables hold names of up to 300 characters; a stored file is named by its hash and
# extension, and file systems allow 255 bytes per name.
MAX_FILENAME = 200
MAX_SUFFIX = 12

NOT_FOUND_NAMES = {
    models.Applicant: ("申请方", "applicant"),
    models.Audit: ("审核", "audit"),
    models.Certificate: ("证书", "certificate"),
    models.Finding: ("发现", "finding"),
    models.CaseSample: ("抽样", "case sample"),
    models.Auditor: ("审查员", "auditor"),
    models.RoleChange: ("角色变更", "role change"),
    models.Complaint: ("投诉", "complaint"),
    models.Appeal: ("申诉", "appeal"),
}


class StoreBase:
    """What every store mixin shares: the engine, the scheme, the acting person, the sessions,
    the trail and the locks. Workbench (repository.py) combines the mixins."""

    if TYPE_CHECKING:
        # The calls one mixin makes to another's methods, declared for the type checker (which then
        # checks each mixin's definition against them); tests/test_layers.py checks Workbench has them.
        def get_applicant(self, applicant_id: str) -> Applicant: ...
        def audit(self, audit_id: int) -> Audit: ...
        def resolve_audit(self, applicant_id: str, audit: int | str | None = None, *,
                          open_if_none: bool = False) -> int | None: ...
        def auditors(self) -> list[AuditorProfile]: ...
        def audit_domains(self, audit_id: int) -> tuple[str, ...]: ...
        def cycle_audits_before(self, audit_id: int) -> list[int]: ...
        def decision_makers(self) -> list[str]: ...
        def _open_audit(self, session: Session, applicant_id: str, audit_type: str, submitted_on: date,
                        reason: str, scope_extension: bool = False, special_reason: str | None = None,
                        added_domains: tuple[str, ...] = ()) -> int: ...
        def _check_grade(self, grade: str) -> None: ...
        def _cycle_audits_before(self, session: Session, audit_id: int) -> list[int]: ...
        def _reopen_decision(self, session: Session, audit_id: int, why: tuple[str, str]) -> dict: ...
        def _decision_carried_out(self, session: Session, audit_id: int,
                                  current: models.Certificate | None) -> bool: ...
        def _sync_row_finding(self, session: Session, audit_id: int, item_id: str, grade: str | None,
                              note: str) -> None: ...
        def find_certificate(self, number: str) -> Certificate | None: ...
        def _refuse_unless_competent(self, members: list[str], domains: tuple[str, ...]) -> None: ...
        def _refuse_unless_committee(self, session: Session, members: list[str]) -> None: ...
        def _refuse_if_managing(self, session: Session, applicant_id: str) -> None: ...
        def _issue(self, session: Session, applicant: models.Applicant, audit_id: int, *, level_rank: int, year: int,
                   issued_on: date, expires_on: date, replaces: models.Certificate | None, reason: str | None,
                   decided_by: str) -> models.Certificate: ...
        def _change_status(self, session: Session, row: models.Certificate, to_status: str, reason: str, on: date,
                           decided_by: str) -> None: ...
        def _signature_state(self, session: Session, row: models.StageResult) -> str | None: ...
        def _signatures_in_trail(self, session: Session, *, applicant_id: str | None = None,
                                 stage_key: str | None = None) -> dict[str, tuple[str, str | None]]: ...

    def __init__(self, database_url: str | None = None, scheme: Scheme | None = None, actor: str | None = None,
                 clock: Clock | None = None):
        self.engine = get_engine(database_url)
        self.scheme = scheme or load_scheme()
        self._deployment: Scheme | None = None if scheme is not None else self.scheme
        self.actor = actor or find_identity()
        self.clock = clock or Clock()  # shared by acting_as and reading() copies
        self._snapshot: Session | None = None
        require_current_schema(self.engine)

    @property
    def location(self) -> str:
        """Which store this is: the key under which what was read from it is cached."""
        return self.engine.url.render_as_string()

    # --- sessions -----------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[StoreBase]:
        """`with workbench.reading() as view:` — every read through `view` sees one
        consistent snapshot of the database; `view` cannot write. Nested calls share it."""
        if self._snapshot is not None:
            yield self
            return
        view = copy.copy(self)
        with snapshot(self.engine) as session:
            view._snapshot = session
            try:
                yield view
            finally:
                view._snapshot = CLOSED  # a view kept after its block can neither read nor write

    @contextmanager
    def _reading_session(self) -> Iterator[Session]:
        if self._snapshot is CLOSED:
            raise ConflictError("只读视图已关闭", "This reading view is closed; use it inside its with-block",
                                code="store.view_closed")
        if self._snapshot is not None:
            yield self._snapshot
        else:
            with read_transaction(self.engine) as session:
                yield session

    def acting_as(self, person_id: str) -> StoreBase:
        """The same workbench with another person acting (the demo, a test, a hand-over)."""
        other = copy.copy(self)
        other.actor = person_id
        return other

    def require(self, action: Action, audit: int | None = None) -> None:
        """Refuse now, before any work, what the actor could not write (a batch run, a form)."""
        with self._reading_session() as session:
            authorise(session, self.deployment, self.actor, action, audit)

    def roles_held(self, person_id: str, audit_id: int | None = None) -> set[str] | None:
        """The roles a person holds on an audit (None: not in the people records): the screens'
        "您是" line names them."""
        with self._reading_session() as session:
            return roles_of(session, person_id, audit_id)

    @property
    def deployment(self) -> Scheme:
        """The scheme this installation runs (AUDIT_WORKBENCH_SCHEME, else parameters/scheme), read
        once per workbench (issue 24 §5). Permissions come from it alone, and audits are opened and
        moved under it only: a folder a notebook or a command names may judge nothing new."""
        if self._deployment is None:
            loaded = load_scheme()
            self._deployment = self.scheme if loaded.fingerprint == self.scheme.fingerprint else loaded
        return self._deployment

    def _refuse_unless_deployed(self) -> None:
        """An audit is opened, or moved, only under the scheme this installation runs."""
        if self.scheme.fingerprint != self.deployment.fingerprint:
            raise ConflictError(
                f"只能按本机构采用的方案 {self.deployment.meta.version}（指纹 {self.deployment.fingerprint[:12]}）开启或迁移"
                f"审核；当前加载的方案 {self.scheme.meta.version}（指纹 {self.scheme.fingerprint[:12]}）不是它"
                "（方案由 AUDIT_WORKBENCH_SCHEME 或 parameters/scheme 决定）",
                f"Audits are opened and moved only under the scheme this installation runs, "
                f"{self.deployment.meta.version} (fingerprint {self.deployment.fingerprint[:12]}); the scheme loaded "
                f"here, {self.scheme.meta.version} (fingerprint {self.scheme.fingerprint[:12]}), is not it (the "
                "installation's scheme is AUDIT_WORKBENCH_SCHEME's folder, or parameters/scheme)",
                code="scheme.not_deployed")

    @contextmanager
    def _writing_session(self, action: Action, *, audit: int | None = None,
                         applicant: str | None = None, open_after_decision: bool = False) -> Iterator[Session]:
        """One write of a scheme `permissions` action, by someone who holds one of its roles on
        the audit (for an applicant's write, on its newest audit): committed whole, or rolled
        back whole on any error. A write of what a decision rests on (CLOSED_AT_DECISION) to an
        audit that is decided is refused, unless `open_after_decision` (a corrective action)."""
        if self._snapshot is not None:
            raise ConflictError("只读视图不能写入", "A reading view cannot write; write through the workbench",
                                code="store.read_only_view")
        one_applicant = action in ONE_APPLICANT and (audit is not None or applicant is not None)
        with write_transaction(self.engine, one_applicant=one_applicant) as session:
            if one_applicant:  # before anything of the applicant is read
                lock_applicant(session, applicant or self._row(session, models.Audit, audit).applicant_id)
            self._refuse_under_another_key(session)
            if audit is not None and action in CLOSED_AT_DECISION and not open_after_decision:
                self._refuse_if_decided(session, audit)
            if audit is not None and action in PINNED and not open_after_decision:
                self._refuse_unless_pinned(session, audit)
            if audit is None and applicant is not None:
                latest = self._latest_audit(session, applicant)
                audit = latest.id if latest is not None else None
            if audit is not None:
                self._row(session, models.Audit, audit)  # an unknown audit is "not found"
            authorise(session, self.deployment, self.actor, action, audit)
            yield session
            self._end_write(session)

    def _end_write(self, session: Session) -> None:
        """What every write does last: seal the sealed rows it changed, then chain its trail."""
        self._seal(session)
        self._chain(session)

    def _chain(self, session: Session) -> None:
        """Append this write's trail entries to the chain, in the order they were made. Done
        last, under the chain's lock: writes for different applicants run side by side up to
        here, and their entries then take their ids and links one write after the other."""
        pending = session.info.pop(PENDING_TRAIL, [])
        if not pending:
            return
        lock_chain(session)
        previous = last_link(session)
        for entry in pending:
            entry.chain = previous = link(previous, entry)
        session.add_all(pending)

    def _seal(self, session: Session) -> None:
        """Append a signed statement for every sealed row this write added or changed (sealing)."""
        while rows := sealing.take_pending(session):
            for row, deleted in rows:
                table, key = type(row).__tablename__, sealing.row_key(row)
                fields = None if deleted else sealing.row_fields(row)
                self._trail(session, sealing.SEAL_ACTION, sealing.SEALED[type(row)], key,
                            sealing.seal_detail(table, key, fields, self.scheme.fingerprint),
                            applicant=sealing.applicant_of(session, row))

    @staticmethod
    def _recorded_key_id(session: Session) -> str | None:
        setting = session.get(models.WorkbenchSetting, SIGNING_KEY_SETTING)
        return setting.value if setting is not None else None

    def _refuse_under_another_key(self, session: Session) -> None:
        """Every write extends the trail's chain and may sign: under the store's own key only.
        The first write records which key that is."""
        recorded, current = self._recorded_key_id(session), signing.key_id()
        if recorded is None:  # two first writes at once (PostgreSQL): the second waits, then finds it
            lock_chain(session)
            recorded = self._recorded_key_id(session)
        if recorded is None:
            session.add(models.WorkbenchSetting(name=SIGNING_KEY_SETTING, value=current))
        elif recorded != current:
            raise ConflictError(*signing.key_mismatch_message(recorded, current))

    def _trail(self, session: Session, action: str, entity: Entity, entity_id, detail: dict | None = None, *,
               applicant: str | None = None, audit: int | None = None) -> None:
        """Append to the trail. Every entry that concerns an applicant names it (directly, or by
        its audit), so that "the applicant's last change" is one query (the batch
        ledger's inputs hash, the dashboard's staleness mark)."""
        if applicant is None and audit is not None:
            applicant = self._row(session, models.Audit, audit).applicant_id
        entry = models.AuditTrail(at=utcnow(), actor=self.actor, action=action, entity=Entity(entity).value,
                                  entity_id=str(entity_id), detail=detail or {}, applicant_id=applicant)
        session.info.setdefault(PENDING_TRAIL, []).append(entry)  # chained when the write ends (_chain)

    @staticmethod
    def _upsert(session: Session, model: type[models.Base], audit_id: int, values: dict) -> None:
        """Create or replace the one record of `model` that an audit has."""
        row = session.scalar(select(model).where(model.audit_id == audit_id))
        if row is None:
            session.add(model(audit_id=audit_id, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)

    @staticmethod
    def _row(session: Session, model: type[models.Base], key):
        """The record with this primary key, or a NotFoundError that names what is missing."""
        row = session.get(model, key)
        if row is None:
            zh, en = NOT_FOUND_NAMES[model]
            raise NotFoundError(f"没有编号为「{key}」的{zh}", f"No {en} with id '{key}'")
        return row

    def _audit_of(self, model: type[models.Base], key) -> int:
        """The audit a record (a case sample, a finding) belongs to: whose team may write it."""
        with self._reading_session() as session:
            return self._row(session, model, key).audit_id

    def keep_file(self, source: Path | bytes, filename: str) -> dict:
        """Keep a file (evidence, a submitted document) where the store keeps files (kept_files:
        data/evidence, or AUDIT_WORKBENCH_FILES) by its SHA-256; return the columns of its
        record (models.StoredFile). The name is kept as the record's label; a name too long to
        store is refused."""
        suffix = Path(filename).suffix
        if not filename.strip() or len(filename) > MAX_FILENAME or len(suffix) > MAX_SUFFIX:
            raise ConflictError(
                f"文件名应为 1–{MAX_FILENAME} 个字符、扩展名不超过 {MAX_SUFFIX - 1} 个字符，实为 {len(filename)} 个字符",
                f"A file name must have 1–{MAX_FILENAME} characters and an extension of at most "
                f"{MAX_SUFFIX - 1}; this one has {len(filename)}", code="file.name")
        content = source if isinstance(source, bytes) else Path(source).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        stored = KeptFiles().keep(kept_name(digest, filename), content)
        return {"filename": filename, "sha256": digest, "stored_path": stored, "added_by": self.actor}

    # --- stage locks: which stage locks a record is scheme data (procedure_stages.locks) ---
    @staticmethod
    def _latest_audit(session: Session, applicant_id: str, audit_type: str | None = None):
        """The applicant's newest audit, of a type when given."""
        query = select(models.Audit).where(models.Audit.applicant_id == applicant_id)
        if audit_type is not None:
            query = query.where(models.Audit.audit_type == audit_type)
        return session.scalar(query.order_by(models.Audit.id.desc()).limit(1))

    @staticmethod
    def _read_as_evidence(session: Session, audit_id: int, kind: str, import_id: int) -> None:
        """Make an import the one of its kind the audit reads (audit_evidence)."""
        link = session.scalar(select(models.AuditEvidence).where(
            models.AuditEvidence.audit_id == audit_id, models.AuditEvidence.kind == kind))
        if link is None:
            session.add(models.AuditEvidence(audit_id=audit_id, kind=kind, import_id=import_id))
        else:
            link.import_id = import_id

    @staticmethod
    def _audit_import_id(session: Session, audit_id: int, kind: str) -> int | None:
        """The import of a kind the audit reads (audit_evidence); None before one is made for it."""
        return session.scalar(select(models.AuditEvidence.import_id).where(
            models.AuditEvidence.audit_id == audit_id, models.AuditEvidence.kind == kind))

    @staticmethod
    def _current_certificate(session: Session, applicant_id: str) -> models.Certificate | None:
        """The applicant's newest certificate: the one no other replaced (None if never certified)."""
        replaced = select(models.Certificate.replaces).where(models.Certificate.replaces.is_not(None))
        return session.scalar(select(models.Certificate).where(
            models.Certificate.applicant_id == applicant_id, models.Certificate.number.not_in(replaced))
            .order_by(models.Certificate.issued_on.desc(), models.Certificate.number.desc()).limit(1))

    @staticmethod
    def _stage_row(session: Session, audit_id: int, stage_id: str) -> models.StageResult | None:
        return session.scalar(select(models.StageResult).where(
            models.StageResult.audit_id == audit_id, models.StageResult.stage == stage_id))

    def _refuse_if_stage_signed(self, session: Session, audit_id: int, stage_id: str) -> None:
        row = self._stage_row(session, audit_id, stage_id)
        if row is not None and row.signed_at is not None:
            name = self.scheme.procedure_by_id[stage_id].name
            raise ConflictError(
                f"「{name}」已由 {row.signed_by} 于 {row.signed_at:%Y-%m-%d %H:%M} 签署，内容只读，不能修改",
                f"Stage '{stage_id}' was signed off by {row.signed_by}; it is read-only and cannot be changed",
                code="stage.signed",
            )

    def _refuse_if_stage_unsigned(self, session: Session, audit_id: int, stage_id: str) -> None:
        row = self._stage_row(session, audit_id, stage_id)
        if row is None or row.signed_at is None:
            name = self.scheme.procedure_by_id[stage_id].name
            raise ConflictError(f"「{name}」尚未由审查组长签署，不能继续",
                                f"Stage '{stage_id}' has not been signed off by the team leader yet")

    def _refuse_unless_pinned(self, session: Session, audit_id: int) -> None:
        """An audit is judged under the scheme it was opened under (issue 24 §5): a write or a
        sign-off under another (a changed copy, a newer version) is refused, naming both, until
        the audit is moved to it with a reason (move_to_scheme)."""
        audit = self._row(session, models.Audit, audit_id)
        if audit.scheme_fingerprint != self.scheme.fingerprint:
            raise ConflictError(
                f"审核 {audit_id} 按方案 {audit.scheme_version}（指纹 {audit.scheme_fingerprint[:12]}）开启，当前方案为 "
                f"{self.scheme.meta.version}（指纹 {self.scheme.fingerprint[:12]}），不能在其下写入或签署；如需改用新方案，"
                "请由方案管理人员写明理由迁移该审核（audit-workbench audit move-scheme）",
                f"Audit {audit_id} was opened under scheme {audit.scheme_version} (fingerprint "
                f"{audit.scheme_fingerprint[:12]}); this workbench runs {self.scheme.meta.version} (fingerprint "
                f"{self.scheme.fingerprint[:12]}): no write or sign-off under it until the audit is moved to it "
                "with a reason (audit-workbench audit move-scheme)", code="scheme.pinned")

    @staticmethod
    def _refuse_if_decided(session: Session, audit_id: int) -> None:
        """A decided audit is closed (issue 24 §3): what the decision rests on stays as it was
        decided. Only the decision's own path (an upheld appeal, the committee reopening it with a
        reason) opens it again."""
        if session.scalar(select(models.Decision.id).where(models.Decision.audit_id == audit_id)) is not None:
            raise ConflictError(
                f"审核 {audit_id} 已作出认证决定并关闭：决定所依据的记录不能再改；如需改变，须经申诉或认证委员会重开决定；"
                "新的数据请在下一次审核中记录（audit open）",
                f"Audit {audit_id} is decided and closed: what the decision rests on cannot change; an upheld "
                "appeal or the committee reopening the decision opens it again; record new data in the next "
                "audit (audit open)", code="audit.closed")

    def _refuse_if_locked(self, session: Session, audit_id: int, record: str) -> None:
        """Refuse a write to a record whose locking stage has been signed off."""
        stage = self.scheme.stage_locking(record)
        if stage is not None:
            self._refuse_if_stage_signed(session, audit_id, stage.id)

    def _refuse_if_answers_locked(self, session: Session, audit_id: int, item_id: str) -> None:
        if item_id not in self.scheme.items_by_id:
            raise NotFoundError(f"方案中没有条目「{item_id}」", f"The scheme has no checklist item '{item_id}'")
        stage = self.scheme.stage_recording_item(item_id)
        if stage is not None:
            self._refuse_if_stage_signed(session, audit_id, stage.id)
