"""The audit report (审查报告) of one applicant's latest audit with a recorded report stage, by
ISO/IEC 17021-1 §9.4.8, as one self-contained HTML file (charts inline as SVG) and its PDF.

It reads the recorded results of the planning, characteristic and report stages and never
re-scores: what it says is what the team recorded."""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..body import load_body
from ..domain import Applicant, Audit, Certificate, Finding, ReportParticular, StageRecord
from ..evidence import findings_to_follow_up
from ..files import write_atomically
from ..paths import outputs_dir
from ..render.html import table_html
from ..render.results import (
    ERROR_COLOUR,
    case_checks_html,
    certificate_acted_on,
    evidence_html,
    findings_html,
    gates_section_html,
    kpi_chart_svg,
    kpi_series,
    kpis_html,
    lost_points_html,
    methods_covered_html,
    not_applicable_html,
    person_days_html,
    scores_html,
    survey_html,
    survey_scoring,
    survey_sources_html,
    team_html,
    verdict_text,
)
from ..scheme import Scheme
from ..stages import registry
from ..stages.results import CharacteristicResult, PlanningResult, ReportResult, read
from ..store.repository import Workbench
from ..store.signing import SIGNATURE_LABELS
from .page import document, facts_table, heading
from .pdf import html_to_pdf

FINGERPRINT_CHARS = 16  # of the sign-off's HMAC: enough to match it against the store by eye
REPORT_FILE = "audit_report"


@dataclass(frozen=True)
class ReportSources:
    """Everything the report says, read in one snapshot of the store."""

    applicant: Applicant
    audit: Audit
    records: dict[str, StageRecord]
    stale: list[str]
    signature: str | None
    signature_state: str | None  # valid, tampered, key_different (store.signing.SIGNATURE_LABELS)
    follow_up: list[Finding]  # the previous audit's findings open at its decision, as they stand now
    certificate: Certificate | None  # the certificate this audit's decision acts on (None: none yet)
    particulars: dict[str, ReportParticular]  # what the team states beside the checklists


def latest_reported_audit(workbench: Workbench, applicant_id: str) -> int | None:
    """The applicant's newest audit (initial, surveillance …) whose report is recorded."""
    for audit in reversed(workbench.audits(applicant_id)):
        if workbench.stage_result(audit.id, registry.report_stage()) is not None:
            return audit.id
    return None


def read_sources(workbench: Workbench, applicant_id: str) -> ReportSources | None:
    with workbench.reading() as view:
        audit_id = latest_reported_audit(view, applicant_id)
        if audit_id is None:
            return None
        return ReportSources(view.get_applicant(applicant_id), view.audit(audit_id),
                             view.stage_results(audit_id), view.stale_stages(audit_id),
                             view.stage_signature(audit_id, registry.report_stage()),
                             view.signature_state(audit_id, registry.report_stage()),
                             findings_to_follow_up(view, audit_id), certificate_acted_on(view, applicant_id, audit_id),
                             view.particulars(audit_id))


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _client(scheme: Scheme, sources: ReportSources) -> str:
    applicant = sources.applicant
    types = {t.id: t.name for t in scheme.organisation_types}
    site_types = {t.id: t.name for t in scheme.site_types}
    return (heading("一、认证机构与受审核方", "Certification body and client")
            + facts_table([
                ("认证机构 certification body", _e(load_body().name)),
                ("受审核方 client", f"<b>{_e(applicant.name)}</b>"),
                ("统一社会信用代码 USCC", _e(applicant.uscc)),
                ("地址 address", _e(applicant.address)),
                ("组织类型 organisation type", _e(types.get(applicant.organisation_type, applicant.organisation_type))),
                ("售后服务人员 after-sales personnel", _e(applicant.personnel)),
            ])
            + "<h3>场所 <small>sites</small></h3>"
            + table_html([{"name": s.name, "type": site_types.get(s.type, s.type), "address": s.address or "—",
                           "headcount": "—" if s.headcount is None else s.headcount} for s in applicant.sites],
                         {"name": "场所 site", "type": "类型 type", "address": "地址 address",
                          "headcount": "人数 headcount"}))


def _audit(scheme: Scheme, sources: ReportSources) -> str:
    applicant, audit = sources.applicant, sources.audit
    audit_type = scheme.audit_type(audit.audit_type)
    domains = {d.id: d.name for d in scheme.domains}
    meta = scheme.meta
    # The audit type's objective (scheme data, person_days.yaml), else the generic one.
    objective_zh = audit_type.objective or (f"确定{applicant.name}的售后服务是否符合认证依据的要求，评价其售后服务"
                                            f"成熟度等级，为{audit_type.name}的认证决定提供依据")
    objective_en = audit_type.objective_en or ("to determine whether the client conforms to the audit criteria, rate "
                                               f"its maturity level and give the basis of the {audit_type.id} decision")
    return (heading("二、审查类型、目的、依据与范围", "Audit type, objectives, criteria and scope")
            + facts_table([
                ("审查类型 audit type", f"{_e(audit_type.name)} <span class='en'>{_e(audit_type.id)}</span>"
                                        + _special_reason(scheme, audit)),
                ("覆盖的方法 methods covered", methods_covered_html(scheme, audit)),
                ("审查目的 objectives", f"{_e(objective_zh)}<br><span class='en'>{_e(objective_en)}</span>"),
                ("认证依据 criteria", f"{_e(meta.rule)}（{_e(meta.rule_version)}）<br>{_e(meta.criteria)}"
                                      f"（{_e(meta.criteria_version)}）"),
                ("认证方案 scheme", f"{_e(meta.name)}，版本 version {_e(audit.scheme_version)}"),
                ("认证模式 certification mode", _e(" + ".join(m.name for m in scheme.modes))),
                ("认证领域 domains", _e("、".join(f"{domains.get(d, d)}（{d}）" for d in applicant.domains))),
                ("范围：商品 goods", _e(applicant.goods)),
                ("范围：服务 services", _e(applicant.services)),
                ("审核编号与申请日期 audit, applied on", f"{audit.id}，{_e(audit.submitted_on)}"),
            ]))


def _team(scheme: Scheme, sources: ReportSources, planning: PlanningResult) -> str:
    start, end = planning.audit_start, planning.audit_end
    return (heading("三、审查组与审查日期", "Audit team and dates")
            + f"<p>审查日期 audit dates：<b>{_e(start or '—')} 至 {_e(end or '—')}</b></p>"
            + team_html(scheme, planning.team, planning.team_violations, planning.team_warnings)
            + _audit_plan(planning.audit_plan) + _particulars(scheme, sources))


def _particulars(scheme: Scheme, sources: ReportSources) -> str:
    """What the team states beside the checklists (report_particulars), each as recorded; one the
    audit type requires and the team did not state reads so."""
    audit_type = sources.audit.audit_type
    rows = []
    for particular in scheme.report_particulars:
        recorded = sources.particulars.get(particular.id)
        choices = {c.id: c.name for c in particular.choices}
        if recorded is not None:
            value = _e(choices.get(recorded.value, recorded.value))
        else:
            value = "<b>未写明 not stated</b>" if audit_type in particular.required_for else "—"
        rows.append((f"{particular.name} {particular.name_en}", value))  # facts_table escapes labels
    return heading("审查组确认的事项", "What the audit team states", 3) + facts_table(rows)


def _audit_plan(plan: dict | None) -> str:
    """The plan sent to the client (17021-1 §9.2.3): the team's names, objections, the agenda."""
    if not plan:
        return "<p>未记录审核计划 / no audit plan recorded</p>"
    objections = plan.get("objections") or []
    agenda = [{**line, "auditors": "、".join(line.get("auditors", []))} for line in plan.get("agenda") or []]
    return (heading("审核计划", "Audit plan", 3)
            + f"<p>审查组名单发送受审核方 team sent to the client：{_e(plan.get('team_sent_on') or '—')}</p>"
            + (table_html(objections, {"member": "成员 member", "reason": "异议 objection", "resolution": "处理 resolution"})
               if objections else "<p>受审核方未对审查组成员提出异议 / no objection to a team member</p>")
            + table_html(agenda, {"day": "日期 day", "site": "场所 site", "activity": "活动 activity",
                                  "auditors": "审查员 auditors"}))


def _sites(scheme: Scheme, planning: PlanningResult, report: ReportResult) -> str:
    sample = planning.site_sample
    site_types = {t.id: t.name for t in scheme.site_types}
    if not sample:
        body = "<p>未记录场所抽样 / no site sample recorded</p>"
    else:
        type_of = {site: kind for kind, sites in (sample.get("types") or {}).items() for site in sites}
        rows = ([{"site": s, "type": site_types.get(type_of.get(s), type_of.get(s)),
                  "how": "指定（中心职能或按风险选择）fixed: central function or chosen by risk"} for s in sample["chosen"]]
                + [{"site": s, "type": site_types.get(type_of.get(s), type_of.get(s)),
                    "how": f"随机抽取 drawn at random（种子 seed {sample['seed']}）"} for s in sample["drawn"]])
        if sample.get("sampled", True):
            basis = (f"<p>抽样场所 {sample['size']} 个（IAF MD1 计算 {sample['md1_size']} 个，为覆盖每类场所可增加）/ "
                     f"{sample['size']} sites (IAF MD1 gives {sample['md1_size']}, raised where needed to cover each "
                     f"type)</p><p>多场所抽样条件 MD1 eligibility：{_e(sample.get('eligibility') or '—')}</p>")
        else:
            basis = ("<p>未记录多场所抽样条件，审核全部场所 / no MD1 sampling judgement recorded: every site is "
                     "audited</p>")
        body = basis + table_html(rows, {"site": "场所 site", "type": "类型 type", "how": "如何选定 how chosen"})
        body += _cycle_sites(scheme, planning)
    method = report.sampling_method
    return (heading("四、审查场所及其选定方式", "Sites visited and how they were chosen") + body
            + f"<p class='muted'>{_e(method.zh)}<br>{_e(method.en)}</p>")


def _cycle_sites(scheme: Scheme, planning: PlanningResult) -> str:
    """The sites each audit of the cycle covered, this one last (IAF MD1: sites rotate)."""
    if not planning.sites_visited:
        return ""
    names = {t.id: t.name for t in scheme.audit_types}
    this = {"audit_id": "本次 this audit", "audit_type": planning.audit_type,
            "sites": list((planning.site_sample or {}).get("chosen", ())) + list((planning.site_sample or {}).get("drawn", ()))}
    rows = [{"audit": f"{v['audit_id']} {names.get(v['audit_type'], v['audit_type'])}", "sites": "、".join(v["sites"])}
            for v in [*planning.sites_visited, this]]
    return heading("本认证周期的场所覆盖", "Sites covered in the certification cycle", 3) + table_html(
        rows, {"audit": "审核 audit", "sites": "场所 sites"})


def _person_days(planning: PlanningResult) -> str:
    days = planning.person_days
    return (heading("五、审查人日及理由", "Person-days and why")
            + f"<p>审查人日 person-days <b>{_e(days.get('days'))}</b>"
              f"（现场至少 on site ≥ {_e(days.get('on_site_min_days'))}）</p>"
            + person_days_html(planning, with_english=True, with_sites=False))


def _samples(scheme: Scheme, planning: PlanningResult, characteristic: CharacteristicResult | None) -> str:
    plan = planning.case_sample or {}
    lots = [{"lot": name, **plan[name]} for name in ("services", "complaints") if isinstance(plan.get(name), dict)]
    lot_names = {"services": "服务案例 services", "complaints": "投诉案例 complaints"}
    rows = [{**lot, "lot": lot_names.get(lot["lot"], lot["lot"]),
             "whole": "全数 every case" if lot.get("whole_lot") else ""} for lot in lots]
    drawn = characteristic.case_sample if characteristic else None
    survey = (characteristic.survey if characteristic else None) or {}
    parts = [heading("六、案例与调查抽样及理由", "Case and survey samples and why"),
             "<h3>案例抽样（GB/T 2828.1）<small>case samples</small></h3>",
             table_html(rows, {"lot": "批 lot", "lot_size": "批量 lot size", "level": "检验水平 level",
                               "code_letter": "字码 code letter", "sample_size": "样本量 sample size",
                               "whole": "说明 note"}) if rows else "<p>未记录 / not recorded</p>"]
    if drawn:
        parts.append(facts_table([
            ("抽样方法 method", _e(drawn.method)), ("随机种子 seed", _e(drawn.seed)),
            ("总体数量 population", _e(drawn.population_size)),
            ("总体哈希 population hash (SHA-256)", f"<code>{_e(drawn.population_hash)}</code>"),
            ("抽取 / 已复核 drawn / verified", f"{_e(drawn.drawn)} / {_e(drawn.verified)}"),
        ]))
        if characteristic and characteristic.case_answers:
            parts += ["<h3>案例复核结果 <small>what the verified cases count for</small></h3>",
                      case_checks_html(scheme, characteristic.case_lots, characteristic.case_answers,
                                       characteristic.lot_weighting)]
    if survey:
        parts += ["<h3>满意度调查样本 <small>survey sample</small></h3>", facts_table([
            ("客户总体 customers served", _e(survey.get("population"))),
            ("所需样本量 required (z²p(1−p)/E²，有限总体校正)", _e(survey.get("required_sample"))),
            ("有效样本 responses", _e(survey.get("responses"))),
            ("样本充分 adequate", "是 yes" if survey.get("adequate") else f"<b style='color:{ERROR_COLOUR}'>否 no</b>"),
            ("计分方式 how scored", "<br>".join(_e(text) for text in survey_scoring(survey))),
        ]), "<h4>调查由谁实施、受访者如何产生、何时 <small>who ran the survey, how respondents were drawn, and when"
            "</small></h4>", survey_sources_html(scheme, survey, characteristic.evidence if characteristic else {},
                                                 characteristic.callbacks if characteristic else None)]
    return "".join(parts)


def _kpis(scheme: Scheme, characteristic: CharacteristicResult | None) -> str:
    evidence = ("<h3>证据期间与所用数据 <small>evidence period and the data used</small></h3>"
                + evidence_html(characteristic.evidence) if characteristic and characteristic.evidence else "")
    if characteristic is None or not characteristic.kpis:
        return heading("七、监测指标", "KPIs") + evidence + "<p>未记录 / not recorded</p>"
    series = kpi_series(characteristic)
    charts = "".join(f"<div class='figure'>{kpi_chart_svg(scheme, series, measure)}</div>"
                     for measure in (series["measure"].drop_duplicates() if not series.empty else []))
    return (heading("七、监测指标与控制图", "KPIs and control charts") + evidence + kpis_html(characteristic)
            + "<p class='muted'>月度趋势、中心线与控制限（红点为失控月份）/ monthly trend, centre line and control "
              "limits (red: out of control)</p>" + charts)


def _scores(scheme: Scheme, report: ReportResult) -> str:
    detail = report.score_result
    method = report.scoring_method
    return (heading("九、得分、成熟度等级与门槛", "Scores, maturity level and gates")
            + (f"<div class='figure'>{scores_html(scheme, report.scores)}</div>" if report.scores
               else "<p>未记录 / not recorded</p>")
            + f"<p>基础分 base {detail['base_score']:.1f}；特别扣分 special deductions {detail['special_deductions']}；"
              f"特别加分 bonus {detail['special_bonus']}；实得 earned {detail['earned_points']:.2f} / 适用 applicable "
              f"{detail['applicable_points']:g} 分 points</p>"
            + f"<p class='muted'>{_e(method.zh)}<br>{_e(method.en)}</p>"
            + "<h3>等级门槛 <small>gates</small></h3>" + gates_section_html(report))


def _deviations(scheme: Scheme, sources: ReportSources, planning: PlanningResult,
                characteristic: CharacteristicResult | None, report: ReportResult) -> list[str]:
    """What departs from the plan, as the recorded results show it."""
    notes = []
    sample = planning.site_sample or {}
    if sample and sample.get("size", 0) > sample.get("md1_size", 0):
        notes.append(f"场所样本由 {sample['md1_size']} 增至 {sample['size']} 个以覆盖每类场所 / site sample raised from "
                     f"{sample['md1_size']} to {sample['size']} to cover every site type")
    for gap in planning.missing:
        if gap.get("group") == "plan":  # sites not on the agenda, auditor-days short, days outside
            notes.append(f"审核计划 plan：{gap['zh']} / {gap['en']}")
    notes += _methods_not_covered(scheme, report)
    drawn = characteristic.case_sample if characteristic else None
    if drawn and drawn.verified < drawn.drawn:
        notes.append(f"抽取案例 {drawn.drawn} 个，仅复核 {drawn.verified} 个 / {drawn.verified} of "
                     f"{drawn.drawn} drawn cases were verified")
    survey = (characteristic.survey if characteristic else None) or {}
    if survey and not survey.get("adequate", True):
        notes.append("调查 survey：{} / {}".format(*survey_scoring(survey)))
    months = characteristic.evidence.get("months") if characteristic else None
    needed = scheme.monitoring_rules.min_months_for_trend
    if months is not None and months < needed:
        notes.append(f"证据期间内仅有 {months} 个月的工单数据，判断趋势需要 {needed} 个月 / only {months} months of work "
                     f"orders in the evidence period; a trend needs {needed}")
    unanswered = report.score_result.get("unanswered") or []
    if unanswered:
        notes.append(f"未作答条目 unanswered items：{'、'.join(unanswered)}")
    for violation in planning.team_violations:
        notes.append(f"审查组 team：{violation.get('zh', violation)}")
    unverified = [f for f in sources.follow_up if f.verified_on is None]
    if unverified:
        notes.append(f"上次审核的 {len(unverified)} 项发现尚未验证关闭（{'、'.join(f.clause for f in unverified)}）/ "
                     f"{len(unverified)} findings of the previous audit are not verified yet")
    if sources.stale:
        notes.append(f"记录结果后答案又有改动的阶段 answers changed after recording：{'、'.join(sources.stale)}")
    notes += [f"{r.stage}：{r.redo_reason}" for r in sources.records.values() if r.redo_reason]
    return notes


def _special_reason(scheme: Scheme, audit) -> str:
    reason = scheme.special_reasons_by_id.get(audit.special_reason or "")
    if reason is None:
        return ""
    due = f"，应于 {audit.due_by} 前完成 <span class='en'>due by {audit.due_by}</span>" if audit.due_by else ""
    return f"<br>原因 reason：{_e(reason.name)}{due}"


def _methods_not_covered(scheme: Scheme, report: ReportResult) -> list[str]:
    """The audit type's methods of which no applicable item was answered: planned, not carried out."""
    answered: dict[str, bool] = {}
    for item_id, item in (report.scores.items if report.scores else {}).items():
        method = scheme.items_by_id[item_id].method if item_id in scheme.items_by_id else None
        if method and item.get("status") != "not_applicable":
            answered[method] = answered.get(method, False) or item.get("status") != "unanswered"
    methods = {m.id: m.name for m in scheme.methods}
    return [f"审查方法未实施 method not covered：{m} {methods.get(m, '')}（无一条目作答 no item answered）"
            for m, done in answered.items() if not done]


def _follow_up(scheme: Scheme, sources: ReportSources) -> str:
    """How this audit followed up the previous audit's open findings."""
    if not sources.follow_up:
        return ""
    return ("<h3>上次审核未关闭发现的跟踪验证 <small>follow-up of the previous audit's open findings</small></h3>"
            + findings_html(scheme, [f.as_dict() for f in sources.follow_up], with_evidence=True))


def _open_findings(scheme: Scheme, report: ReportResult) -> list[dict]:
    """The nonconformities (a grade that blocks until corrected) not closed."""
    blocking = {g.id for g in scheme.finding_grades if g.blocks_until != "none"}
    return [f for f in report.findings if f.get("grade") in blocking and not f.get("verified_on")
            and not f.get("withdrawn_on")]


def _noted(scheme: Scheme, report: ReportResult) -> list[dict]:
    """Observations and good practice: recorded apart from the nonconformities."""
    noting = {g.id for g in scheme.finding_grades if g.blocks_until == "none"}
    return [f for f in report.findings if f.get("grade") in noting and not f.get("withdrawn_on")]


def _conclusion(scheme: Scheme, sources: ReportSources, planning: PlanningResult,
                characteristic: CharacteristicResult | None, report: ReportResult) -> str:
    deviations = _deviations(scheme, sources, planning, characteristic, report)
    level = report.recommendation.level
    advice = report.recommendation
    verdict = verdict_text(scheme, sources.audit, advice.certifiable, advice.level.rank if advice.level else 0,
                           sources.certificate)
    record = sources.records[registry.report_stage()]
    if record.signed:
        check = SIGNATURE_LABELS[sources.signature_state]
        sign_off = facts_table([
            ("签署人（审查组长）signed by (team leader)", _e(record.signed_by)),
            ("签署时间 signed at", _e(f"{record.signed_at:%Y-%m-%d %H:%M}")),
            ("签名指纹 signature fingerprint (HMAC-SHA256)",
             f"<code>{_e((sources.signature or '')[:FINGERPRINT_CHARS])}</code> {check}"),
        ])
    else:
        sign_off = "<p><b>本报告阶段尚未签署 / the report stage is not signed off yet</b></p>"
    return (heading("十三、与计划的偏离及未解决的问题", "Deviations from the plan and unresolved issues")
            + ("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in deviations) + "</ul>" if deviations
               else "<p>未记录与审查计划的偏离 / no deviation from the audit plan recorded</p>")
            + "<h3>未关闭的不符合 <small>open nonconformities</small></h3>"
            + findings_html(scheme, _open_findings(scheme, report))
            + "<h3>观察项与良好实践 <small>observations and good practice</small></h3>"
            + findings_html(scheme, _noted(scheme, report))
            + heading("十四、审查建议", "Recommendation")
            + f"<p><b>{_e(verdict)}</b>，等级 level {_e(level.label if level else '')} {_e(level.name if level else '')}</p>"
            + heading("十五、声明", "Statement")
            + "<p>本次审查基于对受审核方场所、案例、调查与记录的抽样，审查结论反映所抽样本的情况，未抽取的部分可能存在"
              "未发现的不符合。<br><span class='en'>This audit is based on samples of the client's sites, cases, survey "
              "responses and records; its conclusions reflect what was sampled, and nonconformities may exist in what "
              "was not.</span></p>"
            + heading("十六、审查组长签署", "Team leader's sign-off") + sign_off)


def report_html(workbench: Workbench, applicant_id: str, generated_at: datetime | None = None) -> str | None:
    """The report as one HTML document, or None when no audit of the applicant has a recorded report."""
    sources = read_sources(workbench, applicant_id)
    if sources is None:
        return None
    scheme = workbench.scheme
    records = sources.records
    planning = read(records["planning"], PlanningResult) if "planning" in records else PlanningResult()
    characteristic = read(records["characteristic"], CharacteristicResult) if "characteristic" in records else None
    report = read(records[registry.report_stage()], ReportResult)
    excluded = report.not_applicable
    generated = (generated_at or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")
    body = "".join([
        "<h1>审查报告 <small class='en'>Audit report</small></h1>",
        f"<p style='text-align:center'>{_e(scheme.meta.name)}<br>"
        f"{_e(sources.applicant.name)} · {_e(scheme.audit_type(sources.audit.audit_type).name)} · "
        f"生成于 generated {generated}</p>",
        _client(scheme, sources),
        _audit(scheme, sources),
        _team(scheme, sources, planning),
        _sites(scheme, planning, report),
        _person_days(planning),
        _samples(scheme, planning, characteristic),
        _kpis(scheme, characteristic),
        heading("八、满意度调查结果", "Survey results")
        + (survey_html(characteristic.survey) if characteristic and characteristic.survey else "<p>未记录 / not recorded</p>"),
        _scores(scheme, report),
        heading("十、失分条目及原因", "Items that lost points, and why")
        + lost_points_html(scheme, report.score_result["lost_points"]),
        heading("十一、不适用条目及理由", "Items not applicable, with reasons")
        + (not_applicable_html(excluded) if excluded else "<p>无 / none</p>"),
        heading("十二、不符合、证据与纠正措施", "Findings, evidence and corrective action")
        + findings_html(scheme, report.findings, with_evidence=True) + _follow_up(scheme, sources),
        _conclusion(scheme, sources, planning, characteristic, report),
    ])
    return document(f"审查报告 {sources.applicant.name}", body)


def report_paths(applicant_id: str, folder: Path | None = None) -> tuple[Path, Path]:
    base = (folder or outputs_dir() / applicant_id) / REPORT_FILE
    return base.with_suffix(".html"), base.with_suffix(".pdf")


def write_report(workbench: Workbench, applicant_id: str, folder: Path | None = None) -> list[Path]:
    """Write audit_report.html and .pdf; nothing (an empty list) without a recorded report."""
    text = report_html(workbench, applicant_id)
    if text is None:
        return []
    html_path, pdf_path = report_paths(applicant_id, folder)
    write_atomically(html_path, text)
    return [html_path, html_to_pdf(html_path, pdf_path)]
