"""Scheme 2026.2: measure bands per domain and the applicant's own service promise, typed sites
on the application form, composite goods, and the finding behind each special deduction."""
import pytest

from audit_widgets.errors import ConflictError, InputFileError
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.rules.scoring import measure_bands_for, score_item
from audit_widgets.store.repository import Workbench

from .conftest import APPLICANTS_DIR


def test_a_resolution_time_band_fits_the_domain(scheme):
    d06 = scheme.items_by_id["D06"]
    measures = {"mean_time_to_resolve_hours": 60}
    consumer = score_item(d06, None, measures, scheme, measure_bands_for(scheme, ("b",))[d06.measure])
    industrial = score_item(d06, None, measures, scheme, measure_bands_for(scheme, ("a",))[d06.measure])
    assert consumer.credit == pytest.approx((96 - 60) / (96 - 24))  # 24/96 h for consumer goods
    assert industrial.credit == 1.0                                  # 72/240 h for industrial lines
    assert "满分 72" in industrial.basis


def test_the_applicants_own_promise_sets_the_target_where_the_scheme_says_so(scheme):
    bands = measure_bands_for(scheme, ("a",), {"mean_time_to_resolve_hours": 48})
    assert (bands["mean_time_to_resolve_hours"].full_at, bands["mean_time_to_resolve_hours"].zero_at) == (48, 240)
    d06 = scheme.items_by_id["D06"]
    assert score_item(d06, None, {"mean_time_to_resolve_hours": 60}, scheme,
                      bands[d06.measure]).credit == pytest.approx((240 - 60) / (240 - 48))


def _applicant_file(tmp_path, change):
    import yaml
    data = yaml.safe_load((APPLICANTS_DIR / "demo-industrial.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "applicant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("change,named", [
    (lambda d: d["service_promises"].update(first_time_fix_rate=0.9), "service_promises.first_time_fix_rate"),
    (lambda d: d["service_promises"].update(mean_time_to_resolve_hours=300), "零分线"),
    (lambda d: d["sites"].append({"name": "第二总部", "type": "central"}), "恰有一个中心职能"),
    (lambda d: d["sites"].append({"name": "展厅", "type": "showroom"}), "sites.type"),
    (lambda d: d.update(outlets=20), "列出全部场所"),
    (lambda d: d.update(domains=["d"]), "复合商品类"),
])
def test_the_application_form_refuses_what_the_scheme_does_not_allow(scheme, tmp_path, change, named):
    with pytest.raises(InputFileError) as refused:
        read_applicant_file(_applicant_file(tmp_path, change), scheme)
    assert named in refused.value.render() and "applicant.yaml" in refused.value.render()


def test_the_site_count_is_the_listed_sites(scheme):
    industrial = read_applicant_file(APPLICANTS_DIR / "demo-industrial.yaml", scheme)
    assert industrial.outlets == len(industrial.sites) == 16
    composite = read_applicant_file(APPLICANTS_DIR / "demo-composite.yaml", scheme)
    assert "B16" in {i.id for i in scheme.items_for(composite.domains)}  # 退换货 from its household goods


def test_the_demo_programme_records_which_sites_were_chosen_and_which_drawn(demo_db, scheme):
    workbench = Workbench(demo_db, scheme)
    programme = workbench.programme(workbench.current_audit("demo-industrial"))
    sample = programme.site_sample  # 16 sites: 1 + ⌈√15⌉ = 5
    assert sample.size == programme.site_sample_size == 5 and sample.chosen == ("苏州总部服务中心",)
    assert len(sample.drawn) == 4 and set(sample.types) == {"central", "call_centre", "warehouse", "service_outlet"}


def test_a_special_deduction_rests_on_a_finding_that_needs_correction(staffed_audit, db_url, scheme):
    _, audit = staffed_audit
    workbench = Workbench(db_url, scheme, actor="A02")
    with pytest.raises(ConflictError) as refused:
        workbench.add_adjustment(audit, "deduction", "system_impact", "工单系统停机两周")
    assert "不符合" in refused.value.zh
    observation = workbench.add_finding(audit, "observation", "D09", "导出字段不全")
    with pytest.raises(ConflictError):
        workbench.add_adjustment(audit, "deduction", "system_impact", finding_id=observation)
    finding = workbench.add_finding(audit, "minor", "D09", "工单系统停机两周，期间工单缺失")
    workbench.add_adjustment(audit, "deduction", "system_impact", "工单缺失", finding_id=finding)
    with pytest.raises(ConflictError):
        workbench.add_adjustment(audit, "bonus", "patents")
    workbench.add_adjustment(audit, "bonus", "innovation", "远程诊断获省级服务创新奖")
    kinds = [(a.kind, a.cause, a.finding_id) for a in workbench.adjustments(audit)]
    assert kinds == [("deduction", "system_impact", finding), ("bonus", "innovation", None)]
