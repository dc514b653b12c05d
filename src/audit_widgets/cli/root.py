"""The root of the `audit-workbench` command: the group, the state its commands share, and
the helpers every topic module uses (emit, the shared options).

Errors meant for people (WorkbenchError) are printed in Chinese and English without a
traceback; anything unexpected is reported in one line (set AUDIT_WORKBENCH_DEBUG=1 for
the traceback). Each command imports what it needs when it runs, so that `--help` and the
`calc` commands start without loading pandas, SQLAlchemy or Jupyter.
"""
from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass

import click

from .. import __version__
from ..errors import WorkbenchError
from ..identity import find_identity
from ..settings import DB_ENV, DEBUG_ENV, SCHEME_ENV, USER_ENV, current

INTERNAL_ERROR_EXIT = 3
MAX_INTERNAL_MESSAGE = 300
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class WorkbenchGroup(click.Group):
    """A click group that turns WorkbenchError into a plain bilingual message."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            click.echo(exc.render(), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # the last line of defence: never a bare traceback
            if _debugging():
                raise
            click.echo(f"内部错误 / Internal error: {type(exc).__name__}: {str(exc)[:MAX_INTERNAL_MESSAGE]}\n"
                       f"（设置 {DEBUG_ENV}=1 可查看详情 / set {DEBUG_ENV}=1 for details）", err=True)
            ctx.exit(INTERNAL_ERROR_EXIT)


def _debugging() -> bool:
    try:
        return current().debug
    except WorkbenchError:  # a bad setting is reported where it is read, not here
        return False


class State:
    """What the subcommands share; the scheme and database open only when first needed."""

    def __init__(self, database_url: str | None, scheme_folder: str | None, actor: str | None = None):
        self.database_url = database_url
        self.scheme_folder = scheme_folder
        self.actor = actor
        self._scheme = None

    @property
    def scheme(self):
        if self._scheme is None:
            from ..scheme import load_scheme
            self._scheme = load_scheme(self.scheme_folder)
        return self._scheme

    def workbench(self):
        """The store, or after `login` in a team deployment the workbench service as the login."""
        from ..team import open_workbench
        return open_workbench(self.database_url, self.scheme, find_identity(self.actor))


pass_state = click.make_pass_decorator(State)


def plain(data):
    """Typed records (dataclasses) and lists of them as plain data for JSON."""
    if is_dataclass(data):
        return asdict(data)
    if isinstance(data, list):
        return [plain(item) for item in data]
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    return data


def emit(data, as_json: bool, text: str) -> None:
    if as_json:
        click.echo(json.dumps(plain(data), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(text)


json_option = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")


def _audit_type(ctx: click.Context, _param, value: str) -> str:
    """An audit_types id of the scheme (initial, surveillance, recertification …)."""
    ctx.find_object(State).scheme.audit_type(value)  # raises a bilingual error naming the choices
    return value


def renamed_options(**renames: str) -> dict:
    """Context settings under which an option's old name still works, with a warning, for one
    release: renamed_options(stage="audit-type") reads `--stage` as `--audit-type`."""
    old_to_new = {old.replace("_", "-"): new for old, new in renames.items()}

    def normalise(name: str) -> str:  # click passes option names without their dashes
        new = old_to_new.get(name)
        if new is None:
            return name
        click.echo(f"提示：--{name} 已更名为 --{new}，旧名称将在下一版本移除 / "
                   f"warning: --{name} is now --{new}; the old name goes in the next release", err=True)
        return new
    return {"token_normalize_func": normalise}


def _inspection_level(ctx: click.Context, _param, value: str | None) -> str | None:
    from ..scheme import INSPECTION_LEVELS
    if value is not None and value not in INSPECTION_LEVELS:
        raise click.BadParameter(f"应为 / expected one of: {', '.join(INSPECTION_LEVELS)}")
    return value


audit_type_help = "审核类型，取自方案 audit_types（如 initial）/ audit type, an audit_types id of the scheme"


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT)
@click.option("--db", "database_url", envvar=DB_ENV, metavar="URL",
              help=f"数据库 SQLAlchemy URL（默认 data/workbench.sqlite）/ database URL (env {DB_ENV})")
@click.option("--scheme", "scheme_folder", envvar=SCHEME_ENV, metavar="DIR",
              help="方案目录（默认 parameters/scheme）/ scheme folder")
@click.option("--as", "actor", metavar="ID",
              help=f"以此人员编号操作（默认环境变量 {USER_ENV}）/ act as this person id (default env {USER_ENV})")
@click.version_option(__version__, prog_name="audit-workbench")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, scheme_folder: str | None, actor: str | None) -> None:
    """商品售后服务成熟度认证工作台 / After-sales service maturity certification workbench."""
    ctx.obj = State(database_url, scheme_folder, actor)


@cli.command("config")
@json_option
def config(as_json: bool) -> None:
    """当前生效的设置及其来源 / The settings in force (AUDIT_WORKBENCH_*) and where each came from."""
    from ..settings import described
    rows = described()
    emit(rows, as_json, "\n".join(f"{r['variable']} = {'' if r['value'] is None else r['value']}  "
                                 f"（{'环境变量 environment' if r['source'] == 'environment' else '默认 default'}）"
                                 f"\n    {r['help']}" for r in rows))


applicant_option = click.option("--applicant", "applicant_id", required=True, help="申请方编号 / applicant id")
DAY = click.DateTime(formats=["%Y-%m-%d"])
