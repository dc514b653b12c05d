"""Applicant files (parameters/applicants/<id>.yaml): checked against the scheme and the
USCC checksum before anything is written."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputFileError, Problem
from ..rules.uscc import check_uscc
from ..scheme import Scheme
from .reading import read_yaml_mapping

# Letters, digits, "_" and "-", not first: an id that starts with "-" reads as an option on a command line.
APPLICANT_ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$"


class SiteData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    type: str
    headcount: int | None = Field(default=None, ge=1)  # unknown: the scheme's minimum time per site
    address: str = Field(default="", max_length=300)


class ApplicantData(BaseModel):
    """An application form. `sites` lists every site with its type (the 服务网点清单); the number
    of sites (`outlets`, IAF MD1's N) is the length of that list. `service_promises` are the
    applicant's published promises (服务承诺) by measure, e.g. mean_time_to_resolve_hours: 48."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=APPLICANT_ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    uscc: str
    organisation_type: str
    domains: list[str] = Field(min_length=1)
    address: str = ""
    personnel: int = Field(ge=1)
    outlets: int | None = Field(default=None, ge=1)
    product_categories: int = Field(default=1, ge=1)
    goods: str = ""
    services: str = ""
    sites: list[SiteData] = Field(min_length=1)
    service_promises: dict[str, float] = {}

    @model_validator(mode="after")
    def _count_sites(self) -> ApplicantData:
        if self.outlets is None:
            self.outlets = len(self.sites)
        elif self.outlets != len(self.sites):
            raise ValueError(f"outlets = {self.outlets} but {len(self.sites)} sites are listed; list every site "
                             f"/ 场所数 {self.outlets} 与清单中的 {len(self.sites)} 个场所不符，请列出全部场所")
        return self


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
    composite = {d.id for d in scheme.domains if d.composite}
    if set(data.domains) & composite and not set(data.domains) - composite:
        problems.append(Problem(
            zh="复合商品类申请方须同时申报其商品所属的领域（如 b 消费商品类），以获得相应条目",
            en="a composite-goods applicant must also declare the domains of its goods (e.g. b) to get their items",
            column="domains"))
    problems += _site_problems(data, scheme) + _promise_problems(data, scheme)
    types = {t.id: t.name for t in scheme.organisation_types}
    if data.organisation_type not in types:
        options = "、".join(f"{k}（{v}）" for k, v in types.items())
        problems.append(Problem(zh=f"未知的组织类型「{data.organisation_type}」，可选：{options}",
                                en=f"unknown organisation type '{data.organisation_type}'",
                                column="organisation_type"))
    return problems


def _site_problems(data: ApplicantData, scheme: Scheme) -> list[Problem]:
    problems = []
    types = scheme.site_types_by_id
    for number, site in enumerate(data.sites, start=1):
        if site.type not in types:
            options = "、".join(f"{k}（{v.name}）" for k, v in types.items())
            problems.append(Problem(zh=f"场所「{site.name}」的类型「{site.type}」未知，可选：{options}",
                                    en=f"site '{site.name}' has unknown type '{site.type}'", row=number,
                                    column="sites.type"))
    central = [s.name for s in data.sites if s.type in types and types[s.type].central]
    if len(central) != 1:
        problems.append(Problem(zh=f"场所清单应恰有一个中心职能，实有 {len(central)} 个",
                                en=f"the site list needs exactly one central function, it has {len(central)}",
                                column="sites"))
    names = [s.name for s in data.sites]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(zh=f"场所名称重复：{name}", en=f"duplicate site name: {name}", column="sites.name"))
    return problems


def _promise_problems(data: ApplicantData, scheme: Scheme) -> list[Problem]:
    """A promise sets a target only where the scheme's band says so, and must beat zero_at."""
    problems = []
    for measure, value in data.service_promises.items():
        if measure not in scheme.measures_by_id or not any(
                b.measure == measure and b.promise_sets_target for b in scheme.measure_bands):
            allowed = sorted({b.measure for b in scheme.measure_bands if b.promise_sets_target})
            problems.append(Problem(zh=f"方案未规定以「{measure}」的服务承诺为目标，可选：{', '.join(allowed)}",
                                    en=f"the scheme takes no service promise for '{measure}'; expected: "
                                       f"{', '.join(allowed)}", column=f"service_promises.{measure}"))
            continue
        band = scheme.measure_band(measure, data.domains)
        if not band.better_than_zero(value):
            problems.append(Problem(zh=f"服务承诺 {value:g} 不优于该指标的零分线 {band.zero_at:g}，不能作为目标",
                                    en=f"the promise {value:g} is not better than the band's zero_at {band.zero_at:g}",
                                    column=f"service_promises.{measure}"))
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
