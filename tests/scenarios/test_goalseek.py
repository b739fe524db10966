import math

import pytest

import scenarios
from scenarios import SeekError


def test_doubling_time_is_ln2_over_rate():
    sc = scenarios.get("compound_growth")
    assert scenarios.seek(sc, 20000) == [pytest.approx(math.log(2) / 0.05, rel=1e-14)]
    assert scenarios.seek(sc, 20000, {"annual_rate": 0.07})[0] == pytest.approx(
        math.log(2) / 0.07, rel=1e-14
    )


def test_rate_that_doubles_money_in_ten_years_is_ln2_over_10():
    sc = scenarios.get("compound_growth")
    rate = scenarios.seek_param(sc, "annual_rate", 20000, at=10)
    assert rate == pytest.approx(math.log(2) / 10, rel=1e-14)


def test_headphone_profit_of_24000_is_reached_at_50_and_100():
    # (p - 20)(1300 - 10 p) = 24000  <=>  p^2 - 150 p + 5000 = 0.
    xs = scenarios.seek(scenarios.get("headphone_pricing"), 24000)
    assert xs == [pytest.approx(50, rel=1e-14), pytest.approx(100, rel=1e-14)]


def test_target_equal_to_the_peak_returns_the_peak_once():
    xs = scenarios.seek(scenarios.get("headphone_pricing"), 30250)
    assert xs == [75.0]


def test_unreachable_target_gives_no_solutions():
    assert scenarios.seek(scenarios.get("headphone_pricing"), 1e9) == []


def test_unit_cost_for_a_target_profit_at_a_fixed_price():
    # At p = 75: (75 - c)(550) = 22000  =>  c = 35.
    c = scenarios.seek_param(scenarios.get("headphone_pricing"), "unit_cost", 22000, 75)
    assert c == pytest.approx(35.0, rel=1e-14)


def test_seek_param_out_of_reach_says_so():
    sc = scenarios.get("compound_growth")
    with pytest.raises(SeekError, match="annual rate"):
        scenarios.seek_param(sc, "annual_rate", 1e12, at=10)


def test_a_target_met_exactly_at_the_lower_end_is_found():
    # study_time with no fatigue cost: f(h) = 10 (1 - e^(-h)) is 0 at h = 0 only.
    sc = scenarios.get("study_time")
    params = {"max_score": 10, "learning_speed": 1, "fatigue_cost": 0}
    assert scenarios.seek(sc, 0.0, params) == [0.0]
