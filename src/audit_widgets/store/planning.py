"""The audit programme and the certification contract."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..contract import Action, Entity
from ..domain import Contract, Programme, ProgrammeEvent, SiteSample
from ..errors import ConflictError
from . import models
from .base import StoreBase
from .records import from_row


class PlanningStore(StoreBase):
    def save_programme(self, audit_id: int, programme: Programme) -> None:
        if programme.audit_start and programme.audit_end and programme.audit_end < programme.audit_start:
            raise ConflictError("审核结束日期早于开始日期", "The audit ends before it starts")
        values = programme.as_dict()
        values["justification"] = list(programme.justification)
        values["cycle_plan"] = [{"event": e.event, "date": e.date.isoformat()} for e in programme.cycle_plan]
        with self._writing_session(Action.REVIEW, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "programme")
            self._upsert(session, models.AuditProgramme, audit_id, values)
            self._trail(session, "save", Entity.PROGRAMME, audit_id, values, audit=audit_id)

    def programme(self, audit_id: int) -> Programme | None:
        with self._reading_session() as session:
            row = session.scalar(select(models.AuditProgramme).where(
                models.AuditProgramme.audit_id == audit_id))
            if row is None:
                return None
            events = tuple(ProgrammeEvent(e["event"], date.fromisoformat(str(e["date"]))) for e in row.cycle_plan or ())
            sites = row.site_sample
            # A sample recorded before 2026.7 has no eligibility or earlier visits: read as drawn then.
            site_sample = SiteSample(**{**sites, "chosen": tuple(sites["chosen"]), "drawn": tuple(sites["drawn"]),
                                        "visited_before": tuple(sites.get("visited_before", ())),
                                        "types": {k: list(v) for k, v in sites["types"].items()}}) if sites else None
            return from_row(Programme, row, justification=tuple(row.justification), cycle_plan=events,
                            site_sample=site_sample)

    # --- contract ---------------------------------------------------------------------------
    def save_contract(self, audit_id: int, contract_no: str, signed_on: date | None, fee: float) -> Contract:
        """Record (or correct) the signed contract; its person-days are the programme's."""
        contract_no = (contract_no or "").strip()
        if not contract_no or signed_on is None:
            raise ConflictError("请填写合同编号和签订日期", "The contract number and the signing date are required")
        if fee is None or fee < 0:
            raise ConflictError("认证费用不能为负数", "The certification fee cannot be negative")
        with self._writing_session(Action.REVIEW, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "contract")
            programme = session.scalar(select(models.AuditProgramme).where(
                models.AuditProgramme.audit_id == audit_id))
            values = dict(contract_no=contract_no, signed_on=signed_on, fee=float(fee),
                          person_days=programme.person_days if programme else None, recorded_by=self.actor,
                          obligations=[o.text for o in self.scheme.contract_obligations])
            self._upsert(session, models.Contract, audit_id, values)
            self._trail(session, "sign", Entity.CONTRACT, audit_id, values, audit=audit_id)
            return Contract(**{**values, "obligations": tuple(values["obligations"])})

    def contract(self, audit_id: int) -> Contract | None:
        with self._reading_session() as session:
            row = session.scalar(select(models.Contract).where(models.Contract.audit_id == audit_id))
            if row is None:
                return None
            return from_row(Contract, row, obligations=tuple(row.obligations or ()))
