"""A file of checklist answers for what-if scoring (`audit-workbench calc score`), checked by
the same rules as an answer written to the store.

The file maps item ids to answers:

    E01: conform                                   # a result id
    E02: {result: nonconform, reason: 程序文件缺失}  # a result with its reason
    B01: {checked: 20, nonconforming: 2, reason: 两个网点未回访}
    D06: 30                                        # a measured item: the measured value
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..domain import Answer
from ..errors import InputFileError, Problem
from ..rules.answers import answer_problem
from ..scheme import Scheme
from .reading import read_yaml_mapping


class AnswerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: str | None = None
    reason: str = ""
    checked: int | None = Field(default=None, ge=0)
    nonconforming: int | None = Field(default=None, ge=0)
    measured: float | None = None


@dataclass(frozen=True)
class AnswerFile:
    answers: dict[str, Answer]
    reasons: dict[str, str]


def _entry(value) -> AnswerEntry:
    if isinstance(value, bool):  # YAML reads yes/no as booleans: not an answer
        raise ValueError("expected a result id, a number or a mapping")
    if isinstance(value, (int, float)):
        return AnswerEntry(measured=float(value))
    if isinstance(value, str):
        return AnswerEntry(result=value)
    if isinstance(value, dict):
        return AnswerEntry.model_validate(value)
    raise ValueError("expected a result id, a number or a mapping")


def read_answers_file(path: str | Path, scheme: Scheme, domains, organisation_type: str) -> AnswerFile:
    """Every answer of the file, or an InputFileError listing every refused entry by item id."""
    content = read_yaml_mapping(path, "答案文件", "answers file")
    answers: dict[str, Answer] = {}
    reasons: dict[str, str] = {}
    problems: list[Problem] = []
    for item_id, value in content.items():
        item_id = str(item_id)
        try:
            entry = _entry(value)
        except (ValueError, ValidationError) as exc:
            problems.append(Problem(zh="答案格式无效：应为结果编号、数值或 {result, reason}",
                                    en=f"invalid answer: {exc}".splitlines()[0], entry=item_id))
            continue
        answer = Answer(entry.result, entry.checked, entry.nonconforming, entry.measured)
        item = scheme.items_by_id.get(item_id)
        if entry.measured is not None and item is not None and item.judgement != "measure":
            problems.append(Problem(zh=f"{item_id} 不是测量类条目，不能给数值", en=f"{item_id} is not a measured item",
                                    entry=item_id))
            continue
        problem = answer_problem(scheme, item_id, answer, entry.reason, domains, organisation_type)
        if problem is not None:
            problems.append(problem)
            continue
        answers[item_id] = answer
        reasons[item_id] = entry.reason
    if problems:
        raise InputFileError("答案文件中有不能接受的答案，未评分", "Some answers are refused; nothing was scored",
                             file=path, problems=problems)
    return AnswerFile(answers, reasons)
