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
    assert case_sample_size(scheme, low).sample_size == size
    assert case_sample_size(scheme, high).sample_size == size


def test_levels_I_and_III_use_their_own_code_letters(scheme):
    assert case_sample_size(scheme, 1000, "I").code_letter == "G"
    assert case_sample_size(scheme, 1000, "I").sample_size == 32
    assert case_sample_size(scheme, 1000, "III").code_letter == "K"
    assert case_sample_size(scheme, 1000, "III").sample_size == 125


def test_sample_never_exceeds_the_lot(scheme):
    result = case_sample_size(scheme, 2, "III")  # code letter B asks for 3
    assert result.sample_size == 2 and result.whole_lot
    assert case_sample_size(scheme, 1).sample_size == 1


def test_bad_lot_and_level(scheme):
    with pytest.raises(RuleError):
        case_sample_size(scheme, 0)
    with pytest.raises(RuleError):
        case_sample_size(scheme, 10, "IV")


@pytest.mark.parametrize("sites,initial,surveillance,recertification", [
    (1, 1, 1, 1), (4, 2, 2, 2), (9, 3, 2, 3), (10, 4, 2, 3), (25, 5, 3, 4), (100, 10, 6, 8), (101, 11, 7, 9),
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
