"""The certification cycle: `contract`, `kpis`, `audits` (an applicant's history as a timeline),
`audit open` / `audit extend-scope` (its next audit) and `enforce` (what the rules make due)."""
from __future__ import annotations

from dataclasses import asdict

import click

from .root import (
    DAY,
    State,
    WorkbenchGroup,
    applicant_option,
    cli,
    emit,
    json_option,
    pass_state,
    renamed_options,
)


# --- contract -----------------------------------------------------------------------------
@cli.command("contract")
@applicant_option
@click.option("--number", "contract_no", required=True, help="合同编号 / contract number")
@click.option("--signed-on", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="签订日期 YYYY-MM-DD / signing date")
@click.option("--fee", type=float, default=0.0, show_default=True, help="认证费用（元）/ certification fee")
@json_option
@pass_state
def contract(state: State, applicant_id, contract_no, signed_on, fee, as_json) -> None:
    """记录签订的认证合同 / Record the signed certification contract of the current audit."""
    from ..errors import NotFoundError
    workbench = state.workbench()
    audit_id = workbench.current_audit(applicant_id)
    if audit_id is None:
        raise NotFoundError(f"申请方「{applicant_id}」尚无审核", f"Applicant '{applicant_id}' has no audit yet")
    saved = workbench.save_contract(audit_id, contract_no, signed_on.date(), fee)
    emit(saved, as_json, f"合同已保存 / contract saved: {saved.contract_no}（{saved.signed_on}）")


# --- results ------------------------------------------------------------------------------
@cli.command("kpis")
@applicant_option
@json_option
@pass_state
def kpis(state: State, applicant_id, as_json) -> None:
    """由当前审核证据期间内的工单计算监测指标 / KPIs from the work orders of the current audit's period."""
    from ..errors import NotFoundError
    from ..evidence import audit_evidence
    from ..rules.kpis import compute_kpis
    workbench = state.workbench()
    audit_id = workbench.resolve_audit(applicant_id)
    evidence = audit_evidence(workbench, audit_id) if audit_id else None
    if evidence is None or evidence.work_orders.records.empty:
        raise NotFoundError(f"申请方「{applicant_id}」当前审核尚无证据期间内的工单",
                            f"No work orders of the current audit's evidence period for '{applicant_id}'",
                            code="evidence.no_work_orders")
    report = compute_kpis(evidence.work_orders.records, state.scheme)
    overall = {k: asdict(v) for k, v in report.overall.items()}
    flagged = report.monthly[report.monthly["out_of_control"]]
    lines = [f"{v.name}\t{v.value:.4g}\t({v.numerator:g}/{v.denominator})" for v in report.overall.values()
             if v.value is not None]
    lines += [f"失控点 out of control: {r.measure} {r.month} {r.value:.4g}" for r in flagged.itertuples()]
    emit({"overall": overall, "out_of_control": flagged.to_dict("records")}, as_json, "\n".join(lines))


@cli.command("audits")
@applicant_option
@json_option
@pass_state
def audits(state: State, applicant_id, as_json) -> None:
    """申请方的认证历史（时间线）/ An applicant's certification history as a timeline: its audits
    with score, level and decision, its certificates' status changes, its complaints and appeals."""
    from ..timeline import applicant_timeline
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
@click.option("--special-reason", "special_reason", default=None,
              help="特殊审核的原因类别，取自方案 special_audit_reasons（supervision_sampling、major_accident、regrading …）"
                   " / a special audit's reason category")
@json_option
@pass_state
def audit_open(state: State, applicant_id, audit_type, on, reason, special_reason, as_json) -> None:
    """开始申请方的下一次审核 / Start the applicant's next audit; its workbooks then open it."""
    workbench = state.workbench()
    audit_id = workbench.open_audit(applicant_id, audit_type, on.date() if on else None, reason=reason,
                                    special_reason=special_reason)
    emit({"audit": audit_id, "type": audit_type}, as_json,
         f"已开始审核 audit {audit_id}（{audit_type}）；工作簿 02–10 现在打开这次审核 / the workbooks now open it")


@audit.command("move-scheme")
@click.option("--audit", "audit_id", type=int, required=True, help="审核编号 / audit id")
@click.option("--reason", required=True, help="迁移理由 / why the audit moves to this scheme")
@json_option
@pass_state
def audit_move_scheme(state: State, audit_id, reason, as_json) -> None:
    """把未决定的审核迁移到当前方案 / Move an undecided audit to the scheme the workbench runs now
    (an audit is otherwise judged under the scheme it was opened under); the trail keeps both."""
    moved = state.workbench().move_to_scheme(audit_id, reason)
    emit(moved, as_json, f"审核 audit {audit_id}：方案 scheme {moved['from']['version']}（{moved['from']['fingerprint'][:12]}）"
                         f" → {moved['to']['version']}（{moved['to']['fingerprint'][:12]}）")


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
        on=on.date() if on else workbench.clock.today(), reason=reason)
    emit({"audit": audit_id, "type": "special"}, as_json,
         f"已开始范围扩大的特殊审核 audit {audit_id} / the scope extension's special audit has started")


@cli.command("enforce")
@click.option("--on", "on", type=DAY, default=None,
              help="按该日检查 YYYY-MM-DD（默认今天，不能晚于今天）/ as of this day (default today, not later)")
@json_option
@pass_state
def enforce_due(state: State, on, as_json) -> None:
    """按规则检查每张有效或暂停的证书（夜间任务）/ For a nightly job: apply the status changes the
    scheme marks automatic (each naming its rule) and list those that need the committee's decision."""
    from ..enforcement import enforce
    from ..reporting.cnca import report_due
    workbench = state.workbench()
    day = on.date() if on else workbench.clock.today()
    done = enforce(workbench, day)  # a day to come is refused
    reports = report_due(workbench, day)
    lines = [f"{d.applicant_id}: {d.line(day)}" for d in done]
    lines += [f"CNCA 月报 monthly report {month}：应于 {due} 前上报 due by {due}"
              + ("，已逾期 overdue" if due < day else "") for month, due in reports]
    emit([{**d.__dict__, "kind": "certificate" if d.audit is None else "audit"} for d in done]
         + [{"kind": "cnca_report", "month": month, "due_on": due} for month, due in reports],
         as_json, "\n".join(lines) or f"{day}：无到期事项 / nothing is due")
