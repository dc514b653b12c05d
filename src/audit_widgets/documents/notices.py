"""The notice that tells a holder its certificate was suspended, withdrawn or cancelled (issue 23
§7): the decision and its reason, what the holder must do (stop using the certificate and the
mark, correct by the deadline, or return the certificate), when it may apply again, and its right
of appeal. Written by `audit-workbench report` and the batch while the certificate is in that
status."""
from __future__ import annotations

from pathlib import Path

from dateutil.relativedelta import relativedelta

from ..contract import Status
from ..domain import Applicant, Certificate, StatusChange
from ..files import write_atomically
from ..paths import outputs_dir
from ..render.results import status_reason
from ..rules.lifecycle import suspension_ends
from ..scheme import Scheme
from ..stages.certification import suspension_deadline
from ..store.checkpoints import Checkpoint
from ..store.repository import Workbench
from .certificate import level_text
from .pdf import html_to_pdf
from .templating import render

NOTICE_FILE = "status_notice"
TITLES = {Status.SUSPENDED: ("暂停通知书", "Notice of suspension"), Status.WITHDRAWN: ("撤销通知书", "Notice of withdrawal"),
          Status.CANCELLED: ("注销通知书", "Notice of cancellation")}


def status_notice_html(scheme: Scheme, certificate: Certificate, holder: Applicant, change: StatusChange,
                       grounds: str, deadline, checkpoint: Checkpoint) -> str:
    """The notice, from its template (documents/templates/status_notice.html.j2, or the body's)."""
    title, title_en = TITLES[Status(certificate.status)]
    months = scheme.lifecycle_rules.reapply_after_withdrawal_months
    reapply_on = (change.on + relativedelta(months=months)
                  if certificate.status == Status.WITHDRAWN and months else None)
    return render("status_notice.html.j2", holder=holder, certificate=certificate, status=certificate.status,
                  title=title, title_en=title_en, level=level_text(scheme, certificate.level_rank), change=change,
                  reason=status_reason(scheme, change), grounds=grounds, deadline=deadline, reapply_on=reapply_on,
                  checkpoint=checkpoint)


def write_status_notice(workbench: Workbench, applicant_id: str, folder: Path | None = None) -> list[Path]:
    """status_notice.html and .pdf while the holder's certificate is suspended, withdrawn or
    cancelled; nothing otherwise."""
    with workbench.reading() as view:
        certificate = view.certificate_for(applicant_id)
        if certificate is None or certificate.status not in TITLES:
            return []
        holder = view.get_applicant(applicant_id)
        change = view.status_history(certificate.number)[-1]
        decided = [d for d in view.certificate_decisions(applicant_id)
                   if d.result_number == certificate.number and d.decided_on == change.on]
        deadline = suspension_deadline(view, applicant_id, certificate.number, change.on)
        checkpoint = view.checkpoint()
    grounds_names = {g.id: g.name for g in workbench.scheme.decision_grounds}
    grounds = (f"{grounds_names.get(decided[-1].grounds, decided[-1].grounds)}：{decided[-1].grounds_detail}" if decided
               else change.decided_by)
    deadline = deadline or suspension_ends(workbench.scheme, change.on)  # a suspension by rule: the longest
    base = (folder or outputs_dir() / applicant_id) / NOTICE_FILE
    html_path = write_atomically(base.with_suffix(".html"), status_notice_html(
        workbench.scheme, certificate, holder, change, grounds, deadline, checkpoint))
    return [html_path, html_to_pdf(html_path, base.with_suffix(".pdf"))]
