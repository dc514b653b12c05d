"""The team deployment's commands (issue 27): the workbench service that JupyterHub starts."""
from __future__ import annotations

import click

from .root import State, cli, pass_state


@cli.command("service")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="端口（默认取 JupyterHub 给出的地址）/ port (default: where JupyterHub says)")
@pass_state
def service(state: State, port) -> None:
    """审核工作台服务：团队部署中唯一持有数据库与签名密钥者，由 JupyterHub 启动 / The workbench
    service of a team deployment: the one process that holds the store's keys, started by
    JupyterHub; each call acts as the person whose hub token it carries."""
    from ..store.repository import Workbench
    from ..team.service import SERVICE_ACTOR, serve
    serve(Workbench(state.database_url, state.scheme, actor=SERVICE_ACTOR), port)


@cli.command("login")
@click.option("--service", "service_url", default=None,
              help="审核工作台服务地址，如 https://hub.example.cn/services/workbench/ / the workbench service's address")
@pass_state
def login(state: State, service_url) -> None:
    """团队部署：以您的 JupyterHub 令牌登录命令行 / In a team deployment, act on the command line as
    yourself: paste a token from the hub's Token page; it is kept in your own configuration folder."""
    from ..settings import current
    from ..team.client import ServiceWorkbench
    from ..team.login import save
    service_url = service_url or current().service
    if not service_url:
        raise click.UsageError("请用 --service 给出服务地址 / give the service's address with --service")
    token = click.prompt("JupyterHub 令牌 / token (hub → Token)", hide_input=True).strip()
    workbench = ServiceWorkbench(service_url, token, state.scheme)  # refused here if the token is not valid
    path = save(service_url, token)
    click.echo(f"您是 / you are: {workbench.actor}（{path}）")


@cli.command("logout")
def logout() -> None:
    """删除保存的登录令牌 / Forget the token `login` kept."""
    from ..team.login import forget
    click.echo("已退出 / logged out" if forget() else "未登录 / not logged in")
