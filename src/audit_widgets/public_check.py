"""The public certificate check (issue 23 §6): `audit-workbench serve-public`, a small read-only web
page, apart from the committee's dashboard, where anyone checks a certificate by its number and
the code from its QR.

It shows what a certificate states and nothing else (no scores, findings or people): holder, USCC,
scope, sites, level, status and dates, and for a superseded certificate the one that replaced it.
It opens the store read-only, refuses malformed input before any query, escapes everything it
echoes, sends a Content-Security-Policy that allows no script, and limits each client address to
`rate` checks a minute."""
from __future__ import annotations

import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

import tornado.ioloop
import tornado.web

from .body import load_body
from .contract import Status
from .documents.certificate import level_text, stated_holder, verify_certificate
from .documents.templating import render
from .store.database import read_only_url
from .store.repository import Workbench
from .store.signing import normalise_code

NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")   # XBHT-SM-2026-A00001
CODE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")  # as short_code writes it, after normalise_code
DEFAULT_PORT = 8870
DEFAULT_RATE = 30  # checks a minute per client address
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
}
@dataclass
class RateLimit:
    """At most `per_minute` requests from one address in any 60 seconds."""
    per_minute: int
    seen: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))

    def allow(self, address: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self.seen[address]
        while times and now - times[0] >= 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return False
        times.append(now)
        return True


def _page(message: str | None = None, **context) -> str:
    """The page, from its template (documents/templates/public_check.html.j2, or the body's)."""
    return render("public_check.html.j2", message=message, **{"number": "", "code": "", "certificate": None,
                                                                "status_code": None, **context})


def check_html(workbench: Workbench, number: str, code: str) -> tuple[int, str]:
    """(HTTP status, the page) for a query: the form alone, a refusal of malformed input, an unknown
    number, or what the certificate states."""
    number, code = number.strip().upper(), code.strip()
    if not number:
        return 200, _page()
    typed = normalise_code(code) if code else ""
    if not NUMBER.fullmatch(number) or (code and not CODE.fullmatch(typed)):
        return 400, _page("malformed")
    certificate = workbench.find_certificate(number)
    if certificate is None:
        return 404, _page("removed" if workbench.certificate_was_issued(number) else "unknown", number=number, code=code)
    if workbench.certificate_seal(number) is not None:
        return 200, _page("altered", number=number, code=code)
    holder = stated_holder(certificate)
    scheme = workbench.scheme
    statuses = {s.id: s.name for s in scheme.certificate_statuses}
    domains = {d.id: d.name for d in scheme.domains}
    successor = next((c.number for c in workbench.certificate_chain(certificate.applicant_id)
                      if c.replaces == certificate.number), None)
    rows = [("持证方 holder", holder.name), ("统一社会信用代码 USCC", holder.uscc),
            ("认证领域 domains", "、".join(domains.get(d, d) for d in certificate.scope.domains)),
            ("认证范围 scope", f"{certificate.scope.goods}；{certificate.scope.services}"),
            ("服务场所 sites", "、".join(certificate.scope.sites) or "—"),
            ("成熟度等级 level", level_text(scheme, certificate.level_rank)),
            ("初次获证日期 initial certification", workbench.first_issued_on(certificate).isoformat()),
            ("颁证日期 issued", certificate.issued_on.isoformat()),
            ("有效期至 valid until", certificate.expires_on.isoformat())]
    return 200, _page(number=number, code=code, certificate=certificate,
                      genuine=verify_certificate(workbench, number, typed).genuine if code else None,
                      in_force=certificate.status == Status.VALID,
                      status_name=statuses.get(certificate.status, certificate.status), successor=successor, rows=rows)


class CheckHandler(tornado.web.RequestHandler):
    def initialize(self, workbench: Workbench, limit: RateLimit) -> None:
        self.workbench, self.limit = workbench, limit

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)
        self.set_header("Content-Type", "text/html; charset=utf-8")

    def get(self) -> None:
        if not self.limit.allow(self.request.remote_ip or ""):
            self.set_status(429)
            self.finish(_page("too_many"))
            return
        status, page = check_html(self.workbench, self.get_argument("number", "")[:64],
                                  self.get_argument("code", "")[:64])
        self.set_status(status)
        self.finish(page)

    def write_error(self, status_code: int, **kwargs) -> None:  # never a traceback
        self.finish(_page("error", status_code=status_code))


def make_app(database_url: str, rate: int = DEFAULT_RATE) -> tornado.web.Application:
    workbench = Workbench(read_only_url(database_url))
    load_body()  # a body file that is not valid stops the server before it serves
    return tornado.web.Application([(r"/", CheckHandler, {"workbench": workbench, "limit": RateLimit(rate)})],
                                   xsrf_cookies=False, compress_response=True)


def serve(database_url: str, port: int = DEFAULT_PORT, ip: str = "127.0.0.1", rate: int = DEFAULT_RATE) -> None:
    make_app(database_url, rate).listen(port, address=ip)
    tornado.ioloop.IOLoop.current().start()
