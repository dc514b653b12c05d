"""The audit report PDF of one demo applicant (issue #9): the seconds to build its HTML (read the
recorded results, draw the control charts) and to print it with headless Chromium.

Baseline in the same run: printing a one-line HTML page by a fresh Chromium process
(`chromium --headless --print-to-pdf`, how every PDF was printed before issue 23 §8), beside the
same page and the report printed by the process's one warm Chromium (documents/pdf.py).
Target: the report PDF (HTML + print) in at most 3 s on 2 cores. The demo store is built once
(about 30 s) and kept in .data/ for later runs."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import DATA, report

APPLICANT = "demo-consumer"
RUNS = 3
TARGET_SECONDS = 3.0
# The demo's evidence, signing key and inputs stay in the benchmark's folder, not in data/ or outputs/.
os.environ.setdefault("AUDIT_WORKBENCH_DATA", str(DATA / "documents-data"))
os.environ.setdefault("AUDIT_WORKBENCH_OUTPUTS", str(DATA / "documents-outputs"))


def store() -> str:
    from audit_widgets.demo import create_demo
    from audit_widgets.store.database import get_engine, upgrade
    from audit_widgets.store.repository import Workbench
    path = DATA / "documents-demo.sqlite"
    ready = path.with_suffix(".ready")  # written last: a build that was interrupted is made again
    if not ready.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        for leftover in DATA.glob(f"{path.name}*"):
            leftover.unlink()
        upgrade(get_engine(f"sqlite:///{path}"))
        create_demo(Workbench(f"sqlite:///{path}", actor="benchmark"), echo=lambda _: None)
        ready.touch()
    url = f"sqlite:///{path}"
    upgrade(get_engine(url))  # a store kept from an earlier run gets the newer migrations
    return url


def cold_print(html_path: Path, pdf_path: Path) -> None:
    """The previous way: a Chromium process of its own for one print."""
    from audit_widgets.documents.pdf import CHROMIUM_FLAGS, chromium_path
    with tempfile.TemporaryDirectory(prefix="aw-chromium-") as profile:
        subprocess.run([chromium_path(), "--headless", *CHROMIUM_FLAGS, "--no-pdf-header-footer",
                        f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}", html_path.as_uri()],
                       capture_output=True, check=True, timeout=120)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> bool:
    from audit_widgets.documents.pdf import html_to_pdf
    from audit_widgets.documents.report import report_html, report_paths
    from audit_widgets.store.repository import Workbench

    workbench = Workbench(store(), actor="benchmark")
    folder = Path(tempfile.mkdtemp(prefix="report-pdf-"))
    trivial = folder / "one_line.html"
    trivial.write_text("<!DOCTYPE html><meta charset='utf-8'><p>一行 one line</p>", encoding="utf-8")
    baseline = [timed(lambda: cold_print(trivial, folder / "cold.pdf")) for _ in range(RUNS)]
    first = timed(lambda: html_to_pdf(trivial, folder / "one_line.pdf"))  # starts the warm browser
    warm = [timed(lambda: html_to_pdf(trivial, folder / "one_line.pdf")) for _ in range(RUNS)]

    html_path, pdf_path = report_paths(APPLICANT, folder)
    builds, prints = [], []
    for _ in range(RUNS):
        builds.append(timed(lambda: html_path.write_text(report_html(workbench, APPLICANT), encoding="utf-8")))
        prints.append(timed(lambda: html_to_pdf(html_path, pdf_path)))
    print(f"{APPLICANT}: report {html_path.stat().st_size / 1024:.0f} KiB HTML, {pdf_path.stat().st_size / 1024:.0f} KiB "
          f"PDF; median of {RUNS} (the first build also imports Altair and vl-convert: {builds[0]:.2f} s)")
    report("baseline: one-line HTML → PDF, a fresh Chromium per print", statistics.median(baseline), "s")
    report("one-line HTML → PDF, the first print (starts the warm Chromium)", first, "s")
    report("one-line HTML → PDF, warm Chromium", statistics.median(warm), "s")
    charts = html_path.read_text(encoding="utf-8").count("<svg")
    report(f"report HTML: recorded results + {charts} SVG figures", statistics.median(builds), "s")
    report("report HTML → PDF (Chromium)", statistics.median(prints), "s")
    total = statistics.median(builds) + statistics.median(prints)
    report("report PDF for one applicant (HTML + PDF), target ≤ 3 s", total, "s")
    return total <= TARGET_SECONDS


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
