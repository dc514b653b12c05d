"""The certification cycle's state machine: which audit may be opened, and which decision may
follow an audit, given the certificate as it stands. The audit types, their decisions and
what each decision does to the certificate are scheme data (audit_types, decision_outcomes)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TypeGuard

from dateutil.relativedelta import relativedelta

from ..contract import EFFECT_NEEDS, EFFECT_STATUS, IN_FORCE, AuditTypeId, Outcome, SpecialReason, Status
from ..domain import Certificate, Scope
from ..errors import RuleError
from ..scheme import DecisionOutcome, Scheme, SpecialAuditReason
from .decision import Recommendation
from .lifecycle import expiry_date, recertification_window
from .scoring import Gate


def certificate_in_force(certificate: Certificate | None) -> TypeGuard[Certificate]:
    return certificate is not None and certificate.status in IN_FORCE


def check_new_audit(scheme: Scheme, audit_type: str, *, certificate: Certificate | None,
                    current_undecided: str | None, today: date, reason: str = "", scope_extension: bool = False,
                    withdrawn_on: date | None = None) -> None:
    """Refuse an audit the cycle does not allow now. current_undecided: the type of the
    applicant's audit that has no decision yet, if any (one audit at a time). A suspended
    certificate is neither recertified nor extended before a decision lifts the suspension."""
    names = {s.id: s.name for s in scheme.audit_types}
    if audit_type not in names:
        raise RuleError(f"未知的审核类型「{audit_type}」，可选：{'、'.join(names)}",
                        f"Unknown audit type '{audit_type}'; known: {', '.join(names)}")
    name = names[audit_type]
    if current_undecided is not None:
        raise RuleError(f"上一次审核（{names.get(current_undecided, current_undecided)}）尚未作出认证决定，不能开始{name}",
                        f"The previous audit ({current_undecided}) has no decision yet; a {audit_type} audit cannot start")
    if audit_type == "initial":
        if certificate_in_force(certificate):
            raise RuleError(f"已持有有效或暂停中的证书 {certificate.number}，不能再申请初次认证",
                            f"Certificate {certificate.number} is in force: no new initial audit")
        if certificate is not None and certificate.status == Status.WITHDRAWN and withdrawn_on is not None:
            months = scheme.lifecycle_rules.reapply_after_withdrawal_months
            again = withdrawn_on + relativedelta(months=months)
            if today < again:
                raise RuleError(f"证书 {certificate.number} 于 {withdrawn_on} 被撤销，{months} 个月后（{again} 起）方可重新申请",
                                f"Certificate {certificate.number} was withdrawn on {withdrawn_on}: a new application "
                                f"is possible from {again} ({months} months later)", code="cycle.waiting_period")
        return
    if not certificate_in_force(certificate):
        raise RuleError(f"没有有效或暂停中的证书，不能开始{name}",
                        f"No certificate in force: a {audit_type} audit cannot start")
    if certificate.status == Status.SUSPENDED and (audit_type == "recertification" or scope_extension):
        what = ("再认证", "recertified") if audit_type == "recertification" else ("扩大范围", "extended")
        raise RuleError(f"证书 {certificate.number} 暂停中，须先由认证决定恢复（监督或特殊审核后的“恢复证书”），"
                        f"才能{what[0]}",
                        f"Certificate {certificate.number} is suspended: it cannot be {what[1]} before a decision "
                        "lifts the suspension (reinstate, after a surveillance or special audit)",
                        code="cycle.suspended")
    if audit_type == "special" and not reason.strip():
        raise RuleError("特殊审核须写明原因（投诉、范围扩大、暂停后的验证……）",
                        "A special audit needs its reason (a complaint, a scope extension, a suspension …)")
    if audit_type == "recertification":
        window = recertification_window(scheme, certificate.expires_on)
        if today < window.opens_on:
            raise RuleError(f"再认证自 {window.opens_on} 起方可申请（证书 {certificate.expires_on} 到期，最迟于 "
                            f"{window.apply_by} 申请）",
                            f"Recertification may be applied for from {window.opens_on} (expiry "
                            f"{certificate.expires_on}; apply by {window.apply_by})")


@dataclass(frozen=True)
class DecisionEffect:
    outcome: DecisionOutcome
    continuous: bool = False  # a recertification decided before expiry: the new cycle follows the old


def check_decision(scheme: Scheme, audit_type: str, outcome_id: str, *, level_rank: int,
                   certificate: Certificate | None, decided_on: date, status_reason: str | None = None,
                   deadline: date | None = None, methods: tuple[str, ...] | None = None) -> DecisionEffect:
    """The decision's effect, or a RuleError naming why this decision cannot follow this audit.
    methods: what the audit covered (Audit.covered_methods; default its type's)."""
    allowed = scheme.audit_type(audit_type).decisions
    outcome = scheme.outcomes_by_id.get(outcome_id)
    names = {o.id: o.name for o in scheme.decision_outcomes}
    if outcome is None or outcome_id not in allowed:
        options = "、".join(f"{names[o]}（{o}）" for o in allowed)
        raise RuleError(f"{scheme.audit_type(audit_type).name}之后的决定应为：{options}",
                        f"After a {audit_type} audit the decision must be one of: {', '.join(allowed)}")
    if level_rank not in {level.rank for level in scheme.levels}:
        raise RuleError(f"方案中没有等级 {level_rank}", f"The scheme has no level {level_rank}")
    if outcome.certified and not next(level for level in scheme.levels if level.rank == level_rank).certifiable:
        raise RuleError(f"等级 {level_rank} 不能获证", f"Level {level_rank} cannot be certified")
    _refuse_a_raise_without_the_evidence(scheme, audit_type, outcome, level_rank, certificate,
                                         methods or scheme.audit_methods(audit_type))
    top = scheme.lifecycle_rules.max_level_at_initial
    if audit_type == AuditTypeId.INITIAL and outcome.certified and level_rank > top:
        raise RuleError(f"初次认证最高授予 {top} 级（方案 max_level_at_initial），决定为 {level_rank} 级",
                        f"An initial audit grants at most level {top} (max_level_at_initial); the decision says "
                        f"{level_rank}", code="decision.initial_level")
    effect = DecisionEffect(outcome)
    if outcome.certificate in ("issue", "none"):
        if audit_type == "recertification" and outcome.certificate == "issue":
            return DecisionEffect(outcome, continuous=_recertification_in_time(scheme, certificate, decided_on))
        return effect
    if certificate is None:
        raise RuleError("没有证书，不能作出此决定", "There is no certificate for this decision to act on")
    required = EFFECT_NEEDS[outcome.certificate]
    status_names = {s.id: s.name for s in scheme.certificate_statuses}
    if required and certificate.status != required or certificate.status not in IN_FORCE:
        raise RuleError(f"证书 {certificate.number} 当前状态为「{status_names.get(certificate.status)}」，不能「{outcome.name}」",
                        f"Certificate {certificate.number} is {certificate.status}: '{outcome_id}' is not possible")
    rank = certificate.level_rank
    wrong_level = {"same": level_rank != rank, "higher": level_rank <= rank, "lower": level_rank >= rank,
                   "any": False}[outcome.level]
    if wrong_level:
        raise RuleError(f"「{outcome.name}」与等级不符：证书为 {rank} 级，决定为 {level_rank} 级",
                        f"'{outcome_id}' does not fit the levels: certificate {rank}, decision {level_rank}")
    if outcome.certificate in ("suspend", "withdraw"):
        _check_status_reason(scheme, outcome, status_reason, decided_on, deadline)
    return effect


def check_certificate_decision(scheme: Scheme, outcome_id: str, *, grounds: str, certificate: Certificate,
                               decided_on: date, today: date, status_reason: str | None = None,
                               deadline: date | None = None, scope: Scope | None = None) -> None:
    """Refuse a decision between audits (issue 22 §1) that the scheme does not allow: an outcome
    not marked between_audits, unknown grounds, a status the certificate cannot go to, a reason
    of another status, a suspension without a deadline in time, a scope reduction that widens."""
    outcome = scheme.outcomes_by_id.get(outcome_id)
    allowed = [o for o in scheme.decision_outcomes if o.between_audits]
    if outcome is None or not outcome.between_audits:
        raise RuleError("审核之外的认证决定应为：" + "、".join(f"{o.name}（{o.id}）" for o in allowed),
                        "A decision without an audit must be one of: " + ", ".join(o.id for o in allowed))
    grounds_ids = {g.id: g.name for g in scheme.decision_grounds}
    if grounds not in grounds_ids:
        raise RuleError("决定依据应为：" + "、".join(f"{n}（{i}）" for i, n in grounds_ids.items()),
                        "The grounds must be one of: " + ", ".join(grounds_ids))
    if decided_on > today or decided_on < certificate.issued_on:
        raise RuleError(f"决定日期 {decided_on} 应在发证日期 {certificate.issued_on} 与今天之间",
                        f"The decision's date {decided_on} must fall between the issue ({certificate.issued_on}) "
                        "and today", code="chronology.decided_on")
    required = EFFECT_NEEDS[outcome.certificate]
    if certificate.status not in IN_FORCE or required and certificate.status != required:
        names = {s.id: s.name for s in scheme.certificate_statuses}
        raise RuleError(f"证书 {certificate.number} 当前状态为「{names.get(certificate.status)}」，不能「{outcome.name}」",
                        f"Certificate {certificate.number} is {certificate.status}: '{outcome_id}' is not possible")
    if outcome.certificate == "reduce":
        _check_reduced_scope(certificate, scope)
        return
    if EFFECT_STATUS[outcome.certificate] != Status.VALID:
        _check_status_reason(scheme, outcome, status_reason, decided_on, deadline)


def _check_status_reason(scheme: Scheme, outcome: DecisionOutcome, status_reason: str | None, decided_on: date,
                         deadline: date | None) -> None:
    """A decision that suspends, withdraws or cancels gives a reason of that status; a suspension
    a deadline within max_suspension_months."""
    status = EFFECT_STATUS[outcome.certificate]
    reasons = [r.id for r in scheme.status_reasons if r.status == status]
    if status_reason not in reasons:
        raise RuleError(f"「{outcome.name}」须选择原因：{'、'.join(reasons)}",
                        f"'{outcome.id}' needs a reason, one of: {', '.join(reasons)}")
    if outcome.certificate == "suspend":
        _check_suspension_deadline(scheme, decided_on, deadline)


def _check_suspension_deadline(scheme: Scheme, decided_on: date, deadline: date | None) -> None:
    if deadline is None or deadline <= decided_on:
        raise RuleError("暂停须给出整改期限（晚于决定日期）", "A suspension needs a deadline after the decision")
    months = scheme.lifecycle_rules.max_suspension_months
    longest = decided_on + relativedelta(months=months)
    if deadline > longest:
        raise RuleError(f"暂停期限 {deadline} 超过最长暂停期（{longest}，{months} 个月）",
                        f"The suspension's deadline {deadline} is past the longest suspension ({longest}, "
                        f"{months} months)", code="cycle.suspension_too_long")


def _check_reduced_scope(certificate: Certificate, scope: Scope | None) -> None:
    held = certificate.scope
    if scope is None or not scope.domains or set(scope.domains) - set(held.domains) \
            or set(scope.sites) - set(held.sites):
        raise RuleError("缩小后的范围须是现有范围的一部分，且至少保留一个领域",
                        "The reduced scope must lie within the certificate's and keep at least one domain")
    if scope == held:
        raise RuleError("缩小后的范围与现有范围相同", "The reduced scope is the same as the certificate's")


def special_audit_reason(scheme: Scheme, audit_type: str, reason_id: str | None) -> SpecialAuditReason | None:
    """A special audit's reason (default `other`); none for any other audit type."""
    if audit_type != AuditTypeId.SPECIAL:
        if reason_id is not None:
            raise RuleError("只有特殊审核有开始原因类别", "Only a special audit has a reason category")
        return None
    reasons = scheme.special_reasons_by_id
    reason = reasons.get(reason_id or SpecialReason.OTHER)
    if reason is None:
        raise RuleError("特殊审核的原因类别应为：" + "、".join(f"{r.name}（{r.id}）" for r in reasons.values()),
                        "A special audit's reason must be one of: " + ", ".join(reasons))
    return reason


def methods_for_audit(scheme: Scheme, audit_type: str, *, occurrence: int, special: SpecialAuditReason | None = None,
                      added_domains: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The checklist methods an audit covers, fixed when it is opened: its type's, those the
    scheme adds to the n-th audit of the type in the cycle (the survey at the second
    surveillance), every method for a re-grading, and for a scope extension the methods that
    hold the new domains' veto items (issue 22 §2, §3)."""
    every = [m.id for m in scheme.methods]
    if special is not None and special.all_methods:
        return tuple(every)
    kind = scheme.audit_type(audit_type)
    covered = set(scheme.audit_methods(audit_type)) | set(kind.extra_methods if occurrence == kind.extra_methods_at else ())
    covered |= {item.method for item in scheme.items_for(added_domains) if item.veto} if added_domains else set()
    return tuple(m for m in every if m in covered)


def covers_every_method(scheme: Scheme, methods: tuple[str, ...]) -> bool:
    return set(methods) >= {m.id for m in scheme.methods}


def _refuse_a_raise_without_the_evidence(scheme: Scheme, audit_type: str, outcome: DecisionOutcome, level_rank: int,
                                         certificate: Certificate | None, methods: tuple[str, ...]) -> None:
    """A level is raised only on an audit of every method (a surveillance's partial evidence may
    maintain or lower it), and by at most max_level_step levels (issue 22 §2)."""
    if outcome.needs_all_methods and not covers_every_method(scheme, methods):
        covered = "、".join(methods)
        name = scheme.audit_type(audit_type).name
        raise RuleError(f"「{outcome.name}」须依据覆盖全部方法的审核（再认证或重新评级的特殊审核）；本次{name}只覆盖 {covered}",
                        f"'{outcome.id}' needs an audit of every method (a recertification or a re-grading); this "
                        f"{audit_type} audit covers only {covered}")
    step = scheme.lifecycle_rules.max_level_step
    if outcome.certified and certificate is not None and level_rank - certificate.level_rank > step:
        raise RuleError(f"等级一次最多提升 {step} 级：证书为 {certificate.level_rank} 级，决定为 {level_rank} 级",
                        f"A level rises by at most {step} at a time: certificate {certificate.level_rank}, "
                        f"decision {level_rank}")


def _recertification_in_time(scheme: Scheme, certificate: Certificate | None, decided_on: date) -> bool:
    """True: decided before expiry, the new certificate continues the cycle. False: late but
    within the scheme's restoration months. Later than that the applicant starts again."""
    if certificate is None:
        raise RuleError("没有可再认证的证书", "There is no certificate to recertify")
    if decided_on <= certificate.expires_on:
        return True
    months = scheme.lifecycle_rules.late_recertification_restore_months
    if decided_on > certificate.expires_on + relativedelta(months=months):
        raise RuleError(f"证书已于 {certificate.expires_on} 到期，再认证决定过晚，须重新申请初次认证",
                        f"The certificate expired on {certificate.expires_on}; too late to recertify: "
                        "apply for an initial certification")
    return False


def recertified_dates(scheme: Scheme, old: Certificate, decided_on: date, continuous: bool) -> tuple[date, date]:
    """(issued on, expires on) of a recertified certificate: continuing the old cycle when
    decided in time, else a new cycle from the decision."""
    if continuous:
        return decided_on, expiry_date(scheme, old.expires_on + relativedelta(days=1))
    return decided_on, expiry_date(scheme, decided_on)


def suggested_outcome(scheme: Scheme, audit_type: str, *, certifiable: bool, advised_rank: int,
                      certificate: Certificate | None, scope_extension: bool = False,
                      methods: tuple[str, ...] | None = None) -> str:
    """The decision that follows the audit team's recommendation, among those the audit's type
    allows: the committee starts from it and may decide otherwise, with its reason. A scope
    extension's audit that can certify suggests extending the scope at the certificate's level."""
    allowed = scheme.audit_type(audit_type).decisions
    if scope_extension and certifiable and certificate is not None and certificate.status == Status.VALID:
        wanted = Outcome.EXTEND_SCOPE
    elif certificate is None or Outcome.CERTIFY in allowed:
        wanted = Outcome.CERTIFY if certifiable else Outcome.REFUSE
    elif not certifiable:
        wanted = Outcome.SUSPEND if certificate.status == Status.VALID else Outcome.WITHDRAW
    elif certificate.status == Status.SUSPENDED:
        wanted = Outcome.REINSTATE
    elif advised_rank > certificate.level_rank and covers_every_method(
            scheme, methods or scheme.audit_methods(audit_type)):
        wanted = Outcome.RAISE
    elif advised_rank < certificate.level_rank:
        wanted = Outcome.LOWER
    else:
        wanted = Outcome.MAINTAIN
    return wanted.value if wanted in allowed else allowed[0]


def outcome_level(scheme: Scheme, outcome_id: str, proposed_rank: int, certificate: Certificate | None) -> int:
    """The level a decision records: the certificate's own for a decision that keeps it (maintain,
    suspend, withdraw, reinstate), the lowest on refusal, else the proposed one, at most
    max_level_step above the certificate's."""
    outcome = scheme.outcomes_by_id[outcome_id]
    if outcome.level == "same" and certificate is not None:
        return certificate.level_rank
    if not outcome.certified:
        return scheme.levels[0].rank
    if certificate is not None:
        return min(proposed_rank, certificate.level_rank + scheme.lifecycle_rules.max_level_step)
    return proposed_rank


def decidable_recommendation(scheme: Scheme, recommendation: Recommendation, audit_type: str,
                             certificate: Certificate | None, methods: tuple[str, ...] | None = None) -> Recommendation:
    """The team's recommendation within what the audit may decide: after an audit that did not
    cover every method the level is not raised above the certificate's, and no decision raises
    it by more than max_level_step; an initial audit recommends at most max_level_at_initial; the
    note says why."""
    top = scheme.lifecycle_rules.max_level_at_initial
    if audit_type == AuditTypeId.INITIAL and recommendation.level_rank > top:
        return _capped(scheme, recommendation, top,
                       f"初次认证最高授予 {top} 级：得分所示的{recommendation.level_label}须待监督或再认证的记录",
                       f"an initial audit grants at most level {top}: the score's level {recommendation.level_rank} "
                       "waits for a record (surveillance, recertification)")
    if certificate is None or not certificate_in_force(certificate) or recommendation.level_rank <= certificate.level_rank:
        return recommendation
    methods = methods or scheme.audit_methods(audit_type)
    if not covers_every_method(scheme, methods):
        cap, zh, en = (certificate.level_rank,
                       f"{scheme.audit_type(audit_type).name}覆盖 {len(methods)}/{len(scheme.methods)} 个方法"
                       f"（{'、'.join(methods)}），得分所示的{recommendation.level_label}不能据此提升等级：建议保持证书等级",
                       f"a {audit_type} audit covers {len(methods)} of {len(scheme.methods)} methods; its score cannot "
                       f"raise the level: the certificate's level {certificate.level_rank} is recommended")
    else:
        cap = certificate.level_rank + scheme.lifecycle_rules.max_level_step
        if recommendation.level_rank <= cap:
            return recommendation
        zh, en = (f"等级一次最多提升 {scheme.lifecycle_rules.max_level_step} 级：建议 {cap} 级",
                  f"a level rises by at most {scheme.lifecycle_rules.max_level_step} at a time: level {cap} recommended")
    return _capped(scheme, recommendation, cap, zh, en)


def _capped(scheme: Scheme, recommendation: Recommendation, cap: int, zh: str, en: str) -> Recommendation:
    level = next(level for level in scheme.levels if level.rank == cap)
    return replace(recommendation, level_rank=level.rank, level_label=level.label, level_name=level.name,
                   reasons=[*recommendation.reasons, Gate("decidable_level", False, blocking=False, zh=zh, en=en)])
