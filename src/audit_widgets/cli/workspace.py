"""Where people work: `open` (the auditors' copies of the workbooks), `demo`, and `serve` (the
committee's dashboard)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..dashboard.serve import DEFAULT_PORT as DASHBOARD_PORT
from ..dashboard.serve import IDLE_MINUTES, MAX_KERNELS
from ..errors import WorkbenchError
from ..settings import DASHBOARD_TOKEN_ENV, SECRET_ENV, current, variable
from .root import State, cli, pass_state

LAB_PORT = 8888  # make lab's LAB_PORT: JupyterLab is started on exactly this port (no retry on another)


# --- working copies -------------------------------------------------------------------------
@cli.command("open")
@click.argument("applicant_id", required=False)
@click.argument("stage_id", required=False)
@click.option("--all", "all_applicants", is_flag=True, help="为所有申请方准备 / for every applicant")
@click.option("--auditor", default=None, help="写入副本的审查员编号 / your auditor id, written into the copies")
@click.option("--refresh", is_flag=True, help="重新生成已有副本 / make existing copies again")
@click.option("--port", type=click.IntRange(1, 65535), default=LAB_PORT, show_default=True,
              help="JupyterLab 的端口（make lab 用同一端口启动）/ JupyterLab's port (make lab starts it on this one)")
@pass_state
def open_copies(state: State, applicant_id, stage_id, all_applicants, auditor, refresh, port) -> None:
    """准备申请方的工作簿副本（work/）/ Prepare an applicant's own copies of the stage notebooks (work/).

    The templates in workbooks/ stay untouched; JupyterLab (make lab) opens the copies."""
    from ..errors import InputFileError
    from ..paths import work_dir
    from ..workspace import CASES, prepare_copies, prepare_overview
    workbench = state.workbench()
    if all_applicants:
        ids = [a.id for a in workbench.list_applicants()]
    elif applicant_id:
        workbench.get_applicant(applicant_id)  # a plain message when there is no such applicant
        ids = [applicant_id]
    else:
        raise InputFileError("请给出申请方编号或 --all", "Give an applicant id, or --all")
    if stage_id is not None and stage_id not in state.scheme.procedure_by_id:
        known = ", ".join(state.scheme.procedure_by_id)
        raise InputFileError(f"没有阶段「{stage_id}」，可选：{known}", f"No stage '{stage_id}'; expected one of: {known}")
    for applicant in ids:
        copies = prepare_copies(state.scheme, applicant, auditor=auditor, database_url=state.database_url,
                                refresh=refresh)
        shown = [c for c in copies if stage_id is None or c.stem == state.scheme.procedure_by_id[stage_id].notebook]
        for copy in shown:
            click.echo(f"{copy}  →  http://127.0.0.1:{port}/lab/tree/{copy.relative_to(work_dir()).as_posix()}")
    overview = prepare_overview(auditor=auditor, database_url=state.database_url)
    cases = overview.with_name(f"{CASES}.ipynb")
    click.echo(f"总览 overview: {overview}；投诉与申诉 complaints and appeals: {cases}"
               "（make lab 打开 work/ / make lab opens work/）")


@cli.command("demo")
@click.option("--portfolio", type=click.IntRange(min=0), default=0, show_default=True,
              help="另加 N 个合成申请方（经完整流程评分）/ add N synthetic applicants, scored through the pipeline")
@pass_state
def demo(state: State, portfolio) -> None:
    """创建演示申请方并走完认证流程 / Create the demo applicants and carry them through the procedure."""
    from ..demo import create_demo
    from ..demo.portfolio import create_portfolio
    workbench = state.workbench()
    if portfolio:
        create_portfolio(workbench, portfolio, echo=click.echo)
    for applicant_id in create_demo(workbench, echo=click.echo):
        audit_id = workbench.current_audit(applicant_id)
        decision = workbench.decision(audit_id) if audit_id else None
        if decision:
            verdict = "批准认证 certified" if decision.certified else "不予认证 not certified"
            click.echo(f"{applicant_id}: {verdict}，等级 level {decision.level_rank}")


@cli.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=DASHBOARD_PORT, show_default=True, help="端口 / port")
@click.option("--ip", default="127.0.0.1", show_default=True, help="监听地址 / address to bind")
@click.option("--token", default=None, envvar=DASHBOARD_TOKEN_ENV, show_envvar=True,
              help="访问令牌（默认随机生成；宜经环境变量传入，命令行参数他人可见）/ access token (generated when "
                   "omitted; better passed in the environment: others can see a command line)")
@click.option("--max-kernels", type=click.IntRange(1, 1000), default=MAX_KERNELS, show_default=True,
              help="同时服务的页面上限（每个约 270 MB）/ pages served at once (about 270 MB each)")
@click.option("--idle-minutes", type=click.FloatRange(0.05, 24 * 60), default=IDLE_MINUTES, show_default=True,
              help="闲置多久后关闭页面的内核 / minutes before an idle page's kernel is closed")
@pass_state
def serve(state: State, port, ip, token, max_kernels, idle_minutes) -> None:
    """以 Voila 提供认证委员会只读看板 / Serve the committee's read-only dashboard with Voila.

    SIGTERM or Ctrl-C stops Voila and its kernels, and waits for them."""
    import signal
    import subprocess

    from ..dashboard.serve import voila_server
    from ..processes import die_with_parent
    from ..store.database import get_engine, require_current_schema
    if current().secret:
        raise WorkbenchError(f"看板的内核不持有签名密钥：请将密钥保存在数据目录的 signing.key（权限 600），"
                             f"不要用 {SECRET_ENV}",
                             f"The dashboard's kernels hold no signing key in their environment: keep the key in "
                             f"the data folder's signing.key (mode 600), not in {SECRET_ENV}",
                             code="serve.secret_env")
    hub_address = os.environ.get("JUPYTERHUB_SERVICE_URL")
    if hub_address:  # the hub's dashboard service: where the hub says; the store is the workbench service's
        import pwd
        from urllib.parse import urlparse
        where = urlparse(hub_address)
        if not current().outputs:  # its portfolio cache: in its own account's home, the only place it may write
            os.environ[variable("outputs")] = str(Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "audit-workbench")
        server = voila_server(port=where.port or port, ip=where.hostname or ip, max_kernels=max_kernels,
                              idle_minutes=idle_minutes)
    else:
        url = state.database_url
        require_current_schema(get_engine(url))  # a clear message before Voila starts, not a page error
        server = voila_server(port=port, ip=ip, token=token, database_url=get_engine(url).url.render_as_string(
            hide_password=False), max_kernels=max_kernels, idle_minutes=idle_minutes)
    click.echo(f"认证委员会看板 / committee dashboard: {server.url}\n（Ctrl-C 停止 / to stop）")
    voila = subprocess.Popen(server.command, env=server.env, preexec_fn=die_with_parent)

    def forward(signum, _frame) -> None:  # Voila shuts its kernels down on SIGTERM
        if voila.poll() is None:
            voila.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    returncode = voila.wait()
    sys.exit(0 if returncode in (0, -signal.SIGTERM, -signal.SIGINT) else returncode)


@cli.command("serve-public")
@click.option("--port", type=click.IntRange(1, 65535), default=8870, show_default=True, help="端口 / port")
@click.option("--ip", default="127.0.0.1", show_default=True, help="监听地址 / address to bind")
@click.option("--rate", type=click.IntRange(1, 10_000), default=30, show_default=True,
              help="每个地址每分钟最多查询次数 / checks a minute per client address")
@pass_state
def serve_public(state: State, port, ip, rate) -> None:
    """公开的证书查询页（只读）/ The public certificate check: a read-only page, apart from the dashboard."""
    from ..public_check import serve as serve_check
    from ..store.database import get_engine, require_current_schema
    url = state.database_url
    require_current_schema(get_engine(url))
    click.echo(f"证书查询 / certificate check: http://{ip}:{port}/\n（Ctrl-C 停止 / to stop）", err=True)
    try:
        serve_check(get_engine(url).url.render_as_string(hide_password=False), port=port, ip=ip, rate=rate)
    except KeyboardInterrupt:
        sys.exit(0)
