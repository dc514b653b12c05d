"""The certification body's own call-backs (5.1a, XBHT-GZ-038): a sample of the applicant's
customers drawn with a recorded seed, called by the team, each call's answers kept as a survey
response of the channel phone_callback."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..contract import Action, Entity
from ..domain import Callback, CallbackSample, DrawRecord
from ..errors import ConflictError
from ..rules.chronology import Event, refuse_future
from ..rules.survey import check_callback_answers
from . import models
from .base import StoreBase
from .records import from_row


class CallbackStore(StoreBase):
    def save_callback_sample(self, audit_id: int, record: DrawRecord) -> int:
        """Record the draw of the customers to call; a new draw replaces one not yet called."""
        with self._writing_session(Action.EVALUATION, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "surveys")
            earlier = session.scalar(select(models.CallbackSample).where(models.CallbackSample.audit_id == audit_id)
                                     .order_by(models.CallbackSample.id.desc()).limit(1))
            if earlier is not None and session.scalar(select(models.Callback.id).where(
                    models.Callback.sample_id == earlier.id).limit(1)) is not None:
                raise ConflictError("已有回访记录，不能重新抽取回访客户",
                                    "Calls are recorded for the drawn customers: they cannot be drawn again",
                                    code="callback.drawn")
            row = models.CallbackSample(audit_id=audit_id, population_hash=record.population_hash,
                                        population_size=record.population_size, seed=record.seed,
                                        drawn_ids=record.ids, drawn_by=self.actor)
            session.add(row)
            session.flush()
            self._trail(session, "draw", Entity.CALLBACK, row.id, record.as_dict() | {"ids": len(record.ids)},
                        audit=audit_id)
            return row.id

    def callback_sample(self, audit_id: int) -> CallbackSample | None:
        """The audit's latest draw of customers to call, with the calls made."""
        with self._reading_session() as session:
            row = session.scalar(select(models.CallbackSample).where(models.CallbackSample.audit_id == audit_id)
                                 .order_by(models.CallbackSample.id.desc()).limit(1))
            if row is None:
                return None
            calls = {c.customer_id: from_row(Callback, c, answers=dict(c.answers or {}))
                     for c in session.scalars(select(models.Callback).where(models.Callback.sample_id == row.id))}
            return from_row(CallbackSample, row, ids=tuple(row.drawn_ids), calls=calls)

    def record_callback(self, sample_id: int, customer_id: str, *, reached: bool, called_on: date,
                        answers: dict[str, int] | None = None, note: str = "") -> None:
        """One call to a drawn customer: reached or not, and the customer's answers (each core
        indicator on the scheme's call-back scale, and NPS 0–10); a call after today is refused."""
        answers = {key: value for key, value in (answers or {}).items() if value is not None}
        check_callback_answers(self.scheme, answers, customer_id)
        if not reached and answers:
            raise ConflictError(f"客户 {customer_id} 未接通，不能记录答案",
                                f"Customer {customer_id} was not reached: no answers can be recorded")
        refuse_future(Event(called_on, "回访", "the call"), self.clock.today())
        with self._writing_session(Action.EVALUATION, audit=self._audit_of(models.CallbackSample, sample_id)) as session:
            sample = self._row(session, models.CallbackSample, sample_id)
            if customer_id not in sample.drawn_ids:
                raise ConflictError(f"客户 {customer_id} 不在本次回访抽样中",
                                    f"Customer {customer_id} is not in this call-back sample")
            self._refuse_if_locked(session, sample.audit_id, "surveys")
            row = session.scalar(select(models.Callback).where(models.Callback.sample_id == sample_id,
                                                               models.Callback.customer_id == customer_id))
            if row is None:
                row = models.Callback(sample_id=sample_id, customer_id=customer_id)
                session.add(row)
            row.reached, row.answers, row.note = reached, answers, note
            row.called_on, row.called_by = called_on, self.actor
            self._trail(session, "call", Entity.CALLBACK, f"{sample_id}:{customer_id}",
                        {"reached": reached, "answers": answers, "note": note, "called_on": called_on.isoformat()},
                        audit=sample.audit_id)
