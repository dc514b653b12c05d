"""A workbook over the row limit (issue 24 §8): the seconds to refuse a 4,000,000-row XLSX, whose
rows are now counted in the sheet's XML as it unpacks, against the old path in the same run:
openpyxl opening the sheet and reading rows up to the limit (stopped after BASELINE_CAP seconds).
Target: refused within 30 s on 2 cores. The workbook (12 numeric columns, about 0.75 GB
unpacked) is built once in .data/."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile

from _common import DATA, report

ROWS = 4_000_000
BASELINE_CAP = 60  # seconds the old path is given before it is stopped
TARGET_SECONDS = 30.0


def workbook() -> str:
    """A real workbook (openpyxl's parts) whose sheet holds ROWS rows of 12 cells, written as XML."""
    from openpyxl import Workbook
    path = DATA / f"rows-{ROWS}.xlsx"
    if path.exists():
        return str(path)
    DATA.mkdir(parents=True, exist_ok=True)
    seed = DATA / "seed.xlsx"
    book = Workbook()
    book.active.append([f"列{c}" for c in range(12)])
    book.save(seed)
    row = "".join(f"<c><v>{c}</v></c>" for c in range(12))
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, source.read(item))
        with out.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(("<row>" + "".join(f'<c t="inlineStr"><is><t>列{c}</t></is></c>' for c in range(12))
                         + "</row>").encode())
            block = (f"<row>{row}</row>" * 10_000).encode()
            for _ in range(ROWS // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    seed.unlink()
    return str(path)


OLD_PATH = """
import sys
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True)
for count, _ in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
    if count > int(sys.argv[2]):
        break
"""


def main() -> bool:
    from audit_widgets.errors import InputFileError
    from audit_widgets.imports.reading import open_table
    path = workbook()
    limit = int(os.environ.get("AUDIT_WORKBENCH_MAX_IMPORT_ROWS", 3_000_000))
    start = time.perf_counter()
    try:  # the old path: openpyxl opens the sheet and reads rows until the limit is passed
        subprocess.run([sys.executable, "-c", OLD_PATH, path, str(limit)], timeout=BASELINE_CAP, check=True)
        baseline = time.perf_counter() - start
    except subprocess.TimeoutExpired:
        baseline = float("inf")
    start = time.perf_counter()
    try:
        open_table(path)
        refused = False
    except InputFileError:
        refused = True
    seconds = time.perf_counter() - start
    print(f"{ROWS:,} rows × 12 cells; row limit {limit:,}; refused: {refused}")
    if baseline == float("inf"):
        print(f"baseline: openpyxl reading to the row limit did not finish within {BASELINE_CAP} s (stopped)")
    else:
        report("baseline: openpyxl reading to the row limit", baseline, "s")
    report("refused by counting the sheet's XML (open_table)", seconds, "s", limit=TARGET_SECONDS)
    return refused and seconds <= TARGET_SECONDS


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
