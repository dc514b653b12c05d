"""`audit-workbench scheme` (the scheme files and their Excel round trip) and `db` (the schema)."""
from __future__ import annotations

from pathlib import Path

import click

from .root import State, WorkbenchGroup, cli, emit, json_option, pass_state


# --- scheme -------------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def scheme() -> None:
    """认证方案 / The certification scheme."""


@scheme.command("validate")
@json_option
@pass_state
def scheme_validate(state: State, as_json) -> None:
    """校验方案文件与认证机构文件 / Validate the scheme files and the certification body file."""
    from ..body import body_file, load_body
    s = state.scheme
    body = load_body()
    summary = {"name": s.meta.name, "version": s.meta.version, "fingerprint": s.fingerprint,
               "checklist_items": len(s.checklist), "body": body.name, "body_file": str(body_file())}
    emit(summary, as_json, f"方案有效 / scheme valid: {s.meta.name} {s.meta.version}，"
                           f"{len(s.checklist)} 个条目 items，指纹 fingerprint {s.fingerprint[:12]}\n"
                           f"认证机构有效 / body valid: {body.name}（{body_file()}）")


@scheme.command("export-xlsx")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def scheme_export(state: State, out: Path) -> None:
    """导出为 Excel，每个表一个工作表 / Export to Excel, one sheet per table."""
    from ..scheme_xlsx import export_xlsx
    export_xlsx(state.scheme, out)
    click.echo(f"已导出 exported: {out}")


@scheme.command("import-xlsx")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="写入的方案目录（默认当前方案目录）/ folder to write (default: the scheme folder)")
@pass_state
def scheme_import(state: State, source: Path, out: Path | None) -> None:
    """从 Excel 导入并校验，写回 YAML / Import from Excel, validate, write the YAML files."""
    from ..paths import scheme_dir
    from ..scheme import write_scheme
    from ..scheme_xlsx import import_xlsx
    imported = import_xlsx(source)  # raises before anything is written
    folder = out or Path(state.scheme_folder or scheme_dir())
    written = write_scheme(imported, folder)
    click.echo(f"已导入 imported {imported.meta.name} {imported.meta.version} → "
               + ", ".join(str(p) for p in written))


# --- body ---------------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def body() -> None:
    """认证机构（parameters/body.yaml）/ The certification body."""


@body.command("export-xlsx")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def body_export(out: Path) -> None:
    """导出为 Excel（字段、取值）/ Export to Excel (field, value)."""
    from ..body import export_xlsx, load_body
    click.echo(f"已导出 exported: {export_xlsx(load_body(), out)}")


@body.command("import-xlsx")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入的文件（默认当前 body.yaml）/ the file to write (default: the body.yaml in use)")
def body_import(source: Path, out: Path | None) -> None:
    """从 Excel 导入并校验，写回 YAML / Import from Excel, validate, write body.yaml."""
    from ..body import body_file, import_xlsx
    target = out or body_file()
    imported = import_xlsx(source, target)  # raises before anything is written
    click.echo(f"已导入 imported {imported.name} → {target}")


# --- db -----------------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def db() -> None:
    """数据库 / The database."""


def _upgrade(state: State) -> None:
    from ..store.database import current_revision, get_engine, upgrade
    engine = get_engine(state.database_url)
    before = current_revision(engine)
    after = upgrade(engine)
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"数据库已是最新 / database is up to date ({after}): {where}")
    else:
        click.echo(f"数据库已升级 / database upgraded {before or '(empty)'} → {after}: {where}")


@db.command("init")
@pass_state
def db_init(state: State) -> None:
    """创建数据库 / Create the database (safe to repeat)."""
    _upgrade(state)


@db.command("upgrade")
@pass_state
def db_upgrade(state: State) -> None:
    """升级数据库结构 / Upgrade the database schema."""
    _upgrade(state)


@db.command("copy")
@click.option("--to", "target", required=True, metavar="URL",
              help="空的目标数据库，例如 postgresql+psycopg://user@host/db / the empty database to copy into")
@pass_state
def db_copy(state: State, target: str) -> None:
    """把整个数据库（含审计轨迹、哈希链和签名）复制到另一个空数据库 / Copy the whole store, trail,
    hash chain and signatures included, into another, empty database (e.g. SQLite to PostgreSQL);
    then run `verify` on it."""
    from ..store.copying import copy_store
    from ..store.database import get_engine
    engine = get_engine(target)
    copied = copy_store(get_engine(state.database_url), engine)
    where = engine.url.render_as_string(hide_password=True)
    click.echo(f"已复制 copied {sum(copied.values())} 行 rows, {len(copied)} 张表 tables → {where}")
    click.echo(f"请校验 / now check it: AUDIT_WORKBENCH_DB='{where}' audit-workbench verify")
