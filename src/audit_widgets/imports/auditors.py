"""The competence records file (`audit-workbench auditors import FILE.xlsx`; template in
parameters/auditors_template.xlsx): three sheets, the people (auditors, technical experts and
committee members with their registration), the evidence for each domain they audit, and their
impartiality declarations per client and year. Read streaming; every problem is listed with its
sheet, row and field, and nothing is written unless the whole file is valid."""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputFileError, Problem
from ..scheme import Scheme
from ..spreadsheets import keep_as_text

EVIDENCE_KINDS = {"training": "培训", "experience": "经历", "witnessed": "见证审核"}
SHEETS = {
    "people": ("人员 people", {"编号 id": "id", "姓名 name": "name", "资格等级 grade": "grade",
                               "专业领域 domains": "domains", "任审查员起始 auditor_since": "auditor_since",
                               "认证决定人员 decision_maker": "is_decision_maker",
                               "注册编号 registration_no": "registration_no",
                               "注册有效期至 registration_expires": "registration_expires",
                               "角色 roles": "roles", "登录名 login": "login"}),
    "evidence": ("能力证据 evidence", {"人员编号 auditor_id": "auditor_id", "领域 domain": "domain",
                                       "证据类别 kind": "kind", "证据说明 reference": "reference", "日期 on": "on"}),
    "declarations": ("公正性声明 declarations", {"人员编号 auditor_id": "auditor_id",
                                                 "申请方编号 applicant_id": "applicant_id", "年度 year": "year",
                                                 "声明日期 declared_on": "declared_on", "利益冲突 conflicts": "conflicts"}),
}
# Columns a file written before they existed may lack (the people's roles came in scheme 2026.4,
# the logins with the team deployment: without the column, everyone's login stays as it is).
OPTIONAL_COLUMNS = {"角色 roles", "登录名 login"}
# A hub user name as JupyterHub keeps it (lower case): an LDAP uid, an e-mail address.
LOGIN_PATTERN = r"^[a-z0-9][a-z0-9._@-]{0,63}$"
MAX_PROBLEMS = 200  # stop reading once the list is this long: the file needs fixing anyway


def _day(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


# A spreadsheet cell as a day (a date cell or YYYY-MM-DD text) and as trimmed text (empty: "").
Day = Annotated[date | None, BeforeValidator(_day)]
Text = Annotated[str, BeforeValidator(lambda value: "" if value is None else str(value).strip())]


class PersonRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = Field(min_length=1, max_length=100)
    grade: str
    domains: list[str]
    auditor_since: Day = None
    is_decision_maker: bool = False
    registration_no: Text = ""
    registration_expires: Day = None
    roles: list[str] = []
    login: str | None = Field(None, pattern=LOGIN_PATTERN + "|^$")  # None: no column; "": signs in with the id

    @field_validator("login", mode="before")
    @classmethod
    def _login(cls, value):
        return "" if value is None else str(value).strip().lower()

    @field_validator("domains", "roles", mode="before")
    @classmethod
    def _split(cls, value):
        return [d.strip() for d in str(value or "").replace("，", ",").split(",") if d.strip()]

    @field_validator("is_decision_maker", mode="before")
    @classmethod
    def _yes(cls, value):
        return str(value or "").strip().lower() in ("1", "true", "yes", "是", "y")


class EvidenceRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    auditor_id: str
    domain: str
    kind: str
    reference: str = Field(min_length=1, max_length=300)
    on: Day = None


class DeclarationRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    auditor_id: str
    applicant_id: str
    year: int = Field(ge=2000, le=2100)
    declared_on: Annotated[date, BeforeValidator(_day)]
    conflicts: Text = ""


MODELS = {"people": PersonRow, "evidence": EvidenceRow, "declarations": DeclarationRow}


def read_competence_file(path: str | Path, scheme: Scheme, known_people: set[str] = frozenset()) -> dict:
    """{"people": [...], "evidence": [...], "declarations": [...]} as the store takes them, or an
    InputFileError listing every problem (sheet, row, field)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    path = Path(path)
    if not path.is_file():
        raise InputFileError("找不到文件", "File not found", file=path)
    from .reading import read_within_limits
    data = read_within_limits(path)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InputFileError("不是可读的 XLSX 文件", f"Not a readable XLSX file: {exc}", file=path) from None
    problems: list[Problem] = []
    records: dict[str, list[dict]] = {}
    rows: dict[str, list[int]] = {}  # each record's row in its sheet (a row that failed is not a record)
    try:
        for key, (title, columns) in SHEETS.items():
            read = _read_sheet(book, title, columns, MODELS[key], problems)
            rows[key], records[key] = [number for number, _ in read], [record for _, record in read]
    finally:
        book.close()
    people = {p["id"] for p in records["people"]} | set(known_people)
    grades, domains = set(scheme.grades_by_id), {d.id for d in scheme.domains}
    assignable = {r.id for r in scheme.roles if r.assigned}
    ids = {person_id.lower(): person_id for person_id in people}
    logins: dict[str, str] = {}
    for row, person in zip(rows["people"], records["people"]):
        login = person.get("login")
        if login and (login in logins or ids.get(login, person["id"]) != person["id"]):
            problems.append(Problem(zh=f"登录名「{login}」已属于 {logins.get(login) or ids[login]}",
                                    en=f"the login '{login}' is already {logins.get(login) or ids[login]}'s", row=row,
                                    column=f"{SHEETS['people'][0]}.登录名 login"))
        if login:
            logins.setdefault(login, person["id"])
        if person["grade"] not in grades:
            problems.append(Problem(zh=f"未知的资格等级「{person['grade']}」", en=f"unknown grade '{person['grade']}'",
                                    row=row, column=f"{SHEETS['people'][0]}.资格等级 grade"))
        for role in person["roles"]:
            if role not in assignable:
                problems.append(Problem(zh=f"未知的角色「{role}」，可选：{'、'.join(sorted(assignable))}",
                                        en=f"unknown role '{role}'; expected one of: {', '.join(sorted(assignable))}",
                                        row=row, column=f"{SHEETS['people'][0]}.角色 roles"))
        for domain in person["domains"]:
            if domain not in domains:
                problems.append(Problem(zh=f"未知的领域「{domain}」", en=f"unknown domain '{domain}'", row=row,
                                        column=f"{SHEETS['people'][0]}.专业领域 domains"))
    for key in ("evidence", "declarations"):
        for row, record in zip(rows[key], records[key]):
            if record["auditor_id"] not in people:
                problems.append(Problem(zh=f"人员「{record['auditor_id']}」不在人员表中，也未登记",
                                        en=f"person '{record['auditor_id']}' is neither in the people sheet nor registered",
                                        row=row, column=f"{SHEETS[key][0]}.人员编号 auditor_id"))
    for row, record in zip(rows["evidence"], records["evidence"]):
        if record["domain"] not in domains:
            problems.append(Problem(zh=f"未知的领域「{record['domain']}」", en=f"unknown domain '{record['domain']}'",
                                    row=row, column=f"{SHEETS['evidence'][0]}.领域 domain"))
        if record["kind"] not in EVIDENCE_KINDS:
            problems.append(Problem(zh=f"证据类别应为 {'、'.join(EVIDENCE_KINDS)}", en="kind must be one of: "
                                    + ", ".join(EVIDENCE_KINDS), row=row, column=f"{SHEETS['evidence'][0]}.证据类别 kind"))
    if problems:
        raise InputFileError(f"人员能力记录有 {len(problems)} 处问题，未导入任何内容",
                             f"{len(problems)} problems in the competence records; nothing was imported",
                             file=path, problems=problems[:MAX_PROBLEMS])
    return records


def _read_sheet(book, title: str, columns: dict[str, str], model: type[BaseModel],
                problems: list[Problem]) -> list[tuple[int, dict]]:
    if title not in book.sheetnames:
        problems.append(Problem(zh=f"缺少工作表「{title}」", en=f"sheet '{title}' is missing", entry=title))
        return []
    rows = book[title].iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    missing = [c for c in columns if c not in header and c not in OPTIONAL_COLUMNS]
    if missing:
        problems.append(Problem(zh="缺少列：" + "、".join(missing), en="missing columns: " + ", ".join(missing),
                                entry=title, row=1))
        return []
    index = {columns[h]: i for i, h in enumerate(header) if h in columns}
    records = []
    for number, values in enumerate(rows, start=2):
        if len(problems) >= MAX_PROBLEMS:
            break
        if not any(v not in (None, "") for v in values):
            continue
        raw = {field: values[i] if i < len(values) else None for field, i in index.items()}
        try:
            records.append((number, model(**raw).model_dump()))
        except (ValidationError, ValueError) as exc:
            errors = exc.errors() if isinstance(exc, ValidationError) else [{"loc": ("",), "msg": str(exc)}]
            for error in errors:
                field = str(error["loc"][0]) if error["loc"] else ""
                header_name = next((h for h, f in columns.items() if f == field), field)
                problems.append(Problem(zh=f"取值无效：{error['msg']}", en=f"invalid value: {error['msg']}",
                                        row=number, column=f"{title}.{header_name}"))
    return records


def write_competence_file(path: str | Path, people: list[dict], evidence: list[dict],
                          declarations: list[dict] = ()) -> Path:
    """Write a competence records file in the layout read_competence_file reads (the template)."""
    from openpyxl import Workbook
    book = Workbook()
    book.remove(book.active)
    for key, rows in (("people", people), ("evidence", evidence), ("declarations", declarations)):
        title, columns = SHEETS[key]
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            values = []
            for field in columns.values():
                value = row.get(field)
                if isinstance(value, (list, tuple)):
                    value = ",".join(value)
                elif isinstance(value, bool):
                    value = "是" if value else ""
                elif isinstance(value, date):
                    value = value.isoformat()
                values.append(value)
            sheet.append(values)
        keep_as_text(sheet)
    path = Path(path)
    book.save(path)
    return path
