"""`audit-workbench demo`: three demo applicants, one per domain, carried from application to
decision through the same API the widgets use, and a fourth (composite goods) left at the
start for an auditor to take through the workbooks by hand.

Everything is generated from fixed seeds: the input files (a work-order log and a 问卷星
survey export), the auditors and teams, the checklist answers, the case verification and the
findings. demo-special fails a gate (a veto item and an open major nonconformity), so the
'not certified' path runs too.
"""
from __future__ import annotations

from datetime import date, timedelta

from ..imports.applicants import read_applicant_file
from ..paths import project_root
from ..store.repository import Workbench
from .audits import DEMO_APPLICANTS, FRESH_APPLICANT, PROGRAMME_MANAGER, import_evidence, register_auditors
from .cycle import HISTORIES


def create_demo(workbench: Workbench, echo=print, today: date | None = None) -> list[str]:
    """Register the demo applicants and carry each through the procedure, once."""
    today = today or date.today()
    # The demo acts as its people: the programme manager (also the administrator) registers,
    # plans and issues; each audit's leader evaluates; a committee member decides.
    workbench = workbench.acting_as(PROGRAMME_MANAGER)
    added = register_auditors(workbench)
    if "A06" in added:
        workbench.add_consultancy("A06", "demo-consumer", today - timedelta(days=200))
    existing = {a.id for a in workbench.list_applicants()}
    for demo in (*DEMO_APPLICANTS, FRESH_APPLICANT):
        if demo.id in existing:
            echo(f"已存在，跳过 already there, skipped: {demo.id}")
            continue
        data = read_applicant_file(project_root() / "parameters" / "applicants" / f"{demo.id}.yaml", workbench.scheme)
        workbench.add_applicant(data)
        echo(f"登记申请方 applicant added: {demo.id} {data.name}")
        if demo is FRESH_APPLICANT:  # its evidence: the year before today, until its audit is planned
            import_evidence(workbench, demo, workbench.open_audit(demo.id, submitted_on=today), today, echo)
            echo("  待审查：请在 JupyterLab 中从 01_application 开始 / ready for you: start at 01_application")
        else:
            HISTORIES[demo.id](workbench, demo, echo, today)
    return [d.id for d in (*DEMO_APPLICANTS, FRESH_APPLICANT)]
