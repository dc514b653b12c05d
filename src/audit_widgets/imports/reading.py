"""Reading an uploaded table (CSV or XLSX, UTF-8 or GBK) into text columns, with clear
errors for files that cannot be read. Every value stays text here; the importers decide
what each column means and report bad values by file row."""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..errors import InputFileError
from .limits import MAX_BYTES_ENV, MAX_ROWS_ENV, MAX_UNCOMPRESSED_ENV, MB, ImportLimits

XLSX_MAGIC = b"PK\x03\x04"
# Encodings tried in order. GB18030 is a superset of GBK and GB2312.
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
CONTROL_CHARS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
SNIFF_BYTES = 64 * 1024
HEADER_ROW = 1  # rows are numbered as a spreadsheet shows them: the header is row 1
# Bad rows reported per check: enough to see the pattern, not a whole file's worth.
MAX_PROBLEMS_COLLECTED = 200


@dataclass(frozen=True)
class RawTable:
    path: Path
    frame: pd.DataFrame   # every column as text, empty cells as <NA>
    sha256: str
    encoding: str         # "xlsx" for workbooks
    delimiter: str | None

    def file_row(self, index: int) -> int:
        """The row number a person sees in the file for the frame's positional index."""
        return index + HEADER_ROW + 1


def _refuse(path: Path, zh: str, en: str) -> InputFileError:
    return InputFileError(zh, en, file=path)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:SNIFF_BYTES]:
        raise _refuse(path, "这是二进制文件，不是 CSV 或 Excel 表格", "This is a binary file, not a CSV or Excel table")
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:SNIFF_BYTES]
        if sum(ch in CONTROL_CHARS for ch in sample) > len(sample) / 100:
            break
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise _refuse(
        path,
        "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel（.xlsx）",
        "Unknown text encoding: save the file as CSV in UTF-8 or GBK, or as Excel (.xlsx)",
    )


def _sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _check_unpacked_size(path: Path, data: bytes, limits: ImportLimits) -> None:
    """A workbook's parts, unpacked, within the limit: read from the zip directory, before parsing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _refuse(path, "Excel 文件已损坏或无法读取", f"The Excel file is damaged or unreadable ({exc})") from None
    if unpacked > limits.max_uncompressed_bytes:
        raise _refuse(path, f"Excel 文件解压后为 {unpacked / MB:.0f} MB，超过上限 {limits.max_uncompressed_bytes / MB:.0f} MB"
                            f"（{MAX_UNCOMPRESSED_ENV}）",
                      f"The Excel file unpacks to {unpacked / MB:.0f} MB, over the limit of "
                      f"{limits.max_uncompressed_bytes / MB:.0f} MB ({MAX_UNCOMPRESSED_ENV})")


def read_within_limits(path: Path, limits: ImportLimits | None = None) -> bytes:
    """The file's bytes, if it is within the import limits: its size, and for a workbook its
    parts unpacked (both checked before anything is parsed)."""
    limits = limits or ImportLimits.from_environment()
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise _refuse(path, f"文件为 {size / MB:.0f} MB，超过导入上限 {limits.max_bytes / MB:.0f} MB（{MAX_BYTES_ENV}）",
                      f"The file is {size / MB:.0f} MB, over the import limit of {limits.max_bytes / MB:.0f} MB "
                      f"({MAX_BYTES_ENV})")
    data = path.read_bytes()
    if data.startswith(XLSX_MAGIC):
        _check_unpacked_size(path, data, limits)
    return data


def _read_xlsx(path: Path, data: bytes) -> pd.DataFrame:
    try:
        return pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _refuse(path, "Excel 文件已损坏或无法读取", f"The Excel file is damaged or unreadable ({exc})") from None


def _read_csv(path: Path, text_utf8: bytes, delimiter: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.BytesIO(text_utf8), dtype=str, sep=delimiter, engine="pyarrow", keep_default_na=False,
        )
    except Exception:  # pyarrow refuses ragged rows and odd quoting; the C parser says where
        try:
            return pd.read_csv(io.BytesIO(text_utf8), dtype=str, sep=delimiter, keep_default_na=False)
        except (pd.errors.ParserError, ValueError) as exc:
            raise _refuse(path, "CSV 文件格式错误，无法解析", f"The CSV file is malformed: {exc}") from None


def read_table(path: str | Path) -> RawTable:
    """Read a CSV or XLSX file as text columns; refuse empty, binary or undecodable files."""
    path = Path(path)
    if not path.is_file():
        raise _refuse(path, "文件不存在", "The file does not exist")
    limits = ImportLimits.from_environment()
    data = read_within_limits(path, limits)
    if not data.strip():
        raise _refuse(path, "文件为空", "The file is empty")
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(XLSX_MAGIC):
        frame, encoding, delimiter = _read_xlsx(path, data), "xlsx", None
    elif path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise _refuse(path, "扩展名为 .xlsx，但内容不是 Excel 文件", "The name ends in .xlsx but the file is not Excel")
    else:
        lines = data.count(b"\n")
        if lines > limits.max_rows + 1:  # counted before parsing: the header and a last newline aside
            raise _refuse(path, f"文件有约 {lines} 行，超过导入上限 {limits.max_rows} 行（{MAX_ROWS_ENV}）",
                          f"The file has about {lines} rows, over the import limit of {limits.max_rows} "
                          f"({MAX_ROWS_ENV})")
        text, encoding = _decode(path, data)
        delimiter = _sniff_delimiter(text)
        utf8 = data if encoding == "utf-8" and not data.startswith(b"\xef\xbb\xbf") else text.encode("utf-8")
        frame = _read_csv(path, utf8, delimiter)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.replace("", pd.NA) if len(frame) else frame
    if frame.empty:
        raise _refuse(path, "文件只有表头，没有数据行", "The file has a header but no data rows")
    return RawTable(path=path, frame=frame, sha256=digest, encoding=encoding, delimiter=delimiter)


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates take the fast path; other layouts (2024/1/5 9:30, …) are parsed one by one."""
    parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
    retry = parsed.isna() & values.notna()
    if retry.any():
        parsed.loc[retry] = pd.to_datetime(values[retry], format="mixed", errors="coerce")
    return parsed


def find_column(headers: list[str], names: list[str]) -> str | None:
    """The first of `names` that is a header (case and surrounding spaces ignored)."""
    folded = {h.strip().lower(): h for h in headers}
    for name in names:
        if str(name).strip().lower() in folded:
            return folded[str(name).strip().lower()]
    return None


def read_yaml_mapping(path: str | Path, what_zh: str, what_en: str, loader=None) -> dict:
    """A YAML file whose top level is a mapping, or an InputFileError naming the file.
    `what_zh` / `what_en` say what the file is (申请方文件 / applicant file …)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{what_zh}不存在", f"The {what_en} does not exist", file=path)
    try:
        text = path.read_text(encoding="utf-8")
        content = yaml.load(text, Loader=loader) if loader else yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{what_zh}无法解析（应为 UTF-8 编码的 YAML）",
                             f"The {what_en} cannot be parsed as UTF-8 YAML: {exc}", file=path) from None
    except RecursionError:  # thousands of nested brackets: no real file nests like that
        raise InputFileError(f"{what_zh}的嵌套层次过深，无法读取", f"The {what_en} is nested too deeply to read",
                             file=path) from None
    if not isinstance(content, dict):
        raise InputFileError(f"{what_zh}应为键值对", f"The {what_en} must be a mapping of keys", file=path)
    return content
