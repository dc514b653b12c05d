"""`audit-workbench demo --portfolio N`: N synthetic, plausible applicants spread over the four
domains, each carried from application to decision through the same pipeline as the demo
applicants (imports, answers, case verification, stage runs), so that their scores are
computed, not typed in. The committee's dashboard needs them to compare an applicant with
the others certified in its domain."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from ..imports.applicants import ApplicantData, check_applicant
from ..rules.uscc import check_character
from ..store.repository import Workbench
from .audits import DemoApplicant, carry_through, register_auditors
from .data import Quality

# The demo auditors competent for each domain: (leader, member).
TEAMS = {"a": (("A01", "leader"), ("A04", "member")), "b": (("A02", "leader"), ("A06", "member")),
         "c": (("A05", "leader"), ("A03", "member")), "d": (("A02", "leader"), ("A04", "member"))}
DOMAINS = ("a", "b", "c", "d")
CITIES = ("杭州", "南京", "合肥", "成都", "武汉", "西安", "长沙", "青岛", "厦门", "天津", "重庆", "沈阳")
NAMES = ("恒信", "瑞丰", "华拓", "启明", "安达", "宏远", "嘉禾", "博越", "金石", "海川", "新源", "正阳")
GOODS = {"a": "数控设备、工业泵阀", "b": "家用电器、厨房电器", "c": "医疗影像设备、电梯", "d": "智能家居套装"}
WORK_ORDERS = 2_000
RESPONSES = 400
SEED = 20261126  # one portfolio, the same on every machine


def _uscc(index: int) -> str:
    """A valid, unique 统一社会信用代码 for synthetic applicant `index` (GB 32100 checksum)."""
    first17 = f"913201{index:09d}00"[:17]
    return first17 + check_character(first17)


def synthetic_applicant(index: int, rng: random.Random) -> tuple[ApplicantData, DemoApplicant]:
    domain = DOMAINS[index % len(DOMAINS)]
    outlets = rng.randint(3, 20)
    sites = ([{"name": "总部服务中心", "type": "central"}, {"name": "客服中心", "type": "call_centre"}]
             + [{"name": f"服务网点{i:02d}", "type": "service_outlet"} for i in range(1, outlets - 1)])
    data = ApplicantData(
        id=f"pf-{index:04d}", name=f"{rng.choice(CITIES)}{rng.choice(NAMES)}{index:04d}有限公司", uscc=_uscc(index),
        organisation_type=rng.choice(("manufacturer", "trader")), domains=[domain] + (["b"] if domain == "d" else []),
        personnel=rng.randint(20, 400), product_categories=rng.randint(1, 4), goods=GOODS[domain],
        services="安装、维修、退换货", sites=sites)
    quality = replace(Quality(), first_visit_fix=rng.uniform(0.7, 0.92), on_time=rng.uniform(0.8, 0.97),
                      rework=rng.uniform(0.01, 0.08), satisfaction_mean=rng.uniform(3.6, 4.6),
                      promoter_share=rng.uniform(0.3, 0.65), detractor_share=rng.uniform(0.05, 0.25))
    demo = DemoApplicant(data.id, 1000 + index, WORK_ORDERS, RESPONSES, quality, rng.uniform(0.78, 0.97), TEAMS[domain])
    return data, demo


def create_portfolio(workbench: Workbench, count: int, echo=print, today: date | None = None) -> list[str]:
    """Add `count` synthetic applicants (those already there are skipped); return their ids."""
    today = today or date.today()
    register_auditors(workbench)
    existing = {a.id for a in workbench.list_applicants()}
    rng = random.Random(SEED)
    added = []
    for index in range(1, count + 1):
        data, demo = synthetic_applicant(index, rng)
        if data.id in existing:
            continue
        problems = check_applicant(data, workbench.scheme)
        if problems:
            raise ValueError(f"synthetic applicant {data.id} is invalid: {problems}")
        workbench.add_applicant(data)
        carry_through(workbench, demo, lambda _: None, today)
        added.append(data.id)
        echo(f"  组合 portfolio {index}/{count}: {data.id} {data.name}")
    return added
