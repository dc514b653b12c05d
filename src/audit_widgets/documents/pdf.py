"""HTML to PDF by headless Chromium's print-to-PDF: the browser the tests already use, offline,
and it embeds (subsets) the fonts it draws with, so the PDF shows Chinese on any reader.

One Chromium per process, started at the first print and kept warm for the next (a start costs
about 1.5 s of a print's 2): a thread of its own drives it through Playwright, since Playwright's
sync API belongs to the thread that starts it and cannot run on a thread with an event loop (a
kernel's, when 01 prints the refusal letter). Jobs queue to that thread, one page each.
"""
from __future__ import annotations

import atexit
import os
import queue
import shutil
import threading
from concurrent.futures import Future
from pathlib import Path

from ..errors import WorkbenchError
from ..files import temporary_beside

CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by `make system-packages`
PRINT_TIMEOUT_SECONDS = 120
MAX_ERROR_CHARS = 400
# No network, no first-run or update work: print jobs and nothing else (Playwright adds --headless
# and a throwaway profile).
CHROMIUM_FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


class PdfError(WorkbenchError):
    """Chromium is missing or could not print the file."""

    code = "pdf.failed"


def chromium_path() -> str:
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not found:
        raise PdfError("未找到 Chromium，无法生成 PDF；请运行 make system-packages 安装",
                       "Chromium is not installed, so no PDF can be made; run `make system-packages`", code="pdf.no_chromium")
    return found


class _Printer:
    """The process's warm Chromium and the thread that drives it."""

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._executable = ""
        self._lock = threading.Lock()

    def print(self, executable: str, html_path: Path, pdf_path: Path) -> None:
        with self._lock:
            if self._executable != executable:  # another browser is asked for: start that one
                self.stop()
            if self._thread is None or not self._thread.is_alive():
                self._jobs = queue.Queue()
                self._executable = executable
                self._thread = threading.Thread(target=self._serve, args=(executable, self._jobs), name="pdf-printer",
                                                daemon=True)
                self._thread.start()
            done: Future = Future()
            self._jobs.put((html_path, pdf_path, done))
        done.result(timeout=PRINT_TIMEOUT_SECONDS)

    @staticmethod
    def _serve(executable: str, jobs: queue.Queue) -> None:
        from playwright.sync_api import sync_playwright
        job = jobs.get()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_FLAGS))
                while job is not None:
                    html_path, pdf_path, done = job
                    try:
                        page = browser.new_page()
                        try:
                            page.goto(html_path.as_uri(), wait_until="load")
                            page.pdf(path=str(pdf_path), prefer_css_page_size=True, print_background=True)
                        finally:
                            page.close()
                        done.set_result(None)
                    except Exception as exc:  # the caller gets it; the browser serves the next job
                        done.set_exception(exc)
                    job = jobs.get()
                browser.close()
        except Exception as exc:  # Chromium would not start, or died: every waiting job gets the reason
            while job is not None:
                if not job[2].done():
                    job[2].set_exception(exc)
                job = jobs.get() if not jobs.empty() else None

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=10)


_printer = _Printer()
atexit.register(_printer.stop)


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print `html_path` to `pdf_path`. The PDF is written beside its target and renamed into
    place, so a failed print leaves the previous PDF as it was."""
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    if not html_path.is_file():
        raise PdfError("要打印的 HTML 文件不存在", "The HTML file to print does not exist", file=html_path)
    executable = chromium_path()  # a missing browser is a plain message before anything starts
    temporary_path = temporary_beside(pdf_path)
    try:
        try:
            _printer.print(executable, html_path, temporary_path)
        except TimeoutError:
            raise PdfError(f"Chromium 在 {PRINT_TIMEOUT_SECONDS} 秒内未能打印完成",
                           f"Chromium did not finish printing within {PRINT_TIMEOUT_SECONDS} s", file=html_path) from None
        except Exception as exc:
            detail = str(exc).strip()[-MAX_ERROR_CHARS:]
            raise PdfError(f"Chromium 打印 PDF 失败：{detail}", f"Chromium failed to print the PDF: {detail}",
                           file=html_path) from None
        if temporary_path.stat().st_size == 0:
            raise PdfError("Chromium 生成了空的 PDF", "Chromium printed an empty PDF", file=html_path)
        os.replace(temporary_path, pdf_path)
    finally:
        temporary_path.unlink(missing_ok=True)
    return pdf_path
