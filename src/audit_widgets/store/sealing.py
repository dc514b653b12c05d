"""Sealed records (issue 24 §1): every decision, certificate, status change, finding and corrective
action the workbench writes is also a signed statement appended to the trail, over every field
of the row. A row changed, or slipped in, behind the workbench's back (sqlite3, psql) no longer
matches its statement, or has none; `verify` names the table, the row and the field, and a
certificate or decision that does not match is neither printed, verified as genuine nor carried
out.

Rows are collected as each flush writes them (a session event) and sealed once at the end of the
write, so that no write path can forget: the writing session is the one way to write."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..contract import Entity
from ..errors import ConflictError
from . import models, signing

SEAL_ACTION = "seal"
PENDING = "rows_to_seal"  # Session.info key: the sealed rows this write added or changed

# The tables whose rows are statements, with the trail entity that names them.
SEALED: dict[type[models.Base], Entity] = {
    models.Decision: Entity.DECISION,
    models.CertificateDecision: Entity.CERTIFICATE_DECISION,
    models.Certificate: Entity.CERTIFICATE,
    models.StatusChangeRecord: Entity.STATUS_CHANGE,
    models.Finding: Entity.FINDING,
    models.CorrectiveAction: Entity.CORRECTIVE_ACTION,
    models.RoleChange: Entity.ROLE_CHANGE,
}
# Rows the workbench never deletes (findings and corrective actions go with a disposed audit's records).
KEPT = (models.Decision, models.CertificateDecision, models.Certificate, models.StatusChangeRecord, models.RoleChange)


def row_key(row: models.Base) -> str:
    """The row's primary key as the trail names it."""
    return "/".join(str(value) for value in inspect(type(row)).primary_key_from_instance(row))


def as_json(values: dict) -> dict:
    """Column values as JSON holds them (dates as ISO text), so that a statement read back from
    the trail compares equal to the row it was made from."""
    return json.loads(signing.canonical(values))


def row_fields(row: models.Base) -> dict:
    """Every column of the row."""
    return as_json({column.key: as_stored_time(getattr(row, column.key)) for column in inspect(type(row)).column_attrs})


def as_stored_time(value):
    """A time as UTC without its zone: SQLite gives back a naive time for the aware one written."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def seal_detail(table: str, key: str, fields: dict | None, scheme_fingerprint: str | None) -> dict:
    """A trail entry's detail: the statement over every field of the row (None: the workbench
    deleted it), with the fingerprint of the scheme it was made under, and its signature (the key's
    HMAC)."""
    said = {"table": table, "row": key, "fields": fields, "scheme_fingerprint": scheme_fingerprint}
    return {"statement": said, "signature": signing.sign(said)}


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    """Note each sealed row this flush inserted, changed or deleted (new, dirty and deleted still
    list them here). A deleted row (a decision the committee reopened) is sealed as removed."""
    pending = session.info.setdefault(PENDING, {})
    for row in [*session.new, *session.dirty]:
        if type(row) in SEALED and (row in session.new or session.is_modified(row, include_collections=False)):
            pending[(type(row), row_key(row))] = (row, False)
    for row in session.deleted:
        if type(row) in SEALED:
            pending[(type(row), row_key(row))] = (row, True)


def take_pending(session: Session) -> list[tuple[models.Base, bool]]:
    """The rows to seal since the last call, each with whether it was deleted, after flushing
    what the write has left (no flush at all when the write touched no sealed row: most writes)."""
    if any(type(row) in SEALED for row in [*session.new, *session.dirty, *session.deleted]):
        session.flush()
    return list(session.info.pop(PENDING, {}).values())


def _signed_statement(detail, table: str | None = None) -> dict | None:
    """The statement a seal entry holds, if its signature holds (and it is of `table`): a
    statement whose signature fails counts as none, so its row reads as unsealed."""
    if isinstance(detail, str):  # a raw row
        detail = json.loads(detail)
    said = detail.get("statement") or {}
    if not said.get("table") or (table is not None and said["table"] != table):
        return None
    return said if signing.verify(said, detail.get("signature", "")) else None


def latest_statements(session: Session) -> dict[tuple[str, str], dict]:
    """The newest signed statement of each sealed row, keyed by (table, row)."""
    query = select(models.AuditTrail.detail).where(models.AuditTrail.action == SEAL_ACTION).order_by(
        models.AuditTrail.id)
    found = {}
    for detail in session.scalars(query.execution_options(yield_per=2000)):
        said = _signed_statement(detail)
        if said is not None:
            found[(said["table"], said["row"])] = said
    return found


@dataclass(frozen=True)
class RowProblem:
    """A sealed row that differs from its statement, has none, or is gone while its statement stays."""
    table: str
    row: str
    problem: str  # differs, unsealed, removed; roles (a person's roles, roles.py)
    fields: tuple[str, ...] = ()  # the fields that differ

    def text(self) -> str:
        where = f"{self.table} 行 row {self.row}"
        if self.problem == "unsealed":
            return f"{where}：没有签名声明（绕过工作台写入）/ has no signed statement (written behind the workbench's back)"
        if self.problem == "roles":
            return (f"人员 {self.row}：{'、'.join(self.fields)} 与经批准的角色变更不符 / {', '.join(self.fields)} "
                    "differ from the approved role changes")
        if self.problem == "removed":
            return f"{where}：有签名声明，但记录已被删除 / has a signed statement, but the row was deleted"
        return (f"{where}：字段 {'、'.join(self.fields)} 与签名声明不符 / field(s) {', '.join(self.fields)} differ "
                "from the signed statement")


def compare(row: models.Base, said: dict | None) -> RowProblem | None:
    if said is None or said["fields"] is None:  # no statement, or the row was stated deleted
        return RowProblem(type(row).__tablename__, row_key(row), "unsealed")
    now = row_fields(row)
    differing = tuple(sorted(k for k in now.keys() | said["fields"].keys() if now.get(k) != said["fields"].get(k)))
    return RowProblem(type(row).__tablename__, row_key(row), "differs", differing) if differing else None


def unsealed_rows(session: Session) -> tuple[int, list[RowProblem]]:
    """(rows checked, the rows that differ from their statement or have none, and the kept rows
    whose statement stays but which are gone), every sealed table."""
    statements = latest_statements(session)
    checked, problems, seen = 0, [], set()
    for model in SEALED:
        for row in session.scalars(select(model).execution_options(yield_per=2000)):
            checked += 1
            key = (model.__tablename__, row_key(row))
            seen.add(key)
            problem = compare(row, statements.get(key))
            if problem is not None:
                problems.append(problem)
    kept = {model.__tablename__ for model in KEPT}
    problems += [RowProblem(table, row, "removed") for (table, row), said in statements.items()
                 if table in kept and (table, row) not in seen and said["fields"] is not None]
    return checked, problems


def check_row(session: Session, row: models.Base) -> RowProblem | None:
    """One row against its newest statement (a certificate before it is printed or verified, a
    decision before it is carried out)."""
    entity = SEALED[type(row)]
    query = (select(models.AuditTrail.detail)
             .where(models.AuditTrail.action == SEAL_ACTION, models.AuditTrail.entity == entity.value,
                    models.AuditTrail.entity_id == row_key(row))
             .order_by(models.AuditTrail.id.desc()))
    for detail in session.scalars(query):
        said = _signed_statement(detail, type(row).__tablename__)
        if said is not None:
            return compare(row, said)
    return compare(row, None)


def applicant_of(session: Session, row: models.Base) -> str | None:
    """The applicant a sealed row concerns, for its trail entry (a role change concerns none)."""
    if isinstance(row, models.RoleChange):
        return None
    if isinstance(row, models.CorrectiveAction):
        row = session.get(models.Finding, row.finding_id)
    if isinstance(row, models.CertificateDecision | models.StatusChangeRecord):
        row = session.get(models.Certificate, row.certificate_number)
    if isinstance(row, models.Certificate):
        return row.applicant_id
    audit = session.get(models.Audit, row.audit_id)  # a decision, a finding
    return audit.applicant_id if audit is not None else None


def refuse_unless_sealed(session: Session, row: models.Base, what: tuple[str, str]) -> None:
    """Refuse to use (print, carry out, record as a stage's result) a row that does not match its
    signed statement: it was written or changed behind the workbench's back."""
    problem = check_row(session, row)
    if problem is not None:
        raise ConflictError(f"{what[0]}与其签名声明不符，不能使用（请运行 audit-workbench verify）：{problem.text()}",
                            f"The {what[1]} does not match its signed statement and cannot be used (run "
                            f"audit-workbench verify): {problem.text()}", code="store.unsealed")
