"""What a notebook run depends on, as one hash: equal hashes mean an equal run is not needed.

The hash covers the notebook file, the parameters, the scheme fingerprint, the package
version, the SHA-256 of every file imported for the applicant, and the id of the applicant's
last trail entry that the notebook's stage depends on: an entry about a record of the stage
itself or of a stage it requires (directly or not). The scheme says which stage owns which
record (procedure_stages: modes for answers, locks for the other records), so a changed 5.2
answer reruns 05 and the stages after it, not 01–04. An entry whose record no stage owns
counts for every stage.

Entries that batch notebooks write themselves (a computed stage result, an application
opened on first run) are left out: they are outputs, not inputs, and counting them would
make every run invalidate the next.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..scheme import ProcedureStage, Scheme
from ..store.repository import Workbench
from ..store.runs import BATCH_OWN_WRITES

# Trail entity → the record kind that procedure_stages.locks names.
LOCKED_RECORDS = {
    "applicant": "applicant", "document": "documents", "programme": "programme", "team": "team",
    "contract": "contract", "case_sample": "case_sample", "case": "case_sample", "surveys": "surveys",
    "work_orders": "work_orders", "finding": "findings", "score_adjustment": "adjustments",
    "decision": "decision", "certificate": "certificate",
}
EVERY_STAGE = None  # the owner of an entry whose record no stage owns


def owning_stage(scheme: Scheme, entity: str, entity_id: str) -> str | None:
    """The stage whose record a trail entry changed (None: not known, so every stage)."""
    if entity in ("checklist_answer", "evidence"):
        item_id = entity_id.partition(":")[2]
        stage = scheme.stage_recording_item(item_id) if item_id in scheme.items_by_id else None
    elif entity == "stage_result":  # a sign-off or a reopening
        stage = scheme.procedure_by_id.get(entity_id.partition(":")[2])
    else:
        record = LOCKED_RECORDS.get(entity)
        stage = scheme.stage_locking(record) if record else None
    return stage.id if stage else EVERY_STAGE


def _upstream(scheme: Scheme, stage_id: str) -> set[str]:
    """The stage and every stage it requires, directly or through others."""
    return {stage_id}.union(*(_upstream(scheme, r) for r in scheme.procedure_by_id[stage_id].requires))


def last_changes(workbench: Workbench, applicant_id: str) -> dict[str | None, int]:
    """The newest relevant trail entry of the applicant, per owning stage."""
    newest: dict[str | None, int] = {}
    for entry_id, entity, entity_id in workbench.trail_changes(applicant_id, ignore_actions=BATCH_OWN_WRITES):
        owner = owning_stage(workbench.scheme, entity, entity_id)
        newest[owner] = max(entry_id, newest.get(owner, 0))
    return newest


def run_inputs(workbench: Workbench, applicant_id: str, stage: ProcedureStage, notebook: Path, parameters: dict,
               changes: dict[str | None, int]) -> dict:
    """What the run of `notebook` (the workbook of `stage`) for the applicant depends on."""
    notebook_sha = hashlib.sha256(notebook.read_bytes()).hexdigest() if notebook.exists() else None
    upstream = _upstream(workbench.scheme, stage.id)
    return {
        "notebook": notebook.name,
        "notebook_sha256": notebook_sha,
        "parameters": {k: _without_password(k, v) for k, v in sorted(parameters.items())},
        "scheme_fingerprint": workbench.scheme.fingerprint,
        "package_version": __version__,
        "imported_files": sorted(r.sha256 for r in workbench.imports(applicant_id)),
        "last_change": max((i for owner, i in changes.items() if owner is EVERY_STAGE or owner in upstream),
                           default=0),
    }


def _without_password(name: str, value):
    """The ledger keeps what a run depended on, never a database password."""
    if name == "database_url" and value:
        from sqlalchemy.engine import make_url
        return make_url(value).render_as_string(hide_password=True)
    return value


def inputs_hash(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode("utf-8")).hexdigest()
