"""Survey exports (问卷星, KoboToolbox, LimeSurvey): find the layout, map the questions to the
core indicators and NPS, check every answer against its scale — or refuse the file."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..contract import Channel
from ..errors import InputFileError, Problem
from ..paths import mappings_dir
from ..rules.survey import NPS_KEY, NPS_SCALE
from ..scheme import Scheme
from ..store.models import SurveyResponse
from .checks import MAX_PROBLEMS_COLLECTED, ProblemList, file_row
from .mappings import QuestionRule, SurveyLayout, load_mapping_file
from .reading import TableFile, find_column, open_table, parse_dates


def load_layout_file(path: Path) -> SurveyLayout:
    """A layout is known by its file name (kobo.yaml -> "kobo")."""
    return load_mapping_file(path, SurveyLayout, id=Path(path).stem)


def layouts_dir() -> Path:
    """The survey layouts, one file each (parameters/mappings/surveys/<id>.yaml)."""
    return mappings_dir() / "surveys"


def load_layouts(folder: Path | None = None) -> dict[str, SurveyLayout]:
    folder = folder or layouts_dir()
    return {path.stem: load_layout_file(path) for path in sorted(folder.glob("*.yaml"))}


def detect_layout(table: TableFile, layouts: dict[str, SurveyLayout]) -> SurveyLayout:
    headers = table.headers
    for layout in layouts.values():
        if all(find_column(headers, [name]) for name in layout.detect):
            return layout
    known = "；".join(f"{l.name}（{', '.join(l.detect)}）" for l in layouts.values())
    raise InputFileError(
        f"无法识别问卷导出格式。已知格式及其特征列：{known}。可用 --mapping 指定列映射文件",
        "The survey export layout is not recognised; give a column-mapping file with --mapping",
        file=table.path, problems=[Problem(zh="表头与已知格式都不匹配", en="the header matches no known layout", row=1)],
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
    table: TableFile
    layout: SurveyLayout
    answers: pd.DataFrame  # respondent, submitted_at, one column per indicator id, nps
    scale: str
    source_columns: dict[str, str]


CHANNEL_COLUMNS = ["渠道", "channel"]  # an optional column naming each response's survey_channels id or name


def _channels(column: pd.Series, channels: dict[str, str], problems: ProblemList) -> pd.Series:
    """Each response's channel id (by id or name); an empty cell is a questionnaire."""
    text = column.str.strip()
    ids = text.map(lambda v: channels.get(v) if isinstance(v, str) and v else Channel.QUESTIONNAIRE.value)
    for index, value in text[ids.isna()].head(MAX_PROBLEMS_COLLECTED).items():
        problems.add(Problem(zh=f"未知的调查渠道「{value}」，可选：{'、'.join(sorted(set(channels.values())))}",
                             en=f"unknown survey channel '{value}'", row=file_row(index), column=str(column.name)))
    return ids.fillna(Channel.QUESTIONNAIRE.value).astype(object)


def _answers(frame: pd.DataFrame, layout: SurveyLayout, respondent: str, submitted: str | None,
             source: dict[str, str], scales: dict, problems: ProblemList) -> pd.DataFrame:
    """One block of responses: the respondent (column `respondent`), when (`submitted`), and
    each question's answer (`source`) checked against its scale."""
    answers = pd.DataFrame(index=frame.index)
    answers["respondent"] = frame[respondent].astype("string")
    size = SurveyResponse.__table__.c["respondent"].type.length  # the store's column: longer is refused, named
    problems.rows((answers["respondent"].str.len() > size).fillna(False), f"超过 {size} 个字符",
                  f"longer than {size} characters", respondent)
    answers["submitted_at"] = parse_dates(frame[submitted]) if submitted else pd.NaT
    labels = layout.value_labels
    for key, column in source.items():
        scale = scales[NPS_SCALE if key == NPS_KEY else layout.scale]
        text = frame[column].str.strip()
        values = pd.to_numeric(text.map(lambda v: labels.get(v, v) if isinstance(v, str) else v), errors="coerce")
        bad = text.notna() & (values.isna() | (values < scale.min_value) | (values > scale.max_value)
                              | (values != values.round()))
        for index, answer in text[bad].head(MAX_PROBLEMS_COLLECTED).items():
            problems.add(Problem(
                zh=f"答案「{answer}」超出量表 {scale.min_value}–{scale.max_value}",
                en=f"answer '{answer}' is outside the scale {scale.min_value}–{scale.max_value}",
                row=file_row(index), column=column,
            ))
        answers[key] = values
    return answers


def read_survey(path: str | Path, scheme: Scheme, layout: SurveyLayout | None = None) -> SurveyImport:
    """Read and check a survey export, a block at a time. Only the answers are kept (a few
    numbers a response), not the file's text."""
    table = open_table(path)
    layout = layout or detect_layout(table, load_layouts())
    headers = table.headers
    scales = {s.id: s for s in scheme.survey_scales}
    if layout.scale not in scales:  # a layout is checked against the scheme only here
        raise InputFileError(
            f"列映射「{layout.id}」的量表「{layout.scale}」不在方案中，可选：{'、'.join(scales)}",
            f"The layout '{layout.id}' names scale '{layout.scale}', which is not in the scheme "
            f"(expected one of {', '.join(scales)}); nothing was imported", file=table.path,
        )
    indicator_ids = [i.id for i in scheme.survey_indicators]

    source: dict[str, str] = {}
    missing = []
    for key in [*indicator_ids, NPS_KEY]:
        rule = layout.questions.get(key)
        found = _question_column(headers, rule) if rule else None
        wanted = rule.wanted if rule else key
        if isinstance(found, list):
            missing.append(Problem(zh=f"多个列都含有「{wanted}」：{'、'.join(found)}",
                                   en=f"several columns contain '{wanted}'", row=1, column=wanted))
        elif found is None:
            missing.append(Problem(zh="缺少该题目对应的列", en=f"no column for question '{key}'", row=1, column=wanted))
        else:
            source[key] = found
    respondent, submitted = find_column(headers, [layout.respondent]), find_column(headers, [layout.submitted_at])
    channel = find_column(headers, CHANNEL_COLUMNS)
    channels = {c.id: c.id for c in scheme.survey_channels} | {c.name: c.id for c in scheme.survey_channels}
    if respondent is None:
        missing.append(Problem(zh="缺少答卷编号列", en="respondent id column missing", row=1, column=layout.respondent))
    if missing:
        raise InputFileError(f"问卷文件（{layout.name}）缺少必需的列，未导入",
                             "The survey file lacks required columns; nothing was imported",
                             file=table.path, problems=missing)

    problems = ProblemList(table.path, "问卷文件", "survey file")
    blocks = []
    for frame in table.blocks(problems=problems):
        problems.read(frame)
        block = _answers(frame, layout, respondent, submitted, source, scales, problems)
        if channel is not None:
            block["channel"] = _channels(frame[channel], channels, problems)
        blocks.append(block)
        if problems.full:
            break
    if not blocks:  # every row was malformed
        problems.raise_if_any()
    answers = pd.concat(blocks)
    if not problems.full:
        problems.rows(answers["respondent"].duplicated(keep=False) & answers["respondent"].notna(),
                      "答卷编号重复", "duplicate respondent id", layout.respondent)
    problems.raise_if_any()
    return SurveyImport(table=table, layout=layout, answers=answers.reset_index(drop=True), scale=layout.scale,
                        source_columns=source)
