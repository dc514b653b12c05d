"""Importing a 1,000,000-row work-order CSV into the store (issue 12 §4).

Targets: at most 20 s and 1 GB peak memory end to end (read, check every value, write), and
the write lock held for a few seconds at most (every write transaction is timed; the longest
counts). The baseline beside it is the floor for the same rows: Python's csv module into
sqlite3's executemany, with no checking at all.

On PostgreSQL (issue 26 §1; a throwaway server, tests/postgres.py) the same import goes through
COPY; beside it, the same import through INSERTs (psycopg's executemany), in the same run.

Memory must not grow with the file: the same import of 250,000 and 3,000,000 rows (the
largest file the default row limit admits) peaks within GROWTH_TARGET_MIB of each other.
Beside it, pandas reading each file whole shows how memory grows when a file is held."""
from __future__ import annotations

import itertools
import sys
import tempfile

from _common import DATA, measure, report
from kpis_1m import csv_path

ROOT = DATA.parent.parent
LOCK_TARGET_S = 5.0
GROWTH_TARGET_MIB = 256  # from a quarter of a million rows to three million

SETUP = f"""
import atexit, os, shutil, tempfile, time
folder = tempfile.mkdtemp()
atexit.register(shutil.rmtree, folder, True)  # a million-row store per run: not left behind
os.environ["AUDIT_WORKBENCH_DATA"] = folder
from audit_widgets.demo.audits import register_auditors
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.scheme import load_scheme
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench
url = f"sqlite:///{{folder}}/bench.sqlite"
upgrade(get_engine(url))
scheme = load_scheme({str(ROOT / 'parameters' / 'scheme')!r})
workbench = Workbench(url, scheme, actor="P01")
register_auditors(workbench)
workbench.add_applicant(read_applicant_file({str(ROOT / 'parameters' / 'applicants' / 'demo-consumer.yaml')!r}, scheme))
audit = workbench.open_audit("demo-consumer")  # the imports are this audit's evidence
# Time every write transaction: the longest is how long anyone else's write could wait.
import contextlib
from audit_widgets.store import base
held = []
plain_transaction = base.write_transaction
@contextlib.contextmanager
def timed_transaction(engine, **options):
    begun = time.perf_counter()
    with plain_transaction(engine, **options) as session:
        yield session
    held.append(time.perf_counter() - begun)
base.write_transaction = timed_transaction
"""
BODY = """
parsed = read_work_orders({path!r})
held.clear()
summary = workbench.import_work_orders("demo-consumer", parsed)
result = [summary["rows"], max(held), len(held)]
"""
# The same file again: it replaces the million rows now in force (the old ones are removed in steps).
AGAIN = """
started = time.perf_counter()
held.clear()
summary = workbench.import_work_orders("demo-consumer", parsed)
result += [time.perf_counter() - started, max(held), len(workbench.work_orders(audit))]
"""
BASELINE = """
import atexit, csv, shutil, sqlite3, tempfile
folder = tempfile.mkdtemp()
atexit.register(shutil.rmtree, folder, True)
connection = sqlite3.connect(folder + "/floor.sqlite")
"""
BASELINE_BODY = """
with open({path!r}, newline="", encoding="utf-8") as handle:
    rows = csv.reader(handle)
    header = next(rows)
    connection.execute("CREATE TABLE orders (" + ", ".join(f'"{{c}}" TEXT' for c in header) + ")")
    connection.executemany("INSERT INTO orders VALUES (" + ", ".join("?" * len(header)) + ")", rows)
connection.commit()
result = connection.execute("SELECT count(*) FROM orders").fetchone()[0]
"""


SQLITE_URL = 'url = f"sqlite:///{folder}/bench.sqlite"'


def on(url: str, *, copy: bool = True) -> str:
    """SETUP on another database; `copy=False`: INSERTs instead of PostgreSQL's COPY."""
    assert SQLITE_URL in SETUP
    return (SETUP.replace(SQLITE_URL, f"url = {url!r}")
            + ("" if copy else "from audit_widgets.store import applicants\napplicants.USE_COPY = False\n"))


def postgresql(path) -> bool:
    sys.path.insert(0, str(ROOT))
    from tests.postgres import PostgresServer
    server = PostgresServer()
    try:
        copied = measure(on(server.database(migrated=False)), BODY.format(path=str(path)))
        inserted = measure(on(server.database(migrated=False), copy=False), BODY.format(path=str(path)))
    finally:
        server.stop()
    assert copied["result"][0] == inserted["result"][0]
    report("PostgreSQL baseline: the import through INSERTs (executemany)", inserted["seconds"], "s")
    ok = report("PostgreSQL: the import through COPY (end to end)", copied["seconds"], "s", 20.0)
    report("PostgreSQL: peak memory of the import", copied["peak_mib"], "MiB")
    return report(f"PostgreSQL: longest write lock held (of {copied['result'][2]} write transactions)",
                  copied["result"][1], "s", LOCK_TARGET_S) and ok


def sized_files(path):
    """The 1M-row file cut to 250,000 rows, and tripled to 3,000,000 (order ids made unique).
    Written line by line: this process's memory is where each measuring child starts."""
    quarter, triple = DATA / "work_orders_250000.csv", DATA / "work_orders_3000000.csv"
    if not quarter.exists() or not triple.exists():
        with path.open(encoding="utf-8") as source, quarter.open("w", encoding="utf-8") as out:
            out.writelines(itertools.islice(source, 250_001))
        with triple.open("w", encoding="utf-8") as out:
            for prefix in ("WO", "WA", "WB"):
                with path.open(encoding="utf-8") as source:
                    header = next(source)
                    if prefix == "WO":
                        out.write(header)
                    out.writelines(prefix + row[2:] for row in source)
    return quarter, triple


def memory_growth(path) -> bool:
    quarter, triple = sized_files(path)
    peaks, whole = [], []
    for file in (quarter, path, triple):
        peaks.append(measure(SETUP, BODY.format(path=str(file)))["peak_mib"])
        whole.append(measure("import pandas as pd", f"result = len(pd.read_csv({str(file)!r}, dtype=str))")["peak_mib"])
    for rows, peak, held in zip(("250,000", "1,000,000", "3,000,000"), peaks, whole):
        report(f"pandas read_csv whole, {rows} rows (memory held)", held, "MiB")
        report(f"import, {rows} rows: peak memory", peak, "MiB")
    return report("import's memory growth from 250,000 to 3,000,000 rows", peaks[2] - peaks[0], "MiB",
                  GROWTH_TARGET_MIB)


def main() -> bool:
    path = csv_path()
    print(f"file: {path.name}, {path.stat().st_size / 2**20:.0f} MiB")
    floor = measure(BASELINE, BASELINE_BODY.format(path=str(path)))
    ours = measure(SETUP, BODY.format(path=str(path)))
    again = measure(SETUP, BODY.format(path=str(path)) + AGAIN)
    rows, lock_seconds, transactions = ours["result"]
    _, _, _, replace_seconds, replace_lock, rows_after = again["result"]
    assert rows_after == rows  # the old rows went, the new ones are in force
    assert rows == floor["result"], (rows, floor["result"])  # every row of the file, none lost
    report("floor: csv module + sqlite3 executemany, no checks", floor["seconds"], "s")
    ok = report("import: read, check every value, write (end to end)", ours["seconds"], "s", 20.0)
    ok &= report("peak memory of the import", ours["peak_mib"], "MiB", 1024)
    ok &= report(f"longest write lock held (of {transactions} write transactions)", lock_seconds, "s",
                 LOCK_TARGET_S)
    report("write of the same file again, replacing the rows in force", replace_seconds, "s")
    ok &= report("longest write lock held while replacing", replace_lock, "s", LOCK_TARGET_S)
    ok &= postgresql(path)
    return memory_growth(path) and ok


if __name__ == "__main__":
    tempfile.tempdir = None
    sys.exit(0 if main() else 1)
