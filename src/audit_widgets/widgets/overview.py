"""OverviewTable: every applicant's current audit, each stage's status, and links that open
the applicant's own copy of the stage notebook (work/<applicant>/<NN_stage>.ipynb).

The table is an output of the cell (a display that 刷新 updates in place), not an HTML widget's
value: JupyterLab opens an output's links to notebooks in a tab of the same page (about 2 s),
while a link in a widget's HTML reloads the whole of JupyterLab (a minute, the output lost)."""
from __future__ import annotations

import html

import ipywidgets as widgets
from IPython.display import HTML, DisplayHandle, display

from ..domain import StageRecord
from ..render.html import ERROR_COLOUR, OK_COLOUR
from ..store.repository import Workbench

STATUS = {
    "signed": ("✓ 已签署", "signed", OK_COLOUR),
    "redo": ("↺ 须重做", "redo", ERROR_COLOUR),
    "recorded": ("● 已记录", "recorded", "#1565c0"),
    "ready": ("○ 可开始", "ready", "#555"),
    "waiting": ("— 未开始", "not started", "#999"),
    "skip": ("· 不经过", "not for this audit type", "#bbb"),
}


def stage_status(record: StageRecord | None, can_start: bool, applies: bool = True) -> str:
    if record is not None:
        return "redo" if record.redo_reason else ("signed" if record.signed else "recorded")
    if not applies:
        return "skip"
    return "ready" if can_start else "waiting"


class OverviewTable(widgets.VBox):
    def __init__(self, workbench: Workbench, person_id: str | None = None):
        super().__init__()
        self.workbench = workbench
        self.person_id = person_id
        self.html = ""
        self.handle: DisplayHandle | None = None  # the table's display, once shown
        refresh = widgets.Button(description="刷新 / refresh", icon="refresh", layout=widgets.Layout(width="auto"))
        refresh.on_click(lambda _: self.refresh())
        legend = " ".join(f"<span style='color:{c}'>{zh} {en}</span>" for zh, en, c in STATUS.values())
        self.children = [widgets.HTML(f"<h3>我的申请方与审查 / applicants and audits</h3><p>{legend}</p>"),
                         refresh]
        self.refresh()

    def show(self) -> None:
        """The header and its button, then the table as the cell's own output."""
        display(self)
        self.handle = display(HTML(self.html), display_id=True)

    def rows(self) -> list[dict]:
        """One row per applicant: its current audit and each stage's status."""
        scheme = self.workbench.scheme
        rows = []
        with self.workbench.reading() as view:
            for applicant in view.list_applicants():
                audit = view.current_audit(applicant.id)
                records = view.stage_results(audit) if audit else {}
                team = [m.auditor.id for m in view.team(audit)] if audit else []
                audit_type = view.audit(audit).audit_type if audit else "initial"
                certified = view.certificate_for(applicant.id) is not None
                statuses = {s.id: stage_status(records.get(s.id), scheme.can_start(s, audit_type, records, certified),
                                               s.applies_to(audit_type))
                            for s in scheme.procedure_stages}
                rows.append({"applicant": applicant, "mine": self.person_id in team, "statuses": statuses})
        rows.sort(key=lambda row: (not row["mine"], row["applicant"].id))  # my audits first
        return rows

    def refresh(self) -> None:
        stages = self.workbench.scheme.procedure_stages
        head = "".join(f"<th style='padding:2px 6px' title='{html.escape(s.name)}'>{s.notebook[:2]}<br>"
                       f"<small>{html.escape(s.name)}</small></th>" for s in stages)
        body = []
        for row in self.rows():
            applicant = row["applicant"]
            cells = []
            for stage in stages:
                status = row["statuses"][stage.id]
                zh, en, colour = STATUS[status]
                link = f"{html.escape(applicant.id)}/{html.escape(stage.notebook)}.ipynb"
                cells.append(f"<td style='padding:2px 6px;color:{colour}' title='{en}'>{zh}</td>" if status == "skip"
                             else f"<td style='padding:2px 6px'><a href='{link}' style='color:{colour}' "
                                  f"title='{en}'>{zh}</a></td>")
            star = "★ " if row["mine"] else ""
            body.append(f"<tr><td style='padding:2px 6px'>{star}<b>{html.escape(applicant.id)}</b><br>"
                        f"<small>{html.escape(applicant.name)}</small></td>{''.join(cells)}</tr>")
        self.html = (f"<table style='border-collapse:collapse'><thead><tr><th>申请方 applicant</th>{head}"
                     f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
                     if body else "<p>尚无申请方 / no applicants yet</p>")
        if self.handle is not None:
            self.handle.update(HTML(self.html))
