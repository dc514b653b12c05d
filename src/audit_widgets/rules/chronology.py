"""The order of events an audit's record must keep (ISO/IEC 17021-1 §9: a finding before its
correction, the audit before its report, the report before the decision, the decision before the
certificate, the certificate before its surveillance). A date out of order is refused, naming
both dates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import RuleError


@dataclass(frozen=True)
class Event:
    on: date
    zh: str
    en: str


def refuse_before(earlier: Event, later: Event, code: str) -> None:
    """`later` may not be dated before `earlier`."""
    if later.on < earlier.on:
        raise RuleError(f"{later.zh}（{later.on}）不能早于{earlier.zh}（{earlier.on}）",
                        f"{later.en} ({later.on}) cannot be before {earlier.en} ({earlier.on})", code=code)


def refuse_future(event: Event, today: date, code: str = "chronology.in_future") -> None:
    """What has not happened yet is not recorded as done."""
    if event.on > today:
        raise RuleError(f"{event.zh}（{event.on}）晚于今天（{today}），不能预先记录",
                        f"{event.en} ({event.on}) is after today ({today}): it cannot be recorded ahead", code=code)
