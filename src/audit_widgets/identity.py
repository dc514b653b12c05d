"""Who is acting: the person id every write of the workbench is checked against and recorded
under. JupyterHub's login comes first (a notebook parameter or setting must not let someone
act as another person there); then what the caller was told (a notebook's `auditor`
parameter, the command line's --as), then AUDIT_WORKBENCH_USER, then the operating-system user.
A notebook also remembers whom its JupyterLab's person picked in the header's "您是" picker
(`remember`, a file beside the copies, outside every notebook), after its own parameter."""
from __future__ import annotations

import getpass
import os
from pathlib import Path

from .settings import USER_ENV, current

HUB_USER_ENV = "JUPYTERHUB_USER"
HOW_TO_SAY_WHO = (f"请设置环境变量 {USER_ENV}=您的人员编号（命令行可用 --as 编号，笔记本可在参数单元格设 auditor = \"编号\"）",
                  f"set {USER_ENV}=YOUR-ID (on the command line --as ID; in a notebook, auditor = \"ID\" in the "
                  "parameters cell)")


REMEMBERED = ".audit-workbench-identity"  # in the copies' folder (work/): one person per JupyterLab


def _remembered_file() -> Path:
    from .paths import work_dir
    return work_dir() / REMEMBERED


def remembered() -> str | None:
    """The person picked in this JupyterLab's "您是" picker, if any."""
    path = _remembered_file()
    text = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    return text or None


def remember(person_id: str) -> Path:
    """Keep the picked person for every notebook of this JupyterLab (never under JupyterHub)."""
    from .files import write_atomically
    return write_atomically(_remembered_file(), person_id.strip() + "\n")


def under_hub() -> bool:
    return bool((os.environ.get(HUB_USER_ENV) or "").strip())


def notebook_identity(auditor: str | None) -> str:
    """A notebook's person: the hub's login, its `auditor` parameter, the person picked in this
    JupyterLab, then the rest of find_identity's order."""
    return find_identity(auditor or remembered())


def find_identity(explicit: str | None = None) -> str:
    for candidate in (os.environ.get(HUB_USER_ENV), explicit, current().user):
        if candidate and candidate.strip():
            return candidate.strip()
    return getpass.getuser()
