"""`audit-workbench run` and `audit-workbench runs`: the batch runner and its ledger."""
from __future__ import annotations

import signal
import sys

import click

from ..contract import Action
from ..errors import InputFileError
from .root import State, cli, emit, json_option, pass_state


@cli.command("run")
@click.option("--applicant", "applicant_ids", multiple=True,
              help="申请方编号（可多次）/ applicant id (repeatable)")
@click.option("--all", "all_applicants", is_flag=True,
              help="所有申请方（不给 --applicant 时的默认）/ every applicant (the default)")
@click.option("--stage", "stage_ids", multiple=True, help="只运行这些阶段（可多次）/ only these stages (repeatable)")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="并行的申请方数（默认 CPU 核数）/ applicants run side by side (default: cores)")
@click.option("--only-changed", is_flag=True,
              help="跳过输入未变的工作簿 / skip notebooks whose inputs did not change since their last success")
@click.option("--only-failed", is_flag=True, help="只重跑上次失败的工作簿 / rerun only the notebooks that failed last time")
@click.option("--timeout", type=click.FloatRange(min=1), default=None,
              help="每个单元格及每个工作簿的时限（秒）/ limit per cell and per notebook, seconds")
@click.option("--every-audit", is_flag=True,
              help="也运行较早的审核（写入 outputs/<申请方>/audits/）/ also each earlier audit (to outputs/<applicant>/audits/)")
@click.option("--documents/--no-documents", default=True, show_default=True,
              help="生成审查报告与证书 PDF / build the audit report and certificate PDFs (a later run builds those skipped)")
@click.option("--executor", default="local", show_default=True, metavar="NAME",
              help="执行器（batch/executors.py 中登记）/ executor, as registered (batch/executors.py)")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask 调度器地址（--executor dask；默认在本机启动 LocalCluster）/ a Dask scheduler, e.g. "
                   "tcp://host:8786 (with --executor dask; default: a LocalCluster on this machine)")
@pass_state
def run(state: State, applicant_ids, all_applicants, stage_ids, workers, only_changed, only_failed, timeout,
        every_audit, documents, executor, scheduler) -> None:
    """用 papermill 批量运行各阶段工作簿 / Run the stage workbooks in batch with papermill.

    Each notebook of the applicant's current audit leaves outputs/<applicant>/<notebook>.ipynb,
    .html and .json (an earlier audit's, with --every-audit, go to
    outputs/<applicant>/audits/<id>-<type>/), and a row in the ledger (audit-workbench runs).
    The exit status is 0 only if every notebook succeeded."""
    from ..batch.lean import skip_iri_grammars
    skip_iri_grammars()
    from ..batch.executors import executors
    if scheduler is not None:
        if executor != "dask":
            raise InputFileError("--scheduler 只用于 --executor dask", "--scheduler goes with --executor dask")
        import dask
        dask.config.set({"scheduler-address": scheduler})  # where the dask executor connects (batch/cluster.py)
    runner_executor = executors.get(executor).create()
    runner_executor.warm()  # the local kernels' warm parent imports the workbench while this process plans
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a TERM stops the batch as Ctrl-C does
    from ..batch.runner import BatchRunner, plan_batch
    from ..documents.build import build_documents
    from ..store.database import get_engine
    if only_changed and only_failed:
        raise InputFileError("--only-changed 与 --only-failed 只能选一个", "Choose one of --only-changed and --only-failed")
    if all_applicants and applicant_ids:
        raise InputFileError("--all 与 --applicant 只能选一个", "Choose one of --all and --applicant")
    workbench = state.workbench()
    ids = list(applicant_ids) or [a.id for a in workbench.list_applicants()]
    for applicant_id in ids:  # plain messages for an unknown id or person, before anything runs
        workbench.get_applicant(applicant_id)
        workbench.require(Action.STAGE_RESULT, workbench.current_audit(applicant_id))
    for stage_id in stage_ids:
        if stage_id not in state.scheme.procedure_by_id:
            known = ", ".join(state.scheme.procedure_by_id)
            raise InputFileError(f"没有阶段「{stage_id}」，可选：{known}", f"No stage '{stage_id}'; expected one of: {known}")
    url = get_engine(state.database_url).url.render_as_string(hide_password=False)
    plan = plan_batch(workbench, ids, database_url=url, stage_ids=list(stage_ids), only_changed=only_changed,
                      only_failed=only_failed, every_audit=every_audit)
    if plan.settled:
        click.echo(f"上次被终止的批量运行：{len(plan.settled)} 个工作簿记为 died / {len(plan.settled)} notebooks of a "
                   "killed batch recorded as died (--only-failed runs them again)")
    if not documents:
        plan.documents.clear()
    runner = BatchRunner(workbench, workers=workers, timeout=timeout, echo=click.echo, documents=build_documents,
                         executor=runner_executor, scheme_dir=state.scheme_folder)
    summary = runner.run(plan)
    click.echo(summary.line())
    for failed in summary.failed:
        first_line = failed.error.splitlines()[0] if failed.error else ""
        click.echo(f"  ✗ {failed.applicant_id} {failed.notebook}: {failed.status} {first_line}")
    if not summary.succeeded:
        sys.exit(1)


@cli.command("runs")
@click.option("--applicant", "applicant_id", default=None, help="申请方编号 / applicant id")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="最多显示 / at most")
@json_option
@pass_state
def runs(state: State, applicant_id, limit, as_json) -> None:
    """批量运行记录（最新在前）/ The batch ledger, newest first."""
    workbench = state.workbench()
    if applicant_id is not None:
        workbench.get_applicant(applicant_id)
    records = workbench.runs(applicant_id, limit=limit)
    lines = [f"{r.started_at.astimezone():%Y-%m-%d %H:%M:%S} {r.run_id} {r.applicant_id} {r.notebook} {r.status} "
             f"{r.seconds:.1f}s {r.inputs_hash[:12]}" + (f"  {r.error.splitlines()[0]}" if r.error else "")
             for r in records]
    emit([{**r.as_dict(), "seconds": r.seconds} for r in records], as_json,
         "\n".join(lines) or "尚无运行记录 / no runs yet")
