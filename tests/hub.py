"""A real JupyterHub for the team tests (issue 27), started from deploy/jupyterhub_config.py on
127.0.0.1 with free ports and a state folder of its own, with an administration token for the
tests' own use of the hub's REST API; stopped at the end."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.browser import free_port

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub_config.py"


def install_proxy() -> None:
    """configurable-http-proxy into deploy/node_modules, as `make hub` installs it."""
    if not (ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=ROOT / "deploy", check=True)


class Hub:
    def __init__(self, state: Path, env: dict[str, str]):
        install_proxy()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(16)
        ports = {f"AUDIT_WORKBENCH_HUB_{name}_PORT": str(free_port()) for name in ("API", "PROXY_API", "SERVICE")}
        self.env = {**os.environ, **env, **ports, "AUDIT_WORKBENCH_HUB_PORT": str(self.port),
                    "AUDIT_WORKBENCH_HUB_STATE": str(state), "AUDIT_WORKBENCH_HUB_ADMIN_TOKEN": self.admin_token}
        self.env.pop("JUPYTERHUB_USER", None)
        self.log = open(state.parent / "jupyterhub.log", "w")
        self.process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=state.parent,
                                        env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.api = httpx.Client(base_url=f"{self.url}/hub/api", headers={"Authorization": f"token {self.admin_token}"},
                                timeout=30)
        self._wait()

    def _wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, Path(self.log.name).read_text()
            try:
                if self.api.get("/services/workbench").status_code == 200 and self.service_up():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not start: {Path(self.log.name).read_text()[-3000:]}")

    def service_up(self) -> bool:
        try:
            return httpx.get(f"{self.url}/services/workbench/docs", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def user_token(self, name: str) -> str:
        """A hub user (created if need be) and a new API token of theirs."""
        if self.api.get(f"/users/{name}").status_code == 404:
            self.api.post(f"/users/{name}").raise_for_status()
        response = self.api.post(f"/users/{name}/tokens", json={"note": "tests"})
        response.raise_for_status()
        return response.json()["token"]

    @property
    def service_url(self) -> str:
        return f"{self.url}/services/workbench/"

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()
