"""Secants, step-size errors, gradient checks, descent and the rate finder.

Every expected value is worked out by hand in the comments.
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst

import scenarios
import scenarios.analysis
import scenarios.solver
from scenarios import Scenario
from scenarios.learning import (
    descend,
    descent_settings,
    gradient_check,
    learning_rate_finder,
    nice_floor,
    rate_grid,
    secant_slopes,
    secant_steps,
    step_grid,
    step_size_study,
    unit_curve,
    unit_scale,
)

REC = scenarios.get("recommendation_tuning")
HEADPHONES = scenarios.get("headphone_pricing")
ALL = list(scenarios.REGISTRY.values())
EPS = 2.0**-52


def _exp_scenario(scale: float) -> Scenario:
    """f(x) = e^(x / scale), so f, f', f'' have sizes e, e/scale, e/scale² at x."""
    return Scenario.from_functions(
        lambda x: np.exp(x / scale),
        lambda x: np.exp(x / scale) / scale,
        lambda x: np.exp(x / scale) / scale**2,
        (0.5 * scale, 1.5 * scale),
        goal="minimize",
    )


# --- secants -------------------------------------------------------------------


def test_secant_steps_start_at_a_visible_power_of_ten():
    assert secant_steps(0.0, 2.0) == pytest.approx((1, 0.1, 0.01, 1e-3, 1e-4, 1e-5))
    assert secant_steps(20.0, 130.0, count=3) == pytest.approx((10, 1, 0.1))


def test_secant_slopes_close_in_on_the_tangent_for_the_bowl():
    # E = (α - 0.8)² + 0.1. Secant slope from 0.2 over h: 2 (0.2 - 0.8) + h.
    table = secant_slopes(REC, 0.2)
    assert table.derivative == pytest.approx(-1.2)
    for row, h in zip(table.secants, (1, 0.1, 0.01, 1e-3, 1e-4, 1e-5), strict=True):
        assert row.h == pytest.approx(h)
        assert row.slope == pytest.approx(-1.2 + h, abs=1e-9)
        assert row.error == pytest.approx(h, abs=1e-9)
    errors = [abs(r.error) for r in table.secants]
    assert errors == sorted(errors, reverse=True)


def test_secant_near_the_upper_end_reaches_back():
    # From 1.5, x + 1 = 2.5 leaves [0, 2]: the secant goes to 0.5 instead.
    table = secant_slopes(REC, 1.5, steps=[1.0, 0.1])
    assert table.secants[0].h == -1.0 and table.secants[0].x_other == 0.5
    # (E(0.5) - E(1.5)) / -1 = (0.09 - 0.49) / -1 = 0.4 = 2 (1.5 - 0.8) - 1
    assert table.secants[0].slope == pytest.approx(0.4)
    assert table.secants[1].h == 0.1


def test_secant_line_passes_through_the_point():
    table = secant_slopes(REC, 0.2)
    assert table.line_at(3.0, 0.2) == pytest.approx(table.value)
    assert table.line_at(3.0, 1.2) == pytest.approx(table.value + 3.0)


def test_secants_reject_a_point_outside_the_domain():
    with pytest.raises(ValueError, match="outside the range"):
        secant_slopes(REC, 2.5)


# --- step-size errors --------------------------------------------------------------


def test_step_grid_runs_from_a_tenth_down_to_1e_minus_15():
    grid = step_grid()
    assert grid[0] == pytest.approx(1e-1) and grid[-1] == pytest.approx(1e-15)
    assert len(grid) == 14 * 4 + 1
    assert np.all(np.diff(np.log10(grid)) == pytest.approx(-0.25))


@pytest.mark.parametrize("scale", [1.0, 100.0])
def test_best_h_sits_near_root_eps_forward_and_cube_root_eps_central(scale):
    # Rules of thumb: forward √ε·scale ≈ 1.5e-8·scale, central ∛ε·scale ≈ 6e-6·scale.
    study = step_size_study(_exp_scenario(scale), scale)
    assert study.scale == scale
    assert study.rule_forward_h == pytest.approx(2.0**-26 * scale)
    assert study.rule_central_h == pytest.approx(EPS ** (1 / 3) * scale)
    assert 1e-9 * scale <= study.best_forward_h <= 1e-7 * scale
    assert 1e-6 * scale <= study.best_central_h <= 1e-4 * scale
    # The central difference, at its best, beats the forward one at its best.
    assert study.best_central_error < study.best_forward_error


def test_error_model_for_exp_at_one():
    # f = f'' = f''' = e at x = 1; noise = |f| + |x f'| = 2e.
    study = step_size_study(_exp_scenario(1.0), 1.0)
    noise = 2 * math.e
    assert study.noise == pytest.approx(noise)
    assert study.model_forward_h == pytest.approx(2 * math.sqrt(EPS * noise / math.e))
    assert study.model_forward_error == pytest.approx(
        2 * math.sqrt(EPS * noise * math.e)
    )
    assert study.model_central_h == pytest.approx(
        (3 * EPS * noise / math.e) ** (1 / 3), rel=1e-5
    )


def test_truncation_falls_with_h_then_round_off_rises():
    study = step_size_study(_exp_scenario(1.0), 1.0)
    by_h = {round(math.log10(r.h), 2): r for r in study.rows}
    # Truncation region: forward error ≈ e·h/2 at h = 0.1 and 0.01.
    assert by_h[-1].forward_error == pytest.approx(math.e * 0.1 / 2, rel=0.05)
    assert by_h[-2].forward_error == pytest.approx(math.e * 0.01 / 2, rel=0.01)
    # Central: e·h²/6 at h = 0.01.
    assert by_h[-2].central_error == pytest.approx(math.e * 1e-4 / 6, rel=0.01)
    # Round-off region: at h = 1e-15 both are far worse than at their best.
    assert by_h[-15].forward_error > 1e4 * study.best_forward_error
    assert by_h[-15].central_error > 1e4 * study.best_central_error


def test_quadratic_central_difference_has_no_truncation_error():
    # For a parabola (f(x+h) - f(x-h)) / 2h = f'(x) exactly, so even the largest
    # step is exact to rounding; which of the large steps rounds best (0.1 or
    # 0.056) is up to the last bit of the arithmetic, so both are accepted.
    study = step_size_study(REC, 0.2)
    assert study.third_derivative == pytest.approx(0, abs=1e-6)
    assert study.model_central_h is None
    assert study.rows[0].h == pytest.approx(0.1)
    assert study.rows[0].central_error <= 1e-15
    assert study.best_central_h >= 0.05


# --- gradient check --------------------------------------------------------------


@pytest.mark.parametrize("sc", ALL, ids=[sc.id for sc in ALL])
def test_every_shipped_derivative_passes_the_gradient_check(sc):
    lo, hi = scenarios.solver.domain_of(sc, sc.defaults())
    for x in np.linspace(lo, hi, 9):
        check = gradient_check(sc, float(x))
        assert check.passed, (sc.id, x, check.relative_error)
    at_optimum = gradient_check(sc, scenarios.solve(sc).x)
    assert at_optimum.passed


def test_a_wrong_derivative_fails_the_gradient_check():
    # f = x², claimed f' = 2x + 1: at x = 1, analytic 3 vs numeric 2.
    wrong = Scenario.from_functions(
        lambda x: x**2, lambda x: 2 * x + 1, lambda x: 2 + 0 * x, (-2.0, 2.0)
    )
    check = gradient_check(wrong, 1.0, tolerance=1e-6)
    assert check.numeric == pytest.approx(2.0, rel=1e-9)
    assert check.analytic == 3.0
    # Floor = max|f| / width = 4 / 4 = 1, below both: error = 1 / 3.
    assert check.floor == pytest.approx(1.0)
    assert check.relative_error == pytest.approx(1 / 3, rel=1e-6)
    assert not check.passed


def test_gradient_check_rejects_a_bad_tolerance():
    with pytest.raises(ValueError, match="tolerance"):
        gradient_check(REC, 0.2, tolerance=0)


# --- gradient descent ------------------------------------------------------------


def test_recommendation_preset_is_the_lessons_run():
    settings = descent_settings(REC)
    assert (settings.start, settings.learning_rate, settings.steps) == (0.2, 0.1, 10)
    assert REC.descent == settings


def test_recommendation_descent_follows_alpha_n_by_hand():
    # α ← α - 0.1 · 2 (α - 0.8) = 0.8 + 0.8 (α - 0.8), so α_n = 0.8 - 0.6 · 0.8ⁿ.
    run = descend(REC, 0.2, 0.1, max_steps=10)
    assert run.status == "max_steps" and run.reason == "budget"
    assert [s.step for s in run.steps] == list(range(11))
    for n, s in enumerate(run.steps):
        gap = 0.6 * 0.8**n
        assert s.x == pytest.approx(0.8 - gap, rel=1e-12)
        assert s.value == pytest.approx(gap**2 + 0.1, rel=1e-12)
        assert s.derivative == pytest.approx(-2 * gap, rel=1e-12)
    assert run.final.x == pytest.approx(0.7355754906, abs=1e-10)
    assert run.move(1) == pytest.approx(0.12)
    assert run.direction == "descent"


def test_recommendation_descent_converges_with_a_bigger_budget():
    run = descend(REC, 0.2, 0.1, max_steps=500)
    assert run.status == "converged"
    assert run.final.x == pytest.approx(0.8, abs=1e-5)
    # |Δx_n| = 0.12 · 0.8ⁿ⁻¹ ≤ 1e-6 · 2 first at n = 1 + ⌈ln(2e-6/0.12)/ln 0.8⌉ = 51.
    assert run.iterations == 51


def test_headphone_ascent_follows_p_n_by_hand():
    # f' = 1500 - 20 p; p ← p + 0.02 f' = 0.6 p + 30, so p_n = 75 - 45 · 0.6ⁿ.
    run = descend(HEADPHONES, 30.0, 0.02, max_steps=5)
    assert run.direction == "ascent"
    assert [s.x for s in run.steps] == [
        pytest.approx(75 - 45 * 0.6**n, rel=1e-12) for n in range(6)
    ]


def test_newton_rate_lands_on_the_optimum_in_one_step():
    # Rate 1/|f''| = 0.5: α₁ = 0.2 - 0.5 · (-1.2) = 0.8, where f' = 0.
    run = descend(REC, 0.2, 0.5)
    assert run.status == "converged" and run.iterations == 1
    assert run.final.x == pytest.approx(0.8)


@given(rate=hst.floats(1.001, 50.0))
def test_recommendation_diverges_above_rate_one(rate):
    # Each step multiplies α - 0.8 by 1 - 2·rate < -1: it grows without bound.
    run = descend(REC, 0.2, rate, max_steps=1000)
    assert run.status == "diverged"


@given(rate=hst.floats(0.01, 0.99))
def test_recommendation_converges_below_rate_one(rate):
    # |1 - 2·rate| ≤ 0.98: at most ln(2e-6 / 1.2) / ln 0.98 ≈ 660 steps.
    run = descend(REC, 0.2, rate, max_steps=5000)
    assert run.status == "converged"
    assert run.final.x == pytest.approx(0.8, abs=1e-4)


def test_overshooting_out_of_the_range_is_divergence():
    # Rate 2: α₁ = 0.2 + 2 · 1.2 = 2.6, past 0.8 and out of [0, 2].
    run = descend(REC, 0.2, 2.0)
    assert (run.status, run.reason) == ("diverged", "overshoot")
    assert run.escaped_to == pytest.approx(2.6)
    assert run.iterations == 0


def test_walking_off_an_improving_edge_is_leaving_the_domain():
    # Compound growth keeps rising to the end of its 30-year range.
    sc = scenarios.get("compound_growth")
    run = descend(sc, 10.0, 0.002, max_steps=100)
    assert (run.status, run.reason) == ("left_domain", "edge")
    assert run.escaped_to > 30.0
    assert all(0 <= s.x <= 30 for s in run.steps)


def test_starting_on_the_optimum_converges_at_once():
    run = descend(HEADPHONES, 75.0, 0.01)
    assert run.status == "converged" and run.iterations == 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start": 3.0, "learning_rate": 0.1}, "outside the range"),
        ({"start": 0.2, "learning_rate": 0.0}, "learning rate"),
        ({"start": 0.2, "learning_rate": math.nan}, "learning rate"),
        ({"start": 0.2, "learning_rate": 0.1, "max_steps": 0}, "max steps"),
        ({"start": 0.2, "learning_rate": 0.1, "max_steps": 2.5}, "whole number"),
    ],
)
def test_descent_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        descend(REC, **kwargs)


@pytest.mark.parametrize("sc", ALL, ids=[sc.id for sc in ALL])
def test_suggested_settings_make_progress_on_every_scenario(sc):
    settings = descent_settings(sc)
    run = descend(sc, settings.start, settings.learning_rate, max_steps=500)
    assert run.status in ("converged", "left_domain"), (sc.id, run.status)


def test_results_are_frozen():
    run = descend(REC, 0.2, 0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.status = "converged"  # type: ignore[misc]


# --- learning-rate finder --------------------------------------------------------


def test_nice_floor_and_rate_grid():
    assert nice_floor(0.25) == 0.2 and nice_floor(7.0) == 5.0 and nice_floor(1) == 1
    assert rate_grid(0.01, 5) == (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)


def test_finder_bound_is_one_for_recommendation():
    # 2 / |E''| = 2 / 2 = 1.
    finder = learning_rate_finder(REC)
    assert finder.bound == pytest.approx(1.0)
    assert finder.start == 0.2
    outcomes = {t.learning_rate: t.outcome for t in finder.trials}
    assert outcomes[0.5] == "converged"  # the Newton step
    assert outcomes[1.0] == "oscillated"  # factor exactly -1: 0.2 ↔ 1.4
    assert outcomes[2.0] == "diverged"
    assert outcomes[0.01] == "too_slow"
    assert finder.fastest.learning_rate == 0.5 and finder.fastest.steps == 1
    for t in finder.trials:
        if t.learning_rate > finder.bound:
            assert t.outcome == "diverged"


def test_rates_between_half_the_bound_and_the_bound_zigzag_but_converge():
    finder = learning_rate_finder(REC, rates=[0.7, 0.9])
    for trial in finder.trials:
        assert trial.outcome == "converged"
        assert trial.overshoots == trial.steps  # every step jumps past 0.8


def test_finder_bound_for_headphones_is_a_tenth():
    # 2 / |f''| = 2 / |-2 · 10| = 0.1.
    assert learning_rate_finder(HEADPHONES).bound == pytest.approx(0.1)


def test_finder_has_no_bound_at_a_boundary_optimum():
    finder = learning_rate_finder(scenarios.get("compound_growth"))
    assert finder.bound is None and finder.optimum_on_boundary


# --- comparison ------------------------------------------------------------------


def test_unit_scale_maps_the_range_onto_zero_to_one():
    assert unit_scale([20, 75, 130], 20, 130).tolist() == [0, 0.5, 1]
    assert unit_scale([3, 3], 3, 3).tolist() == [0.5, 0.5]


def test_unit_curve_puts_the_headphone_peak_at_half_and_one():
    sol = scenarios.solve(HEADPHONES)
    curve = scenarios.analysis.curve(HEADPHONES, samples=201)
    unit = unit_curve(curve, sol)
    # 75 is halfway along [20, 130]; the peak is the curve's highest value.
    assert unit.optimum_x == pytest.approx(0.5)
    assert unit.optimum_value == pytest.approx(1.0)
    assert unit.x.min() == 0 and unit.x.max() == 1
    assert unit.value.min() == 0 and unit.value.max() == pytest.approx(1)


def test_unit_curve_puts_a_peak_between_samples_exactly_at_one():
    # 400 samples on [20, 130] step 110/399, so none lands on $75; the
    # highest sample is below 30,250, and the optimum still maps to 1.
    sol = scenarios.solve(HEADPHONES)
    curve = scenarios.analysis.curve(HEADPHONES, samples=400)
    assert curve.value.max() < 30250
    unit = unit_curve(curve, sol)
    assert unit.optimum_value == 1.0
    assert unit.value.max() < 1.0 and unit.value.min() == 0.0
