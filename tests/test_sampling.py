import pandas as pd
import pytest

from audit_widgets.errors import RuleError
from audit_widgets.rules.sampling import (
    case_sample_size,
    draw_sample,
    population_hash,
    random_site_minimum,
    site_sample_size,
)

# GB/T 2828.1 general inspection level II, as DOMAIN.md gives it.
LEVEL_II = [
    (2, 8, 2), (9, 15, 3), (16, 25, 5), (26, 50, 8), (51, 90, 13), (91, 150, 20), (151, 280, 32),
    (281, 500, 50), (501, 1200, 80), (1201, 3200, 125), (3201, 10000, 200), (10001, 35000, 315),
    (35001, 150000, 500), (150001, 500000, 800), (500001, 2_000_000, 1250),
]


@pytest.mark.parametrize("low,high,size", LEVEL_II)
def test_level_II_band_edges(scheme, low, high, size):
    assert case_sample_size(scheme, low, "II").sample_size == size
    assert case_sample_size(scheme, high, "II").sample_size == size


def test_levels_I_and_III_use_their_own_code_letters(scheme):
    assert case_sample_size(scheme, 1000, "I").code_letter == "G"
    assert case_sample_size(scheme, 1000, "I").sample_size == 32
    assert case_sample_size(scheme, 1000, "III").code_letter == "K"
    assert case_sample_size(scheme, 1000, "III").sample_size == 125


# GB/T 2828.1 Table 1, special levels, for a lot of 1201–3200 cases (the demo's size).
@pytest.mark.parametrize("level,letter,size", [("S-1", "C", 5), ("S-2", "D", 8), ("S-3", "E", 13), ("S-4", "G", 32)])
def test_special_inspection_levels(scheme, level, letter, size):
    result = case_sample_size(scheme, 2400, level)
    assert (result.code_letter, result.sample_size, result.level) == (letter, size, level)


def test_the_default_level_fits_the_audit_time(scheme):
    """S-4 is the scheme's default for 5.1c: 32 cases of 2,400 instead of level II's 125."""
    assert scheme.sampling_rules.default_inspection_level == "S-4"
    assert case_sample_size(scheme, 2400).sample_size == 32
    assert case_sample_size(scheme, 2400, "II").sample_size == 125


def test_sample_never_exceeds_the_lot(scheme):
    result = case_sample_size(scheme, 2, "III")  # code letter B asks for 3
    assert result.sample_size == 2 and result.whole_lot
    assert case_sample_size(scheme, 1).sample_size == 1
    assert case_sample_size(scheme, 3, "S-4").sample_size == 2


def test_bad_lot_and_level(scheme):
    with pytest.raises(RuleError):
        case_sample_size(scheme, 0)
    with pytest.raises(RuleError):
        case_sample_size(scheme, 10, "IV")


# IAF MD1 as EA's FAQ counts it: the central function + ⌈factor × √(other sites)⌉.
# 9 sites: 1 + ⌈√8⌉ = 4 (not √9 = 3); 26 sites: 1 + √25 = 6, 1 + 0.6·5 = 4, 1 + 0.8·5 = 5 exactly.
@pytest.mark.parametrize("sites,initial,surveillance,recertification", [
    (1, 1, 1, 1), (2, 2, 2, 2), (4, 3, 3, 3), (9, 4, 3, 4), (10, 4, 3, 4), (26, 6, 4, 5), (101, 11, 7, 9),
])
def test_site_sample_md1(scheme, sites, initial, surveillance, recertification):
    assert site_sample_size(scheme, sites, "initial") == initial
    assert site_sample_size(scheme, sites, "surveillance") == surveillance
    assert site_sample_size(scheme, sites, "recertification") == recertification


def _population(n=500):
    return pd.DataFrame({
        "order_id": [f"WO{i:05d}" for i in range(n)],
        "service_type": ["维修" if i % 5 else "安装" for i in range(n)],
    })


def test_draw_is_reproducible_and_independent_of_row_order():
    population = _population()
    first, record = draw_sample(population, 50, seed=42, id_column="order_id")
    shuffled = population.sample(frac=1, random_state=7)
    again, record_again = draw_sample(shuffled, 50, seed=42, id_column="order_id")
    assert record.ids == record_again.ids
    assert record.population_hash == record_again.population_hash == population_hash(population["order_id"])
    assert len(set(record.ids)) == 50 and record.method == "simple" and record.seed == 42
    other, record_other = draw_sample(population, 50, seed=43, id_column="order_id")
    assert record_other.ids != record.ids


def test_stratified_draw_allocates_proportionally():
    population = _population()  # 100 安装, 400 维修
    sample, record = draw_sample(population, 50, seed=1, id_column="order_id", stratify_by="service_type")
    counts = sample["service_type"].value_counts()
    assert counts["安装"] == 10 and counts["维修"] == 40
    assert record.method == "stratified:service_type"


def test_population_hash_changes_when_a_case_is_removed():
    population = _population()
    assert population_hash(population["order_id"]) != population_hash(population["order_id"].iloc[1:])


def test_at_least_a_quarter_of_the_sites_at_random(scheme):
    assert [random_site_minimum(scheme, n) for n in (1, 4, 5, 8, 9)] == [1, 1, 2, 2, 3]


ELIGIBLE = "同一体系、内审覆盖全部场所 / one system, every site internally audited"


def _sites(outlets=10, call_centres=1, warehouses=2):
    from audit_widgets.domain import Site
    return (Site("总部服务中心", "central"), *(Site(f"网点{i:02d}", "service_outlet") for i in range(outlets)),
            *(Site(f"呼叫中心{i}", "call_centre") for i in range(call_centres)),
            *(Site(f"仓库{i}", "warehouse") for i in range(warehouses)))


def test_the_site_draw_keeps_the_central_function_covers_each_type_and_records_the_seed(scheme):
    from audit_widgets.rules.sampling import draw_sites
    sites = _sites()  # 14 sites: 1 + ⌈√13⌉ = 5
    sample = draw_sites(scheme, sites, "initial", seed=7, eligibility=ELIGIBLE)
    assert sample.md1_size == sample.size == 5 and sample.seed == 7
    assert sample.chosen == ("总部服务中心",) and len(sample.drawn) == 4
    assert set(sample.types) == {"central", "service_outlet", "call_centre", "warehouse"}
    assert draw_sites(scheme, tuple(reversed(sites)), "initial", seed=7, eligibility=ELIGIBLE) == sample  # any order
    assert len(sample.drawn) >= random_site_minimum(scheme, sample.size)


def test_auditors_choose_by_risk_but_a_quarter_stays_random(scheme):
    from audit_widgets.rules.sampling import draw_sites
    sites = _sites()
    sample = draw_sites(scheme, sites, "initial", seed=7, chosen=("网点03", "仓库1"), eligibility=ELIGIBLE)
    assert sample.chosen == ("总部服务中心", "网点03", "仓库1") and len(sample.drawn) == 2
    with pytest.raises(RuleError) as refused:
        draw_sites(scheme, sites, "initial", seed=7, chosen=("网点01", "网点02", "网点03", "网点04"),
                   eligibility=ELIGIBLE)
    assert refused.value.code == "sampling.random_sites"


def test_a_small_sample_grows_to_cover_every_site_type(scheme):
    from audit_widgets.rules.sampling import draw_sites
    sites = _sites(outlets=1, call_centres=1, warehouses=1)  # 4 sites: MD1 gives 1 + ⌈√3⌉ = 3, 3 other types
    sample = draw_sites(scheme, sites, "surveillance", seed=1, eligibility=ELIGIBLE)
    assert sample.md1_size == 3 and sample.size == 4 and len(sample.types) == 4


def test_without_the_md1_judgement_every_site_is_audited(scheme):
    """IAF MD1 sampling applies only where planning recorded why (one system, internal audits of
    every site): without that judgement the sample is every site (issue 21 §2)."""
    from audit_widgets.rules.sampling import draw_sites
    sites = _sites()
    sample = draw_sites(scheme, sites, "initial", seed=7)
    assert not sample.sampled and sample.size == len(sites) == 14 and sample.drawn == ()
    assert set(sample.sites) == {s.name for s in sites}
    judged = draw_sites(scheme, sites, "initial", seed=7, eligibility=ELIGIBLE)
    assert judged.sampled and judged.size == 5 and judged.eligibility == ELIGIBLE


def test_the_next_audit_draws_the_sites_not_yet_visited_in_the_cycle(scheme):
    """IAF MD1: the sites of the next audits are normally other sites. Every seed gives a
    surveillance sample without any earlier site while enough unvisited ones remain."""
    from audit_widgets.rules.sampling import draw_sites
    sites = _sites(outlets=20, call_centres=1, warehouses=1)  # 23 sites: initial 1 + ⌈√22⌉ = 6
    for seed in range(40):
        first = draw_sites(scheme, sites, "initial", seed=seed, eligibility=ELIGIBLE)
        second = draw_sites(scheme, sites, "surveillance", seed=seed + 1, eligibility=ELIGIBLE, visited=first.sites)
        revisited = set(second.drawn) & set(first.drawn)
        # only the single call centre and warehouse must be visited again, to cover their types
        assert revisited <= {"呼叫中心0", "仓库0"}, (seed, revisited)
        assert second.visited_before == first.sites
    # When the unvisited sites run out, the draw takes visited ones.
    small = _sites(outlets=3, call_centres=0, warehouses=0)
    visited = ("网点00", "网点01", "网点02")
    again = draw_sites(scheme, small, "initial", seed=3, eligibility=ELIGIBLE, visited=visited)
    assert again.size == 3 and set(again.drawn) <= set(visited)


def test_complaints_are_drawn_as_their_own_lot(scheme):
    from audit_widgets.rules.planning import CaseLots, case_sample_for, draw_cases
    closed = pd.DataFrame({"order_id": [f"WO{i:05d}" for i in range(2400)],
                           "is_complaint": [i % 12 == 0 for i in range(2400)]})  # 200 complaints
    lots = CaseLots.of(closed)
    assert (lots.services, lots.complaints) == (2200, 200)
    plan = case_sample_for(scheme, lots)
    assert (plan.services.sample_size, plan.complaints.sample_size) == (32, 13)  # S-4: G and E
    record = draw_cases(closed, plan.services.sample_size, plan.complaints.sample_size, seed=5)
    drawn = closed.set_index("order_id").loc[list(record.ids)]
    assert int(drawn["is_complaint"].sum()) == 13 and len(drawn) == 45
    assert record.population_size == 2400 and "complaints" in record.method
