"""Sealed records (issue 24 §1): every decision, certificate, status change, finding and
corrective action is a signed statement in the trail. Each attack is made as a dishonest insider
would, with sqlite3 alone and no key, on a copy of the demo store: `verify` names the table, the
row and the field; a forged or changed certificate never verifies as genuine nor prints; a forged
decision is never used."""
import json
import sqlite3
from datetime import date

import pytest

from audit_widgets.documents.certificate import (
    CertificateSources,
    certificate_html,
    verification_code,
    verify_certificate,
    write_certificate,
)
from audit_widgets.errors import ConflictError
from audit_widgets.public_check import check_html
from audit_widgets.stages import run_stage
from audit_widgets.store.repository import Workbench

from .conftest import Command, copy_database


@pytest.fixture
def store(demo_db, tmp_path):
    """A copy of the demo store: (path, command, workbench)."""
    path = copy_database(demo_db, tmp_path / "sealed.sqlite")
    url = f"sqlite:///{path}"
    return path, Command(url), Workbench(url, actor="P01")


def _sql(path, statement, *parameters):
    with sqlite3.connect(path) as connection:
        connection.execute(statement, parameters)


def _verify(command):
    result = command("verify", "--json")
    return result.exit_code, json.loads(result.stdout)


def _problems(report) -> set[tuple]:
    return {(p["table"], p["row"], p["problem"], tuple(p["fields"])) for p in report["row_problems"]}


def test_every_sealed_row_of_the_demo_has_its_statement(demo_db):
    code, report = _verify(Command(demo_db))
    assert code == 0 and report["ok"] and report["row_problems"] == []
    assert report["sealed_rows"] >= 40  # decisions, certificates, status changes, findings, corrective actions


def test_a_refusal_turned_into_a_certificate_with_sqlite3_is_named_and_never_used(store, tmp_path):
    """The reproduction of the issue: demo-special's refusal became a certificate. The decision's
    changed fields, and the certificate and status change that have no statement, are named; the
    certificate answers "altered" whatever its code, is not printed, and the decision is refused
    to the administrator's stage and to the carrying out."""
    path, command, workbench = store
    audit = workbench.audits("demo-special")[0].id
    with sqlite3.connect(path) as connection:
        decision_id, = connection.execute("SELECT id FROM decisions WHERE audit_id = ?", (audit,)).fetchone()
    holder = workbench.get_applicant("demo-special")
    _sql(path, "UPDATE decisions SET certified = 1, level_rank = 5, outcome = 'certify' WHERE audit_id = ?", audit)
    number = "XBHT-SM-2026-A09999"
    _sql(path, "INSERT INTO certificates (number, applicant_id, audit_id, level_rank, scope, issued_on, expires_on, "
               "status, scheme_version, holder) VALUES (?, 'demo-special', ?, 5, ?, '2026-11-30', '2029-11-29', "
               "'valid', '2026.9', ?)", number, audit,
         json.dumps({"domains": list(holder.domains), "goods": holder.goods, "services": holder.services, "sites": []}),
         json.dumps({"name": holder.name, "uscc": holder.uscc, "address": holder.address, "sites": []}))
    _sql(path, "INSERT INTO status_changes (certificate_number, from_status, to_status, reason, changed_on, "
               "decided_by, recorded_by) VALUES (?, NULL, 'valid', '初次发证 issued', '2026-11-30', 'M01', 'A01')", number)
    code, report = _verify(command)
    assert code == 1 and not report["ok"]
    problems = _problems(report)
    assert ("decisions", str(decision_id), "differs", ("certified", "level_rank", "outcome")) in problems
    assert ("certificates", number, "unsealed", ()) in problems
    assert any(p[0] == "status_changes" and p[2] == "unsealed" for p in problems)
    text = command("verify").output
    assert f"certificates 行 row {number}：没有签名声明" in text and "字段 certified、level_rank、outcome" in text

    forged = workbench.find_certificate(number)
    code_the_tool_would_print = verification_code(forged, holder.uscc)  # made with the key: still not genuine
    check = verify_certificate(workbench, number, code_the_tool_would_print)
    assert check.outcome == "altered" and not check.genuine and "不能视为真实" in check.message()[0]
    assert "不能视为真实" in check_html(workbench, number, "")[1]
    with pytest.raises(ConflictError, match="签名声明不符"):
        write_certificate(workbench, "demo-special", tmp_path / "out")
    assert not (tmp_path / "out" / "certificate.pdf").exists()
    with pytest.raises(ConflictError, match="认证决定与其签名声明不符") as refused:
        workbench.decision(audit)
    assert refused.value.code == "store.unsealed"
    recorded = workbench.stage_result(audit, "decision")
    with pytest.raises(ConflictError, match="签名声明不符"):  # the batch's stage run fails, naming it
        run_stage(workbench.acting_as("P01"), "decision", "demo-special", audit)
    assert workbench.stage_result(audit, "decision") == recorded and recorded.result["certified"] is False
    with pytest.raises(ConflictError, match="签名声明不符"):
        workbench.acting_as("P02").issue_certificate(audit, date(2026, 11, 30))


def test_a_widened_scope_or_a_renamed_holder_no_longer_verifies(store):
    """A certificate's scope widened in SQL, or its holder renamed, stops verifying with the code
    printed on it; renaming the holder's own record instead leaves the certificate as issued."""
    path, command, workbench = store
    certificate = workbench.certificate_for("demo-consumer")
    code = verification_code(certificate, certificate.holder.uscc)
    assert verify_certificate(workbench, certificate.number, code).genuine
    _sql(path, "UPDATE applicants SET name = '冒名顶替有限公司' WHERE id = 'demo-consumer'")
    printed = certificate_html(workbench.scheme, CertificateSources.read(workbench, certificate))
    assert certificate.holder.name in printed and "冒名顶替" not in printed  # the certificate states its holder
    assert verify_certificate(workbench, certificate.number, code).genuine

    scope = dict(certificate.scope.as_dict(), domains=["a", "b"])
    _sql(path, "UPDATE certificates SET scope = ? WHERE number = ?", json.dumps(scope), certificate.number)
    check = verify_certificate(workbench, certificate.number, code)
    assert check.outcome == "altered" and check.altered == "scope"
    _sql(path, "UPDATE certificates SET holder = json_set(holder, '$.name', '冒名顶替有限公司') WHERE number = ?",
         certificate.number)
    assert verify_certificate(workbench, certificate.number, code).altered == "holder、scope"
    exit_code, report = _verify(command)
    assert exit_code == 1
    assert ("certificates", certificate.number, "differs", ("holder", "scope")) in _problems(report)


def test_a_superseded_number_answers_as_superseded_and_a_deleted_one_as_issued_and_gone(store):
    path, command, workbench = store
    first, current = workbench.certificate_chain("demo-industrial")[:2]
    old = verify_certificate(workbench, first.number, verification_code(first, first.holder.uscc))
    assert old.genuine and old.status == "superseded" and not old.valid
    _sql(path, "PRAGMA foreign_keys = OFF")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("DELETE FROM status_changes WHERE certificate_number = ?", (first.number,))
        connection.execute("DELETE FROM certificates WHERE number = ?", (first.number,))
    gone = verify_certificate(workbench, first.number, "AAAA-AAAA-AAAA-AAAA")
    assert gone.outcome == "removed" and "曾由本机构颁发" in gone.message()[0]
    assert verify_certificate(workbench, "XBHT-SM-2020-A00404", "AAAA-AAAA-AAAA-AAAA").outcome == "unknown"
    exit_code, report = _verify(command)
    assert exit_code == 1 and ("certificates", first.number, "removed", ()) in _problems(report)


def test_a_finding_closed_or_downgraded_in_sql_is_named(store):
    """A finding is a statement too (grade, item, dates), and so is its corrective action (its
    verification closes the finding)."""
    path, command, workbench = store
    with sqlite3.connect(path) as connection:
        finding_id, = connection.execute("SELECT id FROM findings WHERE grade = 'major' LIMIT 1").fetchone() or (None,)
        if finding_id is None:
            finding_id, = connection.execute("SELECT id FROM findings LIMIT 1").fetchone()
        action = connection.execute("SELECT id FROM corrective_actions WHERE finding_id = ?", (finding_id,)).fetchone()
    _sql(path, "UPDATE findings SET grade = 'observation', raised_on = '2026-01-01' WHERE id = ?", finding_id)
    expected = {("findings", str(finding_id), "differs", ("grade", "raised_on"))}
    if action is not None:
        _sql(path, "UPDATE corrective_actions SET verified_on = '2026-11-01', verified_by = 'A02' WHERE id = ?",
             action[0])
    exit_code, report = _verify(command)
    assert exit_code == 1 and expected <= _problems(report)
    if action is not None:
        assert any(p[0] == "corrective_actions" and p[1] == str(action[0]) for p in _problems(report))


def test_every_write_seals_what_it_changed(store):
    """A status change through the workbench seals the certificate's new status and the change:
    verify stays clean, and the new statement is in the trail."""
    from .conftest import suspend
    path, command, workbench = store
    number = workbench.certificate_for("demo-consumer").number
    with workbench.clock.at(date(2026, 12, 10)):
        suspend(workbench, number, date(2026, 12, 10))
    assert workbench.certificate_seal(number) is None
    assert _verify(command)[0] == 0
    with sqlite3.connect(path) as connection:
        said = [json.loads(d)["statement"]["fields"]["status"] for d, in connection.execute(
            "SELECT detail FROM audit_trail WHERE action = 'seal' AND entity = 'certificate' AND entity_id = ? "
            "ORDER BY id", (number,))]
    assert said[-1] == "suspended" and said[0] == "valid"
