"""A real JupyterHub for the team tests (issue 27), started from deploy/jupyterhub_config.py on
127.0.0.1 with free ports and a state folder of its own, with an administration token for the
tests' own use of the hub's REST API; stopped at the end. Its service runs as a service account
and each person's server as their own OS account (`aw-<name>`), from a checkout and a team
runtime every account may read, as `make hub` sets them up."""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psutil

from audit_widgets.render.html import ERROR_STYLE
from tests.browser import free_port

ROOT = Path(__file__).resolve().parents[1]
SERVICE_ACCOUNT = "aw-service"
DASHBOARD_ACCOUNT = "aw-dashboard"
ACCOUNT_PREFIX = "aw-"
SHARED = Path("/var/tmp")  # outside /root and /tmp/pytest-of-root, which other accounts cannot enter


def _open_to_all(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents))


def server_checkout() -> Path:
    """The checkout the hub, its service and the people's servers run from: this one when every
    account may enter it, else a copy of what they run (made again each time) in /var/tmp."""
    if _open_to_all(ROOT):
        return ROOT
    copy = SHARED / f"audit-workbench-checkout-{uuid.uuid5(uuid.NAMESPACE_URL, str(ROOT)).hex[:8]}"
    copy.mkdir(mode=0o755, exist_ok=True)
    for name in ("src", "parameters", "workbooks", "deploy"):
        shutil.rmtree(copy / name, ignore_errors=True)
        shutil.copytree(ROOT / name, copy / name, symlinks=True, ignore=shutil.ignore_patterns("state", "__pycache__"))
    for name in ("pyproject.toml", "README.md", "Makefile"):
        shutil.copy2(ROOT / name, copy / name)
    return copy


def team_folder() -> Path:
    """A folder every account may enter, for a team test's store and hub state."""
    folder = Path(tempfile.mkdtemp(prefix="audit-workbench-team-", dir=SHARED))
    folder.chmod(0o755)
    return folder


def set_up_server(checkout: Path, data: Path, outputs: Path) -> None:
    """What `make hub` does before the hub starts: the team runtime, and the service account
    owning the store's folder and the outputs."""
    subprocess.run(["make", "--no-print-directory", "-C", str(checkout), ".team-venv/.installed", "hub-accounts",
                    f"SERVICE_ACCOUNT={SERVICE_ACCOUNT}", f"DASHBOARD_ACCOUNT={DASHBOARD_ACCOUNT}", f"DATA={data}",
                    f"OUTPUTS={outputs}"], check=True, capture_output=True)


def install_proxy() -> None:
    """configurable-http-proxy into deploy/node_modules, as `make hub` installs it."""
    if not (ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=ROOT / "deploy", check=True)


def start_team(scheme, hub_db: str | None = None) -> tuple[Hub, str, int]:
    """A team deployment to test: a store with demo-consumer's audit led by A02 (A01 a member)
    and carried up to the evaluation, in a folder only the service account may read, served by
    the workbench service of a hub whose people's servers run as their own OS accounts; the
    hub's own database at `hub_db` (default: SQLite in its state folder).
    Returns the hub, the store's address and the audit."""
    from datetime import date

    import pytest

    from audit_widgets.stages import run_stage
    from tests.conftest import staff_audit, store_with_consumer
    folder = team_folder()
    data = folder / "data"
    url = f"sqlite:///{data / 'store.sqlite'}"
    settings = {"AUDIT_WORKBENCH_DB": url, "AUDIT_WORKBENCH_DATA": str(data),
                "AUDIT_WORKBENCH_OUTPUTS": str(folder / "outputs")}
    with pytest.MonkeyPatch.context() as environment:  # the store's key is made where the service keeps it
        for name, value in settings.items():
            environment.setenv(name, value)
        manager = store_with_consumer(url, scheme)
        audit = staff_audit(url, scheme, "demo-consumer")
        for stage in ("application", "planning"):  # up to the evaluation, which the kernels then open
            run_stage(manager, stage, "demo-consumer")
        manager.save_contract(audit, "HT-1", date.today(), 100)
        run_stage(manager, "contract", "demo-consumer")
    checkout = server_checkout()
    set_up_server(checkout, data, folder / "outputs")
    (folder / "hub").mkdir(mode=0o700)
    hub = Hub(folder / "hub", {**settings, "AUDIT_WORKBENCH_SERVICE_ACCOUNT": SERVICE_ACCOUNT,
                               "AUDIT_WORKBENCH_DASHBOARD_ACCOUNT": DASHBOARD_ACCOUNT,
                               "AUDIT_WORKBENCH_HUB_ACCOUNT_PREFIX": ACCOUNT_PREFIX,
                               "AUDIT_WORKBENCH_HUB_COMMITTEE": "m01",
                               **({"AUDIT_WORKBENCH_HUB_DB": hub_db} if hub_db else {})}, checkout)
    return hub, url, audit


class Hub:
    def __init__(self, state: Path, env: dict[str, str], checkout: Path = ROOT):
        install_proxy()
        self.folder = state.parent
        if checkout != ROOT and not (checkout / "deploy" / "node_modules").exists():
            (checkout / "deploy" / "node_modules").symlink_to(ROOT / "deploy" / "node_modules")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(16)
        ports = {f"AUDIT_WORKBENCH_HUB_{name}_PORT": str(free_port())
                 for name in ("API", "PROXY_API", "SERVICE", "DASHBOARD")}
        self.env = {**os.environ, **env, **ports, "AUDIT_WORKBENCH_HUB_PORT": str(self.port),
                    "AUDIT_WORKBENCH_HUB_STATE": str(state), "AUDIT_WORKBENCH_HUB_ADMIN_TOKEN": self.admin_token}
        self.env.pop("JUPYTERHUB_USER", None)
        self.log = open(state.parent / "jupyterhub.log", "w")
        config = checkout / "deploy" / "jupyterhub_config.py"
        self.process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=state.parent,
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

    def user_token(self, name: str, scopes: list[str] | None = None) -> str:
        """A hub user (created if need be) and a new API token of theirs (narrowed to `scopes`)."""
        if self.api.get(f"/users/{name}").status_code == 404:
            self.api.post(f"/users/{name}").raise_for_status()
        response = self.api.post(f"/users/{name}/tokens", json={"note": "tests", **({"scopes": scopes} if scopes else {})})
        response.raise_for_status()
        return response.json()["token"]

    def start_server(self, name: str, seconds: float = 120) -> None:
        """Start a hub user's server (created if need be) and wait until it answers."""
        if self.api.get(f"/users/{name}").status_code == 404:
            self.api.post(f"/users/{name}").raise_for_status()
        self.api.post(f"/users/{name}/server")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            server = self.api.get(f"/users/{name}").json()["servers"].get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{name}'s server did not start: {Path(self.log.name).read_text()[-3000:]}")

    def run_in_kernel(self, name: str, code: str, kernel: str = "python3") -> str:
        """Run `code` in a new kernel of `name`'s server, through its REST and WebSocket API;
        what it printed, or an AssertionError with the kernel's error or an error it showed."""
        import websocket
        server = f"{self.url}/user/{name}/api"
        headers = {"Authorization": f"token {self.admin_token}"}
        started = httpx.post(f"{server}/kernels", json={"name": kernel}, headers=headers, timeout=60)
        started.raise_for_status()
        kernel_id = started.json()["id"]
        channel = websocket.create_connection(f"{server.replace('http', 'ws', 1)}/kernels/{kernel_id}/channels",
                                              header=[f"Authorization: token {self.admin_token}"], timeout=120)
        try:
            msg_id = uuid.uuid4().hex
            channel.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "tests", "session": msg_id,
                           "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True}}))
            printed, shown, error = [], [], None
            while True:
                message = json.loads(channel.recv())
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = message["msg_type"], message["content"]
                if kind == "stream":
                    printed.append(content["text"])
                elif kind in ("display_data", "execute_result") and "text/html" in content["data"]:
                    shown.append(content["data"]["text/html"])
                elif kind == "error":
                    error = f"{content['ename']}: {content['evalue']}"
                elif kind == "status" and content["execution_state"] == "idle":
                    break
        finally:
            channel.close()
            httpx.delete(f"{server}/kernels/{kernel_id}", headers=headers, timeout=30)
        assert error is None and not any(ERROR_STYLE in html for html in shown), \
            f"{error}\n{''.join(printed)}\n{[html for html in shown if ERROR_STYLE in html]}\n" \
            f"{Path(self.log.name).read_text()[-4000:]}"  # the service's log is the hub's
        return "".join(printed)

    @property
    def service_url(self) -> str:
        return f"{self.url}/services/workbench/"

    def stop(self) -> None:
        """The people's servers stopped through the API (each runs in a session of its own, as
        its own account), then the hub alone signalled, so that it stops its services and its
        proxy as it does on a server; whatever is left of what it started, killed."""
        try:
            for user in self.api.get("/users").json():
                if user.get("servers"):
                    self.api.delete(f"/users/{user['name']}/server")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and any(u.get("servers") for u in self.api.get("/users").json()):
                time.sleep(0.5)
        except httpx.HTTPError:
            pass
        try:  # its services run in sessions of their own: known now, so that none outlives the test
            started = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            started = []
        try:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for process in started:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        self.log.close()


def sign_up(page, hub_url: str, name: str, password: str) -> None:
    """NativeAuthenticator's sign-up form, as a newcomer fills it in."""
    page.goto(f"{hub_url}/hub/signup")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.fill("#password_confirmation_input", password)
    page.click("#signup_submit")
    page.wait_for_load_state("load")


def log_in(page, hub_url: str, name: str, password: str) -> None:
    page.goto(f"{hub_url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
