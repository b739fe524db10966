"""Three demand shapes: fits against curve_fit, the best model, optimal prices."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from scipy.optimize import curve_fit

from scenarios.fitting.demand import models as dm
from scenarios.fitting.demand.sales import DemandDataError, fit_demand

PRICES = np.linspace(20.0, 120.0, 15)


def linear(p, a, b):
    return a - b * p


def exponential(p, a, b):
    return a * np.exp(-b * p)


def constant_elasticity(p, k, e):
    return k * p ** (-e)


SHAPES = {
    # name: (function, true parameters, noise sd in units)
    "linear": (linear, (1300.0, 10.0), 15.0),
    "exponential": (exponential, (1500.0, 0.02), 10.0),
    "constant_elasticity": (constant_elasticity, (2.0e5, 1.8), 4.0),
}


def noisy(name, seed=7):
    fn, truth, sd = SHAPES[name]
    rng = np.random.default_rng(seed)
    return fn(PRICES, *truth) + rng.normal(0.0, sd, PRICES.size)


def reference_fit(name, units):
    """scipy's curve_fit from the true parameters, converged to rounding."""
    fn, truth, _ = SHAPES[name]
    values, cov = curve_fit(
        fn, PRICES, units, p0=truth, ftol=1e-15, xtol=1e-15, gtol=1e-15, maxfev=20000
    )
    return values, np.sqrt(np.diag(cov))


@pytest.mark.parametrize("name", list(SHAPES))
def test_fit_agrees_with_curve_fit(name):
    units = noisy(name)
    fit = dm.fit_model(name, PRICES, units, unit_cost=10.0)
    values, errors = reference_fit(name, units)
    names = dm.MODELS[name].param_names
    assert fit.converged
    for i, param in enumerate(names):
        assert fit.params[param] == pytest.approx(values[i], rel=1e-6)
        assert fit.stderr[param] == pytest.approx(errors[i], rel=1e-5)


@pytest.mark.parametrize("name", list(SHAPES))
def test_fit_figures_follow_their_definitions(name):
    units = noisy(name)
    fit = dm.fit_model(name, PRICES, units)
    fn, _, _ = SHAPES[name]
    residual = units - fn(PRICES, *fit.params.values())
    rss = float(residual @ residual)
    n = PRICES.size
    assert fit.rss == pytest.approx(rss, rel=1e-9)
    assert fit.rmse == pytest.approx(math.sqrt(rss / n), rel=1e-9)
    spread = units - units.mean()
    assert fit.r2 == pytest.approx(1 - rss / float(spread @ spread), rel=1e-9)
    # K counts the noise variance too: K = k + 1 = 3.
    aic = n * math.log(rss / n) + 2 * 3
    assert fit.aic == pytest.approx(aic, rel=1e-9)
    assert fit.aicc == pytest.approx(aic + 2 * 3 * 4 / (n - 3 - 1), rel=1e-9)


@pytest.mark.parametrize("name", list(SHAPES))
@pytest.mark.parametrize("seed", [7, 8, 9])
def test_the_generating_model_is_named_best(name, seed):
    comparison = dm.compare_models(PRICES, noisy(name, seed), unit_cost=10.0)
    assert comparison.best == name
    assert comparison.criterion == "AICc"
    assert [f.model for f in comparison.fits] == list(dm.MODEL_NAMES)


# --- Optimal prices, by the engine, against the closed forms -----------------


@pytest.mark.parametrize(
    "a, b, c", [(1300, 10, 20), (1000, 5, 2), (5000, 0.5, 0), (100, 50, 1.5)]
)
def test_linear_optimum_is_halfway_between_cost_and_zero_demand(a, b, c):
    optimum = dm.optimal_price("linear", {"A": a, "b": b}, c)
    expected = (a / b + c) / 2
    assert optimum.price == pytest.approx(expected, rel=1e-12)
    assert optimum.profit == pytest.approx(
        (expected - c) * (a - b * expected), rel=1e-12
    )
    assert optimum.reason is None


@pytest.mark.parametrize("a, b, c", [(1500, 0.02, 15), (800, 0.5, 0), (10, 3.0, 7)])
def test_exponential_optimum_is_cost_plus_one_over_b(a, b, c):
    optimum = dm.optimal_price("exponential", {"A": a, "b": b}, c)
    assert optimum.price == pytest.approx(c + 1 / b, rel=1e-12)
    assert optimum.profit == pytest.approx(a / b * math.exp(-b * c - 1), rel=1e-12)
    assert optimum.units == pytest.approx(a * math.exp(-b * (c + 1 / b)), rel=1e-12)


@pytest.mark.parametrize("k, e, c", [(2e5, 1.8, 10), (1e4, 3.0, 2.5), (50, 1.2, 40)])
def test_constant_elasticity_optimum_is_markup_e_over_e_minus_1(k, e, c):
    optimum = dm.optimal_price("constant_elasticity", {"K": k, "e": e}, c)
    expected = c * e / (e - 1)
    assert optimum.price == pytest.approx(expected, rel=1e-12)
    assert optimum.profit == pytest.approx(
        (expected - c) * k * expected ** (-e), rel=1e-12
    )


@pytest.mark.parametrize("e", [1.0, 0.8, 0.2])
def test_inelastic_demand_has_no_finite_optimum(e):
    optimum = dm.optimal_price("constant_elasticity", {"K": 1e4, "e": e}, 10)
    assert optimum.price is None and optimum.profit is None
    assert "no finite best price" in optimum.reason
    assert optimum.reason.endswith(".") and ". " not in optimum.reason


def test_constant_elasticity_without_cost_has_no_finite_optimum():
    optimum = dm.optimal_price("constant_elasticity", {"K": 1e4, "e": 2.0}, 0)
    assert optimum.price is None and "without bound" in optimum.reason


def test_rising_or_unprofitable_demand_has_no_optimum():
    assert dm.optimal_price("linear", {"A": 100, "b": -1}, 0).price is None
    # Zero demand at 100 / 10 = 10, below the cost of 12.
    assert (
        "above the unit cost"
        in dm.optimal_price("linear", {"A": 100, "b": 10}, 12).reason
    )
    assert dm.optimal_price("exponential", {"A": 100, "b": -0.1}, 0).price is None


def test_profit_scenario_is_solved_by_the_engine():
    import scenarios.checks

    scenario = dm.profit_scenario("exponential", {"A": 1500, "b": 0.02}, 15)
    solution = scenarios.solve(scenario)
    assert solution.x == pytest.approx(65, rel=1e-12) and solution.kind == "maximum"
    check = scenarios.checks.check_derivatives(scenario)
    assert check.passed


# --- The lesson's experiments -------------------------------------------------


LESSON = ([30.0, 50.0, 100.0], [1000.0, 800.0, 300.0])


def test_lessons_three_experiments_still_give_1300_minus_10p():
    line = fit_demand(*LESSON)
    assert line.intercept == pytest.approx(1300, rel=1e-12)
    assert line.slope == pytest.approx(-10, rel=1e-12)
    fit = dm.fit_model("linear", *LESSON, unit_cost=20)
    assert fit.params["A"] == pytest.approx(1300, rel=1e-12)
    assert fit.params["b"] == pytest.approx(10, rel=1e-12)
    assert fit.r2 == pytest.approx(1, rel=1e-12)
    # The lesson's optimum: (130 + 20) / 2 = 75, profit 55 x 550 = 30,250.
    assert fit.optimum.price == pytest.approx(75, rel=1e-12)
    assert fit.optimum.profit == pytest.approx(30250, rel=1e-12)


def test_lessons_experiments_pick_the_exact_line_but_warn_about_three_rows():
    comparison = dm.compare_models(*LESSON, unit_cost=20)
    assert comparison.best == "linear"
    assert comparison.criterion == "AIC"
    assert any("3 observations" in n for n in comparison.notices)


# --- What the data cannot say -------------------------------------------------


def test_fewer_distinct_prices_than_parameters_is_refused():
    with pytest.raises(DemandDataError, match="1 distinct price"):
        dm.compare_models([40, 40, 40], [700, 720, 680])
    with pytest.raises(DemandDataError, match="no observations"):
        dm.compare_models([], [])


def test_two_distinct_prices_cannot_choose_a_model():
    comparison = dm.compare_models([20, 20, 60, 60], [900, 880, 500, 520], 5)
    assert comparison.best is None
    assert any("cannot choose" in n for n in comparison.notices)
    # Every model then runs through the mean at each price: 890 and 510.
    for fit in comparison.fits:
        assert fit.predict([20, 60]) == pytest.approx([890, 510], rel=1e-6)


def test_nearly_straight_exponential_cannot_be_told_from_a_line():
    prices = np.linspace(10, 30, 8)
    rng = np.random.default_rng(3)
    units = 1000 * np.exp(-0.002 * prices) + rng.normal(0, 2, prices.size)
    comparison = dm.compare_models(prices, units, 5)
    assert any(
        "cannot tell" in n and "linear" in n and "exponential" in n
        for n in comparison.notices
    )


def test_a_zero_price_rules_out_constant_elasticity_only():
    prices = [0, 10, 20, 30, 40]
    comparison = dm.compare_models(prices, [1000, 900, 800, 700, 600], 5)
    elastic = comparison.get("constant_elasticity")
    assert not elastic.converged and "above zero" in elastic.warnings[0]
    assert comparison.best == "linear"


def test_unknown_model_lists_the_known_ones():
    with pytest.raises(ValueError, match="linear, exponential, constant_elasticity"):
        dm.model("quadratic")


# --- Handing a fit to the own-model page ----------------------------------------


@pytest.mark.parametrize("name", list(SHAPES))
def test_own_model_spec_reopens_the_same_best_price(name):
    import scenarios

    fit = dm.fit_model(name, PRICES, noisy(name), unit_cost=10.0)
    spec = dm.own_model_spec(fit, 10.0)
    if fit.optimum.price is None:
        assert spec is None
        return
    model = scenarios.from_formula(
        spec["formula"],
        variable=spec["variable"],
        domain=spec["domain"],
        goal=spec["goal"],
        params=spec["params"],
    )
    # Parameters travel with 6 significant digits, so the price agrees to ~1e-6.
    assert scenarios.solve(model).x == pytest.approx(fit.optimum.price, rel=1e-5)
    assert spec["params"]["c"] == 10.0


def test_own_model_spec_never_calls_elasticity_e():
    # In a typed formula, e is Euler's number.
    fit = dm.fit_model("constant_elasticity", PRICES, noisy("constant_elasticity"), 10)
    spec = dm.own_model_spec(fit, 10.0)
    assert "elasticity" in spec["params"] and "e" not in spec["params"]


@settings(max_examples=40, deadline=None)
@given(
    name=hst.sampled_from(["exponential", "constant_elasticity"]),
    scale=hst.floats(100, 1e5),
    rate=hst.floats(0.2, 3.0),
)
def test_exact_data_from_any_shape_recovers_its_parameters(name, scale, rate):
    fn, _, _ = SHAPES[name]
    # Exponential rates per $ are small: 0.2..3 over a price span of 100 is
    # 0.002..0.03; elasticities are taken as they are.
    second = rate / 100 if name == "exponential" else rate
    units = fn(PRICES, scale, second)
    fit = dm.fit_model(name, PRICES, units)
    first_name, second_name = dm.MODELS[name].param_names
    assert fit.params[first_name] == pytest.approx(scale, rel=1e-7)
    assert fit.params[second_name] == pytest.approx(second, rel=1e-7)
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)
