"""The demo applicants' histories after their first decision, so that `make demo` shows the
whole certification cycle:

- demo-industrial: surveillances 1 and 2 (level maintained: a surveillance's score cannot raise
  it), recertification before expiry, which raises the level (a new certificate continuing the cycle);
- demo-consumer: its first surveillance is missed, so the certificate is suspended by rule;
  the late surveillance reinstates it; a complaint against it leads to a special audit;
- demo-special: it appeals against the refusal; the appeal is handled and rejected.

Dates are set back from today so that every rule of the cycle applies as it would have.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ..enforcement import apply_due_change
from ..store.repository import Workbench
from .audits import DemoApplicant, carry_through, run_audit

OPENED_DAYS_BEFORE_DECISION = 60
COMPLAINT_INVESTIGATOR = "A05"   # not on demo-consumer's team, not on the committee
APPEAL_HANDLER = "A01"           # not on demo-special's team, not on the committee


def _audit(workbench: Workbench, demo: DemoApplicant, echo, audit_type: str, decided_on: date,
           outcome: str, **decision) -> int:
    audit_id = workbench.open_audit(demo.id, audit_type, decided_on - timedelta(days=OPENED_DAYS_BEFORE_DECISION))
    run_audit(workbench, demo, audit_id, echo, decided_on, outcome, **decision)
    return audit_id


def industrial_cycle(workbench: Workbench, demo: DemoApplicant, echo, today: date) -> None:
    """Certified 3 years ago less 20 days, so that the recertification window is open today."""
    initial = today - relativedelta(years=3) + timedelta(days=20)
    carry_through(workbench, demo, echo, initial)
    first = initial + relativedelta(months=11)
    # At the first surveillance the minor points of the initial audit were being put right.
    _audit(workbench, replace(demo, answer_quality=0.95), echo, "surveillance", first, "maintain")
    # By the second surveillance every point the auditors raised had been put right.
    improved = replace(demo, answer_quality=1.0, findings=())
    # Its score reaches 五级, but a surveillance covers part of the scheme: the level is kept, and
    # raised at the recertification, an audit of every method (issue 22 §2).
    _audit(workbench, improved, echo, "surveillance", first + relativedelta(months=11), "maintain")
    _audit(workbench, improved, echo, "recertification", today, "certify")


def consumer_cycle(workbench: Workbench, demo: DemoApplicant, echo, today: date) -> None:
    initial = today - relativedelta(months=15)
    carry_through(workbench, demo, echo, initial)
    suspension = apply_due_change(workbench, demo.id, today - relativedelta(months=2))
    echo(f"  暂停 suspended by rule: {suspension['reason']}（{suspension['since']}）")
    _audit(workbench, demo, echo, "surveillance", today - timedelta(days=20), "reinstate",
           override_reason="恢复证书，保持原等级；等级提升须经完整的再认证或特殊审核评价")
    complaint = workbench.record_complaint(
        received_on=today - timedelta(days=15), complainant="消费者 王女士", complainant_kind="third_party",
        about="holder", applicant_id=demo.id, subject="冰箱维修三次未修好，持证方仍宣传“一次修复率 90%”")
    workbench.acknowledge_complaint(complaint, today - timedelta(days=13))
    workbench.assign_complaint(complaint, COMPLAINT_INVESTIGATOR)
    special = workbench.close_complaint(
        complaint, outcome="upheld", action="special_audit", replied_on=today - timedelta(days=8),
        findings="抽查维修工单，重复维修未计入返修率", reply="投诉成立，已对持证方安排特殊审核",
        special_audit_on=today - timedelta(days=8))
    echo(f"  投诉 complaint {complaint} → 特殊审核 special audit {special}")
    run_audit(workbench, demo, special, echo, today, "maintain",
              override_reason="特殊审核仅针对投诉事项，不据此调整等级")


def special_appeal(workbench: Workbench, demo: DemoApplicant, echo, today: date) -> None:
    carry_through(workbench, demo, echo, today - timedelta(days=30))
    initial = workbench.current_audit(demo.id)
    appeal = workbench.record_appeal(initial, received_on=today - timedelta(days=20), appellant="demo-special 法定代表人",
                                     grounds="B13 人员培训证明已补齐，不应一票否决")
    workbench.acknowledge_appeal(appeal, today - timedelta(days=18))
    workbench.assign_appeal(appeal, APPEAL_HANDLER)
    workbench.decide_appeal(appeal, outcome="rejected", decided_on=today - timedelta(days=5),
                            replied_on=today - timedelta(days=4),
                            reasons="审核时 3 名安装人员确无有效培训证明，事后补证不改变审核结论；可整改后重新申请")
    echo(f"  申诉 appeal {appeal}：驳回 rejected")


HISTORIES = {"demo-industrial": industrial_cycle, "demo-consumer": consumer_cycle, "demo-special": special_appeal}
