"""The monthly report to CNCA's platform (issue 23 §4): `audit-workbench report cnca --month YYYY-MM
OUT.xlsx`. A month's audit plans (audits whose on-site days start in it), audit results (decisions
taken in it) and certificates (issued or changed in it), in the sheets, headers and order of
parameters/reporting/cnca.yaml. Every cell is checked before anything is written; a cell the
platform would reject is named by sheet, row and column, and nothing is written or recorded. What
was reported is recorded per line, so that a later run for the same month reports only the new
lines (新增) and the corrected ones (变更)."""
from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, ValidationError

from ..body import beside_checkpoint
from ..contract import Action
from ..documents.certificate import level_text
from ..errors import InputFileError, Problem, SchemeError
from ..paths import project_root
from ..render.results import status_reason
from ..store.repository import Workbench

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    header: str
    field: str
    required: bool = True
    pattern: str | None = None
    upper: bool = False  # letters upper case and no spaces


class Sheet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    rows: str  # audit_plans, audit_results, certificates
    columns: tuple[Column, ...]


class Layout(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    due_day: int
    audit_method: str
    operation_new: str
    operation_changed: str
    sheets: tuple[Sheet, ...]


def layout_file() -> Path:
    return project_root() / "parameters" / "reporting" / "cnca.yaml"


def load_layout(path: Path | None = None) -> Layout:
    path = path or layout_file()
    try:
        return Layout.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise SchemeError("CNCA 报送格式文件无效", f"The CNCA report layout is not valid: {exc}", file=path) from None


def due_on(layout: Layout, month: str) -> date:
    """The day the month's report is due: the layout's due_day of the next month."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1) + relativedelta(months=1, day=layout.due_day)


def _within(day: date | None, month: str) -> bool:
    return day is not None and day.strftime("%Y-%m") == month


def month_rows(workbench: Workbench, month: str, layout: Layout) -> dict[str, list[dict]]:
    """The month's lines by kind, each with its `key` (what identifies it across corrections)."""
    scheme = workbench.scheme
    types = {t.id: t.name for t in scheme.audit_types}
    statuses = {s.id: s.name for s in scheme.certificate_statuses}
    domains = {d.id: d.name for d in scheme.domains}
    rows: dict[str, list[dict]] = {"audit_plans": [], "audit_results": [], "certificates": []}
    with workbench.reading() as view:
        for applicant in view.list_applicants():
            for audit in view.audits(applicant.id):
                key = f"{applicant.id}-{audit.id}".upper()
                base = {"audit_key": key, "client_name": applicant.name, "uscc": applicant.uscc,
                        "scheme_name": scheme.meta.name, "audit_type": types.get(audit.audit_type, audit.audit_type)}
                programme = view.programme(audit.id)
                if programme is not None and _within(programme.audit_start, month):
                    team = view.team(audit.id)
                    sites = {s.name: s.address for s in applicant.sites}
                    chosen = programme.site_sample.sites if programme.site_sample else tuple(sites)
                    rows["audit_plans"].append({**base, "key": key, "audit_method": layout.audit_method,
                                                "audit_start": str(programme.audit_start),
                                                "audit_end": str(programme.audit_end or ""),
                                                "auditor_names": ";".join(m.auditor.name for m in team),
                                                "auditor_registrations": ";".join(m.auditor.registration_no
                                                                                  for m in team),
                                                "site_addresses": ";".join(f"{name}:{sites.get(name) or ''}"
                                                                           for name in chosen)})
                decision = view.decision(audit.id)
                if decision is not None and _within(decision.decided_on, month):
                    issued = next((c for c in view.certificate_chain(applicant.id) if c.audit_id == audit.id), None)
                    rows["audit_results"].append({**base, "key": key, "decided_on": str(decision.decided_on),
                                                  "outcome": scheme.outcomes_by_id[decision.outcome].name,
                                                  "level": level_text(scheme, decision.level_rank),
                                                  "certificate_number": issued.number if issued else ""})
            for certificate in view.certificate_chain(applicant.id):
                changes = [h for h in view.status_history(certificate.number) if _within(h.on, month)]
                if not changes:
                    continue
                last = changes[-1]
                scope = certificate.scope
                rows["certificates"].append({
                    "key": certificate.number, "certificate_number": certificate.number,
                    "client_name": applicant.name, "uscc": applicant.uscc, "client_address": applicant.address,
                    "scheme_name": scheme.meta.name, "criteria": f"{scheme.meta.rule}；{scheme.meta.criteria}",
                    "scope": f"{'、'.join(domains.get(d, d) for d in scope.domains)}：{scope.goods}；{scope.services}",
                    "level": level_text(scheme, certificate.level_rank), "issued_on": str(certificate.issued_on),
                    "expires_on": str(certificate.expires_on), "status": statuses.get(last.to_status, last.to_status),
                    "status_on": str(last.on), "status_reason": status_reason(scheme, last)})
    return rows


def check_cells(layout: Layout, sheets: dict[str, list[dict]]) -> list[Problem]:
    """Every cell the platform would reject: empty where required, not matching its pattern, lower
    case or spaces in a code. Row numbers are the workbook's (the header is row 1)."""
    problems = []
    for sheet in layout.sheets:
        for number, row in enumerate(sheets.get(sheet.name, []), start=2):
            for column in sheet.columns:
                value = str(row.get(column.field, ""))
                where = {"file": sheet.name, "row": number, "column": column.header}
                if not value:
                    if column.required:
                        problems.append(Problem(zh="必填项为空", en="required, empty", **where))
                    continue
                if column.upper and (value != value.upper() or " " in value):
                    problems.append(Problem(zh="须大写且不含空格", en="must be upper case without spaces", **where))
                if column.pattern and not re.fullmatch(column.pattern, value):
                    problems.append(Problem(zh=f"格式不符（{value}）", en=f"does not match {column.pattern}: {value!r}",
                                            **where))
    return problems


def _digest(row: dict) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MonthReport:
    month: str
    due_on: date
    counts: dict[str, int]  # sheet → lines written
    changed: int            # lines reported before and corrected now
    path: Path | None       # None: nothing new to report


def report_month(workbench: Workbench, month: str, out: Path, layout: Layout | None = None) -> MonthReport:
    """Write the month's report (only lines not reported yet or changed since), then record it."""
    if not MONTH.fullmatch(month):
        raise InputFileError(f"月份应写作 YYYY-MM：{month}", f"The month must be YYYY-MM: {month}")
    layout = layout or load_layout()
    if due_on(layout, month).replace(day=1) > workbench.clock.today():
        raise InputFileError(f"{month} 尚未结束，月报须在月份结束后报送", f"{month} has not ended: a month is "
                             "reported after it ends", code="chronology.future")
    workbench.require(Action.REPORTING, None)  # refused before anything is read or written
    reported = workbench.reported_lines(month)
    kinds = month_rows(workbench, month, layout)
    sheets: dict[str, list[dict]] = {}
    lines, changed = [], 0
    for sheet in layout.sheets:
        sheets[sheet.name] = []
        for row in kinds[sheet.rows]:
            digest = _digest(row)
            before = reported.get((sheet.name, row["key"]))
            if before == digest:
                continue
            changed += before is not None
            sheets[sheet.name].append({**row, "operation": layout.operation_changed if before else layout.operation_new})
            lines.append((sheet.name, row["key"], digest))
    problems = check_cells(layout, sheets)
    if problems:
        raise InputFileError(f"{month} 的报送数据有平台会拒收的单元格，未写出", f"Cells of {month}'s report would be "
                             "rejected by the platform; nothing was written", file=out, problems=problems)
    counts = {name: len(rows) for name, rows in sheets.items()}
    if not lines:
        return MonthReport(month, due_on(layout, month), counts, 0, None)
    _write(layout, sheets, out, beside_checkpoint(workbench.checkpoint().label()))
    workbench.record_cnca_report(month, lines, out.name)
    return MonthReport(month, due_on(layout, month), counts, changed, out)


def _write(layout: Layout, sheets: dict[str, list[dict]], out: Path, checkpoint: str) -> None:
    from openpyxl import Workbook

    from ..files import write_atomically
    from ..spreadsheets import keep_as_text
    book = Workbook()
    book.properties.description = checkpoint  # outside the platform's sheets, whose layout is fixed
    book.remove(book.active)
    for sheet in layout.sheets:
        page = book.create_sheet(sheet.name)
        page.append([c.header for c in sheet.columns])
        for row in sheets[sheet.name]:
            page.append([str(row.get(c.field, "")) for c in sheet.columns])
        keep_as_text(page)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(out, buffer.getvalue())


def months_with_activity(workbench: Workbench) -> set[str]:
    """The months (YYYY-MM) that have a line to report: an audit starting on site, a decision, a
    certificate issued or changed (what month_rows reports), read in one pass over the store."""
    months: set[str] = set()
    with workbench.reading() as view:
        for applicant in view.list_applicants():
            for audit in view.audits(applicant.id):
                programme, decision = view.programme(audit.id), view.decision(audit.id)
                days = (programme.audit_start if programme else None, decision.decided_on if decision else None)
                months.update(day.strftime("%Y-%m") for day in days if day is not None)
            for certificate in view.certificate_chain(applicant.id):
                months.update(h.on.strftime("%Y-%m") for h in view.status_history(certificate.number))
    return months


def report_due(workbench: Workbench, today: date, layout: Layout | None = None) -> list[tuple[str, date]]:
    """The months before this one whose report is not made yet and that have something to report,
    with the day each is due: last month, and any earlier month of the 12 before left unreported."""
    layout = layout or load_layout()
    pending = months_with_activity(workbench) - workbench.reported_months()
    months = ((today.replace(day=1) - relativedelta(months=back)).strftime("%Y-%m") for back in range(1, 13))
    return sorted((month, due_on(layout, month)) for month in months if month in pending)
