"""An applicant's files (the audit report, the certificate, the executed notebooks as HTML) as
downloads from the dashboard.

Voila serves no file here (its allowlist is empty: the store and parameters must not be
reachable), so a file goes through the kernel, on request: its button puts a `data:` link on
the page. The Workbench offers only its fixed names in the applicant's folder of the published
outputs (store/outputs.py); behind the hub it reads them through the workbench service, since
the dashboard's account may read none of them itself.
"""
from __future__ import annotations

from functools import partial

import ipywidgets as widgets

from ..domain import OutputFile
from ..store.repository import Workbench
from ..widgets.documents import download_link, size_text


class DocumentLinks(widgets.VBox):
    def __init__(self, workbench: Workbench, applicant_id: str):
        super().__init__()
        files = workbench.output_files(applicant_id)
        rows = []
        for file in files:
            button = widgets.Button(description=f"{file.label} · {size_text(file.size)}", icon="download",
                                    layout=widgets.Layout(width="auto"))
            link = widgets.HTML()
            button.on_click(partial(self._offer, workbench, file, link))
            rows.append(widgets.HBox([button, link]))
        note = ("<p><small>点击后出现保存链接 / click, then save the link that appears</small></p>" if files
                else "<p>尚无批量输出（audit-workbench run）/ no batch outputs yet</p>")
        self.children = [widgets.HTML(f"<h3>文件 / documents</h3>{note}"), *rows]
        self.add_class("aw-documents")

    @staticmethod
    def _offer(workbench: Workbench, file: OutputFile, link: widgets.HTML, _button) -> None:
        link.value = download_link(file, workbench.output_file(file.name))
