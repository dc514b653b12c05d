"""An applicant's files from the batch (the audit report, the certificate, the executed
notebooks as HTML) as downloads from the dashboard.

Voila serves no file here (its allowlist is empty: the store and parameters must not be
reachable), so a file goes through the kernel, on request: its button puts a `data:` link on
the page. Only the fixed file names below, in the applicant's own folder of the published
outputs (published.py: outputs/, or where the batch publishes them), are offered.
"""
from __future__ import annotations

import base64
import html
from functools import partial
from pathlib import Path

import ipywidgets as widgets

from ..places import Place
from ..published import published
from ..scheme import Scheme

MEDIA_TYPES = {".pdf": "application/pdf", ".html": "text/html"}


def applicant_files(scheme: Scheme, applicant_id: str) -> list[tuple[str, str, int]]:
    """(name, label, size) of the applicant's published files that exist: the registry's
    documents, then the executed notebooks."""
    from ..documents.registry import documents
    sizes = published().sizes(applicant_id)
    offered = [*((name, f"{d.name}（{Path(name).suffix[1:].upper()}）") for d in documents for name in d.files),
               *((f"{s.notebook}.html", f"{s.notebook[:2]} {s.name}（已运行工作簿 executed notebook）")
                 for s in scheme.procedure_stages)]
    return [(f"{applicant_id}/{name}", label, sizes[name]) for name, label in offered if name in sizes]


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


class DocumentLinks(widgets.VBox):
    def __init__(self, scheme: Scheme, applicant_id: str):
        super().__init__()
        place = published()
        files = applicant_files(scheme, applicant_id)
        rows = []
        for name, label, size in files:
            button = widgets.Button(description=f"{label} · {_size(size)}", icon="download",
                                    layout=widgets.Layout(width="auto"))
            link = widgets.HTML()
            button.on_click(partial(self._offer, place, name, link))
            rows.append(widgets.HBox([button, link]))
        note = ("<p><small>点击后出现保存链接 / click, then save the link that appears</small></p>" if files
                else "<p>尚无批量输出（audit-workbench run）/ no batch outputs yet</p>")
        self.children = [widgets.HTML(f"<h3>文件 / documents</h3>{note}"), *rows]
        self.add_class("aw-documents")

    @staticmethod
    def _offer(place: Place, name: str, link: widgets.HTML, _button) -> None:
        data = base64.b64encode(place.read(name)).decode("ascii")
        filename = html.escape(Path(name).name)
        link.value = (f"<a download='{filename}' href='data:{MEDIA_TYPES[Path(name).suffix]};base64,{data}'>"
                      f"保存 / save {filename}</a>")
