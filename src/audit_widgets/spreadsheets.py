"""What every spreadsheet the workbench writes shares: text that starts like a formula stays
text. Excel runs a cell that starts with one of FORMULA_STARTS as a formula (CSV and XLSX
injection); tab and CR too."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A CSV cell as text that Excel shows and never runs: a leading ' makes it plain text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def keep_as_text(sheet) -> None:
    """An openpyxl sheet's cells that look like formulas are written as strings: Excel shows
    them and runs nothing, and the text reads back unchanged (a lossless round trip)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
