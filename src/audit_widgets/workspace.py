"""The auditors' working copies: per applicant, one copy of each stage template with the
parameters filled in and nothing run, so that JupyterLab's autosave never writes into the
git-tracked templates in workbooks/.

The values are written into the template's one parameters cell, in place. (papermill would add a
second cell below it, which reset to None whatever the auditor then typed in the first.)

    work/00_overview.ipynb
    work/11_complaints_and_appeals.ipynb
    work/<applicant>/<NN_stage>.ipynb
"""
from __future__ import annotations

import io
import tokenize
from pathlib import Path

from .files import write_atomically
from .paths import work_dir, workbooks_dir
from .scheme import Scheme

OVERVIEW = "00_overview"
CASES = "11_complaints_and_appeals"  # the body's complaints and appeals: one copy for everyone


def _prepare(template: Path, copy: Path, parameters: dict) -> Path:
    """The template with its parameters cell set to `parameters`, no outputs, and the warm
    kernel (batch/warm.py) as its kernel: a copy opens with its kernel forked, not started."""
    import nbformat

    from .batch.warm import DISPLAY_NAME, KERNEL_SPEC, install_kernel_spec
    install_kernel_spec()
    notebook = nbformat.read(template, as_version=4)
    notebook.metadata["kernelspec"] = {"name": KERNEL_SPEC, "display_name": DISPLAY_NAME, "language": "python"}
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", ()))
    cell.source = set_parameters(cell.source, parameters)
    for code in (c for c in notebook.cells if c.cell_type == "code"):
        code.outputs, code.execution_count = [], None
    return write_atomically(copy, nbformat.writes(notebook))


def set_parameters(source: str, parameters: dict) -> str:
    """A parameters cell's source with each named variable's value replaced where it is assigned
    (its comment kept), and any not assigned there added at the end."""
    from papermill.translators import PythonTranslator
    lines, left = source.splitlines(), dict(parameters)
    for number, line in enumerate(lines):
        try:
            tokens = [t for t in tokenize.generate_tokens(io.StringIO(line).readline)
                      if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)]
        except (tokenize.TokenError, SyntaxError):
            continue
        if len(tokens) < 3 or tokens[0].type != tokenize.NAME or tokens[1].string != "=" or tokens[0].string not in left:
            continue
        comment = next((line[t.start[1]:] for t in tokens if t.type == tokenize.COMMENT), "")
        name = tokens[0].string
        lines[number] = f"{name} = {PythonTranslator.translate(left.pop(name))}" + (f"  {comment}" if comment else "")
    lines += [f"{name} = {PythonTranslator.translate(value)}" for name, value in left.items()]
    return "\n".join(lines)


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
