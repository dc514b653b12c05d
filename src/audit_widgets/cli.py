"""The `audit-workbench` command: a thin layer over the package.

Errors meant for people (WorkbenchError) are printed in Chinese and English without a
traceback; anything unexpected is reported in one line (set AUDIT_WORKBENCH_DEBUG=1 for
the traceback). Each command imports what it needs when it runs, so that `--help` and the
`calc` commands start without loading pandas, SQLAlchemy or Jupyter.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path

import click

from . import __version__
from .dashboard.serve import DEFAULT_PORT as DASHBOARD_PORT
from .errors import WorkbenchError
from .identity import find_identity
from .settings import DB_ENV, DEBUG_ENV, SCHEME_ENV, USER_ENV, current

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
            from .scheme import load_scheme
            self._scheme = load_scheme(self.scheme_folder)
        return self._scheme

    def workbench(self):
        from .store.repository import Workbench
        return Workbench(self.database_url, self.scheme, find_identity(self.actor))


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
    from .scheme import INSPECTION_LEVELS
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
    from .settings import described
    rows = described()
    emit(rows, as_json, "\n".join(f"{r['variable']} = {'' if r['value'] is None else r['value']}  "
                                 f"（{'环境变量 environment' if r['source'] == 'environment' else '默认 default'}）"
                                 f"\n    {r['help']}" for r in rows))


# --- calc ---------------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def calc() -> None:
    """计算（不写数据库）/ Calculations (nothing is written)."""


@calc.command("uscc")
@click.argument("code")
def calc_uscc(code: str) -> None:
    """校验统一社会信用代码 / Check a Unified Social Credit Code."""
    from .rules.uscc import check_uscc
    result = check_uscc(code)
    if result.valid:
        click.echo("valid / 有效")
    else:
        click.echo(f"invalid / 无效：{result.zh} / {result.en}")
        sys.exit(1)


def _parse_reduction(_ctx, _param, values):
    from .rules.person_days import Reduction
    parsed = []
    for value in values:
        reason, _, share = value.rpartition("=")
        try:
            parsed.append(Reduction(reason or "reduction", float(share.rstrip("%")) / (100 if share.endswith("%") else 1)))
        except ValueError:
            raise click.BadParameter(f"应为 原因=比例，如 成熟体系=0.1 / expected REASON=SHARE, got '{value}'") from None
    return parsed


@calc.command("person-days", context_settings=renamed_options(stage="audit-type"))
@click.option("--personnel", type=click.IntRange(min=1), required=True, help="有效售后服务人员数 / effective personnel")
@click.option("--outlets", type=click.IntRange(min=1), default=1, show_default=True,
              help="全部场所数，含中心职能 / every site, the central function included")
@click.option("--categories", type=click.IntRange(min=1), default=1, show_default=True, help="产品类别数 / product categories")
@click.option("--audit-type", default="initial", show_default=True, callback=_audit_type, help=audit_type_help)
@click.option("--reduction", multiple=True, callback=_parse_reduction, metavar="REASON=SHARE",
              help="减少人日的原因和比例（可多次）/ a reduction and its share, repeatable")
@json_option
@pass_state
def calc_person_days(state: State, personnel, outlets, categories, audit_type, reduction, as_json) -> None:
    """计算审核人日及理由 / Audit person-days with the justification of every step."""
    from .rules.person_days import person_days
    result = person_days(state.scheme, personnel, outlets=outlets, categories=categories, audit_type=audit_type,
                         reductions=reduction)
    lines = [f"{s.days:g}\t{s.zh} / {s.en}" for s in result.steps]
    emit(result.as_dict(), as_json,
         "\n".join([*lines, f"人日 person-days: {result.days:g}（现场至少 on site ≥ {result.on_site_min_days:g}）"]))


@calc.command("case-sample")
@click.option("--lot", type=int, required=True, help="已完成案例总数（批量）/ completed cases (lot size)")
@click.option("--level", default=None, callback=_inspection_level,
              help="检验水平 S-1…S-4、I、II、III，默认取方案 sampling_rules / inspection level (default: the scheme's)")
@json_option
@pass_state
def calc_case_sample(state: State, lot, level, as_json) -> None:
    """按 GB/T 2828.1 计算案例样本量 / Case sample size by GB/T 2828.1."""
    from .rules.sampling import case_sample_size
    result = case_sample_size(state.scheme, lot, level)
    emit(result.as_dict(), as_json,
         f"样本量字码 code letter {result.code_letter}，样本量 sample size {result.sample_size}"
         + ("（全数检查 / every case）" if result.whole_lot else ""))


@calc.command("site-sample", context_settings=renamed_options(stage="audit-type"))
@click.option("--sites", type=int, required=True,
              help="全部场所数，含中心职能 / every site, the central function included")
@click.option("--audit-type", required=True, callback=_audit_type, help=audit_type_help)
@json_option
@pass_state
def calc_site_sample(state: State, sites, audit_type, as_json) -> None:
    """按 IAF MD1 计算抽样场所数（中心职能 + ⌈系数×√其余场所⌉）/ Site sample size by IAF MD1:
    the central function plus ⌈factor × √(other sites)⌉; sample_size includes the central function."""
    from .rules.sampling import random_site_minimum, site_sample_size
    size = site_sample_size(state.scheme, sites, audit_type)
    emit({"sample_size": size, "sites": sites, "audit_type": audit_type, "central_function": 1,
          "at_random_min": random_site_minimum(state.scheme, size)}, as_json,
         f"抽样场所 sample sites: {size}（含中心职能 central function included）")


@calc.command("score", context_settings=renamed_options(type="org-type"))
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--domains", required=True, help="认证领域，逗号分隔，如 d,b / domains, comma-separated")
@click.option("--org-type", "organisation_type", default=None,
              help="组织类型（默认方案中的第一个）/ organisation type (default: the scheme's first)")
@json_option
@pass_state
def calc_score(state: State, answers: Path, domains: str, organisation_type, as_json) -> None:
    """为一组答案评分（不写数据库），用于“如果…会怎样” / Score a set of answers without the store (what-if).

    ANSWERS 为 YAML：条目编号 → 结果编号、{result, reason} 或测量值。
    ANSWERS is YAML: item id → a result id, {result: ..., reason: ...}, or a measured value."""
    from .imports.answers import read_answers_file
    from .rules.scoring import score_applicant, score_report
    scheme = state.scheme
    chosen = tuple(d.strip() for d in domains.split(",") if d.strip())
    known = {d.id for d in scheme.domains}
    types = [t.id for t in scheme.organisation_types]
    if not chosen or set(chosen) - known:
        raise click.BadParameter(f"应为 / expected: {', '.join(sorted(known))}", param_hint="--domains")
    organisation_type = organisation_type or types[0]
    if organisation_type not in types:
        raise click.BadParameter(f"应为 / expected: {', '.join(types)}", param_hint="--org-type")
    parsed = read_answers_file(answers, scheme, chosen, organisation_type)
    result = score_applicant(scheme, chosen, parsed.answers)
    report = score_report(scheme, result)
    gates = "；".join(f"{'✓' if g.passed else '✗'} {g.zh}" for g in result.gates)
    emit(report, as_json,
         f"得分 score {result.score:.2f}（实得 {result.earned_points:.2f} / 适用 {result.applicable_points:g} 分）"
         f"，等级 level {result.level.label} {result.level.name}\n{gates}"
         + (f"\n未作答 unanswered（不计入适用分 / left out）：{', '.join(result.unanswered)}"
            if result.unanswered else ""))


@calc.command("survey-size")
@click.option("--population", type=int, default=None, help="客户总体数量 / customers served (omit for infinite)")
@click.option("--margin", type=float, default=None,
              help="允许误差，默认取方案 survey_rules / margin of error (default: the scheme's)")
@click.option("--confidence", type=float, default=None,
              help="置信度，默认取方案 survey_rules / confidence level (default: the scheme's)")
@json_option
@pass_state
def calc_survey_size(state: State, population, margin, confidence, as_json) -> None:
    """计算满意度调查最小样本量 / Minimum survey sample size."""
    from .rules.survey import survey_sample_size
    size = survey_sample_size(state.scheme, population, margin=margin, confidence=confidence)
    emit({"sample_size": size, "population": population}, as_json, f"最小样本量 sample size: {size}")


# --- scheme -------------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def scheme() -> None:
    """认证方案 / The certification scheme."""


@scheme.command("validate")
@json_option
@pass_state
def scheme_validate(state: State, as_json) -> None:
    """校验方案文件 / Validate the scheme files."""
    s = state.scheme
    summary = {"name": s.meta.name, "version": s.meta.version, "fingerprint": s.fingerprint,
               "checklist_items": len(s.checklist)}
    emit(summary, as_json, f"方案有效 / scheme valid: {s.meta.name} {s.meta.version}，"
                           f"{len(s.checklist)} 个条目 items，指纹 fingerprint {s.fingerprint[:12]}")


@scheme.command("export-xlsx")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def scheme_export(state: State, out: Path) -> None:
    """导出为 Excel，每个表一个工作表 / Export to Excel, one sheet per table."""
    from .scheme_xlsx import export_xlsx
    export_xlsx(state.scheme, out)
    click.echo(f"已导出 exported: {out}")


@scheme.command("import-xlsx")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="写入的方案目录（默认当前方案目录）/ folder to write (default: the scheme folder)")
@pass_state
def scheme_import(state: State, source: Path, out: Path | None) -> None:
    """从 Excel 导入并校验，写回 YAML / Import from Excel, validate, write the YAML files."""
    from .paths import scheme_dir
    from .scheme import write_scheme
    from .scheme_xlsx import import_xlsx
    imported = import_xlsx(source)  # raises before anything is written
    folder = out or Path(state.scheme_folder or scheme_dir())
    written = write_scheme(imported, folder)
    click.echo(f"已导入 imported {imported.meta.name} {imported.meta.version} → "
               + ", ".join(str(p) for p in written))


# --- db -----------------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def db() -> None:
    """数据库 / The database."""


def _upgrade(state: State) -> None:
    from .store.database import current_revision, get_engine, upgrade
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


# --- applicants ---------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def applicant() -> None:
    """申请方 / Applicants."""


@applicant.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@pass_state
def applicant_add(state: State, file: Path, as_json) -> None:
    """从 YAML 文件登记申请方 / Register an applicant from a YAML file."""
    from .imports.applicants import read_applicant_file
    data = read_applicant_file(file, state.scheme)
    added = state.workbench().add_applicant(data)
    emit(added, as_json, f"已登记申请方 / applicant added: {added.id} {added.name}")


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
    """导入调查与工单数据 / Import survey and work-order files."""


applicant_option = click.option("--applicant", "applicant_id", required=True, help="申请方编号 / applicant id")
file_argument = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


@import_.command("surveys")
@applicant_option
@file_argument
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="列映射文件（默认自动识别问卷星/Kobo/LimeSurvey）/ column-mapping file")
@json_option
@pass_state
def import_surveys(state: State, applicant_id, file, mapping, as_json) -> None:
    """导入满意度调查导出文件 / Import a survey export (CSV or XLSX)."""
    from .imports.surveys import load_layout_file, read_survey
    workbench = state.workbench()
    workbench.get_applicant(applicant_id)
    parsed = read_survey(file, state.scheme, load_layout_file(mapping) if mapping else None)
    result = workbench.import_survey(applicant_id, parsed)
    emit(result, as_json, f"已导入问卷 {result['rows']} 份（{parsed.layout.name}）/ imported {result['rows']} responses")


@import_.command("work-orders")
@applicant_option
@file_argument
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="列映射文件（默认 parameters/mappings/work_orders.yaml）/ column-mapping file")
@json_option
@pass_state
def import_work_orders(state: State, applicant_id, file, mapping, as_json) -> None:
    """导入服务工单记录 / Import a work-order log (CSV or XLSX)."""
    from .imports.work_orders import load_mapping, read_work_orders
    workbench = state.workbench()
    workbench.get_applicant(applicant_id)
    parsed = read_work_orders(file, load_mapping(mapping) if mapping else None)
    result = workbench.import_work_orders(applicant_id, parsed)
    emit(result, as_json, f"已导入工单 {result['rows']} 条 / imported {result['rows']} work orders")


# --- working copies -------------------------------------------------------------------------
@cli.command("open")
@click.argument("applicant_id", required=False)
@click.argument("stage_id", required=False)
@click.option("--all", "all_applicants", is_flag=True, help="为所有申请方准备 / for every applicant")
@click.option("--auditor", default=None, help="写入副本的审查员编号 / your auditor id, written into the copies")
@click.option("--refresh", is_flag=True, help="重新生成已有副本 / make existing copies again")
@pass_state
def open_copies(state: State, applicant_id, stage_id, all_applicants, auditor, refresh) -> None:
    """准备申请方的工作簿副本（work/）/ Prepare an applicant's own copies of the stage notebooks (work/).

    The templates in workbooks/ stay untouched; JupyterLab (make lab) opens the copies."""
    from .errors import InputFileError
    from .paths import work_dir
    from .workspace import CASES, prepare_copies, prepare_overview
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
            click.echo(f"{copy}  →  http://127.0.0.1:8888/lab/tree/{copy.relative_to(work_dir()).as_posix()}")
    overview = prepare_overview(auditor=auditor, database_url=state.database_url)
    cases = overview.with_name(f"{CASES}.ipynb")
    click.echo(f"总览 overview: {overview}；投诉与申诉 complaints and appeals: {cases}"
               "（make lab 打开 work/ / make lab opens work/）")


# --- contract -----------------------------------------------------------------------------
@cli.command("contract")
@applicant_option
@click.option("--number", "contract_no", required=True, help="合同编号 / contract number")
@click.option("--signed-on", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="签订日期 YYYY-MM-DD / signing date")
@click.option("--fee", type=float, default=0.0, show_default=True, help="认证费用（元）/ certification fee")
@json_option
@pass_state
def contract(state: State, applicant_id, contract_no, signed_on, fee, as_json) -> None:
    """记录签订的认证合同 / Record the signed certification contract of the current audit."""
    from .errors import NotFoundError
    workbench = state.workbench()
    audit_id = workbench.current_audit(applicant_id)
    if audit_id is None:
        raise NotFoundError(f"申请方「{applicant_id}」尚无审核", f"Applicant '{applicant_id}' has no audit yet")
    saved = workbench.save_contract(audit_id, contract_no, signed_on.date(), fee)
    emit(saved, as_json, f"合同已保存 / contract saved: {saved.contract_no}（{saved.signed_on}）")


# --- results ------------------------------------------------------------------------------
@cli.command("kpis")
@applicant_option
@json_option
@pass_state
def kpis(state: State, applicant_id, as_json) -> None:
    """由已导入工单计算监测指标 / KPIs from the imported work orders."""
    from .errors import NotFoundError
    from .rules.kpis import compute_kpis
    orders = state.workbench().work_orders(applicant_id)
    if orders.empty:
        raise NotFoundError(f"申请方「{applicant_id}」尚未导入工单", f"No work orders imported for '{applicant_id}'")
    report = compute_kpis(orders, state.scheme)
    overall = {k: asdict(v) for k, v in report.overall.items()}
    flagged = report.monthly[report.monthly["out_of_control"]]
    lines = [f"{v.name}\t{v.value:.4g}\t({v.numerator:g}/{v.denominator})" for v in report.overall.values()
             if v.value is not None]
    lines += [f"失控点 out of control: {r.measure} {r.month} {r.value:.4g}" for r in flagged.itertuples()]
    emit({"overall": overall, "out_of_control": flagged.to_dict("records")}, as_json, "\n".join(lines))


@cli.command("demo")
@click.option("--portfolio", type=click.IntRange(min=0), default=0, show_default=True,
              help="另加 N 个合成申请方（经完整流程评分）/ add N synthetic applicants, scored through the pipeline")
@pass_state
def demo(state: State, portfolio) -> None:
    """创建演示申请方并走完认证流程 / Create the demo applicants and carry them through the procedure."""
    from .demo import create_demo
    from .demo_portfolio import create_portfolio
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
@click.option("--token", default=None, help="访问令牌（默认随机生成）/ access token (generated when omitted)")
@pass_state
def serve(state: State, port, ip, token) -> None:
    """以 Voila 提供认证委员会只读看板 / Serve the committee's read-only dashboard with Voila."""
    import subprocess

    from .dashboard.serve import voila_server
    from .store.database import get_engine, require_current_schema
    url = state.database_url
    require_current_schema(get_engine(url))  # a clear message before Voila starts, not a page error
    server = voila_server(port=port, ip=ip, token=token, database_url=get_engine(url).url.render_as_string(
        hide_password=False))
    click.echo(f"认证委员会看板 / committee dashboard: {server.url}\n（Ctrl-C 停止 / to stop）")
    try:
        sys.exit(subprocess.call(server.command, env=server.env))
    except KeyboardInterrupt:
        sys.exit(0)


# --- command modules: each registers its commands on `cli` ---------------------------------
from . import cli_batch, cli_cycle, cli_documents, cli_integrity  # noqa: E402,F401  (run, runs; audits, audit; report, certificate, register; verify, key, backup, restore)


def main() -> None:
    cli(prog_name="audit-workbench")

if __name__ == "__main__":
    main()
