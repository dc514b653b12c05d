"""The certification body as data (issue 23 §1): parameters/body.yaml, with the mark it filed with
CNCA and its seal beside it. Every document prints the body from here; nothing in code names a
body. Validated on load like the scheme: a problem names the file and the field, in Chinese and
English, and nothing is printed under a body that is not valid."""
from __future__ import annotations

import base64
import hashlib
import mimetypes
from dataclasses import replace
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import Problem, SchemeError
from .paths import project_root
from .settings import current

IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg")
SINGLE_PERSON_STATEMENT = ("本机构为单人机构：角色变更未经第二人批准即生效 / a single-person body: changes of roles take "
                           "effect without a second person's approval")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    name_en: str = ""
    address: str = Field(min_length=1)
    approval_number: str = Field(min_length=1)  # CNCA's 批准号
    accreditation: str = ""                      # e.g. its CNAS accreditation, if any
    mark_image: Path                             # the certification mark, relative to body.yaml's folder
    seal_image: Path
    signatory_name: str = Field(min_length=1)    # the authorised signatory
    signatory_title: str = Field(min_length=1)
    verify_url: str                              # the public check's address; number and code are appended
    contact_phone: str = ""
    contact_email: str = ""
    templates: Path | None = None                # the body's own document templates, relative to body.yaml's folder
    # One person runs the body: a change of roles takes effect without a second person's
    # approval (store/roles.py), and every document says so. False unless said here.
    single_person: bool = False
    folder: Path = Path(".")                     # where body.yaml is (set by load_body, not written in it)

    @field_validator("verify_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("must start with https:// / 须以 https:// 开头")
        return value.rstrip("/")

    def statement(self) -> str:
        """What every document states of how the body works, beside its checkpoint ("" if nothing)."""
        return SINGLE_PERSON_STATEMENT if self.single_person else ""

    def image_path(self, field: str) -> Path:
        return self.folder / getattr(self, field)

    def templates_folder(self) -> Path | None:
        """The folder of the body's own templates (documents/templating.py), if it names one."""
        return self.folder / self.templates if self.templates else None

    def image_uri(self, field: str) -> str:
        """The image as a data: URI, so that a document carries it and fetches nothing."""
        path = self.image_path(field)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

    def verification_address(self, number: str, code: str) -> str:
        """The public check's address for one certificate (what its QR code holds)."""
        return f"{self.verify_url}?number={number}&code={code}"


def beside_checkpoint(checkpoint: str) -> str:
    """A workbook's description: the trail checkpoint it was made at (verify --checkpoints), and
    what the body states of how it works."""
    return "\n".join(filter(None, (checkpoint, load_body().statement())))


def single_person_body() -> bool:
    """Whether the body's configuration says one person runs it (no body file: it does not)."""
    return body_file().is_file() and load_body().single_person


def body_file() -> Path:
    return current().body or project_root() / "parameters" / "body.yaml"


_loaded: dict[str, Body] = {}


def load_body(path: str | Path | None = None) -> Body:
    """The certification body, validated; a SchemeError names the file and each field at fault."""
    path = Path(path) if path else body_file()
    if not path.is_file():
        raise SchemeError(f"找不到认证机构文件 {path}", f"The certification body file {path} is missing", file=path)
    raw = path.read_bytes()
    key = hashlib.sha256(str(path.resolve()).encode() + b"\0" + raw).hexdigest()
    if key not in _loaded:
        _loaded[key] = _validate(path, raw)
    return _loaded[key]


def _validate(path: Path, raw: bytes, rows: dict[str, int] | None = None) -> Body:
    """rows: the workbook row of each field, when the values came from Excel (import_xlsx)."""
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise SchemeError("认证机构文件不是有效的 YAML", f"The body file is not valid YAML: {exc}", file=path) from None
    if not isinstance(data, dict):
        raise SchemeError("认证机构文件应为字段与取值", "The body file must map fields to values", file=path)
    try:
        body = Body.model_validate({**data, "folder": path.parent})
    except ValidationError as exc:
        raise SchemeError("认证机构文件不符合要求，未加载", "The certification body file is not valid and was not loaded",
                          file=path, problems=[Problem(zh=f"取值无效（{e['type']}）", en=e["msg"], file=str(path),
                                                       column=".".join(str(p) for p in e["loc"]),
                                                       row=(rows or {}).get(str(e["loc"][0])) if e["loc"] else None)
                                               for e in exc.errors()]) from None
    problems = [Problem(zh=f"图像文件不存在或类型不符（{'、'.join(IMAGE_TYPES)}）",
                        en=f"the image is missing or not one of {', '.join(IMAGE_TYPES)}", file=str(path), column=field,
                        row=(rows or {}).get(field))
                for field in ("mark_image", "seal_image")
                if not body.image_path(field).is_file() or body.image_path(field).suffix.lower() not in IMAGE_TYPES]
    if problems:
        raise SchemeError("认证机构文件引用的图像有误，未加载", "The body file's images are wrong; it was not loaded",
                          file=path, problems=problems)
    return body


# --- the Excel round trip: one sheet of field and value, as the scheme's settings sheets ---------
SHEET = "body"
FIELDS = [name for name in Body.model_fields if name != "folder"]


def export_xlsx(body: Body, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .spreadsheets import keep_as_text
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(("field", "value"))
    for name in FIELDS:
        value = getattr(body, name)
        sheet.append((name, str(value) if isinstance(value, Path) else value))
    keep_as_text(sheet)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def import_xlsx(source: Path, target: Path) -> Body:
    """Read the body workbook, validate it as body.yaml would be (images resolved beside `target`),
    and only then write `target`; a problem names the workbook, the row and the field."""
    from openpyxl import load_workbook

    from .files import write_atomically
    try:
        sheet = load_workbook(source, read_only=True, data_only=True)[SHEET]
    except (KeyError, OSError, ValueError) as exc:
        raise SchemeError(f"无法读取认证机构工作簿（须有工作表 {SHEET}）", f"The body workbook cannot be read (it needs "
                          f"a sheet '{SHEET}'): {exc}", file=source) from None
    data, rows = {}, {}
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row and row[0] not in (None, ""):
            data[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1])
            rows[str(row[0]).strip()] = number
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        body = _validate(target, text.encode("utf-8"), rows)
    except SchemeError as exc:  # named by the workbook the person edited, not the file not yet written
        raise SchemeError(exc.zh, exc.en, file=source,
                          problems=[replace(p, file=f"{source} [{SHEET}]") for p in exc.problems]) from None
    write_atomically(target, text)
    return body
