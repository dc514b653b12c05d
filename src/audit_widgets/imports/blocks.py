"""Reading a table's data rows a block at a time, so that memory does not grow with the file:
CSV through pyarrow's streaming reader, XLSX through openpyxl's read-only mode. Every cell is
text, an empty cell is <NA>, and a block's index is its rows' place under the header (so that
errors name the row a person sees, even after a skipped row)."""
from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from ..errors import InputFileError, Problem
from .checks import HEADER_ROW, ProblemList

CSV_READ_BYTES = 4 * 1024 * 1024  # pyarrow parses this much at a time
FIRST_DATA_ROW = HEADER_ROW + 1
# Workbook cells that mean "no value", as pandas' read_excel took them: a lookup's #N/A, or
# N/A typed in an optional column, is an empty cell, not a bad value.
XLSX_EMPTY_MARKERS = frozenset({
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
    "NULL", "NaN", "None", "n/a", "nan", "null",
})


def unique_headers(names: list) -> list[str]:
    """Header names as pandas gives them: blanks are "Unnamed: i", a repeat is "name.1"."""
    headers: list[str] = []
    for position, name in enumerate(names):
        text = "" if name is None else str(name).strip()
        text = text or f"Unnamed: {position}"
        base, count = text, 0
        while text in headers:
            count += 1
            text = f"{base}.{count}"
        headers.append(text)
    return headers


# --- CSV ---------------------------------------------------------------------------------------
def csv_headers(path: Path, encoding: str, delimiter: str) -> list[str]:
    # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark, which is not part of a name
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as handle:
        return unique_headers(next(csv.reader(handle, delimiter=delimiter), []))


def csv_blocks(path: Path, headers: list[str], encoding: str, delimiter: str, rows: int,
               columns: list[str] | None, problems: ProblemList | None) -> Iterator[pd.DataFrame]:
    """A CSV's rows in blocks of `rows` (the last may be shorter). A row with too many or too few fields is skipped,
    and is a problem of its row in `problems` (a second reading of the file passes none)."""
    malformed: list[int] = []  # file rows, in order

    def skip_malformed(row) -> str:
        malformed.append(row.number)
        if problems is not None and not problems.full:
            problems.last_row_read = row.number
            problems.add(Problem(zh=f"该行有 {row.actual_columns} 个字段，表头有 {row.expected_columns} 列",
                                 en=f"the row has {row.actual_columns} fields, the header has "
                                    f"{row.expected_columns}", row=row.number))
        return "skip"

    options = dict(
        # the header is skipped as a CSV row (a quoted name may hold a line break), not a line
        read_options=pa_csv.ReadOptions(column_names=headers, skip_rows_after_names=1, block_size=CSV_READ_BYTES,
                                        use_threads=False, encoding=encoding),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                          invalid_row_handler=skip_malformed),
        convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(headers, pa.string()), include_columns=columns,
                                              strings_can_be_null=True, null_values=[""]),
    )
    position = 0  # data rows read so far (malformed ones aside)
    pending = pa.table({name: pa.array([], pa.string()) for name in columns or headers})
    # A Python file object, not the path: given a path, pyarrow reads the whole file ahead.
    with open(path, "rb") as handle:
        try:
            for batch in pa_csv.open_csv(handle, **options):
                pending = pa.concat_tables([pending, pa.Table.from_batches([batch])])
                while pending.num_rows >= rows:
                    yield _arrow_block(pending.slice(0, rows), position, malformed)
                    position += rows
                    pending = pending.slice(rows)
                if problems is not None and problems.full:
                    return  # a file of malformed rows: enough are named
        except pa.ArrowInvalid as exc:
            raise InputFileError("CSV 文件格式错误，无法解析", f"The CSV file is malformed: {exc}", file=path) from None
    if pending.num_rows:
        yield _arrow_block(pending, position, malformed)


def _arrow_block(table: pa.Table, position: int, malformed: list[int]) -> pd.DataFrame:
    frame = table.to_pandas()
    rows = np.arange(position, position + len(frame)) + FIRST_DATA_ROW
    for skipped in malformed:  # each skipped row moves the rows after it down one
        rows[rows >= skipped] += 1
    frame.index = pd.Index(rows - FIRST_DATA_ROW)
    return frame


# --- XLSX --------------------------------------------------------------------------------------
class _SheetAsItIs(ReadOnlyWorksheet):
    """A read-only sheet whose rows are read as they are, without its recorded dimensions (some
    writers record wrong ones). openpyxl looks for them as it opens a sheet, and when a sheet
    has none it parses the whole sheet looking: about 80 s for a million rows, before one row
    is read, and again for each opening."""

    def _get_size(self) -> None:
        pass  # no dimensions: as reset_dimensions() leaves them


class _SheetsAsTheyAre(ExcelReader):
    """openpyxl's read-only reader (load_workbook), its worksheets opened as _SheetAsItIs."""

    def read_worksheets(self) -> None:
        for sheet, relation in self.parser.find_sheets():
            if relation.target in self.valid_files and "chartsheet" not in relation.Type:
                self.wb._sheets.append(_SheetAsItIs(self.wb, sheet.name, relation.target, self.shared_strings))


def _open_sheet(path: Path):
    try:
        reader = _SheetsAsTheyAre(path, read_only=True, data_only=True)
        reader.read()
        workbook = reader.wb
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        raise InputFileError("Excel 文件已损坏或无法读取", f"The Excel file is damaged or unreadable ({exc})",
                             file=path) from None
    return workbook, sheet


def xlsx_headers(path: Path) -> list[str]:
    workbook, sheet = _open_sheet(path)
    try:
        first = next(sheet.iter_rows(max_row=HEADER_ROW, values_only=True), ())
    finally:
        workbook.close()
    names = list(first)
    while names and (names[-1] is None or not str(names[-1]).strip()):
        names.pop()  # a formatted but empty cell after the last header
    return unique_headers(names)


def _cell_text(value) -> str | None:
    """A cell as text, as pandas reads it with dtype=str (1.0 is "1", a date "2024-01-05 09:30:00")."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return None if not text or text in XLSX_EMPTY_MARKERS else text


def xlsx_blocks(path: Path, headers: list[str], rows: int, columns: list[str] | None) -> Iterator[pd.DataFrame]:
    """The first sheet's rows in blocks of `rows`. Blank rows are skipped, but the rows keep
    their sheet numbers; cells right of the last header are not read."""
    workbook, sheet = _open_sheet(path)
    try:
        yield from _sheet_blocks(sheet, headers, rows, columns)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ElementTree.ParseError) as exc:
        # damage further into the file than opening it reads
        raise InputFileError("Excel 文件已损坏或无法读取", f"The Excel file is damaged or unreadable ({exc})",
                             file=path) from None
    finally:
        workbook.close()


def _sheet_blocks(sheet, headers: list[str], rows: int, columns: list[str] | None) -> Iterator[pd.DataFrame]:
    width = len(headers)
    values: list[list[str | None]] = []
    indexes: list[int] = []
    for number, row in enumerate(sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True), FIRST_DATA_ROW):
        cells = [_cell_text(v) for v in row[:width]]
        if not any(c is not None for c in cells):
            continue
        values.append(cells + [None] * (width - len(cells)))
        indexes.append(number - FIRST_DATA_ROW)
        if len(values) >= rows:
            yield _text_block(values, indexes, headers, columns)
            values, indexes = [], []
    if values:
        yield _text_block(values, indexes, headers, columns)


def _text_block(values: list[list], indexes: list[int], headers: list[str], columns: list[str] | None) -> pd.DataFrame:
    frame = pd.DataFrame(values, columns=headers, index=pd.Index(indexes), dtype="str")
    return frame[columns] if columns is not None else frame
