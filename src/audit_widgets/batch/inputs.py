"""What a notebook run depends on, as one hash: equal hashes mean an equal run is not needed.

The hash covers the notebook file, the parameters, the scheme fingerprint, the package
version, the SHA-256 of every file imported for the applicant, and the id of the applicant's
last trail entry. Entries that batch notebooks write themselves (a computed stage result, an
application opened on first run) are left out: they are outputs, not inputs, and counting
them would make every run invalidate the next.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..store.repository import Workbench

OWN_WRITES = ("record", "open")


def run_inputs(workbench: Workbench, applicant_id: str, notebook: Path, parameters: dict) -> dict:
    """What the run of `notebook` for the applicant depends on, as plain data."""
    notebook_sha = hashlib.sha256(notebook.read_bytes()).hexdigest() if notebook.exists() else None
    return {
        "notebook": notebook.name,
        "notebook_sha256": notebook_sha,
        "parameters": {k: v for k, v in sorted(parameters.items())},
        "scheme_fingerprint": workbench.scheme.fingerprint,
        "package_version": __version__,
        "imported_files": sorted(r.sha256 for r in workbench.imports(applicant_id)),
        "last_change": workbench.last_change(applicant_id, ignore_actions=OWN_WRITES),
    }


def inputs_hash(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode("utf-8")).hexdigest()
