"""The team deployment (issue 27): JupyterHub logs people in, and the workbench service, the
only holder of the store's keys, acts for the person the hub says a token belongs to."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..errors import WorkbenchError
from ..settings import current

if TYPE_CHECKING:
    from ..scheme import Scheme
    from ..store.repository import Workbench

HUB_TOKEN_ENV = "JUPYTERHUB_API_TOKEN"  # the person's own token, which the hub gives their server
# Who views the committee's dashboard behind the hub: a request header only the dashboard's sign-in
# writes (team/dashboard.py), which Voila puts into the page kernel's environment as VIEWER_ENV.
VIEWER_HEADER = "X-Audit-Workbench-Viewer"
VIEWER_ENV = "HTTP_" + VIEWER_HEADER.upper().replace("-", "_")


def open_workbench(database_url: str | None = None, scheme: Scheme | None = None, actor: str | None = None) -> Workbench:
    """The Workbench a notebook or widget works with. On one machine, the store itself, acting as
    `actor`. In a team deployment (AUDIT_WORKBENCH_SERVICE, set by the hub for each person's
    server), a client of the workbench service: the store's address and `actor` are then not
    this side's to choose, the hub token's owner acts. The command line after `audit-workbench
    login` is a client too, with the token and service it saved."""
    from .login import saved
    login = None if os.environ.get(HUB_TOKEN_ENV) else saved()  # a person's server, else `audit-workbench login`
    service = current().service or (login or {}).get("service")
    if not service:
        from ..store.repository import Workbench
        return Workbench(database_url, scheme, actor)
    token = (os.environ.get(HUB_TOKEN_ENV) or (login or {}).get("token") or "").strip()
    if not token:
        raise WorkbenchError(f"设置了审核工作台服务，但没有 JupyterHub 令牌（{HUB_TOKEN_ENV}）",
                             f"A workbench service is set but there is no JupyterHub token ({HUB_TOKEN_ENV})",
                             code="service.no_token")
    from .client import ServiceWorkbench
    return ServiceWorkbench(service, token, scheme)  # type: ignore[return-value]  (the same interface)
