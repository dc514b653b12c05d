"""Every runtime setting of the workbench: one validated object read from the environment
(`AUDIT_WORKBENCH_*`). `audit-workbench config` prints the effective values and where each
came from; the README's table of settings is checked against this module by a test.

The settings follow the environment on each `current()` call, not once at import: the command
line, a notebook's kernel and the tests set them at run time."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import Problem, WorkbenchError

PREFIX = "AUDIT_WORKBENCH_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="ignore")

    db: str | None = Field(None, description="数据库 SQLAlchemy URL / the database URL (default: SQLite in data/)")
    scheme: Path | None = Field(None, description="方案目录 / the scheme folder (default: parameters/scheme)")
    body: Path | None = Field(None, description="认证机构文件 / the certification body file (default: parameters/body.yaml)")
    data: Path | None = Field(None, description="数据库、证据文件与签名密钥所在目录 / the folder of the default "
                                                "database, evidence files and signing key (default: data/)")
    outputs: Path | None = Field(None, description="生成文件目录 / generated files (default: outputs/)")
    published: str | None = Field(None, description="批量输出的发布处（fsspec 地址），仪表板从此读取 / where the "
                                                    "batch's finished outputs and documents are copied for the "
                                                    "dashboard and other machines: a folder or any fsspec URL "
                                                    "(default: none, outputs/ is read where it is)")
    work: Path | None = Field(None, description="审查员的工作簿副本 / the auditors' workbook copies (default: work/)")
    files: str | None = Field(None, description="证据与申请文件的存放处（fsspec 地址）/ where evidence files and "
                                                "submitted documents are kept: a folder or any fsspec URL (default: "
                                                "data/evidence)")
    user: str | None = Field(None, description="以此人员编号操作（JupyterHub 登录优先）/ the person acting, after "
                                               "the JupyterHub login and --as / auditor")
    secret: SecretStr | None = Field(None, description="签名密钥（默认 data/signing.key）/ the signing key "
                                                       "(default: a random key in data/signing.key)")
    service: str | None = Field(None, description="团队部署中审核工作台服务的地址（由 JupyterHub 设置）/ the "
                                                  "workbench service of a team deployment, set by JupyterHub for "
                                                  "each person's server: every read and write goes through it, as "
                                                  "the hub token's owner (default: none, the store is opened here)")
    busy_seconds: float = Field(10, gt=0, description="写入等待另一写入的最长秒数 / how long a write waits for "
                                                      "another before 'database busy'")
    max_import_mb: float | None = Field(None, gt=0, description="导入文件上限（MB，默认内存的 1/16）/ the largest "
                                                                "imported file (default: 1/16 of the memory)")
    max_xlsx_uncompressed_mb: float | None = Field(None, gt=0, description="XLSX 解压后上限（MB，默认为文件上限的 4 倍）"
                                                                           " / an XLSX unpacked (default: 4 × the file limit)")
    upload_limit_mb: float = Field(100, gt=0, description="上传文件上限（MB；证据、申请文件、导入，分块上传）/ the "
                                   "largest file the upload buttons take (evidence, documents, imports; sent in chunks)")
    max_import_rows: int = Field(3_000_000, gt=0, description="导入行数上限 / the most rows an import may have")
    debug: bool = Field(False, description="出现内部错误时显示完整回溯 / show the traceback of an internal error")


def variable(field: str) -> str:
    """The environment variable of a setting: db → AUDIT_WORKBENCH_DB."""
    return PREFIX + field.upper()


def current() -> Settings:
    """The settings now in force; a value that is not valid is a plain message naming it."""
    return _settings(tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIX))))


@lru_cache(maxsize=8)
def _settings(_environment: tuple) -> Settings:
    """Validated once per distinct environment (validation costs about half a millisecond)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = [Problem(zh=f"{variable(str(e['loc'][0]))} 的值无效：{e['msg']}",
                            en=f"{variable(str(e['loc'][0]))} is not valid: {e['msg']}",
                            column=variable(str(e["loc"][0]))) for e in exc.errors()]
        raise WorkbenchError("环境变量设置无效", "A setting in the environment is not valid", problems=problems) from None


def described() -> list[dict]:
    """Each setting with its variable, effective value, where it came from and its help."""
    settings = current()
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = "********"
        rows.append({"variable": variable(name), "value": value,
                     "source": "environment" if variable(name) in os.environ else "default",
                     "help": field.description})
    return rows


DB_ENV, SCHEME_ENV, DATA_ENV, OUTPUTS_ENV, WORK_ENV = (variable(n) for n in ("db", "scheme", "data", "outputs", "work"))
PUBLISHED_ENV = variable("published")
USER_ENV, SECRET_ENV, BUSY_ENV, DEBUG_ENV = (variable(n) for n in ("user", "secret", "busy_seconds", "debug"))
# The dashboard's access token: read by `serve` and dashboard/config/voila.py, not a setting of the store.
DASHBOARD_TOKEN_ENV = variable("dashboard_token")
MAX_BYTES_ENV, MAX_UNCOMPRESSED_ENV, MAX_ROWS_ENV = (
    variable(n) for n in ("max_import_mb", "max_xlsx_uncompressed_mb", "max_import_rows"))
