"""What a stage still lacks before it may be signed off (procedure_stages.complete_when).

Every gap is returned, not the first, grouped so the auditor sees the whole list at once."""
from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass

from ..domain import Answer, AuditPlanRecord, Programme, Record
from ..scheme import ChecklistItem, Scheme
from .application import missing_documents
from .person_days import on_site_days
from .scoring import ItemScore
from .team import TeamCheck

GROUPS = {
    "documents": ("缺少的申请文件", "missing application documents"),
    "uscc": ("统一社会信用代码", "USCC"),
    "review": ("申请评审", "application review"),
    "team": ("审查组", "audit team"),
    "audit_dates": ("审核日期", "audit dates"),
    "plan": ("审核计划", "audit plan"),
    "answers": ("未作答的条目", "unanswered items"),
    "sample_counts": ("缺少抽查数的抽样条目", "sample items without counts"),
    "particulars": ("报告尚未写明的事项", "what the report does not state yet"),
}


@dataclass(frozen=True)
class Gap(Record):
    group: str  # a CompletenessCheck id
    item: str   # what is missing: a document, item or auditor id
    zh: str
    en: str


def document_gaps(scheme: Scheme, submitted: Container[str]) -> list[Gap]:
    names = {d.id: d.name for d in scheme.application_documents}
    return [Gap("documents", d, names[d], d) for d in missing_documents(scheme, submitted)]


def uscc_gaps(uscc_valid: bool, reason: str) -> list[Gap]:
    return [] if uscc_valid else [Gap("uscc", "uscc", f"统一社会信用代码无效：{reason}", "the USCC is not valid")]


def team_gaps(team_check: TeamCheck, team_size: int) -> list[Gap]:
    if not team_size:
        return [Gap("team", "team", "尚未组建审查组", "no audit team has been set")]
    return [Gap("team", v.auditor_id or v.code, v.zh, v.en) for v in team_check.violations]


def particular_gaps(scheme: Scheme, audit_type: str, recorded: Container[str]) -> list[Gap]:
    """The report particulars the audit type requires and the team has not stated."""
    return [Gap("particulars", p.id, f"报告尚未写明：{p.name}", f"the report does not state {p.name_en} yet")
            for p in scheme.report_particulars if audit_type in p.required_for and p.id not in recorded]


def review_gaps(review_accepted: bool | None) -> list[Gap]:
    """None: no review recorded; False: refused (the application ends there)."""
    if review_accepted is None:
        return [Gap("review", "review", "尚未完成申请评审", "the application review is not recorded")]
    if not review_accepted:
        return [Gap("review", "review", "申请评审结论为不予受理", "the application was refused at review")]
    return []


def audit_date_gaps(programme: Programme | None) -> list[Gap]:
    if programme is None or programme.audit_start is None or programme.audit_end is None:
        return [Gap("audit_dates", "audit_dates", "尚未填写现场审核日期", "the on-site audit dates are not set")]
    return []


def plan_gaps(scheme: Scheme, programme: Programme | None, plan: AuditPlanRecord | None,
              counted_auditors: list[str]) -> list[Gap]:
    """Whether the audit plan delivers the programme (17021-1 §9.2.3): its agenda covers every
    sampled site, on the audit's dates, and the auditors who count (not trainees or experts)
    are on site for at least the on-site share of the planned person-days."""
    if programme is None:
        return []  # audit_date_gaps names the missing programme
    agenda = plan.agenda if plan else ()
    if not agenda:
        return [Gap("plan", "agenda", "尚未填写审核日程（每个场所每天一行）",
                    "the audit plan has no agenda (one line per site and day)")]
    gaps = []
    days = {str(line["day"])[:10] for line in agenda}
    if programme.audit_start and programme.audit_end:
        outside = sorted(d for d in days if not str(programme.audit_start) <= d <= str(programme.audit_end))
        if outside:
            gaps.append(Gap("plan", "days", f"日程日期 {'、'.join(outside)} 不在现场审核日期 {programme.audit_start}"
                                            f"…{programme.audit_end} 内",
                            f"agenda days {', '.join(outside)} are outside the audit dates "
                            f"{programme.audit_start}…{programme.audit_end}"))
    sampled = programme.site_sample.sites if programme.site_sample else ()
    missing = [site for site in sampled if site not in {line.get("site") for line in agenda}]
    if missing:
        gaps.append(Gap("plan", "sites", f"日程未安排抽样场所：{'、'.join(missing)}",
                        f"the agenda does not visit the sampled sites: {', '.join(missing)}"))
    auditor_days = {a: len({str(line["day"])[:10] for line in agenda if a in line.get("auditors", ())})
                    for a in counted_auditors}
    needed = on_site_days(scheme, programme.person_days)
    total = sum(auditor_days.values())
    if total < needed:
        who = "、".join(f"{a} {n} 天" for a, n in auditor_days.items()) or "无 none"
        gaps.append(Gap("plan", "auditor_days",
                        f"可计入人日的审查员在日程中共 {total} 个审核人日（{who}），少于现场至少 {needed:g} 人日"
                        f"（计划 {programme.person_days:g} 人日；实习审查员和技术专家不计）",
                        f"the auditors who count are on the agenda for {total} auditor-days ({who}), short of the "
                        f"{needed:g} on-site days the {programme.person_days:g} planned person-days need "
                        "(trainees and technical experts do not count)"))
    return gaps


def answer_gaps(items: list[ChecklistItem], scores: Mapping[str, ItemScore]) -> list[Gap]:
    """Applicable items that have no answer and no measured value."""
    return [Gap("answers", i.id, f"{i.id} {i.text}", f"{i.id} is unanswered")
            for i in items if scores[i.id].status == "unanswered"]


def sample_count_gaps(scheme: Scheme, items: list[ChecklistItem], answers: Mapping[str, Answer]) -> list[Gap]:
    """Sample-based items judged without saying how many samples were checked."""
    gaps = []
    for item in items:
        answer = answers.get(item.id)
        if item.judgement != "sample" or answer is None or answer.checked:
            continue
        result = scheme.results_by_id.get(answer.result) if answer.result else None
        if result is not None and result.applicable:
            gaps.append(Gap("sample_counts", item.id, f"{item.id} 已判定「{result.name}」但未填写抽查数与不符合数",
                            f"{item.id} is judged without the number of samples checked"))
    return gaps


def grouped(gaps: list[Gap]) -> dict[str, list[Gap]]:
    """The gaps by group, in the order of GROUPS."""
    return {group: [g for g in gaps if g.group == group] for group in GROUPS if any(g.group == group for g in gaps)}


def gaps_text(gaps: list[Gap]) -> tuple[str, str]:
    """The whole list as (Chinese, English) lines, grouped, never cut off."""
    zh, en = [], []
    for group, members in grouped(gaps).items():
        zh.append(f"{GROUPS[group][0]}（{len(members)}）：" + "；".join(g.zh for g in members))
        en.append(f"{GROUPS[group][1]} ({len(members)}): " + "; ".join(g.en for g in members))
    return "\n".join(zh), "\n".join(en)
