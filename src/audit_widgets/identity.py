"""Who is acting: the person id every write of the workbench is checked against and recorded
under. JupyterHub's login comes first (a notebook parameter or setting must not let someone
act as another person there); then what the caller was told (a notebook's `auditor`
parameter, the command line's --as), then AUDIT_WORKBENCH_USER, then the operating-system user."""
from __future__ import annotations

import getpass
import os

from .settings import USER_ENV, current

HUB_USER_ENV = "JUPYTERHUB_USER"
HOW_TO_SAY_WHO = (f"请设置环境变量 {USER_ENV}=您的人员编号（命令行可用 --as 编号，笔记本可在参数单元格设 auditor = \"编号\"）",
                  f"set {USER_ENV}=YOUR-ID (on the command line --as ID; in a notebook, auditor = \"ID\" in the "
                  "parameters cell)")


def find_identity(explicit: str | None = None) -> str:
    for candidate in (os.environ.get(HUB_USER_ENV), explicit, current().user):
        if candidate and candidate.strip():
            return candidate.strip()
    return getpass.getuser()
