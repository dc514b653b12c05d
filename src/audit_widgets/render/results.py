"""HTML sections drawn from recorded stage results, shared by the committee's dashboard
(dashboard/pages.py) and the audit report (documents/report.py), so that both say the same
thing in the same words. Nothing here re-scores: every figure comes from a recorded result."""
from __future__ import annotations

import html

import pandas as pd

from ..contract import Channel
from ..domain import Audit, Certificate, StatusChange
from ..scheme import Scheme
from ..stages.results import CharacteristicResult, PlanningResult, ReportResult, Scores
from .charts import control_chart, dimension_chart, to_svg
from .html import ERROR_COLOUR, OK_COLOUR, WARNING_COLOUR, gates_html, table_html


def section(title: str, body: str) -> str:
    return f"<h3>{html.escape(title)}</h3>{body}"


def scores_html(scheme: Scheme, scores: Scores) -> str:
    """The total, the level, the dimension chart (with the level's floor) and the mode scores."""
    floor = next((lv.dimension_floor for lv in scheme.levels if lv.rank == scores.level.rank), 0)
    modes = {m.id: m.name for m in scheme.modes}
    return (f"<p>总分 <b>{scores.score:.1f}</b>，等级 <b>{html.escape(scores.level.label)} "
            f"{html.escape(scores.level.name)}</b></p>"
            + to_svg(dimension_chart(scores.dimension_scores, scheme.dimension_names, scheme.scoring.scale, floor))
            + table_html([{"mode": f"{m} {modes.get(m, '')}", "score": f"{v:.1f}"} for m, v in scores.mode_scores.items()],
                         {"mode": "模式 mode", "score": "得分 score"}))


def gates_section_html(report: ReportResult) -> str:
    return gates_html(report.recommendation.reasons)


def lost_points_html(scheme: Scheme, lost: list[dict]) -> str:
    return table_html(
        [{"item": i["item_id"], "text": scheme.items_by_id[i["item_id"]].text if i["item_id"] in scheme.items_by_id else "",
          "lost": f"{i['lost']:.2f}", "basis": i["basis"]} for i in lost],
        {"item": "条目 item", "text": "内容 requirement", "lost": "失分 lost", "basis": "依据 why"})


def not_applicable_html(excluded: list[dict]) -> str:
    return table_html(excluded, {"item_id": "条目 item", "reason": "理由 reason", "basis": "方案许可与依据 allowance"})


def evidence_html(evidence: dict) -> str:
    """The audit's evidence period and what of each import it used (Evidence.summary())."""
    period = evidence.get("period") or {}
    parts = [f"<p>证据期间 evidence period <b>{html.escape(str(period.get('start')))}…"
             f"{html.escape(str(period.get('end')))}</b>（首个现场审核日 first on-site day "
             f"{html.escape(str(evidence.get('first_day')))}，覆盖 {evidence.get('months', 0)} 个月 months）</p>"]
    rows = []
    for kind, name in (("work_orders", "工单 work orders"), ("surveys", "问卷 survey responses")):
        used = evidence.get(kind) or {}
        source = used.get("import") or {}
        rows.append({"kind": name, "used": used.get("used", 0), "outside": used.get("outside", 0),
                     "file": source.get("file") or "未导入 not imported",
                     "dates": f"{source.get('first_on')}…{source.get('last_on')}" if source.get("first_on") else ""})
    parts.append(table_html(rows, {"kind": "数据 data", "used": "使用 used", "outside": "期间外未用 outside, not used",
                                   "file": "文件 file", "dates": "文件日期 file dates"}))
    notes = [(evidence.get(k) or {}).get(lang) for k in ("work_orders", "surveys") for lang in ("zh", "en")]
    if any(notes):
        parts.append(f"<p class='muted'>{'<br>'.join(html.escape(n) for n in notes if n)}</p>")
    return "".join(parts)


def kpis_html(characteristic: CharacteristicResult) -> str:
    """The KPIs with numerator and denominator, and whether any month left the control limits."""
    kpis = [{"measure": v["name"], "value": "—" if v["value"] is None else f"{v['value']:.3g}",
             "basis": f"{v['numerator']:g} / {v['denominator']}"} for v in characteristic.kpis.values()]
    out = characteristic.out_of_control
    return (table_html(kpis, {"measure": "指标 KPI", "value": "值 value", "basis": "分子/分母 numerator/denominator"})
            + (f"<p style='color:{ERROR_COLOUR}'>超出控制限 out of control：{len(out)} 个月次 month(s)</p>" if out
               else "<p>各月均在控制限内 / every month within the control limits</p>"))


def kpi_series(characteristic: CharacteristicResult) -> pd.DataFrame:
    """The recorded monthly series with their control limits (stage 04's `kpi_monthly`)."""
    series = pd.DataFrame(characteristic.kpi_monthly)
    if series.empty:
        return series
    return series.astype({"value": float, "centre": float, "lcl": float, "ucl": float, "out_of_control": bool})


def kpi_chart_svg(scheme: Scheme, series: pd.DataFrame, measure: str) -> str:
    """One measure's control chart as SVG: rates as percentages, other units as numbers."""
    known = scheme.measures_by_id.get(measure)
    unit = known.unit if known else "rate"
    return to_svg(control_chart(series[series["measure"] == measure], known.name if known else measure,
                                ".1%" if unit == "rate" else ".1f"))


LOT_NAMES = {"services": "服务 services", "complaints": "投诉 complaints", "all": "全部 all"}
WEIGHTING = {"by_lot_size": ("两批都复核的检查项按批量加权：每批的不符合比例乘以该批案例数占比",
                             "a check made on both lots is weighted by lot size: each lot's nonconforming share "
                             "times its share of the cases"),
             "pooled": ("两批合并计算：每个抽样案例权重相同", "both lots pooled: every sampled case counts alike")}


def case_checks_html(scheme: Scheme, lot_counts: list[dict], answers: dict[str, dict], weighting: str | None) -> str:
    """The case verification as the 5.1c items count it: each check per lot, and the share the
    score uses (weighted by lot size where the scheme says so)."""
    labels = {c.item: c.label for c in scheme.case_checks}
    rows = []
    for item, answer in answers.items():
        lots = [c for c in lot_counts if c["item"] == item]
        share = answer.get("nonconforming_share")
        rows.append({"item": item, "label": labels.get(item, ""),
                     "lots": "；".join(f"{LOT_NAMES.get(c['lot'], c['lot'])} {c['nonconforming']}/{c['checked']}"
                                      f"（批量 lot {c['lot_size']}）" for c in lots),
                     "share": (f"{share:.1%} 加权 weighted" if share is not None
                               else f"{answer['nonconforming']}/{answer['checked']}")})
    note = WEIGHTING.get(weighting or "", None)
    return (table_html(rows, {"item": "条目 item", "label": "复核项 check", "lots": "各批不符合/已复核 per lot",
                              "share": "计分所用不符合比例 share scored"})
            + (f"<p class='muted'>{html.escape(note[0])} / {html.escape(note[1])}</p>" if note else ""))


SCORED_AT = {
    "estimate": ("样本量充足，A03–A08 按估计值计分", "the sample is adequate: A03–A08 are scored at the estimates"),
    "lower_bound": ("样本量不足，A03–A08 按置信区间下限计分（方案 survey_rules.inadequate_sample）",
                    "the sample is too small: A03–A08 are scored at the lower end of their intervals (scheme)"),
    "not_scored": ("样本量不足，A03–A08 不按调查计分，须由审查组判定并作答（方案 survey_rules.inadequate_sample）",
                   "the sample is too small: A03–A08 are not scored from the survey; the team judges and answers "
                   "them (scheme)"),
}


def survey_scoring(survey: dict) -> tuple[str, str]:
    """How the survey scored its items, with the responses and the sample it needed."""
    zh, en = SCORED_AT[survey.get("scored_at", "estimate")]
    counts = (f"有效问卷 {survey['responses']}，所需 {survey['required_sample']}",
              f"{survey['responses']} responses, {survey['required_sample']} required")
    return f"{zh}（{counts[0]}）", f"{en} ({counts[1]})"


def survey_sources_html(scheme: Scheme, survey: dict, evidence: dict, callbacks: dict | None) -> str:
    """Who collected the responses, how the respondents were drawn, and when: each channel's
    responses, the imported file and its dates, the call-backs' draw and calls."""
    channels = scheme.survey_channels_by_id
    run_by = {"certification_body": "认证机构 the certification body", "applicant": "申请方 the applicant"}
    imported = (evidence.get("surveys") or {}).get("import") or {}
    rows = []
    for channel, count in (survey.get("channels") or {}).items():
        known = channels.get(channel)
        if channel == Channel.PHONE_CALLBACK and callbacks:
            how = (f"从证据期间内 {callbacks['population_size']} 位客户中随机抽取 {callbacks['drawn']} 位（种子 seed "
                   f"{callbacks['seed']}，{callbacks['drawn_by']} {callbacks['drawn_on']}），接通 {callbacks['reached']} 位 / "
                   f"{callbacks['drawn']} of {callbacks['population_size']} customers drawn at random, "
                   f"{callbacks['reached']} reached")
            when = (f"{callbacks['first_call']}…{callbacks['last_call']}，回访人 called by "
                    f"{'、'.join(callbacks['called_by'])}")
        else:
            how = f"导入文件 imported file {imported.get('file', '—')}"
            when = f"{imported.get('first_on') or '—'}…{imported.get('last_on') or '—'}"
        rows.append({"channel": f"{known.name if known else channel}（{channel}）",
                     "by": run_by.get(known.run_by, known.run_by) if known else "—",
                     "responses": count, "how": how, "when": when})
    return table_html(rows, {"channel": "渠道 channel", "by": "实施方 run by", "responses": "有效样本 responses",
                             "how": "受访者如何产生 how respondents were drawn", "when": "时间 when"})


def survey_html(survey: dict) -> str:
    rows = [{"indicator": i["name"], "score": f"{i['score']:.1f}", "interval": f"{i['score_low']:.1f}–{i['score_high']:.1f}",
             "satisfied": f"{i['satisfied_share']:.0%}（{i['satisfied_low']:.0%}–{i['satisfied_high']:.0%}）"}
            for i in survey["indicators"]]
    nps = survey.get("nps")
    nps_text = f"NPS {nps['nps']:.1f}（95% 区间 interval {nps['nps_low']:.1f} 至 {nps['nps_high']:.1f}）" if nps else ""
    return (f"<p>有效样本 responses {survey['responses']}（所需 required {survey['required_sample']}）；{nps_text}</p>"
            + table_html(rows, {"indicator": "指标 indicator", "score": "得分 score", "interval": "95% 区间 interval",
                                "satisfied": "满意占比（Wilson 区间）satisfied share"}))


def finding_status(finding: dict) -> str:
    if finding.get("withdrawn_on"):
        return "已撤回 withdrawn"
    if finding.get("verified_on"):
        return "已验证关闭 verified"
    return "计划已接受 plan accepted" if finding.get("plan_accepted_on") else "未关闭 open"


def findings_html(scheme: Scheme, findings: list[dict], *, with_evidence: bool = False) -> str:
    """The findings register; `with_evidence` adds the evidence and the corrective action (the report)."""
    if not findings:
        return "<p>无 / none</p>"
    columns = {"grade": "等级 grade", "clause": "条款 clause", "description": "描述 description"}
    if with_evidence:
        columns |= {"evidence": "证据 evidence", "plan": "纠正措施 corrective action"}
    columns |= {"due": "期限 due", "status": "状态 status"}
    needs_action = {g.id for g in scheme.finding_grades if g.blocks_until != "none"}  # not an observation
    rows = [{**{k: html.escape(str(v)) for k, v in f.items() if v not in (None, "")},
             "grade": finding_grade_html(scheme, f),
             "plan": corrective_action_html(f), "due": html.escape(str(f.get("due_on") or "")),
             "status": finding_status(f) if f.get("grade") in needs_action else "—"} for f in findings]
    return table_html(rows, columns, escape=False)


def finding_grade_html(scheme: Scheme, finding: dict) -> str:
    """The grade, and for a repeat the finding it repeats (and the grade the auditor gave, when
    the scheme raised it)."""
    grades = scheme.finding_grades_by_id
    name = html.escape(grades[finding["grade"]].name if finding["grade"] in grades else finding["grade"])
    if not finding.get("repeat_of"):
        return name
    given = finding.get("graded_as")
    raised = (f"，原评 {html.escape(grades[given].name if given in grades else given)}，按方案升级 raised by the scheme"
              if given else "")
    return f"{name}<br><small>重复 repeats #{html.escape(str(finding['repeat_of']))}{raised}</small>"


def corrective_action_html(finding: dict) -> str:
    """The corrective action as recorded: correction, root cause, action, evidence of its
    implementation, and who accepted and verified it when."""
    parts = [(label, finding.get(key)) for label, key in (
        ("纠正 correction", "correction"), ("原因 root cause", "root_cause"), ("措施 action", "plan"),
        ("实施证据 evidence", "implementation_evidence"))]
    lines = [f"{label}：{html.escape(str(value))}" for label, value in parts if value]
    if finding.get("plan_accepted_on"):
        lines.append(f"接受 accepted {html.escape(str(finding['plan_accepted_on']))} "
                     f"{html.escape(str(finding.get('accepted_by') or ''))}")
    if finding.get("verified_on"):
        lines.append(f"验证 verified {html.escape(str(finding['verified_on']))} "
                     f"{html.escape(str(finding.get('verified_by') or ''))}")
    return "<br>".join(lines)


def person_days_html(planning: PlanningResult, *, with_english: bool = False, with_sites: bool = True) -> str:
    """The person-days, step by step, and (with_sites) the sites sampled: chosen, then drawn with the seed."""
    # a step between factors may be a long fraction (10 × 2/3): two decimals read as the table's
    steps = [{**s, "days": f"{s['days']:.2f}".rstrip("0").rstrip(".") if isinstance(s.get("days"), float) else s.get("days")}
             for s in planning.person_days.get("steps", [])]
    columns = {"days": "人日 days", "zh": "计算步骤 step"} | ({"en": "step"} if with_english else {})
    sites = (planning.site_sample or {}) if with_sites else {}
    return table_html(steps, columns) + (
        f"<p>抽样场所 sites：指定 chosen {html.escape('、'.join(sites.get('chosen', [])))}；随机 drawn "
        f"{html.escape('、'.join(sites.get('drawn', [])))}（种子 seed {sites.get('seed')}）</p>" if sites else "")


def team_html(scheme: Scheme, team: list[dict], violations: list[dict], warnings: list[dict] | None = None) -> str:
    """The team with their roles (the scheme's names), the competence and impartiality check, and
    its warnings (the leader's rotation)."""
    roles = {r.id: r.name for r in scheme.team_roles}
    grades = {g.id: g.name for g in scheme.auditor_grades}
    return (table_html([{**m, "role": f"{roles.get(m['role'], m['role'])} {m['role']}",
                         "grade": f"{grades.get(m.get('grade', ''), m.get('grade', '—'))} {m.get('grade', '')}"}
                        for m in team],
                       {"id": "编号 id", "name": "姓名 name", "grade": "资格 grade", "role": "角色 role"})
            + (f"<p style='color:{ERROR_COLOUR}'>" + "<br>".join(html.escape(str(v.get("zh", v))) for v in violations)
               + "</p>" if violations
               else f"<p style='color:{OK_COLOUR}'>✓ 能力与公正性检查通过 / competence and impartiality check passed</p>")
            + "".join(f"<p style='color:{WARNING_COLOUR}'>⚠ {html.escape(w['zh'])} / {html.escape(w['en'])}</p>"
                      for w in warnings or ()))


def status_reason(scheme: Scheme, change: StatusChange) -> str:
    """A status change's reason in words: a status_reasons id gets its name from the scheme."""
    names = {r.id: r.name for r in scheme.status_reasons if r.status == change.to_status}
    return f"{names[change.reason]}（{change.reason}）" if change.reason in names else change.reason


def history_html(scheme: Scheme, history: list[StatusChange]) -> str:
    statuses = {s.id: s.name for s in scheme.certificate_statuses}
    return table_html([{**h.as_dict(), "from_status": statuses.get(h.from_status, h.from_status),
                        "to_status": statuses.get(h.to_status, h.to_status), "reason": status_reason(scheme, h)}
                       for h in history],
                      {"on": "日期 date", "from_status": "原状态 from", "to_status": "新状态 to", "reason": "原因 reason",
                       "decided_by": "决定人 decided by"})


def methods_covered_html(scheme: Scheme, audit: Audit) -> str:
    """Which methods the audit's score covers ("4 of 7"): a partial audit maintains or lowers the
    level, it does not raise it."""
    covered = audit.covered_methods(scheme)
    names = "、".join(f"{m.id} {m.name}" for m in scheme.methods if m.id in covered)
    note = ("" if len(covered) == len(scheme.methods) else
            "；得分只反映这些方法，不能据此提升等级 <span class='en'>the score covers these only; it cannot raise "
            "the level</span>")
    return f"{len(covered)}/{len(scheme.methods)}：{html.escape(names)}{note}"


def certificate_acted_on(view, applicant_id: str, audit_id: int) -> Certificate | None:
    """The certificate an audit's decision acts on: the holder's, or the one a certificate issued
    on this audit replaced (None before the first)."""
    certificate = view.certificate_for(applicant_id)
    if certificate is not None and certificate.audit_id == audit_id:
        return view.find_certificate(certificate.replaces) if certificate.replaces else None
    return certificate


def verdict_text(scheme: Scheme, audit: Audit, certifiable: bool, advised_rank: int,
                 certificate: Certificate | None) -> str:
    """The recommendation in the words of the decisions the audit's type allows (a surveillance's
    is to maintain, raise, lower, suspend … not to certify), for the report and the report panel."""
    from ..rules.cycle import suggested_outcome
    outcome = suggested_outcome(scheme, audit.audit_type, certifiable=certifiable, advised_rank=advised_rank,
                                certificate=certificate, scope_extension=bool(audit.requested_scope),
                                methods=audit.covered_methods(scheme))
    return f"建议{scheme.outcomes_by_id[outcome].name} / recommend: {outcome}"
