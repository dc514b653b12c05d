"""FindingsWidget: findings with grade, clause, evidence, corrective action, due date and
verification."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..contract import Action
from ..evidence import findings_to_follow_up
from ..render.html import ERROR_STYLE, message_html, table_html
from ..render.results import finding_grade_html, findings_html
from .base import CHOOSE, BoundWidget
from .date_field import DateField
from .static import FORM_CLASS


class FindingsWidget(BoundWidget):
    edits = "findings"
    writes = Action.EVALUATION

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        # No default grade: the auditor chooses (a default of 严重不符合 was too easy to keep by mistake).
        grades = [CHOOSE] + [(g.name, g.id) for g in self.scheme.finding_grades]
        domains = workbench.get_applicant(applicant_id).domains
        clauses = [(f"{i.id} {i.text[:24]}", i.id) for i in self.scheme.items_for(domains)]
        wide = widgets.Layout(width="560px")
        self.grade = widgets.Dropdown(options=grades, description="等级 grade")
        self.clause = widgets.Dropdown(options=clauses, description="条款 clause", layout=wide)
        self.description = widgets.Textarea(description="描述", layout=wide)
        self.evidence = widgets.Text(description="客观证据", layout=wide)
        self.add_button = widgets.Button(description="登记发现 / add finding", button_style="warning",
                                         layout=widgets.Layout(width="auto"))
        self.add_button.on_click(lambda _: self.add())
        self.selected = widgets.Dropdown(description="选择发现")
        self.correction = widgets.Textarea(description="纠正", layout=wide, placeholder="对不符合本身的处置 / correction")
        self.root_cause = widgets.Textarea(description="原因分析", layout=wide, placeholder="根本原因 / root cause")
        self.plan = widgets.Textarea(description="纠正措施", layout=wide, placeholder="消除原因的措施 / corrective action")
        self.implementation = widgets.Textarea(description="实施证据", layout=wide,
                                               placeholder="措施已实施的证据 / evidence of implementation")
        self.accepted_on = DateField(description="计划接受日")
        self.verified_on = DateField(description="验证日期")
        self.save_action = widgets.Button(description="保存纠正措施 / save action", layout=widgets.Layout(width="auto"))
        self.save_action.on_click(lambda _: self.save_corrective_action())
        self.selected.observe(lambda _: self._load_selected(), names="value")
        self.listing = widgets.HTML()
        self.accepted_by = widgets.HTML()  # who accepted the plan and who verified it, as recorded
        for control in (self.grade, self.clause, self.description, self.evidence, self.add_button):
            control.disabled = self.read_only
        # Corrections are accepted and verified after the report is signed: only batch runs and
        # unknown people may not record them (the store does not lock them either).
        self.action_fields = (self.correction, self.root_cause, self.plan, self.implementation)
        for control in (self.selected, *self.action_fields, self.accepted_on, self.verified_on, self.save_action):
            control.disabled = self.view_only
        self.follow_up = widgets.HTML()
        new_finding = widgets.VBox([widgets.HTML("<h4>登记新发现 / new finding</h4>"), self.grade, self.clause,
                                    self.description, self.evidence, self.add_button])
        action = widgets.VBox([widgets.HTML("<h4>纠正措施 / corrective action</h4>"), self.selected, *self.action_fields,
                               widgets.HBox([self.accepted_on, self.verified_on]), self.accepted_by, self.save_action])
        for form in (new_finding, action):  # the findings table shows what was recorded
            form.add_class(FORM_CLASS)
        self.children = [widgets.HTML("<h3>审查发现 / findings</h3>"), self.lock_banner(), self.follow_up, self.listing,
                         new_finding, action, self.message]
        self.refresh()

    def refresh(self) -> None:
        # The previous audit's findings left open at its decision are verified by this team: they
        # are listed apart, and chosen below like this audit's own.
        self.earlier = findings_to_follow_up(self.workbench, self.audit_id)
        self.follow_up.value = (
            "<h4>上次审核未关闭的发现：本次跟踪验证 / the previous audit's open findings, to verify now</h4>"
            + findings_html(self.scheme, [f.as_dict() for f in self.earlier], with_evidence=True)
            if self.earlier else "")
        self.findings = self.workbench.findings(self.audit_id)
        def state(f) -> str:
            return "已验证" if f.verified_on else ("计划已接受" if f.plan_accepted_on else ("待纠正" if f.due_on else "—"))
        rows = [{"id": f.id, "grade": finding_grade_html(self.scheme, f.as_dict()), "clause": html.escape(f.clause),
                 "description": html.escape(f.description), "due_on": f.due_on or "", "state": state(f)}
                for f in self.findings]
        self.listing.value = (table_html(rows, {"id": "编号", "grade": "等级", "clause": "条款", "description": "描述",
                                                "due_on": "期限", "state": "状态"}, escape=False)
                              if rows else "<p>暂无发现 / none</p>")
        current = self.selected.value
        self.selected.options = ([(f"{f.id} {f.clause} {f.description[:20]}", f.id) for f in self.findings]
                                 + [(f"{f.id} {f.clause} {f.description[:20]}（上次审核 previous audit）", f.id)
                                    for f in self.earlier])
        # ipywidgets leaves the value empty when the options change: keep the choice, else the first.
        ids = [f.id for f in (*self.findings, *self.earlier)]
        self.selected.value = current if current in ids else (ids[0] if ids else None)

    def add(self) -> None:
        if self.write(lambda: self.workbench.add_finding(
                self.audit_id, self.grade.value, self.clause.value, self.description.value,
                evidence=self.evidence.value), "已登记发现（日期为本次审核的最后现场日）",
                "finding added (dated by the audit's last on-site day)"):
            self.description.value = ""
            self.evidence.value = ""
            self.refresh()

    def _load_selected(self) -> None:
        finding = next((f for f in (*self.findings, *self.earlier) if f.id == self.selected.value), None)
        if finding:
            with self.hold_sync():
                self.plan.value = finding.plan
                self.correction.value, self.root_cause.value = finding.correction, finding.root_cause
                self.implementation.value = finding.implementation_evidence
                self.accepted_on.value = finding.plan_accepted_on
                self.verified_on.value = finding.verified_on
                self.accepted_by.value = message_html(
                    f"发现日期 {finding.raised_on}；计划接受：{finding.accepted_by or '—'}；验证：{finding.verified_by or '—'}",
                    f"raised {finding.raised_on}; plan accepted by {finding.accepted_by or '—'}; "
                    f"verified by {finding.verified_by or '—'}")

    def save_corrective_action(self) -> None:
        finding_id = self.selected.value
        if finding_id is None:
            self.message.value = message_html("请先登记或选择一项发现", "Add or choose a finding first", ERROR_STYLE)
            return
        if self.write(lambda: self.workbench.save_corrective_action(
                finding_id, self.plan.value, accepted_on=self.accepted_on.value, verified_on=self.verified_on.value,
                correction=self.correction.value, root_cause=self.root_cause.value,
                implementation_evidence=self.implementation.value,
                following_up=self.audit_id if finding_id in {f.id for f in self.earlier} else None),
                "纠正措施已保存", "corrective action saved"):
            self.refresh()
            self._load_selected()
