"""The public certificate check (issue 23 §6): `audit-workbench serve-public`, a small read-only web
page, apart from the committee's dashboard, where anyone checks a certificate by its number and
the code from its QR.

It shows what a certificate states and nothing else (no scores, findings or people): holder, USCC,
scope, sites, level, status and dates, and for a superseded certificate the one that replaced it.
It opens the store read-only, refuses malformed input before any query, escapes everything it
echoes, sends a Content-Security-Policy that allows no script, and limits each client address to
`rate` checks a minute."""
from __future__ import annotations

import html
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

import tornado.ioloop
import tornado.web

from .body import load_body
from .contract import Status
from .documents.certificate import level_text, verify_certificate
from .documents.page import document
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
STYLE = ".check form { margin: 4mm 0; } .check input { font-size: 12pt; padding: 2px 6px; } " \
        ".valid { color: #1e7b34; font-weight: bold; } .invalid { color: #b3261e; font-weight: bold; }"


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


def _form(number: str = "", code: str = "") -> str:
    e = html.escape
    return ("<form method='get' action='/'><label>证书编号 certificate No. <input name='number' maxlength='40' "
            f"value='{e(number)}'></label> <label>验证码 code <input name='code' maxlength='24' value='{e(code)}'>"
            "</label> <button type='submit'>查询 check</button></form>")


def _page(body_html: str) -> str:
    body = load_body()
    head = (f"<h1>证书查询 Certificate check</h1><p>{html.escape(body.name)}<br><span class='en'>"
            f"{html.escape(body.name_en)}</span></p>")
    return document("证书查询 Certificate check", f"<div class='check'>{head}{body_html}</div>", STYLE)


def check_html(workbench: Workbench, number: str, code: str) -> tuple[int, str]:
    """(HTTP status, the page) for a query: the form alone, a refusal of malformed input, an unknown
    number, or what the certificate states."""
    e = html.escape
    number, code = number.strip().upper(), code.strip()
    if not number:
        return 200, _page(_form())
    typed = normalise_code(code) if code else ""
    if not NUMBER.fullmatch(number) or (code and not CODE.fullmatch(typed)):
        return 400, _page(_form() + "<p class='invalid'>证书编号或验证码格式不正确 / the number or the code is "
                                    "not well formed</p>")
    certificate = workbench.find_certificate(number)
    if certificate is None:
        return 404, _page(_form(number, code) + f"<p class='invalid'>没有编号为 {e(number)} 的证书 / no certificate "
                                                f"numbered {e(number)} was issued by this body</p>")
    holder = workbench.get_applicant(certificate.applicant_id)
    scheme = workbench.scheme
    statuses = {s.id: s.name for s in scheme.certificate_statuses}
    domains = {d.id: d.name for d in scheme.domains}
    checked = ""
    if code:
        check = verify_certificate(workbench, number, typed)
        checked = ("<p class='valid'>验证码正确：证书真实 / the code matches: the certificate is genuine</p>"
                   if check.genuine else "<p class='invalid'>验证码与证书不符：证书可能被篡改或抄错 / the code does not "
                                          "match: the certificate may be altered, or the code mistyped</p>")
    status = statuses.get(certificate.status, certificate.status)
    in_force = "valid" if certificate.status == Status.VALID else "invalid"  # the CSS class
    successor = next((c for c in workbench.certificate_chain(certificate.applicant_id)
                      if c.replaces == certificate.number), None)
    replaced = (f"<p>已由证书 <a href='/?number={e(successor.number)}'>{e(successor.number)}</a> 替代 / replaced by "
                f"{e(successor.number)}</p>" if successor else "")
    rows = [("持证方 holder", holder.name), ("统一社会信用代码 USCC", holder.uscc),
            ("认证领域 domains", "、".join(domains.get(d, d) for d in certificate.scope.domains)),
            ("认证范围 scope", f"{certificate.scope.goods}；{certificate.scope.services}"),
            ("服务场所 sites", "、".join(certificate.scope.sites) or "—"),
            ("成熟度等级 level", level_text(scheme, certificate.level_rank)),
            ("初次获证日期 initial certification", workbench.first_issued_on(certificate).isoformat()),
            ("颁证日期 issued", certificate.issued_on.isoformat()),
            ("有效期至 valid until", certificate.expires_on.isoformat())]
    table = "".join(f"<tr><td>{e(k)}</td><td>{e(str(v))}</td></tr>" for k, v in rows)
    return 200, _page(_form(number, code) + checked
                      + f"<h2>{e(number)}</h2><p class='{in_force}'>状态 status：{e(status)}</p>{replaced}"
                      + f"<table>{table}</table>")


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
            self.finish(_page("<p class='invalid'>查询过于频繁，请稍后再试 / too many checks from your address: try "
                              "again in a minute</p>"))
            return
        status, page = check_html(self.workbench, self.get_argument("number", "")[:64],
                                  self.get_argument("code", "")[:64])
        self.set_status(status)
        self.finish(page)

    def write_error(self, status_code: int, **kwargs) -> None:  # never a traceback
        self.finish(_page(f"<p class='invalid'>无法处理该请求 / the request could not be handled ({status_code})</p>"))


def make_app(database_url: str, rate: int = DEFAULT_RATE) -> tornado.web.Application:
    workbench = Workbench(read_only_url(database_url))
    load_body()  # a body file that is not valid stops the server before it serves
    return tornado.web.Application([(r"/", CheckHandler, {"workbench": workbench, "limit": RateLimit(rate)})],
                                   xsrf_cookies=False, compress_response=True)


def serve(database_url: str, port: int = DEFAULT_PORT, ip: str = "127.0.0.1", rate: int = DEFAULT_RATE) -> None:
    make_app(database_url, rate).listen(port, address=ip)
    tornado.ioloop.IOLoop.current().start()
