"""`audit-workbench report`, `certificate verify` and `register export`: the documents a
certification body hands out (audit_widgets.documents)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .root import State, WorkbenchGroup, cli, emit, json_option, pass_state

NOT_VALID_EXIT = 1  # the code is wrong, the number unknown, or the certificate not in force


@cli.command("report")
@click.option("--applicant", "applicant_id", required=True, help="申请方编号 / applicant id")
@pass_state
def report(state: State, applicant_id: str) -> None:
    """生成审查报告（HTML、PDF）和证书 PDF / Write the audit report (HTML, PDF) and the certificate PDF.

    Written to outputs/<applicant>/: the report once the report stage is recorded, the
    certificate once one is issued."""
    from ..documents.build import build_documents
    written = build_documents(state.workbench(), applicant_id)
    if not written:
        click.echo(f"申请方「{applicant_id}」尚无已记录的审查报告或证书，未生成文件 / "
                   f"nothing to write: '{applicant_id}' has no recorded report and no certificate")
        return
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
