"""The store's "now": the day and moment a sign-off, a check of what may not be recorded ahead,
or a default date is taken from.

In use it is the system's clock. The demo rebuilds four years of history in a minute: it sets
the clock to each step's day, so that a 2023 report is signed in 2023 and the order of events
(the report before the decision, the decision before the certificate) holds in its records as
in a real body's. The audit trail keeps the real moment each row was written, whatever the clock.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time


class Clock:
    """The system's clock, except inside `with clock.at(day):`."""

    def __init__(self) -> None:
        self._at: datetime | None = None

    def now(self) -> datetime:
        return self._at or datetime.now().astimezone()

    def today(self) -> date:
        return self.now().date()

    @contextmanager
    def at(self, day: date) -> Iterator[None]:
        """Stand at noon of `day` inside the with-block, then where the clock stood before."""
        before, self._at = self._at, datetime.combine(day, time(12)).astimezone()
        try:
            yield
        finally:
            self._at = before
