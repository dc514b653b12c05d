"""The Workbench of a team deployment's kernel (issue 27 §2): the same methods as the store's
Workbench, each one call to the workbench service with the person's hub token. Who acts is the
token's owner, as the hub says: this side holds no key, and no argument here can change who.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import httpx

from .. import errors
from ..clock import Clock
from ..scheme import Scheme, load_scheme
from . import wire

TIMEOUT_SECONDS = 60


class ServiceError(errors.WorkbenchError):
    code = "service.unreachable"


class ServiceWorkbench:
    def __init__(self, url: str, token: str, scheme: Scheme | None = None):
        self.url = url.rstrip("/") + "/"
        self.location = self.url  # the key of what was read from it, as the store's own location
        self._http = httpx.Client(headers={"Authorization": f"token {token}"}, timeout=TIMEOUT_SECONDS)
        self.scheme = scheme or load_scheme()
        self.clock = Clock()  # a default date in a form; the service dates and checks every write by its own
        caller = self._request("GET", "api/whoami")
        self.actor: str = caller["person"]
        self.hub_user: str = caller["hub_user"]
        if caller["scheme"] != self.scheme.fingerprint:  # the forms here must be the rules the service applies
            raise errors.SchemeError(
                f"本机方案（{self.scheme.version}）与审核工作台服务的方案不同，请重启您的服务器",
                f"This server's scheme ({self.scheme.version}, {self.scheme.fingerprint[:12]}) is not the workbench "
                f"service's ({caller['scheme'][:12]}): restart your server from the hub's control panel",
                code="service.scheme")

    @contextmanager
    def reading(self) -> Iterator[ServiceWorkbench]:
        """As the store's `reading()`, for the widgets that read through it; over the wire each
        call is a snapshot of its own (a read that needs several tables at once is one call)."""
        yield self

    def _request(self, method: str, path: str, **options) -> Any:
        try:
            response = self._http.request(method, self.url + path, **options)
        except httpx.HTTPError as exc:
            raise ServiceError("无法连接审核工作台服务", f"Could not reach the workbench service at {self.url}: {exc}"
                               ) from None
        if response.status_code == 200:
            return response.json()
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        error = body.get("error")
        if isinstance(error, dict):  # the store's own refusal, as the store said it
            kind = getattr(errors, error["kind"], errors.WorkbenchError)
            exc = kind.__new__(kind)
            errors.WorkbenchError.__init__(exc, error["zh"], error["en"], code=error["code"], file=error.get("file"),
                                           problems=[errors.Problem(**p) for p in error.get("problems", [])])
            raise exc
        detail = body.get("detail", response.text)
        raise errors.PermissionDenied(f"审核工作台服务拒绝：{detail}", f"The workbench service refused: {detail}")

    def __getattr__(self, method: str):
        if method not in wire.methods():
            raise AttributeError(method)

        def call(*args, **kwargs):
            arguments = wire.dump_call(method, args, kwargs)
            result = self._request("POST", f"api/call/{method}", json={"arguments": arguments})["result"]
            return wire.load(result, wire.return_hint(method))
        call.__name__ = method
        return call

    def close(self) -> None:
        self._http.close()
