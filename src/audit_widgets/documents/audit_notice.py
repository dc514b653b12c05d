"""The audit notice (issue 23 §7, ISO/IEC 17021-1 §9.2.3): tells the client, before the audit,
its type and objective, the dates and sites on the agenda, and the team by name, grade and role,
so that it may object to a member. Written when the audit plan is saved on screen, by
`audit-workbench report` and by the batch, for the applicant's newest audit with a plan."""
from __future__ import annotations

from pathlib import Path

from ..domain import Applicant, Audit, AuditPlanRecord, Programme, TeamMember
from ..files import write_atomically
from ..paths import outputs_dir
from ..scheme import Scheme
from ..store.repository import Workbench
from .templating import render

NOTICE_FILE = "audit_notice.html"


def audit_notice_html(scheme: Scheme, applicant: Applicant, audit: Audit, programme: Programme,
                      plan: AuditPlanRecord, team: list[TeamMember]) -> str:
    """The notice, from its template (documents/templates/audit_notice.html.j2, or the body's)."""
    roles = {r.id: r.name for r in scheme.team_roles}
    grades = {g.id: g.name for g in scheme.auditor_grades}
    names = {m.auditor.id: m.auditor.name for m in team}  # the client knows the team by name
    return render(
        "audit_notice.html.j2", scheme=scheme, applicant=applicant, audit_type=scheme.audit_type(audit.audit_type),
        reason=scheme.special_reasons_by_id.get(audit.special_reason or ""), programme=programme, plan=plan,
        members=[{"name": m.auditor.name, "grade": grades.get(m.auditor.grade, m.auditor.grade),
                  "role": roles.get(m.role, m.role)} for m in team],
        agenda=[{**line, "auditors": "、".join(names.get(a, a) for a in line.get("auditors", []))}
                for line in plan.agenda])


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
        workbench.scheme, applicant, audit, programme, plan, team))]
