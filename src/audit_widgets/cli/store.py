"""The records themselves: `verify` (is every signed record still what was signed, is the trail's
chain whole, are its triggers there), `key`, `backup`, `restore`, and `records` (retention and disposal)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .root import DAY, State, WorkbenchGroup, cli, emit, json_option, pass_state


@cli.command("verify")
@click.option("--applicant", "applicant_id", metavar="ID", help="只查此申请方的签名 / only this applicant's signatures")
@click.option("--checkpoints", "checkpoints", type=click.Path(exists=True, path_type=Path), default=None,
              help="库外保存的检查点（文件夹或文件）须仍是轨迹的前缀 / checkpoints kept outside the database (a "
                   "folder or one file) must each still be a prefix of the trail")
@json_option
@pass_state
def verify_command(state: State, applicant_id, checkpoints, as_json) -> None:
    """校验签名、签名声明、审计轨迹哈希链、检查点和保护触发器 / Check every signature (against its
    content and the trail), every sealed row against its statement, the trail's hash chain, the
    checkpoints kept outside the database, and the trail's protective triggers; exits 1 naming
    each broken record."""
    from ..store import signing
    from ..store.checkpoints import read_checkpoints
    workbench = state.workbench()
    if applicant_id:
        workbench.get_applicant(applicant_id)
    report = workbench.verify(applicant_id, read_checkpoints(checkpoints) if checkpoints else ())
    lines = []
    if not report.key["matches"]:
        lines.append(f"签名密钥缺失或不符 / signing key missing or different (id {report.key['recorded']})："
                     f"本机密钥 this machine's key {report.key['current']}（{signing.key_location()}）；"
                     "见 see audit-workbench key")
    lines += [f"✗ {problem.text()}" for problem in [*report.problems, *report.row_problems,
                                                   *report.checkpoint_problems]]
    if report.broken_links:
        lines.append(f"✗ 审计轨迹哈希链在以下条目处断开（条目被改动、删除或插入）/ the trail's hash chain breaks at entries "
                     f"(changed, removed or inserted): {', '.join(map(str, report.broken_links))}")
    if report.missing_triggers:
        lines.append(f"✗ 审计轨迹的保护触发器缺失 / the trail's protective triggers are missing: "
                     f"{', '.join(report.missing_triggers)}（audit-workbench db upgrade 可恢复 / restores them）")
    if report.ok:
        lines.append(f"✓ 全部通过 / all verified：{report.signatures_checked} 个签名 signatures，"
                     f"{report.sealed_rows} 条签名声明的记录 sealed rows，"
                     + (f"{report.checkpoints_checked} 个检查点 checkpoints，" if report.checkpoints_checked else "")
                     + f"{report.trail_entries} 条轨迹 trail entries，密钥 key id {report.key['current']}")
    emit(report.as_dict(), as_json, "\n".join(lines))
    if not report.ok:
        sys.exit(1)


@cli.command("checkpoint")
@click.argument("target", type=click.Path(path_type=Path))
@json_option
@pass_state
def checkpoint_command(state: State, target, as_json) -> None:
    """把审计轨迹的当前检查点写到库外 / Write where the trail stands now (its newest entry and chain
    value) to TARGET, a file or a folder the body keeps apart from the database (another disk, a
    mail to itself, a printed page); `verify --checkpoints` proves later that the trail still
    holds it."""
    from ..store.checkpoints import write_checkpoint
    checkpoint = state.workbench().checkpoint()
    path = write_checkpoint(checkpoint, target)
    emit({**checkpoint.as_dict(), "file": str(path)}, as_json,
         f"检查点 checkpoint {checkpoint.text()} → {path}\n请把它保存在数据库所在机器之外 / keep it away from the "
         "machine that holds the database")


@cli.command("key")
@json_option
@pass_state
def key_command(state: State, as_json) -> None:
    """签名密钥的编号、位置及迁移方法 / The signing key's id, where it lives and how to move it."""
    from ..store import signing
    from ..store.database import PRIVATE, file_mode, sqlite_file
    workbench = state.workbench()
    key = workbench.key_status()
    recorded, current = key["recorded"], key["current"]
    files = {"key": signing.key_file(), "store": sqlite_file(workbench.engine)}
    modes = {name: file_mode(path) for name, path in files.items() if path is not None and path.exists()}
    info = {"key_id": current, "location": signing.key_location(), "store_key_id": recorded,
            "matches": key["matches"], "modes": modes,
            "private": all(mode == f"{PRIVATE:o}" for mode in modes.values())}
    state_text = ("与数据库一致 / matches the store" if info["matches"] else
                  f"与数据库不符：数据库由 {recorded} 签署 / the store was signed with {recorded}")
    mode_lines = "".join(
        f"{'密钥文件 key file' if name == 'key' else '数据库文件 store file'} {files[name]}：权限 mode {mode} "
        + ("✓ 仅运行工作台的账户可读写 / only the account that runs the workbench can read it\n" if mode == f"{PRIVATE:o}"
           else f"✗ 其他账户也可读取，请运行 chmod 600 {files[name]} / other accounts can read it: run chmod 600\n")
        for name, mode in modes.items())
    emit(info, as_json, f"签名密钥 signing key id: {current}（{state_text}）\n"
                        f"位置 location: {info['location']}\n" + mode_lines +
                        "签署的阶段、审计轨迹的哈希链和证书验证码都用此密钥；密钥不在备份中。迁移数据时请把 "
                        "data/signing.key 单独、安全地复制到新机器的数据目录（或在两边设置同一个 "
                        f"{signing.SECRET_ENV}）。\n"
                        "Signed stages, the trail's hash chain and certificate codes use this key; backups do not "
                        "hold it. When moving the data, copy data/signing.key separately and safely to the new "
                        f"machine's data folder (or set the same {signing.SECRET_ENV} on both).")


@cli.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False))
@json_option
@pass_state
def backup_command(state: State, archive, as_json) -> None:
    """备份数据库与证据文件（可在使用中进行）/ Back up the database and the evidence files into one
    archive, while the workbench is in use (SQLite's online backup, or pg_dump on one snapshot; a
    manifest of hashes, the key's id)."""

    from ..backup import backup
    from ..store.database import get_engine
    manifest = backup(get_engine(state.database_url).url.render_as_string(hide_password=False), Path(archive))
    emit(manifest, as_json, f"已备份 backed up：{archive}（{sum(manifest['tables'].values())} 行 rows，"
                            f"{len(manifest['files']) - 1} 个证据文件 evidence files，密钥 key id {manifest['key_id']}）")


@cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@json_option
@pass_state
def restore_command(state: State, archive, as_json) -> None:
    """恢复备份到空数据库并校验 / Restore an archive into an empty database (--db): its manifest's
    signature first, then every hash and table, built beside the target and put in place only when
    all hold (PostgreSQL: pg_restore in one transaction, emptied again if a count differs). The
    signing key is not in the archive: move data/signing.key (or
    $AUDIT_WORKBENCH_SECRET) first, or the signature cannot be checked."""

    from ..backup import restore
    from ..store.database import get_engine
    result = restore(get_engine(state.database_url).url.render_as_string(hide_password=False), Path(archive))
    key = ("签名密钥一致，清单签名已核对 / the signing key is the backup's; the manifest's signature holds"
           if result["signature_checked"] else
           f"签名密钥缺失或不符 / signing key missing or different (id {result['key_id']})：清单签名未能核对 / the "
           "manifest's signature could not be checked；请一并迁移 data/signing.key，再运行 audit-workbench verify")
    emit(result, as_json, f"已恢复并校验 restored and checked：{sum(result['tables'].values())} 行 rows，"
                          f"{result['files']} 个证据文件 evidence files；{key}")


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
    workbench = state.workbench()
    day = on.date() if on else workbench.clock.today()
    due = workbench.records_due_for_disposal(day)
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
    from ..errors import InputFileError
    if not yes:
        raise InputFileError("删除不可恢复：确认请加 --yes", "Deletion cannot be undone: add --yes to confirm")
    workbench = state.workbench()
    counts = workbench.dispose_of_audit(audit_id, on.date() if on else workbench.clock.today(), reason)
    emit(counts, as_json, f"已处置审核 {audit_id} 的记录 / disposed of audit {audit_id}'s records：" + "，".join(
        f"{table} {n}" for table, n in counts.items() if n))
