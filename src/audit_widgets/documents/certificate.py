"""The certificate (证书) as a one-page PDF, its verification code, and the check of a code.

The code is an HMAC (the store's signing key) over what a forger would change: the number,
the holder's USCC, the level, the dates, the scope and its sites. A person types it, or reads the
QR code (the body's public check address with number and code), and `audit-workbench certificate
verify NUMBER CODE` checks it against the store. The certification body that signs is
parameters/body.yaml."""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..body import Body, load_body
from ..contract import Status
from ..domain import Applicant, Certificate, StatusChange
from ..files import write_atomically
from ..paths import outputs_dir
from ..render.html import ERROR_COLOUR
from ..render.results import history_html
from ..rules.lifecycle import surveillance_due_dates
from ..scheme import Scheme
from ..store.repository import Workbench
from ..store.signing import short_code, verify_short_code
from .page import document, facts_table, heading
from .pdf import html_to_pdf

CODE_PURPOSE = "certificate"  # keeps certificate codes apart from any other short code of the key
CERTIFICATE_FILE = "certificate"
QR_SCALE = 3
QR_BORDER = 2

CERTIFICATE_STYLE = f"""
.certificate {{ border: 3px double #1f4e79; padding: 8mm 10mm; }}
.certificate h1 {{ font-size: 22pt; letter-spacing: 0.2em; }}
.certificate .holder {{ font-size: 15pt; text-align: center; margin: 3mm 0; font-weight: bold; }}
.verify {{ display: flex; gap: 6mm; align-items: center; break-inside: avoid; }}
.verify code {{ font-size: 12pt; letter-spacing: 0.05em; }}
.verify .muted code {{ font-size: 8.5pt; letter-spacing: 0; }}
.status-warning {{ color: {ERROR_COLOUR}; font-weight: bold; text-align: center; font-size: 12pt; }}
.certificate .masthead {{ display: flex; gap: 5mm; align-items: center; }}
.certificate .mark {{ width: 22mm; height: 22mm; }}
.certificate .signature {{ display: flex; justify-content: flex-end; align-items: center; gap: 4mm;
  break-inside: avoid; text-align: right; }}
.certificate .seal {{ width: 30mm; height: 30mm; }}
"""


def verification_payload(certificate: Certificate, holder_uscc: str) -> dict:
    """What the code vouches for: the number, the holder, the level, the dates and the scope with its
    sites (a certificate whose scope was narrowed is reissued, so the wider one's code cannot pass
    for the narrower certificate's)."""
    scope = certificate.scope
    return {"number": certificate.number, "uscc": holder_uscc, "level_rank": certificate.level_rank,
            "issued_on": certificate.issued_on.isoformat(), "expires_on": certificate.expires_on.isoformat(),
            "scope": {"domains": list(scope.domains), "goods": scope.goods, "services": scope.services,
                      "sites": list(scope.sites)}}


def verification_code(certificate: Certificate, holder_uscc: str) -> str:
    return short_code(CODE_PURPOSE, verification_payload(certificate, holder_uscc))


def qr_svg(address: str) -> str:
    """The QR code holding the public check's address for the certificate, as inline SVG."""
    import segno
    return segno.make(address, error="m").svg_inline(scale=QR_SCALE, border=QR_BORDER)


@dataclass(frozen=True)
class CertificateCheck:
    """What a verification found. `genuine`: the number exists and the code is its code."""

    number: str
    outcome: str                # unknown, wrong_code, genuine
    status: str | None = None   # the certificate's current status, when genuine
    status_name: str = ""
    holder: str = ""
    level: str = ""
    expires_on: str = ""

    @property
    def genuine(self) -> bool:
        return self.outcome == "genuine"

    @property
    def valid(self) -> bool:
        """Genuine and in force (not suspended, withdrawn, cancelled or expired)."""
        return self.genuine and self.status == Status.VALID

    def message(self) -> tuple[str, str]:
        if self.outcome == "unknown":
            return (f"没有编号为「{self.number}」的证书", f"No certificate numbered '{self.number}' was issued")
        if self.outcome == "wrong_code":
            return (f"验证码与证书「{self.number}」不符：证书可能被篡改或抄错",
                    f"The code does not match certificate '{self.number}': altered, or mistyped")
        zh = (f"证书「{self.number}」真实，持证方 {self.holder}，{self.level}，有效期至 {self.expires_on}，"
              f"当前状态：{self.status_name}")
        en = f"Certificate '{self.number}' is genuine; holder {self.holder}; expires {self.expires_on}; status: {self.status}"
        return zh, en

    def as_dict(self) -> dict:
        zh, en = self.message()
        return {"number": self.number, "outcome": self.outcome, "genuine": self.genuine, "valid": self.valid,
                "status": self.status, "status_name": self.status_name, "holder": self.holder, "level": self.level,
                "expires_on": self.expires_on, "zh": zh, "en": en}


def level_text(scheme: Scheme, rank: int) -> str:
    level = next((lv for lv in scheme.levels if lv.rank == rank), None)
    return f"{level.label}（{level.name}）" if level else str(rank)


def verify_certificate(workbench: Workbench, number: str, code: str) -> CertificateCheck:
    """Check a number and code against the store: unknown number, wrong code, or genuine with its status."""
    number = number.strip()
    with workbench.reading() as view:
        certificate = view.find_certificate(number)
        if certificate is None:
            return CertificateCheck(number, "unknown")
        holder = view.get_applicant(certificate.applicant_id)
    if not verify_short_code(CODE_PURPOSE, verification_payload(certificate, holder.uscc), code):
        return CertificateCheck(number, "wrong_code")
    statuses = {s.id: s.name for s in workbench.scheme.certificate_statuses}
    return CertificateCheck(number, "genuine", certificate.status, statuses.get(certificate.status, certificate.status),
                            holder.name, level_text(workbench.scheme, certificate.level_rank),
                            certificate.expires_on.isoformat())


def surveillance_text(scheme: Scheme, cycle_start: date | None) -> str:
    """The condition the certificate stays valid on, from the scheme's lifecycle rules."""
    rules = scheme.lifecycle_rules
    zh = (f"获证后 {rules.first_surveillance_within_months} 个月内接受首次监督审核，此后每 "
          f"{rules.surveillance_interval_months} 个月至少一次（每个认证周期至少 {rules.min_surveillances_per_cycle} 次）；"
          "监督审核通过后证书保持有效，否则暂停或撤销。")
    en = (f"First surveillance within {rules.first_surveillance_within_months} months, then at least every "
          f"{rules.surveillance_interval_months} months (at least {rules.min_surveillances_per_cycle} per cycle); the "
          "certificate stays valid while surveillance is passed, and is otherwise suspended or withdrawn.")
    due = "、".join(d.isoformat() for d in surveillance_due_dates(scheme, cycle_start)) if cycle_start else ""
    return (html.escape(zh) + (f"<br>监督审核最迟日期 due by：{due}" if due else "")
            + f"<br><span class='en'>{html.escape(en)}</span>")


@dataclass(frozen=True)
class CertificateSources:
    """What a certificate prints, read in one snapshot."""
    certificate: Certificate
    holder: Applicant
    cycle_start: date | None     # the decision that began its cycle: the surveillances run from it
    first_issued_on: date        # the initial certification, kept through reissues
    history: list[StatusChange]

    @classmethod
    def read(cls, view: Workbench, certificate: Certificate) -> CertificateSources:
        return cls(certificate, view.get_applicant(certificate.applicant_id), view.cycle_start(certificate),
                   view.first_issued_on(certificate), view.status_history(certificate.number))


def _sites_html(sources: CertificateSources) -> str:
    """Every site of the certificate with its address (from the holder's record of its sites)."""
    addresses = {site.name: site.address for site in sources.holder.sites}
    return "<br>".join(html.escape(f"{name}：{addresses.get(name) or '（地址未登记 address not recorded）'}")
                       for name in sources.certificate.scope.sites) or "—"


def certificate_html(scheme: Scheme, body: Body, sources: CertificateSources) -> str:
    """The certificate as its holder, the public and the regulator read it (ISO/IEC 17065 §7.7,
    17021-1 §8.2.2): the body with its approval number, mark, signatory and seal; the holder, scope
    and sites with addresses; the initial and current issue dates; the public check's address."""
    e = html.escape
    certificate, holder = sources.certificate, sources.holder
    domains = {d.id: d.name for d in scheme.domains}
    statuses = {s.id: s.name for s in scheme.certificate_statuses}
    code = verification_code(certificate, holder.uscc)
    address = body.verification_address(certificate.number, code)
    meta = scheme.meta
    warning = ("" if certificate.status == Status.VALID else
               f"<p class='status-warning'>当前状态：{e(statuses.get(certificate.status, certificate.status))} "
               f"/ current status: {e(certificate.status)}</p>")
    facts = facts_table([
        ("统一社会信用代码 USCC", e(holder.uscc)),
        ("注册地址 address", e(holder.address)),
        ("认证领域 domains", e("、".join(f"{domains.get(d, d)}（{d}）" for d in certificate.scope.domains))),
        ("认证范围：商品 goods", e(certificate.scope.goods)),
        ("认证范围：售后服务 services", e(certificate.scope.services)),
        ("服务场所及地址 sites", _sites_html(sources)),
        ("认证依据 criteria", f"{e(meta.rule)}（{e(meta.rule_version)}）<br>{e(meta.criteria)}（{e(meta.criteria_version)}）"),
        ("认证模式 certification mode", e(" + ".join(m.name for m in scheme.modes))),
        ("成熟度等级 maturity level", f"<b>{e(level_text(scheme, certificate.level_rank))}</b>"),
        ("初次获证日期 initial certification", e(sources.first_issued_on.isoformat())),
        ("本次颁证日期 issued", e(certificate.issued_on.isoformat())),
        ("有效期至 valid until", e(certificate.expires_on.isoformat())),
        ("监督条件 surveillance", surveillance_text(scheme, sources.cycle_start)),
    ])
    body_html = f"""<div class='certificate'>
<div class='masthead'><img class='mark' src='{body.image_uri("mark_image")}' alt='认证标志 certification mark'>
<div><b>{e(body.name)}</b><br><span class='en'>{e(body.name_en)}</span><br>
<small>批准号 CNCA approval No. {e(body.approval_number)}{(" · " + e(body.accreditation)) if body.accreditation else ""}
<br>{e(body.address)}</small></div></div>
<h1>认证证书</h1>
<p style='text-align:center' class='en'>Certificate of After-sales Service Maturity</p>
<p style='text-align:center'>证书编号 Certificate No. <b>{e(certificate.number)}</b></p>
{warning}
<p style='text-align:center'>兹证明 This is to certify that</p>
<p class='holder'>{e(holder.name)}</p>
{facts}
{heading("颁证、换证与状态变更", "Issue, reissue and status changes", 3)}
{history_html(scheme, sources.history)}
<div class='verify'>
  <div>{qr_svg(address)}</div>
  <div><p>验证码 verification code：<code>{e(code)}</code></p>
  <p class='muted'>公开查询 public check：<code>{e(address)}</code><br>
  或 or <code>audit-workbench certificate verify {e(certificate.number)} {e(code)}</code></p></div>
</div>
<div class='signature'><img class='seal' src='{body.image_uri("seal_image")}' alt='印章 seal'>
<p>{e(body.signatory_title)}：{e(body.signatory_name)}<br>{e(body.name)}<br>
<span class='muted'>{e(body.contact_phone)} {e(body.contact_email)}
 · 方案 scheme {e(meta.name)} {e(certificate.scheme_version)}</span></p>
</div>
</div>"""
    return document(f"证书 {certificate.number}", body_html, CERTIFICATE_STYLE)


def write_certificate(workbench: Workbench, applicant_id: str, folder: Path | None = None) -> list[Path]:
    """certificate.pdf for the applicant's certificate; nothing (an empty list) when none was issued.
    The HTML it is printed from is kept beside it (certificate.html) for the record."""
    with workbench.reading() as view:
        certificate = view.certificate_for(applicant_id)
        if certificate is None:
            return []
        sources = CertificateSources.read(view, certificate)
    base = (folder or outputs_dir() / applicant_id) / CERTIFICATE_FILE
    html_path = write_atomically(base.with_suffix(".html"), certificate_html(workbench.scheme, load_body(), sources))
    return [html_path, html_to_pdf(html_path, base.with_suffix(".pdf"))]
