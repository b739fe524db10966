"""Pure computations added for the dashboard."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

import scenarios
from scenarios.analysis import growth_figures

COMPOUND = scenarios.get("compound_growth")


def test_compound_growth_doubles_after_ln2_over_r_at_lesson_defaults():
    g = growth_figures(COMPOUND, None, at=10.0, within=10.0, rate_param="annual_rate")
    assert g.start == pytest.approx(10_000.0)
    assert g.doubled == pytest.approx(20_000.0)
    assert g.doubling_x == pytest.approx(math.log(2) / 0.05, rel=1e-12)
    assert g.slope == pytest.approx(0.05 * 10_000 * math.exp(0.5), rel=1e-12)
    assert g.rate == pytest.approx(math.log(2) / 10.0, rel=1e-10)
    assert g.rate_error is None


def test_no_doubling_inside_a_short_horizon():
    g = growth_figures(
        COMPOUND, {"horizon": 5.0}, at=1.0, within=10.0, rate_param="annual_rate"
    )
    assert g.doubling_x is None


def test_rate_that_cannot_double_in_time_is_reported_not_raised():
    # Doubling in 2 years needs r = ln 2 / 2 = 0.35, above the 0.2 ceiling.
    g = growth_figures(COMPOUND, None, at=1.0, within=2.0, rate_param="annual_rate")
    assert g.rate is None
    assert g.rate_error and "annual rate" in g.rate_error.lower()


@settings(max_examples=40, deadline=None)
@given(
    r=hst.floats(0.001, 0.2),
    years=hst.floats(3.5, 60.0),
)
def test_doubling_rate_matches_closed_form(r, years):
    g = growth_figures(
        COMPOUND,
        {"annual_rate": r, "horizon": 60.0},
        at=0.0,
        within=years,
        rate_param="annual_rate",
    )
    assert g.rate == pytest.approx(math.log(2) / years, rel=1e-9)
    expected_doubling = math.log(2) / r
    if expected_doubling <= 60.0:
        assert g.doubling_x == pytest.approx(expected_doubling, rel=1e-9)
    else:
        assert g.doubling_x is None
