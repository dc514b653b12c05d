"""ReviewForm (02): the application review before anything is planned. The rules' findings
(registration type, branch, licences, credit record, competent auditors) show as the reviewer
fills the form; the store refuses to accept while any remains. A refusal writes the letter
(the document registry's refusal_letter follows the review)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..contract import Action
from ..render.html import ERROR_STYLE, OK_STYLE
from ..rules.review import review_application
from .base import BoundWidget, wide


class ReviewForm(BoundWidget):
    edits = "review"
    writes = Action.REVIEW

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.applicant = workbench.get_applicant(applicant_id)
        recorded = workbench.review(self.audit_id)
        held = recorded.licences if recorded else {}
        self.licences = {}
        rows = []
        for licence in self.scheme.domain_licences:
            if licence.domain not in self.applicant.domains:
                continue
            reference = widgets.Text(value=held.get(licence.id, {}).get("reference", ""), layout=wide(),
                                     placeholder="证号，或不需要的原因 / number, or why not needed")
            has = widgets.Checkbox(value=held.get(licence.id, {}).get("held", False), description="持有 held")
            self.licences[licence.id] = (has, reference)
            rows.append(widgets.HTML(f"<b>{html.escape(licence.name)}</b> <small>（{html.escape(licence.needed_when)}）</small>"))
            rows.append(widgets.HBox([has, reference]))
        self.credit_clear = widgets.Checkbox(value=recorded.credit_clear if recorded else False,
                                             description="无严重失信记录 no serious credit record",
                                             style={"description_width": "initial"}, indent=False,
                                             layout=widgets.Layout(width="auto"))
        self.credit_evidence = widgets.Text(value=recorded.credit_evidence if recorded else "", layout=wide(),
                                            description="查询证据", placeholder="信用中国查询截图文件名 / evidence file")
        self.parent_authorisation = widgets.Text(value=recorded.parent_authorisation if recorded else "", layout=wide(),
                                                 description="上级授权", placeholder="分支机构须填 / branches only")
        self.domain_reason = widgets.Textarea(value=recorded.domain_reason if recorded else "", layout=wide(),
                                              description="领域理由")
        self.accepted = widgets.ToggleButtons(options=[("受理 accept", True), ("不予受理 refuse", False)],
                                              value=recorded.accepted if recorded else True)
        self.reason = widgets.Textarea(value=recorded.reason if recorded else "", layout=wide(), description="理由")
        self.findings = widgets.HTML()
        self.record_button = widgets.Button(description="记录评审结论 / record review", button_style="primary",
                                            layout=widgets.Layout(width="auto"))
        self.record_button.on_click(lambda _: self.record())
        self.form = [*(c for pair in self.licences.values() for c in pair), self.credit_clear, self.credit_evidence,
                     self.parent_authorisation, self.domain_reason, self.accepted, self.reason, self.record_button]
        for control in self.form:
            control.disabled = self.read_only
            if control is not self.record_button:
                control.observe(lambda _: self.show_findings(), names="value")
        self.children = [widgets.HTML("<h3>申请评审 / application review</h3>"), self.lock_banner(), *rows,
                         self.credit_clear, self.credit_evidence, self.parent_authorisation, self.domain_reason,
                         self.findings, self.accepted, self.reason, self.record_button, self.message]
        self.show_findings()

    @classmethod
    def for_stage(cls, view) -> list:
        """Reviewed once per application: at the audits that go through the application stage."""
        if not view.workbench.scheme.procedure_by_id["application"].applies_to(view.audit_type):
            return []
        return super().for_stage(view)

    def values(self) -> dict:
        return {"licences": {k: {"held": has.value, "reference": ref.value} for k, (has, ref) in self.licences.items()},
                "credit_clear": self.credit_clear.value, "credit_evidence": self.credit_evidence.value,
                "parent_authorisation": self.parent_authorisation.value, "domain_reason": self.domain_reason.value}

    def show_findings(self) -> None:
        check = review_application(self.scheme, self.applicant, auditors=self.workbench.auditors(),
                                   on=self.workbench.clock.today(),
                                   **self.values())
        competent = "；".join(f"{d}: {'、'.join(who) or '无 none'}" for d, who in check.competent.items())
        if check.acceptable:
            state = f"<p style='{OK_STYLE}'>✓ 可以受理 / may be accepted</p>"
        else:
            state = "<ul>" + "".join(f"<li style='{ERROR_STYLE}'>{html.escape(p.zh)}<br><small>{html.escape(p.en)}"
                                     "</small></li>" for p in check.problems) + "</ul>"
        branch = "（分支机构 branch：须上级授权）" if check.branch else ""
        self.findings.value = (f"<p>统一社会信用代码 {html.escape(self.applicant.uscc)}{branch}；"
                               f"可审查该领域的审查员 competent auditors：{html.escape(competent)}</p>{state}")

    def record(self) -> None:
        done = ("评审结论已记录", "review recorded") if self.accepted.value else ("已记录不予受理", "refusal recorded")
        self.write(lambda: self.workbench.record_review(self.audit_id, accepted=self.accepted.value,
                                                        reason=self.reason.value, reviewed_on=self.workbench.clock.today(),
                                                        **self.values()), *done)
