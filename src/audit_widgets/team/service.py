"""The workbench service (issue 27 §2): in a team deployment, the one process that holds the
store's keys (the database URL and its password, the signing key). JupyterHub starts it as a
managed service; every call carries the caller's hub token, the hub says whose token it is
(HubAuth), and that person acts: no argument or variable on the caller's side can change who.
Each write is then checked against the scheme's permissions by the store, as on one machine.

    GET  {prefix}api/whoami            the caller: hub name, person id, roles
    POST {prefix}api/call/{method}     one Workbench method; arguments and result as JSON (wire.py)
    GET  {prefix}docs                  the API, from its OpenAPI description

`audit-workbench service` runs it; JupyterHub gives it JUPYTERHUB_API_TOKEN, JUPYTERHUB_API_URL,
JUPYTERHUB_SERVICE_PREFIX and JUPYTERHUB_SERVICE_URL.
"""
from __future__ import annotations

import logging
import os
from dataclasses import asdict
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..errors import NotFoundError, PermissionDenied, WorkbenchError
from ..paths import default_database_url
from ..scheme import load_scheme
from ..store.repository import Workbench
from . import wire

log = logging.getLogger(__name__)
STATUS = {NotFoundError: 404, PermissionDenied: 403}
DEFAULT_PORT = 8003
SERVICE_ACTOR = "workbench-service"  # the service's own Workbench never acts: each call acts as its caller


class Call(BaseModel):
    arguments: dict[str, Any] = {}


def create_app(hub_auth=None, workbench: Workbench | None = None) -> FastAPI:
    from jupyterhub.services.auth import HubAuth
    hub_auth = hub_auth or HubAuth(cache_max_age=60)
    store = workbench or Workbench(default_database_url(), load_scheme(), actor=SERVICE_ACTOR)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/workbench/")
    app = FastAPI(title="audit-workbench", docs_url=f"{prefix}docs", openapi_url=f"{prefix}openapi.json",
                  description="审核工作台服务：以 JupyterHub 令牌识别操作人 / The workbench service: the hub "
                              "token says who acts")

    def caller(authorization: str = Header("")) -> dict:
        """The hub's model of the token's owner, with the scopes the token holds."""
        kind, _, token = authorization.partition(" ")
        if kind.lower() not in ("token", "bearer") or not token:
            raise HTTPException(401, "需要 JupyterHub 令牌 / a JupyterHub token is required")
        model = hub_auth.user_for_token(token.strip(), sync=True)
        if model is None:
            raise HTTPException(403, "令牌无效 / the token is not valid")
        if hub_auth.access_scopes and not hub_auth.check_scopes(hub_auth.access_scopes, model):
            raise HTTPException(403, "此令牌无权使用审核工作台 / this token may not use the workbench")
        return model

    @app.get(f"{prefix}api/whoami")
    def whoami(model: dict = Depends(caller)) -> Any:
        """The caller; `roles` is null for a hub user who is not in the people records."""
        try:
            person = store.person_for_login(model["name"])
            roles = store.roles_held(person)
        except WorkbenchError as exc:  # roles or a login written around their approval: said, as any refusal
            return refusal(exc)
        return {"hub_user": model["name"], "person": person, "roles": sorted(roles) if roles is not None else None,
                "scheme": store.scheme.fingerprint}

    @app.post(f"{prefix}api/call/{{method}}")
    def call(method: str, body: Call, model: dict = Depends(caller)) -> Any:
        if method not in wire.methods():
            raise HTTPException(404, f"没有此方法 / no such method: {method}")
        try:
            workbench = store.acting_as(store.person_for_login(model["name"]))
            arguments = wire.load_call(method, body.arguments)
            return {"result": wire.dump(getattr(workbench, method)(**arguments), wire.return_hint(method))}
        except WorkbenchError as exc:
            return refusal(exc)
        except Exception:  # a defect: the traceback to the service's log, the method's name to the caller
            log.exception("%s failed", method)
            return JSONResponse({"error": {"kind": "WorkbenchError", "code": "service.internal", "file": None,
                                           "zh": f"审核工作台服务内部错误（{method}），详见服务日志",
                                           "en": f"The workbench service failed in {method}: see its log"}},
                                status_code=500)

    return app


def refusal(exc: WorkbenchError) -> JSONResponse:
    """The store's refusal as the client raises it again (client.py): its kind, words and problems."""
    status = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), 409)
    return JSONResponse({"error": {"kind": type(exc).__name__, "code": exc.code, "zh": exc.zh, "en": exc.en,
                                   "file": exc.file, "problems": [asdict(p) for p in exc.problems]}},
                        status_code=status)


def serve(workbench: Workbench, port: int | None = None) -> None:
    """Run the service where the hub says (JUPYTERHUB_SERVICE_URL), or on 127.0.0.1:`port`."""
    from urllib.parse import urlparse

    import uvicorn
    where = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", f"http://127.0.0.1:{port or DEFAULT_PORT}"))
    uvicorn.run(create_app(workbench=workbench), host=where.hostname or "127.0.0.1",
                port=port or where.port or DEFAULT_PORT, log_level="warning")
