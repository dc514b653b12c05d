"""The application review (ISO/IEC 17065 §7.3; 17021-1 §9.1.2): may the body take this
application? An independent legal person (the USCC's registration type), the licences its
domain needs, no serious credit record, and auditors competent for its domains. Every problem
is returned with its reason; an application with any is refused, never accepted."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain import Applicant, AuditorProfile
from ..scheme import Scheme


@dataclass(frozen=True)
class ReviewProblem:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class ReviewCheck:
    problems: list[ReviewProblem] = field(default_factory=list)
    branch: bool = False                      # a branch: needs its parent's authorisation
    licences_needed: list[str] = field(default_factory=list)
    competent: dict[str, list[str]] = field(default_factory=dict)  # domain -> auditors who may audit it

    @property
    def acceptable(self) -> bool:
        return not self.problems


def competent_auditors(scheme: Scheme, auditors: list[AuditorProfile], domain: str, on: date) -> list[str]:
    """Auditors whose grade counts toward the audit, registered on the day, with evidence for the
    domain (committee members included: they may audit, and not decide on what they audited)."""
    grades = scheme.grades_by_id
    return [a.id for a in auditors
            if a.grade in grades and grades[a.grade].counts_for_person_days
            and a.registration_expires is not None and a.registration_expires >= on
            and domain in a.domains and domain in a.evidenced_domains()]


def review_application(scheme: Scheme, applicant: Applicant, *, licences: dict[str, dict[str, Any]], credit_clear: bool,
                       credit_evidence: str, parent_authorisation: str, domain_reason: str,
                       auditors: list[AuditorProfile], on: date) -> ReviewCheck:
    """licences: {licence id: {"held": bool, "reference": "licence number or why not needed"}}."""
    rules = scheme.application_review
    problems: list[ReviewProblem] = []
    prefix = applicant.uscc[:2]
    eligible = {t.code: t.name for t in scheme.registration_types if t.eligible}
    refused = {t.code: t.name for t in scheme.registration_types if not t.eligible}
    if prefix in refused:
        problems.append(ReviewProblem("not_a_legal_person", f"统一社会信用代码 {prefix}… 为{refused[prefix]}，不具备独立法人资格",
                                      f"USCC {prefix}… is a {refused[prefix]}: not an independent legal person"))
    elif prefix not in eligible:
        problems.append(ReviewProblem("registration_type", f"统一社会信用代码登记类型 {prefix} 不在可受理范围（"
                                      + "、".join(f"{k} {v}" for k, v in eligible.items()) + "）",
                                      f"USCC registration type {prefix} is not one the body accepts"))
    branch = any(marker in applicant.name for marker in rules.branch_markers)
    if branch and not parent_authorisation.strip():
        problems.append(ReviewProblem("branch", "申请方为分支机构，须提供上级法人的授权文件",
                                      "The applicant is a branch: its parent's authorisation is needed"))
    needed = [lic for lic in scheme.domain_licences if lic.domain in applicant.domains]
    for licence in needed:
        entry = licences.get(licence.id) or {}
        if not str(entry.get("reference", "")).strip():
            problems.append(ReviewProblem(
                "licence", f"未记录{licence.name}（{licence.needed_when}时须持有）：请填写证号，或写明不需要的原因",
                f"{licence.id}: record its number, or why it is not needed ({licence.needed_when})"))
    if not credit_clear or not credit_evidence.strip():
        problems.append(ReviewProblem("credit", "须确认无严重失信记录，并附查询证据（信用中国、国家企业信用信息公示系统）",
                                      "Confirm there is no serious credit record, with the evidence of the search"))
    if not domain_reason.strip():
        problems.append(ReviewProblem("domain_reason", "请写明商品领域划分的理由",
                                      "Give the reason for the domain classification"))
    competent = {d: competent_auditors(scheme, auditors, d, on) for d in applicant.domains}
    for domain, who in competent.items():
        if not who:
            problems.append(ReviewProblem("competence", f"本机构没有能审查领域 {domain} 的审查员（注册有效且有能力证据）",
                                          f"The body has no auditor competent for domain {domain} (registered, with evidence)"))
    return ReviewCheck(problems, branch, [lic.id for lic in needed], competent)
