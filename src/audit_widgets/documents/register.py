"""The body's own register of certificates: one row per certificate ever issued, with Chinese
headers, as XLSX or CSV (UTF-8 with a BOM, so that Excel reads the Chinese). Its columns are the
body's; the monthly report to the national platform has a format of its own. A cell Excel would
run as a formula is neutralised."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..body import beside_checkpoint, load_body
from ..contract import Status
from ..errors import InputFileError
from ..files import write_atomically
from ..render.results import status_reason
from ..spreadsheets import neutralise
from ..store.checkpoints import Checkpoint
from ..store.repository import Workbench
from .certificate import level_text

# The register's columns: header → what the row holds.
COLUMNS = {
    "number": "证书编号",
    "holder": "获证组织名称",
    "uscc": "统一社会信用代码",
    "address": "组织地址",
    "scope": "认证范围",
    "domains": "认证领域",
    "criteria": "认证依据",
    "mode": "认证模式",
    "level": "成熟度等级",
    "issued_on": "颁证日期",
    "expires_on": "证书到期日期",
    "status": "证书状态",
    "status_on": "状态变更日期",
    "status_reason": "状态变更原因",
    "certification_body": "认证机构",
}
SUFFIXES = (".xlsx", ".csv")
SHEET_TITLE = "证书信息"


def register_rows(workbench: Workbench) -> list[dict]:
    """One row per certificate, as the store holds it now (status and the reason of its last change)."""
    scheme = workbench.scheme
    domains = {d.id: d.name for d in scheme.domains}
    statuses = {s.id: s.name for s in scheme.certificate_statuses}
    meta = scheme.meta
    rows = []
    with workbench.reading() as view:
        for certificate in view.certificates():
            holder = view.get_applicant(certificate.applicant_id)
            history = view.status_history(certificate.number)
            last = history[-1] if history else None
            scope = certificate.scope
            rows.append({
                "number": certificate.number, "holder": holder.name, "uscc": holder.uscc, "address": holder.address,
                "scope": f"商品：{scope.goods}；售后服务：{scope.services}",
                "domains": "、".join(f"{domains.get(d, d)}（{d}）" for d in scope.domains),
                "criteria": f"{meta.rule}；{meta.criteria}",
                "mode": " + ".join(m.name for m in scheme.modes),
                "level": level_text(scheme, certificate.level_rank),
                "issued_on": certificate.issued_on.isoformat(), "expires_on": certificate.expires_on.isoformat(),
                "status": statuses.get(certificate.status, certificate.status),
                "status_on": last.on.isoformat() if last else "",
                "status_reason": status_reason(scheme, last) if last else "",
                "certification_body": load_body().name,
            })
    return rows


def _csv_bytes(table: list[list[str]]) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text).writerows(table)
    return text.getvalue().encode("utf-8-sig")


def _xlsx_bytes(table: list[list[str]], checkpoint: Checkpoint) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    book.properties.description = beside_checkpoint(checkpoint.label())
    sheet = book.active
    sheet.title = SHEET_TITLE
    for row in table:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"  # text, whatever it looks like: openpyxl would store "=…" as a formula
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(10, min(60, max(len(str(c.value)) for c in column) * 2))
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def export_register(workbench: Workbench, out: Path) -> Path:
    """Write the register to `out` (.xlsx or .csv, by its suffix), atomically; returns `out`."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputFileError(f"登记表只能导出为 {' 或 '.join(SUFFIXES)} 文件，而不是「{out.suffix or '无后缀'}」",
                             f"The register is exported as {' or '.join(SUFFIXES)}, not '{out.suffix or 'no suffix'}'",
                             file=out)
    table = [list(COLUMNS.values())] + [[neutralise(row[key]) for key in COLUMNS] for row in register_rows(workbench)]
    data = _xlsx_bytes(table, workbench.checkpoint()) if suffix == ".xlsx" else _csv_bytes(table)
    return write_atomically(out, data)


def published_list_html(workbench: Workbench) -> str:
    """The list of suspended and withdrawn certificates that the body publishes (issue 23 §7):
    number, holder, USCC, status, since when and why; nothing else."""
    from .templating import render
    statuses = {s.id: s.name for s in workbench.scheme.certificate_statuses}
    shown = {statuses.get(Status.SUSPENDED), statuses.get(Status.WITHDRAWN)}
    return render("published_list.html.j2", rows=[
        {k: row[k] for k in ("number", "holder", "uscc", "status", "status_on", "status_reason")}
        for row in register_rows(workbench) if row["status"] in shown])


def write_published_list(workbench: Workbench, out: Path) -> Path:
    return write_atomically(Path(out), published_list_html(workbench))
