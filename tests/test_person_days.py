import pytest

from audit_widgets.errors import RuleError
from audit_widgets.rules.person_days import Reduction, person_days, round_to_step

# The person-day table of DOMAIN.md (IAF MD5 QMS), written out again on purpose: the test
# checks the data in parameters/scheme against the source, band edges included.
TABLE = [
    (1, 5, 1.5), (6, 10, 2), (11, 15, 2.5), (16, 25, 3), (26, 45, 4), (46, 65, 5), (66, 85, 6),
    (86, 125, 7), (126, 175, 8), (176, 275, 9), (276, 425, 10), (426, 625, 11), (626, 875, 12),
    (876, 1175, 13), (1176, 1550, 14), (1551, 2025, 15), (2026, 2675, 16), (2676, 3450, 17),
    (3451, 4350, 18), (4351, 5450, 19), (5451, 6800, 20), (6801, 8500, 21), (8501, 10700, 22),
]


@pytest.mark.parametrize("low,high,days", TABLE)
def test_table_band_edges(scheme, low, high, days):
    assert person_days(scheme, low).days == days
    assert person_days(scheme, high).days == days


def test_surveillance_and_recertification_factors(scheme):
    # 7 days initial → 7/3 = 2.33 → 2.5; 7 × 2/3 = 4.67 → 4.5
    assert person_days(scheme, 100, audit_type="surveillance").days == 2.5
    assert person_days(scheme, 100, audit_type="recertification").days == 4.5


def test_sampled_sites_and_categories_add_days(scheme):
    # 30 sites → the central function + ⌈√29⌉ = 1 + 6 = 7 sampled, 6 beyond the base one: +3.0;
    # 3 categories: +1.0
    result = person_days(scheme, 50, outlets=30, categories=3)
    assert result.days == 5 + 1.0 + 3.0
    assert len(result.steps) == 4
    assert "7" in result.steps[2].zh and "30" in result.steps[2].zh


def test_each_audit_stage_counts_its_own_site_sample(scheme):
    """Surveillance: 100 personnel → 7 × 1/3 = 2.33; 26 sites → 1 + ⌈0.6 × √25⌉ = 4 sampled,
    3 extra × 0.5 = 1.5 (not scaled by 1/3) → 3.83 → 4.0. Recertification: 7 × 2/3 = 4.67;
    1 + ⌈0.8 × 5⌉ = 5 sampled, +2.0 → 6.67 → 6.5."""
    assert person_days(scheme, 100, outlets=26, audit_type="surveillance").days == 4.0
    assert person_days(scheme, 100, outlets=26, audit_type="recertification").days == 6.5
    assert person_days(scheme, 100, outlets=26).days == 7 + 5 * 0.5  # 1 + √25 = 6 sampled


def test_reductions_are_capped_at_30_percent(scheme):
    result = person_days(scheme, 50, reductions=[Reduction("成熟体系", 0.2), Reduction("低风险", 0.25)])
    assert result.days == 3.5  # 5 × 0.7 = 3.5
    assert "封顶" in result.steps[-2].zh


def test_rounding_to_half_days_rounds_halves_up():
    assert round_to_step(2.25, 0.5) == 2.5
    assert round_to_step(2.24, 0.5) == 2.0
    assert round_to_step(2.75, 0.5) == 3.0


def test_on_site_share(scheme):
    result = person_days(scheme, 100)  # 7 days, 80 % on site = 5.6 → at least 6
    assert result.on_site_min_days == 6.0


def test_beyond_the_table_is_refused(scheme):
    with pytest.raises(RuleError) as caught:
        person_days(scheme, 10701)
    assert "10700" in caught.value.zh


def test_zero_personnel_is_refused(scheme):
    with pytest.raises(RuleError):
        person_days(scheme, 0)


def test_each_sampled_site_adds_the_time_for_its_headcount(scheme):
    """With the drawn sample, each site beyond the central function adds the site_time_table's
    time for its headcount (1–15: 0.5, 16–50: 1, 51–150: 1.5, more: 2), an unknown headcount the
    0.5-day minimum; the sites added to cover a site type count too (issue 21 §3)."""
    from audit_widgets.domain import Site
    sampled = (Site("总部", "central", 40), Site("呼叫中心", "call_centre", 30), Site("仓库", "warehouse", 8),
               Site("网点A", "service_outlet", 60), Site("网点B", "service_outlet"))
    result = person_days(scheme, 50, outlets=12, sampled_sites=sampled)
    # 5 days from the table; + 1 + 0.5 + 1.5 + 0.5 = 3.5 for the four sites beyond the central function
    assert result.days == 8.5
    assert "呼叫中心（30人 1）" in result.steps[-2].zh and "人数未知" in result.steps[-2].zh
    assert [scheme.site_days(n) for n in (None, 1, 15, 16, 50, 51, 150, 151, 10_000)] == [
        0.5, 0.5, 0.5, 1, 1, 1.5, 1.5, 2, 2]
    # Before the draw: the MD1 size (1 + ⌈√11⌉ = 5) at the minimum each, 4 × 0.5.
    assert person_days(scheme, 50, outlets=12).days == 7.0


def test_a_sample_grown_to_cover_the_site_types_is_timed_as_drawn(scheme):
    """demo-consumer's surveillances drew 4 sites (MD1 gives 3; the call centre and the warehouse
    must be covered) and were planned at 2.5 days instead of 3.0 (issue 21 §3)."""
    from audit_widgets.domain import Site
    from audit_widgets.rules.sampling import draw_sites
    sites = (Site("总部", "central", 10), Site("客服", "call_centre", 12), Site("仓库", "warehouse", 5),
             *(Site(f"网点{i}", "service_outlet", 3) for i in range(6)))
    sample = draw_sites(scheme, sites, "surveillance", seed=5, eligibility="同一体系 one system")
    assert (sample.md1_size, sample.size) == (3, 4)
    by_name = {s.name: s for s in sites}
    drawn = person_days(scheme, 45, outlets=9, categories=2, audit_type="surveillance",
                        sampled_sites=tuple(by_name[n] for n in sample.sites))
    before = person_days(scheme, 45, outlets=9, categories=2, audit_type="surveillance")
    assert (before.days, drawn.days) == (2.5, 3.0)
