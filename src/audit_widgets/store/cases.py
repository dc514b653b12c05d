"""Case samples (5.1c): the recorded draw and the verification of each sampled case."""
from __future__ import annotations

from sqlalchemy import select

from ..contract import Action, Entity
from ..domain import CaseSample, CaseVerification, DrawRecord
from ..errors import ConflictError
from ..scheme import CASE_FIELDS
from . import models
from .base import StoreBase
from .records import from_row


class CaseStore(StoreBase):
    def save_case_sample(self, audit_id: int, record: DrawRecord) -> int:
        with self._writing_session(Action.EVALUATION, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "case_sample")
            row = models.CaseSample(audit_id=audit_id, population_hash=record.population_hash,
                                    population_size=record.population_size, method=record.method, seed=record.seed,
                                    drawn_ids=record.ids, lots=record.lots or None, drawn_by=self.actor)
            session.add(row)
            session.flush()
            self._trail(session, "draw", Entity.CASE_SAMPLE, row.id, record.as_dict() | {"ids": len(record.ids)},
                        audit=audit_id)
            return row.id

    def case_sample(self, audit_id: int) -> CaseSample | None:
        """The latest draw for the audit, with its verifications by order id."""
        with self._reading_session() as session:
            row = session.scalar(select(models.CaseSample).where(models.CaseSample.audit_id == audit_id)
                                 .order_by(models.CaseSample.id.desc()).limit(1))
            if row is None:
                return None
            verified = {v.order_id: CaseVerification(v.order_id, note=v.note, **{f: getattr(v, f) for f in CASE_FIELDS})
                        for v in session.scalars(select(models.CaseVerification)
                                                 .where(models.CaseVerification.sample_id == row.id))}
            return from_row(CaseSample, row, ids=tuple(row.drawn_ids), verified=verified, lots=row.lots or {})

    def mark_conforming(self, sample_id: int) -> int:
        """Mark every check that applies to a drawn case, and is still open, as conforming, in
        one write; the auditor then flags the exceptions. Returns the number of cases touched."""
        with self._writing_session(Action.EVALUATION, audit=self._audit_of(models.CaseSample, sample_id)) as session:
            sample = self._row(session, models.CaseSample, sample_id)
            self._refuse_if_locked(session, sample.audit_id, "case_sample")
            orders = self._audit_import_id(session, sample.audit_id, "work_orders")
            complaint = dict(session.execute(select(models.WorkOrder.order_id, models.WorkOrder.is_complaint).where(
                models.WorkOrder.import_id == orders, models.WorkOrder.order_id.in_(sample.drawn_ids))).all())
            existing = {v.order_id: v for v in session.scalars(select(models.CaseVerification).where(
                models.CaseVerification.sample_id == sample_id))}
            touched = 0
            for order_id in sample.drawn_ids:
                row = existing.get(order_id)
                if row is None:
                    row = models.CaseVerification(sample_id=sample_id, order_id=order_id, verified_by=self.actor, note="")
                    session.add(row)
                changed = False
                for check in self.scheme.case_checks:
                    if check.applies(bool(complaint.get(order_id))) and getattr(row, check.field) is None:
                        setattr(row, check.field, not check.nonconforming_value)
                        changed = True
                if changed:
                    row.verified_by, row.verified_at = self.actor, models.utcnow()
                    touched += 1
            self._trail(session, "mark_conforming", Entity.CASE_SAMPLE, sample_id, {"cases": touched},
                        audit=sample.audit_id)
            return touched

    def verify_case(self, sample_id: int, order_id: str, note: str | None = None, **fields: bool | None) -> None:
        """Record checks of one drawn case; `note=None` keeps the case's note as it is."""
        unknown = set(fields) - set(CASE_FIELDS)
        if unknown:
            raise ConflictError(f"未知的复核项：{', '.join(unknown)}", f"Unknown verification fields: {', '.join(unknown)}")
        with self._writing_session(Action.EVALUATION, audit=self._audit_of(models.CaseSample, sample_id)) as session:
            sample = self._row(session, models.CaseSample, sample_id)
            if order_id not in sample.drawn_ids:
                raise ConflictError(f"工单 {order_id} 不在本次抽样中", f"Work order {order_id} is not in this sample")
            self._refuse_if_locked(session, sample.audit_id, "case_sample")
            row = session.scalar(select(models.CaseVerification).where(
                models.CaseVerification.sample_id == sample_id, models.CaseVerification.order_id == order_id))
            if row is None:
                row = models.CaseVerification(sample_id=sample_id, order_id=order_id, verified_by=self.actor)
                session.add(row)
            for key, value in fields.items():
                setattr(row, key, value)
            if note is not None:
                row.note = note
            row.verified_by, row.verified_at = self.actor, models.utcnow()
            self._trail(session, "verify", Entity.CASE, f"{sample_id}:{order_id}", {**fields, "note": row.note},
                        audit=sample.audit_id)
