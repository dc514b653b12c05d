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


@cli.group(cls=WorkbenchGroup)
def auditors() -> None:
    """人员能力记录 / Competence records of auditors, technical experts and committee members."""


@auditors.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
@pass_state
def auditors_import(state: State, file, as_json) -> None:
    """导入人员、能力证据与公正性声明（模板见 parameters/auditors_template.xlsx）/ Load people, their
    evidence per domain and their impartiality declarations; the whole file or nothing."""
    from .imports.auditors import read_competence_file
    workbench = state.workbench()
    records = read_competence_file(file, state.scheme, known_people={a.id for a in workbench.auditors()})
    counts = workbench.import_people(records["people"], records["evidence"], records["declarations"])
    emit(counts, as_json, f"已导入 imported: 人员 people {counts['people']}，能力证据 evidence {counts['evidence']}，"
                          f"公正性声明 declarations {counts['declarations']}")


@auditors.command("list")
@json_option
@pass_state
def auditors_list(state: State, as_json) -> None:
    """人员及其注册、能力证据与声明 / People with their registration, evidence and declarations."""
    people = state.workbench().auditors()
    lines = [f"{a.id} {a.name} {a.grade} 注册 {a.registration_no or '—'} 至 {a.registration_expires or '—'}；"
             f"有证据的领域 evidenced {','.join(sorted(a.evidenced_domains())) or '—'}；声明 declarations {len(a.declarations)}"
             for a in people]
    emit(people, as_json, "\n".join(lines))
