"""MonitoringPanel: upload the audit's work-order log, then the KPI table of its evidence period and
the monthly trend with control limits of the measure the auditor picks."""
from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ..contract import Action, MethodId
from ..evaluation import kpi_report
from ..evidence import audit_evidence
from ..render.charts import control_chart, to_svg
from ..render.html import ERROR_STYLE, table_html
from ..render.results import evidence_html
from ..rules.kpis import HOURS_MEASURE
from .base import BoundWidget
from .upload import ChunkedUpload


class MonitoringPanel(BoundWidget):
    edits = "work_orders"
    writes = Action.IMPORTS
    takes_evaluation = True
    method_shown = MethodId.MONITORING

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False,
                 evaluation=None):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.upload = ChunkedUpload(accept=".csv,.xlsx", description="上传工单 upload", disabled=self.read_only,
                                    message=self.message)
        self.upload.observe(self._uploaded, names="value")
        self.period = widgets.HTML()
        self.table = widgets.HTML()
        self.measure = widgets.Dropdown(description="趋势 trend")
        self.chart = widgets.HTML()
        self.measure.observe(lambda change: self.draw(change["new"]), names="value")
        self.on_import: Callable[[], None] = lambda: None
        self.children = [widgets.HTML("<h3>5.1d 服务成熟度监测数据</h3>"), self.lock_banner(), self.upload,
                         self.message, self.period, self.table, self.measure, self.chart]
        self.refresh(evaluation.evidence if evaluation else None, evaluation.kpis if evaluation else None)

    @classmethod
    def for_stage(cls, view) -> list[MonitoringPanel]:
        [panel] = super().for_stage(view)
        panel.on_import = view.data_changed  # the stage's checklists re-read the KPIs
        return [panel]

    def _uploaded(self, change) -> None:
        """The uploaded log becomes this audit's work orders (imports/registry.py)."""
        if not change["new"] or self.read_only:
            return
        self.import_upload(change["new"][0], "work-orders")
        self.upload.value = ()
        self.refresh()
        self.on_import()

    def refresh(self, evidence=None, report=None) -> None:
        evidence = evidence or audit_evidence(self.workbench, self.audit_id)
        self.report = report or kpi_report(self.workbench, evidence)
        self.period.value = evidence_html(evidence.summary())
        self.chart.value = ""
        if self.report is None:
            self.table.value = "<p>本次审核尚无证据期间内的工单 / no work orders of this audit's period yet</p>"
            self.measure.options = []
            return
        rows = []
        for kpi in self.report.overall.values():
            if kpi.value is None:
                continue
            shown = f"{kpi.value:.1f} h" if kpi.measure == HOURS_MEASURE else f"{kpi.value:.2%}"
            flagged = self.report.monthly[(self.report.monthly["measure"] == kpi.measure)
                                          & self.report.monthly["out_of_control"]]["month"].tolist()
            rows.append({"name": kpi.name, "value": shown, "basis": f"{kpi.numerator:g} / {kpi.denominator}",
                         "flagged": "、".join(flagged) or "—"})
        months = self.report.monthly["month"].nunique()
        needed = self.scheme.monitoring_rules.min_months_for_trend
        warning = (f"<p style='{ERROR_STYLE}'>证据期间内仅有 {months} 个月的数据，判断趋势至少需要 {needed} 个月，"
                   f"请审查组判断并记录 / only {months} months of data in the period; a trend needs {needed}: "
                   "the team judges this and records it</p>" if months < needed else "")
        self.table.value = warning + table_html(rows, {"name": "指标", "value": "数值", "basis": "分子/分母",
                                                       "flagged": "失控月份"})
        self.measure.options = [(k.name, k.measure) for k in self.report.overall.values() if k.value is not None]
        self.measure.value = self.measure.options[0][1]
        if not self.chart.value:  # setting the first option may not count as a change
            self.draw(self.measure.value)

    def draw(self, measure: str | None) -> None:
        if measure is None or self.report is None:
            return
        monthly = self.report.monthly[self.report.monthly["measure"] == measure]
        name = self.report.overall[measure].name
        self.chart.value = to_svg(control_chart(monthly, f"{name} 月度控制图",
                                                ".1f" if measure == HOURS_MEASURE else ".1%"))
