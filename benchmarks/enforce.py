"""`audit-workbench enforce` over a portfolio, the administrator's nightly job (issue 22 §1): every
certificate in force checked for what the rules make due. Baseline in the same run: reading each
applicant's certificate and its status history, the least any such check must read. The store is
built once by `demo --portfolio N` (about 2.5 s an applicant through the real pipeline) and kept in
.data/ for later runs; ENFORCE_APPLICANTS sets N (default 200). Target: 3,000 certificates within
a minute overnight, so at most 20 ms a certificate."""
from __future__ import annotations

import os
import sqlite3
import sys

from _common import DATA, measure, portfolio_store, report

APPLICANTS = int(os.environ.get("ENFORCE_APPLICANTS", "200"))


def main() -> bool:
    built = portfolio_store(APPLICANTS)
    copy = DATA / f"enforce-{APPLICANTS}-run.sqlite"
    copy.unlink(missing_ok=True)
    # enforce writes what is automatic: each run starts from the same store, copied through SQLite's
    # backup (the newest writes may still be in the WAL file, which a file copy would miss)
    with sqlite3.connect(built) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    setup = (f"from audit_widgets.store.repository import Workbench\n"
             f"workbench = Workbench('sqlite:///{copy}', actor='P01')\n"
             "applicants = [a.id for a in workbench.list_applicants()]\n")
    baseline = measure(setup, "result = sum(len(workbench.status_history(c.number)) for c in "
                              "(workbench.certificate_for(a) for a in applicants) if c is not None)")
    enforced = measure(setup + "from audit_widgets.enforcement import enforce\n",
                       "result = [d.line() for d in enforce(workbench)]")
    per = enforced["seconds"] / APPLICANTS * 1000
    print(f"{APPLICANTS} applicants; due: {len(enforced['result'])}")
    report("baseline: certificate and status history of each", baseline["seconds"], "s")
    report("enforce: every certificate in force", enforced["seconds"], "s")
    report("enforce per applicant", per, "ms", limit=20)
    report("enforce / baseline", enforced["seconds"] / max(baseline["seconds"], 1e-9), "x")
    return per <= 20


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
