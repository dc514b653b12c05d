"""Sealed records (issue 24 §1): every decision, certificate, status change, finding and
corrective action is a signed statement in the trail. Each attack is made as a dishonest insider
would, with the database's own tools and no key (sqlite3, or psql as the server's superuser), on a
copy of the demo store on both backends: `verify` names the table, the row and the field; a forged
or changed certificate never verifies as genuine nor prints; a forged decision is never used."""
import json
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

from .conftest import Command, insider_sql, json_value

pytestmark = pytest.mark.both_backends


@pytest.fixture
def store(demo_copy):
    """A copy of the demo store: (url, command, workbench)."""
    return demo_copy, Command(demo_copy), Workbench(demo_copy, actor="P01")


def _verify(command):
    result = command("verify", "--json")
    return result.exit_code, json.loads(result.stdout)


def _problems(report) -> set[tuple]:
    return {(p["table"], p["row"], p["problem"], tuple(p["fields"])) for p in report["row_problems"]}


def test_every_sealed_row_of_the_demo_has_its_statement(demo_copy):
    code, report = _verify(Command(demo_copy))
    assert code == 0 and report["ok"] and report["row_problems"] == []
    assert report["sealed_rows"] >= 40  # decisions, certificates, status changes, findings, corrective actions


def test_a_refusal_turned_into_a_certificate_in_sql_is_named_and_never_used(store, tmp_path):
    """The reproduction of the issue: demo-special's refusal became a certificate. The decision's
    changed fields, and the certificate and status change that have no statement, are named; the
    certificate answers "altered" whatever its code, is not printed, and the decision is refused
    to the administrator's stage and to the carrying out."""
    url, command, workbench = store
    audit = workbench.audits("demo-special")[0].id
    [(decision_id,)] = insider_sql(url, "SELECT id FROM decisions WHERE audit_id = :audit", audit=audit)
    holder = workbench.get_applicant("demo-special")
    number = "XBHT-SM-2026-A09999"
    insider_sql(
        url, "UPDATE decisions SET certified = true, level_rank = 5, outcome = 'certify' WHERE audit_id = :audit",
        "INSERT INTO certificates (number, applicant_id, audit_id, level_rank, scope, issued_on, expires_on, "
        "status, scheme_version, holder) VALUES (:number, 'demo-special', :audit, 5, :scope, '2026-11-30', "
        "'2029-11-29', 'valid', '2026.9', :holder)",
        "INSERT INTO status_changes (certificate_number, from_status, to_status, reason, changed_on, "
        "decided_by, recorded_by) VALUES (:number, NULL, 'valid', '初次发证 issued', '2026-11-30', 'M01', 'A01')",
        audit=audit, number=number,
        scope=json.dumps({"domains": list(holder.domains), "goods": holder.goods, "services": holder.services,
                          "sites": []}),
        holder=json.dumps({"name": holder.name, "uscc": holder.uscc, "address": holder.address, "sites": []}))
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
    url, command, workbench = store
    certificate = workbench.certificate_for("demo-consumer")
    code = verification_code(certificate, certificate.holder.uscc)
    assert verify_certificate(workbench, certificate.number, code).genuine
    insider_sql(url, "UPDATE applicants SET name = '冒名顶替有限公司' WHERE id = 'demo-consumer'")
    printed = certificate_html(workbench.scheme, CertificateSources.read(workbench, certificate))
    assert certificate.holder.name in printed and "冒名顶替" not in printed  # the certificate states its holder
    assert verify_certificate(workbench, certificate.number, code).genuine

    scope = dict(certificate.scope.as_dict(), domains=["a", "b"])
    insider_sql(url, "UPDATE certificates SET scope = :scope WHERE number = :number", scope=json.dumps(scope),
                number=certificate.number)
    check = verify_certificate(workbench, certificate.number, code)
    assert check.outcome == "altered" and check.altered == "scope"
    [(stated,)] = insider_sql(url, "SELECT holder FROM certificates WHERE number = :number", number=certificate.number)
    insider_sql(url, "UPDATE certificates SET holder = :holder WHERE number = :number", number=certificate.number,
                holder=json.dumps(dict(json_value(stated), name="冒名顶替有限公司"), ensure_ascii=False))
    assert verify_certificate(workbench, certificate.number, code).altered == "holder、scope"
    exit_code, report = _verify(command)
    assert exit_code == 1
    assert ("certificates", certificate.number, "differs", ("holder", "scope")) in _problems(report)


def test_a_superseded_number_answers_as_superseded_and_a_deleted_one_as_issued_and_gone(store, backend):
    url, command, workbench = store
    first, current = workbench.certificate_chain("demo-industrial")[:2]
    old = verify_certificate(workbench, first.number, verification_code(first, first.holder.uscc))
    assert old.genuine and old.status == "superseded" and not old.valid
    # Past the foreign keys, as the database's owner can (sqlite3 has them off; a superuser turns them off).
    past_the_keys = ("SET LOCAL session_replication_role = replica",) if backend == "postgresql" else ()
    insider_sql(url, *past_the_keys, "DELETE FROM status_changes WHERE certificate_number = :number",
                "DELETE FROM certificates WHERE number = :number", number=first.number)
    gone = verify_certificate(workbench, first.number, "AAAA-AAAA-AAAA-AAAA")
    assert gone.outcome == "removed" and "曾由本机构颁发" in gone.message()[0]
    assert verify_certificate(workbench, "XBHT-SM-2020-A00404", "AAAA-AAAA-AAAA-AAAA").outcome == "unknown"
    exit_code, report = _verify(command)
    assert exit_code == 1 and ("certificates", first.number, "removed", ()) in _problems(report)


def test_a_finding_closed_or_downgraded_in_sql_is_named(store):
    """A finding is a statement too (grade, item, dates), and so is its corrective action (its
    verification closes the finding)."""
    url, command, workbench = store
    [(finding_id,)] = insider_sql(url, "SELECT id FROM findings ORDER BY grade = 'major' DESC, id LIMIT 1")
    actions = insider_sql(url, "SELECT id FROM corrective_actions WHERE finding_id = :finding ORDER BY id",
                          finding=finding_id)
    action = actions[0] if actions else None
    insider_sql(url, "UPDATE findings SET grade = 'observation', raised_on = '2026-01-01' WHERE id = :finding",
                finding=finding_id)
    expected = {("findings", str(finding_id), "differs", ("grade", "raised_on"))}
    if action is not None:
        insider_sql(url, "UPDATE corrective_actions SET verified_on = '2026-11-01', verified_by = 'A02' WHERE id = :id",
                    id=action[0])
    exit_code, report = _verify(command)
    assert exit_code == 1 and expected <= _problems(report)
    if action is not None:
        assert any(p[0] == "corrective_actions" and p[1] == str(action[0]) for p in _problems(report))


def test_every_write_seals_what_it_changed(store):
    """A status change through the workbench seals the certificate's new status and the change:
    verify stays clean, and the new statement is in the trail."""
    from .conftest import suspend
    url, command, workbench = store
    number = workbench.certificate_for("demo-consumer").number
    with workbench.clock.at(date(2026, 12, 10)):
        suspend(workbench, number, date(2026, 12, 10))
    assert workbench.certificate_seal(number) is None
    assert _verify(command)[0] == 0
    said = [json_value(d)["statement"]["fields"]["status"] for d, in insider_sql(
        url, "SELECT detail FROM audit_trail WHERE action = 'seal' AND entity = 'certificate' AND entity_id = :number "
             "ORDER BY id", number=number)]
    assert said[-1] == "suspended" and said[0] == "valid"
