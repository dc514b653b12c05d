"""SurveillancePanel (09): this audit against the audit before it, dimension by dimension and
item by item, from what each recorded; and the monitoring data of the last months against
the months before. The audit's own checklist is in 04 and 05, which cover the methods the
scheme sets for its type."""
from __future__ import annotations

import ipywidgets as widgets

from ..render.html import message_html, table_html
from ..stages.certification import compute_surveillance
from .base import BoundWidget


def _value(number, digits: str = ".1f") -> str:
    return "—" if number is None else format(number, digits)


class SurveillancePanel(BoundWidget):
    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.comparison = widgets.HTML()
        self.children = [widgets.HTML("<h3>与上次审核对比 / compared with the previous audit</h3>"), self.comparison]
        self.refresh()

    def refresh(self) -> None:
        result = compute_surveillance(self.workbench, self.applicant_id, self.audit_id).result
        previous = result.get("previous")
        if previous is None:
            self.comparison.value = message_html("没有可对比的上次审核结果（上次审核尚无审查报告）",
                                                 "No previous audit with a recorded report to compare with")
            return
        audit = result["previous_audit"]
        names = self.scheme.dimension_names
        head = (f"<p>上次审核 previous: 审核 {audit['id']}（{audit['audit_type']}）得分 {previous['score']:.1f}，"
                f"{previous['level']['label']}；本次 this audit: {result['current']['score']:.1f}，"
                f"{result['current']['level']['label']}（{result['change']:+.1f}）</p>")
        comparison = result["comparison"]
        dimensions = [{"dimension": names[d], "previous": _value(v["previous"]), "current": _value(v["current"])}
                      for d, v in comparison["dimensions"].items()]
        changed = [{"item": i, "text": self.scheme.items_by_id[i].text[:40], "previous": f"{v['previous']:.0%}",
                    "current": f"{v['current']:.0%}"}
                   for i, v in comparison["items"].items() if v["change"]]
        periods = result.get("periods") or {}
        before, after = (f"{p['start']}…{p['end']}" if p else "—" for p in (periods.get("previous"), periods.get("current")))
        measures = [{"measure": self.scheme.measures_by_id[m].name, "before": _value(v["previous"], ".4g"),
                     "after": _value(v["last"], ".4g")} for m, v in result.get("kpi_comparison", {}).items()]
        self.comparison.value = (
            head + "<h4>按维度 by dimension</h4>"
            + table_html(dimensions, {"dimension": "维度", "previous": "上次", "current": "本次"})
            + f"<h4>得分变化的条目 items whose credit changed（{len(changed)} / {len(comparison['items'])}）</h4>"
            + (table_html(changed, {"item": "条目", "text": "内容", "previous": "上次", "current": "本次"})
               if changed else "<p>两次都评价的条目得分均未变化 / no item both audits scored changed</p>")
            + "<h4>监测数据 monitoring data</h4>"
            + table_html(measures, {"measure": "指标", "before": f"上次审核 previous audit {before}",
                                    "after": f"本次审核 this audit {after}"}))
