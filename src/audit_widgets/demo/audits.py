"""The demo applicants and the audit flow that carries one through the procedure, through the
same API the widgets use (create_demo in __init__.py runs them)."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from ..domain import Answer
from ..evidence import audit_evidence, case_population, evidence_period, sites_visited
from ..imports.auditors import read_competence_file
from ..paths import competence_template, outputs_dir
from ..rules.cycle import outcome_level, suggested_outcome
from ..rules.kpis import measure_window, repeat_complaint_flags, rework_flags
from ..rules.person_days import on_site_days
from ..rules.planning import CaseLots, case_sample_for, closed_cases, draw_cases, plan_programme, propose_agenda
from ..rules.survey import callback_population, draw_callbacks, survey_methods
from ..stages import run_stage
from ..store.repository import Workbench
from .data import Quality, moved_into, wjx_survey_export, work_order_log, write_csv, write_xlsx

DEMO_AUDITORS = (
    # id, name, grade, domains, auditor since, decision maker
    ("A01", "张伟", "senior", ("a", "b"), date(2016, 3, 1), False),
    ("A02", "李娜", "auditor", ("b", "d"), date(2021, 5, 1), False),
    ("A03", "王强", "auditor", ("c",), date(2020, 9, 1), False),
    ("A04", "赵敏", "trainee", ("a", "b"), None, False),
    ("A05", "陈刚", "senior", ("a", "c"), date(2015, 1, 1), False),
    ("A06", "孙磊", "auditor", ("b",), date(2019, 4, 1), False),
    ("M01", "刘洋", "senior", ("a", "b", "c", "d"), date(2012, 6, 1), True),
    ("M02", "周静", "senior", ("a", "b", "c", "d"), date(2013, 2, 1), True),
    ("P01", "吴芳", "senior", ("a", "b", "c", "d"), date(2014, 9, 1), False),
    ("P02", "郑丽", "senior", ("a", "b", "c", "d"), date(2016, 4, 1), False),
)
# The roles the people file assigns (scheme roles): P01 runs the programme and the system; P02
# carries out the committee's decisions (the certificates), which the programme's manager may not.
DEMO_ROLES = {"P01": ["programme_manager", "administrator"], "P02": ["administrator"]}
PROGRAMME_MANAGER = "P01"
CERTIFICATE_ISSUER = "P02"
COMMITTEE = ["M01", "M02"]
DEMO_REGISTRATION_EXPIRES = date(2029, 12, 31)
DEMO_CONTRACT_FEE = 30000.0
DEMO_LOG_MONTHS = 24  # an applicant's `work_orders` are so many months' worth
EXPORT_MONTHS_BEFORE = 3  # an export starts this many months before the evidence period
OUTSIDE_SEED = 1000  # the records before the period are drawn apart from those inside
DAYS_PER_MONTH = 30.4375
SURVEY_DAYS = 60  # the survey runs over the last days of the period
CALLBACK_UNREACHED = 0.15  # the share of the customers called back who do not answer
AUDIT_START_DAYS_BEFORE = 20  # an audit's first on-site day, so many days before its decision
REPORT_SIGNED_DAYS_BEFORE = 3  # the report is signed so many days before the decision
# The planners' judgement that IAF MD1 sampling applies, with its evidence (every demo applicant qualifies).
MD1_ELIGIBILITY = ("各场所执行同一售后服务管理体系和相同流程，由中心职能统一管理；内部审核覆盖全部场所（年度内审报告、"
                   "管理评审记录）/ every site runs the same processes under one system managed centrally; the "
                   "internal audits cover every site (annual internal audit report, management review)")


@dataclass(frozen=True)
class DemoFinding:
    grade: str
    clause: str
    description: str
    plan: str = ""
    accepted: bool = False
    verified: bool = False


@dataclass(frozen=True)
class DemoApplicant:
    id: str
    seed: int
    work_orders: int
    responses: int
    quality: Quality
    answer_quality: float           # the chance an item is fully met
    team: tuple[tuple[str, str], ...]
    findings: tuple[DemoFinding, ...] = ()
    failed_items: tuple[str, ...] = ()  # items the auditors found not met whatever the chance
    not_applicable: tuple[tuple[str, str], ...] = ()  # (item, the auditor's reason) 不适用
    sign_off: bool = False
    certify: bool = field(default=True)


DEMO_APPLICANTS = (
    DemoApplicant("demo-industrial", 11, 24_000, 420, Quality(), 0.9, (("A01", "leader"), ("A04", "member")),
                  (DemoFinding("minor", "B10", "备件领用记录缺少领用人签字", "修订备件领用单并培训仓管员", accepted=True),
                   DemoFinding("observation", "F04", "月度指标分析未覆盖外包服务商")),
                  sign_off=True),
    DemoApplicant("demo-consumer", 22, 30_000, 460,
                  Quality(first_visit_fix=0.9, on_time=0.96, satisfaction_mean=4.5, promoter_share=0.62,
                          detractor_share=0.08), 0.94, (("A02", "leader"), ("A04", "member")),
                  (DemoFinding("good_practice", "B16", "退换货全程线上办理，平均 1.5 天完成"),
                   DemoFinding("minor", "E08", "两份作业指导书为旧版本", "回收旧版并建立受控清单", accepted=True,
                               verified=True)),
                  not_applicable=(("B13", "上门安装仅为即插即用的小家电，无高处、带电或特种设备作业"),)),
    DemoApplicant("demo-special", 33, 21_000, 400,
                  Quality(resolution=0.88, first_visit_fix=0.62, on_time=0.74, rework=0.09, repeat_complaint=0.08,
                          complaint_satisfaction=0.6, satisfaction_mean=3.3, promoter_share=0.25,
                          detractor_share=0.4), 0.75, (("A05", "leader"), ("A03", "member")),
                  (DemoFinding("major", "B13", "3 名影像设备安装人员无有效的设备操作培训证明"),
                   DemoFinding("minor", "E10", "应急预案未规定辐射泄漏处置")),
                  failed_items=("B13",), certify=False,
                  not_applicable=(("G01", "客户均为医院，不涉及生活消费（消法第二条）"),
                                  ("G03", "医学影像设备不在三包目录内"),
                                  ("C08", "医学影像设备不在三包目录内，无三包案例"))),
)


# Registered with its files but no audit records: the applicant to take through by hand.
FRESH_APPLICANT = DemoApplicant("demo-composite", 44, 20_000, 400, Quality(), 0.9, ())


def demo_inputs_dir():
    return outputs_dir() / "demo-inputs"


def import_evidence(workbench: Workbench, demo: DemoApplicant, audit_id: int, first_day: date, echo) -> None:
    """The files the applicant hands over for one audit, imported for it: a work-order export of
    the audit's evidence period and, before it, EXPORT_MONTHS_BEFORE months that the audit does
    not use (counted as such), and a survey run over the period's last days. Each audit draws its
    own records (a seed per audit), sized by the period's months, and spread over the period's
    days, so that the records and the scores do not depend on the day the demo runs."""
    period = evidence_period(workbench, audit_id, first_day)
    begins, ends = pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)
    months = max(1, round((period.end - period.start).days / DAYS_PER_MONTH))
    seed = demo.seed + audit_id
    rows = round(demo.work_orders / DEMO_LOG_MONTHS * months)
    inside = moved_into(work_order_log(rows, seed=seed, quality=demo.quality, months=months), begins, ends)
    before = moved_into(work_order_log(round(demo.work_orders / DEMO_LOG_MONTHS * EXPORT_MONTHS_BEFORE),
                                       seed=seed + OUTSIDE_SEED, quality=demo.quality, months=EXPORT_MONTHS_BEFORE),
                        begins - pd.DateOffset(months=EXPORT_MONTHS_BEFORE), begins)
    folder = demo_inputs_dir() / demo.id / f"audit-{audit_id}"
    orders_file = write_csv(pd.concat([before, inside], ignore_index=True), folder / "work_orders.csv")
    survey_start = max(period.start, period.end - timedelta(days=SURVEY_DAYS))
    survey_file = write_xlsx(wjx_survey_export(demo.responses, seed=seed, quality=demo.quality,
                                               start=survey_start.isoformat(), days=(period.end - survey_start).days),
                             folder / "survey_wjx.xlsx")
    orders = workbench.import_file("work-orders", orders_file, orders_file.name, demo.id, audit_id=audit_id).counts
    survey = workbench.import_file("surveys", survey_file, survey_file.name, demo.id, audit_id=audit_id).counts
    echo(f"  审核 audit {audit_id} 证据期间 evidence period {period.label()}：工单 work orders {orders['rows']}，"
         f"问卷 survey responses {survey['rows']}（{folder}）")


def _answer_checklist(workbench: Workbench, demo: DemoApplicant, audit_id: int) -> None:
    rng = random.Random(demo.seed)
    case_items = {c.item for c in workbench.scheme.case_checks}
    domains = workbench.audit_domains(audit_id)
    not_applicable = dict(demo.not_applicable)
    covered = workbench.audit(audit_id).covered_methods(workbench.scheme)
    for item in workbench.scheme.items_for(domains):
        if item.method not in covered:
            continue  # a surveillance covers fewer methods
        if item.judgement == "measure" or item.id in case_items:
            continue  # measured from the data, or counted from the case verification
        note = "演示数据 demo"
        if item.id in not_applicable:
            answer, grade, note = Answer("not_applicable"), None, not_applicable[item.id]
        elif item.id in demo.failed_items:
            answer, grade = Answer("nonconform", 10, 4) if item.judgement == "sample" else Answer("nonconform"), "major"
            note = next((f.description for f in demo.findings if f.clause == item.id), note)
        elif item.judgement == "sample":
            checked = rng.randint(8, 20)
            bad = sum(rng.random() > demo.answer_quality for _ in range(checked))
            if item.veto:
                bad = 0  # a failed veto item is a deliberate scenario (failed_items), not chance
            answer, grade = Answer(checked=checked, nonconforming=bad), None
        elif item.veto:
            answer, grade = Answer("conform"), None  # a failed veto item is a deliberate scenario (failed_items)
        else:
            draw = rng.random()
            result = ("conform" if draw < demo.answer_quality else
                      "partial" if draw < (1 + demo.answer_quality) / 2 else "nonconform")
            answer, grade = Answer(result), ("minor" if result == "nonconform" else None)
        workbench.save_answer(audit_id, item.id, answer, note=note, finding_grade=grade)


def _call_back(workbench: Workbench, demo: DemoApplicant, audit_id: int, called_on: date) -> None:
    """The team's own call-backs (5.1a): the scheme's number of the period's customers, drawn
    with a seed per audit; most are reached, and answer as the applicant's customers do."""
    scheme = workbench.scheme
    customers = callback_population(audit_evidence(workbench, audit_id).work_orders.records)
    record = draw_callbacks(customers, scheme.survey_rules.callback_sample_size, seed=demo.seed + audit_id)
    sample_id = workbench.save_callback_sample(audit_id, record)
    scale = scheme.survey_scales_by_id[scheme.survey_rules.callback_scale]
    rng = random.Random(demo.seed * 1000 + audit_id)
    quality = demo.quality
    for customer in record.ids:
        if rng.random() < CALLBACK_UNREACHED:
            workbench.record_callback(sample_id, customer, reached=False, called_on=called_on, note="无人接听 no answer")
            continue
        answers = {i.id: min(scale.max_value, max(scale.min_value, round(rng.gauss(quality.satisfaction_mean, 0.7))))
                   for i in scheme.survey_indicators}
        draw = rng.random()
        answers["nps"] = (rng.choice((9, 10)) if draw < quality.promoter_share
                          else rng.randint(0, 6) if draw > 1 - quality.detractor_share else rng.choice((7, 8)))
        workbench.record_callback(sample_id, customer, reached=True, called_on=called_on, answers=answers)


def _verify_cases(workbench: Workbench, demo: DemoApplicant, audit_id: int) -> None:
    """Re-check each sampled case against the work-order log, as an auditor would by phone."""
    scheme = workbench.scheme
    orders = audit_evidence(workbench, audit_id).work_orders.records
    population = case_population(workbench, audit_id)
    lots = CaseLots.of(population.lot)
    plan = case_sample_for(scheme, lots)
    record = draw_cases(population.cases, plan.services.sample_size, plan.complaints.sample_size, seed=demo.seed + audit_id,
                        stratify_by="service_type", lots=lots)
    sample_id = workbench.save_case_sample(audit_id, record)
    reworked = rework_flags(orders, measure_window(scheme, "rework_rate"))
    repeated = repeat_complaint_flags(orders, measure_window(scheme, "repeat_complaint_rate"))
    by_id = orders.assign(reworked=reworked, repeated=repeated).set_index("order_id")
    for order_id in record.ids:
        order = by_id.loc[order_id]
        complaint = bool(order["is_complaint"])
        satisfied = order["complaint_satisfied"]
        workbench.verify_case(
            sample_id, order_id, note="电话回访 phone call-back",
            resolved=bool(order["resolved"]),
            complaint_closed=True if complaint else None,
            reworked=None if complaint else bool(order["reworked"]),
            repeated=bool(order["repeated"]) if complaint else None,
            satisfied=None if (not complaint or satisfied is None or satisfied != satisfied) else bool(satisfied),
        )


# What the demo reviewers record for the licences of domain c (the other domains need none).
DEMO_LICENCES = {"medical_device": {"held": True, "reference": "沪浦食药监械经营许 20210033 号"},
                 "special_equipment": {"held": False, "reference": "不安装特种设备，不需要"},
                 "vehicle_repair": {"held": False, "reference": "不从事机动车维修，不需要"}}
DOMAIN_REASONS = {"a": "主营工业机械设备，属工业商品类", "b": "主营家用电器，属消费商品类",
                  "c": "主营医学影像设备（医疗器械），属特殊商品类", "d": "成套智能家居产品，属复合商品类"}


def accept_review(workbench: Workbench, audit_id: int, on: date) -> None:
    """The application review, as a reviewer records it: accepted (the demo applicants qualify)."""
    domains = workbench.get_applicant(workbench.audit(audit_id).applicant_id).domains
    needed = {lic.id for lic in workbench.scheme.domain_licences if lic.domain in domains}
    workbench.record_review(audit_id, licences={k: v for k, v in DEMO_LICENCES.items() if k in needed},
                            credit_clear=True,
                            credit_evidence=f"信用中国查询结果 {on}（演示）", domain_reason="；".join(
                                DOMAIN_REASONS[d] for d in domains), accepted=True,
                            reason="具备独立法人资格，资质齐全，无严重失信记录，本机构有该领域的审查员", reviewed_on=on)


def declare_team(workbench: Workbench, applicant_id: str, members: list[str], on: date) -> None:
    """Each team member declares, for the year, no conflict of interest with the client."""
    workbench.declare_impartiality(members, applicant_id, on.year, on)


def _plan(workbench: Workbench, demo: DemoApplicant, audit_id: int, today: date, echo) -> None:
    applicant = workbench.get_applicant(demo.id)
    audit_type = workbench.audit(audit_id).audit_type
    if workbench.scheme.procedure_by_id["application"].applies_to(audit_type):
        for document in workbench.scheme.application_documents:
            workbench.add_document(audit_id, document.id, f"{demo.id} {document.name}（演示）".encode("utf-8"),
                                   f"{document.id}.pdf")
        accept_review(workbench, audit_id, today - timedelta(days=50))
    workbench.set_team(audit_id, list(demo.team))
    audit_start = today - timedelta(days=AUDIT_START_DAYS_BEFORE)
    import_evidence(workbench, demo, audit_id, audit_start, echo)
    declare_team(workbench, demo.id, [auditor_id for auditor_id, _ in demo.team], audit_start - timedelta(days=7))
    lots = CaseLots.of(closed_cases(audit_evidence(workbench, audit_id, audit_start).work_orders.records))
    visited = tuple(site for visit in sites_visited(workbench, audit_id) for site in visit["sites"])
    programme = plan_programme(workbench.scheme, applicant, lots, audit_start=audit_start, audit_type=audit_type,
                               site_seed=demo.seed + audit_id, eligibility=MD1_ELIGIBILITY, visited=visited)
    # The team stays on site as long as the plan needs: its auditors who count, day after day.
    grades = {auditor.id: workbench.scheme.grades_by_id[auditor.grade] for auditor in workbench.auditors()}
    counted = [a for a, _ in demo.team if grades[a].counts_for_person_days]
    days = max(2, math.ceil(on_site_days(workbench.scheme, programme.person_days) / len(counted)))
    programme = plan_programme(workbench.scheme, applicant, lots, audit_start=audit_start,
                               audit_end=audit_start + timedelta(days=days - 1), audit_type=audit_type,
                               site_seed=demo.seed + audit_id, eligibility=MD1_ELIGIBILITY, visited=visited)
    workbench.save_programme(audit_id, programme)
    agenda = propose_agenda(programme, [auditor_id for auditor_id, _ in demo.team])
    workbench.save_audit_plan(audit_id, team_sent_on=audit_start - timedelta(days=10), agenda=agenda,
                              objections=[] if demo.id != "demo-consumer" or audit_type != "initial" else [
                                  {"member": "A06", "reason": "A06 曾为本公司提供咨询", "resolution": "A06 不参加本次审查组"}])


def _findings(workbench: Workbench, demo: DemoApplicant, audit_id: int, today: date) -> None:
    """The findings raised at the report, and the applicant's accepted plans for the minor
    nonconformities that the auditors graded on checklist rows. A plan is accepted ten days
    before the decision, or on the finding's day if that is later (a long audit ends later)."""
    grades = workbench.scheme.finding_grades_by_id
    for row_finding in workbench.findings(audit_id):
        if grades[row_finding.grade].blocks_until == "plan_accepted":
            workbench.save_corrective_action(row_finding.id, "演示：整改计划已提交 corrective plan submitted",
                                             accepted_on=max(row_finding.raised_on, today - timedelta(days=10)))
    for finding in demo.findings:
        if finding.clause in demo.failed_items:
            continue  # raised by the grade on its checklist row
        finding_id = workbench.add_finding(audit_id, finding.grade, finding.clause, finding.description)
        if finding.plan:
            [raised_on] = [f.raised_on for f in workbench.findings(audit_id) if f.id == finding_id]
            accepted_on = max(raised_on, today - timedelta(days=10))
            workbench.save_corrective_action(finding_id, finding.plan,
                                             accepted_on=accepted_on if finding.accepted else None,
                                             verified_on=max(accepted_on, today - timedelta(days=5))
                                             if finding.verified else None)


# What the demo's teams state beside the checklists (report_particulars): what the audit type
# requires, and what no type requires (observers, guides …); a scheme's particular the demo does
# not know is stated as "无" (none), as a team writes for what did not apply.
DEMO_PARTICULARS = {
    "representative": "王建国（售后服务部经理，演示人物）",
    "observers": "无",
    "guides": "售后服务部主管 1 名陪同现场审核",
    "significant_changes": "上次审核以来组织架构、服务网点和认证范围无重大变化",
    "internal_audit": "{year} 年度内部审核已覆盖全部服务网点，开具 3 项一般不符合，均已关闭",
    "management_review": "{year} 年度管理评审已于年末召开，输入齐全，输出包括服务承诺时限的调整",
    "marks_use": "conforming",
    "marks_use_note": "核查了官网、门店宣传册和服务车辆上的证书与标志，使用符合规定",
    "programme_issues": "无",
}


def _state_particulars(workbench: Workbench, demo: DemoApplicant, audit_id: int, year: int) -> None:
    audit_type = workbench.audit(audit_id).audit_type
    workbench.save_particulars(audit_id, {
        p.id: DEMO_PARTICULARS.get(p.id, "无").format(year=year - 1)
        for p in workbench.scheme.report_particulars
        if audit_type in p.required_for or not p.required_for})


def carry_through(workbench: Workbench, demo: DemoApplicant, echo, today: date) -> int:
    """The initial audit: application → planning → contract → audit → report → decision →
    certificate, decided on `today`. Returns the audit's id."""
    audit_id = workbench.open_audit(demo.id, submitted_on=today - timedelta(days=60))
    run_audit(workbench, demo, audit_id, echo, today)
    return audit_id


def run_audit(workbench: Workbench, demo: DemoApplicant, audit_id: int, echo, today: date,
              outcome: str | None = None, **decision) -> None:
    """Carry an opened audit through its stages to the committee's decision on `today` and
    carry that out on the certificate. The decision follows the audit team's recommendation;
    an `outcome` that departs from it comes with its `override_reason`."""
    scheme = workbench.scheme
    audit_type = workbench.audit(audit_id).audit_type
    # The audit's records are made, and its report signed, before the decision's day.
    with workbench.clock.at(today - timedelta(days=REPORT_SIGNED_DAYS_BEFORE)):
        _plan(workbench, demo, audit_id, today, echo)
        for stage in ("application", "planning"):
            run_stage(workbench, stage, demo.id, audit_id)
        workbench.save_contract(audit_id, f"HT-{today.year}-{demo.seed:04d}-{audit_id}",
                                today - timedelta(days=40), DEMO_CONTRACT_FEE)
        run_stage(workbench, "contract", demo.id, audit_id)
        leader = workbench.acting_as(next(auditor for auditor, role in demo.team if role == "leader"))
        _answer_checklist(leader, demo, audit_id)
        _verify_cases(leader, demo, audit_id)
        if survey_methods(scheme) & set(workbench.audit(audit_id).covered_methods(scheme)):  # the survey's audits call back
            audit_start = workbench.programme(audit_id).audit_start
            _call_back(leader, demo, audit_id, audit_start + timedelta(days=1))
        for stage in ("characteristic", "system_audit"):
            run_stage(workbench, stage, demo.id, audit_id)
        if demo.sign_off:
            for stage in ("characteristic", "system_audit"):
                leader.sign_off(audit_id, stage)
        _findings(leader, demo, audit_id, today)
        _state_particulars(leader, demo, audit_id, today.year)
        report = run_stage(workbench, "report", demo.id, audit_id).result
        leader.sign_off(audit_id, "report")  # the committee decides on a signed report only
        run_stage(workbench, "surveillance", demo.id, audit_id)
    advice = report["recommendation"]
    certificate = workbench.certificate_for(demo.id)
    suggested = suggested_outcome(scheme, audit_type, certifiable=advice["certifiable"] and demo.certify,
                                  advised_rank=advice["level"]["rank"], certificate=certificate,
                                  scope_extension=bool(workbench.audit(audit_id).requested_scope),
                                  methods=workbench.audit(audit_id).covered_methods(scheme))
    if outcome is not None and outcome != suggested and not decision.get("override_reason"):
        raise ValueError(f"{demo.id} {audit_type}: the recommendation suggests {suggested}, not {outcome}")
    suggested = outcome or suggested
    reasons = ("；".join(g["zh"] for g in advice["reasons"] if not g["passed"] and g["blocking"])
               or "审查结论与推荐意见一致，符合认证要求")
    with workbench.clock.at(today):  # decided and carried out on its day
        workbench.acting_as(COMMITTEE[0]).record_decision(
            audit_id, decided_on=today, outcome=suggested, members=COMMITTEE,
            level_rank=outcome_level(scheme, suggested, advice["level"]["rank"], certificate),
            reasons=reasons, **decision)
        run_stage(workbench, "decision", demo.id, audit_id)
        workbench.acting_as(COMMITTEE[0]).sign_off(audit_id, "decision")  # a certificate carries out a signed decision
        name = scheme.outcomes_by_id[suggested].name
        if scheme.outcomes_by_id[suggested].certificate != "none":
            certificate = workbench.acting_as(CERTIFICATE_ISSUER).issue_certificate(audit_id, today)
            level = next(level for level in scheme.levels if level.rank == certificate.level_rank)
            echo(f"  {scheme.audit_type(audit_type).name} {today}：{name}，证书 certificate {certificate.number}"
                 f"（{level.label} {level.name}，{certificate.status}）")
        else:
            echo(f"  {scheme.audit_type(audit_type).name} {today}：{name} not certified：{reasons}")
        run_stage(workbench, "certificate", demo.id, audit_id)


def competence_template_rows() -> tuple[list[dict], list[dict]]:
    """The demo people and their evidence, as parameters/auditors_template.xlsx holds them."""
    people, evidence = [], []
    for number, (auditor_id, name, grade, domains, since, decides) in enumerate(DEMO_AUDITORS, start=1):
        people.append({"id": auditor_id, "name": name, "grade": grade, "domains": list(domains),
                       "auditor_since": since, "is_decision_maker": decides,
                       "registration_no": f"CCAA-SM-{(since or date(2025, 1, 1)).year}-{number:04d}",
                       "registration_expires": DEMO_REGISTRATION_EXPIRES, "roles": DEMO_ROLES.get(auditor_id, []),
                       "login": ""})  # the demo people sign in behind a hub with their ids
        evidence += [{"auditor_id": auditor_id, "domain": domain, "kind": "training",
                      "reference": f"商品售后服务认证审查员培训及考核（{domain} 类）", "on": since or date(2025, 1, 1)}
                     for domain in domains]
    return people, evidence


def register_auditors(workbench: Workbench) -> list[str]:
    """Register the demo auditors and committee members not registered yet, with their
    competence records, from parameters/auditors_template.xlsx (the file `audit-workbench
    auditors import` reads); return their ids."""
    existing = {a.id for a in workbench.auditors()}
    records = read_competence_file(competence_template(), workbench.scheme)
    new = [p for p in records["people"] if p["id"] not in existing]
    ids = {p["id"] for p in new}
    if new:
        workbench.import_people(new, [e for e in records["evidence"] if e["auditor_id"] in ids], [])
    return [p["id"] for p in new]
