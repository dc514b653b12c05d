"""CertificateDecisionPanel (10): the committee's decisions on the certificate between audits
(suspend, withdraw, cancel, reinstate, reduce the scope), each on its grounds, recorded and
signed by a deciding member; then carried out on the certificate, once, by someone who does not
manage the applicant (issue 22 §1)."""
from __future__ import annotations

import html
from dataclasses import replace

import ipywidgets as widgets

from ..contract import EFFECT_NEEDS, EFFECT_STATUS, IN_FORCE, Action, Status
from ..render.html import ERROR_STYLE, message_html, table_html
from .base import CHOOSE, BoundWidget, Confirmation, permission_refusal, wide
from .date_field import DateField
from .shared_models import own_layout


class CertificateDecisionPanel(BoundWidget):
    # Writes two actions, each checked on its own button: deciding (committee) and carrying out.
    writes = None

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        scheme = self.scheme
        self.outcomes = {o.id: o for o in scheme.decision_outcomes if o.between_audits}
        self.outcome = widgets.Dropdown(description="决定")
        self.grounds = widgets.Dropdown(options=[CHOOSE] + [(g.name, g.id) for g in scheme.decision_grounds],
                                        description="依据")
        self.grounds_detail = widgets.Text(description="依据说明", layout=wide("520px"),
                                           placeholder="投诉编号、来函、通报…… / the complaint, letter, order …")
        self.status_reason = widgets.Dropdown(description="原因", layout=own_layout())
        self.deadline = DateField(description="整改期限", layout=own_layout())
        self.decided_on = DateField(description="决定日期", value=self.workbench.clock.today())
        deciders = set(workbench.decision_makers())
        committee = [a for a in workbench.auditors() if a.id in deciders]
        self.members = widgets.SelectMultiple(options=[(f"{a.name} {a.id}", a.id) for a in committee],
                                              value=tuple(a.id for a in committee if a.id == workbench.actor),
                                              rows=3, description="决定委员")
        self.reasons = widgets.Textarea(description="理由", layout=wide("520px"))
        self.scope_domains = widgets.SelectMultiple(description="保留领域", rows=4)
        self.scope_goods = widgets.Text(description="商品", layout=wide("520px"))
        self.scope_services = widgets.Text(description="服务", layout=wide("520px"))
        self.scope_box = widgets.VBox([self.scope_domains, self.scope_goods, self.scope_services],
                                     layout=own_layout())
        self.decide_button = widgets.Button(description="记录并签署决定 / record and sign", button_style="primary",
                                            layout=widgets.Layout(width="auto"))
        self.decide_button.on_click(lambda _: self.ask_to_decide())
        self.pending = widgets.Dropdown(description="待执行", layout=wide("520px"))
        self.carry_out_button = widgets.Button(description="执行决定 / carry out", button_style="warning",
                                               layout=widgets.Layout(width="auto"))
        self.carry_out_button.on_click(lambda _: self.ask_to_carry_out())
        self.confirmation = Confirmation()
        self.decisions = widgets.HTML()
        self.outcome.observe(lambda _: self._fit_form(), names="value")
        deciding = None if read_only else permission_refusal(workbench, Action.DECISION, self.audit_id)
        carrying = None if read_only else permission_refusal(workbench, Action.CERTIFICATE, self.audit_id)
        self.form = [self.outcome, self.grounds, self.grounds_detail, self.status_reason, self.deadline,
                     self.decided_on, self.members, self.reasons, self.scope_domains, self.scope_goods,
                     self.scope_services, self.decide_button]
        for control in self.form:
            control.disabled = read_only or deciding is not None
        self.pending.disabled = self.carry_out_button.disabled = read_only or carrying is not None
        who = "".join(f"<br><small>🔒 {html.escape(r.zh)} / {html.escape(r.en)}</small>"
                      for r in (deciding, carrying) if r is not None and not read_only)
        self.children = [
            widgets.HTML("<h3>认证委员会的决定（审核之间）/ the committee's decisions between audits</h3>"
                         "<p><small>暂停、撤销、注销、恢复和缩小范围须由认证委员会依据投诉结论、持证方申请、监管要求等作出，"
                         "由参与决定的委员本人记录并签署；再由不管理该申请方方案的人员执行 / recorded and signed by a "
                         f"deciding member, carried out by someone who does not manage the applicant</small>{who}</p>"),
            widgets.HBox([self.outcome, self.grounds]), self.grounds_detail,
            widgets.HBox([self.status_reason, self.deadline]), widgets.HBox([self.decided_on, self.members]),
            self.reasons, self.scope_box, self.decide_button, widgets.HBox([self.pending, self.carry_out_button]),
            self.confirmation, self.decisions, self.message]
        self.refresh()

    def refresh(self) -> None:
        self.certificate = self.workbench.certificate_for(self.applicant_id)
        status = self.certificate.status if self.certificate else None
        possible = [o for o in self.outcomes.values()
                    if status is not None and (EFFECT_NEEDS[o.certificate] in (None, status))
                    and status in IN_FORCE]
        with self.hold_sync():
            self.outcome.options = [CHOOSE] + [(o.name, o.id) for o in possible]  # never preselected
            self.outcome.value = ""
            if self.certificate is not None:
                names = {d.id: d.name for d in self.scheme.domains}
                scope = self.certificate.scope
                self.scope_domains.options = [(names.get(d, d), d) for d in scope.domains]
                self.scope_domains.value = tuple(scope.domains)
                self.scope_goods.value, self.scope_services.value = scope.goods, scope.services
        self._fit_form()
        decisions = self.workbench.certificate_decisions(self.applicant_id)
        waiting = [d for d in decisions if d.carried_out_on is None]
        self.pending.options = [(f"#{d.id} {self.scheme.outcomes_by_id[d.outcome].name} {d.certificate_number}"
                                 f"（{d.decided_on}）", d.id) for d in waiting] or [("（无 none）", None)]
        self.pending.value = waiting[0].id if waiting else None
        self.carry_out_button.layout.display = None if waiting else "none"
        grounds = {g.id: g.name for g in self.scheme.decision_grounds}
        rows = [{"id": d.id, "decided_on": d.decided_on, "outcome": self.scheme.outcomes_by_id[d.outcome].name,
                 "grounds": f"{grounds.get(d.grounds, d.grounds)}：{d.grounds_detail}", "members": "、".join(d.members),
                 "carried_out": f"{d.carried_out_on} {d.carried_out_by} → {d.result_number}" if d.carried_out_on
                 else "待执行 waiting"} for d in decisions]
        self.decisions.value = table_html(rows, {"id": "#", "decided_on": "决定日期", "outcome": "决定",
                                                 "grounds": "依据", "members": "决定委员",
                                                 "carried_out": "执行 carried out"}) if rows else ""

    def _fit_form(self) -> None:
        """Show what the chosen decision needs: a reason of its status, a deadline, a scope."""
        outcome = self.outcomes.get(self.outcome.value)
        status = EFFECT_STATUS.get(outcome.certificate) if outcome else None
        reasons = [(r.name, r.id) for r in self.scheme.status_reasons if status and r.status == status]
        self.status_reason.options = reasons if status != Status.VALID else []
        self.status_reason.layout.display = None if self.status_reason.options else "none"
        self.deadline.layout.display = None if outcome and outcome.certificate == "suspend" else "none"
        self.scope_box.layout.display = None if outcome and outcome.certificate == "reduce" else "none"

    def request(self) -> dict:
        """The decision as the form states it now."""
        outcome = self.outcomes.get(self.outcome.value)
        reduce = outcome is not None and outcome.certificate == "reduce"
        scope = (replace(self.certificate.scope, domains=tuple(self.scope_domains.value), goods=self.scope_goods.value,
                         services=self.scope_services.value) if reduce and self.certificate else None)
        return {"outcome": self.outcome.value, "grounds": self.grounds.value, "grounds_detail": self.grounds_detail.value,
                "decided_on": self.decided_on.value, "members": list(self.members.value), "reasons": self.reasons.value,
                "status_reason": self.status_reason.value if self.status_reason.options else None,
                "deadline": self.deadline.value if outcome and outcome.certificate == "suspend" else None,
                "scope": scope}

    def ask_to_decide(self) -> None:
        if self.certificate is None:
            self.message.value = message_html("尚无证书", "There is no certificate", ERROR_STYLE)
            return
        request = self.request()
        name = self.outcomes[request["outcome"]].name if request["outcome"] in self.outcomes else "（未选择 none chosen）"
        self.confirmation.ask(
            f"<b>将记录并签署认证决定「{html.escape(name)}」</b>：证书 {self.certificate.number}，决定委员 "
            f"{html.escape('、'.join(request['members']) or '—')}，日期 {request['decided_on']}；签署后不可修改 / "
            "about to record and sign this decision; it cannot be changed afterwards", lambda: self.decide(request))

    def decide(self, request: dict | None = None) -> None:
        request = request or self.request()
        if self.write(lambda: self.workbench.decide_on_certificate(self.certificate.number, **request),
                      "决定已记录并签署，待执行", "decision recorded and signed; it waits to be carried out"):
            self.refresh()

    def ask_to_carry_out(self) -> None:
        decision_id = self.pending.value
        if decision_id is None:
            return
        self.confirmation.ask(f"<b>将执行决定 #{decision_id}</b>（{html.escape(self.pending.label)}），执行人 "
                              f"{html.escape(self.workbench.actor)} / about to carry out decision #{decision_id}",
                              lambda: self.carry_out(decision_id))

    def carry_out(self, decision_id: int) -> None:
        if self.write(lambda: self.workbench.carry_out_certificate_decision(decision_id, self.workbench.clock.today()),
                      "决定已执行", "decision carried out"):
            self.refresh()
