"""What a screen shows once the audit report is signed: the recorded figures and the signed
recommendation, never a recomputation presented as current (issue 25 §4). The committee decides
on the signed report (store/certification.py reads the same record), so its screen must too."""
from __future__ import annotations

from ..contract import StageId
from ..render.html import WARNING_STYLE, message_html
from ..rules.decision import Recommendation
from ..rules.scoring import Gate
from ..stages.results import LevelRef, ReportResult, read
from ..store.repository import Workbench

RECOMPUTED = message_html("⚠ 按当前记录即时计算，尚不是已签署的审查报告",
                          "computed now from the records as they stand: not the signed report", WARNING_STYLE)
SIGNED = message_html("审查报告已签署：以下为签署时记录的结果", "the report is signed: this is the result recorded then")
DECIDED = message_html("已作出认证决定：本阶段结果为决定时所记录的结果",
                       "the decision is taken: this stage's result is the one recorded then")


def signed_report(workbench: Workbench, audit_id: int) -> ReportResult | None:
    """The report as it was signed, with its recommendation; None while it is not signed (or,
    recorded by hand in a test, it carries no recommendation)."""
    record = workbench.stage_result(audit_id, StageId.REPORT)
    if record is None or not record.signed:
        return None
    report = read(record, ReportResult)
    return report if report.recommendation.level is not None else None


def signed_recommendation(report: ReportResult) -> Recommendation:
    level = report.recommendation.level or LevelRef()
    return Recommendation(report.recommendation.certifiable, level.rank or 0, level.label, level.name,
                          [Gate(**reason) for reason in report.recommendation.reasons])
