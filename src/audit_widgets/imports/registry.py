"""The importer registry: every kind of file the workbench reads into the store, by id.

An importer reads a file into a checked, parsed form (`read`: the whole file or an error that
names its rows, nothing stored), then stores it in one transaction (`store`). The command line
(`audit-workbench import <id>`), the notebooks' upload buttons and the demo all go through it.
A new importer is one module with its two functions and one `register` call here, or an
`audit_workbench.importers` entry point.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..errors import InputFileError
from ..plugins import Registry

if TYPE_CHECKING:
    from ..store.repository import Workbench


@dataclass(frozen=True)
class Imported:
    """What one import stored, and how to say so."""

    counts: dict[str, Any]
    zh: str
    en: str


@dataclass(frozen=True)
class Importer:
    id: str  # the command's name: audit-workbench import <id>
    name: str  # "服务工单 / work orders"
    help: str  # the command's help line
    # (workbench, file, mapping file or None) -> the parsed file; raises InputFileError, stores nothing
    read: Callable[[Workbench, Path, Path | None], Any]
    # (workbench, applicant id or None, parsed, audit id or None for the current audit) -> what was stored
    store: Callable[[Workbench, str | None, Any, int | None], Imported]
    per_applicant: bool = True  # the file holds one applicant's data (--applicant)
    mapping_help: str | None = None  # None: the importer takes no mapping file

    def run(self, workbench: Workbench, path: Path, applicant_id: str | None = None,
            mapping: Path | None = None, audit_id: int | None = None) -> Imported:
        if self.per_applicant:
            if applicant_id is None:
                raise InputFileError(f"导入{self.name}须指明申请方", f"Importing {self.name} needs the applicant")
            workbench.get_applicant(applicant_id)  # a plain message for an unknown applicant, before reading
        return self.store(workbench, applicant_id, self.read(workbench, Path(path), mapping), audit_id)


def _read_work_orders(workbench: Workbench, path: Path, mapping: Path | None) -> Any:
    from .work_orders import load_mapping, read_work_orders
    return read_work_orders(path, load_mapping(mapping) if mapping else None)


def _period(result: dict[str, Any]) -> tuple[str, str]:
    dates = f"{result['first_on']}…{result['last_on']}" if result.get("first_on") else "—"
    return f"，审核 {result['audit_id']}，记录日期 {dates}", f" for audit {result['audit_id']}, dated {dates}"


def _store_work_orders(workbench: Workbench, applicant_id: str | None, parsed: Any, audit_id: int | None) -> Imported:
    assert applicant_id is not None  # a per-applicant importer: run() checked it
    result = workbench.import_work_orders(applicant_id, parsed, audit_id)
    zh, en = _period(result)
    return Imported(result, f"已导入工单 {result['rows']} 条{zh}", f"imported {result['rows']} work orders{en}")


def _read_survey(workbench: Workbench, path: Path, mapping: Path | None) -> Any:
    from .surveys import load_layout_file, read_survey
    return read_survey(path, workbench.scheme, load_layout_file(mapping) if mapping else None)


def _store_survey(workbench: Workbench, applicant_id: str | None, parsed: Any, audit_id: int | None) -> Imported:
    assert applicant_id is not None  # a per-applicant importer: run() checked it
    result = workbench.import_survey(applicant_id, parsed, audit_id)
    zh, en = _period(result)
    return Imported(result, f"已导入问卷 {result['rows']} 份（{parsed.layout.name}）{zh}",
                    f"imported {result['rows']} responses ({parsed.layout.id}){en}")


def _read_people(workbench: Workbench, path: Path, mapping: Path | None) -> Any:
    from .auditors import read_competence_file
    return read_competence_file(path, workbench.scheme, known_people={a.id for a in workbench.auditors()})


def _store_people(workbench: Workbench, applicant_id: str | None, records: Any, audit_id: int | None) -> Imported:
    counts = workbench.import_people(records["people"], records["evidence"], records["declarations"])
    pending = counts["role_changes_pending"]
    waiting = (f"；角色变更 {pending} 项待第二人批准（auditors roles）" if pending else "",
               f"; {pending} role changes await a second person's approval (auditors roles)" if pending else "")
    return Imported(counts, f"已导入人员 {counts['people']}，能力证据 {counts['evidence']}，公正性声明 "
                            f"{counts['declarations']}{waiting[0]}",
                    f"imported: people {counts['people']}, evidence {counts['evidence']}, "
                    f"declarations {counts['declarations']}{waiting[1]}")


def _read_applicant(workbench: Workbench, path: Path, mapping: Path | None) -> Any:
    from .applicants import read_applicant_file
    return read_applicant_file(path, workbench.scheme)


def _store_applicant(workbench: Workbench, applicant_id: str | None, data: Any, audit_id: int | None) -> Imported:
    added = workbench.add_applicant(data)
    return Imported(added.as_dict(), f"已登记申请方 {added.id} {added.name}", f"applicant added: {added.id} {added.name}")


importers: Registry[Importer] = Registry("导入类型", "importer", group="audit_workbench.importers")
importers.register(Importer(
    "work-orders", "服务工单 / work orders", "导入服务工单记录 / Import a work-order log (CSV or XLSX).",
    _read_work_orders, _store_work_orders,
    mapping_help="列映射文件（默认 parameters/mappings/work_orders.yaml）/ column-mapping file"))
importers.register(Importer(
    "surveys", "满意度调查 / survey responses", "导入满意度调查导出文件 / Import a survey export (CSV or XLSX).",
    _read_survey, _store_survey,
    mapping_help="列映射文件（默认自动识别问卷星/Kobo/LimeSurvey）/ column-mapping file"))
importers.register(Importer(
    "people", "人员与能力 / people and competence",
    "导入人员、能力证据与公正性声明（模板见 parameters/auditors_template.xlsx）/ Load people, their evidence per "
    "domain and their impartiality declarations; the whole file or nothing.",
    _read_people, _store_people, per_applicant=False))
importers.register(Importer(
    "applicant", "申请方 / applicant", "从 YAML 文件登记申请方 / Register an applicant from a YAML file.",
    _read_applicant, _store_applicant, per_applicant=False))
