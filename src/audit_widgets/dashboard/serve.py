"""`audit-workbench serve`: Voila on the dashboard notebook, configured by Voila's own options.

- bound to 127.0.0.1 unless told otherwise, with a token (generated when none is given), passed
  through the environment and config/voila.py, never on the command line `ps` shows;
- sources stripped, tracebacks hidden, no static file served from the notebook's folder;
- the `audit` template: Voila's lab template without its CDN links, so pages work offline;
- two preheated kernels waiting, so the import and the portfolio read happen before the request;
- at most `max_kernels` kernels, idle ones culled after `idle_minutes` (kernels.py);
- the kernels get a read-only store URL and no signing key in their environment (the notebook
  opens the store read-only too: app.Dashboard.open);
- as a hub's service (team/dashboard.py): where the hub says, viewers signed in by the hub, and
  the store read through the workbench service, with no address of it here.
"""
from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from ..paths import default_database_url, workbooks_dir
from ..settings import DASHBOARD_TOKEN_ENV, DB_ENV, SECRET_ENV, current
from ..store.database import read_only_url

DASHBOARD_NOTEBOOK = "dashboard.ipynb"
TEMPLATES = Path(__file__).parent / "jupyter"  # holds voila/templates/audit
CONFIG = Path(__file__).parent / "config"  # voila.py: the token, from DASHBOARD_TOKEN_ENV
DEFAULT_PORT = 8866
MAX_KERNELS = 8  # a kernel holds about 270 MB
IDLE_MINUTES = 10


@dataclass(frozen=True)
class Server:
    command: list[str]
    env: dict[str, str]
    url: str


def voila_server(port: int = DEFAULT_PORT, ip: str = "127.0.0.1", token: str | None = None,
                 database_url: str | None = None, preheat: bool = True, notebook: Path | None = None,
                 max_kernels: int = MAX_KERNELS, idle_minutes: float = IDLE_MINUTES) -> Server:
    """`notebook`: the dashboard by default (another, e.g. the benchmark's one-cell baseline,
    is served with the same options)."""
    token = token or secrets.token_urlsafe(24)
    notebook = notebook or workbooks_dir() / DASHBOARD_NOTEBOOK
    idle_seconds = max(1, round(idle_minutes * 60))
    command = [
        sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}", f"--Voila.ip={ip}",
        f"--Voila.config_file_paths={CONFIG}", "--template=audit", "--strip_sources=True", "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=^$", "--VoilaConfiguration.file_denylist=.*",
        "--Voila.port_retries=0",
        "--VoilaConfiguration.multi_kernel_manager_class=audit_widgets.dashboard.kernels.DashboardKernels",
        f"--DashboardKernels.max_kernels={max_kernels}", f"--MappingKernelManager.cull_idle_timeout={idle_seconds}",
        f"--MappingKernelManager.cull_interval={max(1, min(60, idle_seconds // 2))}",
    ]
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=2"]  # the portfolio and a drill-down link
    env = {name: value for name, value in os.environ.items() if name != SECRET_ENV}  # the signing key: never
    if not current().service:  # in a team deployment the store is read through the workbench service
        env[DB_ENV] = read_only_url(database_url or default_database_url())
    env[DASHBOARD_TOKEN_ENV] = token
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    return Server(command, env, f"http://{ip}:{port}/?token={token}")
