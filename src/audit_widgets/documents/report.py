"""The audit report (审查报告) of one applicant's latest audit with a recorded report stage, by
ISO/IEC 17021-1 §9.4.8, as one self-contained HTML file (charts inline as SVG) and its PDF.

It reads the recorded results of the planning, characteristic and report stages and never
re-scores: what it says is what the team recorded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from ..domain import Applicant, Audit, Certificate, Finding, ReportParticular, StageRecord
from ..evidence import findings_to_follow_up
from ..files import write_atomically
from ..paths import outputs_dir
from ..render.html import table_html
from ..render.results import (
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
from ..store.checkpoints import Checkpoint
from ..store.repository import Workbench
from ..store.signing import SIGNATURE_LABELS
from .pdf import html_to_pdf
from .templating import render

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
    checkpoint: Checkpoint  # where the trail stood when the report was read
    evidence_files: list[dict]  # each checklist item's evidence files: item, file name, SHA-256


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
                             view.particulars(audit_id), view.checkpoint(),
                             [{"item": item_id, "file": f.filename, "sha256": f.sha256}
                              for item_id, record in sorted(view.answer_records(audit_id).items())
                              for f in record.evidence])


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


def _sign_off(sources: ReportSources) -> dict | None:
    record = sources.records[registry.report_stage()]
    if not record.signed:
        return None
    return {"by": record.signed_by, "at": f"{record.signed_at:%Y-%m-%d %H:%M}",
            "fingerprint": (sources.signature or "")[:FINGERPRINT_CHARS],
            "check": SIGNATURE_LABELS[sources.signature_state]}


def _particulars(scheme: Scheme, sources: ReportSources) -> list[dict]:
    """What the team states beside the checklists, each as recorded (value None: not stated)."""
    rows = []
    for particular in scheme.report_particulars:
        recorded = sources.particulars.get(particular.id)
        choices = {c.id: c.name for c in particular.choices}
        rows.append({"label": f"{particular.name} {particular.name_en}",
                     "value": None if recorded is None else choices.get(recorded.value, recorded.value),
                     "required": sources.audit.audit_type in particular.required_for})
    return rows


def _site_sample(scheme: Scheme, planning: PlanningResult) -> tuple[list[dict], list[dict]]:
    """The sites this audit visited (chosen, then drawn), and the sites each audit of the cycle
    covered, this one last (IAF MD1: sites rotate)."""
    sample = planning.site_sample or {}
    site_types = {t.id: t.name for t in scheme.site_types}
    type_of = {site: kind for kind, sites in (sample.get("types") or {}).items() for site in sites}
    visited = [{"site": site, "type": site_types.get(type_of.get(site), type_of.get(site)), "drawn": drawn}
               for drawn, sites in ((False, sample.get("chosen", ())), (True, sample.get("drawn", ())))
               for site in sites]
    if not planning.sites_visited:
        return visited, []
    names = {t.id: t.name for t in scheme.audit_types}
    this = {"audit_id": "本次 this audit", "audit_type": planning.audit_type, "sites": [v["site"] for v in visited]}
    return visited, [{"audit": f"{v['audit_id']} {names.get(v['audit_type'], v['audit_type'])}",
                      "sites": "、".join(v["sites"])} for v in [*planning.sites_visited, this]]


def _lots(planning: PlanningResult) -> list[dict]:
    plan = planning.case_sample or {}
    names = {"services": "服务案例 services", "complaints": "投诉案例 complaints"}
    return [{**plan[lot], "lot": names[lot], "whole": "全数 every case" if plan[lot].get("whole_lot") else ""}
            for lot in names if isinstance(plan.get(lot), dict)]


def report_html(workbench: Workbench, applicant_id: str, generated_at: datetime | None = None) -> str | None:
    """The report as one HTML document, from its template (documents/templates/audit_report.html.j2,
    or the body's); None when no audit of the applicant has a recorded report."""
    sources = read_sources(workbench, applicant_id)
    if sources is None:
        return None
    scheme = workbench.scheme
    records, applicant, audit = sources.records, sources.applicant, sources.audit
    planning = read(records["planning"], PlanningResult) if "planning" in records else PlanningResult()
    characteristic = read(records["characteristic"], CharacteristicResult) if "characteristic" in records else None
    report = read(records[registry.report_stage()], ReportResult)
    site_types = {t.id: t.name for t in scheme.site_types}
    domains = {d.id: d.name for d in scheme.domains}
    site_sample, cycle_sites = _site_sample(scheme, planning)
    series = kpi_series(characteristic) if characteristic and characteristic.kpis else None
    survey = (characteristic.survey if characteristic else None) or {}
    blocking = {g.id for g in scheme.finding_grades if g.blocks_until != "none"}
    open_findings = [f for f in report.findings if f.get("grade") in blocking and not f.get("verified_on")
                     and not f.get("withdrawn_on")]
    noted = [f for f in report.findings if f.get("grade") not in blocking and not f.get("withdrawn_on")]
    advice = report.recommendation
    drawn = Markup  # each table or figure below is drawn by render.results, as the screens draw it
    return render(
        "audit_report.html.j2", scheme=scheme, applicant=applicant, audit=audit,
        audit_type=scheme.audit_type(audit.audit_type), reason=scheme.special_reasons_by_id.get(audit.special_reason or ""),
        generated=(generated_at or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M"),
        organisation_type={t.id: t.name for t in scheme.organisation_types}.get(applicant.organisation_type,
                                                                                 applicant.organisation_type),
        sites=[{"name": s.name, "type": site_types.get(s.type, s.type), "address": s.address or "—",
                "headcount": "—" if s.headcount is None else s.headcount} for s in applicant.sites],
        domains=[f"{domains.get(d, d)}（{d}）" for d in applicant.domains],
        methods_covered=drawn(methods_covered_html(scheme, audit)), planning=planning,
        team=drawn(team_html(scheme, planning.team, planning.team_violations, planning.team_warnings)),
        particulars=_particulars(scheme, sources), site_sample=site_sample, cycle_sites=cycle_sites,
        person_days=drawn(person_days_html(planning, with_english=True, with_sites=False)), lots=_lots(planning),
        case_sample=characteristic.case_sample if characteristic else None,
        case_checks=drawn(case_checks_html(scheme, characteristic.case_lots, characteristic.case_answers,
                                           characteristic.lot_weighting))
        if characteristic and characteristic.case_sample and characteristic.case_answers else None,
        survey=survey, survey_scoring=survey_scoring(survey) if survey else [],
        survey_sources=drawn(survey_sources_html(scheme, survey, characteristic.evidence if characteristic else {},
                                                 characteristic.callbacks if characteristic else None))
        if survey else None,
        evidence=drawn(evidence_html(characteristic.evidence)) if characteristic and characteristic.evidence else None,
        kpis=drawn(kpis_html(characteristic)) if series is not None else None,
        charts=[drawn(kpi_chart_svg(scheme, series, measure)) for measure in series["measure"].drop_duplicates()]
        if series is not None and not series.empty else [],
        survey_results=drawn(survey_html(survey)) if survey else None, report=report,
        scores=drawn(scores_html(scheme, report.scores)) if report.scores else None,
        gates=drawn(gates_section_html(report)),
        lost_points=drawn(lost_points_html(scheme, report.score_result["lost_points"])),
        not_applicable=drawn(not_applicable_html(report.not_applicable)) if report.not_applicable else None,
        findings=drawn(findings_html(scheme, report.findings, with_evidence=True)),
        follow_up=drawn(findings_html(scheme, [f.as_dict() for f in sources.follow_up], with_evidence=True))
        if sources.follow_up else None,
        deviations=_deviations(scheme, sources, planning, characteristic, report),
        open_findings=drawn(findings_html(scheme, open_findings)), noted=drawn(findings_html(scheme, noted)),
        verdict=verdict_text(scheme, audit, advice.certifiable, advice.level.rank if advice.level else 0,
                             sources.certificate),
        level=advice.level, sign_off=_sign_off(sources), checkpoint=sources.checkpoint,
        evidence_files=drawn(table_html(sources.evidence_files, {"item": "条目 item", "file": "文件 file",
                                                                  "sha256": "SHA-256"}))
        if sources.evidence_files else None)


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
