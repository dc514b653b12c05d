"""Sealed records (issue 24 §1): what the signed statements cost. Three figures, each beside its
baseline in the same run: building the demo store (every write seals what it changed) against the
same build with sealing switched off; `verify` over a portfolio store with and without checking
every sealed row; and reading every audit's decision, which checks its seal, against the plain
read. Targets: sealing adds at most 10% to the demo build, and verify stays under 10 s for the
portfolio (SEALING_APPLICANTS, default 100: built once by `demo --portfolio` and kept in .data/)."""
from __future__ import annotations

import os
import sys

from _common import measure, portfolio_store, report

APPLICANTS = int(os.environ.get("SEALING_APPLICANTS", "100"))
DEMO = """
import os, tempfile
os.environ["AUDIT_WORKBENCH_DATA"] = tempfile.mkdtemp(prefix="sealing-data-")
os.environ["AUDIT_WORKBENCH_OUTPUTS"] = tempfile.mkdtemp(prefix="sealing-outputs-")
from audit_widgets.demo import create_demo
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench
url = f"sqlite:///{tempfile.mkdtemp(prefix='sealing-')}/demo.sqlite"
upgrade(get_engine(url))
workbench = Workbench(url, actor="P01")
"""
# Sealing off: no statement written, and so none checked when a decision is read.
UNSEALED = ("from audit_widgets.store import sealing\nfrom audit_widgets.store.base import StoreBase\n"
            "StoreBase._seal = lambda self, session: None\nsealing.refuse_unless_sealed = lambda *args: None\n"
            "sealing.check_row = lambda *args: None\n")


def main() -> bool:
    sealed_build = measure(DEMO, "create_demo(workbench, echo=lambda _: None)")
    plain_build = measure(DEMO + UNSEALED, "create_demo(workbench, echo=lambda _: None)")
    store = portfolio_store(APPLICANTS)
    setup = (f"from audit_widgets.store.repository import Workbench\nfrom audit_widgets.store import sealing, verification\n"
             f"workbench = Workbench('sqlite:///{store}', actor='P01')\n"
             "audits = [a.id for x in workbench.list_applicants() for a in workbench.audits(x.id)]\n")
    verified = measure(setup, "r = workbench.verify(); result = [r.ok, r.sealed_rows, r.trail_entries]")
    verified_plain = measure(setup + "verification.unsealed_rows = lambda session: (0, [])\n",
                             "r = workbench.verify(); result = [r.ok, r.trail_entries]")
    reads = measure(setup, "result = sum(workbench.decision(a) is not None for a in audits)")
    reads_plain = measure(setup + "sealing.refuse_unless_sealed = lambda *args: None\n",
                          "result = sum(workbench.decision(a) is not None for a in audits)")
    ok, rows, entries = verified["result"]
    overhead = sealed_build["seconds"] / plain_build["seconds"] - 1
    print(f"portfolio of {APPLICANTS} applicants: {rows} sealed rows, {entries} trail entries, verify ok: {ok}; "
          f"{reads['result']} decisions read")
    report("baseline: demo store built without sealing", plain_build["seconds"], "s")
    report("demo store built, every write sealing what it changed", sealed_build["seconds"], "s")
    report("sealing's share of the demo build", overhead * 100, "%", limit=10)
    report("baseline: verify without the sealed-row check", verified_plain["seconds"], "s")
    report("verify, every sealed row against its statement", verified["seconds"], "s", limit=10)
    report("baseline: every audit's decision, plain read", reads_plain["seconds"], "s")
    report("every audit's decision, its seal checked", reads["seconds"], "s")
    return ok and overhead <= 0.10 and verified["seconds"] <= 10


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
