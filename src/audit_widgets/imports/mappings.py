"""Column-mapping files (parameters/mappings/): validated like the scheme, so a bad mapping is
refused with a bilingual message naming the file and the key before any data file is read."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..domain import WORK_ORDER_COLUMNS
from ..errors import InputFileError, Problem
from ..scheme import problems_from_validation
from .reading import read_yaml_mapping

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Headers = Annotated[list[Text], Field(min_length=1)]
WorkOrderField = Literal[WORK_ORDER_COLUMNS]


def _blank_is_empty(value):
    return {} if value is None else value  # `defaults:` with nothing after it means none


class MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BooleanValues(MappingFile):
    true: list[Text] = Field(min_length=1)
    false: list[Text] = Field(min_length=1)

    @field_validator("false")
    @classmethod
    def _not_both(cls, false: list[str], info: ValidationInfo) -> list[str]:
        both = {v.lower() for v in info.data.get("true", [])} & {v.lower() for v in false}
        if both:
            raise PydanticCustomError("true_and_false", "values listed as both true and false: {values}",
                                      {"values": ", ".join(sorted(both))})
        return false


class WorkOrderMapping(MappingFile):
    columns: dict[WorkOrderField, Headers]  # field -> the headers it is known by; the first found is used
    required: list[WorkOrderField]
    defaults: Annotated[dict[WorkOrderField, str], BeforeValidator(_blank_is_empty)] = {}
    boolean_values: BooleanValues

    @field_validator("required")
    @classmethod
    def _required_are_mapped(cls, required: list[str], info: ValidationInfo) -> list[str]:
        # The reader looks up every required field's column, and finds duplicates by order_id.
        if "order_id" not in required:
            raise PydanticCustomError("order_id_required", "order_id must be required")
        columns = info.data.get("columns")
        unmapped = [f for f in required if columns is not None and f not in columns]
        if unmapped:
            raise PydanticCustomError("unmapped_required", "required field(s) without headers in columns: {fields}",
                                      {"fields": ", ".join(unmapped)})
        return required

    @property
    def true_values(self) -> frozenset[str]:
        return frozenset(v.lower() for v in self.boolean_values.true)

    @property
    def false_values(self) -> frozenset[str]:
        return frozenset(v.lower() for v in self.boolean_values.false)


class QuestionRule(MappingFile):
    """Where a question's answers are: the exact header, or a word the header contains."""
    column: Text | None = None
    contains: Text | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> QuestionRule:
        if (self.column is None) == (self.contains is None):
            raise PydanticCustomError("column_or_contains", "give exactly one of 'column' or 'contains'")
        return self

    @property
    def wanted(self) -> str:
        return self.column or self.contains


class SurveyLayout(MappingFile):
    id: Text  # the file name unless the file says otherwise
    name: Text
    detect: Headers  # headers that together identify the layout
    respondent: Text
    submitted_at: Text
    scale: Text  # a survey scale of the scheme, checked when a file is read
    questions: dict[Text, QuestionRule]  # indicator id or "nps" -> rule
    value_labels: Annotated[dict[Text, int], BeforeValidator(_blank_is_empty)] = {}


# Chinese for the errors a hand-edited mapping gives; the English is pydantic's own message.
ZH = {
    "missing": "缺少必需的键",
    "extra_forbidden": "未知的键（拼写有误？）",
    "literal_error": "应为以下之一：{expected}",
    "list_type": "应为列表，如 [甲, 乙]",
    "dict_type": "应为键值对",
    "model_type": "应为键值对",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "true_and_false": "这些值同时列为「是」和「否」：{values}",
    "order_id_required": "required 必须包含 order_id（用于查找重复工单）",
    "unmapped_required": "这些必填字段在 columns 中没有列名：{fields}",
    "column_or_contains": "应给出 column（完整列名）或 contains（列名中的词）之一",
}


class _TextLoader(yaml.SafeLoader):
    """Headers and cell values are text as written: YAML 1.1 would read yes/no as booleans,
    1/0 as numbers and 2024-01-05 as a date, so a cell saying "yes" could never match."""


NOT_TEXT = {f"tag:yaml.org,2002:{kind}" for kind in ("bool", "int", "float", "timestamp")}
_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in NOT_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

M = TypeVar("M", bound=MappingFile)


def _in_chinese(problem: Problem, error: dict) -> Problem:
    template = ZH.get(error["type"])
    return replace(problem, zh=template.format(**error.get("ctx", {}))) if template else problem


def load_mapping_file(path: str | Path, model: type[M], **defaults) -> M:
    """Read and validate one mapping file; `defaults` fill fields the file leaves out."""
    path = Path(path)
    content = read_yaml_mapping(path, "列映射文件", "mapping file", loader=_TextLoader)
    try:
        return model.model_validate({**defaults, **content})
    except ValidationError as exc:
        source = dict.fromkeys([*model.model_fields, *map(str, content)], path.name)
        problems = problems_from_validation(exc, content, source)
        raise InputFileError(
            "列映射文件不符合要求，未导入任何数据", "The column-mapping file is not valid; nothing was imported",
            file=path, problems=[_in_chinese(p, e) for p, e in zip(problems, exc.errors())],
        ) from None
