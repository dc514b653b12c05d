"""GB/T 27922: every 不适用, 不符合 and 部分符合 carries a written reason, and a veto item is
不适用 only where the scheme allows it for the applicant (rules in parameters/scheme)."""
import pytest

from audit_widgets.domain import Answer
from audit_widgets.errors import ConflictError, ReasonRequired, SchemeError
from audit_widgets.rules.answers import answer_problem
from audit_widgets.scheme import load_scheme
from audit_widgets.store.repository import Workbench

from .conftest import database_digest
from .conftest import edit_scheme_file as _edit


@pytest.mark.parametrize("result", ["not_applicable", "nonconform", "partial"])
def test_the_store_refuses_an_answer_without_its_reason_and_changes_nothing(staffed_audit, db_url, db_path,
                                                                           scheme, result):
    _, audit = staffed_audit
    auditor = Workbench(db_url, scheme, actor="A02")
    before = database_digest(db_path)
    with pytest.raises(ReasonRequired) as refused:
        auditor.save_answer(audit, "E01", Answer(result), note="  ")
    assert refused.value.code == "answer.reason_required" and "E01" in refused.value.zh  # names the item
    assert database_digest(db_path) == before
    auditor.save_answer(audit, "E01", Answer(result), note="服务手册未规定收费标准")
    assert auditor.answer_records(audit)["E01"].note == "服务手册未规定收费标准"


def test_nonconforming_samples_need_a_reason_too(staffed_audit, db_url, scheme):
    _, audit = staffed_audit
    auditor = Workbench(db_url, scheme, actor="A02")
    auditor.save_answer(audit, "B01", Answer(checked=10, nonconforming=0))  # all conform: no reason
    with pytest.raises(ReasonRequired):
        auditor.save_answer(audit, "B01", Answer(checked=10, nonconforming=2))


def test_a_veto_item_is_not_applicable_only_where_the_scheme_allows_it(staffed_audit, db_url, db_path, scheme):
    applicant_id, audit = staffed_audit  # demo-consumer: domain b, a trader
    auditor = Workbench(db_url, scheme, actor="A02")
    before = database_digest(db_path)
    for veto_item in ("G01", "G02"):  # consumer law and product quality law bind a consumer-goods trader
        with pytest.raises(ConflictError) as refused:
            auditor.save_answer(audit, veto_item, Answer("not_applicable"), note="我们认为不适用")
        assert "否决项" in refused.value.zh and not isinstance(refused.value, ReasonRequired)
    assert database_digest(db_path) == before
    # 三包 for goods outside the catalogue, and safety credentials where no such work is done, are allowed
    auditor.save_answer(audit, "G03", Answer("not_applicable"), note="仅销售服装，不在三包目录内")
    auditor.save_answer(audit, "B13", Answer("not_applicable"), note="无高处、带电或特种设备作业")
    assert {"G03", "B13"} <= set(auditor.answers(audit))


def test_each_allowance_is_data_with_its_legal_basis(scheme):
    assert scheme.veto_exemptions and all(e.basis and e.condition for e in scheme.veto_exemptions)
    hospital_supplier = answer_problem(scheme, "G01", Answer("not_applicable"), "客户均为医院", ("c",), "manufacturer")
    consumer_goods = answer_problem(scheme, "G01", Answer("not_applicable"), "客户均为医院", ("b",), "manufacturer")
    assert hospital_supplier is None and "否决项" in consumer_goods.zh
    service_firm = answer_problem(scheme, "G02", Answer("not_applicable"), "只做维修", ("a",), "service")
    maker = answer_problem(scheme, "G02", Answer("not_applicable"), "只做维修", ("a",), "manufacturer")
    assert service_firm is None and maker is not None
    # every veto item that can fail for every applicant still can: no blanket allowance
    assert scheme.veto_exemption("G02", ("b",), "trader") is None


def test_an_allowance_for_an_item_that_is_not_a_veto_is_refused(scheme_copy):
    _edit(scheme_copy, "checklist.yaml", lambda d: d["veto_exemptions"].append(
        {"item": "E01", "domain": "all", "organisation_type": "all", "condition": "x", "basis": "y"}))
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    assert "veto_exemptions.item" in caught.value.render() and "E01" in caught.value.render()


def test_no_measure_and_no_case_check_feeds_two_items(scheme, scheme_copy):
    measures = [i.measure for i in scheme.checklist if i.measure]
    assert len(measures) == len(set(measures))
    case_items = [c.item for c in scheme.case_checks]
    assert len(case_items) == len(set(case_items)) and not set(case_items) & {
        i.id for i in scheme.checklist if i.measure}
    _edit(scheme_copy, "checklist.yaml", lambda d: d["checklist"].append(
        {**next(i for i in d["checklist"] if i["id"] == "A03"), "id": "A99"}))
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    assert "csat_response_speed" in caught.value.render() and "A99" in caught.value.render()


def test_the_report_lists_every_not_applicable_with_its_reason(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    report = workbench.stage_result(workbench.current_audit("demo-special"), "report").result
    listed = {row["item_id"]: row for row in report["not_applicable"]}
    assert set(listed) == {"G01", "G03", "C08"}
    assert "医院" in listed["G01"]["reason"] and "消费者权益保护法" in listed["G01"]["basis"]
    assert listed["C08"]["basis"] == ""  # not a veto item: the auditor's reason suffices
    assert "0%" in report["scoring_method"]["en"] and "适用分" in report["scoring_method"]["zh"]
    assert "S-4" in report["sampling_method"]["zh"] and "中心职能" in report["sampling_method"]["zh"]
