"""PlanningPanel: person-days with their justification, the sample sizes, the audit team
with its competence and impartiality check shown live, the audit dates and the 3-year
programme."""
from __future__ import annotations

import html
from datetime import date, timedelta

import ipywidgets as widgets

from ..rules.lifecycle import expiry_date, recertification_window, surveillance_due_dates
from ..rules.person_days import person_days
from ..rules.sampling import case_sample_size, random_site_minimum, site_sample_size
from ..rules.team import check_team
from .base import ERROR_STYLE, OK_STYLE, BoundWidget, table_html

NOT_ON_TEAM = ("不参加", "")


class PlanningPanel(BoundWidget):
    stage_id = "planning"

    def __init__(self, workbench, applicant_id: str, application_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, application_id, read_only)
        self.applicant = workbench.get_applicant(applicant_id)
        self.person_days = person_days(self.scheme, self.applicant["personnel"], outlets=self.applicant["outlets"],
                                       categories=self.applicant["product_categories"])
        orders = workbench.work_orders(applicant_id)
        self.lot = int(orders["closed_at"].notna().sum()) if not orders.empty else 0
        programme = workbench.programme(self.application_id) or {}
        team = {m.auditor.id: m.role for m in workbench.team(self.application_id)}
        self.decision_makers = workbench.decision_makers()

        roles = [NOT_ON_TEAM] + [(r.name, r.id) for r in self.scheme.team_roles]
        grades = {g.id: g.name for g in self.scheme.auditor_grades}
        domains = {d.id: d.name for d in self.scheme.domains}
        self.pickers = {}
        rows = []
        for auditor in workbench.auditors():
            picker = widgets.Dropdown(options=roles, value=team.get(auditor.id, ""), layout=widgets.Layout(width="130px"),
                                      disabled=self.read_only)
            picker.observe(self._team_changed, names="value")
            self.pickers[auditor.id] = picker
            tag = "（决定人员 decision maker）" if auditor.id in self.decision_makers else ""
            label = widgets.HTML(f"{html.escape(auditor.name)} <small>{auditor.id} · {grades.get(auditor.grade)} · "
                                 f"{'、'.join(domains.get(d, d) for d in auditor.domains)}{tag}</small>",
                                 layout=widgets.Layout(width="460px"))
            rows.append(widgets.HBox([label, picker]))
        self.team_check = widgets.HTML()
        start = programme.get("audit_start")
        self.audit_start = widgets.DatePicker(description="现场审核开始", value=start, disabled=self.read_only)
        self.audit_end = widgets.DatePicker(description="现场审核结束", value=programme.get("audit_end"),
                                            disabled=self.read_only)
        for picker in (self.audit_start, self.audit_end):
            picker.style = {"description_width": "100px"}
            picker.observe(self._dates_changed, names="value")
        self.cycle = widgets.HTML()
        self.children = [
            widgets.HTML("<h3>申请评审和方案策划 / review and programme</h3>"), self.lock_banner(),
            widgets.HTML(self._sizes_html()),
            widgets.HTML("<h4>审查组 / audit team</h4>"), *rows, self.team_check,
            widgets.HTML("<h4>审核日期 / audit dates</h4>"), widgets.HBox([self.audit_start, self.audit_end]),
            self.cycle, self.message,
        ]
        self._render_team_check()
        self._render_cycle()

    def _sizes_html(self) -> str:
        steps = table_html([s.as_dict() for s in self.person_days.steps], {"days": "人日", "zh": "计算步骤", "en": "step"})
        sites = site_sample_size(self.scheme, self.applicant["outlets"], "initial")
        cases = case_sample_size(self.scheme, self.lot) if self.lot else None
        case_text = (f"案例批量 {self.lot}，字码 {cases.code_letter}，样本量 <b>{cases.sample_size}</b>" if cases
                     else "尚未导入工单，无法确定案例样本量 / no work orders imported yet")
        return (f"<p>审核人日 person-days：<b>{self.person_days.days:g}</b>（现场至少 on site ≥ "
                f"{self.person_days.on_site_min_days:g}）</p>{steps}"
                f"<p>抽样网点 site sample：<b>{sites}</b> / {self.applicant['outlets']}"
                f"（其中至少 {random_site_minimum(self.scheme, sites)} 个随机抽取 / at random）；{case_text}</p>")

    def selected_team(self) -> list[tuple[str, str]]:
        return [(auditor_id, picker.value) for auditor_id, picker in self.pickers.items() if picker.value]

    def _team_changed(self, _change) -> None:
        if self.read_only:
            return
        self.write(lambda: self.workbench.set_team(self.application_id, self.selected_team()),
                   "审查组已保存", "team saved")
        self._render_team_check()

    def _render_team_check(self) -> None:
        result = check_team(self.scheme, self.workbench.team(self.application_id), applicant_id=self.applicant_id,
                            applicant_domains=self.applicant["domains"],
                            audit_date=self.audit_start.value or date.today(), decision_makers=self.decision_makers)
        if result.ok:
            self.team_check.value = f'<div style="{OK_STYLE}">✓ 审查组满足能力与公正性要求 / team check passed</div>'
        else:
            items = "".join(f"<li>{html.escape(v.render())}</li>" for v in result.violations)
            self.team_check.value = f'<div style="{ERROR_STYLE}">✗ 审查组不符合要求 / team check failed<ul>{items}</ul></div>'

    def cycle_plan(self) -> list[dict]:
        """The 3-year programme from the planned audit: decision, surveillances, recertification."""
        if self.audit_end.value is None:
            return []
        # A planning assumption from the scheme; the real decision date replaces it later.
        decision = self.audit_end.value + timedelta(days=self.scheme.lifecycle_rules.planned_decision_days_after_audit)
        expiry = expiry_date(self.scheme, decision)
        apply_from, finish_by = recertification_window(self.scheme, expiry)
        plan = [{"event": "初次认证审查 initial audit", "date": str(self.audit_end.value)},
                {"event": "认证决定（计划）planned decision", "date": str(decision)}]
        plan += [{"event": f"第 {i} 次监督审核 surveillance {i}（最迟 latest）", "date": str(due)}
                 for i, due in enumerate(surveillance_due_dates(self.scheme, decision), start=1)]
        plan += [{"event": "再认证申请 recertification: apply from", "date": str(apply_from)},
                 {"event": "再认证完成 recertification: finish by", "date": str(finish_by)}]
        return plan

    def _render_cycle(self) -> None:
        plan = self.cycle_plan()
        self.cycle.value = ("<h4>三年认证周期方案 / 3-year programme</h4>" + table_html(plan, {"event": "事项", "date": "日期"})
                            if plan else "")

    def _dates_changed(self, _change) -> None:
        self._render_cycle()
        self._render_team_check()
        if self.read_only:
            return
        cases = case_sample_size(self.scheme, self.lot).sample_size if self.lot else None
        self.write(lambda: self.workbench.save_programme(
            self.application_id, person_days=self.person_days.days,
            justification=[s.as_dict() for s in self.person_days.steps],
            site_sample_size=site_sample_size(self.scheme, self.applicant["outlets"], "initial"),
            case_sample_size=cases, audit_start=self.audit_start.value, audit_end=self.audit_end.value,
            cycle_plan=self.cycle_plan()), "审核方案已保存", "programme saved")
