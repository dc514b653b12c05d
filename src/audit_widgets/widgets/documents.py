"""DocumentFiles: a stage's document (the report in 06, the certificate in 08) written from the
recorded results and offered for download on the screen (issue 25 §7), so that nobody has to
look for outputs/<applicant>/ outside JupyterLab. The Workbench writes it (in a team deployment,
the workbench service: store/outputs.py); the files are embedded in the links, so the download
works wherever the page is (JupyterLab serves only work/)."""
from __future__ import annotations

import base64
import html
import mimetypes
from pathlib import PurePosixPath

import ipywidgets as widgets

from ..documents.registry import documents
from ..domain import OutputFile
from ..errors import WorkbenchError
from ..render.html import error_html, message_html
from ..store.repository import Workbench


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def download_link(file: OutputFile, content: bytes) -> str:
    filename = PurePosixPath(file.name).name
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    data = base64.b64encode(content).decode("ascii")
    return (f"<a download='{html.escape(filename)}' href='data:{kind};base64,{data}'>⬇ {html.escape(filename)}</a> "
            f"<small>（{size_text(len(content))}）</small>")


class DocumentFiles(widgets.VBox):
    def __init__(self, workbench: Workbench, applicant_id: str, document_id: str):
        self.workbench, self.applicant_id = workbench, applicant_id
        self.document = documents.get(document_id)
        self.button = widgets.Button(description=f"生成并下载{self.document.name}", icon="file-pdf-o",
                                     layout=widgets.Layout(width="auto"))
        self.button.on_click(lambda _: self.write())
        self.files = widgets.HTML()
        super().__init__([self.button, self.files])
        self.add_class("aw-document-files")

    def write(self) -> None:
        """Write the document from what is recorded now, and offer its files."""
        try:
            files = self.workbench.make_document(self.document.id, self.applicant_id)
            links = [download_link(file, self.workbench.output_file(file.name)) for file in files]
        except WorkbenchError as exc:
            self.files.value = error_html(exc)
            return
        if not files:
            self.files.value = message_html("尚无可写入的内容（阶段结果尚未记录）",
                                            "nothing to write yet: the stage's result is not recorded")
            return
        self.files.value = " · ".join(links)
