"""Helpers shared by the benchmarks: a fixed data folder and a child process that reports
its own wall time and peak memory, so each figure is measured in a clean interpreter."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"

CHILD = """
import json, resource, sys, time
setup = {setup!r}
body = {body!r}
namespace = {{}}
exec(setup, namespace)
start = time.perf_counter()
exec(body, namespace)
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": elapsed, "peak_mib": peak_kib / 1024, "result": namespace.get("result")}}))
"""


def measure(setup: str, body: str) -> dict:
    """Run `setup` (not timed) then `body` (timed) in a fresh Python; return seconds, peak MiB."""
    code = CHILD.format(setup=setup, body=body)
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(name: str, figure: float, unit: str, limit: float | None = None) -> bool:
    verdict = "" if limit is None else ("  OK" if figure <= limit else f"  OVER the limit of {limit:g} {unit}")
    print(f"{name:<58} {figure:10.3f} {unit}{verdict}")
    return limit is None or figure <= limit


def portfolio_store(applicants: int) -> Path:
    """A store of `applicants` (the 4 demo applicants and the rest from `demo --portfolio`), built
    once in .data/ and kept. Built in place, with a `.ready` marker written last (renaming a SQLite
    file whose WAL files are still beside it would lose what the WAL holds)."""
    path = DATA / f"portfolio-{applicants}.sqlite"
    ready = path.with_suffix(".ready")
    if not ready.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        for leftover in DATA.glob(f"portfolio-{applicants}.*"):
            leftover.unlink()
        workbench = [str(Path(sys.executable).parent / "audit-workbench"), "--db", f"sqlite:///{path}"]
        subprocess.run([*workbench, "db", "init"], check=True, capture_output=True)
        subprocess.run([*workbench, "--as", "P01", "demo", "--portfolio", str(applicants - 4)], check=True,
                       capture_output=True)
        ready.touch()
    from audit_widgets.store.database import get_engine, upgrade
    upgrade(get_engine(f"sqlite:///{path}"))  # a store kept from an earlier run gets the newer migrations
    return path
