"""Intervals on a fitted optimum: the delta method against hand-derived closed
forms, the bootstrap's coverage on simulated data, and the batch refits."""

from __future__ import annotations

import math

import numpy as np
import pytest

import scenarios
from scenarios.errors import InputError, ScenarioError
from scenarios.fitting import fit_formula
from scenarios.fitting.demand.models import compare_models, fit_model
from scenarios.fitting.demand.sales import fit_demand
from scenarios.fitting.demand.shapes import MODELS
from scenarios.fitting.least_squares import least_squares_fit
from scenarios.uncertainty import (
    demand_intervals,
    demand_problem,
    formula_problem,
    optimum_interval,
)
from scenarios.uncertainty.demand import batch_refit
from scenarios.uncertainty.refit import multinomial_weights

PRICES = np.array([20.0, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120])
COST = 20.0


def linear_sales(seed: int, n: int = 40, noise: float = 40.0):
    """Sales from the lesson's line q = 1300 − 10 p, whose best price at c = 20
    is (1300/10 + 20)/2 = $75, with normal noise on units."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(20, 120, n)
    return p, 1300 - 10 * p + rng.normal(0, noise, n)


# --- the delta method, against the closed form -------------------------------------


def test_delta_method_matches_the_linear_closed_form_to_1e_10():
    p, q = linear_sales(3)
    fit = fit_model("linear", p, q, COST)
    a, b = fit.params["A"], fit.params["b"]
    cov = fit.fit.covariance
    var_a, var_b, cov_ab = cov[0, 0], cov[1, 1], cov[0, 1]
    # p* = (a/b + c)/2, so ∂p*/∂a = 1/(2b) and ∂p*/∂b = −a/(2b²). The delta
    # method's variance is gᵀ Σ g with g = (1/(2b), −a/(2b²)):
    #   Var p* = Var(a)/(4b²) − a Cov(a,b)/(2b³) + a² Var(b)/(4b⁴).
    closed = var_a / (4 * b**2) - a * cov_ab / (2 * b**3) + a**2 * var_b / (4 * b**4)
    # The profit there is f* = (a − bc)²/(4b): ∂f*/∂a = (a − bc)/(2b) and
    #   ∂f*/∂b = [−2c(a − bc)·4b − 4(a − bc)²]/(16b²) = −(a − bc)(a + bc)/(4b²).
    ga = (a - b * COST) / (2 * b)
    gb = -(a - b * COST) * (a + b * COST) / (4 * b**2)
    closed_f = ga**2 * var_a + 2 * ga * gb * cov_ab + gb**2 * var_b
    iv = optimum_interval(demand_problem(fit, p, q, COST), resamples=0)
    assert iv.x == pytest.approx((a / b + COST) / 2, rel=1e-12)
    assert iv.x_delta.sd == pytest.approx(math.sqrt(closed), rel=1e-10)
    assert iv.value_delta.sd == pytest.approx(math.sqrt(closed_f), rel=1e-10)
    assert iv.gradient["A"] == pytest.approx(1 / (2 * b), rel=1e-10)
    assert iv.gradient["b"] == pytest.approx(-a / (2 * b**2), rel=1e-10)
    z = 1.959963984540054  # the normal's 97.5% point
    assert iv.x_delta.low == pytest.approx(iv.x - z * math.sqrt(closed), rel=1e-12)
    assert iv.x_bootstrap is None  # resamples=0 skips it


def test_delta_method_on_exponential_demand_matches_c_plus_one_over_b():
    # Exponential demand's best price is p* = c + 1/b, so dp*/dA = 0 and
    # dp*/db = −1/b²: the delta sd is sqrt(Var b)/b².
    rng = np.random.default_rng(7)
    q = 1500 * np.exp(-0.02 * PRICES) + rng.normal(0, 10, PRICES.size)
    fit = fit_model("exponential", PRICES, q, COST)
    b = fit.params["b"]
    iv = optimum_interval(demand_problem(fit, PRICES, q, COST), resamples=0)
    assert iv.x == pytest.approx(COST + 1 / b, rel=1e-12)
    assert iv.gradient["A"] == pytest.approx(0.0, abs=1e-9)
    assert iv.x_delta.sd == pytest.approx(fit.stderr["b"] / b**2, rel=1e-6)


def test_delta_method_on_a_fitted_formula_follows_the_study_time_closed_form():
    # Study time: S(1 − e^(−kh)) − c h peaks at h* = ln(S k / c)/k, so
    # ∂h*/∂S = 1/(S k) and ∂h*/∂k = (1 − ln(S k / c))/k².
    sc = scenarios.get("study_time")
    hours = np.array([0.0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 20])
    rng = np.random.default_rng(11)
    scores = 90 * (1 - np.exp(-0.3 * hours)) + rng.normal(0, 1.5, hours.size)
    text, var = "max_score (1 - exp(-learning_speed hours))", "hours"
    start = {"max_score": 90.0, "learning_speed": 0.3}
    fit = fit_formula(text, var, hours, scores, start)
    params = sc.defaults()
    problem = formula_problem(sc, params, text, var, hours, scores, fit)
    iv = optimum_interval(problem, resamples=0)
    s, k = fit.params["max_score"], fit.params["learning_speed"]
    c = params["fatigue_cost"]
    assert iv.x == pytest.approx(math.log(s * k / c) / k, rel=1e-10)
    g = np.array([1 / (s * k), (1 - math.log(s * k / c)) / k**2])
    assert iv.gradient["max_score"] == pytest.approx(g[0], rel=1e-7)
    assert iv.gradient["learning_speed"] == pytest.approx(g[1], rel=1e-7)
    assert iv.x_delta.sd == pytest.approx(math.sqrt(g @ fit.covariance @ g), rel=1e-6)


# --- the bootstrap ------------------------------------------------------------------


def test_bootstrap_intervals_cover_the_true_best_price_about_95_percent_of_the_time():
    truth = (1300 / 10 + COST) / 2
    covered = 0
    for seed in range(200):
        p, q = linear_sales(seed, n=60)
        fit = fit_model("linear", p, q, COST)
        iv = optimum_interval(demand_problem(fit, p, q, COST), seed=seed)
        assert iv.usable == 1000
        covered += iv.x_bootstrap.low <= truth <= iv.x_bootstrap.high
    assert 180 <= covered <= 198, covered  # 90% to 99% of the 200 (192 here)


def test_the_bootstrap_is_seeded_and_brackets_the_delta_interval_on_a_line():
    p, q = linear_sales(5)
    fit = fit_model("linear", p, q, COST)
    problem = demand_problem(fit, p, q, COST)
    one = optimum_interval(problem, seed=9)
    again = optimum_interval(problem, seed=9)
    other = optimum_interval(problem, seed=10)
    assert one.x_bootstrap == again.x_bootstrap
    assert one.x_bootstrap != other.x_bootstrap
    # With 40 rows and a straight line the two methods agree closely.
    assert not one.disagree and one.disagreement is None
    assert one.x_bootstrap.low < one.x < one.x_bootstrap.high
    assert one.value_bootstrap.low < one.value < one.value_bootstrap.high


def test_two_methods_that_disagree_say_so_in_one_sentence():
    # Six rows near the zero-demand price: x* is strongly curved in b there.
    p = np.array([30.0, 40, 50, 70, 90, 100])
    q = np.array([1000.0, 910, 800, 560, 420, 300])
    fit = fit_model("linear", p, q, COST)
    iv = optimum_interval(demand_problem(fit, p, q, COST), resamples=2000, seed=0)
    assert iv.disagree
    sentence = iv.disagreement
    assert sentence.startswith("The delta and bootstrap intervals of the best price")
    assert sentence.count(".") == 1 and sentence.endswith(".")


def test_linear_refit_in_closed_form_equals_ordinary_least_squares():
    p, q = linear_sales(1, n=12)
    weights = multinomial_weights(p.size, 5, np.random.default_rng(2))
    fits = batch_refit("linear", p, q, weights, np.array([0.0, 0.0]))
    for row, theta in zip(weights, fits.theta, strict=True):
        rows = np.repeat(np.arange(p.size), row.astype(int))
        line = fit_demand(p[rows], q[rows])
        assert theta == pytest.approx([line.intercept, -line.slope], rel=1e-12)


@pytest.mark.parametrize("name", ["exponential", "constant_elasticity"])
def test_batch_refit_agrees_with_the_one_fit_routine_on_each_resample(name):
    rng = np.random.default_rng(4)
    truth = {"exponential": (1500.0, 0.02), "constant_elasticity": (9e4, 1.6)}[name]
    q = MODELS[name].units(PRICES, np.array(truth)) * rng.normal(1, 0.03, PRICES.size)
    full = fit_model(name, PRICES, q, COST)
    theta0 = np.array(list(full.params.values()))
    weights = multinomial_weights(PRICES.size, 6, np.random.default_rng(8))
    fits = batch_refit(name, PRICES, q, weights, theta0)
    assert fits.converged.all()
    spec = MODELS[name]
    for row, theta in zip(weights, fits.theta, strict=True):
        rows = np.repeat(np.arange(PRICES.size), row.astype(int))
        one = least_squares_fit(
            spec.units, spec.jacobian, PRICES[rows], q[rows], full.params
        )
        assert theta == pytest.approx(list(one.params.values()), rel=1e-7)


def test_every_shape_of_a_comparison_gets_an_interval_or_its_reason():
    rng = np.random.default_rng(7)
    q = np.round(1500 * np.exp(-0.02 * PRICES) + rng.normal(0, 10, PRICES.size))
    comparison = compare_models(PRICES, q, COST)
    out = demand_intervals(comparison, PRICES, q, resamples=500, seed=1)
    assert set(out) == {"linear", "exponential", "constant_elasticity"}
    assert out["constant_elasticity"].startswith("With elasticity e = ")
    best = out["exponential"]
    assert best.x_delta.low < best.x < best.x_delta.high
    assert best.usable == 500 and best.resamples == 500


def test_bad_requests_are_one_sentence_each():
    p, q = linear_sales(2)
    problem = demand_problem(fit_model("linear", p, q, COST), p, q, COST)
    for kwargs, start in (
        ({"level": 1.5}, "The interval's level must lie between 0 and 1"),
        ({"resamples": 50}, "Ask for 200 to 100,000 bootstrap resamples"),
    ):
        with pytest.raises(InputError) as caught:
            optimum_interval(problem, **kwargs)
        assert str(caught.value).startswith(start)
        assert "\n" not in str(caught.value)
    flat = fit_model("linear", p, 0 * p + 5, COST)  # demand that never falls
    with pytest.raises(ScenarioError, match="does not fall with price"):
        demand_problem(flat, p, 0 * p + 5, COST)
