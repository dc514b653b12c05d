"""Two workbooks the import must refuse quickly (issue 24 §8), each against the old path in the
same run (stopped after BASELINE_CAP seconds). Target: each refused within 30 s on 2 cores.

- Over the row limit: a 4,000,000-row XLSX (12 numeric columns, about 0.75 GB unpacked), whose
  rows are now counted in the sheet's XML as it unpacks. The old path: openpyxl opening the
  sheet and reading rows up to the limit.
- Repeats: a work-order XLSX of 1,000,000 identical orders (a few MB), now refused once the
  repeated ids fill the problem list. The old path read the whole file, then its id column
  again: its baseline here is one full read of the file's blocks.

The workbooks are built once in .data/."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from _common import DATA, report

ROWS = 4_000_000
REPEATS = 1_000_000
BASELINE_CAP = 60  # seconds the old path is given before it is stopped
TARGET_SECONDS = 30.0


def _text(value) -> str:
    return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def workbook(name: str, header: list[str], row: list, rows: int) -> str:
    """A real workbook (openpyxl's parts) whose sheet holds `header` and `rows` copies of `row`,
    its XML written directly (openpyxl would take minutes to write a million rows)."""
    from openpyxl import Workbook
    path = DATA / name
    if path.exists():
        return str(path)
    DATA.mkdir(parents=True, exist_ok=True)
    seed = DATA / "seed.xlsx"
    book = Workbook()
    book.active.append(header)
    book.save(seed)
    cells = "".join(f"<c><v>{value}</v></c>" if isinstance(value, (int, float)) else _text(value) for value in row)
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, source.read(item))
        with out.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(("<row>" + "".join(_text(c) for c in header) + "</row>").encode())
            block = (f"<row>{cells}</row>" * 10_000).encode()
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    seed.unlink()
    return str(path)


def repeated_orders() -> str:
    from audit_widgets.demo.data import work_order_log
    order = work_order_log(3, seed=5).head(1).astype(str)
    return workbook(f"repeated-{REPEATS}.xlsx", list(order.columns), list(order.iloc[0]), REPEATS)


READ_EVERY_BLOCK = """
import sys
from audit_widgets.imports.reading import open_table
for _ in open_table(sys.argv[1]).blocks(10_000):
    pass
"""


def _baseline(code: str, *args: str) -> float:
    start = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-c", code, *args], timeout=BASELINE_CAP, check=True)
        return time.perf_counter() - start
    except subprocess.TimeoutExpired:
        return float("inf")


def _report_baseline(name: str, seconds: float) -> None:
    if seconds == float("inf"):
        print(f"baseline: {name} did not finish within {BASELINE_CAP} s (stopped)")
    else:
        report(f"baseline: {name}", seconds, "s")


OLD_PATH = """
import sys
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True)
for count, _ in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
    if count > int(sys.argv[2]):
        break
"""


def over_the_row_limit() -> bool:
    from audit_widgets.errors import InputFileError
    from audit_widgets.imports.reading import open_table
    path = workbook(f"rows-{ROWS}.xlsx", [f"列{c}" for c in range(12)], list(range(12)), ROWS)
    limit = int(os.environ.get("AUDIT_WORKBENCH_MAX_IMPORT_ROWS", 3_000_000))
    baseline = _baseline(OLD_PATH, path, str(limit))
    start = time.perf_counter()
    try:
        open_table(path)
        refused = False
    except InputFileError:
        refused = True
    seconds = time.perf_counter() - start
    print(f"{ROWS:,} rows × 12 cells; row limit {limit:,}; refused: {refused}")
    _report_baseline("openpyxl reading to the row limit", baseline)
    return report("refused by counting the sheet's XML (open_table)", seconds, "s", limit=TARGET_SECONDS) and refused


def repeats() -> bool:
    from audit_widgets.errors import InputFileError
    from audit_widgets.imports.work_orders import read_work_orders
    path = repeated_orders()
    baseline = _baseline(READ_EVERY_BLOCK, path)
    start = time.perf_counter()
    try:
        for _ in read_work_orders(path).blocks():
            pass
        message = "not refused"
    except InputFileError as error:
        message = str(error).splitlines()[1]
    seconds = time.perf_counter() - start
    print(f"{REPEATS:,} identical orders ({Path(path).stat().st_size / 1e6:.1f} MB): {message}")
    _report_baseline("reading every block once (the old path read them twice)", baseline)
    return report("refused once the repeats fill the problem list", seconds, "s",
                  limit=TARGET_SECONDS) and "nothing was imported" in message


def main() -> bool:
    return all([over_the_row_limit(), repeats()])


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
