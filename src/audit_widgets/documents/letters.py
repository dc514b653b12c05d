"""The letter that tells an applicant its application was refused at review, with the
reasons (ISO/IEC 17065 §7.3: a refusal is recorded and communicated)."""
from __future__ import annotations

import html
from pathlib import Path

from ..body import load_body
from ..files import write_atomically
from ..paths import outputs_dir
from ..store.repository import Workbench
from .page import document, facts_table, heading

REFUSAL_FILE = "refusal_letter.html"


def refusal_letter_html(workbench: Workbench, audit_id: int) -> str:
    review = workbench.review(audit_id)
    if review is None or review.accepted:
        raise ValueError("the application was not refused at review")
    audit = workbench.audit(audit_id)
    applicant = workbench.get_applicant(audit.applicant_id)
    body_name = load_body().name
    problems = "".join(f"<li>{html.escape(p['zh'])}<br><span class='en'>{html.escape(p['en'])}</span></li>"
                       for p in review.assessment.get("problems", []))
    body = ("<h1>不予受理通知书</h1><p class='muted' style='text-align:center'>Notice of refusal of the application</p>"
            + facts_table([("申请方 applicant", html.escape(applicant.name)),
                           ("统一社会信用代码 USCC", html.escape(applicant.uscc)),
                           ("申请日期 applied on", str(audit.submitted_on)),
                           ("评审日期 reviewed on", str(review.reviewed_on)),
                           ("评审人 reviewer", html.escape(review.reviewed_by))])
            + heading("不予受理的理由", "Reasons")
            + f"<p>{html.escape(review.reason)}</p>" + (f"<ul>{problems}</ul>" if problems else "")
            + f"<p>贵单位如对本决定有异议，可自收到本通知之日起向{html.escape(body_name)}提出申诉。"
              "<br><span class='en'>You may appeal against this decision to the certification body.</span></p>"
            + f"<p style='text-align:right'>{html.escape(body_name)}<br>{review.reviewed_on}</p>")
    return document(f"不予受理通知书 {applicant.name}", body)


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
