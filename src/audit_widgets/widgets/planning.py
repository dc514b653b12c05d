"""PlanningPanel: person-days with their justification, the sample sizes, the audit team
with its competence and impartiality check shown live, the audit dates and the 3-year
programme. The numbers are rules.planning's, the same the planning stage records."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..contract import Action
from ..evidence import audit_evidence, leaders_before, sites_visited
from ..render.html import ERROR_STYLE, OK_STYLE, WARNING_STYLE, table_html
from ..rules.planning import CaseLots, closed_cases, cycle_events, plan_audit, plan_programme
from ..rules.sampling import random_site_minimum
from ..rules.team import check_team
from .base import BoundWidget, unobserved
from .date_field import DateField

NOT_ON_TEAM = ("不参加", "")


class PlanningPanel(BoundWidget):
    edits = "programme"
    writes = Action.REVIEW

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.applicant = workbench.get_applicant(applicant_id)
        self.case_lots = CaseLots.of(closed_cases(audit_evidence(workbench, self.audit_id).work_orders.records))
        self.audit_type = workbench.audit(self.audit_id).audit_type  # each audit is sized by its type
        programme = workbench.programme(self.audit_id)
        self.plan = plan_audit(self.scheme, self.applicant, self.case_lots, self.audit_type,
                               programme.site_sample if programme else None)
        self.visits = sites_visited(workbench, self.audit_id)  # the earlier audits of the cycle
        self.previous_leaders = leaders_before(workbench, self.audit_id)  # the leader's rotation
        team = {m.auditor.id: m.role for m in workbench.team(self.audit_id)}
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
            # a committee member may audit; who audited may not decide on this audit (07)
            tag = "（认证决定人员 committee member）" if auditor.id in self.decision_makers else ""
            label = widgets.HTML(f"{html.escape(auditor.name)} <small>{auditor.id} · {grades.get(auditor.grade)} · "
                                 f"{'、'.join(domains.get(d, d) for d in auditor.domains)}{tag}</small>",
                                 layout=widgets.Layout(width="460px"))
            rows.append(widgets.HBox([label, picker]))
        self.team_check = widgets.HTML()
        dated = {"disabled": self.read_only, "style": {"description_width": "100px"}}
        self.audit_start = DateField(description="现场审核开始", value=programme.audit_start if programme else None,
                                     **dated)
        self.audit_end = DateField(description="现场审核结束", value=programme.audit_end if programme else None, **dated)
        for picker in (self.audit_start, self.audit_end):
            picker.observe(self._dates_changed, names="value")
        self.cycle = widgets.HTML()
        stored_sites = programme.site_sample if programme else None
        central = {t.id for t in self.scheme.site_types if t.central}
        self.chosen_sites = widgets.SelectMultiple(
            options=[s.name for s in self.applicant.sites if s.type not in central],
            value=tuple(n for n in (stored_sites.chosen if stored_sites else ()) if n in self.applicant.site_names
                        and n not in {s.name for s in self.applicant.sites if s.type in central}),
            description="按风险自选 chosen by risk", rows=5, disabled=self.read_only,
            style={"description_width": "150px"}, layout=widgets.Layout(width="460px"))
        self.eligibility = widgets.Textarea(
            value=stored_sites.eligibility if stored_sites else "", disabled=self.read_only,
            placeholder="各场所执行同一体系和相同流程、内审覆盖全部场所的依据（留空：审核全部场所）/ why IAF MD1 sampling "
                        "applies: one system, the same processes, internal audits of every site (empty: every site "
                        "is audited)", layout=widgets.Layout(width="640px", height="60px"))
        self.draw_sites_button = widgets.Button(description="抽取场所 / draw the sites", icon="random",
                                                button_style="primary", disabled=self.read_only,
                                                layout=widgets.Layout(width="auto"))
        self.draw_sites_button.on_click(lambda _: self.draw_sites())
        self.site_sample = widgets.HTML()
        self.sizes = widgets.HTML(self._sizes_html())
        self.declare_button = widgets.Button(
            description="记录成员的公正性声明（无利益冲突）/ record the members' declarations (no conflict)",
            disabled=self.read_only, layout=widgets.Layout(width="auto"))
        self.declare_button.on_click(lambda _: self.record_declarations())
        self.children = [
            widgets.HTML("<h3>申请评审和方案策划 / review and programme</h3>"), self.lock_banner(),
            self.sizes,
            widgets.HTML("<h4>抽样场所 / site sample (IAF MD1)</h4>"
                         "<small>多场所抽样条件 MD1 eligibility（判断及其证据 the judgement and its evidence）</small>"),
            self.eligibility, widgets.HBox([self.chosen_sites, self.draw_sites_button]), self.site_sample,
            widgets.HTML("<h4>审查组 / audit team</h4>"), *rows, self.team_check, self.declare_button,
            widgets.HTML("<h4>审核日期 / audit dates</h4>"), widgets.HBox([self.audit_start, self.audit_end]),
            self.cycle, self.message,
        ]
        self._render_team_check()
        self._render_cycle()
        self._render_site_sample(stored_sites)

    def _sizes_html(self) -> str:
        days, sites, cases = self.plan.person_days, self.plan.site_sample_size, self.plan.case_sample
        steps = table_html([s.as_dict() for s in days.steps], {"days": "人日", "zh": "计算步骤", "en": "step"})
        case_text = (f"案例样本量 case sample <b>{cases.sample_size}</b>（{html.escape(cases.describe())}）" if cases
                     else "尚未导入工单，无法确定案例样本量 / no work orders imported yet")
        return (f"<p>审核人日 person-days：<b>{days.days:g}</b>（现场至少 on site ≥ "
                f"{days.on_site_min_days:g}）</p>{steps}"
                f"<p>抽样场所 site sample：<b>{sites}</b> / {self.applicant.outlets}（中心职能 + ⌈√其余场所⌉；"
                f"其中至少 {random_site_minimum(self.scheme, sites)} 个随机抽取 / at random）</p><p>{case_text}</p>")

    def _render_site_sample(self, sample) -> None:
        if sample is None:
            self.site_sample.value = "<p>尚未抽取场所 / the sites are not drawn yet</p>"
            return
        by_name = {s.name: s for s in self.applicant.sites}
        earlier = {name for visit in self.visits for name in visit["sites"]}

        def row(name: str, how: str) -> dict:
            site = by_name.get(name)
            return {"site": name, "type": self.scheme.site_types_by_id[site.type].name if site else "",
                    "headcount": site.headcount if site and site.headcount is not None else "—",
                    # the central function is in the table's base time; every other sampled site adds its own
                    "days": "基本 base" if site and self.scheme.site_types_by_id[site.type].central
                    else self.scheme.site_days(site.headcount if site else None), "how": how,
                    "before": "是 yes" if name in earlier else ""}
        how = "指定 chosen" if sample.sampled else "全部审核 every site"
        rows = [row(n, how) for n in sample.chosen] + [row(n, "随机 drawn") for n in sample.drawn]
        grown = (f"；为覆盖每类场所由 {sample.md1_size} 个增至 {sample.size} 个"
                 if sample.sampled and sample.size > sample.md1_size else "")
        basis = ("未记录多场所抽样条件：审核全部场所 / no MD1 eligibility recorded: every site is audited"
                 if not sample.sampled else f"抽样依据 eligibility：{html.escape(sample.eligibility)}")
        self.site_sample.value = (f"<p>随机种子 seed <b>{sample.seed}</b>，共 {sample.size} 个{grown}<br>{basis}</p>"
                                  + table_html(rows, {"site": "场所", "type": "类型", "headcount": "人数",
                                                      "days": "场所人日", "how": "选取方式",
                                                      "before": "本周期已审 visited in the cycle"})
                                  + self._coverage_html(sample))

    def _coverage_html(self, sample) -> str:
        """Which sites each audit of the cycle covered, and those never visited (IAF MD1)."""
        if not self.visits:
            return ""
        audits = [*self.visits, {"audit_id": self.audit_id, "audit_type": self.audit_type, "sites": list(sample.sites)}]
        names = {t.id: t.name for t in self.scheme.audit_types}
        rows = [{"audit": f"#{v['audit_id']} {names.get(v['audit_type'], v['audit_type'])}",
                 "sites": "、".join(v["sites"])} for v in audits]
        covered = {name for v in audits for name in v["sites"]}
        never = [s.name for s in self.applicant.sites if s.name not in covered]
        return ("<h5>本周期场所覆盖 / sites covered in the cycle</h5>"
                + table_html(rows, {"audit": "审核", "sites": "场所"})
                + f"<p>本周期尚未审核的场所 never visited: {html.escape('、'.join(never) or '无 none')}</p>")

    def record_declarations(self) -> None:
        """Record, for the audit's year, each chosen member's signed declaration of no conflict
        with this client (a member who declares a conflict is recorded with `auditors import`)."""
        year_of = self.audit_start.value or self.workbench.clock.today()

        def declare() -> None:  # the whole team in one transaction: all recorded, or none
            self.workbench.declare_impartiality([auditor_id for auditor_id, _ in self.selected_team()],
                                                self.applicant_id, year_of.year, self.workbench.clock.today())
        self.write(declare, "公正性声明已记录", "declarations recorded")
        self._render_team_check()

    def draw_sites(self) -> None:
        """Draw the sites again with a fresh seed and the auditors' current choices."""
        self._save_programme(new_seed=True)

    def selected_team(self) -> list[tuple[str, str]]:
        return [(auditor_id, picker.value) for auditor_id, picker in self.pickers.items() if picker.value]

    def _team_changed(self, _change) -> None:
        if self.read_only:
            return
        if not self.write(lambda: self.workbench.set_team(self.audit_id, self.selected_team()),
                          "审查组已保存", "team saved"):
            self._show_stored_team()  # a refused change does not stay on screen
        self._render_team_check()

    def _show_stored_team(self) -> None:
        stored = {m.auditor.id: m.role for m in self.workbench.team(self.audit_id)}
        with unobserved(self._team_changed, *self.pickers.values()):
            for auditor_id, picker in self.pickers.items():
                picker.value = stored.get(auditor_id, "")

    def _render_team_check(self) -> None:
        result = check_team(self.scheme, self.workbench.team(self.audit_id), applicant_id=self.applicant_id,
                            applicant_domains=self.workbench.audit_domains(self.audit_id),
                            audit_date=self.audit_start.value or self.workbench.clock.today(),
                            previous_leaders=self.previous_leaders)
        warnings = "".join(f'<div style="{WARNING_STYLE}">⚠ {html.escape(w.render())}</div>' for w in result.warnings)
        if result.ok:
            self.team_check.value = f'<div style="{OK_STYLE}">✓ 审查组满足能力与公正性要求 / team check passed</div>' + warnings
        else:
            items = "".join(f"<li>{html.escape(v.render())}</li>" for v in result.violations)
            self.team_check.value = (f'<div style="{ERROR_STYLE}">✗ 审查组不符合要求 / team check failed<ul>{items}</ul>'
                                     f'</div>{warnings}')

    def _render_cycle(self) -> None:
        events = [e.as_dict() for e in cycle_events(self.scheme, self.audit_end.value)]
        self.cycle.value = ("<h4>三年认证周期方案 / 3-year programme</h4>" + table_html(events, {"event": "事项", "date": "日期"})
                            if events else "")

    def _dates_changed(self, _change) -> None:
        self._render_cycle()
        self._render_team_check()
        if self.read_only:
            return
        if not self._save_programme(new_seed=False):
            stored = self.workbench.programme(self.audit_id)
            with unobserved(self._dates_changed, self.audit_start, self.audit_end):
                self.audit_start.value = stored.audit_start if stored else None
                self.audit_end.value = stored.audit_end if stored else None
            self._render_cycle()

    def _save_programme(self, new_seed: bool) -> bool:
        """Plan and record the programme; a date change keeps the recorded site draw (its seed)."""
        if self.read_only:
            return False
        stored = self.workbench.programme(self.audit_id)
        seed = None if new_seed or not (stored and stored.site_sample) else stored.site_sample.seed

        def save() -> None:
            programme = plan_programme(self.scheme, self.applicant, self.case_lots, self.audit_start.value,
                                       self.audit_end.value, self.audit_type, site_seed=seed,
                                       chosen_sites=tuple(self.chosen_sites.value), eligibility=self.eligibility.value,
                                       visited=tuple(n for v in self.visits for n in v["sites"]))
            self.workbench.save_programme(self.audit_id, programme)
            # the time follows the drawn sites (their headcounts)
            self.plan = plan_audit(self.scheme, self.applicant, self.case_lots, self.audit_type, programme.site_sample)
            self.sizes.value = self._sizes_html()
            self._render_site_sample(programme.site_sample)

        return self.write(save, "审核方案已保存", "programme saved")
