"""The scheme as an Excel workbook, so the certification body can edit it without YAML.

One sheet per section: a table section has a header row of field names and one row per
record; a settings section has two columns, `key` and `value`. Lists (a checklist item's
domains) are written as comma-separated text; a list of choices (a report particular's) as
`id=name` pairs separated by semicolons; fractions (1/3) as text. The round trip
YAML → XLSX → YAML is lossless.
"""
from __future__ import annotations

import typing
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from pydantic import ValidationError

from .errors import Problem, SchemeError
from .scheme import (
    SETTINGS_SECTIONS,
    Choice,
    Scheme,
    check_consistency,
    problems_from_validation,
    record_type,
)
from .spreadsheets import keep_as_text

LIST_SEPARATOR = ","
CHOICE_SEPARATOR, CHOICE_NAME = ";", "="
SETTINGS_HEADER = ("key", "value")


def _is_list_field(model, field: str) -> bool:
    return typing.get_origin(model.model_fields[field].annotation) is tuple


def _is_choice_list(model, field: str) -> bool:
    return _is_list_field(model, field) and typing.get_args(model.model_fields[field].annotation)[0] is Choice


def _cell(value):
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, tuple) and value and isinstance(value[0], Choice):
        return CHOICE_SEPARATOR.join(f"{c.id}{CHOICE_NAME}{c.name}" for c in value)
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    return value


def export_xlsx(scheme: Scheme, path: str | Path) -> Path:
    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for section in Scheme.model_fields:
        sheet = book.create_sheet(section)
        value = getattr(scheme, section)
        model = record_type(section)
        if section in SETTINGS_SECTIONS:
            sheet.append(SETTINGS_HEADER)
            for key in model.model_fields:
                sheet.append((key, _cell(getattr(value, key))))
        else:
            fields = list(model.model_fields)
            sheet.append(fields)
            for row in value:
                sheet.append([_cell(getattr(row, f)) for f in fields])
        keep_as_text(sheet)  # scheme text that starts like a formula stays text
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _from_cell(model, field: str, value):
    if value is None or value == "":
        return () if _is_list_field(model, field) else None
    if _is_choice_list(model, field):
        pairs = (part.partition(CHOICE_NAME) for part in str(value).split(CHOICE_SEPARATOR) if part.strip())
        return tuple({"id": choice_id.strip(), "name": name.strip()} for choice_id, _, name in pairs)
    if _is_list_field(model, field):
        return tuple(part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip())
    return value


def import_xlsx(path: str | Path) -> Scheme:
    """Read a scheme workbook and validate it exactly as the YAML files are validated."""
    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for unreadable files
        raise SchemeError("方案 Excel 文件无法读取", f"The scheme workbook cannot be read: {exc}", file=path) from None
    missing = [s for s in Scheme.model_fields if s not in book.sheetnames]
    if missing:
        raise SchemeError("方案工作簿缺少工作表", "The scheme workbook lacks sheets", file=path,
                          problems=[Problem(zh="缺少工作表", en="sheet missing", entry=s) for s in missing])
    sections: dict = {}
    for section in Scheme.model_fields:
        model = record_type(section)
        rows = [r for r in book[section].iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
        header, body = [str(h) for h in rows[0] if h is not None], rows[1:]
        if section in SETTINGS_SECTIONS:
            sections[section] = {
                str(r[0]): _from_cell(model, str(r[0]), r[1]) if str(r[0]) in model.model_fields else r[1]
                for r in body
            }
        else:
            sections[section] = [
                {h: _from_cell(model, h, v) if h in model.model_fields else v for h, v in zip(header, r)}
                for r in body
            ]
    source = {s: f"{path.name}!{s}" for s in sections}
    try:
        scheme = Scheme.model_validate(sections)
    except ValidationError as exc:
        raise SchemeError("方案工作簿不符合要求，未导入", "The scheme workbook is not valid; nothing was imported",
                          file=path, problems=problems_from_validation(exc, sections, source)) from None
    problems = check_consistency(scheme, source)
    if problems:
        raise SchemeError("方案工作簿内容前后不一致，未导入", "The scheme workbook is inconsistent; nothing was imported",
                          file=path, problems=problems)
    return scheme
