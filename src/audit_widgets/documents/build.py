"""Every document of one applicant, as far as its audit has gone (the batch runner and
`audit-workbench report` call this): each registered document writes what there is to write."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..store.repository import Workbench
from .registry import documents


def build_documents(workbench: Workbench, applicant_id: str, folder: Path | None = None,
                    kinds: tuple[str, ...] = ()) -> list[Path]:
    """Write the applicant's documents (`kinds`: those registry ids only) into `folder` (default
    outputs/<applicant>/, and published); returns the paths written."""
    workbench.get_applicant(applicant_id)  # an unknown applicant is a plain NotFoundError, not an empty list
    chosen = [documents.get(kind) for kind in kinds] or list(documents)  # an unknown kind is named
    # Side by side: each waits mostly on its own Chromium print.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="documents") as pool:
        futures = [pool.submit(document.make, workbench, applicant_id, folder) for document in chosen]
        return [path for future in futures for path in future.result()]
