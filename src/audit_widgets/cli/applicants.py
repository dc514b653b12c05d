"""Applicants and people: `applicant`, `import` (one command per registered importer) and `auditors`."""
from __future__ import annotations

from pathlib import Path

import click

from ..imports.registry import importers
from .root import State, WorkbenchGroup, cli, emit, json_option, pass_state, plain


# --- applicants ---------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def applicant() -> None:
    """申请方 / Applicants."""


@applicant.command("list")
@json_option
@pass_state
def applicant_list(state: State, as_json) -> None:
    """列出申请方 / List applicants."""
    rows = state.workbench().list_applicants()
    emit(rows, as_json, "\n".join(f"{r.id}\t{r.name}\t{','.join(r.domains)}" for r in rows)
         or "（没有申请方 / no applicants）")


@applicant.command("show")
@click.argument("applicant_id")
@json_option
@pass_state
def applicant_show(state: State, applicant_id: str, as_json) -> None:
    """显示申请方 / Show one applicant."""
    workbench = state.workbench()
    row = workbench.get_applicant(applicant_id).as_dict()
    row["imports"] = plain(workbench.imports(applicant_id))
    emit(row, as_json, "\n".join(f"{k}: {v}" for k, v in row.items()))


# --- imports ------------------------------------------------------------------------------
@cli.group("import", cls=WorkbenchGroup)
def import_() -> None:
    """导入文件（工单、问卷、人员、申请方）/ Import files: work orders, surveys, people, applicants."""


def run_import(state: State, importer_id: str, file: Path, as_json: bool, applicant_id: str | None = None,
               mapping: Path | None = None, audit_id: int | None = None) -> None:
    """One import through the registry, as every import command does it."""
    done = state.workbench().import_file(importer_id, Path(file), Path(file).name, applicant_id,
                                         None if mapping is None else Path(mapping),
                                         Path(mapping).name if mapping else "mapping.yaml", audit_id)
    emit(done.counts, as_json, f"{done.zh} / {done.en}")


def import_command(importer, group: click.Group | None = None, name: str | None = None) -> click.Command:
    """`audit-workbench import <id>` for one registered importer (imports/registry.py); with a
    group and a name, the same command under another name (`applicant add`, `auditors import`)."""
    @json_option
    @pass_state
    def command(state: State, file: Path, as_json, applicant_id=None, mapping=None, audit_id=None) -> None:
        run_import(state, importer.id, file, as_json, applicant_id, mapping, audit_id)
    command.__doc__ = importer.help + (f"（即 import {importer.id} / the same as import {importer.id}）" if group else "")
    command = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))(command)
    if importer.mapping_help is not None:
        command = click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                               default=None, help=importer.mapping_help)(command)
    if importer.per_applicant:
        command = click.option("--audit", "audit_id", type=int, default=None,
                               help="审核编号（默认当前审核）/ the audit it is evidence for (default: the current one)")(command)
        command = click.option("--applicant", "applicant_id", required=True, help="申请方编号 / applicant id")(command)
    return (group or import_).command(name or importer.id)(command)


for _importer in importers:
    import_command(_importer)


@cli.group(cls=WorkbenchGroup)
def auditors() -> None:
    """人员能力记录 / Competence records of auditors, technical experts and committee members."""


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


@auditors.command("roles")
@click.option("--all", "everything", is_flag=True, help="也列出已处理的 / also those already decided")
@json_option
@pass_state
def auditors_roles(state: State, everything, as_json) -> None:
    """角色变更（默认只列待批准的）/ Role changes (by default those awaiting approval).

    A change of someone's roles (administrator, programme manager, committee member) or of the
    login they sign in with behind the hub takes effect once a second administrator or committee
    member approves it: neither the one who asked for it nor the person it concerns."""
    changes = state.workbench().role_changes(state=None if everything else "pending")

    def said(roles: dict) -> str:
        return "、".join([*roles["roles"], *(["committee_member"] if roles["committee_member"] else []),
                         *([f"登录名 login {roles['login']}"] if roles.get("login") else [])]) or "—"
    lines = [f"{c.id} {c.person_id}: {said(c.before)} → {said(c.after)}；{c.state}；提出 asked by {c.requested_by} "
             f"{c.requested_at:%Y-%m-%d %H:%M}" + (f"；决定 decided by {c.decided_by}" if c.decided_by else "")
             + (f"；{c.reason}" if c.reason else "") for c in changes]
    emit(changes, as_json, "\n".join(lines) or "没有待批准的角色变更 / no role change awaits approval")


@auditors.command("approve-role")
@click.argument("change_id", type=int)
@pass_state
def auditors_approve_role(state: State, change_id) -> None:
    """批准一项角色变更（第二人）/ Approve a role change (as the second person)."""
    state.workbench().approve_role_change(change_id)
    click.echo(f"角色变更 {change_id} 已批准并生效 / role change {change_id} approved and in effect")


@auditors.command("refuse-role")
@click.argument("change_id", type=int)
@click.option("--reason", required=True, help="理由 / why")
@pass_state
def auditors_refuse_role(state: State, change_id, reason) -> None:
    """拒绝一项角色变更 / Refuse a role change, with the reason."""
    state.workbench().refuse_role_change(change_id, reason)
    click.echo(f"角色变更 {change_id} 已拒绝 / role change {change_id} refused")


# The names these imports had before the registry: the same commands.
import_command(importers.get("applicant"), applicant, "add")
import_command(importers.get("people"), auditors, "import")
