"""The certification body's own call-backs and the survey's channels (issue 21 §6): customers of
the evidence period drawn with a recorded seed, called by the team, their answers counted in the
survey statistics with their channel, and the report saying who ran the survey, how the
respondents were drawn and when."""
from datetime import date, timedelta

import pandas as pd
import pytest

from audit_widgets.demo.data import wjx_survey_export, write_xlsx
from audit_widgets.errors import WorkbenchError
from audit_widgets.evaluation import evaluate
from audit_widgets.imports.surveys import read_survey
from audit_widgets.rules.survey import callback_population, draw_callbacks
from audit_widgets.store.repository import Workbench


def _orders(customers: int) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"C{i % customers:04d}" for i in range(customers * 3)],
                         "service_type": "维修", "opened_at": pd.date_range("2026-01-01", periods=customers * 3, freq="h")})


def test_the_customers_to_call_are_drawn_reproducibly(scheme):
    customers = callback_population(_orders(300))
    assert len(customers) == 300 and customers["customer_id"].is_unique
    record = draw_callbacks(customers, 20, seed=7)
    assert record.sample_size == 20 and record.seed == 7 and len(set(record.ids)) == 20
    shuffled = customers.sample(frac=1, random_state=1)
    assert draw_callbacks(shuffled, 20, seed=7).ids == record.ids  # any order, the same customers
    assert draw_callbacks(customers, 20, seed=8).ids != record.ids
    assert draw_callbacks(customers.head(5), 20, seed=7).sample_size == 5  # no more than there are


def test_each_call_is_recorded_by_the_team_and_bad_calls_are_refused(staffed_audit, auditor, workbench):
    _, audit = staffed_audit
    record = draw_callbacks(callback_population(_orders(50)), 6, seed=3)
    with pytest.raises(WorkbenchError):
        workbench.save_callback_sample(audit, record)  # the programme manager is not on the team
    sample_id = auditor.save_callback_sample(audit, record)
    first, second, third = record.ids[:3]
    today = date.today()
    auditor.record_callback(sample_id, first, reached=True, called_on=today,
                            answers={"response_speed": 5, "attitude": 4, "nps": 9})
    auditor.record_callback(sample_id, second, reached=False, called_on=today, note="无人接听")
    refusals = {
        "scale": lambda: auditor.record_callback(sample_id, third, reached=True, called_on=today,
                                                 answers={"attitude": 6}),
        "unknown": lambda: auditor.record_callback(sample_id, third, reached=True, called_on=today,
                                                   answers={"price": 3}),
        "not drawn": lambda: auditor.record_callback(sample_id, "NOBODY", reached=True, called_on=today),
        "not reached": lambda: auditor.record_callback(sample_id, third, reached=False, called_on=today,
                                                       answers={"attitude": 4}),
        "future": lambda: auditor.record_callback(sample_id, third, reached=True, called_on=today + timedelta(days=3)),
        "drawn again": lambda: auditor.save_callback_sample(audit, record),
    }
    for name, attempt in refusals.items():
        with pytest.raises(WorkbenchError) as caught:
            attempt()
        assert caught.value.zh and caught.value.en, name
    sample = auditor.callback_sample(audit)
    assert set(sample.calls) == {first, second}
    assert sample.calls[first].answers == {"response_speed": 5, "attitude": 4, "nps": 9}
    assert sample.calls[first].called_by == "A02" and not sample.calls[second].reached
    assert [t.action for t in auditor.trail("callback")] == ["draw", "call", "call"]


def test_the_demo_calls_back_and_counts_the_calls_with_their_channel(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    initial = workbench.audits("demo-industrial")[0].id
    sample = workbench.callback_sample(initial)
    reached = [c for c in sample.calls.values() if c.reached]
    assert len(sample.ids) == scheme.survey_rules.callback_sample_size and 0 < len(reached) < len(sample.ids)
    survey = evaluate(workbench, "demo-industrial", initial).survey
    assert survey.channels == {"phone_callback": len(reached), "questionnaire": 420}
    assert survey.responses == 420 + len(reached)
    surveillance = workbench.audits("demo-industrial")[1].id
    assert workbench.callback_sample(surveillance) is None  # a surveillance runs no survey
    result = workbench.stage_result(initial, "characteristic").result
    assert result["callbacks"]["reached"] == len(reached) and result["callbacks"]["seed"] == sample.seed


def test_the_calls_count_beside_an_imported_questionnaire(staffed_audit, auditor, workbench, tmp_path):
    """A questionnaire on the five-point scale, then calls: the summary counts both channels and
    the answers of both move the indicator scores."""
    applicant, audit = staffed_audit
    export = wjx_survey_export(40, seed=2, start=str(date.today() - timedelta(days=30)), days=20)
    workbench.import_survey(applicant, read_survey(write_xlsx(export, tmp_path / "s.xlsx"), workbench.scheme),
                            audit_id=audit)
    before = evaluate(workbench, applicant, audit).survey
    record = draw_callbacks(pd.DataFrame({"customer_id": [f"K{i}" for i in range(10)]}), 10, seed=1)
    sample_id = auditor.save_callback_sample(audit, record)
    for customer in record.ids:
        auditor.record_callback(sample_id, customer, reached=True, called_on=date.today(),
                                answers={"response_speed": 1, "nps": 0})
    after = evaluate(workbench, applicant, audit).survey
    assert after.channels == {"phone_callback": 10, "questionnaire": 40} and after.responses == 50
    speed = {i.indicator: i for i in after.indicators}["response_speed"]
    assert speed.responses == 50 and speed.score < {i.indicator: i for i in before.indicators}["response_speed"].score
    assert after.nps.nps < before.nps.nps
