"""Work-order logs (服务工单): map the columns, convert and check every value, and give the
canonical table the KPIs use, a block at a time — or refuse the whole file, naming rows and
columns."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..domain import WORK_ORDER_COLUMNS
from ..errors import InputFileError, Problem
from ..paths import mappings_dir
from ..store.models import WorkOrder
from .checks import MAX_PROBLEMS_COLLECTED, DuplicateFinder, ProblemList
from .mappings import WorkOrderMapping, load_mapping_file
from .reading import BLOCK_ROWS, TableFile, find_column, open_table, parse_dates

DATE_FIELDS = ("opened_at", "closed_at", "due_at")
BOOLEAN_FIELDS = ("is_complaint", "resolved", "first_visit_fix", "complaint_satisfied")
TEXT_FIELDS = ("order_id", "customer_id", "product_id", "service_type", "issue")
# Each text field's column size in the store: a longer value is refused, named, before it is written.
TEXT_SIZES = {name: WorkOrder.__table__.c[name].type.length for name in TEXT_FIELDS}


def load_mapping(path: Path | None = None) -> WorkOrderMapping:
    return load_mapping_file(path or mappings_dir() / "work_orders.yaml", WorkOrderMapping)


def _source_columns(table: TableFile, mapping: WorkOrderMapping) -> dict[str, str]:
    """Each field's column in the file; refused if a required field has none."""
    source: dict[str, str] = {}
    missing = []
    for field_name, names in mapping.columns.items():
        column = find_column(table.headers, names)
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
                             file=table.path, problems=missing)
    return source


def _to_boolean(values: pd.Series, mapping: WorkOrderMapping) -> tuple[pd.Series, pd.Series]:
    folded = values.str.strip().str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[folded.isin(mapping.true_values)] = True
    result[folded.isin(mapping.false_values)] = False
    bad = values.notna() & result.isna()
    return result, bad


def _convert(frame: pd.DataFrame, mapping: WorkOrderMapping, source: dict[str, str],
             problems: ProblemList) -> pd.DataFrame:
    """One block of the file in the canonical columns, each value converted and checked."""
    orders = pd.DataFrame(index=frame.index)
    for field_name in TEXT_FIELDS:
        if field_name in source:
            orders[field_name] = frame[source[field_name]].str.strip()
        else:
            orders[field_name] = mapping.defaults.get(field_name, "")
    for field_name, size in TEXT_SIZES.items():
        if field_name in source:
            too_long = (orders[field_name].str.len() > size).fillna(False)
            problems.rows(too_long, f"超过 {size} 个字符", f"longer than {size} characters", source[field_name])
    for field_name in DATE_FIELDS:
        if field_name not in source:
            orders[field_name] = pd.NaT
            continue
        text = frame[source[field_name]]
        parsed = parse_dates(text)
        problems.rows(text.notna() & parsed.isna(), "日期时间无法识别", "date/time cannot be read", source[field_name])
        orders[field_name] = parsed
    for field_name in BOOLEAN_FIELDS:
        if field_name not in source:
            orders[field_name] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
            continue
        values, bad = _to_boolean(frame[source[field_name]], mapping)
        problems.rows(bad, "应为 是/否", "expected yes/no (是/否)", source[field_name])
        orders[field_name] = values
    for field_name in mapping.required:
        problems.rows(frame[source[field_name]].isna(), "必填项为空", "required value is empty", source[field_name])
    before_open = orders["closed_at"].notna() & orders["opened_at"].notna() & (orders["closed_at"] < orders["opened_at"])
    problems.rows(before_open, "完成时间早于受理时间", "closed before it was opened", source.get("closed_at"))
    for field_name in ("is_complaint", "resolved", "first_visit_fix"):
        orders[field_name] = orders[field_name].fillna(False).astype(bool)
    return orders[list(WORK_ORDER_COLUMNS)]


@dataclass(frozen=True)
class WorkOrderImport:
    """A work-order log, opened and its columns found. Its orders are read, converted and
    checked a block at a time (`blocks`): an import of any size holds a block, not the file."""
    table: TableFile
    mapping: WorkOrderMapping
    source_columns: dict[str, str]

    def blocks(self, rows: int = BLOCK_ROWS) -> Iterator[pd.DataFrame]:
        """The orders in canonical columns (WORK_ORDER_COLUMNS), block by block, while every
        value so far is good. At the first problem nothing more is yielded: the file is read
        on to name every problem (up to a full list), then refused with InputFileError."""
        problems = ProblemList(self.table.path, "工单文件", "work-order file")
        duplicates = DuplicateFinder()
        for frame in self.table.blocks(rows, problems=problems):
            problems.read(frame)
            orders = _convert(frame, self.mapping, self.source_columns, problems)
            duplicates.add(orders["order_id"])
            if len(duplicates.repeats) + len(problems.problems) >= MAX_PROBLEMS_COLLECTED:
                # A file of repeats: refused here, naming the repeats so far, not read to its end twice.
                problems.at(duplicates.repeats, "工单号重复", "duplicate work-order id", self.source_columns["order_id"])
            if problems.full:
                break
            if not problems.problems:
                yield orders
        if not problems.full:
            id_column = self.source_columns["order_id"]
            ids_again = (block[id_column].str.strip() for block in self.table.blocks(rows, columns=[id_column]))
            problems.at(duplicates.rows(ids_again), "工单号重复", "duplicate work-order id", id_column)
        problems.raise_if_any()

    def read_all(self) -> pd.DataFrame:
        """Every order in one frame: for files small enough to hold, and for the KPIs."""
        return pd.concat(list(self.blocks()), ignore_index=True)


def read_work_orders(path: str | Path, mapping: WorkOrderMapping | None = None) -> WorkOrderImport:
    """Open a work-order log and find its columns; its rows are read when imported."""
    mapping = mapping or load_mapping()
    table = open_table(path)
    return WorkOrderImport(table=table, mapping=mapping, source_columns=_source_columns(table, mapping))
