"""CyclePanel (10): the applicant's history as a timeline, what the rules say is due to its
certificate (recorded with one click, on the day it fell due), and the start of its next
audit (surveillance, recertification or special, with the reason; a special audit for a scope
extension names the domains to add)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..contract import Action, SpecialReason
from ..enforcement import apply_due_change
from ..render.html import LOCKED_STYLE, message_html
from ..stages.certification import compute_recertification
from ..timeline import applicant_timeline
from .base import BoundWidget
from .date_field import DateField


class CyclePanel(BoundWidget):
    writes = Action.APPLICANT

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.timeline = widgets.HTML()
        self.due = widgets.HTML()
        self.apply_button = widgets.Button(description="按规则记录 / record as due", button_style="warning",
                                           layout=widgets.Layout(width="auto"), disabled=self.read_only)
        self.apply_button.on_click(lambda _: self.apply_due())
        self.audit_type = widgets.Dropdown(
            options=[(s.name, s.id) for s in self.scheme.audit_types if s.id != "initial"], description="审核类型")
        self.opened_on = DateField(description="开始日期", value=self.workbench.clock.today())
        self.reason = widgets.Text(description="原因", placeholder="特殊审核必填 / required for a special audit",
                                   layout=widgets.Layout(width="520px"))
        self.special_reason = widgets.Dropdown(
            options=[(r.name + (f"（{r.within_days} 日内）" if r.within_days else "")
                      + ("（覆盖全部方法，可提升等级）" if r.all_methods else ""), r.id)
                     for r in self.scheme.special_audit_reasons], value=SpecialReason.OTHER, description="原因类别")
        self.extend_domains = widgets.SelectMultiple(
            options=[(d.name, d.id) for d in self.scheme.domains], rows=4, description="扩大到领域",
            layout=widgets.Layout(width="360px"))
        self.open_button = widgets.Button(description="开始下一次审核 / start the next audit", button_style="primary",
                                          layout=widgets.Layout(width="auto"), disabled=self.read_only)
        self.open_button.on_click(lambda _: self.open_audit())
        for control in (self.audit_type, self.opened_on, self.reason, self.special_reason, self.extend_domains):
            control.disabled = self.read_only
        self.children = [widgets.HTML("<h3>认证历史 / certification history</h3>"), self.lock_banner(), self.timeline,
                         widgets.HTML("<h4>按规则应变更 / due by rule</h4>"), self.due, self.apply_button,
                         widgets.HTML("<h4>下一次审核 / next audit</h4>"),
                         widgets.HBox([self.audit_type, self.opened_on]), self.reason, self.special_reason,
                         widgets.HTML("<small>特殊审核用于扩大范围时，选择新增的领域 / for a scope extension, "
                                      "choose the domains to add</small>"), self.extend_domains,
                         self.open_button, self.message]
        self.refresh()

    def refresh(self) -> None:
        lines = applicant_timeline(self.workbench, self.applicant_id).lines()
        self.timeline.value = "<table>" + "".join(
            f"<tr><td style='padding:2px 8px;white-space:nowrap'>{day}</td><td>{html.escape(text)}</td></tr>"
            for day, text in lines) + "</table>"
        status = compute_recertification(self.workbench, self.applicant_id, self.audit_id)
        due = status.result.get("due_change") if status.status == "done" else None
        self.apply_button.layout.display = None if due and due["automatic"] else "none"
        reasons = {r.id: r.name for r in self.scheme.special_audit_reasons}
        audits = "".join(
            f"<div style='{LOCKED_STYLE}'>特殊审核 {a['audit']}（{html.escape(reasons.get(a['special_reason'], ''))}）"
            f"应于 {a['due_by']} 前完成{'，已逾期' if a['overdue'] else ''} / special audit {a['audit']} due by "
            f"{a['due_by']}{' (overdue)' if a['overdue'] else ''}</div>"
            for a in (status.result.get("audits_due") or []) if status.status == "done")
        if due is None:
            self.due.value = audits + message_html("证书状态无须变更", "Nothing is due to the certificate")
        else:
            reasons = {(r.status, r.id): r.name for r in self.scheme.status_reasons}
            who = ("方案规定按规则自动执行 / the scheme applies it by rule" if due["automatic"] else
                   "须由认证委员会作出决定（见下方“认证委员会的决定”）/ the committee decides it (below)")
            self.due.value = (f"<div style='{LOCKED_STYLE}'>自 {due['since']} 起应变更为「{due['to_status']}」："
                              f"{html.escape(reasons.get((due['to_status'], due['reason']), due['reason']))} / "
                              f"due since {due['since']}: {due['to_status']} ({due['reason']})<br>{who}</div>") + audits

    def apply_due(self) -> None:
        if self.write(lambda: apply_due_change(self.workbench, self.applicant_id), "状态已按规则变更",
                      "status changed by rule"):
            self.refresh()

    def open_audit(self) -> None:
        def start() -> None:
            if self.audit_type.value == "special" and self.extend_domains.value:
                applicant = self.workbench.get_applicant(self.applicant_id)
                self.workbench.request_scope_extension(
                    self.applicant_id, domains=list(self.extend_domains.value), goods=applicant.goods,
                    services=applicant.services, on=self.opened_on.value, reason=self.reason.value)
            else:
                special = self.special_reason.value if self.audit_type.value == "special" else None
                self.workbench.open_audit(self.applicant_id, self.audit_type.value, self.opened_on.value,
                                          reason=self.reason.value, special_reason=special)
        if self.write(start,
                      "已开始下一次审核：工作簿 02–10 现在打开它（重新运行工作簿）",
                      "the next audit has started: workbooks 02–10 now open it (run them again)"):
            self.refresh()
