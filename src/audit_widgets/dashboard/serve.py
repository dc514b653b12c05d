"""`audit-workbench serve`: Voila on the dashboard notebook, configured by Voila's own options.

- bound to 127.0.0.1 unless told otherwise, with a token (generated when none is given);
- sources stripped, tracebacks hidden, no static file served from the notebook's folder;
- the `audit` template: Voila's lab template without its CDN links, so pages work offline;
- two preheated kernels waiting, so the import and the portfolio read happen before the request;
- the store opened read-only by the notebook (see app.Dashboard.open).
"""
from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from ..paths import default_database_url, workbooks_dir
from ..settings import DB_ENV

DASHBOARD_NOTEBOOK = "dashboard.ipynb"
TEMPLATES = Path(__file__).parent / "jupyter"  # holds voila/templates/audit
DEFAULT_PORT = 8866


@dataclass(frozen=True)
class Server:
    command: list[str]
    env: dict[str, str]
    url: str


def voila_server(port: int = DEFAULT_PORT, ip: str = "127.0.0.1", token: str | None = None,
                 database_url: str | None = None, preheat: bool = True, notebook: Path | None = None) -> Server:
    """`notebook`: the dashboard by default (another, e.g. the benchmark's one-cell baseline,
    is served with the same options)."""
    token = token or secrets.token_urlsafe(24)
    notebook = notebook or workbooks_dir() / DASHBOARD_NOTEBOOK
    command = [
        sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}", f"--Voila.ip={ip}",
        f"--token={token}", "--template=audit", "--strip_sources=True", "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=^$", "--VoilaConfiguration.file_denylist=.*",
        "--Voila.port_retries=0",
    ]
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=2"]  # the portfolio and a drill-down link
    env = dict(os.environ)
    env[DB_ENV] = database_url or default_database_url()
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    return Server(command, env, f"http://{ip}:{port}/?token={token}")
