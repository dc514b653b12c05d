# Voila's configuration file for `audit-workbench serve` (dashboard/serve.py names this folder as
# Voila's only config path). The access token comes from the environment, never from the command
# line, which `ps` shows to every local user; it is taken out of the environment before any
# kernel starts, so no kernel holds it. Without one, Voila generates a token: never none.
import os

from audit_widgets.settings import DASHBOARD_TOKEN_ENV

c = get_config()  # noqa: F821 (traitlets' config loader provides it)
token = os.environ.pop(DASHBOARD_TOKEN_ENV, "")
if token:
    c.Voila.token = token
else:
    c.Voila.auto_token = True
