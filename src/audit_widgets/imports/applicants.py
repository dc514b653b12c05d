"""Applicant files (parameters/applicants/<id>.yaml): checked against the scheme and the
USCC checksum before anything is written."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputFileError, Problem
from ..rules.uscc import check_uscc
from ..scheme import Scheme
from .reading import read_yaml_mapping

APPLICANT_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class ApplicantData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=APPLICANT_ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    uscc: str
    organisation_type: str
    domains: list[str] = Field(min_length=1)
    address: str = ""
    personnel: int = Field(ge=1)
    outlets: int = Field(default=1, ge=1)
    product_categories: int = Field(default=1, ge=1)
    goods: str = ""
    services: str = ""
    sites: list[str] = []


def check_applicant(data: ApplicantData, scheme: Scheme) -> list[Problem]:
    """What the scheme and the USCC checksum say about otherwise well-formed data."""
    problems = []
    uscc = check_uscc(data.uscc)
    if not uscc.valid:
        problems.append(Problem(zh=f"统一社会信用代码无效：{uscc.zh}", en=f"invalid USCC: {uscc.en}", column="uscc"))
    domains = {d.id: d.name for d in scheme.domains}
    for domain in data.domains:
        if domain not in domains:
            options = "、".join(f"{k}（{v}）" for k, v in domains.items())
            problems.append(Problem(zh=f"未知的认证领域「{domain}」，可选：{options}",
                                    en=f"unknown domain '{domain}'; expected one of {', '.join(domains)}",
                                    column="domains"))
    types = {t.id: t.name for t in scheme.organisation_types}
    if data.organisation_type not in types:
        options = "、".join(f"{k}（{v}）" for k, v in types.items())
        problems.append(Problem(zh=f"未知的组织类型「{data.organisation_type}」，可选：{options}",
                                en=f"unknown organisation type '{data.organisation_type}'",
                                column="organisation_type"))
    return problems


def read_applicant_file(path: str | Path, scheme: Scheme) -> ApplicantData:
    path = Path(path)
    content = read_yaml_mapping(path, "申请方文件", "applicant file")
    try:
        data = ApplicantData.model_validate(content)
    except ValidationError as exc:
        problems = [
            Problem(zh="取值无效或缺失", en=err["msg"], column=".".join(str(p) for p in err["loc"]))
            for err in exc.errors()
        ]
        raise InputFileError("申请方信息有误，未保存", "The applicant data is invalid; nothing was saved",
                             file=path, problems=problems) from None
    problems = check_applicant(data, scheme)
    if problems:
        raise InputFileError("申请方信息有误，未保存", "The applicant data is invalid; nothing was saved",
                             file=path, problems=problems)
    return data
