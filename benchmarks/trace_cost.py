"""What issue 24's later checks cost, each beside its baseline in the same run:
- the ledger row written as `running` before each notebook (§9: a killed batch leaves a trace),
  against recording the run once at its end: per notebook, with a notebook taking about 0.7 s;
- the check of an actor's roles against their approved role changes (§4) before every write:
  `require` (the permission check every write makes) with and without it.
Targets: at most 20 ms a notebook for the ledger, at most 2 ms a write for the roles."""
from __future__ import annotations

import sys

from _common import measure, report

RUNS = 300
CHECKS = 2000
SETUP = """
import os, tempfile
from datetime import datetime, timezone
os.environ["AUDIT_WORKBENCH_DATA"] = tempfile.mkdtemp(prefix="trace-data-")
from audit_widgets.contract import Action
from audit_widgets.demo.audits import register_auditors
from audit_widgets.domain import NotebookRun
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench
url = f"sqlite:///{tempfile.mkdtemp(prefix='trace-')}/store.sqlite"
upgrade(get_engine(url))
workbench = Workbench(url, actor="P01")
register_auditors(workbench)
now = datetime.now(timezone.utc)
run = NotebookRun("bench", "nobody", "01_application", now, now, "ok", (), "h" * 64, {})
"""
ROLES_OFF = "from audit_widgets.store import authorisation\nauthorisation.refuse_unless_granted = lambda *a: None\n"


def main() -> bool:
    once = measure(SETUP, f"for _ in range({RUNS}): workbench.record_run(run)")
    traced = measure(SETUP, f"for _ in range({RUNS}): workbench.record_run(run, workbench.begin_run(run))")
    checked = measure(SETUP, f"for _ in range({CHECKS}): workbench.require(Action.PEOPLE)")
    unchecked = measure(SETUP + ROLES_OFF, f"for _ in range({CHECKS}): workbench.require(Action.PEOPLE)")
    per_run = (traced["seconds"] - once["seconds"]) / RUNS * 1000
    per_check = (checked["seconds"] - unchecked["seconds"]) / CHECKS * 1000
    report(f"baseline: {RUNS} runs recorded once, ms a run", once["seconds"] / RUNS * 1000, "ms")
    report(f"{RUNS} runs begun, then ended, ms a run", traced["seconds"] / RUNS * 1000, "ms")
    ledger_ok = report("added by the running row, ms a notebook", per_run, "ms", limit=20)
    report(f"baseline: {CHECKS} permission checks without the roles check, ms", unchecked["seconds"] / CHECKS * 1000,
           "ms")
    report(f"{CHECKS} permission checks with it, ms", checked["seconds"] / CHECKS * 1000, "ms")
    roles_ok = report("added by the roles check, ms a write", per_check, "ms", limit=2)
    return ledger_ok and roles_ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
