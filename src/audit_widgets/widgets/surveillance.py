"""SurveillancePanel: the reduced surveillance audit (its own application and checklist) and
its comparison with the previous audit."""
from __future__ import annotations

from datetime import date

import ipywidgets as widgets

from ..stages.certification import SURVEILLANCE, compute_surveillance
from .base import BoundWidget, message_html, table_html
from .checklist import ChecklistWidget


class SurveillancePanel(BoundWidget):
    def __init__(self, workbench, applicant_id: str, application_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, application_id, read_only)
        self.comparison = widgets.HTML()
        self.open_button = widgets.Button(description="开始监督审核 / start surveillance", button_style="primary",
                                          disabled=self.read_only)
        self.open_button.on_click(lambda _: self.start())
        self.checklists = widgets.VBox()
        self.children = [widgets.HTML("<h3>监督审核 / surveillance</h3>"), self.comparison, self.open_button,
                         self.message, self.checklists]
        self.refresh()

    def refresh(self) -> None:
        outcome = compute_surveillance(self.workbench, self.applicant_id, self.application_id)
        result = outcome.result
        if outcome.status != "done":
            self.comparison.value = message_html(outcome.zh, outcome.en)
            self.open_button.layout.display = "none"
            return
        due = "、".join(str(d) for d in result["due_dates"])
        rows = [{"measure": self.scheme.measures_by_id[m].name,
                 "before": "—" if v["previous"] is None else f"{v['previous']:.4g}",
                 "after": "—" if v["last"] is None else f"{v['last']:.4g}"}
                for m, v in result.get("kpi_comparison", {}).items()]
        months = result["comparison_months"]
        scores = f"<p>初次审查得分 initial score {result['initial']['score']:.1f}"
        if "surveillance" in result:
            s = result["surveillance"]
            scores += f"；本次监督得分 surveillance score {s['score']:.1f}（{s['change']:+.1f}），等级 {s['level']}"
        self.comparison.value = (f"<p>证书 {result['certificate']}，监督审核最迟日期 due by：{due}</p>{scores}</p>"
                                 + table_html(rows, {"measure": "指标", "before": f"前 {months} 个月",
                                                     "after": f"近 {months} 个月"}))
        surveillance_id = self.workbench.current_application(self.applicant_id, SURVEILLANCE)
        self.open_button.layout.display = "none" if surveillance_id else None
        if surveillance_id and not self.checklists.children:
            self.checklists.children = [
                ChecklistWidget(self.workbench, self.applicant_id, method, application_id=surveillance_id,
                                read_only=self.read_only)
                for method in self.scheme.lifecycle_rules.surveillance_methods]

    def start(self) -> None:
        if self.write(lambda: self.workbench.open_application(self.applicant_id, SURVEILLANCE, date.today()),
                      "已开始监督审核", "surveillance started"):
            self.refresh()
