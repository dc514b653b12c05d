"""DecisionWidget (for the committee): the recommendation and its gates, then the decision
with its members and reasons. The decisions offered are those the audit's type allows
(certify or refuse after an initial audit; maintain, raise, lower, suspend, withdraw or
reinstate after a surveillance). A member who was on the audit team is refused. A recorded
decision closes the audit; the committee reopens it here, with a reason, to have what it rested
on corrected (before it is carried out on the certificate)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..contract import EFFECT_STATUS, Action
from ..evaluation import evaluate, recommendation
from ..render.html import ERROR_STYLE, gates_html, people
from ..rules.cycle import outcome_level, suggested_outcome
from .base import BoundWidget
from .date_field import DateField
from .recorded import RECOMPUTED, signed_recommendation, signed_report
from .shared_models import own_layout


class DecisionWidget(BoundWidget):
    edits = "decision"
    writes = Action.DECISION

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        # The committee decides on the signed report: its recommendation as recorded. Before the
        # report is signed the screen computes one, and says that is what it is.
        report = signed_report(workbench, self.audit_id)
        if report is not None:
            advice, score, source = signed_recommendation(report), report.scores.score if report.scores else None, ""
        else:
            evaluation = evaluate(workbench, applicant_id, self.audit_id)
            advice, score = recommendation(workbench, evaluation, workbench.clock.today()), evaluation.score.score
            source = RECOMPUTED
        self.recommendation = advice
        verdict = "建议批准认证 / recommend certification" if advice.certifiable else "建议不予认证 / recommend refusal"
        head = widgets.HTML(
            f"<h3>认证决定 / certification decision</h3>{source}<p>"
            + (f"得分 {score:.1f}，" if score is not None else "")
            + f"等级 {advice.level_label}（{advice.level_name}）：<b>{verdict}</b></p>"
            + gates_html(advice.as_dict()["reasons"]))
        auditors = {a.id: a.name for a in workbench.auditors()}
        self.members = widgets.SelectMultiple(
            options=[(f"{auditors.get(m, m)}（{m}）", m) for m in workbench.decision_makers()],
            description="决定人员", rows=4)
        self.audit = workbench.audit(self.audit_id)
        self.certificate = workbench.certificate_for(applicant_id)
        if self.certificate is not None and self.certificate.audit_id == self.audit_id:
            self.certificate = None  # issued on this audit's decision: the decision acted on none
        outcomes = self.scheme.outcomes_by_id
        self.outcome = widgets.ToggleButtons(
            options=[(outcomes[o].name, o) for o in self.scheme.audit_type(self.audit.audit_type).decisions],
            value=suggested_outcome(self.scheme, self.audit.audit_type, certifiable=advice.certifiable,
                                    advised_rank=advice.level_rank, certificate=self.certificate,
                                    scope_extension=bool(self.audit.requested_scope),
                                    methods=self.audit.covered_methods(self.scheme)),
            description="决定")
        self.level = widgets.Dropdown(options=[(f"{l.label} {l.name}", l.rank) for l in self.scheme.levels],
                                      value=advice.level_rank, description="等级")
        self.status_reason = widgets.Dropdown(description="暂停/撤销原因", layout=own_layout())
        self.deadline = DateField(description="整改期限", layout=own_layout())
        self.outcome.observe(lambda _: self._outcome_changed(), names="value")
        self.reasons = widgets.Textarea(description="决定理由", layout=widgets.Layout(width="560px"))
        self.override_reason = widgets.Textarea(
            description="推翻理由", placeholder="决定与推荐意见不一致时必填 / required when deciding against the recommendation",
            layout=widgets.Layout(width="560px"))
        self.decided_on = DateField(description="决定日期", value=self.workbench.clock.today())
        self.record_button = widgets.Button(description="记录决定 / record decision", button_style="success",
                                            layout=widgets.Layout(width="auto"))
        self.record_button.on_click(lambda _: self.record())
        self.recorded = widgets.HTML()
        self.reopen_reason = widgets.Textarea(
            description="重开理由", placeholder="重开认证决定的理由（审核随之重新打开）/ why the decision is reopened",
            layout=widgets.Layout(width="560px"))
        self.reopen_button = widgets.Button(description="重开决定 / reopen the decision", button_style="warning",
                                            layout=widgets.Layout(width="auto"))
        self.reopen_button.on_click(lambda _: self.reopen())
        self.reopening = widgets.VBox([self.reopen_reason, self.reopen_button], layout=own_layout())
        self.form = [self.members, self.outcome, self.level, self.status_reason, self.deadline, self.reasons,
                     self.override_reason, self.decided_on, self.record_button]
        self.banner = self.lock_banner()
        self.children = [head, self.banner, *self.form, self.message, self.recorded, self.reopening]
        self._outcome_changed()
        self.refresh()

    def _outcome_changed(self) -> None:
        """A suspension or withdrawal asks for its status reason (and a suspension its deadline)."""
        action = self.scheme.outcomes_by_id[self.outcome.value].certificate
        status = EFFECT_STATUS.get(action) if action in ("suspend", "withdraw") else None
        self.status_reason.options = [(r.name, r.id) for r in self.scheme.status_reasons if r.status == status]
        self.status_reason.layout.display = None if status else "none"
        self.deadline.layout.display = None if action == "suspend" else "none"

    def refresh(self) -> None:
        decision = self.workbench.decision(self.audit_id)
        for control in self.form:
            control.disabled = self.read_only or decision is not None
        # The committee reopens whatever locks the form (the decision stage's sign-off included).
        may_reopen = not self.view_only and self.not_permitted is None
        self.reopening.layout.display = None if decision is not None and may_reopen else "none"
        if decision:
            with self.hold_sync():  # the form shows what was decided, never something else
                self.members.value = tuple(m for m in decision.members if m in dict(self.members.options).values())
                self.outcome.value = decision.outcome
                self.level.value = decision.level_rank
                self.reasons.value = decision.reasons
                self.override_reason.value = decision.override_reason
                self.decided_on.value = decision.decided_on
            outcome = self.scheme.outcomes_by_id.get(decision.outcome)
            members = people(self.workbench.people_names(), decision.members)
            verdict = f"{outcome.name} {outcome.id}" if outcome else decision.outcome
            override = (f"<br><b style='{ERROR_STYLE}'>与推荐意见不一致 / against the recommendation</b>："
                        f"{html.escape(decision.override_reason)}" if decision.overrides_recommendation else "")
            self.recorded.value = (f"<p><b>已决定 decided</b> {decision.decided_on}：{verdict}，等级 {decision.level_rank}；"
                                   f"决定人员 {html.escape(members)}；理由：{html.escape(decision.reasons)}"
                                   f"{override}</p>")

    def record(self) -> None:
        action = self.scheme.outcomes_by_id[self.outcome.value].certificate
        if self.write(lambda: self.workbench.record_decision(
                self.audit_id, decided_on=self.decided_on.value, outcome=self.outcome.value,
                level_rank=outcome_level(self.scheme, self.outcome.value, self.level.value, self.certificate),
                members=list(self.members.value), reasons=self.reasons.value,
                override_reason=self.override_reason.value,
                status_reason=self.status_reason.value if action in ("suspend", "withdraw") else None,
                deadline=self.deadline.value if action == "suspend" else None),
                "认证决定已记录", "decision recorded"):
            self.refresh()

    def reopen(self) -> None:
        if self.write(lambda: self.workbench.reopen_decision(self.audit_id, self.reopen_reason.value),
                      "认证决定已重开，审核重新打开", "decision reopened; the audit is open again"):
            self.read_only = self.view_only or self.locked or self.not_permitted is not None  # unlocked now
            self.banner.value = self.lock_banner().value  # the sign-off it showed was lifted with the decision
            self.reopen_reason.value = ""
            self.recorded.value = ""
            self.refresh()
