"""No user text becomes markup (issue 12 §5): the payload is written into every free-text
field of a copy of the demo store, then every stage's widgets, the dashboard's pages, the
reports, certificates and letters are rendered, and the payload must appear only escaped."""
import sqlite3

import ipywidgets as widgets
import pytest

from audit_widgets.dashboard.pages import PortfolioPage, applicant_html, open_cases_html
from audit_widgets.dashboard.portfolio import portfolio
from audit_widgets.documents.certificate import CertificateSources, certificate_html
from audit_widgets.documents.report import report_html
from audit_widgets.notebook import StageNotebook
from audit_widgets.store.repository import Workbench
from audit_widgets.widgets.summary import StageSummary

from .conftest import copy_database, reseal

PAYLOAD = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
# Every column a person (or an imported file) writes text into.
FREE_TEXT = {
    "applicants": ("name", "address", "goods", "services"),
    "auditors": ("name",),
    "audits": ("reason",),
    "imports": ("filename",),
    "checklist_answers": ("note",),
    "decisions": ("reasons", "override_reason"),
    "findings": ("description", "evidence", "withdrawn_reason"),
    "stage_results": ("redo_reason",),
    "case_verifications": ("note",),
    "corrective_actions": ("plan",),
    "evidence_files": ("filename",),
    "submitted_documents": ("filename",),
    "contracts": ("contract_no",),
    "score_adjustments": ("note",),
    "complaints": ("complainant", "subject", "findings", "reply"),
    "appeals": ("appellant", "grounds", "reasons"),
    "competence_evidence": ("reference",),
    "impartiality_declarations": ("conflicts",),
    "application_reviews": ("credit_evidence", "parent_authorisation", "domain_reason", "reason"),
    "work_orders": ("service_type", "issue", "customer_id", "product_id"),
}
APPLICANTS = ("demo-industrial", "demo-consumer", "demo-special", "demo-composite")


@pytest.fixture(scope="module")
def marked_store(demo_db, tmp_path_factory):
    path = copy_database(demo_db, tmp_path_factory.mktemp("escaping") / "marked.sqlite")
    with sqlite3.connect(path) as connection:
        for table, columns in FREE_TEXT.items():
            connection.execute(f"UPDATE {table} SET " + ", ".join(
                f"{column} = COALESCE({column}, '') || :payload" for column in columns), {"payload": PAYLOAD})
        connection.execute("UPDATE certificates SET holder = json_set(holder, '$.name', "
                           "json_extract(holder, '$.name') || :payload)", {"payload": PAYLOAD})
    reseal(f"sqlite:///{path}")  # as if the text had come through the workbench
    return f"sqlite:///{path}"


def _html_of(widget) -> list[str]:
    """Every piece of markup a widget tree shows (HTML values, labels, options)."""
    found = []
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath, widgets.Label)):
        found.append(widget.value)
    for attribute in ("description", "tooltip"):
        found.append(str(getattr(widget, attribute, "") or ""))
    for child in getattr(widget, "children", ()) or ():
        found += _html_of(child)
    return found


def _assert_escaped(texts, where):
    for text in texts:
        assert PAYLOAD not in text, f"{where}: {text[max(0, text.find(PAYLOAD) - 200):text.find(PAYLOAD) + 60]}"


def test_the_payload_is_in_the_store_and_shown_only_as_text(marked_store, scheme):
    workbench = Workbench(marked_store, scheme, actor="P01")
    assert PAYLOAD in workbench.get_applicant("demo-consumer").name  # the attack is in place
    pages = [applicant_html(workbench, a) for a in APPLICANTS]
    pages.append(open_cases_html(workbench))
    page = PortfolioPage(portfolio(workbench))
    pages += _html_of(page)
    _assert_escaped(pages, "dashboard")
    assert sum(ESCAPED in p for p in pages) >= len(APPLICANTS)  # shown, as text
    for applicant in APPLICANTS:
        report = report_html(workbench, applicant)
        if report:
            _assert_escaped([report], f"report of {applicant}")
        certificate = workbench.certificate_for(applicant)
        if certificate:
            html = certificate_html(scheme, CertificateSources.read(workbench, certificate))
            _assert_escaped([html], f"certificate of {applicant}")


@pytest.mark.parametrize("applicant", APPLICANTS)
def test_every_stage_widget_shows_the_payload_as_text(marked_store, scheme, applicant):
    workbench = Workbench(marked_store, scheme)
    audit = workbench.current_audit(applicant)
    leader = next((m.auditor.id for m in workbench.team(audit) if m.role == "leader"), "P01")
    escaped = 0
    for stage in scheme.procedure_stages:  # as the audit's leader (the widgets read the same for anyone)
        book = StageNotebook(stage.id, applicant, database_url=marked_store, auditor=leader)
        shown = [book.header().value, book.identity_html(), book.next_steps_html()]
        if not book.blocked:
            for widget in book.stage_widgets():
                shown += _html_of(widget)
            shown += _html_of(StageSummary(book))
        _assert_escaped(shown, f"{applicant} {stage.id}")
        escaped += sum(ESCAPED in text for text in shown)
    assert escaped >= len(scheme.procedure_stages)  # the name in every header, at least, shown as text
