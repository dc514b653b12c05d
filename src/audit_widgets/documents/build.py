"""Every document of one applicant, as far as its audit has gone: the report once the report
stage is recorded, the certificate once one is issued (the batch runner calls this)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..store.repository import Workbench
from .certificate import write_certificate
from .report import write_report


def build_documents(workbench: Workbench, applicant_id: str, folder: Path | None = None) -> list[Path]:
    """Write the applicant's documents into `folder` (default outputs/<applicant>/); returns the paths written."""
    workbench.get_applicant(applicant_id)  # an unknown applicant is a plain NotFoundError, not an empty list
    # Side by side: each waits mostly on its own Chromium print.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="documents") as pool:
        report = pool.submit(write_report, workbench, applicant_id, folder)
        certificate = pool.submit(write_certificate, workbench, applicant_id, folder)
        return report.result() + certificate.result()
