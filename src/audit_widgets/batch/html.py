"""An executed notebook as an HTML document: outputs only, no code, nothing from the network."""
from __future__ import annotations

import threading
from pathlib import Path

import nbformat

from ..files import write_atomically

TEMPLATES = Path(__file__).parent / "templates"
_local = threading.local()  # an exporter per thread: building one loads the templates


def _exporter():
    if not hasattr(_local, "exporter"):
        from nbconvert import HTMLExporter
        _local.exporter = HTMLExporter(template_name="audit_document", extra_template_basedirs=[str(TEMPLATES)],
                                       exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    return _local.exporter


def notebook_html(notebook: Path, html_path: Path) -> Path:
    body, _ = _exporter().from_notebook_node(nbformat.read(notebook, as_version=4))
    write_atomically(html_path, body.encode("utf-8"))
    return html_path
