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
