"""The scheme's contract with the code (contract.py): a scheme missing an id the code relies on
is refused by name, and the code names those ids only through the contract's enums."""
import ast
from typing import get_args

import pytest

from audit_widgets.contract import ENTITY_RECORDS, REASON_STATUS, REQUIRED_IDS, Action, Entity
from audit_widgets.errors import SchemeError
from audit_widgets.rules.completeness import GROUPS
from audit_widgets.scheme import CompletenessCheck, LockableRecord, load_scheme

from .conftest import ROOT
from .conftest import edit_scheme_file as _edit

SOURCES = sorted((ROOT / "src" / "audit_widgets").rglob("*.py"))


def test_every_required_id_is_in_the_default_scheme(scheme):
    for section, field, required in REQUIRED_IDS:
        assert set(required) <= {getattr(row, field) for row in getattr(scheme, section)}, section
    assert {(status, reason) for reason, status in REASON_STATUS.items()} <= {
        (r.status, r.id) for r in scheme.status_reasons}


@pytest.mark.parametrize("filename, change, section, missing", [
    ("procedure.yaml", lambda d: d.update(permissions=[p for p in d["permissions"] if p["action"] != "records"]),
     "permissions", "records"),
    ("lifecycle.yaml", lambda d: d["certificate_statuses"][1].update(id="paused"), "certificate_statuses", "suspended"),
    ("scheme.yaml", lambda d: d["team_roles"][0].update(id="chief"), "team_roles", "leader"),
    ("lifecycle.yaml", lambda d: d.update(status_reasons=[r for r in d["status_reasons"]
                                                          if r["id"] != "suspension_lifted"]),
     "status_reasons", "suspension_lifted"),
])
def test_a_scheme_missing_an_id_the_code_needs_is_refused_naming_it(scheme_copy, filename, change, section, missing):
    _edit(scheme_copy, filename, change)
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    named = [p for p in caught.value.problems if p.entry == missing and p.column.startswith(section)]
    assert named and named[0].file == filename, caught.value.render()
    assert missing in named[0].zh and missing in named[0].en


def test_the_permission_actions_of_the_code_are_those_of_the_scheme_both_ways(scheme):
    assert {p.action for p in scheme.permissions} == set(Action)


def test_every_completeness_check_names_its_gaps_in_a_refusal():
    """A sign-off refusal lists the gaps by group: a check without a group would be left out of it."""
    assert set(GROUPS) == set(get_args(CompletenessCheck))


def test_every_lockable_record_has_its_trail_entity():
    assert set(ENTITY_RECORDS.values()) == set(get_args(LockableRecord))


def _calls(tree, *names):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in names:
                yield node


def test_the_code_names_actions_and_trail_entities_through_the_contract():
    """No permission action or trail entity is a bare string at a write site: each is an
    Action or Entity member (or a value checked into one), so a typo cannot slip past."""
    literals = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, "_writing_session", "require", "permission_refusal", "_trail"):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
            position = {"_writing_session": 0, "require": 0, "permission_refusal": 1, "_trail": 2}[name]
            if len(call.args) > position and isinstance(call.args[position], ast.Constant):
                literals.append(f"{path.name}:{call.lineno} {name}({call.args[position].value!r})")
        for node in ast.walk(tree):  # widgets declare what they write
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "writes" for t in node.targets):
                if isinstance(node.value, ast.Constant) and node.value.value is not None:
                    literals.append(f"{path.name}:{node.lineno} writes = {node.value.value!r}")
    assert literals == []


def test_a_trail_entry_of_an_unknown_kind_is_refused(workbench, consumer):
    from audit_widgets.contract import Action
    with pytest.raises(ValueError):
        with workbench._writing_session(Action.APPLICANT, applicant=consumer) as session:
            workbench._trail(session, "note", "memo", consumer)
    assert not [t for t in workbench.trail() if t.entity == "memo"]
    assert {t.entity for t in workbench.trail()} <= set(Entity)


def test_every_error_carries_a_stable_code():
    """Programs and tests match an error's code, never its prose: each kind has one, dotted and
    lower-case, and a raise may name a narrower one."""
    import re

    from audit_widgets import errors
    from audit_widgets.documents.pdf import PdfError

    kinds = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.WorkbenchError)]
    kinds.append(PdfError)
    codes = {kind: kind.code for kind in kinds}
    assert all(re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", code) for code in codes.values()), codes
    assert len(set(codes.values())) == len(codes)  # each kind its own
    narrowed = errors.ConflictError("x", "y", code="stage.signed")
    assert narrowed.code == "stage.signed" and errors.ConflictError("x", "y").code == "conflict"


def test_one_name_per_concept_in_the_code():
    """The vocabulary of the README's glossary: the names an audit, its type and a stage's role
    had before (application, audit stage, hard-coded stage lists) do not come back. The
    migrations keep the old names: they rename them."""
    import re
    from pathlib import Path

    # (Tornado's web.Application, the public check's server, is not the retired concept.)
    retired = re.compile(r"\bapplication_id\b|(?<!web\.)\bApplication\b|\baudit_stages?\b|\bAuditStage\b|\bapplication_record\b"
                         r"|\bopen_application\b|\bcurrent_application\b|\bSCORED_STAGES\b|\bREPORT_STAGE\b")
    package = Path(__file__).resolve().parents[1] / "src" / "audit_widgets"
    found = [f"{path.relative_to(package)}:{number}: {line.strip()}"
             for path in package.rglob("*.py") if "migrations" not in path.parts
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if retired.search(line) and "RENAMED_SECTIONS" not in line]
    assert found == []
