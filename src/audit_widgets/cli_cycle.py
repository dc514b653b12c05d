"""The certification cycle on the command line: `audits` (an applicant's history as a
timeline), `audit open` and `audit extend-scope` (start its next audit), `auditors` (the
competence records) and `records` (retention and disposal). Registered on `cli` when cli.py
imports this module."""
from __future__ import annotations

from datetime import date

import click

from .cli import State, WorkbenchGroup, applicant_option, cli, emit, json_option, pass_state, renamed_options

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


@audit.command("open", context_settings=renamed_options(type="audit-type"))
@applicant_option
@click.option("--audit-type", "audit_type", required=True,
              help="审核类型，取自方案 audit_types（initial、surveillance、recertification、special）/ audit type")
@click.option("--on", "on", type=DAY, default=None, help="开始日期 YYYY-MM-DD（默认今天）/ start day (default today)")
@click.option("--reason", default="", help="特殊审核的原因 / a special audit's reason")
@json_option
@pass_state
def audit_open(state: State, applicant_id, audit_type, on, reason, as_json) -> None:
    """开始申请方的下一次审核 / Start the applicant's next audit; its workbooks then open it."""
    workbench = state.workbench()
    audit_id = workbench.open_audit(applicant_id, audit_type, on.date() if on else date.today(), reason=reason)
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


@cli.group(cls=WorkbenchGroup)
def records() -> None:
    """记录保存与处置 / Record retention and disposal (record_retention_cycles)."""


@records.command("due-for-disposal")
@click.option("--on", "on", type=DAY, default=None, help="按该日计算（默认今天）/ as of this day (default today)")
@json_option
@pass_state
def records_due(state: State, on, as_json) -> None:
    """列出保存期已满、可以处置的审核记录（不删除任何内容）/ List the audits whose records are past
    their retention; nothing is deleted."""
    day = on.date() if on else date.today()
    due = state.workbench().records_due_for_disposal(day)
    rows = [{**record.__dict__, "kept_until": kept} for record, kept in due]
    text = "\n".join(f"{r['applicant_id']} 审核 audit {r['audit_id']} {r['audit_type']}：周期结束 cycle ended "
                     f"{r['cycle_ended']}，保存至 kept until {r['kept_until']}" for r in rows)
    emit(rows, as_json, text or f"没有到期的记录 / nothing is due on {day}")


@records.command("dispose")
@click.option("--audit", "audit_id", type=int, required=True, help="审核编号 / audit id")
@click.option("--reason", required=True, help="处置依据 / the basis of the disposal")
@click.option("--on", "on", type=DAY, default=None, help="处置日期（默认今天）/ day (default today)")
@click.option("--yes", is_flag=True, help="确认删除 / confirm the deletion")
@json_option
@pass_state
def records_dispose(state: State, audit_id, reason, on, yes, as_json) -> None:
    """删除一次保存期已满的审核的全部记录（须 --yes；审计追踪保留处置记录）/ Delete every record of an
    audit past its retention (needs --yes; the trail keeps what was disposed of)."""
    from .errors import InputFileError
    if not yes:
        raise InputFileError("删除不可恢复：确认请加 --yes", "Deletion cannot be undone: add --yes to confirm")
    counts = state.workbench().dispose_of_audit(audit_id, on.date() if on else date.today(), reason)
    emit(counts, as_json, f"已处置审核 {audit_id} 的记录 / disposed of audit {audit_id}'s records：" + "，".join(
        f"{table} {n}" for table, n in counts.items() if n))


@audit.command("extend-scope")
@applicant_option
@click.option("--domain", "domains", multiple=True, required=True, help="新增的领域（可多次）/ a domain to add (repeatable)")
@click.option("--goods", default=None, help="扩大后的商品范围 / the goods after the extension")
@click.option("--services", default=None, help="扩大后的服务范围 / the services after the extension")
@click.option("--reason", required=True, help="申请理由 / why")
@click.option("--on", "on", type=DAY, default=None, help="开始日期（默认今天）/ start day (default today)")
@json_option
@pass_state
def audit_extend_scope(state: State, applicant_id, domains, goods, services, reason, on, as_json) -> None:
    """申请扩大认证范围：开始一次特殊审核 / Ask for a scope extension: opens the special audit that
    covers the new domains; the committee's extend_scope decision reissues the certificate."""
    workbench = state.workbench()
    applicant = workbench.get_applicant(applicant_id)
    audit_id = workbench.request_scope_extension(
        applicant_id, domains=list(domains), goods=goods if goods is not None else applicant.goods,
        services=services if services is not None else applicant.services,
        on=on.date() if on else date.today(), reason=reason)
    emit({"audit": audit_id, "type": "special"}, as_json,
         f"已开始范围扩大的特殊审核 audit {audit_id} / the scope extension's special audit has started")
