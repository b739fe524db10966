"""The Monte Carlo's shortcuts give the numbers the plain computation gives.

Quantiles by a sort match ``np.quantile``; draws kept in memory are the draws
a fresh generator makes, and a caller's change to a result cannot reach them;
the best x on average from the vectorised root search matches the scalar
engine's on the expected objective; the curve has the points asked for.
"""

from __future__ import annotations

import numpy as np
import pytest

import scenarios
from scenarios.uncertainty import monte_carlo
from scenarios.uncertainty.distributions import draw, normal, uniform
from scenarios.uncertainty.expected import expected_scenario, sorted_quantiles


@pytest.mark.parametrize("shape", [(1,), (7,), (2000,), (41, 2000), (3, 5)])
@pytest.mark.parametrize("levels", [(0.05, 0.95), (0.05, 0.25, 0.5, 0.75, 0.95)])
def test_quantiles_by_a_sort_are_numpys_to_the_bit(shape, levels):
    values = np.random.default_rng(1).normal(size=shape)
    assert np.array_equal(
        sorted_quantiles(values, levels), np.quantile(values, levels, axis=-1)
    )


def test_a_row_with_a_nan_has_nan_quantiles_as_in_numpy():
    values = np.random.default_rng(2).normal(size=(3, 40))
    values[1, 7] = np.nan
    got = sorted_quantiles(values, (0.05, 0.95))
    assert np.array_equal(got, np.quantile(values, (0.05, 0.95), axis=-1), True)


def test_draws_kept_in_memory_are_a_fresh_generators():
    sc = scenarios.get("headphone_pricing")
    dists = {"unit_cost": normal(20, 2), "demand_slope": uniform(9, 11)}
    first = monte_carlo(sc, dists, draws=1000, seed=11)
    again = monte_carlo(sc, dists, {"demand_intercept": 1400}, draws=1000, seed=11)
    rng = np.random.default_rng(11)
    cost = draw(dists["unit_cost"], 1000, rng, 0.0, 100.0)
    slope = draw(dists["demand_slope"], 1000, rng, *_range(sc, "demand_slope"))
    for result in (first, again):
        assert np.array_equal(result.samples["unit_cost"], cost)
        assert np.array_equal(result.samples["demand_slope"], slope)
    # What the result holds is its own copy: changing it spoils no later run.
    first.samples["unit_cost"][0] = 0.0
    later = monte_carlo(sc, dists, draws=1000, seed=11)
    assert np.array_equal(later.samples["unit_cost"], cost)


def _range(sc, name):
    spec = sc.param(name)
    return spec.min, spec.max


@pytest.mark.parametrize("sid", ["study_time", "single_neuron", "fuel_efficiency"])
def test_best_on_average_matches_the_scalar_engine_on_the_expected_objective(sid):
    sc = scenarios.get(sid)
    spec = sc.params[0]
    spread = 0.05 * (spec.max - spec.min)
    dist = normal(spec.default, spread)
    result = monte_carlo(sc, {spec.name: dist}, draws=1000, seed=3)
    expected = expected_scenario(sc, result.params, result.samples, result.domain)
    scalar = scenarios.solve(expected)
    x, value = result.best_on_average
    assert x == pytest.approx(scalar.x, rel=1e-12, abs=1e-12)
    assert value == pytest.approx(scalar.value, rel=1e-12, abs=1e-12)


def test_the_curve_has_as_many_points_as_asked():
    sc = scenarios.get("headphone_pricing")
    dists = {"unit_cost": normal(20, 2)}
    assert monte_carlo(sc, dists, draws=200).curve.x.size == 121
    assert monte_carlo(sc, dists, draws=200, curve_points=41).curve.x.size == 41
