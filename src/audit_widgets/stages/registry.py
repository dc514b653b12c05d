"""The stage registry: for each procedure stage, what it computes and which widgets show it.

Modelled on papermill's engine registry. The stage's data (its name, notebook, prerequisites,
the checklist modes it records and the records it locks) is in parameters/scheme/procedure.yaml;
its code is one `Stage` registered here under the same id. A new stage is one `register` call
(or an `audit_workbench.stages` entry point) plus its entry in procedure.yaml.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from ..plugins import Registry
from ..rules.completeness import Gap
from ..scheme import ProcedureStage
from .results import ReportResult, Result, ScoredResult

if TYPE_CHECKING:
    from ..domain import StageRecord
    from ..evaluation import Evaluation
    from ..store.repository import Workbench


@dataclass
class StageOutcome:
    status: str  # done, pending, blocked, skipped (not this audit type's stage), tampered
    result: dict = field(default_factory=dict)
    zh: str = ""
    en: str = ""
    gaps: list[Gap] = field(default_factory=list)  # what must still be done before sign-off
    # The evaluation the stage computed, if any: the completeness check reuses it.
    evaluation: Evaluation | None = field(default=None, repr=False)


WHOLE_LIST = 10**9  # a page size no list reaches
Compute = Callable[["Workbench", str, int], StageOutcome]


@dataclass(frozen=True)
class Stage:
    id: str
    compute: Compute
    # Widget classes as "module:Class", imported only when the stage is shown, so that a batch
    # run that never shows widgets does not import them. Each class builds itself for a
    # stage with `for_stage(view)`.
    widgets: tuple[str, ...] = ()
    # What the stage records (results.py): readers get it typed from `registry.result(record)`.
    result: type[Result] = Result

    def widget_classes(self) -> list[type]:
        classes = []
        for reference in self.widgets:
            module, _, name = reference.partition(":")
            classes.append(getattr(importlib.import_module(module), name))
        return classes


@dataclass
class StageView:
    """One stage of one audit as a notebook shows it: what the widgets are built from."""

    workbench: Workbench
    applicant_id: str
    audit_id: int
    stage: ProcedureStage
    read_only: bool
    # A document (a batch run) shows every row on one page; a screen pages long lists.
    whole: bool = False

    @cached_property
    def audit_type(self) -> str:
        """initial, surveillance, recertification or special."""
        return self.workbench.audit(self.audit_id).audit_type

    @cached_property
    def methods(self) -> tuple[str, ...]:
        """The checklist methods the audit covers, as fixed when it was opened."""
        return self.workbench.audit(self.audit_id).covered_methods(self.workbench.scheme)

    @cached_property
    def evaluation(self) -> Evaluation:
        """One evaluation for the whole stage: the KPIs and the survey are computed once."""
        from ..evaluation import evaluate
        return evaluate(self.workbench, self.applicant_id, self.audit_id)

    # Widgets that show figures computed from imported data re-read them when an import changes it.
    data_listeners: list[Callable[[], None]] = field(default_factory=list)
    # The stage's checklists built so far (widgets.checklist): they share one score.
    checklists: list = field(default_factory=list)

    def paging(self) -> dict:
        """The page size option of a paged widget: everything at once in a document."""
        return {"page_size": WHOLE_LIST} if self.whole else {}

    def data_changed(self) -> None:
        self.__dict__.pop("evaluation", None)
        for listener in self.data_listeners:
            listener()


class StageRegistry(Registry[Stage]):
    def __init__(self) -> None:
        super().__init__("阶段", "stage", group="audit_workbench.stages")

    def result(self, record: StageRecord) -> Result:
        """A recorded result as its stage's type (a stage not registered reads as a plain Result)."""
        kind = self.get(record.stage).result if record.stage in self else Result
        return kind.model_validate(record.result)

    def scoring_stages(self) -> list[str]:
        """The stages that record scores, latest first: the report's cover every mode, the
        characteristic stage's only its own."""
        return [s.id for s in reversed(list(self)) if issubclass(s.result, ScoredResult)]

    def report_stage(self) -> str:
        """The stage whose result is the audit report (ISO/IEC 17021-1 §9.4.8)."""
        return next(s.id for s in self if issubclass(s.result, ReportResult))


registry = StageRegistry()
