"""The audit notice (issue 23 §7, ISO/IEC 17021-1 §9.2.3): tells the client, before the audit,
its type and objective, the dates and sites on the agenda, and the team by name, grade and role,
so that it may object to a member. Written when the audit plan is saved on screen, by
`audit-workbench report` and by the batch, for the applicant's newest audit with a plan."""
from __future__ import annotations

import html
from pathlib import Path

from ..body import Body, load_body
from ..domain import Applicant, Audit, AuditPlanRecord, Programme, TeamMember
from ..files import write_atomically
from ..paths import outputs_dir
from ..render.html import table_html
from ..scheme import Scheme
from ..store.repository import Workbench
from .page import document, facts_table, heading

NOTICE_FILE = "audit_notice.html"


def audit_notice_html(scheme: Scheme, body: Body, applicant: Applicant, audit: Audit, programme: Programme,
                      plan: AuditPlanRecord, team: list[TeamMember]) -> str:
    e = html.escape
    audit_type = scheme.audit_type(audit.audit_type)
    reason = scheme.special_reasons_by_id.get(audit.special_reason or "")
    roles = {r.id: r.name for r in scheme.team_roles}
    grades = {g.id: g.name for g in scheme.auditor_grades}
    facts = facts_table([
        ("受审核方 client", f"<b>{e(applicant.name)}</b>"), ("统一社会信用代码 USCC", e(applicant.uscc)),
        ("审核类型 audit type", e(audit_type.name + (f"（{reason.name}）" if reason else ""))),
        ("审核目的 objective", e(audit_type.objective) + f"<br><span class='en'>{e(audit_type.objective_en)}</span>"),
        ("审核依据 criteria", e(f"{scheme.meta.rule}（{scheme.meta.rule_version}）；{scheme.meta.criteria}")),
        ("审核范围 scope", e(f"{applicant.goods}；{applicant.services}")),
        ("现场审核日期 on-site dates", e(f"{programme.audit_start} 至 {programme.audit_end}")),
    ])
    members = table_html([{"name": m.auditor.name, "grade": grades.get(m.auditor.grade, m.auditor.grade),
                           "role": roles.get(m.role, m.role)} for m in team],
                         {"name": "姓名 name", "grade": "资格 grade", "role": "组内角色 role"})
    names = {m.auditor.id: m.auditor.name for m in team}  # the client knows the team by name
    agenda = table_html([{**line, "auditors": "、".join(names.get(a, a) for a in line.get("auditors", []))}
                         for line in plan.agenda],
                        {"day": "日期 day", "site": "场所 site", "activity": "活动 activity", "auditors": "审查员 auditors"})
    body_html = (
        "<h1>审核通知书</h1><p class='muted' style='text-align:center'>Notice of audit</p>"
        f"<p>{e(applicant.name)}：</p><p>{e(body.name)}将按以下计划对贵单位实施{e(audit_type.name)}。"
        f"<br><span class='en'>{e(body.name_en or body.name)} will audit you as planned below.</span></p>"
        + facts + heading("审查组", "Audit team") + members
        + heading("审核日程", "Agenda") + agenda
        + heading("对审查组成员的异议", "Objecting to a team member")
        + "<p>如贵单位认为审查组成员与贵单位存在利益冲突（如近年为贵单位提供过咨询、存在雇佣或亲属关系），请在现场审核开始前"
          "书面提出并说明理由，本机构将核实并另行安排。<br><span class='en'>If you consider that a team member has a conflict "
          "of interest with you (consultancy for you in recent years, employment, family ties), tell us in writing, with "
          "your reasons, before the audit starts; we will check and replace the member.</span></p>"
        + f"<p style='text-align:right'>{e(body.name)}<br>{e(body.address)} · {e(body.contact_phone)} · "
          f"{e(body.contact_email)}<br>{e(str(plan.team_sent_on or programme.audit_start))}</p>")
    return document(f"审核通知书 {applicant.name}", body_html)


def write_audit_notice(workbench: Workbench, applicant_id: str, folder: Path | None = None) -> list[Path]:
    """audit_notice.html for the applicant's newest audit once its dates and agenda are planned;
    nothing before."""
    with workbench.reading() as view:
        audits = view.audits(applicant_id)
        if not audits:
            return []
        audit = audits[-1]
        programme, plan = view.programme(audit.id), view.audit_plan(audit.id)
        if programme is None or programme.audit_start is None or plan is None or not plan.agenda:
            return []
        applicant, team = view.get_applicant(applicant_id), view.team(audit.id)
    return [write_atomically((folder or outputs_dir() / applicant_id) / NOTICE_FILE, audit_notice_html(
        workbench.scheme, load_body(), applicant, audit, programme, plan, team))]
