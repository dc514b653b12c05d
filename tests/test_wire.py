"""Workbench calls on the wire (issue 27 §2, team/wire.py): arguments and results go to JSON and
come back as what the method's annotations say, records as records and tables as tables, on
the demo store's own data; a call the method would not take is refused before it is sent."""
from __future__ import annotations

import json

import pytest

from audit_widgets.errors import WorkbenchError
from audit_widgets.store.repository import Workbench
from audit_widgets.team import wire


def _round_trip(method: str, value):
    """As the service sends a result and the client reads it: through JSON text."""
    return wire.load(json.loads(json.dumps(wire.dump(value, wire.return_hint(method)))), wire.return_hint(method))


def test_the_demo_stores_records_and_tables_arrive_as_they_were(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    audit = next(a.id for applicant in workbench.list_applicants() for a in workbench.audits(applicant.id)
                 if workbench.findings(a.id) and len(workbench.work_orders(a.id)) > 100)
    for method, value in [("answer_records", workbench.answer_records(audit)), ("audits", workbench.audits("demo-consumer")),
                          ("findings", workbench.findings(audit)), ("get_applicant", workbench.get_applicant("demo-special")),
                          ("certificate_for", workbench.certificate_for("demo-consumer")),
                          ("trail", workbench.trail("decision"))]:
        assert value and _round_trip(method, value) == value, method
    orders = workbench.work_orders(audit)
    back = _round_trip("work_orders", orders)
    assert len(orders) > 100 and back.equals(orders), (orders.dtypes, back.dtypes)
    rows = workbench.portfolio()  # the dashboard's one read behind the hub
    back = _round_trip("portfolio", rows)
    assert len(rows) == len(workbench.list_applicants()) and back.equals(rows), (rows.dtypes, back.dtypes)
    # a table inside a result: the survey's responses and their scale
    surveyed = next(a.id for applicant in workbench.list_applicants() for a in workbench.audits(applicant.id)
                    if len(workbench.survey_answers(a.id)[0]) > 30)
    responses, scale = workbench.survey_answers(surveyed)
    back_responses, back_scale = _round_trip("survey_answers", (responses, scale))
    assert scale and back_scale == scale and back_responses.equals(responses)


def test_a_call_binds_as_the_method_would_and_refuses_what_it_would_not():
    from datetime import date

    from audit_widgets.domain import Answer
    sent = wire.dump_call("save_answer", (7, "E01", Answer("conform")), {"note": "备注"})
    assert sent == {"audit_id": 7, "item_id": "E01", "answer": {"result": "conform", "checked": None,
                    "nonconforming": None, "measured": None, "nonconforming_share": None}, "note": "备注"}
    assert wire.load_call("save_answer", sent)["answer"] == Answer("conform")
    with pytest.raises(TypeError):
        wire.dump_call("save_answer", (7, "E01", Answer("conform")), {"actor": "M01"})
    with pytest.raises(WorkbenchError) as refused:
        wire.load_call("save_answer", {**sent, "actor": "M01"})
    assert refused.value.code == "service.arguments" and "actor" in refused.value.en
    decided = wire.load_call("record_decision", {"audit_id": 1, "decided_on": "2026-12-01", "level_rank": 3,
                                                 "members": ["M01"], "reasons": "x"})
    assert decided["decided_on"] == date(2026, 12, 1)


def test_a_file_travels_as_its_bytes(tmp_path):
    """Evidence is sent as its content, whatever the bytes (a PDF is not UTF-8), and a path on
    the caller's side as the file's content: the service cannot read the caller's files."""
    content = bytes(range(256)) * 4
    (tmp_path / "scan.pdf").write_bytes(content)
    for source in (content, tmp_path / "scan.pdf"):
        sent = json.loads(json.dumps(wire.dump_call("add_evidence", (7, "E01", source, "scan.pdf"), {})))
        assert wire.load_call("add_evidence", sent)["source"] == content
    # a path named by the caller is taken as content, never as a file of the service's to read
    with pytest.raises(WorkbenchError) as refused:
        wire.load_call("add_evidence", {"audit_id": 7, "item_id": "E01", "source": "data/signing.key",
                                        "filename": "key"})
    assert refused.value.code == "service.arguments" and "source" in refused.value.en
    named = wire.load_call("add_evidence", {"audit_id": 7, "item_id": "E01", "source": "ZGF0YQ==",
                                            "filename": "key"})  # valid base64: its bytes, never a path
    assert named["source"] == b"data"


def test_a_document_is_made_where_the_store_is_and_its_files_travel_as_bytes(cycle_db, scheme):
    """Behind the hub the widgets' download buttons and the dashboard call these two through the
    service: the certificate is printed there (sealed records, Chromium) and arrives as it is."""
    workbench = Workbench(cycle_db, scheme, actor="A01")
    [file] = _round_trip("make_document", workbench.make_document("certificate", "demo-consumer"))
    assert (file.name, file.label) == ("demo-consumer/certificate.pdf", "认证证书 / certificate（PDF）")
    content = _round_trip("output_file", workbench.output_file(file.name))
    assert content.startswith(b"%PDF") and len(content) == file.size
    assert file in _round_trip("output_files", workbench.output_files("demo-consumer"))
    with pytest.raises(WorkbenchError) as refused:  # a hub user outside the people records reads, and no more
        workbench.acting_as("visitor").make_document("certificate", "demo-consumer")
    assert "people records" in refused.value.en
