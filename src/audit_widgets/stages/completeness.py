"""Gather what each completeness check needs from the store and ask the rules what is missing."""
from __future__ import annotations

from datetime import date

from ..evaluation import Evaluation, case_answers, evaluate, merged_answers
from ..rules.completeness import (
    Gap,
    answer_gaps,
    audit_date_gaps,
    document_gaps,
    review_gaps,
    sample_count_gaps,
    team_gaps,
    uscc_gaps,
)
from ..rules.team import check_team
from ..rules.uscc import check_uscc
from ..store.repository import Workbench


def stage_gaps(workbench: Workbench, stage_id: str, applicant_id: str, audit_id: int,
               evaluation: Evaluation | None = None) -> list[Gap]:
    """What the stage still lacks. `evaluation`: the one the stage just computed, if any."""
    scheme = workbench.scheme
    stage = scheme.procedure_by_id[stage_id]
    checks = set(stage.complete_when)
    gaps: list[Gap] = []
    with workbench.reading() as view:
        applicant = view.get_applicant(applicant_id)
        domains = view.audit_domains(audit_id)  # a scope extension's audit covers the new domains
        if "documents" in checks:
            gaps += document_gaps(scheme, view.documents(audit_id))
        if "uscc" in checks:
            uscc = check_uscc(applicant.uscc)
            gaps += uscc_gaps(uscc.valid, uscc.zh)
        # An application is reviewed once, at the audits that go through the application stage.
        if "review" in checks and scheme.procedure_by_id["application"].applies_to(
                view.audit(audit_id).audit_type):
            review = view.review(audit_id)
            gaps += review_gaps(review.accepted if review else None)
        if checks & {"team", "audit_dates"}:
            programme = view.programme(audit_id)
            if "team" in checks:
                team = view.team(audit_id)
                audit_date = (programme.audit_start if programme else None) or date.today()
                gaps += team_gaps(check_team(scheme, team, applicant_id=applicant_id,
                                             applicant_domains=domains, audit_date=audit_date,
                                             decision_makers=view.decision_makers()), len(team))
            if "audit_dates" in checks:
                gaps += audit_date_gaps(programme)
        if checks & {"answers", "sample_counts"}:
            audit_type = view.audit(audit_id).audit_type
            items = [i for m in scheme.methods_of(stage, audit_type) for i in scheme.items_for(domains, m)]
            evaluation = evaluation or evaluate(view, applicant_id, audit_id)
            scores = {s.item_id: s for s in evaluation.score.items}
            items = [i for i in items if scores[i.id].status != "not_applicable"]
            if "answers" in checks:
                gaps += answer_gaps(items, scores)
            if "sample_counts" in checks:
                answers = merged_answers(view.answers(audit_id), case_answers(view, audit_id))
                gaps += sample_count_gaps(scheme, items, answers)
    return gaps
