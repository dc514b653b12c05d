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
    assert person_days(scheme, 100, stage="surveillance").days == 2.5
    assert person_days(scheme, 100, stage="recertification").days == 4.5


def test_sampled_outlets_and_categories_add_days(scheme):
    # 30 outlets → √30 = 5.48 → 6 sampled, 5 beyond the base one: +2.5; 3 categories: +1.0
    result = person_days(scheme, 50, outlets=30, categories=3)
    assert result.days == 5 + 2.5 + 1.0
    assert len(result.steps) == 4
    assert "6" in result.steps[1].zh and "30" in result.steps[1].zh


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
