"""Widgets as static HTML, for batch runs: an executed notebook that reads as a document.

A batch notebook builds the same widgets as an interactive one (one code path), but with comms
that send nothing (`offline`), and shows `static_html(widget)` instead of the live widget: the
notebook keeps no widget state, and its HTML copy shows every value without JavaScript.
"""
from __future__ import annotations

import datetime
import html
from contextlib import contextmanager
from typing import Iterator

import ipywidgets as widgets

from .upload import ChunkedUpload

ROW_STYLE = "display:flex;flex-wrap:wrap;gap:4px 12px;align-items:baseline"
# A box of controls for entering something new (a new finding, the next audit's opening): on
# screen only; a document shows what was recorded, not an empty form.
FORM_CLASS = "aw-entry-form"


def _no_comm(widget: widgets.Widget) -> None:
    """Widget.open without a frontend: no comm, and no state serialised for one."""


@contextmanager
def offline() -> Iterator[None]:
    """Widgets built inside open no comm: no frontend ever hears of them, and building them
    skips serialising their state (a third of a batch notebook's time)."""
    previous = widgets.Widget.open
    widgets.Widget.open = _no_comm
    try:
        yield
    finally:
        widgets.Widget.open = previous


def _hidden(widget: widgets.Widget) -> bool:
    layout = getattr(widget, "layout", None)
    return layout is not None and (layout.display == "none" or layout.visibility == "hidden")


def _shown_value(widget: widgets.ValueWidget) -> str:
    if isinstance(widget, widgets.Checkbox):
        return "✓" if widget.value else "✗"
    if hasattr(widget, "options") and hasattr(widget, "label"):  # a choice: show what the person sees
        label = widget.label
        shown = "、".join(label) if isinstance(label, tuple) else label
        return html.escape(shown or "—")
    value = widget.value
    if value is None or value == "":
        return "—"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return html.escape(str(value)).replace("\n", "<br>")


def static_html(widget: widgets.Widget) -> str:
    """The widget and its children as plain HTML: text and values, no controls, no script."""
    if _hidden(widget) or FORM_CLASS in getattr(widget, "_dom_classes", ()):
        return ""
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        return widget.value
    if isinstance(widget, widgets.Label):
        return f"<span>{html.escape(widget.value)}</span>"
    if isinstance(widget, widgets.Box):
        parts = [static_html(child) for child in widget.children]
        parts = [p for p in parts if p]
        if isinstance(widget, widgets.HBox):
            return f'<div style="{ROW_STYLE}">' + "".join(f"<div>{p}</div>" for p in parts) + "</div>"
        return "".join(f"<div>{p}</div>" for p in parts)
    if isinstance(widget, (widgets.Button, widgets.FileUpload, ChunkedUpload)):
        return ""  # actions mean nothing in a document
    if isinstance(widget, widgets.ValueWidget):
        description = getattr(widget, "description", "")
        label = f"<b>{html.escape(description)}</b> " if description else ""
        return f"<span>{label}{_shown_value(widget)}</span>"
    return ""
