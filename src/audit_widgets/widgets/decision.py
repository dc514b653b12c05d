"""DecisionWidget (for the committee): the recommendation and its gates, then the decision
with its members and reasons. A member who was on the audit team is refused."""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as widgets

from ..evaluation import evaluate, recommendation
from ..rules.decision import decided_level
from .base import ERROR_STYLE, OK_STYLE, BoundWidget


def gates_html(reasons: list) -> str:
    items = "".join(
        f"<li style='{OK_STYLE if g['passed'] else ERROR_STYLE}'>{'✓' if g['passed'] else '✗'} "
        f"{html.escape(g['zh'])}<br><small>{html.escape(g['en'])}</small></li>" for g in reasons)
    return f"<ul>{items}</ul>"


class DecisionWidget(BoundWidget):
    edits = "decision"

    def __init__(self, workbench, applicant_id: str, application_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, application_id, read_only)
        evaluation = evaluate(workbench, applicant_id, self.application_id)
        self.recommendation = recommendation(workbench, evaluation, date.today())
        advice = self.recommendation
        verdict = "建议批准认证 / recommend certification" if advice.certifiable else "建议不予认证 / recommend refusal"
        head = widgets.HTML(
            f"<h3>认证决定 / certification decision</h3><p>得分 {evaluation.score.score:.1f}，"
            f"等级 {advice.level_label}（{advice.level_name}）：<b>{verdict}</b></p>"
            + gates_html(advice.as_dict()["reasons"]))
        auditors = {a.id: a.name for a in workbench.auditors()}
        self.members = widgets.SelectMultiple(
            options=[(f"{auditors.get(m, m)}（{m}）", m) for m in workbench.decision_makers()],
            description="决定人员", rows=4)
        self.certified = widgets.ToggleButtons(options=[("批准认证", True), ("不予认证", False)],
                                               value=advice.certifiable)
        self.level = widgets.Dropdown(options=[(f"{l.label} {l.name}", l.rank) for l in self.scheme.levels],
                                      value=advice.level_rank, description="等级")
        self.reasons = widgets.Textarea(description="决定理由", layout=widgets.Layout(width="560px"))
        self.override_reason = widgets.Textarea(
            description="推翻理由", placeholder="决定与推荐意见不一致时必填 / required when deciding against the recommendation",
            layout=widgets.Layout(width="560px"))
        self.decided_on = widgets.DatePicker(description="决定日期", value=date.today())
        self.record_button = widgets.Button(description="记录决定 / record decision", button_style="success",
                                            layout=widgets.Layout(width="auto"))
        self.record_button.on_click(lambda _: self.record())
        self.recorded = widgets.HTML()
        self.form = [self.members, self.certified, self.level, self.reasons, self.override_reason, self.decided_on,
                     self.record_button]
        self.children = [head, self.lock_banner(), *self.form, self.message, self.recorded]
        self.refresh()

    def refresh(self) -> None:
        decision = self.workbench.decision(self.application_id)
        for control in self.form:
            control.disabled = self.read_only or decision is not None
        if decision:
            with self.hold_sync():  # the form shows what was decided, never something else
                self.members.value = tuple(m for m in decision.members if m in dict(self.members.options).values())
                self.certified.value = decision.certified
                self.level.value = decision.level_rank
                self.reasons.value = decision.reasons
                self.override_reason.value = decision.override_reason
                self.decided_on.value = decision.decided_on
            verdict = "批准认证 certified" if decision.certified else "不予认证 not certified"
            override = (f"<br><b style='color:#c62828'>与推荐意见不一致 / against the recommendation</b>："
                        f"{html.escape(decision.override_reason)}" if decision.overrides_recommendation else "")
            self.recorded.value = (f"<p><b>已决定 decided</b> {decision.decided_on}：{verdict}，等级 {decision.level_rank}；"
                                   f"决定人员 {'、'.join(decision.members)}；理由：{html.escape(decision.reasons)}"
                                   f"{override}</p>")

    def record(self) -> None:
        if self.write(lambda: self.workbench.record_decision(
                self.application_id, decided_on=self.decided_on.value, certified=self.certified.value,
                level_rank=decided_level(self.scheme, self.certified.value, self.level.value),
                members=list(self.members.value), reasons=self.reasons.value,
                recommendation=self.recommendation.as_dict(), override_reason=self.override_reason.value),
                "认证决定已记录", "decision recorded"):
            self.refresh()
