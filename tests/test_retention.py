"""Records past their retention (issue 22 §4), on the demo as it stood four years ago: disposal
deletes an audit's records but never a certificate, its number or its status history, and
leaves the audit's row saying when, by whom and why."""
import json
from datetime import date

import pytest
from click.testing import CliRunner
from dateutil.relativedelta import relativedelta

from audit_widgets.cli import cli
from audit_widgets.errors import WorkbenchError
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench
from audit_widgets.timeline import applicant_timeline


@pytest.fixture(scope="module")
def old_demo(tmp_path_factory, scheme) -> str:
    from audit_widgets.demo import create_demo
    url = f"sqlite:///{tmp_path_factory.mktemp('old') / 'old.sqlite'}"
    upgrade(get_engine(url))
    create_demo(Workbench(url, scheme, actor="P01"), echo=lambda _: None, today=date.today() - relativedelta(years=4))
    return url


def test_disposal_keeps_every_certificate_its_history_and_a_record_of_what_went(old_demo, scheme):
    workbench = Workbench(old_demo, scheme, actor="P01")
    due = {(r.applicant_id, r.audit_type) for r, _ in workbench.records_due_for_disposal(date.today())}
    assert due == {("demo-industrial", "initial"), ("demo-industrial", "surveillance"), ("demo-special", "initial")}
    chain = workbench.certificate_chain("demo-industrial")
    histories = {c.number: workbench.status_history(c.number) for c in chain}
    first = workbench.audits("demo-industrial")[0]
    result = CliRunner().invoke(cli, ["--db", old_demo, "--as", "P01", "records", "dispose", "--audit", str(first.id),
                                      "--reason", "保存期满（两个认证周期）", "--yes", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["checklist_answers"] and counts["stage_results"] and "certificates" not in counts
    # The register keeps every certificate and its history; the successor's "replaces" resolves.
    assert workbench.certificate_chain("demo-industrial") == chain
    assert {c.number: workbench.status_history(c.number) for c in chain} == histories
    assert workbench.find_certificate(chain[-1].replaces) == chain[0] and chain[0].audit_id == first.id
    # The audit is gone from the working lists but resolves, saying what happened to it.
    assert first.id not in {a.id for a in workbench.audits("demo-industrial")}
    disposed = workbench.audit(first.id)
    assert disposed.disposed_on == date.today() and workbench.decision(first.id) is not None
    timeline = applicant_timeline(workbench, "demo-industrial")
    assert timeline.audits[0]["disposed_on"] == date.today() and timeline.audits[0]["decision"] == "certify"
    assert any("records disposed of" in line for _, line in timeline.lines())
    entry = [t for t in workbench.trail("audit") if t.action == "dispose"][-1]
    assert entry.actor == "P01" and entry.detail["reason"] == "保存期满（两个认证周期）"
    assert workbench.cycle_start(chain[0]) == workbench.decision(first.id).decided_on  # dates still resolve
    with pytest.raises(WorkbenchError, match="已于"):
        workbench.dispose_of_audit(first.id, date.today(), "再次")
