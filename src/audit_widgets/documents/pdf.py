"""HTML to PDF by headless Chromium's print-to-PDF: the browser the tests already use, offline,
and it embeds (subsets) the fonts it draws with, so the PDF shows Chinese on any reader."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import WorkbenchError

CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by `make system-packages`
PRINT_TIMEOUT_SECONDS = 120
MAX_ERROR_CHARS = 400
# No network, no profile, no first-run or update work: a print job and nothing else.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer")


class PdfError(WorkbenchError):
    """Chromium is missing or could not print the file."""

    code = "pdf.failed"


def chromium_path() -> str:
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not found:
        raise PdfError("未找到 Chromium，无法生成 PDF；请运行 make system-packages 安装",
                       "Chromium is not installed, so no PDF can be made; run `make system-packages`", code="pdf.no_chromium")
    return found


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print `html_path` to `pdf_path`. The PDF is written beside its target and renamed into
    place, so a failed print leaves the previous PDF as it was."""
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    if not html_path.is_file():
        raise PdfError("要打印的 HTML 文件不存在", "The HTML file to print does not exist", file=html_path)
    browser = chromium_path()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{pdf_path.stem}-", suffix=".pdf.tmp", dir=pdf_path.parent)
    os.close(handle)
    temporary = Path(temporary)
    temporary.unlink()  # Chromium writes it; an empty file left behind would look like a print
    try:
        with tempfile.TemporaryDirectory(prefix="aw-chromium-") as profile:
            try:
                done = subprocess.run(
                    [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={temporary}",
                     html_path.as_uri()],
                    capture_output=True, text=True, timeout=PRINT_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                raise PdfError(f"Chromium 在 {PRINT_TIMEOUT_SECONDS} 秒内未能打印完成",
                               f"Chromium did not finish printing within {PRINT_TIMEOUT_SECONDS} s",
                               file=html_path) from None
        if done.returncode != 0 or not temporary.exists() or temporary.stat().st_size == 0:
            detail = (done.stderr or done.stdout or "").strip()[-MAX_ERROR_CHARS:]
            raise PdfError(f"Chromium 打印 PDF 失败（退出码 {done.returncode}）：{detail}",
                           f"Chromium failed to print the PDF (exit {done.returncode}): {detail}", file=html_path)
        os.replace(temporary, pdf_path)
    finally:
        temporary.unlink(missing_ok=True)
    return pdf_path
