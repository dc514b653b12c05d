"""SurveyPanel: upload a survey export (问卷星, KoboToolbox, LimeSurvey or a mapping of your
own), then the indicator scores with intervals, NPS and whether the sample is adequate."""
from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets

from ..contract import Action, MethodId
from ..evaluation import survey_summary
from ..evidence import audit_evidence
from ..imports.surveys import layouts_dir, load_layouts
from ..render.html import ERROR_STYLE, OK_STYLE, message_html, table_html
from ..render.results import survey_scoring
from .base import BoundWidget
from .upload import ChunkedUpload

AUTO = "auto"


class SurveyPanel(BoundWidget):
    edits = "surveys"
    writes = Action.IMPORTS
    takes_evaluation = True
    method_shown = MethodId.SURVEY

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False,
                 evaluation=None):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.summary = evaluation.survey if evaluation else self._summary()
        self.layouts = load_layouts()
        choices = [("自动识别 auto-detect", AUTO)] + [(layout.name, key) for key, layout in self.layouts.items()]
        self.layout_choice = widgets.Dropdown(options=choices, description="导出格式", disabled=self.read_only)
        self.upload = ChunkedUpload(accept=".csv,.xlsx", description="上传问卷 upload", disabled=self.read_only,
                                    message=self.message)
        self.upload.observe(self._uploaded, names="value")
        self.results = widgets.HTML()
        self.on_import: Callable[[], None] = self.reread  # through the stage: view.data_changed (for_stage)
        self.children = [widgets.HTML("<h3>5.1a 客户满意度与忠诚度调查</h3>"), self.lock_banner(),
                         widgets.HBox([self.layout_choice, self.upload]), self.message, self.results]
        self.refresh()

    @classmethod
    def for_stage(cls, view) -> list[SurveyPanel]:
        [panel] = super().for_stage(view)
        panel.on_import = view.data_changed  # the stage's checklists re-read the survey figures
        view.data_listeners.append(panel.reread)  # a call-back recorded in 04 counts in the figures
        return [panel]

    def reread(self) -> None:
        self.summary = self._summary()
        self.refresh()

    def _uploaded(self, change) -> None:
        if not change["new"] or self.read_only:
            return
        choice = self.layout_choice.value
        self.import_upload(change["new"][0], "surveys", None if choice == AUTO else layouts_dir() / f"{choice}.yaml")
        self.upload.value = ()
        self.on_import()

    def _summary(self):
        return survey_summary(self.workbench, self.audit_id, audit_evidence(self.workbench, self.audit_id))

    def refresh(self) -> None:
        summary = self.summary
        if summary is None:
            self.results.value = "<p>尚未导入问卷 / no survey imported yet</p>"
            return
        rows = [{"name": i.name, "n": i.responses, "score": f"{i.score:.1f}",
                 "ci": f"{i.score_low:.1f}–{i.score_high:.1f}",
                 "satisfied": f"{i.satisfied_share:.1%}（{i.satisfied_low:.1%}–{i.satisfied_high:.1%}）"}
                for i in summary.indicators]
        confidence = f"{self.scheme.survey_rules.confidence:.0%}"
        top = f"{self.scheme.survey_rules.normalised_scale:g}"
        table = table_html(rows, {"name": "核心指标", "n": "样本", "score": f"得分(0–{top})", "ci": f"{confidence} 区间",
                                  "satisfied": f"满意率（Wilson {confidence}）"})
        nps = summary.nps
        nps_text = (f"<p>NPS <b>{nps.nps:.1f}</b>（{confidence}：{nps.nps_low:.1f}–{nps.nps_high:.1f}）；"
                    f"推荐者 {nps.promoters:.1%}，中立者 {nps.passives:.1%}，贬损者 {nps.detractors:.1%}</p>" if nps else "")
        zh, en = survey_scoring(summary.as_dict())
        adequacy = message_html(f"{'✓' if summary.adequate else '✗'} {zh}；客户总体 {summary.population or '未知'}", en,
                                OK_STYLE if summary.adequate else ERROR_STYLE)
        names = self.scheme.survey_channels_by_id
        channels = "；".join(f"{html.escape(names[c].name if c in names else c)} {n}" for c, n in summary.channels.items())
        self.results.value = (f"{table}<p>综合满意度 CSAT <b>{summary.csat:.1f}</b></p>{nps_text}"
                              f"<p>各渠道有效样本 responses by channel：{channels}</p>{adequacy}")
