"""ReportPanel: the scores per dimension and mode, the level, its gates, and the items that
lost the most points — the body of the audit report (stage 6)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..evaluation import evaluate, recommendation
from ..render.charts import dimension_chart, to_svg
from ..render.html import gates_html, table_html
from ..render.results import (
    certificate_acted_on,
    gates_section_html,
    lost_points_html,
    not_applicable_html,
    scores_html,
    verdict_text,
)
from ..rules.answers import exclusions
from ..rules.sampling import sampling_statement
from ..rules.scoring import method_statement
from ..stages.results import ReportResult
from .base import BoundWidget
from .documents import DocumentFiles
from .recorded import DECIDED, RECOMPUTED, SIGNED, signed_recommendation, signed_report

TOP_LOSSES = 10


class ReportPanel(BoundWidget):
    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.body = widgets.HTML()
        self.chart = widgets.HTML()
        self.refresh_button = widgets.Button(description="重新计算 / recompute", icon="refresh",
                                             layout=widgets.Layout(width="auto"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.children = [widgets.HTML("<h3>审查结果 / audit result</h3>"), self.refresh_button, self.chart, self.body,
                         DocumentFiles(workbench, applicant_id, "report")]
        self.refresh()

    def refresh(self) -> None:
        report = signed_report(self.workbench, self.audit_id)
        self.refresh_button.layout.display = "none" if report is not None else None
        if report is not None:
            self.show_signed(report)
            return
        evaluation = evaluate(self.workbench, self.applicant_id, self.audit_id)
        score = evaluation.score
        applicant = evaluation.applicant
        notes = {k: r.note for k, r in self.workbench.answer_records(self.audit_id).items()}
        excluded = [{**row, "item": row["item_id"] + (" 否决项" if row["veto"] else ""), "points": f"{row['points']:g}"}
                    for row in exclusions(self.scheme, score.items, notes, applicant.domains,
                                          applicant.organisation_type)]
        method_zh, method_en = method_statement(self.scheme)
        sampling_zh, sampling_en = sampling_statement(self.scheme)
        advice = recommendation(self.workbench, evaluation, self.workbench.clock.today())
        names = self.scheme.dimension_names
        modes = {m.id: m.name for m in self.scheme.modes}
        self.chart.value = to_svg(dimension_chart(score.dimension_scores, names, self.scheme.scoring.scale,
                                                  score.score_level.dimension_floor))
        losses = [{"item": i.item_id, "text": self.scheme.items_by_id[i.item_id].text, "lost": f"{i.lost:.2f}",
                   "basis": i.basis} for i in score.lost_points()[:TOP_LOSSES]]
        mode_rows = [{"mode": f"{m} {modes[m]}", "score": f"{v:.1f}"} for m, v in score.mode_scores.items()]
        verdict = verdict_text(self.scheme, self.workbench.audit(self.audit_id), advice.certifiable, advice.level_rank,
                               certificate_acted_on(self.workbench, self.applicant_id, self.audit_id))
        self.body.value = RECOMPUTED + (
            f"<p>总分 score <b>{score.score:.1f}</b>（基础分 {score.base_score:.1f}，特别扣分 {score.special_deductions}，"
            f"特别加分 {score.special_bonus}）；等级 level <b>{score.level.label} {score.level.name}</b>；"
            f"实得 {score.earned_points:.2f} / 适用 {score.applicable_points:g} 分 points</p>"
            f"<p><small>{html.escape(method_zh)}<br>{html.escape(method_en)}<br>{html.escape(sampling_zh)}<br>"
            f"{html.escape(sampling_en)}</small></p>"
            + table_html(mode_rows, {"mode": "模式", "score": "得分"})
            + f"<h4>{html.escape(verdict)}</h4>" + gates_html(advice.as_dict()["reasons"])
            + "<h4>失分最多的条目 / items that lost the most</h4>"
            + table_html(losses, {"item": "条目", "text": "内容", "lost": "失分", "basis": "依据"})
            + f"<h4>不适用的条目（删减）/ items not applicable（{len(excluded)}）</h4>"
            + table_html(excluded, {"item": "条目", "text": "内容", "points": "分值", "reason": "理由 reason",
                                    "basis": "方案许可与依据 allowance"}))

    def show_signed(self, report: ReportResult) -> None:
        """The signed report's figures and recommendation as recorded: what the committee decides on."""
        advice = signed_recommendation(report)
        verdict = verdict_text(self.scheme, self.workbench.audit(self.audit_id), advice.certifiable, advice.level_rank,
                               certificate_acted_on(self.workbench, self.applicant_id, self.audit_id))
        self.chart.value = ""
        self.body.value = (
            (DECIDED if self.workbench.decision(self.audit_id) is not None else SIGNED)
            + (scores_html(self.scheme, report.scores) if report.scores else "")
            + f"<h4>{html.escape(verdict)}</h4>" + gates_section_html(report)
            + "<h4>失分条目 / items that lost points</h4>"
            + lost_points_html(self.scheme, report.score_result.get("lost_points", [])[:TOP_LOSSES])
            + (f"<h4>不适用的条目（删减）/ items not applicable（{len(report.not_applicable)}）</h4>"
               + not_applicable_html(report.not_applicable) if report.not_applicable else ""))
