"""AuditPlanForm (02): the audit plan sent to the client (ISO/IEC 17021-1 §9.2.3): when the
team's names went out, each objection to a member and how it was resolved, and the agenda per
site and day. One line per entry, fields separated by |; the plan is part of the report."""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as widgets

from ..contract import Action
from ..errors import ConflictError
from ..render.html import ERROR_STYLE, OK_STYLE, message_html, table_html
from ..rules.planning import propose_agenda
from ..stages.completeness import audit_plan_gaps
from .base import BoundWidget, wide
from .date_field import DateField


def _lines(text: str, fields: int) -> list[list[str]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != fields:
            raise ConflictError(f"第 {number} 行应有 {fields} 段，以 | 分隔",
                                f"Line {number} needs {fields} fields separated by |")
        rows.append(parts)
    return rows


def _agenda_text(agenda: list[dict]) -> str:
    return "\n".join(f"{a['day']} | {a['site']} | {a['activity']} | {','.join(a['auditors'])}" for a in agenda)


class AuditPlanForm(BoundWidget):
    edits = "audit_plan"
    writes = Action.AUDIT_PLAN

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        plan = workbench.audit_plan(self.audit_id)
        self.team_sent_on = DateField(description="名单发送日", value=plan.team_sent_on if plan else None)
        box = {"width": "640px", "height": "90px"}
        self.objections = widgets.Textarea(
            layout=wide(**box), placeholder="成员编号 | 异议理由 | 处理结果 / member | reason | resolution",
            value="\n".join(f"{o['member']} | {o['reason']} | {o['resolution']}" for o in plan.objections) if plan else "")
        self.agenda = widgets.Textarea(
            layout=wide(**box), placeholder="YYYY-MM-DD | 场所 | 活动 | 审查员编号,… / day | site | activity | auditors",
            value=_agenda_text(plan.agenda) if plan else "")
        self.propose_button = widgets.Button(
            description="按方案生成日程 / propose from the programme", icon="calendar", layout=widgets.Layout(width="auto"),
            tooltip="抽样场所、审核日期和审查组成员 / the sampled sites, the audit dates and the team")
        self.propose_button.on_click(lambda _: self.propose())
        self.save_button = widgets.Button(description="保存审核计划 / save plan", layout=widgets.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        self.shown = widgets.HTML()
        self.check = widgets.HTML()
        for control in (self.team_sent_on, self.objections, self.agenda, self.propose_button, self.save_button):
            control.disabled = self.read_only
        self.children = [widgets.HTML("<h3>审核计划 / audit plan</h3>"), self.lock_banner(), self.team_sent_on,
                         widgets.HTML("<small>对审查组成员的异议 objections to a member</small>"), self.objections,
                         widgets.HTML("<small>日程 agenda（每个场所每天一行 one line per site and day）</small>"), self.agenda,
                         widgets.HBox([self.propose_button, self.save_button]), self.message, self.check, self.shown]
        self.show(plan)

    def show(self, plan) -> None:
        gaps = audit_plan_gaps(self.workbench, self.applicant_id, self.audit_id)
        if gaps:
            items = "".join(f"<li>{html.escape(g.zh)}<br><small>{html.escape(g.en)}</small></li>" for g in gaps)
            self.check.value = (f'<div style="{ERROR_STYLE}">✗ 审核计划未能落实方案，策划阶段不能签署 / the plan does not '
                                f'deliver the programme; planning cannot be signed off<ul>{items}</ul></div>')
        else:
            self.check.value = (f'<div style="{OK_STYLE}">✓ 日程覆盖全部抽样场所，可计入的审查员人日满足现场时间 / the agenda '
                                "covers every sampled site and the countable auditor-days the on-site time</div>")
        if plan is None:
            self.shown.value = ""
            return
        self.shown.value = table_html([{**a, "auditors": "、".join(a["auditors"])} for a in plan.agenda],
                                      {"day": "日期", "site": "场所", "activity": "活动", "auditors": "审查员"})

    def propose(self) -> None:
        """Fill the agenda from the programme (sites, dates) and the team, for the planner to adjust and save."""
        programme = self.workbench.programme(self.audit_id)
        agenda = propose_agenda(programme, [m.auditor.id for m in self.workbench.team(self.audit_id)]) if programme else []
        if not agenda:
            self.message.value = message_html("请先确定审核日期并抽取场所", "set the audit dates and draw the sites first",
                                              ERROR_STYLE)
            return
        self.agenda.value = _agenda_text(agenda)
        self.message.value = message_html("已按方案生成日程，请核对后保存", "agenda proposed: check it, then save")

    def save(self) -> None:
        def write() -> None:
            objections = [dict(zip(("member", "reason", "resolution"), row)) for row in _lines(self.objections.value, 3)]
            agenda = []
            for day, site, activity, auditors in _lines(self.agenda.value, 4):
                try:
                    when = date.fromisoformat(day)
                except ValueError:
                    raise ConflictError(f"日期「{html.escape(day)}」应为 YYYY-MM-DD", f"Day '{day}' must be YYYY-MM-DD") from None
                agenda.append({"day": when, "site": site, "activity": activity,
                               "auditors": [a.strip() for a in auditors.split(",") if a.strip()]})
            self.workbench.save_audit_plan(self.audit_id, team_sent_on=self.team_sent_on.value,
                                           objections=objections, agenda=agenda)
        if self.write(write, "审核计划已保存", "audit plan saved"):
            self.show(self.workbench.audit_plan(self.audit_id))
