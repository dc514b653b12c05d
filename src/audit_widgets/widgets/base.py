"""What every workbook widget shares: its store, the record it is bound to, a message line,
and the rule that a refused write shows a plain message instead of a traceback."""
from __future__ import annotations

import html
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

import ipywidgets as widgets

from ..contract import Action
from ..domain import OutputFile
from ..errors import PermissionDenied, WorkbenchError
from ..render.html import LOCKED_STYLE, error_html, message_html
from ..scheme import ProcedureStage
from ..store.repository import Workbench

# The first option of a choice that must not have a default: the user picks.
CHOOSE = ("— 请选择 choose —", "")


def wide(width: str = "560px", **more: str) -> widgets.Layout:
    """A field wide enough for a sentence, as a new layout each time: a layout made at import (a
    module constant) would be made in the kernel zygote before any kernel, and the browser would
    never hear of it ("widget model not found")."""
    return widgets.Layout(width=width, **more)


def page_options(count: int, size: int) -> list[tuple[str, int]]:
    """A pager's choices for `count` rows, `size` a page: 「第 2 页（21–40）」, at least one page."""
    return [(f"第 {p + 1} 页（{p * size + 1}–{min((p + 1) * size, count)}）", p)
            for p in range(max(1, -(-count // size)))]


def note_layout() -> widgets.Layout:
    """A note or reason field wide enough for a sentence: it takes the row's free width, at least 240 px."""
    return widgets.Layout(flex="1 1 320px", min_width="240px", width="auto")


@contextmanager
def unobserved(handler: Callable, *controls: widgets.ValueWidget) -> Iterator[None]:
    """Set the controls' values without calling `handler`: what the store holds is shown, not
    written back."""
    for control in controls:
        control.unobserve(handler, names="value")
    try:
        yield
    finally:
        for control in controls:
            control.observe(handler, names="value")


def permission_refusal(workbench: Workbench, action: Action | None, audit_id: int | None) -> PermissionDenied | None:
    """Why the acting person may not write `action` on the audit; None if they may (or it writes nothing)."""
    if action is None:
        return None
    try:
        workbench.require(action, audit_id)
    except PermissionDenied as exc:
        return exc
    return None


class Confirmation(widgets.VBox):
    """Asks before a write that cannot be undone: says what it will do, carries out exactly that
    (later edits of the form do not count) on 确认, nothing on 取消."""

    def __init__(self):
        self.text = widgets.HTML()
        confirm = widgets.Button(description="确认 / confirm", button_style="danger", layout=widgets.Layout(width="auto"))
        cancel = widgets.Button(description="取消 / cancel", layout=widgets.Layout(width="auto"))
        confirm.on_click(lambda _: self.confirm())
        cancel.on_click(lambda _: self.hide())
        self.pending: Callable[[], object] | None = None
        super().__init__([self.text, widgets.HBox([confirm, cancel])], layout=widgets.Layout(display="none"))

    def ask(self, text_html: str, action: Callable[[], object]) -> None:
        self.pending = action
        self.text.value = f"<div style='{LOCKED_STYLE}'>{text_html}</div>"
        self.layout.display = None

    def confirm(self) -> None:
        action, self.pending = self.pending, None
        self.hide()
        if action is not None:
            action()

    def hide(self) -> None:
        self.layout.display = "none"


class BoundWidget(widgets.VBox):
    """A widget bound to one audit of an applicant in the store.

    Every change is written through `self.write`, in one transaction; a refused write (a
    locked stage, a bad value) leaves the store as it was and shows why in `self.message`.
    """

    # The kind of record this widget edits (a procedure_stages.locks entry): the scheme says
    # which stage's sign-off makes it read-only. None: the widget edits nothing lockable.
    edits: str | None = None
    # The scheme `permissions` action its writes need: a person without it sees the form
    # read-only, and why, before filling anything in. None: the widget writes nothing.
    writes: Action | None = None

    def __init__(self, workbench: Workbench, applicant_id: str, audit_id: int | None = None,
                 read_only: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.workbench = workbench
        self.scheme = workbench.scheme
        self.applicant_id = applicant_id
        self.audit_id = workbench.resolve_audit(applicant_id, audit_id, open_if_none=True)
        self.view_only = read_only  # batch, or an unknown person: nothing at all may be written
        self.not_permitted = None if read_only else permission_refusal(workbench, self.writes, self.audit_id)
        self.read_only = read_only or self.locked or self.not_permitted is not None
        self.message = widgets.HTML()
        self.written: list[OutputFile] = []  # the documents the last write wrote (those that follow the record)

    # True for widgets built on the stage's evaluation (KPIs, survey): computed once per stage.
    takes_evaluation = False
    # True for widgets that page a long list (they take `page_size`).
    paged = False
    # The checklist method whose evidence the widget gathers (04's survey, call-backs, cases and
    # monitoring data): a stage shown in sections shows it in that method's section.
    method_shown: str | None = None

    @classmethod
    def for_stage(cls, view) -> list[BoundWidget]:
        """The widgets of this class that a stage shows (see stages.Stage.widgets)."""
        shared = {"evaluation": view.evaluation} if cls.takes_evaluation else {}
        if cls.paged:
            shared |= view.paging()
        return [cls(view.workbench, view.applicant_id, audit_id=view.audit_id, read_only=view.read_only,
                    **shared)]

    def lock_stage(self) -> ProcedureStage | None:
        return self.scheme.stage_locking(self.edits) if self.edits else None

    @property
    def locked(self) -> bool:
        stage = self.lock_stage()
        return stage is not None and self.workbench.is_signed(self.audit_id, stage.id)

    def lock_banner(self) -> widgets.HTML:
        """Why the widget is read-only, if it is: its stage is signed off, or the person may not write it."""
        if self.locked:
            name = self.lock_stage().name
            return widgets.HTML(f'<div style="{LOCKED_STYLE}">🔒 「{name}」已签署，只读 / signed off, read-only</div>')
        if self.not_permitted is not None:
            refusal = self.not_permitted
            return widgets.HTML(f'<div style="{LOCKED_STYLE}">🔒 只读：{html.escape(refusal.zh)}<br>'
                                f"read-only: {html.escape(refusal.en)}</div>")
        return widgets.HTML()

    def import_upload(self, upload: dict, importer_id: str, mapping: Path | None = None) -> bool:
        """A FileUpload's file imported for this widget's audit through the importer registry;
        the outcome, or the file's problems, in `self.message`."""
        try:
            done = self.workbench.import_file(importer_id, bytes(upload["content"]), upload["name"], self.applicant_id,
                                              mapping, mapping.name if mapping else "mapping.yaml", self.audit_id)
        except WorkbenchError as exc:
            self.message.value = error_html(exc)
            return False
        self.message.value = message_html(done.zh, done.en)
        return True

    def write(self, action: Callable[[], object], done_zh: str = "已保存", done_en: str = "saved") -> bool:
        """Run the write; then write the documents that follow the record this widget edits
        (documents/registry.py: a refusal at review writes the letter), and name them."""
        try:
            action()
            self.written = self.workbench.make_following(self.applicant_id, self.edits)
        except Exception as exc:  # every failure of a write reaches the person, none is lost in a log
            self.message.value = error_html(exc)
            return False
        written = "、".join(PurePosixPath(file.name).name for file in self.written)
        self.message.value = message_html(done_zh + (f"；已生成 {written}" if written else ""),
                                          done_en + (f"; written: {written}" if written else ""))
        return True
