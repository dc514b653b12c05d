"""The certification decision rule: certifiable or not, and every reason why."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain import FindingState
from ..scheme import Scheme
from .scoring import Gate, ScoreResult


@dataclass
class Recommendation:
    certifiable: bool
    level_rank: int
    level_label: str
    level_name: str
    reasons: list[Gate] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "certifiable": self.certifiable,
            "level": {"rank": self.level_rank, "label": self.level_label, "name": self.level_name},
            "reasons": [g.__dict__ for g in self.reasons],
        }


def conflicted_members(members: Iterable[str], audit_team: Iterable[str]) -> list[str]:
    """Committee members who were on the audit team: they may not decide (impartiality)."""
    return sorted(set(members) & set(audit_team))


def open_major_count(scheme: Scheme, findings: list[FindingState]) -> int:
    needs_verification = {g.id for g in scheme.finding_grades if g.blocks_until == "verified"}
    return sum(1 for f in findings if f.grade in needs_verification and not f.closed)


def finding_gates(scheme: Scheme, findings: list[FindingState], decision_date: date) -> list[Gate]:
    grades = scheme.finding_grades_by_id
    gates = []
    for finding in findings:
        grade = grades[finding.grade]
        if grade.blocks_until == "none":
            continue
        deadline = grade.deadline(finding.raised_on)
        done = finding.verified_on if grade.blocks_until == "verified" else (finding.plan_accepted_on or finding.verified_on)
        if done is not None:
            continue
        if grade.blocks_until == "verified":
            overdue = decision_date > deadline
            gates.append(Gate(
                f"finding:{finding.id}", False, blocking=True,
                zh=f"{grade.name} {finding.id} 的纠正措施未经验证"
                   + (f"，已超过期限 {deadline}，申请不予通过" if overdue else f"（期限 {deadline}）"),
                en=f"{grade.id} finding {finding.id}: corrective action not verified"
                   + (f"; deadline {deadline} passed, the application fails" if overdue else f" (due {deadline})"),
            ))
        else:
            gates.append(Gate(
                f"finding:{finding.id}", False, blocking=True,
                zh=f"{grade.name} {finding.id} 的纠正措施计划尚未被接受（期限 {deadline}）",
                en=f"{grade.id} finding {finding.id}: corrective action plan not accepted (due {deadline})",
            ))
    return gates


SCORE_GATES = ("complete", "level", "veto")  # the report's gates that rest on the (locked) answers


def gates_against(scheme: Scheme, report_recommendation: dict[str, Any], findings: list[FindingState],
                  decided_on: date) -> list[Gate]:
    """What no justification overrides (issue 22 §0): the signed report's score gates (an item
    unanswered, a level not certifiable, a failed veto item) and the findings as they stand on
    the decision day (a major not verified, a minor's plan not accepted). A positive outcome
    (certified) is refused while any of them fails; only the level may depart, with reasons."""
    recorded = [Gate(**g) for g in report_recommendation.get("reasons", [])
                if g.get("id") in SCORE_GATES and g.get("blocking") and not g.get("passed")]
    return recorded + finding_gates(scheme, findings, decided_on)


def recommend(
    scheme: Scheme,
    score: ScoreResult,
    findings: list[FindingState],
    *,
    decision_date: date,
    decision_makers: list[str] | tuple[str, ...] = (),
    audit_team: list[str] | tuple[str, ...] = (),
) -> Recommendation:
    """Combine the score's gates, the findings and the committee's impartiality."""
    reasons: list[Gate] = list(score.gates)
    if not score.complete:
        reasons.append(Gate(
            "complete", False, blocking=True,
            zh=f"尚有 {len(score.unanswered)} 个条目未作答：" + "、".join(score.unanswered),
            en=f"{len(score.unanswered)} items are unanswered: " + ", ".join(score.unanswered),
        ))
    reasons.append(Gate(
        "level", score.level.certifiable, blocking=True,
        zh=f"得分 {score.score:.1f}，等级{score.level.label}（{score.level.name}）"
           + ("" if score.level.certifiable else "，未达到认证要求"),
        en=f"score {score.score:.1f}, level {score.level.rank}" + ("" if score.level.certifiable else ", not certifiable"),
    ))
    reasons += finding_gates(scheme, findings, decision_date)
    conflicted = conflicted_members(decision_makers, audit_team)
    if conflicted:  # they may audit; only deciding on this audit is barred, so others must decide
        independent = sorted(set(decision_makers) - set(conflicted))
        reasons.append(Gate(
            "impartiality", bool(independent), blocking=True,
            zh=f"认证决定人员 {'、'.join(conflicted)} 参加过本次审查，不能参与决定；"
               + (f"可由 {'、'.join(independent)} 决定" if independent else "没有其他认证决定人员可以决定"),
            en=f"committee members {', '.join(conflicted)} were on the audit team and may not decide; "
               + (f"{', '.join(independent)} may" if independent else "no other committee member can decide"),
        ))
    certifiable = all(g.passed for g in reasons if g.blocking)
    return Recommendation(certifiable, score.level.rank, score.level.label, score.level.name, reasons)
