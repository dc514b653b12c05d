"""The committee's read-only pages: the portfolio (filters, search, sort, pages), the pending
decisions, and one applicant's drill-down. Every control only filters what is shown; nothing
here writes to the store."""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as widgets
import pandas as pd

from ..batch.inputs import batch_stale
from ..contract import Grade
from ..domain import OK, RUNNING
from ..render.html import WARNING_STYLE, people, person, table_html
from ..render.results import (
    evidence_html,
    findings_html,
    gates_section_html,
    history_html,
    kpi_chart_svg,
    kpi_series,
    kpis_html,
    lost_points_html,
    methods_covered_html,
    not_applicable_html,
    person_days_html,
    scores_html,
    section,
    survey_html,
    team_html,
)
from ..rules.decision import conflicted_members
from ..stages import registry
from ..stages.results import CharacteristicResult, PlanningResult, ReportResult, read
from ..store.repository import Workbench
from ..store.signing import SIGNATURE_LABELS
from .portfolio import OPEN_GRADES, recorded_scores

ALL = "__all__"
PAGE_SIZE = 25
RUN_MARKS = {OK: "✓ ok", RUNNING: "… running 运行中"}  # any other status is a failure: ✗
SORTABLE = (("申请方 applicant", "applicant_id"), ("得分 score", "score"), ("等级 level", "level_rank"),
            ("阶段 stage", "stage"), ("严重不符合 open major", "open_major"), ("下次监督 next surveillance",
                                                                             "next_surveillance"))
COLUMNS = {"applicant": "申请方 applicant", "domains": "领域", "stage": "当前阶段 / 负责人", "score": "得分 / 等级",
           "findings": "未关闭不符合 严重/一般/观察", "decision": "认证决定", "certificate": "证书 / 下次监督"}


def applicant_link(applicant_id: str, label: str | None = None) -> str:
    """A link to the drill-down of one applicant: the same page with ?applicant=ID."""
    return (f"<a class='aw-drill' href='?applicant={html.escape(applicant_id)}'>"
            f"{html.escape(label or applicant_id)}</a>")


def _choices(values, label_all: str) -> list[tuple[str, str]]:
    return [(label_all, ALL)] + [(str(v), str(v)) for v in sorted({v for v in values if v})]


class PortfolioPage(widgets.VBox):
    """One row per applicant, filtered, searched, sorted and paged in the kernel: the browser
    only ever holds one page of HTML rows, however many applicants there are."""

    def __init__(self, rows: pd.DataFrame, page_size: int = PAGE_SIZE):
        super().__init__()
        self.rows = rows
        self.page_size = page_size
        domains = sorted({d for value in rows["domains"] for d in value.split(",") if d})
        style = {"description_width": "initial"}
        self.domain = widgets.Dropdown(options=[("全部领域 all", ALL)] + [(d, d) for d in domains],
                                       description="领域 domain", style=style)
        self.stage = widgets.Dropdown(options=_choices(rows["stage"], "全部阶段 all"), description="阶段 stage",
                                      style=style)
        self.level = widgets.Dropdown(options=_choices(rows["level"], "全部等级 all"), description="等级 level",
                                      style=style)
        self.certificate = widgets.Dropdown(options=_choices(rows["certificate"], "全部 all"),
                                            description="证书 certificate", style=style)
        self.search = widgets.Text(placeholder="名称或统一社会信用代码 / name or USCC", description="搜索 search",
                                   style=style, layout=widgets.Layout(width="360px"))
        self.sort = widgets.Dropdown(options=SORTABLE, value="applicant_id", description="排序 sort", style=style)
        self.descending = widgets.ToggleButton(description="降序 descending", value=False)
        self.page = widgets.Dropdown(description="页 page", style=style)
        self.count = widgets.HTML()
        self.table = widgets.HTML()
        self.table.add_class("aw-portfolio")
        for control in (self.domain, self.stage, self.level, self.certificate, self.search, self.sort,
                        self.descending):
            control.observe(lambda _: self.refresh(), names="value")
        self.page.observe(lambda _: self.render(), names="value")
        self.children = [widgets.HBox([self.search, self.domain, self.stage],
                                      layout=widgets.Layout(flex_flow="row wrap")),
                         widgets.HBox([self.level, self.certificate, self.sort, self.descending],
                                      layout=widgets.Layout(flex_flow="row wrap")),
                         widgets.HBox([self.count, self.page]), self.table]
        self.refresh()

    def filtered(self) -> pd.DataFrame:
        rows = self.rows
        if self.domain.value != ALL:
            rows = rows[rows["domains"].str.split(",").apply(lambda ds: self.domain.value in ds)]
        for control, column in ((self.stage, "stage"), (self.level, "level"), (self.certificate, "certificate")):
            if control.value != ALL:
                rows = rows[rows[column] == control.value]
        text = self.search.value.strip().lower()
        if text:
            rows = rows[rows["name"].str.lower().str.contains(text, regex=False)
                        | rows["uscc"].str.lower().str.contains(text, regex=False)
                        | rows["applicant_id"].str.lower().str.contains(text, regex=False)]
        return rows.sort_values(self.sort.value, ascending=not self.descending.value, na_position="last",
                                kind="stable")

    def refresh(self) -> None:
        self.shown = self.filtered()
        pages = max(1, -(-len(self.shown) // self.page_size))
        with self.hold_sync():
            self.page.options = [(f"{p + 1} / {pages}", p) for p in range(pages)]
            self.page.value = 0
        self.count.value = f"<b>{len(self.shown)}</b> / {len(self.rows)} 个申请方 applicants&nbsp;"
        self.render()

    def render(self) -> None:
        start = (self.page.value or 0) * self.page_size
        body = [self._row(row) for row in self.shown.iloc[start:start + self.page_size].to_dict("records")]
        self.table.value = (table_html(body, COLUMNS, escape=False) if body
                            else "<p>没有符合条件的申请方 / no applicant matches</p>")

    @staticmethod
    def _row(row: dict) -> dict:
        score = "—" if pd.isna(row["score"]) else f"{row['score']:.1f}"
        flags = []
        if row["provisional"]:
            flags.append("<span title='报告尚未记录 report not recorded'>（预评 provisional）</span>")
        if row["stale"]:
            flags.append(f"<b style='{WARNING_STYLE}' title='答案在记录后又有改动 answers changed since'>⚠ 待更新 stale</b>")
        if row.get("batch_stale"):
            flags.append(f"<b style='{WARNING_STYLE}' title='上次批量运行后又有改动 changed since the last batch run'>"
                         "⚠ 批量待重跑 batch stale</b>")
        due = row["next_surveillance"]
        return {
            "applicant": f"{applicant_link(row['applicant_id'])}<br><small>{html.escape(row['name'])}<br>"
                         f"{html.escape(row['uscc'])}</small>",
            "domains": html.escape(row["domains"]),
            "stage": f"{html.escape(row['stage'])}<br><small>{html.escape(row['holder'])}</small>",
            "score": f"<b>{score}</b> {html.escape(row['level'])}{''.join(flags)}",
            "findings": " / ".join(str(row[f"open_{g}"]) for g in OPEN_GRADES),
            "decision": html.escape(row["decision"]),
            "certificate": f"{html.escape(row['certificate'])}<br><small>{due if due else ''}</small>",
        }


def cycle_history_html(workbench: Workbench, applicant_id: str) -> str:
    """The applicant's audits, certificate status changes, complaints and appeals, by date."""
    from ..timeline import applicant_timeline
    lines = applicant_timeline(workbench, applicant_id).lines()
    return table_html([{"on": day, "event": html.escape(text)} for day, text in lines], {"on": "日期", "event": "事项"},
                      escape=False)


def open_cases_html(workbench: Workbench) -> str:
    """The open complaints and appeals, counted and listed, with their deadlines' state."""
    with workbench.reading() as view:
        complaints = [c for c in view.complaints() if c.open]
        appeals = [a for a in view.appeals() if a.open]
    rows = [{"kind": "投诉 complaint", "id": c.id, "about": html.escape(c.applicant_id or "认证机构"),
             "received_on": c.received_on, "who": html.escape(c.investigator or "未指定 none")} for c in complaints]
    rows += [{"kind": "申诉 appeal", "id": a.id, "about": f"审核 audit {a.audit_id}",
              "received_on": a.received_on, "who": html.escape(a.handler or "未指定 none")} for a in appeals]
    head = (f"<h3>投诉与申诉 / complaints and appeals</h3><p class='aw-open-cases'>未结投诉 open complaints "
            f"<b>{len(complaints)}</b>，未结申诉 open appeals <b>{len(appeals)}</b>（11_complaints_and_appeals）</p>")
    if not rows:
        return head
    return head + table_html(rows, {"kind": "类别", "id": "编号", "about": "对象", "received_on": "收到",
                                    "who": "调查/处理人"}, escape=False)


def pending_decisions_html(workbench: Workbench, rows: pd.DataFrame, viewer: str | None = None) -> str:
    """Applications whose report is recorded and whose decision is not: the recommendation,
    the open major findings, and who may not decide because they were on the team; the
    `viewer`'s own such applications marked for them."""
    pending = []
    with workbench.reading() as view:
        makers = view.decision_makers()
        candidates = rows[rows["reported"] & (rows["decision"] == "—")]
        for applicant_id in candidates["applicant_id"]:
            audit = view.current_audit(applicant_id)
            if audit is None or view.decision(audit) is not None:
                continue
            report = view.stage_result(audit, registry.report_stage())
            if report is None:
                continue
            advice = read(report, ReportResult).recommendation
            team = [m.auditor.id for m in view.team(audit)]
            pending.append({
                "applicant": applicant_link(applicant_id),
                "advice": ("建议批准 " if advice.certifiable else "建议不予认证 ")
                          + html.escape(advice.level.label if advice.level else ""),
                "major": sum(1 for f in view.findings(audit) if f.grade == Grade.MAJOR and f.verified_on is None),
                "excluded": "、".join(conflicted_members(makers, team)) or "—",
            })
            if viewer and viewer in team:
                pending[-1]["excluded"] += ("<br><b style='color:#c62828'>您曾参加本次审查组，不能参与决定 / you were on "
                                            "this audit's team: not yours to decide</b>")
    head = "<h3>待决定 / pending decisions</h3>"
    if not pending:
        return head + "<p>没有待决定的申请 / none</p>"
    return head + table_html(pending, {"applicant": "申请方", "advice": "审查建议 recommendation",
                                       "major": "未关闭严重不符合", "excluded": "回避（曾参加审查组）may not decide"},
                             escape=False)


def applicant_html(workbench: Workbench, applicant_id: str, today: date | None = None) -> str:
    """One applicant's drill-down, from its recorded results only."""
    scheme = workbench.scheme
    today = today or date.today()
    with workbench.reading() as view:
        applicant = view.get_applicant(applicant_id)
        audit = view.current_audit(applicant_id)
        audit_record = view.audit(audit) if audit else None
        records = view.stage_results(audit) if audit else {}
        findings = view.findings(audit) if audit else []
        team = view.team(audit) if audit else []
        decision = view.decision(audit) if audit else None
        certificate = view.certificate_for(applicant_id)
        history = view.status_history(certificate.number) if certificate else []
        signatures = {stage: view.signature_state(audit, stage) for stage, r in records.items() if r.signed}
        stale = view.stale_stages(audit) if audit else []
        sample = view.case_sample(audit) if audit else None
        runs = view.last_runs(applicant_id)
        stale_batch = batch_stale(view, applicant_id)
        names = view.people_names()
    parts = [f"<p><a class='aw-back' href='?'>← 总览 / portfolio</a> · <a href='?applicant={html.escape(applicant_id)}'>"
             "本页链接 / link to this page</a></p>",
             f"<h2>{html.escape(applicant.name)}（{html.escape(applicant.id)}）</h2>",
             f"<p>统一社会信用代码 {html.escape(applicant.uscc)} · 领域 {'、'.join(applicant.domains)} · "
             f"{html.escape(applicant.goods)}</p>"]
    if stale:
        parts.append(f"<p style='{WARNING_STYLE}'><b>⚠ 待更新 stale</b>：{'、'.join(stale)} 记录后答案又有改动 / answers "
                     "changed after these results were recorded</p>")
    if stale_batch:
        parts.append(f"<p style='{WARNING_STYLE}'><b>⚠ 批量待重跑 batch stale</b>：上次批量运行后又有改动 / changed since "
                     "the last batch run (audit-workbench run --only-changed)</p>")
    scores = recorded_scores(records)
    if scores is not None:
        covered = f"<p>{html.escape(scheme.audit_type(audit_record.audit_type).name)}，覆盖方法 methods covered " \
                  f"{methods_covered_html(scheme, audit_record)}</p>"
        parts.append(section("得分 / scores", covered + scores_html(scheme, scores)))
    if registry.report_stage() in records:
        report = read(records[registry.report_stage()], ReportResult)
        parts.append(section("等级门槛 / gates", gates_section_html(report)))
        parts.append(section("失分条目 / items that lost points",
                             lost_points_html(scheme, report.score_result["lost_points"])))
        if report.not_applicable:
            parts.append(section("不适用 / not applicable", not_applicable_html(report.not_applicable)))
    characteristic = read(records["characteristic"], CharacteristicResult) if "characteristic" in records else None
    if characteristic is not None and characteristic.evidence:
        parts.append(section("证据期间 / evidence period", evidence_html(characteristic.evidence)))
    if characteristic is not None and characteristic.kpis:
        parts.append(section("监测指标 / KPIs", kpis_html(characteristic)))
    if characteristic is not None and characteristic.survey:
        parts.append(section("满意度调查 / survey", survey_html(characteristic.survey)))
    if sample is not None:
        bad = sum(1 for v in sample.verified.values() for c in scheme.case_checks
                  if getattr(v, c.field) == c.nonconforming_value)
        parts.append(section("抽样案例 / sampled cases",
                             f"<p>{html.escape(sample.method)}：抽取 {len(sample.ids)}，已复核 {len(sample.verified)}，"
                             f"不符合检查项 {bad}；种子 {sample.seed}</p>"))
    parts.append(section("不符合与纠正措施 / findings", findings_html(scheme, [f.as_dict() for f in findings])))
    if "planning" in records:
        planning = read(records["planning"], PlanningResult)
        parts.append(section("人日与抽样 / person-days and sampling", person_days_html(planning)))
        members = [{"id": m.auditor.id, "name": m.auditor.name, "role": m.role} for m in team]
        parts.append(section("审查组与公正性 / team and impartiality",
                             team_html(scheme, members, planning.team_violations, planning.team_warnings)))
    parts.append(section("认证历史 / certification history", cycle_history_html(workbench, applicant_id)))
    stage_names = {s.id: s.name for s in scheme.procedure_stages}
    parts.append(section("签署 / sign-offs", table_html(
        [{"stage": stage_names.get(s, s), "by": person(names, r.signed_by), "at": f"{r.signed_at:%Y-%m-%d %H:%M}" if r.signed_at
          else "未签署 not signed",
          "signature": SIGNATURE_LABELS[signatures[s]] if r.signed else "—"}
         for s, r in records.items()],
        {"stage": "阶段", "by": "签署人", "at": "时间", "signature": "签名"})))
    if decision is not None:
        level = next((lv for lv in scheme.levels if lv.rank == decision.level_rank), None)
        parts.append(section("认证决定 / decision",
                             f"<p>{decision.decided_on}：{'批准 certified' if decision.certified else '不予认证 refused'}"
                             f"，{level.label if level else ''}；委员 {html.escape(people(names, decision.members))}；"
                             f"理由 {html.escape(decision.reasons)}</p>"
                             + (f"<p style='{WARNING_STYLE}'><b>与审查组的推荐意见不一致 / against the audit team's "
                                f"recommendation</b>：{html.escape(decision.override_reason)}</p>"
                                if decision.overrides_recommendation else "")))
    if certificate is not None:
        parts.append(section("证书 / certificate",
                             f"<p>{html.escape(certificate.number)}，{certificate.status}，有效期至 {certificate.expires_on}</p>"
                             + history_html(scheme, history)))
    if runs:
        notebooks = {s.notebook: s for s in scheme.procedure_stages}
        parts.append(section("批量运行 / batch runs", table_html(
            [{"notebook": name, "status": RUN_MARKS.get(run.status, f"✗ {run.status}"),
              "at": f"{run.finished_at.astimezone():%Y-%m-%d %H:%M}", "error": (run.error.splitlines() or [""])[0]}
             for name, run in sorted(runs.items(), key=lambda item: (item[0] not in notebooks, item[0]))],
            {"notebook": "工作簿 notebook", "status": "结果 status", "at": "完成时间 finished", "error": "错误 error"})))
    return "".join(parts)


def kpi_trends(workbench: Workbench, applicant_id: str) -> widgets.VBox | None:
    """The KPI trends with their control limits (as recorded at 04), one measure at a time and
    drawn only when chosen, so that opening an applicant stays fast."""
    with workbench.reading() as view:
        audit = view.current_audit(applicant_id)
        record = view.stage_result(audit, "characteristic") if audit else None
    series = kpi_series(read(record, CharacteristicResult)) if record else pd.DataFrame()
    if series.empty:
        return None
    measures = workbench.scheme.measures_by_id
    flagged = set(series.loc[series["out_of_control"].astype(bool), "measure"])
    options = [("— 选择指标查看月度趋势 / choose a KPI —", "")] + [
        (f"{measures[m].name if m in measures else m}{' ⚠ 失控' if m in flagged else ''}", m)
        for m in series["measure"].drop_duplicates()]
    chooser = widgets.Dropdown(options=options, layout=widgets.Layout(width="420px"))
    chart = widgets.HTML()

    def draw(change) -> None:
        measure = change["new"]
        if not measure:
            chart.value = ""
            return
        chart.value = kpi_chart_svg(workbench.scheme, series, measure)

    chooser.observe(draw, names="value")
    box = widgets.VBox([widgets.HTML("<h3>监测指标月度趋势与控制限 / KPI trends and control limits</h3>"), chooser, chart])
    box.add_class("aw-trends")
    return box
