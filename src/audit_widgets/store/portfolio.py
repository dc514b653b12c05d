"""The committee's portfolio as one read: every applicant's row (dashboard/portfolio.py) built
where the store is. Behind the hub the dashboard asks the workbench service for it once, not
ten times an applicant (issue 27 §2: reads are batched)."""
from __future__ import annotations

from datetime import date

import pandas as pd

from .base import StoreBase


class PortfolioStore(StoreBase):
    def portfolio(self, today: date | None = None) -> pd.DataFrame:
        """One row per applicant, read in one snapshot of the store, as of `today` (default: the
        store's clock)."""
        from ..dashboard.portfolio import portfolio
        return portfolio(self, today or self.clock.today())
