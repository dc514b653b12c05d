"""`audit-workbench documents`, `report`, `certificate verify` and `register export`: the
documents a certification body hands out (audit_widgets.documents, one registry of them)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .root import State, WorkbenchGroup, cli, emit, json_option, pass_state

NOT_VALID_EXIT = 1  # the code is wrong, the number unknown, or the certificate not in force


@cli.group("report", cls=WorkbenchGroup, invoke_without_command=True)
@click.option("--applicant", "applicant_id", default=None, help="申请方编号 / applicant id")
@click.pass_context
def report(ctx: click.Context, applicant_id: str | None) -> None:
    """生成审查报告（HTML、PDF）和证书 PDF / Write the audit report (HTML, PDF) and the certificate PDF.

    Written to outputs/<applicant>/: the report once the report stage is recorded, the
    certificate once one is issued. `report cnca` writes the monthly report to CNCA's platform."""
    if ctx.invoked_subcommand is not None:
        return
    if applicant_id is None:
        raise click.UsageError("请给出 --applicant，或子命令 cnca / give --applicant, or the subcommand cnca")
    state = ctx.find_object(State)
    from ..documents.build import build_documents
    written = build_documents(state.workbench(), applicant_id)
    if not written:
        click.echo(f"申请方「{applicant_id}」尚无已记录的审查报告或证书，未生成文件 / "
                   f"nothing to write: '{applicant_id}' has no recorded report and no certificate")
        return
    for path in written:
        click.echo(str(path))


@report.command("cnca")
@click.option("--month", required=True, help="报送月份 YYYY-MM / the month reported")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@pass_state
def report_cnca(state: State, month: str, out: Path, as_json) -> None:
    """向国家认监委平台的月度报送（Excel）/ The monthly report to CNCA's platform, as its Excel workbook.

    Only lines not reported before (新增) or changed since (变更) are written; a cell the platform
    would reject is named by sheet, row and column, and nothing is written."""
    from ..reporting.cnca import report_month
    done = report_month(state.workbench(), month, out)
    counts = "，".join(f"{sheet} {n}" for sheet, n in done.counts.items())
    text = (f"{month} 无新的或变更的报送内容 / nothing new or changed to report for {month}" if done.path is None else
            f"已写出 written {done.path}：{counts}（其中变更 changed {done.changed}）；应于 {done.due_on} 前上报 / due by "
            f"{done.due_on}")
    emit({"month": month, "path": str(done.path) if done.path else None, "counts": done.counts,
          "changed": done.changed, "due_on": done.due_on}, as_json, text)


@cli.group("documents", cls=WorkbenchGroup)
def documents_group() -> None:
    """文件：通知书、报告、证书 / Documents: notices, the report, the certificate (one registry)."""


@documents_group.command("list")
@json_option
def documents_list(as_json) -> None:
    """列出全部文件：给谁、何时、写哪些文件 / Every document: for whom, when, which files."""
    from ..documents.registry import documents
    rows = [{"kind": d.id, "name": d.name, "reader": d.reader, "due": d.due, "files": list(d.files)} for d in documents]
    emit(rows, as_json, "\n".join(f"{r['kind']:<15} {r['name']}\n{'':<15} 给 for: {r['reader']}；{r['due']}；"
                                   f"{', '.join(r['files'])}" for r in rows))


@documents_group.command("build")
@click.option("--applicant", "applicant_id", required=True, help="申请方编号 / applicant id")
@click.option("--kind", "kinds", multiple=True, help="只写这种文件（documents list）/ only this kind (repeatable)")
@pass_state
def documents_build(state: State, applicant_id: str, kinds: tuple[str, ...]) -> None:
    """写出申请方的文件（到 outputs/<申请方>/）/ Write the applicant's documents into outputs/<applicant>/.

    A document whose records are not there yet (no report recorded, no certificate) is not written."""
    from ..documents.build import build_documents
    written = build_documents(state.workbench(), applicant_id, kinds=kinds)
    if not written:
        click.echo(f"申请方「{applicant_id}」暂无可生成的文件 / nothing to write for '{applicant_id}' yet")
    for path in written:
        click.echo(str(path))


@cli.group(cls=WorkbenchGroup)
def certificate() -> None:
    """证书 / Certificates."""


@certificate.command("verify")
@click.argument("number")
@click.argument("code", nargs=-1, required=True)
@json_option
@pass_state
def certificate_verify(state: State, number: str, code: tuple[str, ...], as_json) -> None:
    """核验证书编号与验证码 / Check a certificate number and its verification code.

    CODE may be typed in groups with spaces (ABCD EFGH …). Exit 0 only for a genuine
    certificate that is in force (有效)."""
    from ..documents.certificate import verify_certificate
    check = verify_certificate(state.workbench(), number, "".join(code))
    zh, en = check.message()
    emit(check.as_dict(), as_json, f"{zh}\n{en}")
    if not check.valid:
        sys.exit(NOT_VALID_EXIT)


@cli.group(cls=WorkbenchGroup)
def register() -> None:
    """证书登记表 / The register of certificates."""


@register.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def register_export(state: State, out: Path) -> None:
    """导出证书登记表（.xlsx 或 .csv）/ Export the register of certificates (.xlsx or .csv)."""
    from ..documents.register import export_register
    written = export_register(state.workbench(), out)
    click.echo(f"已导出证书登记表 / register exported: {written}")


@register.command("published")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def register_published(state: State, out: Path) -> None:
    """公告暂停、撤销的证书（HTML）/ The list of suspended and withdrawn certificates the body publishes."""
    from ..documents.register import write_published_list
    click.echo(str(write_published_list(state.workbench(), out)))
