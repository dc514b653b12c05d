"""The letter that tells an applicant its application was refused at review, with the
reasons (ISO/IEC 17065 §7.3: a refusal is recorded and communicated)."""
from __future__ import annotations

from pathlib import Path

from ..files import write_atomically
from ..paths import outputs_dir
from ..store.repository import Workbench
from .templating import render

REFUSAL_FILE = "refusal_letter.html"


def refusal_letter_html(workbench: Workbench, audit_id: int) -> str:
    """The letter, from its template (documents/templates/refusal_letter.html.j2, or the body's)."""
    review = workbench.review(audit_id)
    if review is None or review.accepted:
        raise ValueError("the application was not refused at review")
    audit = workbench.audit(audit_id)
    return render("refusal_letter.html.j2", applicant=workbench.get_applicant(audit.applicant_id), audit=audit,
                  review=review, problems=review.assessment.get("problems", []))


def refused_audit(workbench: Workbench, applicant_id: str) -> int | None:
    """The applicant's last reviewed audit if its review refused it (a refused application has
    ended, so the applicant's current audit is a later one)."""
    for audit in reversed(workbench.audits(applicant_id)):
        review = workbench.review(audit.id)
        if review is not None:
            return None if review.accepted else audit.id
    return None


def write_refusal_letter(workbench: Workbench, applicant_id: str, folder: Path | None = None) -> list[Path]:
    """refusal_letter.html when the applicant's last review refused it; nothing otherwise."""
    audit_id = refused_audit(workbench, applicant_id)
    if audit_id is None:
        return []
    return [write_atomically((folder or outputs_dir() / applicant_id) / REFUSAL_FILE,
                             refusal_letter_html(workbench, audit_id))]
