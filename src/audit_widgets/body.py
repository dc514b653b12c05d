"""The certification body as data (issue 23 §1): parameters/body.yaml, with the mark it filed with
CNCA and its seal beside it. Every document prints the body from here; nothing in code names a
body. Validated on load like the scheme: a problem names the file and the field, in Chinese and
English, and nothing is printed under a body that is not valid."""
from __future__ import annotations

import base64
import hashlib
import mimetypes
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import Problem, SchemeError
from .paths import project_root
from .settings import current

IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg")


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
    folder: Path = Path(".")                     # where body.yaml is (set by load_body, not written in it)

    @field_validator("verify_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("must start with https:// / 须以 https:// 开头")
        return value.rstrip("/")

    def image_path(self, field: str) -> Path:
        return self.folder / getattr(self, field)

    def image_uri(self, field: str) -> str:
        """The image as a data: URI, so that a document carries it and fetches nothing."""
        path = self.image_path(field)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

    def verification_address(self, number: str, code: str) -> str:
        """The public check's address for one certificate (what its QR code holds)."""
        return f"{self.verify_url}?number={number}&code={code}"


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


def _validate(path: Path, raw: bytes) -> Body:
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
                                                       column=".".join(str(p) for p in e["loc"]))
                                               for e in exc.errors()]) from None
    problems = [Problem(zh=f"图像文件不存在或类型不符（{'、'.join(IMAGE_TYPES)}）",
                        en=f"the image is missing or not one of {', '.join(IMAGE_TYPES)}", file=str(path), column=field)
                for field in ("mark_image", "seal_image")
                if not body.image_path(field).is_file() or body.image_path(field).suffix.lower() not in IMAGE_TYPES]
    if problems:
        raise SchemeError("认证机构文件引用的图像有误，未加载", "The body file's images are wrong; it was not loaded",
                          file=path, problems=problems)
    return body
