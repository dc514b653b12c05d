"""CertificatePanel: issue the certificate, show its status history, and record suspension,
withdrawal, cancellation, restoration or a scope change with its reason."""
from __future__ import annotations

import html
from dataclasses import replace
from datetime import date

import ipywidgets as widgets

from ..contract import Action
from ..render.html import ERROR_STYLE, LOCKED_STYLE, message_html, table_html
from ..rules.lifecycle import status_changes_by_hand
from .base import CHOOSE, BoundWidget

ISSUING = ("issue", "reissue")  # decisions that put a new certificate in the holder's hands


class CertificatePanel(BoundWidget):
    edits = "certificate"
    writes = Action.CERTIFICATE

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        statuses = {s.id: s.name for s in self.scheme.certificate_statuses}
        self.status_names = statuses
        self.issue_button = widgets.Button(description="签发证书 / issue", button_style="success",
                                           layout=widgets.Layout(width="auto"))
        self.issue_button.on_click(lambda _: self.ask_to_issue())
        self.issue_note = widgets.HTML()  # why issuing is not available yet
        self.confirm_text = widgets.HTML()
        self.confirm_button = widgets.Button(description="确认 / confirm", button_style="danger",
                                             layout=widgets.Layout(width="auto"))
        self.cancel_button = widgets.Button(description="取消 / cancel", layout=widgets.Layout(width="auto"))
        self.pending = None  # the action the confirmation button carries out
        self.confirm_button.on_click(lambda _: self._confirmed())
        self.cancel_button.on_click(lambda _: self._hide_confirmation())
        self.confirmation = widgets.VBox([self.confirm_text, widgets.HBox([self.confirm_button, self.cancel_button])],
                                         layout=widgets.Layout(display="none"))
        self.details = widgets.HTML()
        self.history = widgets.HTML()
        self.to_status = widgets.Dropdown(description="变更为")
        self.reason = widgets.Dropdown(description="原因")
        self.on = widgets.DatePicker(description="日期", value=date.today())
        self.decided_by = widgets.Text(description="决定人", value=workbench.actor)
        self.change_button = widgets.Button(description="记录状态变更 / record change", layout=widgets.Layout(width="auto"))
        self.change_button.on_click(lambda _: self.ask_to_change())
        self.to_status.observe(lambda _: self._reasons(), names="value")
        self.scope_domains = widgets.SelectMultiple(description="保留领域", rows=4)
        self.scope_goods = widgets.Text(description="商品", layout=widgets.Layout(width="520px"))
        self.scope_services = widgets.Text(description="服务", layout=widgets.Layout(width="520px"))
        self.scope_reason = widgets.Text(description="原因", layout=widgets.Layout(width="520px"))
        self.scope_button = widgets.Button(description="缩小认证范围 / reduce scope", layout=widgets.Layout(width="auto"))
        self.scope_button.on_click(lambda _: self.ask_to_reduce_scope())
        self.form = [self.issue_button, self.to_status, self.reason, self.on, self.decided_by, self.change_button,
                     self.scope_domains, self.scope_goods, self.scope_services, self.scope_reason, self.scope_button]
        for control in self.form:
            control.disabled = self.read_only
        status_head = widgets.HTML("<h4>暂停、撤销、注销 / status change</h4><p><small>恢复证书须在监督或特殊审核后由"
                                   "认证委员会决定（07）/ reinstatement is the committee's decision after an audit (07)"
                                   "</small></p>")
        self.children = [widgets.HTML("<h3>认证证书 / certificate</h3>"), self.lock_banner(), self.issue_button,
                         self.issue_note, self.confirmation, self.details, self.history, status_head,
                         widgets.HBox([self.to_status, self.reason]), widgets.HBox([self.on, self.decided_by]),
                         self.change_button, widgets.HTML("<h4>缩小范围 / scope reduction</h4>"), self.scope_domains,
                         self.scope_goods, self.scope_services, self.scope_reason, self.scope_button, self.message]
        self._reasons()
        self.refresh()

    def _reasons(self) -> None:
        self.reason.options = [(r.name, r.id) for r in self.scheme.status_reasons if r.status == self.to_status.value]
        self.reason.value = self.reason.options[0][1] if self.reason.options else None

    def pending_decision(self):
        """The audit's decision while it is still to be carried out on the certificate, else None."""
        decision = self.workbench.decision(self.audit_id)
        if decision is None or self.scheme.outcomes_by_id[decision.outcome].certificate == "none":
            return None
        return None if self.workbench.decision_carried_out(self.audit_id) else decision

    def refresh(self) -> None:
        self.certificate = self.workbench.certificate_for(self.applicant_id)
        pending = self.pending_decision()
        self.issue_button.layout.display = None if pending else "none"
        self.issue_note.value = ""
        if pending is not None:
            outcome = self.scheme.outcomes_by_id[pending.outcome]
            self.issue_button.description = ("签发证书 / issue" if outcome.certificate in ISSUING
                                             else f"执行决定：{outcome.name} / carry out")
            signed = self.workbench.is_signed(self.audit_id, "decision")
            self.issue_button.disabled = self.read_only or not signed
            if not signed:  # the store refuses it too (decision.unsigned): say why before the click
                self.issue_note.value = message_html(
                    f"认证决定（07）尚未由作出决定的委员（{'、'.join(pending.members)}）签署，签署后方可执行",
                    "the decision (07) is not signed off yet by a member who took it: it can be carried out "
                    "once signed", ERROR_STYLE)
        if self.certificate is None:
            self.details.value = "<p>尚未签发 / not issued</p>"
            self.history.value = ""
            return
        c = self.certificate
        allowed = status_changes_by_hand(self.scheme, c.status)  # reinstatement is a decision (07)
        # No default: suspending or withdrawing is chosen, never preselected.
        self.to_status.options = [CHOOSE] + [(self.status_names[s], s) for s in allowed]
        self.to_status.value = ""
        self._reasons()
        applicant = self.workbench.get_applicant(self.applicant_id)
        domain_names = {d.id: d.name for d in self.scheme.domains}
        level = next(l for l in self.scheme.levels if l.rank == c.level_rank)
        meta = self.scheme.meta
        scope = c.scope
        fields = [
            ("证书编号 number", c.number), ("持证方 holder", applicant.name), ("地址 address", applicant.address),
            ("统一社会信用代码 USCC", applicant.uscc),
            ("认证范围 scope", f"{'、'.join(domain_names[d] for d in scope.domains)}：{scope.goods}；{scope.services}"),
            ("场所 sites", "、".join(scope.sites)), ("成熟度等级 level", f"{level.label} {level.name}"),
            ("依据 rule / criteria", f"{meta.rule}（{meta.rule_version}）；{meta.criteria}"),
            ("发证日期 issued", c.issued_on), ("有效期至 expires", c.expires_on),
            ("状态 status", self.status_names[c.status]), ("认证机构 body", meta.certification_body),
        ]
        with self.hold_sync():
            self.scope_domains.options = [(domain_names[d], d) for d in scope.domains]
            self.scope_domains.value = tuple(scope.domains)
            self.scope_goods.value, self.scope_services.value = scope.goods, scope.services
        self.details.value = "<table>" + "".join(
            f"<tr><td style='padding:2px 8px'>{html.escape(k)}</td><td><b>{html.escape(str(v))}</b></td></tr>"
            for k, v in fields) + "</table>"
        reasons = {(r.status, r.id): r.name for r in self.scheme.status_reasons}
        history = [{**h.as_dict(), "to_status": self.status_names.get(h.to_status, h.to_status),
                    "reason": reasons.get((h.to_status, h.reason), h.reason)}
                   for h in self.workbench.status_history(c.number)]
        self.history.value = "<h4>状态历史 / status history</h4>" + table_html(
            history, {"on": "日期", "to_status": "状态", "reason": "原因", "decided_by": "决定人",
                      "recorded_by": "经办人 recorded by"})

    def ask_to_issue(self) -> None:
        """Issuing cannot be undone: say exactly what will be issued, on whose decision, first."""
        decision = self.pending_decision()
        if decision is None:
            self.message.value = message_html("没有待执行的认证决定", "There is no decision to carry out", ERROR_STYLE)
            return
        applicant = self.workbench.get_applicant(self.applicant_id)
        level = next(l for l in self.scheme.levels if l.rank == decision.level_rank)
        domains = "、".join(d.name for d in self.scheme.domains if d.id in applicant.domains)
        outcome = self.scheme.outcomes_by_id[decision.outcome]
        self.ask(
            ("<b>将签发证书 / about to issue</b>：" if outcome.certificate in ISSUING else
             f"<b>将执行认证决定「{html.escape(outcome.name)}」/ about to carry out '{outcome.id}'</b>：")
            + f"{html.escape(applicant.name)}"
            f"（{html.escape(applicant.uscc)}），成熟度等级 <b>{level.label} {level.name}</b>，范围 scope：{domains}；"
            f"依据 {decision.decided_on} 的认证决定（决定人员 {html.escape('、'.join(decision.members))}）；"
            f"签发人 issued by：{html.escape(self.workbench.actor)}。签发后不可撤回 / this cannot be undone.", self.issue)

    def ask_to_change(self) -> None:
        if self.certificate is None:
            return
        request = self.status_request()  # confirmed as shown: later edits to the form do not count
        target = self.status_names.get(request[0], "（未选择 none chosen）")
        self.ask(f"将证书 {self.certificate.number} 从「{self.status_names[self.certificate.status]}」变更为"
                 f"「{target}」，原因 {self.reason.label or '—'}，日期 {request[2]}，"
                 f"决定人 {html.escape(request[3])} / about to change the certificate's status",
                 lambda: self.change(request))

    def ask_to_reduce_scope(self) -> None:
        if self.certificate is None:
            return
        request = self.scope_request()
        domains = "、".join(d.name for d in self.scheme.domains if d.id in request[0].domains)
        self.ask(f"将证书 {self.certificate.number} 的认证范围缩小为：{domains}；{html.escape(request[0].goods)}；"
                 f"{html.escape(request[0].services)}，原因：{html.escape(request[1]) or '（未填写）'} / "
                 "about to reduce the certificate's scope", lambda: self.reduce_scope(request))

    def ask(self, text_html: str, action) -> None:
        """Destructive actions are carried out only after a confirmation that says what they do."""
        self.pending = action
        self.confirm_text.value = f"<div style='{LOCKED_STYLE}'>{text_html}</div>"
        self.confirmation.layout.display = None

    def _confirmed(self) -> None:
        action, self.pending = self.pending, None
        self._hide_confirmation()
        if action is not None:
            action()

    def _hide_confirmation(self) -> None:
        self.confirmation.layout.display = "none"

    def issue(self) -> None:
        self._hide_confirmation()
        issuing = (self.pending_decision() is not None
                   and self.scheme.outcomes_by_id[self.pending_decision().outcome].certificate in ISSUING)
        done = ("证书已签发", "certificate issued") if issuing else ("认证决定已执行", "decision carried out")
        if self.write(lambda: self.workbench.issue_certificate(self.audit_id, date.today()), *done):
            self.refresh()

    def scope_request(self) -> tuple:
        """What a scope reduction would record, as the form says now."""
        scope = replace(self.certificate.scope, domains=tuple(self.scope_domains.value),
                        goods=self.scope_goods.value, services=self.scope_services.value)
        return scope, self.scope_reason.value, self.on.value, self.decided_by.value

    def status_request(self) -> tuple:
        """What a status change would record, as the form says now."""
        return self.to_status.value, self.reason.value, self.on.value, self.decided_by.value

    def reduce_scope(self, request: tuple | None = None) -> None:
        """Record the scope reduction that was confirmed (or, called directly, the form's)."""
        if self.certificate is None:
            return
        scope, reason, on, decided_by = request or self.scope_request()
        if self.write(lambda: self.workbench.reduce_scope(self.certificate.number, scope, reason, on, decided_by),
                      "认证范围已缩小", "scope reduced"):
            self.refresh()

    def change(self, request: tuple | None = None) -> None:
        """Record the status change that was confirmed (or, called directly, the form's)."""
        if self.certificate is None:
            return
        to_status, reason, on, decided_by = request or self.status_request()
        if self.write(lambda: self.workbench.change_certificate_status(
                self.certificate.number, to_status, reason, on, decided_by), "状态已变更", "status changed"):
            self.refresh()
