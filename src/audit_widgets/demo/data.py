"""Synthetic but realistic input files for demos, tests and benchmarks.

Everything is drawn from a seeded generator, so the same arguments always give the same
files. The files use the layouts real applicants send: a work-order log with Chinese
headers, and a 问卷星 survey export.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SERVICE_TYPES = ("安装", "维修", "保养", "退换货", "技术咨询")
ISSUES = ("无法开机", "异响", "漏水", "配件缺失", "响应慢", "费用争议", "态度问题", "质量问题")
SATISFACTION_LABELS = ("非常不满意", "不满意", "一般", "满意", "非常满意")  # 1..5
WJX_QUESTIONS = (
    ("response_speed", "1、您对服务响应速度的满意程度"),
    ("attitude", "2、您对服务人员服务态度的满意程度"),
    ("resolution", "3、您对问题解决效率与质量的满意程度"),
    ("professionalism", "4、您对服务人员专业性的满意程度"),
    ("personalisation", "5、您对个性化服务能力的满意程度"),
)
WJX_NPS_QUESTION = "6、您向亲友推荐我们的可能性有多大（0-10分）"


@dataclass(frozen=True)
class Quality:
    """How well a demo applicant serves its customers; shapes every generated figure."""

    resolution: float = 0.97
    first_visit_fix: float = 0.86
    on_time: float = 0.93
    rework: float = 0.03
    repeat_complaint: float = 0.03
    complaint_share: float = 0.12
    complaint_satisfaction: float = 0.88
    satisfaction_mean: float = 4.3   # on the 1–5 scale
    promoter_share: float = 0.55
    detractor_share: float = 0.12


def work_order_log(rows: int, *, seed: int, quality: Quality = Quality(),
                   start: str | None = None, months: int = 24) -> pd.DataFrame:
    """A work-order log with Chinese headers, as exported from an after-sales system: `months`
    months from `start` (default: the months up to the end of last month, so that an audit
    opened today finds them in its evidence period)."""
    rng = np.random.default_rng(seed)
    begin = pd.Timestamp(start) if start else pd.Timestamp.today().normalize().replace(day=1) - pd.DateOffset(months=months)
    span_seconds = int((begin + pd.DateOffset(months=months) - begin).total_seconds())
    follow_up_share = quality.rework * (1 - quality.complaint_share) + quality.repeat_complaint * quality.complaint_share
    base_rows = int(rows / (1 + follow_up_share))
    customers = max(1, 2 * base_rows)  # few customers call twice by chance

    opened = begin + pd.to_timedelta(np.sort(rng.integers(0, span_seconds, base_rows)), unit="s")
    customer = rng.integers(1, customers + 1, base_rows)
    product = rng.integers(1, 3, base_rows)
    is_complaint = rng.random(base_rows) < quality.complaint_share
    frame = pd.DataFrame({"opened": opened, "customer": customer, "product": product, "complaint": is_complaint,
                          "issue": rng.choice(ISSUES, base_rows)})

    # Follow-ups: reworks after a service job, repeats after a complaint, within 30 days.
    service_rows = frame[~frame["complaint"]]
    rework = service_rows.sample(frac=quality.rework, random_state=seed)
    rework = rework.assign(opened=rework["opened"] + pd.to_timedelta(rng.integers(2, 20, len(rework)), unit="D"))
    complaint_rows = frame[frame["complaint"]]
    repeat = complaint_rows.sample(frac=quality.repeat_complaint, random_state=seed + 1)
    repeat = repeat.assign(opened=repeat["opened"] + pd.to_timedelta(rng.integers(1, 25, len(repeat)), unit="D"))
    frame = pd.concat([frame, rework, repeat], ignore_index=True).sort_values("opened", kind="stable")
    frame = frame[frame["opened"] < begin + pd.DateOffset(months=months)].reset_index(drop=True)
    n = len(frame)

    promised = np.where(frame["complaint"], 72, 48)
    late = rng.random(n) > quality.on_time
    duration = np.where(late, promised * rng.uniform(1.05, 3.0, n), promised * rng.beta(2, 3, n))
    still_open = rng.random(n) < 0.01
    closed = frame["opened"] + pd.to_timedelta(duration * 3600, unit="s")
    closed = closed.where(~still_open)
    resolved = (rng.random(n) < quality.resolution) & ~still_open
    first_fix = resolved & (rng.random(n) < quality.first_visit_fix / quality.resolution)
    satisfied = np.where(rng.random(n) < quality.complaint_satisfaction, "满意", "不满意")
    satisfied = np.where(frame["complaint"] & ~still_open, satisfied, "")

    def fmt(times: pd.Series) -> pd.Series:
        return times.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")

    return pd.DataFrame({
        "工单号": [f"WO{seed:03d}{i:08d}" for i in range(n)],
        "客户编号": "C" + frame["customer"].astype(str),
        "产品编号": "P" + frame["customer"].astype(str) + "-" + frame["product"].astype(str),
        "服务类型": np.where(frame["complaint"], "投诉处理", rng.choice(SERVICE_TYPES, n)),
        "是否投诉": np.where(frame["complaint"], "是", "否"),
        "问题类别": frame["issue"],
        "受理时间": fmt(frame["opened"]),
        "完成时间": fmt(closed),
        "承诺完成时间": fmt(frame["opened"] + pd.to_timedelta(promised * 3600, unit="s")),
        "是否解决": np.where(resolved, "是", "否"),
        "首次修复": np.where(first_fix, "是", "否"),
        "投诉处理满意": satisfied,
    })


def moved_into(log: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The log with its orders' opening times spread over [start, end), in the same order and
    proportions, each order's completion and due times kept at their distance from its opening:
    the same records whatever the calendar, so a demo run on another day scores the same."""
    opened = pd.to_datetime(log["受理时间"])
    first = opened.min()
    span = (opened.max() - first) or pd.Timedelta(seconds=1)
    room = end - start - pd.Timedelta(seconds=1)
    moved = (start + ((opened - first) / span) * room).dt.floor("s")
    shift = moved - opened
    out = log.copy()
    out["受理时间"] = moved.dt.strftime("%Y-%m-%d %H:%M:%S")
    for column in ("完成时间", "承诺完成时间"):
        times = pd.to_datetime(log[column].replace("", None)) + shift
        out[column] = times.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    return out


def wjx_survey_export(responses: int, *, seed: int, quality: Quality = Quality(),
                      start: str = "2026-08-01", days: int = 60) -> pd.DataFrame:
    """A 问卷星 (wjx.cn) export: 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, questions;
    submitted over `days` days from `start`."""
    rng = np.random.default_rng(seed)
    submitted = pd.Timestamp(start) + pd.to_timedelta(np.sort(rng.integers(0, max(1, days) * 86400, responses)),
                                                      unit="s")
    frame = pd.DataFrame({
        "序号": np.arange(1, responses + 1),
        "提交答卷时间": submitted.strftime("%Y/%m/%d %H:%M:%S"),
        "所用时间": [f"{s}秒" for s in rng.integers(40, 400, responses)],
        "来源": rng.choice(["微信", "手机提交", "链接"], responses),
        "来源详情": "直接访问",
        "来自IP": [f"10.{a}.{b}.{c}(广东-深圳)" for a, b, c in rng.integers(0, 255, (responses, 3))],
    })
    person = rng.normal(0, 0.5, responses)  # one respondent rates all questions alike
    for index, (_, header) in enumerate(WJX_QUESTIONS):
        score = np.clip(np.rint(quality.satisfaction_mean + person + rng.normal(0, 0.6, responses) - 0.05 * index), 1, 5)
        frame[header] = [SATISFACTION_LABELS[int(s) - 1] for s in score]
    draw = rng.random(responses)
    nps = np.where(draw < quality.promoter_share, rng.integers(9, 11, responses),
                   np.where(draw < quality.promoter_share + quality.detractor_share,
                            rng.integers(0, 7, responses), rng.integers(7, 9, responses)))
    frame[WJX_NPS_QUESTION] = nps
    return frame


def write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_excel(path, index=False, engine="openpyxl")
    return path
