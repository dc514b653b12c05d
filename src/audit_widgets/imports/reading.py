"""Opening an uploaded table (CSV or XLSX, UTF-8 or GBK), with clear errors for files that
cannot be read; its rows are then read a block at a time. Every value stays text here; the
importers decide what each column means and report bad values by file row."""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET

from ..errors import InputFileError
from ..files import sha256_of
from ..settings import MAX_BYTES_ENV, MAX_ROWS_ENV, MAX_UNCOMPRESSED_ENV
from .blocks import csv_blocks, csv_headers, xlsx_blocks, xlsx_headers
from .checks import ProblemList
from .limits import MB, ImportLimits

XLSX_MAGIC = b"PK\x03\x04"
# A text file is UTF-8 (with or without Excel's byte-order mark), else GB18030, a superset of
# GBK and GB2312.
UTF8_READER = "utf-8-sig"
CONTROL_CHARS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
SNIFF_BYTES = 64 * 1024
UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # how Excel's "Unicode text" begins
PIECE_BYTES = 1024 * 1024  # the file is hashed and its encoding checked this much at a time
XLSX = "xlsx"  # a workbook's "encoding"
BLOCK_ROWS = 100_000  # rows a block holds: memory follows the block, not the file
# An XLSX row takes about half a millisecond to read: smaller blocks let reading stop soon
# after the problem list is full.
XLSX_BLOCK_ROWS = 10_000
MAX_COLUMNS = 1_000  # no import layout comes near; 10,000 columns took 55 s to read
ROW_TAG, CELL_TAG = re.compile(rb"<row[\s>]"), re.compile(rb"<c[\s>]")  # a sheet's rows and cells, in its XML
ROW_TAG_BYTES = len(b"<row ")
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATION_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WIDTH_BYTES = 4 * 1024 * 1024  # the rows whose width is checked: a workbook too wide is so from its first rows


@dataclass(frozen=True)
class TableFile:
    """An uploaded table (CSV or XLSX), checked and opened but not read: its header now, its
    data rows a block at a time (`blocks`), so that memory does not grow with the file."""
    path: Path
    sha256: str
    encoding: str         # "xlsx" for workbooks
    delimiter: str | None
    headers: list[str]
    stamp: tuple[int, int]  # size and modification time when opened (and hashed)

    def blocks(self, rows: int = BLOCK_ROWS, columns: list[str] | None = None,
               problems: ProblemList | None = None) -> Iterator[pd.DataFrame]:
        """Frames of about `rows` data rows, every column as text (or only `columns`); a
        block's index is its rows' place under the header. A CSV row with the wrong number of
        fields is left out and added to `problems`. A file with no data rows is refused."""
        if self.encoding == XLSX:
            reader = xlsx_blocks(self.path, self.headers, min(rows, XLSX_BLOCK_ROWS), columns)
        else:
            reader = csv_blocks(self.path, self.headers, self.encoding, self.delimiter, rows, columns, problems)
        empty = True
        for block in reader:
            empty = False
            yield block
        if empty and not (problems and problems.problems):
            raise _refuse(self.path, "文件只有表头，没有数据行", "The file has a header but no data rows")
        if _stamp(self.path) != self.stamp:  # the rows read must be the file whose hash is recorded
            raise _refuse(self.path, "文件在读取过程中被修改，未导入；请重新导入",
                          "The file changed while it was being read; nothing was imported. Import it again")


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _refuse(path: Path, zh: str, en: str) -> InputFileError:
    return InputFileError(zh, en, file=path)


def _check_size(path: Path, limits: ImportLimits) -> int:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise _refuse(path, f"文件为 {size / MB:.0f} MB，超过导入上限 {limits.max_bytes / MB:.0f} MB（{MAX_BYTES_ENV}）",
                      f"The file is {size / MB:.0f} MB, over the import limit of {limits.max_bytes / MB:.0f} MB "
                      f"({MAX_BYTES_ENV})")
    return size


def _check_unpacked_size(path: Path, source, limits: ImportLimits) -> None:
    """A workbook's parts, unpacked, within the limit: read from the zip directory, before parsing."""
    try:
        with zipfile.ZipFile(source) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _refuse(path, "Excel 文件已损坏或无法读取", f"The Excel file is damaged or unreadable ({exc})") from None
    if unpacked > limits.max_uncompressed_bytes:
        raise _refuse(path, f"Excel 文件解压后为 {unpacked / MB:.0f} MB，超过上限 {limits.max_uncompressed_bytes / MB:.0f} MB"
                            f"（{MAX_UNCOMPRESSED_ENV}）",
                      f"The Excel file unpacks to {unpacked / MB:.0f} MB, over the limit of "
                      f"{limits.max_uncompressed_bytes / MB:.0f} MB ({MAX_UNCOMPRESSED_ENV})")


def read_within_limits(path: Path, limits: ImportLimits | None = None) -> bytes:
    """A small file's bytes (the people file), if within the import limits: its size, and for
    a workbook its parts unpacked (both checked before anything is parsed)."""
    limits = limits or ImportLimits.from_environment()
    _check_size(path, limits)
    data = path.read_bytes()
    if data.startswith(XLSX_MAGIC):
        _check_unpacked_size(path, io.BytesIO(data), limits)
    return data


@dataclass
class _TextScan:
    """What one pass over a text file finds: its hash, its lines, and the encoding that reads it."""
    sha256: str
    lines: int
    blank: bool
    encoding: str | None
    sample: str


def _reads_as(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes in this encoding (a piece at a time)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as handle:
            while piece := handle.read(PIECE_BYTES):
                decoder.decode(piece)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _scan_text(path: Path) -> _TextScan:
    """Hash the file, count its lines and check that it is UTF-8, in one pass a piece at a
    time; only a file that is not is read again, as GB18030."""
    digest, lines, blank, start = hashlib.sha256(), 0, True, b""
    utf8 = codecs.getincrementaldecoder(UTF8_READER)()
    with open(path, "rb") as handle:
        while piece := handle.read(PIECE_BYTES):
            if not start:
                start = piece[:SNIFF_BYTES]
                if start.startswith(UTF16_MARKS):
                    raise _refuse(path, "这是 UTF-16 编码的文本（Excel 的「Unicode 文本」）：请另存为「CSV UTF-8」或 "
                                        "Excel（.xlsx）", "This is UTF-16 text (Excel's 'Unicode text'): save it as "
                                                         "'CSV UTF-8' or as Excel (.xlsx)")
                if b"\x00" in start:
                    raise _refuse(path, "这是二进制文件，不是 CSV 或 Excel 表格",
                                  "This is a binary file, not a CSV or Excel table")
            digest.update(piece)
            lines += piece.count(b"\n")
            blank = blank and not piece.strip()
            if utf8 is not None:
                try:
                    utf8.decode(piece)
                except UnicodeDecodeError:
                    utf8 = None
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)  # a character cut off at the end
        except UnicodeDecodeError:
            utf8 = None
    encoding = "utf-8" if utf8 is not None else "gb18030" if _reads_as(path, "gb18030") else None
    if encoding is None:
        return _TextScan(digest.hexdigest(), lines, blank, None, "")
    sample = start.decode(UTF8_READER if encoding == "utf-8" else encoding, errors="ignore")
    if sum(ch in CONTROL_CHARS for ch in sample) > len(sample) / 100:
        encoding = None  # it decodes, but as control characters: not a text table
    return _TextScan(digest.hexdigest(), lines, blank, encoding, sample)


def _sniff_delimiter(sample: str) -> str:
    first_line = sample.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _count_sheet(path: Path) -> tuple[int, int]:
    """(rows, the most cells in a row among the first rows) of the first sheet, counted in its
    XML as it unpacks, without parsing it: about a second for 4,000,000 rows, where openpyxl reads
    about 2,000 rows a second, so a file over the limits is refused before it is read, not after."""
    rows, widest, tail, start = 0, 0, b"", b""
    with zipfile.ZipFile(path) as archive, archive.open(_first_sheet(path, archive)) as sheet:
        while piece := sheet.read(PIECE_BYTES):
            if len(start) < WIDTH_BYTES:
                start += piece[:WIDTH_BYTES - len(start)]
            # The next text begins with this one's last 4 bytes: a tag cut here is whole there, and
            # no whole 5-byte tag fits in 4 bytes, so none is counted twice.
            text = tail + piece
            rows += text.count(b"<row>") + text.count(b"<row ")
            tail = text[1 - ROW_TAG_BYTES:]
    for row in ROW_TAG.split(start)[1:-1]:  # the first rows, whole (the last may be cut)
        widest = max(widest, len(CELL_TAG.findall(row)))
    return rows, widest


def _first_sheet(path: Path, archive: zipfile.ZipFile) -> str:
    """The first sheet's part in the workbook, from workbook.xml and its relationships: what
    _count_sheet reads, before openpyxl opens anything."""
    try:
        book = DefusedET.fromstring(archive.read("xl/workbook.xml"))
        first = book.find(f"{{{SHEET_NS}}}sheets/{{{SHEET_NS}}}sheet")
        relation = first.get(f"{{{RELATION_NS}}}id") if first is not None else None
        links = DefusedET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next(link.get("Target") for link in links if link.get("Id") == relation)
    except (KeyError, StopIteration, DefusedET.ParseError, DefusedXmlException):
        raise _refuse(path, "Excel 文件已损坏或无法读取（找不到工作表）", "The Excel file is damaged or unreadable "
                      "(no sheet found)") from None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _check_sheet_size(path: Path, limits: ImportLimits) -> None:
    rows, columns = _count_sheet(path)
    if rows > limits.max_rows + 1:  # the header row aside
        raise _refuse(path, f"工作表有 {rows} 行，超过导入上限 {limits.max_rows} 行（{MAX_ROWS_ENV}）",
                      f"The sheet has {rows} rows, over the import limit of {limits.max_rows} ({MAX_ROWS_ENV})")
    if columns > MAX_COLUMNS:
        raise _refuse(path, f"工作表有一行 {columns} 列，超过上限 {MAX_COLUMNS} 列", f"A row of the sheet has {columns} "
                      f"cells, over the limit of {MAX_COLUMNS} columns")


def _open_xlsx(path: Path, limits: ImportLimits) -> TableFile:
    stamp = _stamp(path)
    _check_unpacked_size(path, path, limits)
    _check_sheet_size(path, limits)
    return TableFile(path=path, sha256=sha256_of(path), encoding=XLSX, delimiter=None, headers=xlsx_headers(path),
                     stamp=stamp)


def _open_csv(path: Path, limits: ImportLimits) -> TableFile:
    stamp = _stamp(path)
    scan = _scan_text(path)
    if scan.blank:
        raise _refuse(path, "文件为空", "The file is empty")
    if scan.lines > limits.max_rows + 1:  # counted before parsing: the header and a last newline aside
        raise _refuse(path, f"文件有约 {scan.lines} 行，超过导入上限 {limits.max_rows} 行（{MAX_ROWS_ENV}）",
                      f"The file has about {scan.lines} rows, over the import limit of {limits.max_rows} "
                      f"({MAX_ROWS_ENV})")
    if scan.encoding is None:
        raise _refuse(
            path,
            "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel（.xlsx）",
            "Unknown text encoding: save the file as CSV in UTF-8 or GBK, or as Excel (.xlsx)",
        )
    if scan.lines == 0:  # one line, with no line break after it: a header at most
        raise _refuse(path, "文件只有表头，没有数据行", "The file has a header but no data rows")
    delimiter = _sniff_delimiter(scan.sample)
    try:
        headers = csv_headers(path, scan.encoding, delimiter)
    except csv.Error as exc:
        raise _refuse(path, "CSV 文件格式错误，无法解析", f"The CSV file is malformed: {exc}") from None
    return TableFile(path=path, sha256=scan.sha256, encoding=scan.encoding, delimiter=delimiter, headers=headers,
                     stamp=stamp)


def open_table(path: str | Path) -> TableFile:
    """Check and open a CSV or XLSX file: within the limits, not empty, binary or undecodable,
    with a header. Its rows are read later, a block at a time (TableFile.blocks)."""
    path = Path(path)
    if not path.is_file():
        raise _refuse(path, "文件不存在", "The file does not exist")
    limits = ImportLimits.from_environment()
    if _check_size(path, limits) == 0:
        raise _refuse(path, "文件为空", "The file is empty")
    with open(path, "rb") as handle:
        magic = handle.read(len(XLSX_MAGIC))
    if magic == XLSX_MAGIC:
        return _open_xlsx(path, limits)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise _refuse(path, "扩展名为 .xlsx，但内容不是 Excel 文件", "The name ends in .xlsx but the file is not Excel")
    return _open_csv(path, limits)


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
