"""`audit-workbench calc`: the scheme's calculators on their own (person-days, samples, scores)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .root import (
    State,
    WorkbenchGroup,
    _audit_type,
    _inspection_level,
    audit_type_help,
    cli,
    emit,
    json_option,
    pass_state,
    renamed_options,
)


# --- calc ---------------------------------------------------------------------------------
@cli.group(cls=WorkbenchGroup)
def calc() -> None:
    """计算（不写数据库）/ Calculations (nothing is written)."""


@calc.command("uscc")
@click.argument("code")
def calc_uscc(code: str) -> None:
    """校验统一社会信用代码 / Check a Unified Social Credit Code."""
    from ..rules.uscc import check_uscc
    result = check_uscc(code)
    if result.valid:
        click.echo("valid / 有效")
    else:
        click.echo(f"invalid / 无效：{result.zh} / {result.en}")
        sys.exit(1)


def _parse_reduction(_ctx, _param, values):
    from ..rules.person_days import Reduction
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
    from ..rules.person_days import person_days
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
    from ..rules.sampling import case_sample_size
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
    from ..rules.sampling import random_site_minimum, site_sample_size
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
    from ..imports.answers import read_answers_file
    from ..rules.scoring import score_applicant, score_report
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
    from ..rules.survey import survey_sample_size
    size = survey_sample_size(state.scheme, population, margin=margin, confidence=confidence)
    emit({"sample_size": size, "population": population}, as_json, f"最小样本量 sample size: {size}")
