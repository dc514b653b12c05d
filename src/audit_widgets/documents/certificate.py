"""The certificate (证书) as a one-page PDF, its verification code, and the check of a code.

The code is an HMAC (the store's signing key) over what a forger would change: the number,
the holder's USCC, the level, the dates, the scope and its sites. A person types it, or reads the
QR code (the body's public check address with number and code), and `audit-workbench certificate
verify NUMBER CODE` checks it against the store. The certification body that signs is
parameters/body.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup

from ..body import load_body
from ..contract import Status
from ..domain import Certificate, Holder, StatusChange
from ..errors import ConflictError
from ..files import write_atomically
from ..paths import outputs_dir
from ..render.results import history_html
from ..rules.lifecycle import surveillance_due_dates
from ..scheme import Scheme
from ..store.checkpoints import Checkpoint
from ..store.repository import Workbench
from ..store.sealing import RowProblem
from ..store.signing import short_code, verify_short_code
from .pdf import html_to_pdf
from .templating import render

CODE_PURPOSE = "certificate"  # keeps certificate codes apart from any other short code of the key
CERTIFICATE_FILE = "certificate"
QR_SCALE = 3
QR_BORDER = 2

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
    outcome: str                # unknown, removed, altered, wrong_code, genuine
    status: str | None = None   # the certificate's current status, when genuine
    status_name: str = ""
    holder: str = ""
    level: str = ""
    expires_on: str = ""
    altered: str = ""           # the fields that differ from the signed statement, when altered

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
        if self.outcome == "removed":
            return (f"证书「{self.number}」曾由本机构颁发，但其记录已不在登记册中，不能视为有效",
                    f"Certificate '{self.number}' was issued by this body, but its record is no longer in the "
                    "register: it cannot be taken as in force")
        if self.outcome == "altered":
            return (f"证书「{self.number}」的记录与本机构签署的声明不符（{self.altered}）：证书记录被篡改，不能视为真实",
                    f"The record of certificate '{self.number}' differs from the statement this body signed "
                    f"({self.altered}): it was altered and is not genuine")
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
                "expires_on": self.expires_on, "altered": self.altered, "zh": zh, "en": en}


def level_text(scheme: Scheme, rank: int) -> str:
    level = next((lv for lv in scheme.levels if lv.rank == rank), None)
    return f"{level.label}（{level.name}）" if level else str(rank)


def altered_fields(problem: RowProblem) -> str:
    return "、".join(problem.fields) or "无签名声明 no signed statement"  # differs, or unsealed


def verify_certificate(workbench: Workbench, number: str, code: str) -> CertificateCheck:
    """Check a number and code against the store: a number never issued, one disposed of, a record
    that differs from its signed statement, a wrong code, or genuine with its status (superseded,
    suspended … included)."""
    number = number.strip()
    with workbench.reading() as view:
        certificate = view.find_certificate(number)
        if certificate is None:
            return CertificateCheck(number, "removed" if view.certificate_was_issued(number) else "unknown")
        problem = view.certificate_seal(number)
    if problem is not None:
        return CertificateCheck(number, "altered", altered=altered_fields(problem))
    holder = stated_holder(certificate)
    if not verify_short_code(CODE_PURPOSE, verification_payload(certificate, holder.uscc), code):
        return CertificateCheck(number, "wrong_code")
    statuses = {s.id: s.name for s in workbench.scheme.certificate_statuses}
    return CertificateCheck(number, "genuine", certificate.status, statuses.get(certificate.status, certificate.status),
                            holder.name, level_text(workbench.scheme, certificate.level_rank),
                            certificate.expires_on.isoformat())


def stated_holder(certificate: Certificate) -> Holder:
    if certificate.holder is None:  # only a row written outside the workbench lacks it; its seal fails first
        raise ConflictError(f"证书 {certificate.number} 未记载持证方", f"Certificate {certificate.number} states no holder")
    return certificate.holder


@dataclass(frozen=True)
class CertificateSources:
    """What a certificate prints, read in one snapshot."""
    certificate: Certificate
    holder: Holder               # as the certificate states it (fixed at issue)
    cycle_start: date | None     # the decision that began its cycle: the surveillances run from it
    first_issued_on: date        # the initial certification, kept through reissues
    history: list[StatusChange]
    checkpoint: Checkpoint       # where the trail stood when it was read

    @classmethod
    def read(cls, view: Workbench, certificate: Certificate) -> CertificateSources:
        """Refused for a certificate whose row differs from its signed statement: never printed."""
        problem = view.certificate_seal(certificate.number)
        if problem is not None:
            raise ConflictError(f"证书 {certificate.number} 的记录与签名声明不符，不能打印：{problem.text()}",
                                f"Certificate {certificate.number} differs from its signed statement and is not "
                                f"printed: {problem.text()}", code="store.unsealed")
        return cls(certificate, stated_holder(certificate), view.cycle_start(certificate),
                   view.first_issued_on(certificate), view.status_history(certificate.number), view.checkpoint())


def certificate_html(scheme: Scheme, sources: CertificateSources) -> str:
    """The certificate as its holder, the public and the regulator read it (ISO/IEC 17065 §7.7,
    17021-1 §8.2.2), from its template (documents/templates/certificate.html.j2, or the body's): the
    body with its approval number, mark, signatory and seal; the holder, scope and sites with
    addresses; the initial and current issue dates; the public check's address."""
    certificate, holder = sources.certificate, sources.holder
    domains = {d.id: d.name for d in scheme.domains}
    statuses = {s.id: s.name for s in scheme.certificate_statuses}
    code = verification_code(certificate, holder.uscc)
    address = load_body().verification_address(certificate.number, code)
    return render(
        "certificate.html.j2", scheme=scheme, certificate=certificate, holder=holder,
        status_name=statuses.get(certificate.status, certificate.status),
        domains=[f"{domains.get(d, d)}（{d}）" for d in certificate.scope.domains],
        sites=[{"name": name, "address": address} for name, address in holder.sites],
        level=level_text(scheme, certificate.level_rank), first_issued_on=sources.first_issued_on,
        rules=scheme.lifecycle_rules,
        surveillance_due=surveillance_due_dates(scheme, sources.cycle_start) if sources.cycle_start else [],
        history=Markup(history_html(scheme, sources.history)), code=code, address=address, qr=Markup(qr_svg(address)),
        checkpoint=sources.checkpoint)


def write_certificate(workbench: Workbench, applicant_id: str, folder: Path | None = None) -> list[Path]:
    """certificate.pdf for the applicant's certificate; nothing (an empty list) when none was issued.
    The HTML it is printed from is kept beside it (certificate.html) for the record."""
    with workbench.reading() as view:
        certificate = view.certificate_for(applicant_id)
        if certificate is None:
            return []
        sources = CertificateSources.read(view, certificate)
    base = (folder or outputs_dir() / applicant_id) / CERTIFICATE_FILE
    html_path = write_atomically(base.with_suffix(".html"), certificate_html(workbench.scheme, sources))
    return [html_path, html_to_pdf(html_path, base.with_suffix(".pdf"))]
