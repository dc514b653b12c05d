"""`audit-workbench audits` (an applicant's history as a timeline) and `audit-workbench audit
open` (start its next audit): the certification cycle on the command line. Registered on `cli`
when cli.py imports this module."""
from __future__ import annotations

from datetime import date

import click

from .cli import State, WorkbenchGroup, applicant_option, cli, emit, json_option, pass_state

DAY = click.DateTime(formats=["%Y-%m-%d"])


@cli.command("audits")
@applicant_option
@json_option
@pass_state
def audits(state: State, applicant_id, as_json) -> None:
    """申请方的认证历史（时间线）/ An applicant's certification history as a timeline: its audits
    with score, level and decision, its certificates' status changes, its complaints and appeals."""
    from .timeline import applicant_timeline
    timeline = applicant_timeline(state.workbench(), applicant_id)
    text = "\n".join(f"{day}  {line}" for day, line in timeline.lines()) or "尚无审核 / no audits yet"
    emit(timeline.as_dict(), as_json, text)


@cli.group(cls=WorkbenchGroup)
def audit() -> None:
    """审核 / Audits of the certification cycle."""


@audit.command("open")
@applicant_option
@click.option("--type", "audit_type", required=True,
              help="审核类型，取自方案 audit_stages（initial、surveillance、recertification、special）/ audit type")
@click.option("--on", "on", type=DAY, default=None, help="开始日期 YYYY-MM-DD（默认今天）/ start day (default today)")
@click.option("--reason", default="", help="特殊审核的原因 / a special audit's reason")
@json_option
@pass_state
def audit_open(state: State, applicant_id, audit_type, on, reason, as_json) -> None:
    """开始申请方的下一次审核 / Start the applicant's next audit; its workbooks then open it."""
    workbench = state.workbench()
    audit_id = workbench.open_application(applicant_id, audit_type, on.date() if on else date.today(), reason=reason)
    emit({"audit": audit_id, "type": audit_type}, as_json,
         f"已开始审核 audit {audit_id}（{audit_type}）；工作簿 02–10 现在打开这次审核 / the workbooks now open it")
