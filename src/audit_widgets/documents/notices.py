"""The notice that tells a holder its certificate was suspended, withdrawn or cancelled (issue 23
§7): the decision and its reason, what the holder must do (stop using the certificate and the
mark, correct by the deadline, or return the certificate), when it may apply again, and its right
of appeal. Written by `audit-workbench report` and the batch while the certificate is in that
status."""
from __future__ import annotations

import html
from pathlib import Path

from dateutil.relativedelta import relativedelta

from ..body import Body, load_body
from ..contract import Status
from ..domain import Applicant, Certificate, StatusChange
from ..files import write_atomically
from ..paths import outputs_dir
from ..render.results import status_reason
from ..rules.lifecycle import suspension_ends
from ..scheme import Scheme
from ..stages.certification import suspension_deadline
from ..store.repository import Workbench
from .certificate import level_text
from .page import document, facts_table, heading
from .pdf import html_to_pdf

NOTICE_FILE = "status_notice"
TITLES = {Status.SUSPENDED: ("暂停通知书", "Notice of suspension"), Status.WITHDRAWN: ("撤销通知书", "Notice of withdrawal"),
          Status.CANCELLED: ("注销通知书", "Notice of cancellation")}


def _duties(scheme: Scheme, status: str, change: StatusChange, deadline) -> str:
    """What the holder must do, by the status (and the scheme's periods)."""
    rules = scheme.lifecycle_rules
    if status == Status.SUSPENDED:
        return ("<ul><li>暂停期间证书无效：不得使用证书和认证标志，不得宣称获得认证。<br><span class='en'>While suspended "
                "the certificate is not valid: do not use it or the mark, nor claim certification.</span></li>"
                f"<li>请于 <b>{html.escape(str(deadline))}</b> 前完成整改并申请验证；逾期未整改的，证书将被撤销。<br>"
                f"<span class='en'>Correct and ask for verification by {html.escape(str(deadline))}; otherwise the "
                "certificate will be withdrawn.</span></li></ul>")
    again = change.on + relativedelta(months=rules.reapply_after_withdrawal_months)
    waiting = (f"<li>自 {again} 起方可重新申请认证。<br><span class='en'>A new application is possible from {again}."
               "</span></li>" if status == Status.WITHDRAWN and rules.reapply_after_withdrawal_months else "")
    return ("<ul><li>自即日起停止使用证书和认证标志，停止一切获证宣传，并交回证书。<br><span class='en'>Stop using the "
            "certificate and the mark and every claim of certification at once, and return the certificate.</span>"
            f"</li>{waiting}</ul>")


def status_notice_html(scheme: Scheme, body: Body, certificate: Certificate, holder: Applicant, change: StatusChange,
                       grounds: str, deadline) -> str:
    e = html.escape
    title, title_en = TITLES[Status(certificate.status)]
    facts = facts_table([
        ("持证方 holder", f"<b>{e(holder.name)}</b>"), ("统一社会信用代码 USCC", e(holder.uscc)),
        ("证书编号 certificate No.", e(certificate.number)),
        ("成熟度等级 level", e(level_text(scheme, certificate.level_rank))),
        ("决定日期 decided on", e(str(change.on))), ("原因 reason", e(status_reason(scheme, change))),
        ("依据 grounds", e(grounds) or "—"),
    ])
    body_html = (f"<h1>{e(title)}</h1><p class='muted' style='text-align:center'>{e(title_en)}</p>"
                 f"<p>{e(holder.name)}：</p><p>经认证决定，贵单位的证书 {e(certificate.number)} 自 {e(str(change.on))} 起"
                 f"{e(title[:2])}。<br><span class='en'>By the certification decision, your certificate "
                 f"{e(certificate.number)} is {e(certificate.status)} from {e(str(change.on))}.</span></p>"
                 + facts + heading("贵单位须做的", "What you must do") + _duties(scheme, certificate.status, change, deadline)
                 + heading("申诉", "Appeal")
                 + f"<p>如对本决定有异议，可依据{e(body.name)}的申诉程序提出申诉。<br><span class='en'>You may appeal "
                   "against this decision under the body's appeals procedure.</span></p>"
                 + f"<p style='text-align:right'>{e(body.signatory_title)}：{e(body.signatory_name)}<br>{e(body.name)}<br>"
                   f"{e(body.address)} · {e(body.contact_phone)}<br>{e(str(change.on))}</p>")
    return document(f"{title} {certificate.number}", body_html)


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
    grounds_names = {g.id: g.name for g in workbench.scheme.decision_grounds}
    grounds = (f"{grounds_names.get(decided[-1].grounds, decided[-1].grounds)}：{decided[-1].grounds_detail}" if decided
               else change.decided_by)
    deadline = deadline or suspension_ends(workbench.scheme, change.on)  # a suspension by rule: the longest
    base = (folder or outputs_dir() / applicant_id) / NOTICE_FILE
    html_path = write_atomically(base.with_suffix(".html"), status_notice_html(
        workbench.scheme, load_body(), certificate, holder, change, grounds, deadline))
    return [html_path, html_to_pdf(html_path, base.with_suffix(".pdf"))]
