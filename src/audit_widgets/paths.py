"""Where the project's files live: found from the working directory, not hard-coded.

The workbench is run from the repository (the command line) and from `workbooks/`
(papermill, Voila), so the project root is the nearest folder upwards that holds
`parameters/scheme/`.
"""
from __future__ import annotations

from pathlib import Path

from .settings import current


def project_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "parameters" / "scheme").is_dir():
            return folder
    # An editable install: the package sits in <root>/src/audit_widgets.
    return Path(__file__).resolve().parents[2]


def scheme_dir() -> Path:
    return current().scheme or project_root() / "parameters" / "scheme"


def competence_template() -> Path:
    """The competence records template (auditors, evidence, declarations), with the demo people."""
    return project_root() / "parameters" / "auditors_template.xlsx"


def mappings_dir() -> Path:
    return project_root() / "parameters" / "mappings"


def outputs_dir() -> Path:
    return current().outputs or project_root() / "outputs"


def audit_outputs_dir(applicant_id: str, earlier_audit: str | None = None) -> Path:
    """Where a batch run writes an applicant's executed notebooks and results:
    outputs/<applicant>/ for its current audit, outputs/<applicant>/audits/<earlier_audit>/
    (e.g. "3-surveillance") for an earlier one."""
    folder = outputs_dir() / applicant_id
    return folder / "audits" / earlier_audit if earlier_audit else folder


def audit_key(audit_id: int, audit_type: str) -> str:
    """An audit's name in file paths and the batch ledger: "3-surveillance"."""
    return f"{audit_id}-{audit_type}"


def workbooks_dir() -> Path:
    """The template notebooks: never edited by use (auditors work on copies in work_dir())."""
    return project_root() / "workbooks"


def work_dir() -> Path:
    """The auditors' per-applicant copies of the templates (git-ignored)."""
    return current().work or project_root() / "work"


def data_dir() -> Path:
    """Private working data: the default database, evidence files, the signing key."""
    return current().data or project_root() / "data"


def default_database_url() -> str:
    """The database: $AUDIT_WORKBENCH_DB, else SQLite in <root>/data (outside outputs/)."""
    configured = current().db
    if configured:
        return configured
    path = data_dir() / "workbench.sqlite"
    return f"sqlite:///{path}"
