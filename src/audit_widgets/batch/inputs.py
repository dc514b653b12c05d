"""What a notebook run depends on, as one hash: equal hashes mean an equal run is not needed.

The hash covers the notebook file, the parameters and the database, the scheme fingerprint,
the package version, the SHA-256 of every file imported for the applicant, the hashes of the
stages the notebook's stage requires, the day for a stage whose result depends on it
(procedure_stages: dated), and the id of the applicant's
last trail entry that the notebook's stage depends on: an entry about a record of the stage
itself or of a stage it requires (directly or not). The scheme says which stage owns which
record (procedure_stages: modes for answers, locks for the other records), so a changed 5.2
answer reruns 05 and the stages after it, not 01–04. An entry whose record no stage owns
counts for every stage.

Entries that batch notebooks write themselves (a computed stage result, an audit
opened on first run) are left out: they are outputs, not inputs, and counting them would
make every run invalidate the next.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..contract import ENTITIES_BY_ITEM, ENTITIES_BY_STAGE, ENTITY_RECORDS
from ..files import sha256_of
from ..scheme import ProcedureStage, Scheme
from ..store.repository import Workbench
from ..store.runs import BATCH_OWN_WRITES

EVERY_STAGE = None  # the owner of an entry whose record no stage owns


def owning_stage(scheme: Scheme, entity: str, entity_id: str) -> str | None:
    """The stage whose record a trail entry changed (None: not known, so every stage)."""
    if entity in ENTITIES_BY_ITEM:
        item_id = entity_id.partition(":")[2]
        stage = scheme.stage_recording_item(item_id) if item_id in scheme.items_by_id else None
    elif entity in ENTITIES_BY_STAGE:  # a sign-off or a reopening
        stage = scheme.procedure_by_id.get(entity_id.partition(":")[2])
    else:
        record = ENTITY_RECORDS.get(entity)  # an entry written under an older name: no record
        stage = scheme.stage_locking(record) if record else None
    return stage.id if stage else EVERY_STAGE


def _upstream(scheme: Scheme, stage_id: str) -> set[str]:
    """The stage and every stage it requires, directly or through others."""
    return {stage_id}.union(*(_upstream(scheme, r) for r in scheme.procedure_by_id[stage_id].requires))


@dataclass(frozen=True)
class ApplicantState:
    """What every notebook of one applicant depends on alike, read once per applicant."""
    changes: dict[str | None, int]  # the newest relevant trail entry per owning stage
    imported_files: list[str]       # the SHA-256 of every imported file, sorted

    def last_change(self, scheme: Scheme, stage_id: str) -> int:
        """The newest entry that the stage depends on: its own records' or an upstream stage's."""
        upstream = _upstream(scheme, stage_id)
        return max((i for owner, i in self.changes.items() if owner is EVERY_STAGE or owner in upstream), default=0)


def applicant_state(workbench: Workbench, applicant_id: str) -> ApplicantState:
    changes: dict[str | None, int] = {}
    for entry_id, entity, entity_id in workbench.trail_changes(applicant_id, ignore_actions=BATCH_OWN_WRITES):
        owner = owning_stage(workbench.scheme, entity, entity_id)
        changes[owner] = max(entry_id, changes.get(owner, 0))
    return ApplicantState(changes, sorted(r.sha256 for r in workbench.imports(applicant_id)))


@lru_cache(maxsize=64)
def _file_sha256(path: Path, _mtime_ns: int, _size: int) -> str:
    """Keyed on the file's time and size too: an edited workbook is read again."""
    return sha256_of(path)


def run_inputs(workbench: Workbench, stage: ProcedureStage, notebook: Path, parameters: dict,
               state: ApplicantState, database_url: str, upstream_hashes: dict[str, str],
               today: date | None = None) -> dict:
    """What the run of `notebook` (the workbook of `stage`) for an applicant depends on.
    `upstream_hashes`: the inputs hashes of the stages it requires (what they record, it reads)."""
    stat = notebook.stat() if notebook.exists() else None
    inputs = {
        "notebook": notebook.name,
        "notebook_sha256": _file_sha256(notebook, stat.st_mtime_ns, stat.st_size) if stat else None,
        "parameters": dict(sorted(parameters.items())),
        "database": _without_password(database_url),
        "scheme_fingerprint": workbench.scheme.fingerprint,
        "package_version": __version__,
        "imported_files": state.imported_files,
        "last_change": state.last_change(workbench.scheme, stage.id),
        "upstream": upstream_hashes,
    }
    if stage.dated:  # its result depends on the day (due dates, deadlines): a new day is a new input
        inputs["as_of"] = (today or date.today()).isoformat()
    return inputs


def _without_password(database_url: str) -> str:
    """The ledger keeps what a run depended on, never a database password."""
    from sqlalchemy.engine import make_url
    return make_url(database_url).render_as_string(hide_password=True)


def inputs_hash(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def batch_stale(workbench: Workbench, applicant_id: str) -> bool:
    """Whether the applicant's batch results are older than its data: a notebook's newest
    successful run saw an older relevant change, other imported files or another scheme than
    there are now (the same test as --only-changed, from what the ledger recorded). An
    applicant never run in batch is not stale: it has no batch results."""
    runs = workbench.last_successes(applicant_id)
    if not runs:
        return False
    scheme = workbench.scheme
    state = applicant_state(workbench, applicant_id)
    current = workbench.current_audit(applicant_id)
    audit_type = workbench.audit(current).audit_type if current else None
    for stage in scheme.procedure_stages:
        if audit_type is not None and not stage.applies_to(audit_type):
            continue  # a stage the current audit does not go through has no run
        run = runs.get(stage.notebook)
        if run is None or (run.inputs.get("last_change"), run.inputs.get("imported_files"),
                           run.inputs.get("scheme_fingerprint")) != (
                state.last_change(scheme, stage.id), state.imported_files, scheme.fingerprint):
            return True
    return False
