"""The team deployment (issue 27): JupyterHub on this server, its people logging in with
NativeAuthenticator, and the workbench service, the one process that holds the store's keys.
`make hub` starts it; the README's "For a team" says what runs where.

Settings (environment):
  AUDIT_WORKBENCH_HUB_PORT        the address people open: http://127.0.0.1:<port> (8000)
  AUDIT_WORKBENCH_HUB_STATE       the hub's own folder: its database, cookie secret (deploy/state)
  AUDIT_WORKBENCH_HUB_ADMINS      hub administrators, comma-separated (p01)
  AUDIT_WORKBENCH_HUB_ADMIN_TOKEN an API token for administration scripts (optional)
  AUDIT_WORKBENCH_HUB_IDLE_SECONDS a server idle so long is stopped (3600)
  AUDIT_WORKBENCH_SERVICE_ACCOUNT the system account the service runs as (none: the hub's own)
  AUDIT_WORKBENCH_DASHBOARD_ACCOUNT the system account the dashboard runs as (none: the hub's own)
  AUDIT_WORKBENCH_HUB_COMMITTEE   hub users in the committee group, comma-separated (the admin
                                  page adds more); they and the administrators see the dashboard
  AUDIT_WORKBENCH_HUB_PYTHON      the interpreter of the service and of each person's server, one
                                  every account may run (.team-venv/bin/python, `make hub` builds it)
  AUDIT_WORKBENCH_HUB_ACCOUNT_PREFIX  hub user NAME runs as OS account <prefix>NAME ("")
  AUDIT_WORKBENCH_HUB_CREATE_ACCOUNTS 1: make a missing OS account on its first start (1)
and the workbench's own (AUDIT_WORKBENCH_DB, _DATA, _SCHEME …), which only the service gets.
The hub runs as root, so that each person's server runs as their own account.
"""
import os
import sys
from pathlib import Path

from audit_widgets.settings import PREFIX

c = get_config()  # noqa: F821  (JupyterHub's config loader provides it)

DEPLOY = Path(__file__).resolve().parent
CHECKOUT = DEPLOY.parent
RUNTIME = CHECKOUT / ".team-venv" / "bin" / "python"
PYTHON = os.environ.get("AUDIT_WORKBENCH_HUB_PYTHON") or str(RUNTIME if RUNTIME.exists() else sys.executable)
STATE = Path(os.environ.get("AUDIT_WORKBENCH_HUB_STATE", DEPLOY / "state"))
STATE.mkdir(parents=True, exist_ok=True, mode=0o700)
PORT = int(os.environ.get("AUDIT_WORKBENCH_HUB_PORT", "8000"))
IDLE_SECONDS = int(os.environ.get("AUDIT_WORKBENCH_HUB_IDLE_SECONDS", "3600"))


def _port(name: str, offset: int) -> int:
    return int(os.environ.get(f"AUDIT_WORKBENCH_HUB_{name}_PORT", PORT + offset))


c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = _port("API", 1)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_port('PROXY_API', 2)}"
c.ConfigurableHTTPProxy.command = [str(DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = os.environ.get("AUDIT_WORKBENCH_HUB_DB", f"sqlite:///{STATE / 'jupyterhub.sqlite'}")
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.template_paths = [str(DEPLOY / "templates")]  # error.html: a refusal in plain words

# Login: the hub's own accounts; a sign-up waits for an administrator's approval.
# nativeauthenticator 1.3.0 (the newest) times its login with the handler's statsd client, which
# JupyterHub 6 removed: without one, every login is a 500. A timer that records nothing instead.
from nativeauthenticator.handlers import LoginHandler  # noqa: E402

if not hasattr(LoginHandler, "statsd"):
    from types import SimpleNamespace
    _untimed = SimpleNamespace(start=lambda: SimpleNamespace(stop=lambda send=True: None))
    LoginHandler.statsd = SimpleNamespace(timer=lambda name: _untimed)
c.JupyterHub.authenticator_class = "native"
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5  # then the account waits ten minutes
c.NativeAuthenticator.seconds_before_next_try = 600
c.Authenticator.allow_all = True  # whoever NativeAuthenticator approved
c.Authenticator.admin_users = {n.strip().lower() for n in os.environ.get("AUDIT_WORKBENCH_HUB_ADMINS", "p01").split(",")
                               if n.strip()}

# The workbench service: the store's settings go to it alone, never to a person's server.
SERVICE_PORT = _port("SERVICE", 3)
service = {
    "name": "workbench",
    "url": f"http://127.0.0.1:{SERVICE_PORT}",
    "command": [PYTHON, "-m", "audit_widgets.cli", "service"],
    "cwd": str(CHECKOUT),
    "environment": {k: v for k, v in os.environ.items() if k.startswith(PREFIX) and not k.startswith(PREFIX + "HUB")},
    "oauth_no_confirm": True,
}
if os.environ.get("AUDIT_WORKBENCH_SERVICE_ACCOUNT"):
    service["user"] = os.environ["AUDIT_WORKBENCH_SERVICE_ACCOUNT"]
c.JupyterHub.services = [service]
# Integrations (the body's website, its registry) get tokens narrowed to one custom scope: they may
# read that and call nothing else (team/service.py INTEGRATION_SCOPES).
from audit_widgets.team.service import INTEGRATION_SCOPES  # noqa: E402

c.JupyterHub.custom_scopes = {scope: {"description": description} for scope, description in INTEGRATION_SCOPES.values()}
roles = [
    # Every person may call the workbench (what they may do there is the store's business), and
    # make a token narrowed to an integration's scope for a script or another system.
    {"name": "user", "scopes": ["self", "access:services!service=workbench", *c.JupyterHub.custom_scopes]},
]
# The committee's dashboard (Voila), a service of its own account: it holds no key and opens no
# store, it reads through the workbench service as "dashboard", whom the store lets write nothing.
# Its viewers sign in with the hub; the committee group and the administrators may view it.
SERVICE_URL = f"http://127.0.0.1:{SERVICE_PORT}/services/workbench/"
SCHEME_DIR = os.environ.get(PREFIX + "SCHEME") or str(CHECKOUT / "parameters" / "scheme")
dashboard = {
    "name": "dashboard",
    "url": f"http://127.0.0.1:{_port('DASHBOARD', 4)}",
    "command": [PYTHON, "-m", "audit_widgets.cli", "serve"],
    "cwd": str(CHECKOUT),
    "environment": {PREFIX + "SERVICE": SERVICE_URL, PREFIX + "SCHEME": SCHEME_DIR},
    "oauth_no_confirm": True,
}
if os.environ.get("AUDIT_WORKBENCH_DASHBOARD_ACCOUNT"):
    dashboard["user"] = os.environ["AUDIT_WORKBENCH_DASHBOARD_ACCOUNT"]
c.JupyterHub.services.append(dashboard)
roles += [
    {"name": "dashboard-reader", "services": ["dashboard"], "scopes": ["access:services!service=workbench"]},
    {"name": "committee", "groups": ["committee"], "scopes": ["access:services!service=dashboard"]},
]
c.JupyterHub.load_groups = {"committee": {"users": [n.strip().lower() for n in os.environ.get(
    "AUDIT_WORKBENCH_HUB_COMMITTEE", "").split(",") if n.strip()]}}
if os.environ.get("AUDIT_WORKBENCH_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services.append({"name": "administration", "api_token": os.environ["AUDIT_WORKBENCH_HUB_ADMIN_TOKEN"]})
    roles.append({"name": "admin", "services": ["administration"]})
# Idle servers are stopped after an hour (jupyterhub-idle-culler, a service of its own).
c.JupyterHub.services.append({
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_SECONDS}"],
})
roles.append({"name": "idle-culler", "services": ["idle-culler"],
              "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
c.JupyterHub.load_roles = roles
# A person's server gets a token that may call the workbench service as that person.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", "access:services!service=workbench"]

# Each person's server: their own OS account, the team runtime, their copies in ~/work, and the
# service's own port (not through the proxy). Nothing of the hub's environment but the language.
c.JupyterHub.spawner_class = "audit_widgets.team.spawner.WorkbenchSpawner"
c.WorkbenchSpawner.cmd = [PYTHON, "-m", "audit_widgets.team.singleuser"]
c.WorkbenchSpawner.account_prefix = os.environ.get("AUDIT_WORKBENCH_HUB_ACCOUNT_PREFIX", "")
c.WorkbenchSpawner.create_accounts = os.environ.get("AUDIT_WORKBENCH_HUB_CREATE_ACCOUNTS", "1") == "1"
c.WorkbenchSpawner.service_url = SERVICE_URL
c.WorkbenchSpawner.scheme_dir = SCHEME_DIR
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.environment = {"PATH": f"{Path(PYTHON).parent}:/usr/local/bin:/usr/bin:/bin"}
c.Spawner.default_url = "/lab/tree/work/00_overview.ipynb"
c.Spawner.args = ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]  # offline
c.Spawner.http_timeout = 120
