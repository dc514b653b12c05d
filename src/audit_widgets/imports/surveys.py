"""Survey exports (问卷星, KoboToolbox, LimeSurvey): find the layout, map the questions to the
core indicators and NPS, check every answer against its scale — or refuse the file."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputFileError, Problem
from ..paths import mappings_dir
from ..scheme import Scheme
from .mappings import QuestionRule, SurveyLayout, load_mapping_file
from .reading import MAX_PROBLEMS_COLLECTED, RawTable, find_column, parse_dates, read_table

NPS_KEY = "nps"
NPS_SCALE = "nps"


def load_layout_file(path: Path) -> SurveyLayout:
    """A layout is known by its file name (kobo.yaml -> "kobo")."""
    return load_mapping_file(path, SurveyLayout, id=Path(path).stem)


def load_layouts(folder: Path | None = None) -> dict[str, SurveyLayout]:
    folder = folder or mappings_dir() / "surveys"
    return {path.stem: load_layout_file(path) for path in sorted(folder.glob("*.yaml"))}


def detect_layout(raw: RawTable, layouts: dict[str, SurveyLayout]) -> SurveyLayout:
    headers = list(raw.frame.columns)
    for layout in layouts.values():
        if all(find_column(headers, [name]) for name in layout.detect):
            return layout
    known = "；".join(f"{l.name}（{', '.join(l.detect)}）" for l in layouts.values())
    raise InputFileError(
        f"无法识别问卷导出格式。已知格式及其特征列：{known}。可用 --mapping 指定列映射文件",
        "The survey export layout is not recognised; give a column-mapping file with --mapping",
        file=raw.path, problems=[Problem(zh="表头与已知格式都不匹配", en="the header matches no known layout", row=1)],
    )


def _question_column(headers: list[str], rule: QuestionRule) -> str | None | list[str]:
    if rule.column is not None:
        return find_column(headers, [rule.column])
    matches = [h for h in headers if rule.contains in h]
    if len(matches) > 1:
        return matches
    return matches[0] if matches else None


@dataclass(frozen=True)
class SurveyImport:
    table: RawTable
    layout: SurveyLayout
    answers: pd.DataFrame  # respondent, submitted_at, one column per indicator id, nps
    scale: str
    source_columns: dict[str, str]


def read_survey(path: str | Path, scheme: Scheme, layout: SurveyLayout | None = None) -> SurveyImport:
    raw = read_table(path)
    layout = layout or detect_layout(raw, load_layouts())
    headers = list(raw.frame.columns)
    scales = {s.id: s for s in scheme.survey_scales}
    if layout.scale not in scales:  # a layout is checked against the scheme only here
        raise InputFileError(
            f"列映射「{layout.id}」的量表「{layout.scale}」不在方案中，可选：{'、'.join(scales)}",
            f"The layout '{layout.id}' names scale '{layout.scale}', which is not in the scheme "
            f"(expected one of {', '.join(scales)}); nothing was imported", file=raw.path,
        )
    indicator_ids = [i.id for i in scheme.survey_indicators]

    source: dict[str, str] = {}
    problems = []
    for key in [*indicator_ids, NPS_KEY]:
        rule = layout.questions.get(key)
        found = _question_column(headers, rule) if rule else None
        wanted = rule.wanted if rule else key
        if isinstance(found, list):
            problems.append(Problem(zh=f"多个列都含有「{wanted}」：{'、'.join(found)}",
                                    en=f"several columns contain '{wanted}'", row=1, column=wanted))
        elif found is None:
            problems.append(Problem(zh="缺少该题目对应的列", en=f"no column for question '{key}'", row=1, column=wanted))
        else:
            source[key] = found
    if find_column(headers, [layout.respondent]) is None:
        problems.append(Problem(zh="缺少答卷编号列", en="respondent id column missing", row=1,
                                column=layout.respondent))
    if problems:
        raise InputFileError(f"问卷文件（{layout.name}）缺少必需的列，未导入",
                             "The survey file lacks required columns; nothing was imported",
                             file=raw.path, problems=problems)

    answers = pd.DataFrame(index=raw.frame.index)
    answers["respondent"] = raw.frame[find_column(headers, [layout.respondent])].astype("string")
    submitted = find_column(headers, [layout.submitted_at])
    answers["submitted_at"] = parse_dates(raw.frame[submitted]) if submitted else pd.NaT
    labels = layout.value_labels
    for key, column in source.items():
        scale = scales[NPS_SCALE if key == NPS_KEY else layout.scale]
        text = raw.frame[column].str.strip()
        values = pd.to_numeric(text.map(lambda v: labels.get(v, v) if isinstance(v, str) else v), errors="coerce")
        bad = text.notna() & (values.isna() | (values < scale.min_value) | (values > scale.max_value)
                              | (values != values.round()))
        for index in bad.to_numpy().nonzero()[0][:MAX_PROBLEMS_COLLECTED]:
            problems.append(Problem(
                zh=f"答案「{text.iloc[index]}」超出量表 {scale.min_value}–{scale.max_value}",
                en=f"answer '{text.iloc[index]}' is outside the scale {scale.min_value}–{scale.max_value}",
                row=raw.file_row(index), column=column,
            ))
        answers[key] = values
    duplicated = answers["respondent"].duplicated(keep=False) & answers["respondent"].notna()
    for index in duplicated.to_numpy().nonzero()[0][:MAX_PROBLEMS_COLLECTED]:
        problems.append(Problem(zh="答卷编号重复", en="duplicate respondent id",
                                row=raw.file_row(index), column=layout.respondent))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise InputFileError(
            f"问卷文件有 {len(problems)} 处错误，未导入任何数据",
            f"The survey file has {len(problems)} errors; nothing was imported",
            file=raw.path, problems=problems,
        )
    return SurveyImport(table=raw, layout=layout, answers=answers, scale=layout.scale, source_columns=source)
