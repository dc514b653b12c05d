"""KPIs with monthly control charts over 1,000,000 work orders read from CSV.

Target (issue #2): at most 5 s end to end and 2 GB peak memory on the 2-core machine. The
floor beside it is a plain pandas read of the same file."""
from __future__ import annotations

import sys

from _common import DATA, measure, report

ROWS = 1_000_000


def csv_path():
    path = DATA / f"work_orders_{ROWS}.csv"
    if not path.exists():
        from audit_widgets.demo.data import work_order_log, write_csv
        write_csv(work_order_log(ROWS, seed=2026), path)
    return path


def main() -> bool:
    path = csv_path()
    print(f"file: {path.name}, {path.stat().st_size / 2**20:.0f} MiB")
    plain = measure("import pandas as pd", f"result = len(pd.read_csv({str(path)!r}))")
    arrow = measure("import pandas as pd", f"result = len(pd.read_csv({str(path)!r}, engine='pyarrow'))")
    ours = measure(
        "from audit_widgets.imports.work_orders import read_work_orders\n"
        "from audit_widgets.rules.kpis import compute_kpis\n"
        "from audit_widgets.scheme import load_scheme\n"
        f"scheme = load_scheme({str(DATA.parent.parent / 'parameters' / 'scheme')!r})",
        f"orders = read_work_orders({str(path)!r}).read_all()\n"
        "kpis = compute_kpis(orders, scheme)\n"
        "result = [len(orders), len(kpis.monthly), int(kpis.monthly['out_of_control'].sum())]",
    )
    rows, monthly_rows, flagged = ours["result"]
    print(f"rows {rows}, monthly chart points {monthly_rows}, out of control {flagged}")
    report("floor: plain pandas read_csv (C engine)", plain["seconds"], "s")
    report("floor: pandas read_csv (pyarrow engine)", arrow["seconds"], "s")
    ok = report("import + validate + KPIs + control charts, end to end", ours["seconds"], "s", 5.0)
    ok &= report("peak memory of that run", ours["peak_mib"], "MiB", 2048)
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
