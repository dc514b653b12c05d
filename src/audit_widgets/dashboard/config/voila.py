# Voila's configuration file for `audit-workbench serve` (dashboard/serve.py names this folder as
# Voila's only config path). The access token comes from the environment, never from the command
# line, which `ps` shows to every local user; it is taken out of the environment before any
# kernel starts, so no kernel holds it. Without one, Voila generates a token: never none.
# As a hub's service (JUPYTERHUB_SERVICE_PREFIX set), there is no token: viewers sign in with the
# hub (team/dashboard.py).
import os

from audit_widgets.settings import DASHBOARD_TOKEN_ENV

c = get_config()  # noqa: F821 (traitlets' config loader provides it)
token = os.environ.pop(DASHBOARD_TOKEN_ENV, "")
if os.environ.get("JUPYTERHUB_SERVICE_PREFIX"):
    from audit_widgets.team import VIEWER_HEADER
    from audit_widgets.team.dashboard import HubIdentity
    c.Voila.identity_provider_class = HubIdentity
    c.Voila.base_url = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    c.Voila.token = ""
    c.Voila.auto_token = False
    c.VoilaConfiguration.http_header_envs = [VIEWER_HEADER]
elif token:
    c.Voila.token = token
else:
    c.Voila.auto_token = True
