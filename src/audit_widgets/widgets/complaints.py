"""ComplaintsAndAppeals (11): every complaint and appeal with where it stands and its
deadlines, a form to record a new one, and a form to act on one: acknowledge it, name who
investigates or handles it (the store refuses anyone involved in the matter), and close it
with its outcome. A complaint upheld against a holder may open a special audit of it; an
upheld appeal reopens the decision appealed."""
from __future__ import annotations

import html
from datetime import date, timedelta

import ipywidgets as widgets

from ..errors import WorkbenchError
from ..render.html import ERROR_STYLE, WARNING_STYLE, error_html, message_html, table_html
from ..store.complaints import COMPLAINANT_KINDS, COMPLAINT_ABOUT
from .base import CHOOSE, wide
from .date_field import DateField
from .shared_models import own_layout


class ComplaintsAndAppeals(widgets.VBox):
    def __init__(self, workbench, read_only: bool = False, today: date | None = None):
        super().__init__()
        self.workbench = workbench
        self.scheme = workbench.scheme
        self.today = today or date.today()
        self.read_only = read_only
        self.lists = widgets.HTML()
        self.message = widgets.HTML()
        people = [(f"{a.name}（{a.id}）", a.id) for a in workbench.auditors()]
        applicants = [(f"{a.name}（{a.id}）", a.id) for a in workbench.list_applicants()]
        # A new complaint
        self.received_on = DateField(description="收到日期", value=self.today)
        self.complainant = widgets.Text(description="投诉人", layout=wide())
        self.kind = widgets.Dropdown(options=[(v, k) for k, v in COMPLAINANT_KINDS.items()], description="投诉人类型")
        self.about = widgets.Dropdown(options=[(v, k) for k, v in COMPLAINT_ABOUT.items()], description="投诉对象")
        self.holder = widgets.Dropdown(options=[CHOOSE, *applicants], description="持证方")
        self.subject = widgets.Textarea(description="投诉内容", layout=wide())
        self.add_complaint_button = widgets.Button(description="登记投诉 / record complaint", button_style="primary",
                                                   layout=widgets.Layout(width="auto"))
        self.add_complaint_button.on_click(lambda _: self.add_complaint())
        # A new appeal
        self.appeal_audit = widgets.Dropdown(options=[CHOOSE, *self._decided_audits()], description="被申诉的决定",
                                             layout=wide())
        self.appellant = widgets.Text(description="申诉人", layout=wide())
        self.grounds = widgets.Textarea(description="申诉理由", layout=wide())
        self.add_appeal_button = widgets.Button(description="登记申诉 / record appeal", button_style="primary",
                                                layout=widgets.Layout(width="auto"))
        self.add_appeal_button.on_click(lambda _: self.add_appeal())
        # Acting on one
        self.case = widgets.Dropdown(description="事项")
        self.on = DateField(description="日期", value=self.today)
        self.person = widgets.Dropdown(options=[CHOOSE, *people], description="调查/处理人")
        self.outcome = widgets.Dropdown(description="结论")
        self.action = widgets.Dropdown(options=[(a.name, a.id) for a in self.scheme.complaint_actions],
                                       description="后续措施", layout=own_layout())
        self.findings = widgets.Textarea(description="调查结果/理由", layout=wide())
        self.reply = widgets.Textarea(description="答复", layout=wide())
        self.case.observe(lambda _: self._case_changed(), names="value")
        buttons = []
        for label, handler in (("确认收到 / acknowledge", self.acknowledge), ("指定 / assign", self.assign),
                               ("结案 / close", self.close)):
            button = widgets.Button(description=label, layout=widgets.Layout(width="auto"))
            button.on_click(lambda _, handler=handler: handler())
            buttons.append(button)
        self.form = [self.received_on, self.complainant, self.kind, self.about, self.holder, self.subject,
                     self.add_complaint_button, self.appeal_audit, self.appellant, self.grounds, self.add_appeal_button,
                     self.case, self.on, self.person, self.outcome, self.action, self.findings, self.reply, *buttons]
        for control in self.form:
            control.disabled = read_only
        self.children = [
            widgets.HTML("<h3>投诉与申诉 / complaints and appeals</h3>"), self.lists, self.message,
            widgets.HTML("<h4>登记投诉 / new complaint</h4>"), widgets.HBox([self.received_on, self.kind]),
            self.complainant, widgets.HBox([self.about, self.holder]), self.subject, self.add_complaint_button,
            widgets.HTML("<h4>登记申诉 / new appeal</h4>"), self.appeal_audit, self.appellant, self.grounds,
            self.add_appeal_button,
            widgets.HTML("<h4>处理 / act on one</h4>"), widgets.HBox([self.case, self.on]), self.person,
            widgets.HBox([self.outcome, self.action]), self.findings, self.reply, widgets.HBox(buttons)]
        self.refresh()

    def _decided_audits(self) -> list[tuple[str, int]]:
        options = []
        for applicant in self.workbench.list_applicants():
            for audit in self.workbench.audits(applicant.id):
                decision = self.workbench.decision(audit.id)
                if decision is not None:
                    options.append((f"{applicant.id} 审核 {audit.id} {audit.audit_type}：{decision.outcome}"
                                    f"（{decision.decided_on}）", audit.id))
        return options

    # --- the lists -------------------------------------------------------------------------
    def _deadline(self, received_on: date, acknowledged_on: date | None, closed: bool) -> str:
        rules = self.scheme.case_rules
        late = []
        if acknowledged_on is None and self.today > received_on + timedelta(days=rules.acknowledge_within_days):
            late.append("确认逾期 acknowledgement overdue")
        if not closed and self.today > received_on + timedelta(days=rules.reply_within_days):
            late.append("答复逾期 reply overdue")
        return f"<span style='{ERROR_STYLE}'>{'；'.join(late)}</span>" if late else ""

    def refresh(self) -> None:
        complaint_outcomes = {o.id: o.name for o in self.scheme.complaint_outcomes}
        appeal_outcomes = {o.id: o.name for o in self.scheme.appeal_outcomes}
        complaints = self.workbench.complaints()
        appeals = self.workbench.appeals()
        complaint_rows = [{
            "id": c.id, "received_on": c.received_on, "who": html.escape(c.complainant),
            "about": html.escape(c.applicant_id or "认证机构"), "subject": html.escape(c.subject[:40]),
            "investigator": c.investigator or "—",
            "outcome": html.escape(complaint_outcomes.get(c.outcome, "处理中 open")
                                   + (f"，特殊审核 {c.audit_id}" if c.audit_id else "")),
            "late": self._deadline(c.received_on, c.acknowledged_on, not c.open)} for c in complaints]
        appeal_rows = [{
            "id": a.id, "received_on": a.received_on, "who": html.escape(a.appellant), "audit": a.audit_id,
            "grounds": html.escape(a.grounds[:40]), "handler": a.handler or "—",
            "outcome": html.escape(appeal_outcomes.get(a.outcome, "处理中 open")),
            "late": self._deadline(a.received_on, a.acknowledged_on, not a.open)} for a in appeals]
        open_complaints = sum(1 for c in complaints if c.open)
        open_appeals = sum(1 for a in appeals if a.open)
        self.lists.value = (
            f"<p>未结投诉 open complaints: <b>{open_complaints}</b>；未结申诉 open appeals: <b>{open_appeals}</b></p>"
            "<h4>投诉 complaints</h4>" + table_html(complaint_rows, {
                "id": "编号", "received_on": "收到", "who": "投诉人", "about": "对象", "subject": "内容",
                "investigator": "调查人", "outcome": "结论", "late": ""}, escape=False)
            + "<h4>申诉 appeals</h4>" + table_html(appeal_rows, {
                "id": "编号", "received_on": "收到", "who": "申诉人", "audit": "审核", "grounds": "理由",
                "handler": "处理人", "outcome": "结论", "late": ""}, escape=False))
        options = [CHOOSE] + [(f"投诉 complaint {c.id}：{c.subject[:20]}", f"complaint:{c.id}") for c in complaints
                              if c.open] + [(f"申诉 appeal {a.id}：{a.grounds[:20]}", f"appeal:{a.id}") for a in appeals
                                            if a.open]
        self.case.options = options
        self.case.value = ""
        self._case_changed()

    def _case_changed(self) -> None:
        kind = (self.case.value or "").partition(":")[0]
        outcomes = self.scheme.appeal_outcomes if kind == "appeal" else self.scheme.complaint_outcomes
        self.outcome.options = [(o.name, o.id) for o in outcomes]
        self.action.layout.display = None if kind != "appeal" else "none"
        self.reply.layout.display = None if kind != "appeal" else "none"

    # --- writes ------------------------------------------------------------------------------
    def _write(self, action, done_zh: str, done_en: str) -> None:
        try:
            action()
        except WorkbenchError as exc:
            self.message.value = error_html(exc)
            return
        self.message.value = message_html(done_zh, done_en)
        self.refresh()

    def _chosen(self) -> tuple[str, int] | None:
        kind, _, case_id = (self.case.value or "").partition(":")
        if not case_id:
            self.message.value = message_html("请先选择事项", "Choose a complaint or an appeal first", WARNING_STYLE)
            return None
        return kind, int(case_id)

    def add_complaint(self) -> None:
        self._write(lambda: self.workbench.record_complaint(
            received_on=self.received_on.value, complainant=self.complainant.value, complainant_kind=self.kind.value,
            about=self.about.value, applicant_id=self.holder.value or None, subject=self.subject.value),
            "投诉已登记", "complaint recorded")

    def add_appeal(self) -> None:
        if not self.appeal_audit.value:
            self.message.value = message_html("请选择被申诉的决定", "Choose the decision appealed", WARNING_STYLE)
            return
        self._write(lambda: self.workbench.record_appeal(
            self.appeal_audit.value, received_on=self.received_on.value, appellant=self.appellant.value,
            grounds=self.grounds.value), "申诉已登记", "appeal recorded")

    def acknowledge(self) -> None:
        chosen = self._chosen()
        if chosen:
            kind, case_id = chosen
            method = self.workbench.acknowledge_appeal if kind == "appeal" else self.workbench.acknowledge_complaint
            self._write(lambda: method(case_id, self.on.value), "已确认收到", "acknowledged")

    def assign(self) -> None:
        chosen = self._chosen()
        if chosen:
            kind, case_id = chosen
            method = self.workbench.assign_appeal if kind == "appeal" else self.workbench.assign_complaint
            self._write(lambda: method(case_id, self.person.value), "已指定", "assigned")

    def close(self) -> None:
        chosen = self._chosen()
        if not chosen:
            return
        kind, case_id = chosen
        if kind == "appeal":
            self._write(lambda: self.workbench.decide_appeal(
                case_id, outcome=self.outcome.value, reasons=self.findings.value, decided_on=self.on.value,
                replied_on=self.on.value), "申诉已处理", "appeal decided")
        else:
            self._write(lambda: self.workbench.close_complaint(
                case_id, outcome=self.outcome.value, findings=self.findings.value, action=self.action.value,
                replied_on=self.on.value, reply=self.reply.value), "投诉已结案", "complaint closed")
