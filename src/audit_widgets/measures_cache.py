"""Measured KPIs and survey figures, kept between processes in outputs/.cache/measures, and the
imported records they are measured from, in data/.cache/records.

Every batch notebook runs in a fresh kernel, and each that scores an applicant measures its
work orders and survey again: 0.9 s a kernel for 30 000 work orders, six times in a rerun.
The figures depend only on the imported files, the scheme and the code that measures, so
they are kept under a key made of exactly those, as JSON and Parquet (data formats: nothing
read back can run code). A file that cannot be read or written only costs the measuring.
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Callable

import pandas as pd

from . import __version__
from .files import write_atomically
from .paths import data_dir, outputs_dir
from .rules import kpis as kpi_rules
from .rules import survey as survey_rules
from .rules.kpis import KpiReport, KpiValue
from .rules.survey import SurveySummary
from .store import applicants as applicants_reads

# The code that measures (and the store's read of the records) is in the key too: a changed rule
# is never answered from the cache.
RULES_SOURCES = (Path(kpi_rules.__file__), Path(survey_rules.__file__), Path(applicants_reads.__file__))


def cache_key(*parts) -> str:
    digest = hashlib.sha256(json.dumps([__version__, *parts], default=str).encode("utf-8"))
    digest.update(_rules_digest().encode("ascii"))
    return digest.hexdigest()


@cache
def _rules_digest() -> str:
    """The measuring code's digest, read once per process (it is asked on every evaluation)."""
    return hashlib.sha256(b"".join(source.read_bytes() for source in RULES_SOURCES)).hexdigest()


def _folder() -> Path:
    return outputs_dir() / ".cache" / "measures"


def kept_records(key: str, read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """An import's records as the store reads them, kept as Parquet: a complete import never
    changes, and reading 30 000 work orders back from the database costs each new kernel 0.4 s
    (a tenth of that from Parquet). Kept in the private data folder, not in outputs/: they are
    the customers' records."""
    path = data_dir() / ".cache" / "records" / f"{key}.parquet"
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):
        pass
    frame = read()
    try:
        write_atomically(path, frame.to_parquet())
    except (OSError, ValueError):
        pass
    return frame


def kept_kpis(key: str, measure: Callable[[], KpiReport | None]) -> KpiReport | None:
    head, table = _folder() / f"{key}.kpis.json", _folder() / f"{key}.kpis.parquet"
    try:
        overall = json.loads(head.read_text(encoding="utf-8"))
        if overall is None:
            return None
        return KpiReport({m: KpiValue(**v) for m, v in overall.items()}, pd.read_parquet(table))
    except (OSError, ValueError, TypeError):
        pass
    report = measure()
    try:
        if report is not None:
            write_atomically(table, report.monthly.to_parquet())  # to_parquet() with no path: the bytes
        overall = None if report is None else {m: v.__dict__ for m, v in report.overall.items()}
        write_atomically(head, json.dumps(overall))  # written last: it says the table is there
    except OSError:
        pass
    return report


def kept_survey(key: str, measure: Callable[[], SurveySummary | None]) -> SurveySummary | None:
    path = _folder() / f"{key}.survey.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return None if data is None else SurveySummary.from_dict(data)
    except (OSError, ValueError, TypeError, KeyError):
        pass
    summary = measure()
    try:
        write_atomically(path, json.dumps(None if summary is None else summary.as_dict()))
    except OSError:
        pass
    return summary
