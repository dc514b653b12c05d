"""The workbench service (issue 27 §2): in a team deployment, the one process that holds the
store's keys (the database URL and its password, the signing key). JupyterHub starts it as a
managed service; every call carries the caller's hub token, the hub says whose token it is
(HubAuth), and that person acts: no argument or variable on the caller's side can change who.
Each write is then checked against the scheme's permissions by the store, as on one machine.

    GET  {prefix}api/whoami            the caller: hub name, person id, roles
    POST {prefix}api/call/{method}     one Workbench method; arguments and result as JSON (wire.py)
    GET  {prefix}api/register          the register of certificates    } for an integration's token
    GET  {prefix}api/check             a certificate's number and code } holding only that custom
    GET  {prefix}api/due               what the rules make due         } scope (INTEGRATION_SCOPES)
    GET  {prefix}docs                  the API, from its OpenAPI description

A person's token (the service's access scope) may call everything; a token made with one of the
custom scopes may read that one thing and call nothing, whoever made it.

`audit-workbench service` runs it; JupyterHub gives it JUPYTERHUB_API_TOKEN, JUPYTERHUB_API_URL,
JUPYTERHUB_SERVICE_PREFIX and JUPYTERHUB_SERVICE_URL.
"""
from __future__ import annotations

import logging
import os
from dataclasses import asdict
from datetime import date
from typing import Any, Callable

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
# JupyterHub custom scopes (deploy/jupyterhub_config.py declares them) for integrations' tokens.
INTEGRATION_SCOPES = {
    "register": ("custom:workbench:register", "读取证书登记册 / read the register of certificates"),
    "check": ("custom:workbench:check", "按编号与验证码核验证书 / check a certificate by its number and code"),
    "due": ("custom:workbench:due", "读取按规则到期的事项 / read what the rules make due"),
}


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

    def token_owner(authorization: str = Header("")) -> dict:
        """The hub's model of the token's owner, with the scopes the token holds."""
        kind, _, token = authorization.partition(" ")
        if kind.lower() not in ("token", "bearer") or not token:
            raise HTTPException(401, "需要 JupyterHub 令牌 / a JupyterHub token is required")
        model = hub_auth.user_for_token(token.strip(), sync=True)
        if model is None:
            raise HTTPException(403, "令牌无效 / the token is not valid")
        return model

    def holds(model: dict, scopes: set[str]) -> bool:
        return not scopes or bool(hub_auth.check_scopes(scopes, model))

    def caller(model: dict = Depends(token_owner)) -> dict:
        """A token that may use the workbench as its owner (a person's)."""
        if not holds(model, hub_auth.access_scopes):
            raise HTTPException(403, "此令牌无权使用审核工作台 / this token may not use the workbench")
        return model

    def integration(name: str) -> Callable[[dict], dict]:
        """A token that may read what integration scope `name` names (a person's may too)."""
        scope = INTEGRATION_SCOPES[name][0]

        def allowed(model: dict = Depends(token_owner)) -> dict:
            if not (holds(model, hub_auth.access_scopes) or holds(model, {scope})):
                raise HTTPException(403, f"此令牌没有 {scope} 权限 / this token does not hold {scope}")
            return model
        return allowed

    @app.exception_handler(WorkbenchError)
    def refused(_request, exc: WorkbenchError) -> JSONResponse:
        """A refusal outside a call (roles written around their approval, a day to come): as any."""
        return refusal(exc)

    @app.get(f"{prefix}api/whoami")
    def whoami(model: dict = Depends(caller)) -> Any:
        """The caller; `roles` is null for a hub user who is not in the people records."""
        person = store.person_for_login(model["name"])
        roles = store.roles_held(person)
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

    @app.get(f"{prefix}api/register", dependencies=[Depends(integration("register"))])
    def register() -> Any:
        """The register of certificates: one row per certificate ever issued, as the store holds it."""
        from ..documents.register import register_rows
        return {"certificates": register_rows(store)}

    from ..public_check import DEFAULT_RATE, RateLimit
    checks = RateLimit(DEFAULT_RATE)  # codes are not to be guessed here either: as many a minute as the public page

    @app.get(f"{prefix}api/check")
    def check(number: str, code: str, model: dict = Depends(integration("check"))) -> Any:
        """A certificate's number and verification code checked, as the public check page does."""
        from ..documents.certificate import verify_certificate
        if not checks.allow(model["name"]):
            raise HTTPException(429, f"每分钟至多核验 {DEFAULT_RATE} 次 / at most {DEFAULT_RATE} checks a minute")
        return verify_certificate(store, number, code).as_dict()

    @app.get(f"{prefix}api/due", dependencies=[Depends(integration("due"))])
    def due(on: date | None = None) -> Any:
        """What the rules make due on `on` (default today), changing nothing."""
        from ..enforcement import due_list
        day = on or store.clock.today()
        return {"on": day, "due": [asdict(item) for item in due_list(store, day)]}

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
