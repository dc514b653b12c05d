"""The HTML building blocks and the colours every screen and document uses, in one place."""
from __future__ import annotations

import html
from typing import Any, Iterable

from ..errors import WorkbenchError

ERROR_COLOUR = "#c62828"
OK_COLOUR = "#2e7d32"
WARNING_COLOUR = "#e65100"

OK_STYLE = f"color:{OK_COLOUR}"
ERROR_STYLE = f"color:{ERROR_COLOUR}"
WARNING_STYLE = f"color:{WARNING_COLOUR}"
LOCKED_STYLE = "background:#fff8e1;border:1px solid #ffcc80;padding:4px 8px;border-radius:4px"


def person(names: dict[str, str], person_id: str | None) -> str:
    """A person as the screens and documents name them: 「吴芳 P01」 (the id alone if unknown)."""
    if not person_id:
        return "—"
    return f"{names[person_id]} {person_id}" if person_id in names else person_id


def people(names: dict[str, str], person_ids: Iterable[str]) -> str:
    return "、".join(person(names, p) for p in person_ids)


def message_html(zh: str, en: str = "", style: str = OK_STYLE) -> str:
    text = html.escape(zh) + (f"<br><small>{html.escape(en)}</small>" if en else "")
    return f'<div style="{style}">{text}</div>'


def error_html(exc: BaseException) -> str:
    """An error as a person reads it: a WorkbenchError's two sentences, or for anything else
    (a bug, a lost connection) a plain "not saved" with the error's name, never a traceback."""
    if not isinstance(exc, WorkbenchError):
        exc = WorkbenchError(f"未能保存，请重试；如仍失败请联系管理员（{type(exc).__name__}: {str(exc)[:200]}）",
                             f"Not saved; try again, and tell the administrator if it keeps failing "
                             f"({type(exc).__name__}: {str(exc)[:200]})")
    lines = "<br>".join(html.escape(line) for line in exc.render().splitlines())
    return f'<div style="{ERROR_STYLE}">{lines}</div>'


def table_html(rows: list[dict[str, Any]], columns: dict[str, str], *, escape: bool = True) -> str:
    """A plain HTML table; `columns` maps keys to headers. escape=False: the cells are markup
    already (links, line breaks), escaped by the caller where they hold data."""
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(h)}</th>" for h in columns.values())
    def cell(value: Any) -> str:
        if value is None or value == "":
            return "—"
        return html.escape(str(value)) if escape else str(value)
    body = "".join(
        # Left-aligned: JupyterLab's and Voila's rendered-HTML style right-aligns table cells,
        # which leaves a Chinese description ragged on its left edge.
        "<tr>" + "".join(f"<td style='text-align:left;vertical-align:top;padding:2px 8px'>{cell(row.get(k))}</td>"
                         for k in columns)
        + "</tr>" for row in rows)
    return f"<table style='border-collapse:collapse'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def gates_html(reasons: list[dict[str, Any]]) -> str:
    """The recommendation's gates, each passed (✓) or failed (✗), in both languages."""
    items = "".join(
        f"<li style='{OK_STYLE if g['passed'] else ERROR_STYLE}'>{'✓' if g['passed'] else '✗'} "
        f"{html.escape(g['zh'])}<br><small>{html.escape(g['en'])}</small></li>" for g in reasons)
    return f"<ul>{items}</ul>"
