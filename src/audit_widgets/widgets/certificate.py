"""CertificatePanel: carry out the audit's signed decision on the certificate (issue, reissue,
suspend …), and show the certificate and its status history. Changes between audits are the
committee's decisions (certificate_decisions.py)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..body import load_body
from ..contract import Action
from ..render.html import ERROR_STYLE, message_html, table_html
from .base import BoundWidget, Confirmation
from .documents import DocumentFiles

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
        self.confirmation = Confirmation()
        self.details = widgets.HTML()
        self.history = widgets.HTML()
        self.issue_button.disabled = self.read_only
        between = widgets.HTML("<p><small>暂停、撤销、注销、恢复和缩小范围是认证委员会的决定：在审核之后于 07 作出，"
                               "审核之间于 10 作出 / suspension, withdrawal, cancellation, reinstatement and scope "
                               "reduction are the committee's decisions: in 07 after an audit, in 10 between audits"
                               "</small></p>")
        self.children = [widgets.HTML("<h3>认证证书 / certificate</h3>"), self.lock_banner(), self.issue_button,
                         self.issue_note, self.confirmation, self.details, self.history, between, self.message,
                         DocumentFiles(workbench, applicant_id, "certificate")]
        self.refresh()

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
            ("状态 status", self.status_names[c.status]), ("认证机构 body", load_body().name),
        ]
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
        self.confirmation.ask(
            ("<b>将签发证书 / about to issue</b>：" if outcome.certificate in ISSUING else
             f"<b>将执行认证决定「{html.escape(outcome.name)}」/ about to carry out '{outcome.id}'</b>：")
            + f"{html.escape(applicant.name)}"
            f"（{html.escape(applicant.uscc)}），成熟度等级 <b>{level.label} {level.name}</b>，范围 scope：{domains}；"
            f"依据 {decision.decided_on} 的认证决定（决定人员 {html.escape('、'.join(decision.members))}）；"
            f"签发人 issued by：{html.escape(self.workbench.actor)}。签发后不可撤回 / this cannot be undone.", self.issue)

    def issue(self) -> None:
        self.confirmation.hide()
        issuing = (self.pending_decision() is not None
                   and self.scheme.outcomes_by_id[self.pending_decision().outcome].certificate in ISSUING)
        done = ("证书已签发", "certificate issued") if issuing else ("认证决定已执行", "decision carried out")
        if self.write(lambda: self.workbench.issue_certificate(self.audit_id, self.workbench.clock.today()), *done):
            self.refresh()
