"""Monte Carlo over uncertain parameters, against closed forms worked out by hand.

Headphone pricing: profit (p − c)(a − b p) with a = 1300, b = 10. For a unit
cost c the best price is (a/b + c)/2 = (130 + c)/2.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst

import scenarios
from scenarios.errors import InputError, ScenarioError
from scenarios.uncertainty import (
    Distribution,
    DistributionError,
    fixed,
    monte_carlo,
    normal,
    parse_distribution,
    risk_of,
    triangular,
    uniform,
)
from scenarios.uncertainty.distributions import draw

HEADPHONES = scenarios.get("headphone_pricing")
N = 10_000
A, B, MU, SIGMA = 1300.0, 10.0, 20.0, 2.0


@pytest.fixture(scope="module")
def normal_cost():
    return monte_carlo(HEADPHONES, {"unit_cost": normal(MU, SIGMA)}, draws=N, seed=4)


def test_best_on_average_under_a_normal_unit_cost_is_half_of_a_over_b_plus_mean_cost(
    normal_cost,
):
    # E[(p − c)(a − b p)] = (p − E c)(a − b p): the expected profit is the
    # profit at the mean cost, so its peak is (a/b + E c)/2 = 75. The draws'
    # own mean stands for E c, which misses it by about σ/√N.
    x, expected = normal_cost.best_on_average
    assert x == pytest.approx((A / B + MU) / 2, abs=4 * SIGMA / (2 * math.sqrt(N)))
    drawn = normal_cost.samples["unit_cost"].mean()
    assert x == pytest.approx((A / B + drawn) / 2, rel=1e-12)
    assert expected == pytest.approx((x - drawn) * (A - B * x), rel=1e-12)
    assert normal_cost.at_mean == pytest.approx((75.0, 30250.0), rel=1e-12)


def test_the_best_price_spreads_as_half_the_unit_cost(normal_cost):
    # x* = (130 + c)/2 is normal with mean 75 and sd σ/2 = 1, so its 5% point
    # is 75 − 1.645 and its 95% point 75 + 1.645.
    z = NormalDist().inv_cdf(0.95)
    q = normal_cost.quantiles
    assert q[0.5] == pytest.approx(75.0, abs=0.05)
    assert q[0.05] == pytest.approx(75 - z, abs=0.08)
    assert q[0.95] == pytest.approx(75 + z, abs=0.08)
    assert normal_cost.sd_x == pytest.approx(1.0, rel=0.03)
    assert normal_cost.histogram.counts.sum() == N == normal_cost.feasible


def test_every_draw_agrees_with_a_scalar_solve_to_1e_12(normal_cost):
    costs = normal_cost.samples["unit_cost"]
    for i in range(0, N, 997):
        solution = scenarios.solve(HEADPHONES, {"unit_cost": costs[i]})
        assert normal_cost.x[i] == pytest.approx(solution.x, rel=1e-12)
        assert normal_cost.value[i] == pytest.approx(solution.value, rel=1e-12)


def test_risk_and_regret_at_a_chosen_price_match_their_closed_forms(normal_cost):
    # At p = 80 demand is a − 80 b = 500, so profit (80 − c)·500 falls below
    # 29,000 exactly when c > 22: P = 1 − Φ((22 − 20)/2) = 1 − Φ(1).
    risk = risk_of(HEADPHONES, normal_cost, 80.0, 29_000.0)
    p = 1 - NormalDist().cdf(1.0)
    assert risk.p_worse == risk.p_below == pytest.approx(p, abs=4 * math.sqrt(p / N))
    assert risk.expected == pytest.approx((80 - MU) * 500, rel=1e-3)
    # Regret with u = c − 20: the draw's best profit (a − b c)²/(4b) less
    # (80 − c)·500 is 250 − 50u + 2.5u², so its mean is 250 + 2.5σ² = 260
    # and its sd about 50σ = 100.
    assert risk.expected_regret == pytest.approx(260.0, abs=4 * 100 / math.sqrt(N))
    best = risk_of(HEADPHONES, normal_cost, normal_cost.best_on_average[0])
    assert best.p_worse is None
    # The best on average has the least expected regret: 2.5σ² = 10 here.
    assert best.expected_regret == pytest.approx(10.0, abs=0.5)
    assert best.expected_regret < risk.expected_regret


def test_draws_are_seeded_and_a_fixed_distribution_pins_its_parameter():
    dists = {"unit_cost": "normal:20,2", "demand_slope": uniform(9, 11)}
    one = monte_carlo(HEADPHONES, dists, draws=2000, seed=7)
    again = monte_carlo(HEADPHONES, dists, draws=2000, seed=7)
    other = monte_carlo(HEADPHONES, dists, draws=2000, seed=8)
    assert np.array_equal(one.x, again.x) and not np.array_equal(one.x, other.x)
    assert one.quantiles == again.quantiles
    pinned = monte_carlo(
        HEADPHONES,
        {"unit_cost": "normal:20,2", "demand_intercept": fixed(1500)},
        draws=500,
        seed=1,
    )
    # With a = 1500 the best price is (150 + c)/2, 85 at the mean cost.
    assert pinned.at_mean[0] == pytest.approx(85.0, rel=1e-12)
    assert pinned.params["demand_intercept"] == 1500.0


def test_the_result_carries_a_curve_whose_peak_is_the_best_on_average(normal_cost):
    curve = normal_cost.curve
    assert curve.x[0] == pytest.approx(20.0) and curve.x[-1] == pytest.approx(130.0)
    assert np.all(curve.low <= curve.mean + 1e-9) and np.all(curve.mean <= curve.high)
    peak = curve.x[np.argmax(curve.mean)]
    assert abs(peak - normal_cost.best_on_average[0]) <= curve.x[1] - curve.x[0]


def test_infeasible_draws_are_left_out_and_counted():
    # The range is empty once the unit cost reaches a/b = 1300/50 = 26.
    result = monte_carlo(
        HEADPHONES,
        {"unit_cost": uniform(20, 30), "demand_slope": fixed(50)},
        draws=1000,
        seed=3,
    )
    assert 0 < result.feasible < 1000
    assert np.all(result.samples["unit_cost"] < 26)
    assert any("draws leave no feasible price" in n for n in result.notes)


def test_draws_stay_in_the_parameters_range_and_a_cut_normal_says_so():
    rng = np.random.default_rng(0)
    values = draw(normal(1, 5), 5000, rng, 0.0, 100.0)
    assert values.min() >= 0.0 and values.max() <= 100.0
    sc = scenarios.get("study_time")
    result = monte_carlo(sc, {"max_score": "normal:95,10"}, draws=500, seed=0)
    assert any("is cut there" in n for n in result.notes)
    assert result.samples["max_score"].max() <= sc.param("max_score").max


def test_every_catalog_scenario_runs():
    for sc in scenarios.REGISTRY.values():
        spec = sc.params[0]
        spread = 0.02 * (spec.max - spec.min)
        low = max(spec.min, spec.default - spread)
        high = min(spec.max, spec.default + spread)
        result = monte_carlo(
            sc, {spec.name: triangular(low, spec.default, high)}, draws=200, seed=2
        )
        assert result.feasible == 200, sc.id
        lo, hi = result.domain
        assert lo <= result.best_on_average[0] <= hi, sc.id


# --- bad input, one sentence each -----------------------------------------------


def _sentence(error: Exception) -> str:
    text = str(error)
    assert "\n" not in text and text.endswith("."), text
    return text


@pytest.mark.parametrize(
    ("make", "start"),
    [
        (
            lambda: normal(20, -2),
            "A normal distribution's standard deviation cannot be",
        ),
        (lambda: uniform(11, 9), "A uniform distribution's low end (11) must not be"),
        (lambda: triangular(9, 12, 11), "A triangular distribution needs low ≤ most"),
        (lambda: parse_distribution("gamma:1,2"), "'gamma' is not a distribution"),
        (lambda: parse_distribution("normal:20"), "A normal distribution takes 2"),
        (lambda: parse_distribution("normal:20,x"), "'x' in 'normal:20,x' is not"),
    ],
)
def test_a_bad_distribution_is_one_sentence(make, start):
    with pytest.raises(DistributionError) as caught:
        make()
    assert _sentence(caught.value).startswith(start)
    assert isinstance(caught.value, InputError)


def test_a_distribution_on_a_parameter_the_scenario_lacks_is_one_sentence():
    with pytest.raises(ScenarioError) as caught:
        monte_carlo(HEADPHONES, {"fuel_price": normal(3, 1)}, draws=100)
    assert _sentence(caught.value) == (
        "Headphone pricing has no parameter 'fuel_price' to give a distribution; "
        "its parameters are unit_cost, demand_intercept, demand_slope."
    )


def test_a_distribution_outside_the_parameters_range_is_one_sentence():
    with pytest.raises(DistributionError) as caught:
        monte_carlo(HEADPHONES, {"unit_cost": uniform(-5, 10)}, draws=100)
    assert _sentence(caught.value) == (
        "The uniform distribution of unit_cost reaches -5, outside its range 0 to 100."
    )


def test_too_many_draws_for_the_time_limit_is_one_sentence():
    # The pilot of 256 draws takes far longer than 1 ms per 4,000 draws.
    with pytest.raises(InputError) as caught:
        monte_carlo(
            HEADPHONES, {"unit_cost": normal(20, 2)}, draws=1_000_000, time_limit=0.001
        )
    text = _sentence(caught.value)
    assert text.startswith("1,000,000 draws would take about ")
    assert "past the 0.001 s limit; ask for at most " in text


def test_draw_counts_outside_the_allowed_range_and_nothing_to_draw_are_refused():
    for draws in (10, 2_000_000):
        with pytest.raises(InputError, match="must be from 100 to 1,000,000"):
            monte_carlo(HEADPHONES, {"unit_cost": normal(20, 2)}, draws=draws)
    with pytest.raises(InputError, match="Give at least one parameter"):
        monte_carlo(HEADPHONES, {"unit_cost": fixed(20)}, draws=100)


def test_a_distribution_reads_back_as_its_text():
    for text in ("normal:20,2", "uniform:9,11", "triangular:9,10,12", "fixed:20"):
        assert parse_distribution(text).text() == text
    assert parse_distribution("25") == Distribution("fixed", (25.0,))
    assert triangular(9, 10, 14).mean == 11.0
    assert uniform(9, 11).spread == pytest.approx(2 / math.sqrt(12))


def test_for_a_minimum_worse_means_above_and_regret_is_the_extra_cost():
    # Ad spend: cost x² − 10x + F has its minimum at x = 5 whatever F is. At
    # x = 6 the cost is F − 24, one more than the minimum F − 25 in every draw,
    # and it exceeds 80 when F > 104: 16 of uniform(80, 120)'s 40.
    sc = scenarios.get("ad_spend")
    result = monte_carlo(
        sc, {"fixed_cost": uniform(80, 120)}, draws=N, seed=6, at=6.0, threshold=80.0
    )
    assert np.all(result.x == pytest.approx(5.0, rel=1e-12))
    assert result.best_on_average[0] == pytest.approx(5.0, rel=1e-12)
    risk = result.risk
    assert risk.expected_regret == pytest.approx(1.0, rel=1e-9)
    assert risk.p_worse == risk.p_above
    assert risk.p_above == pytest.approx(0.4, abs=4 * math.sqrt(0.24 / N))


@given(
    mean=hst.floats(0, 100),
    sd=hst.floats(0, 80),
    seed=hst.integers(0, 2**32 - 1),
)
def test_a_normal_cut_to_a_range_never_leaves_it(mean, sd, seed):
    values = draw(normal(mean, sd), 200, np.random.default_rng(seed), 0.0, 100.0)
    assert values.shape == (200,)
    assert values.min() >= 0.0 and values.max() <= 100.0


def test_a_normal_whose_mean_lies_outside_its_cut_is_one_sentence():
    with pytest.raises(DistributionError) as caught:
        draw(normal(-1, 5), 10, np.random.default_rng(0), 0.0, 100.0)
    assert _sentence(caught.value) == (
        "A normal distribution's mean (-1) must lie in the range it is cut to, "
        "0 to 100."
    )
