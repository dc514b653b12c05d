"""StageSummary: record the stage's result and let the team leader sign it off."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..errors import WorkbenchError
from ..stages import run_stage
from .base import ERROR_STYLE, error_html, message_html


class StageSummary(widgets.VBox):
    def __init__(self, book):
        super().__init__()
        self.book = book
        self.record_button = widgets.Button(description="记录本阶段结果 / record result", button_style="primary",
                                            layout=widgets.Layout(width="260px"))
        self.sign_button = widgets.Button(description="组长签署 / sign off", button_style="danger",
                                          layout=widgets.Layout(width="200px"))
        self.record_button.on_click(lambda _: self.record())
        self.sign_button.on_click(lambda _: self.sign())
        self.status = widgets.HTML()
        self.children = [widgets.HTML("<hr>"), widgets.HBox([self.record_button, self.sign_button]), self.status]
        self.refresh()

    def refresh(self) -> None:
        wb, application, stage = self.book.workbench, self.book.application_id, self.book.stage.id
        signed = wb.is_signed(application, stage)
        self.record_button.disabled = signed
        self.sign_button.disabled = signed or wb.stage_result(application, stage) is None
        if signed:
            intact = wb.verify_sign_off(application, stage)
            self.status.value = message_html("已签署，签名校验通过", "signed off; signature verified") if intact else (
                f'<div style="{ERROR_STYLE}">签署后的内容被改动过！/ changed after sign-off!</div>')

    def record(self) -> None:
        try:
            outcome = run_stage(self.book.workbench, self.book.stage.id, self.book.applicant_id)
        except WorkbenchError as exc:
            self.status.value = error_html(exc)
            return
        if outcome.status == "done":
            self.status.value = message_html("本阶段结果已记录", "stage result recorded")
        else:
            self.status.value = f'<div style="{ERROR_STYLE}">{html.escape(outcome.zh)}<br>{html.escape(outcome.en)}</div>'
        self.refresh()

    def sign(self) -> None:
        try:
            self.book.workbench.sign_off(self.book.application_id, self.book.stage.id)
        except WorkbenchError as exc:
            self.status.value = error_html(exc)
            return
        self.refresh()
