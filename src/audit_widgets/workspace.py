"""The auditors' working copies: per applicant, one copy of each stage template with the
parameters filled in and nothing run (papermill's prepare_only), so that JupyterLab's
autosave never writes into the git-tracked templates in workbooks/.

    work/00_overview.ipynb
    work/11_complaints_and_appeals.ipynb
    work/<applicant>/<NN_stage>.ipynb
"""
from __future__ import annotations

from pathlib import Path

from .paths import work_dir, workbooks_dir
from .scheme import Scheme

OVERVIEW = "00_overview"
CASES = "11_complaints_and_appeals"  # the body's complaints and appeals: one copy for everyone


def _prepare(template: Path, copy: Path, parameters: dict) -> Path:
    import papermill
    copy.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(str(template), str(copy), parameters=parameters, prepare_only=True,
                               progress_bar=False, log_output=False)
    return copy


def prepare_copies(scheme: Scheme, applicant_id: str, *, auditor: str | None = None,
                   database_url: str | None = None, refresh: bool = False) -> list[Path]:
    """Every stage's copy for one applicant. Existing copies are kept unless `refresh`, or
    unless an auditor is named (the copies then carry that person's id)."""
    refresh = refresh or auditor is not None
    parameters = {"applicant_id": applicant_id, "auditor": auditor, "database_url": database_url}
    copies = []
    for stage in scheme.procedure_stages:
        copy = work_dir() / applicant_id / f"{stage.notebook}.ipynb"
        if refresh or not copy.exists():
            _prepare(workbooks_dir() / f"{stage.notebook}.ipynb", copy, parameters)
        copies.append(copy)
    return copies


def prepare_overview(*, auditor: str | None = None, database_url: str | None = None) -> Path:
    """The overview that lists the applicants and links to their copies, and the complaints and
    appeals workbook (both always refreshed)."""
    parameters = {"auditor": auditor, "database_url": database_url}
    _prepare(workbooks_dir() / f"{CASES}.ipynb", work_dir() / f"{CASES}.ipynb", parameters)
    return _prepare(workbooks_dir() / f"{OVERVIEW}.ipynb", work_dir() / f"{OVERVIEW}.ipynb", parameters)
