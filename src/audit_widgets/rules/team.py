"""Audit team check (§8; ISO/IEC 17021-1 §7.1–7.2, 7.4): leader, registration, domain
competence with its evidence, impartiality (consultancy, the declaration for the client and
year). Every violation is returned, not only the first, so the reviewer can fix the team in
one go."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from ..contract import TeamRole
from ..domain import TeamMember
from ..scheme import Scheme


@dataclass(frozen=True)
class Violation:
    code: str
    zh: str
    en: str
    auditor_id: str | None = None

    def render(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class TeamCheck:
    violations: list[Violation] = field(default_factory=list)
    counted_auditors: list[str] = field(default_factory=list)  # count toward person-days
    warnings: list[Violation] = field(default_factory=list)  # shown and reported, not blocking (rotation)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_team(
    scheme: Scheme,
    members: list[TeamMember],
    *,
    applicant_id: str,
    applicant_domains: list[str] | tuple[str, ...],
    audit_date: date,
    previous_leaders: list[str] | tuple[str, ...] = (),
) -> TeamCheck:
    """The team's competence and impartiality on the audit date. `previous_leaders`: who led the
    applicant's earlier audits, newest first (for the leader's rotation). A committee member may
    audit: only deciding on an audit one took part in is barred (record_decision)."""
    grades = scheme.grades_by_id
    roles = {r.id: r for r in scheme.team_roles}
    domain_names = {d.id: d.name for d in scheme.domains}
    lookback = relativedelta(years=scheme.impartiality.consulting_lookback_years)
    violations: list[Violation] = []
    counted: list[str] = []
    covered: set[str] = set()

    leaders = [m for m in members if m.role == TeamRole.LEADER]
    if not leaders:
        violations.append(Violation("no_leader", "审查组没有组长", "the team has no leader"))
    if len(leaders) > 1:
        violations.append(Violation("several_leaders", "审查组只能有一名组长", "the team may have only one leader"))

    for member in members:
        auditor = member.auditor
        grade = grades.get(auditor.grade)
        role = roles.get(member.role)
        who = f"{auditor.name}（{auditor.id}）"
        if grade is None or role is None:
            violations.append(Violation(
                "unknown_grade_or_role", f"{who} 的资格等级或组内角色未知", f"{auditor.id}: unknown grade or role",
                auditor.id,
            ))
            continue
        if member.role == TeamRole.LEADER and not grade.can_lead:
            violations.append(Violation(
                "leader_grade", f"{who} 为{grade.name}，不能担任组长", f"{auditor.id} is {grade.id} and cannot lead",
                auditor.id,
            ))
        if grade.min_years_as_auditor:
            since = auditor.auditor_since
            if since is None or since + relativedelta(years=grade.min_years_as_auditor) > audit_date:
                violations.append(Violation(
                    "grade_experience",
                    f"{who} 任审查员不满 {grade.min_years_as_auditor} 年，不能定为{grade.name}",
                    f"{auditor.id} has less than {grade.min_years_as_auditor} years as auditor for grade {grade.id}",
                    auditor.id,
                ))
        for consultancy in auditor.consultancies:
            if consultancy.applicant_id == applicant_id and consultancy.last_day + lookback > audit_date:
                violations.append(Violation(
                    "consulted",
                    f"{who} 于 {consultancy.last_day} 为申请方提供过咨询（{scheme.impartiality.consulting_lookback_years} 年内）",
                    f"{auditor.id} consulted for the applicant on {consultancy.last_day}, within "
                    f"{scheme.impartiality.consulting_lookback_years} years",
                    auditor.id,
                ))
        if role.counts_for_person_days and (auditor.registration_expires is None
                                            or auditor.registration_expires < audit_date):
            expired = f"已于 {auditor.registration_expires} 过期" if auditor.registration_expires else "无注册记录"
            violations.append(Violation(
                "registration", f"{who} 的审查员注册{expired}",
                f"{auditor.id}: registration " + (f"expired on {auditor.registration_expires}"
                                                  if auditor.registration_expires else "not on record"), auditor.id))
        declaration = auditor.declaration(applicant_id, audit_date.year)
        if declaration is None:
            violations.append(Violation(
                "no_declaration", f"{who} 尚未就该申请方作出 {audit_date.year} 年度公正性声明",
                f"{auditor.id} has no impartiality declaration about this client for {audit_date.year}", auditor.id))
        elif declaration.conflicts.strip():
            violations.append(Violation(
                "declared_conflict", f"{who} 声明存在利益冲突：{declaration.conflicts}",
                f"{auditor.id} declared a conflict of interest: {declaration.conflicts}", auditor.id))
        if grade.counts_for_person_days and role.counts_for_person_days:
            counted.append(auditor.id)
            evidenced = auditor.evidenced_domains()
            covered.update(set(auditor.domains) & evidenced)
            unproven = [d for d in applicant_domains if d in auditor.domains and d not in evidenced]
            if unproven:
                violations.append(Violation(
                    "domain_without_evidence",
                    f"{who} 在领域 {'、'.join(domain_names.get(d, d) for d in unproven)} 没有能力证据（培训、经历或见证审核）",
                    f"{auditor.id} has no competence evidence (training, experience, witnessed audit) for: "
                    + ", ".join(unproven), auditor.id))

    missing = [d for d in applicant_domains if d not in covered]
    if missing:
        violations.append(Violation(
            "domain_not_covered",
            "审查组（不含实习审查员和技术专家）未覆盖领域：" + "、".join(domain_names.get(d, d) for d in missing),
            "the team (trainees and experts not counted) does not cover domains: " + ", ".join(missing),
        ))
    if members and not counted:
        violations.append(Violation(
            "no_counted_auditor", "审查组中没有可计入人日的审查员", "no team member counts toward the person-days",
        ))
    return TeamCheck(violations=violations, counted_auditors=counted,
                     warnings=rotation_warnings(scheme, leaders, previous_leaders))


def rotation_warnings(scheme: Scheme, leaders: list[TeamMember], previous_leaders: list[str] | tuple[str, ...]
                      ) -> list[Violation]:
    """A leader who already led the applicant's last `max_consecutive_audits_by_leader` audits."""
    limit = scheme.impartiality.max_consecutive_audits_by_leader
    if limit is None or len(leaders) != 1:
        return []
    leader = leaders[0].auditor
    run = next((n for n, previous in enumerate(previous_leaders) if previous != leader.id), len(previous_leaders))
    if run < limit:
        return []
    return [Violation("leader_rotation",
                      f"{leader.name}（{leader.id}）已连续 {run} 次担任该申请方的审查组长，本次为第 {run + 1} 次，"
                      f"超过方案的 {limit} 次：宜更换组长",
                      f"{leader.id} has led this client's last {run} audits in a row; this would be the "
                      f"{run + 1}th, beyond the scheme's {limit}: rotate the leader", leader.id)]
