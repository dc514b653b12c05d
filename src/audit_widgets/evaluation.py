"""Bring the stored evidence together into one evaluation: the measures from the work orders
and the survey, the case verification, the answers, the adjustments and the findings.

This is the one place where a score is assembled; the widgets, the batch notebooks and the
reports all call `evaluate`, so they cannot disagree.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Callable

import pandas as pd

from .domain import Answer, Applicant
from .evidence import Evidence, audit_evidence
from .measures_cache import cache_key, kept_kpis, kept_survey
from .rules.cases import case_item_answers
from .rules.cycle import decidable_recommendation
from .rules.decision import Recommendation, open_major_count, recommend
from .rules.kpis import KpiReport, compute_kpis
from .rules.scoring import ScoreResult, score_applicant
from .rules.survey import SurveySummary, callback_responses, summarise_survey
from .store.repository import Workbench


@dataclass
class Evaluation:
    applicant: Applicant
    audit_id: int
    evidence: Evidence | None  # the records inside the audit's period, and what was left out (None: no audit)
    kpis: KpiReport | None
    survey: SurveySummary | None
    case_answers: dict[str, Answer]
    score: ScoreResult

    def measures(self) -> dict[str, float]:
        return combined_measures(self.kpis, self.survey)


def combined_measures(kpis: KpiReport | None, survey: SurveySummary | None) -> dict[str, float]:
    """Every measured value by the measure ids the checklist uses."""
    values: dict[str, float] = {}
    if kpis is not None:
        values.update(kpis.measures())
    if survey is not None:
        values.update(survey.measures())
    return values


# KPIs and survey figures change only with an import, and reading 30k work orders costs most
# of a second: a process measures each imported file once (here), and processes share what
# they measured (measures_cache). Keyed on the files' SHA-256, layout and rows (not only the
# import ids, which a recreated database reuses) and the scheme.
_measured: OrderedDict[tuple, object] = OrderedDict()
MEASURED_KEPT = 16


def _measured_once(workbench: Workbench, evidence: Evidence, what: str, measure: Callable[[], object],
                   kept: Callable[[str, Callable[[], object]], object]):
    """Keyed on the files the audit reads and its period: two audits reading the same records
    share their figures, and a new import or another period measures afresh."""
    imports = tuple(sorted((k, r.sha256, r.layout, r.rows) for k, r in evidence.imports.items()))
    key = (what, workbench.location, evidence.period.label(), workbench.scheme.fingerprint,
           imports)
    if key not in _measured:
        _measured[key] = kept(cache_key(*key[:1], *key[2:]), measure) if imports else measure()
        while len(_measured) > MEASURED_KEPT:
            _measured.popitem(last=False)
    return _measured[key]


def kpi_report(workbench: Workbench, evidence: Evidence) -> KpiReport | None:
    """The KPIs of the work orders inside the audit's period."""
    def measure() -> KpiReport | None:
        orders = evidence.work_orders.records
        return None if orders.empty else compute_kpis(orders, workbench.scheme)
    return _measured_once(workbench, evidence, "kpis", measure, kept_kpis)


def survey_summary(workbench: Workbench, audit_id: int, evidence: Evidence,
                   population: int | None = None) -> SurveySummary | None:
    """The survey figures of the responses inside the audit's period, with the audit's own
    call-backs (channel phone_callback) beside the imported ones. Without a given population,
    the customers of the work orders used are the population the sample must represent."""
    calls = callback_responses(workbench.scheme, workbench.callback_sample(audit_id))

    def measure() -> SurveySummary | None:
        imported = evidence.survey.records
        if imported.empty and calls.empty:
            return None
        scale = evidence.scale or workbench.scheme.survey_rules.callback_scale
        answers = pd.concat([imported.assign(scale=scale), calls], ignore_index=True) if not calls.empty else imported
        size = population
        if size is None:
            orders = evidence.work_orders.records
            size = int(orders["customer_id"].nunique()) if not orders.empty else None
        return summarise_survey(answers.drop(columns=["submitted_at"]), workbench.scheme, scale_id=scale,
                                population=size)
    # the calls recorded so far are part of what is measured
    called = hashlib.sha256(calls.to_json(date_format="iso").encode()).hexdigest()[:16] if not calls.empty else "none"
    return _measured_once(workbench, evidence, f"survey:{population}:{called}", measure, kept_survey)


def case_answers(workbench: Workbench, audit_id: int) -> dict[str, Answer]:
    """Sample-based answers for the items the case verification checks (scheme: case_checks)."""
    sample = workbench.case_sample(audit_id)
    return case_item_answers(workbench.scheme, sample) if sample is not None else {}


def merged_answers(recorded: dict[str, Answer], from_cases: dict[str, Answer]) -> dict[str, Answer]:
    """The auditor's own answer wins; case counts fill sample items the auditor left empty."""
    merged = dict(from_cases)
    for item_id, answer in recorded.items():
        if answer.answered or item_id not in merged:
            merged[item_id] = answer
    return merged


def evaluate(workbench: Workbench, applicant_id: str, audit_id: int | None = None,
             reuse: Evaluation | None = None) -> Evaluation:
    """Score the audit from one snapshot of the store. `reuse` keeps an earlier
    evaluation's KPIs and survey figures (they change only on a new import) so a widget can
    rescore per answer."""
    with workbench.reading() as view:
        applicant = view.get_applicant(applicant_id)
        audit_id = view.resolve_audit(applicant_id, audit_id)
        evidence = reuse.evidence if reuse else (audit_evidence(view, audit_id) if audit_id else None)
        kpis = reuse.kpis if reuse else (kpi_report(view, evidence) if evidence else None)
        survey = reuse.survey if reuse else (survey_summary(view, audit_id, evidence) if evidence else None)
        from_cases = case_answers(view, audit_id) if audit_id else {}
        recorded = view.answers(audit_id) if audit_id else {}
        adjustments = view.adjustments(audit_id) if audit_id else []
        findings = view.finding_states(audit_id) if audit_id else []
        audit = view.audit(audit_id) if audit_id else None
    domains = audit.audited_domains(applicant.domains) if audit else applicant.domains
    score = score_applicant(
        workbench.scheme, domains, merged_answers(recorded, from_cases), combined_measures(kpis, survey),
        special_deductions=sum(1 for a in adjustments if a.kind == "deduction"),
        special_bonus=sum(1 for a in adjustments if a.kind == "bonus"),
        open_major_findings=open_major_count(workbench.scheme, findings),
        promises=applicant.service_promises,
        methods=audit.covered_methods(workbench.scheme) if audit else None,
    )
    return Evaluation(applicant=applicant, audit_id=audit_id, evidence=evidence, kpis=kpis, survey=survey,
                      case_answers=from_cases, score=score)


def recommendation(workbench: Workbench, evaluation: Evaluation, decision_date: date) -> Recommendation:
    """The audit team's recommendation to the committee, with every gate and its reason, at a
    level the audit may decide (a partial surveillance does not raise it)."""
    with workbench.reading() as view:
        team = [m.auditor.id for m in view.team(evaluation.audit_id)]
        findings = view.finding_states(evaluation.audit_id)
        decision_makers = view.decision_makers()
        audit = view.audit(evaluation.audit_id)
        certificate = view.certificate_for(audit.applicant_id)
        # the certificate this audit's decision acts on: not one the audit itself issued
        acting_on = certificate if certificate is not None and certificate.audit_id != audit.id else None
    advice = recommend(workbench.scheme, evaluation.score, findings, decision_date=decision_date,
                       decision_makers=decision_makers, audit_team=team)
    return decidable_recommendation(workbench.scheme, advice, audit.audit_type, acting_on,
                                    audit.covered_methods(workbench.scheme))
