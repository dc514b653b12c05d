"""Work-order logs (服务工单): map the columns, convert and check every value, and return
the canonical table the KPIs use — or refuse the whole file, naming rows and columns."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..domain import WORK_ORDER_COLUMNS
from ..errors import InputFileError, Problem
from ..paths import mappings_dir
from .mappings import WorkOrderMapping, load_mapping_file
from .reading import MAX_PROBLEMS_COLLECTED, RawTable, find_column, parse_dates, read_table

DATE_FIELDS = ("opened_at", "closed_at", "due_at")
BOOLEAN_FIELDS = ("is_complaint", "resolved", "first_visit_fix", "complaint_satisfied")
TEXT_FIELDS = ("order_id", "customer_id", "product_id", "service_type", "issue")


def load_mapping(path: Path | None = None) -> WorkOrderMapping:
    return load_mapping_file(path or mappings_dir() / "work_orders.yaml", WorkOrderMapping)


@dataclass(frozen=True)
class WorkOrderImport:
    table: RawTable
    orders: pd.DataFrame   # canonical columns (WORK_ORDER_COLUMNS)
    source_columns: dict[str, str]


def _bad_rows(raw: RawTable, mask: pd.Series) -> list[int]:
    return [raw.file_row(i) for i in mask.to_numpy().nonzero()[0][:MAX_PROBLEMS_COLLECTED]]


def _to_boolean(values: pd.Series, mapping: WorkOrderMapping) -> tuple[pd.Series, pd.Series]:
    folded = values.str.strip().str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[folded.isin(mapping.true_values)] = True
    result[folded.isin(mapping.false_values)] = False
    bad = values.notna() & result.isna()
    return result, bad


def read_work_orders(path: str | Path, mapping: WorkOrderMapping | None = None) -> WorkOrderImport:
    mapping = mapping or load_mapping()
    raw = read_table(path)
    frame = raw.frame
    headers = list(frame.columns)

    source: dict[str, str] = {}
    missing = []
    for field_name, names in mapping.columns.items():
        column = find_column(headers, names)
        if column is not None:
            source[field_name] = column
        elif field_name in mapping.required:
            missing.append(Problem(
                zh=f"缺少必需的列（可用列名：{'、'.join(names)}）",
                en=f"required column missing (accepted headers: {', '.join(names)})",
                row=1, column=names[0],
            ))
    if missing:
        raise InputFileError("工单文件缺少必需的列，未导入", "The work-order file lacks required columns; nothing was imported",
                             file=raw.path, problems=missing)

    problems: list[Problem] = []
    orders = pd.DataFrame(index=frame.index)
    for field_name in TEXT_FIELDS:
        if field_name in source:
            orders[field_name] = frame[source[field_name]].str.strip()
        else:
            orders[field_name] = mapping.defaults.get(field_name, "")
    for field_name in DATE_FIELDS:
        if field_name not in source:
            orders[field_name] = pd.NaT
            continue
        text = frame[source[field_name]]
        parsed = parse_dates(text)
        bad = text.notna() & parsed.isna()
        for row in _bad_rows(raw, bad):
            problems.append(Problem(zh="日期时间无法识别", en="date/time cannot be read", row=row, column=source[field_name]))
        orders[field_name] = parsed
    for field_name in BOOLEAN_FIELDS:
        if field_name not in source:
            orders[field_name] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
            continue
        values, bad = _to_boolean(frame[source[field_name]], mapping)
        for row in _bad_rows(raw, bad):
            problems.append(Problem(zh="应为 是/否", en="expected yes/no (是/否)", row=row, column=source[field_name]))
        orders[field_name] = values

    for field_name in mapping.required:
        for row in _bad_rows(raw, frame[source[field_name]].isna()):
            problems.append(Problem(zh="必填项为空", en="required value is empty", row=row, column=source[field_name]))

    duplicated = orders["order_id"].duplicated(keep=False) & orders["order_id"].notna()
    for row in _bad_rows(raw, duplicated):
        problems.append(Problem(zh="工单号重复", en="duplicate work-order id", row=row, column=source["order_id"]))

    before_open = orders["closed_at"].notna() & orders["opened_at"].notna() & (orders["closed_at"] < orders["opened_at"])
    for row in _bad_rows(raw, before_open):
        problems.append(Problem(zh="完成时间早于受理时间", en="closed before it was opened",
                                row=row, column=source.get("closed_at")))

    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise InputFileError(
            f"工单文件有 {len(problems)} 处错误，未导入任何数据",
            f"The work-order file has {len(problems)} errors; nothing was imported",
            file=raw.path, problems=problems,
        )
    for field_name in ("is_complaint", "resolved", "first_visit_fix"):
        orders[field_name] = orders[field_name].astype(bool)
    return WorkOrderImport(table=raw, orders=orders[list(WORK_ORDER_COLUMNS)], source_columns=source)
