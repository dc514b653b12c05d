"""StageSummary: record the stage's result, see everything still missing, sign it off, and
(for whoever signs) reopen it with a written reason."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..contract import Action
from ..errors import WorkbenchError
from ..render.html import ERROR_STYLE, LOCKED_STYLE, error_html, message_html, person
from ..rules.completeness import GROUPS, Gap, grouped
from ..stages import run_stage
from ..store.signers import SIGNER_NAMES
from ..store.signing import SIGNATURE_LABELS
from .base import permission_refusal
from .shared_models import own_layout


def gaps_html(gaps: list[Gap]) -> str:
    """Everything still missing, grouped, never cut off."""
    parts = []
    for group, members in grouped(gaps).items():
        zh, en = GROUPS[group]
        items = "".join(f"<li>{html.escape(g.zh)}</li>" for g in members)
        parts.append(f"<b>{html.escape(zh)} / {html.escape(en)}（{len(members)}）</b><ul>{items}</ul>")
    return (f'<div style="{ERROR_STYLE}">签署前尚需完成 {len(gaps)} 项 / {len(gaps)} things to finish before '
            f"sign-off:<br>{''.join(parts)}</div>")


class StageSummary(widgets.VBox):
    def __init__(self, book):
        super().__init__()
        self.book = book
        # Who may record and sign is shown on the buttons (the button names the signer), not
        # learnt from a refusal.
        self.may_record = not book.read_only and permission_refusal(
            book.workbench, Action.STAGE_RESULT, book.audit_id) is None
        signer = SIGNER_NAMES[book.stage.signed_by]
        self.record_button = widgets.Button(description="记录本阶段结果 / record result", button_style="primary",
                                            layout=widgets.Layout(width="260px"))
        self.sign_button = widgets.Button(description=f"{signer[0]}签署 / sign off", button_style="danger",
                                          layout=widgets.Layout(width="240px"))
        self.reopen_reason = widgets.Text(placeholder="重开原因（必填）/ reason for reopening (required)",
                                          layout=widgets.Layout(width="420px"))
        self.reopen_button = widgets.Button(description="重开 / reopen", button_style="warning",
                                            layout=widgets.Layout(width="140px"))
        self.record_button.on_click(lambda _: self.record())
        self.sign_button.on_click(lambda _: self.sign())
        self.reopen_button.on_click(lambda _: self.reopen())
        self.reopen_box = widgets.HBox([self.reopen_reason, self.reopen_button], layout=own_layout())
        self.state = widgets.HTML()
        self.signer = widgets.HTML()  # who signs, when the button is not this person's
        self.status = widgets.HTML()
        self.children = [widgets.HTML("<hr>"), self.state, widgets.HBox([self.record_button, self.sign_button]),
                         self.signer, self.reopen_box, self.status]
        self.refresh()

    def refresh(self) -> None:
        wb, audit, stage = self.book.workbench, self.book.audit_id, self.book.stage
        record = wb.stage_result(audit, stage.id)
        signed = record is not None and record.signed
        # The signer as the records stand now: a team appointed or a decision taken since the
        # screen opened changes who it is.
        signers = wb.signers(audit, stage.id)
        self.may_sign = not self.book.read_only and signers.allows(wb.actor)
        self.record_button.disabled = signed or not self.may_record
        self.sign_button.disabled = signed or record is None or not self.may_sign
        self.signer.value = ("" if signed or self.may_sign else
                             message_html(f"🔒 签署按钮：{signers.zh}", f"sign-off: {signers.en}", LOCKED_STYLE))
        self.reopen_box.layout.display = None if signed and self.may_sign else "none"
        if record is None:
            self.state.value = message_html("本阶段尚未记录结果", "no result recorded yet", LOCKED_STYLE)
        elif record.redo_reason:
            self.state.value = (f'<div style="{ERROR_STYLE}">须重新记录 / record again: '
                                f"{html.escape(record.redo_reason)}</div>")
        elif signed:
            state = wb.signature_state(audit, stage.id)
            when = f"{record.signed_at:%Y-%m-%d %H:%M}"
            signer = person(wb.people_names(), record.signed_by)
            self.state.value = message_html(f"已由 {signer} 于 {when} 签署，签名校验通过",
                                            f"signed off by {signer} at {when}; signature verified") \
                if state == "valid" else f'<div style="{ERROR_STYLE}">{html.escape(SIGNATURE_LABELS[state])}</div>'
        else:
            self.state.value = message_html("结果已记录，尚未签署", "recorded, not signed off yet", LOCKED_STYLE)

    def record(self) -> None:
        try:
            outcome = run_stage(self.book.workbench, self.book.stage.id, self.book.applicant_id)
        except WorkbenchError as exc:
            self.status.value = error_html(exc)
            return
        if outcome.status != "done":
            self.status.value = f'<div style="{ERROR_STYLE}">{html.escape(outcome.zh)}<br>{html.escape(outcome.en)}</div>'
        elif outcome.gaps:
            self.status.value = message_html("本阶段结果已记录", "stage result recorded") + gaps_html(outcome.gaps)
        else:
            self.status.value = message_html("本阶段结果已记录，可以签署", "stage result recorded; ready for sign-off")
        self.refresh()

    def sign(self) -> None:
        """Record the stage afresh, then sign it: the signature covers what is there now."""
        try:
            outcome = run_stage(self.book.workbench, self.book.stage.id, self.book.applicant_id)
            if outcome.gaps:
                self.status.value = gaps_html(outcome.gaps)
                return
            self.book.workbench.sign_off(self.book.audit_id, self.book.stage.id)
        except WorkbenchError as exc:
            self.status.value = error_html(exc)
            self.refresh()  # the result was recorded afresh before the refusal
            return
        self.status.value = message_html("已签署", "signed off")
        self.refresh()

    def reopen(self) -> None:
        try:
            marked = self.book.workbench.reopen_stage(self.book.audit_id, self.book.stage.id,
                                                      self.reopen_reason.value)
        except WorkbenchError as exc:
            self.status.value = error_html(exc)
            return
        later = "、".join(self.book.workbench.scheme.procedure_by_id[s].name for s in marked)
        self.status.value = message_html(f"已重开；须重新记录：{later or '无'}",
                                         f"reopened; to record again: {', '.join(marked) or 'none'}")
        self.reopen_reason.value = ""
        self.refresh()
