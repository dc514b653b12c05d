"""Run every benchmark and print its figures; exit non-zero if one misses its target."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch_20  # noqa: E402
import checklist_jupyterlab  # noqa: E402
import dashboard_500  # noqa: E402
import enforce  # noqa: E402
import import_1m  # noqa: E402
import import_limits  # noqa: E402
import kpis_1m  # noqa: E402
import login_to_widgets  # noqa: E402
import report_pdf  # noqa: E402
import scoring_1000  # noqa: E402
import sealing_cost  # noqa: E402
import service_roundtrip  # noqa: E402
import trace_cost  # noqa: E402

if __name__ == "__main__":
    results = []
    for module in (kpis_1m, import_1m, scoring_1000, checklist_jupyterlab, dashboard_500, report_pdf, batch_20,
                   enforce, sealing_cost, import_limits, trace_cost, service_roundtrip,
                   login_to_widgets):
        print(f"\n== {module.__name__}: {module.__doc__.strip().splitlines()[0]}")
        results.append(module.main())
    sys.exit(0 if all(results) else 1)
