"""Sweeps, grids, tornado and local slopes checked against hand-worked values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

import scenarios
from scenarios import DomainError, sensitivity

HEADPHONES = scenarios.get("headphone_pricing")
STUDY = scenarios.get("study_time")
UBER = scenarios.get("uber_surge")


def headphone_optimum(c, a, b):
    # (p - c)(a - b p) peaks at p* = (a/b + c)/2, worth (a - b c)^2 / (4 b).
    return (a / b + c) / 2, (a - b * c) ** 2 / (4 * b)


# Two-way grids agree with the scalar solver cell by cell.


@pytest.mark.parametrize(
    ("scenario_id", "x_param", "y_param"),
    [
        ("headphone_pricing", "unit_cost", "demand_slope"),
        ("study_time", "learning_speed", "fatigue_cost"),
        ("uber_surge", "cost_per_ride", "demand_multiplier"),
        ("fuel_efficiency", None, None),
    ],
)
def test_two_way_grid_matches_scalar_solve_to_1e12(scenario_id, x_param, y_param):
    sc = scenarios.get(scenario_id)
    x_param = x_param or sc.params[0].name
    y_param = y_param or sc.params[-1].name
    grid = sensitivity.two_way(sc, x_param, y_param, points=(23, 17))
    assert grid.optimum.shape == (17, 23)
    checked = 0
    for i, y in enumerate(grid.y_values):
        for j, x in enumerate(grid.x_values):
            try:
                sol = scenarios.solve(sc, {x_param: x, y_param: y})
            except DomainError:
                assert not grid.feasible[i, j]
                assert np.isnan(grid.optimum[i, j]) and np.isnan(grid.objective[i, j])
                assert grid.reason[i, j] == sensitivity.EMPTY_DOMAIN
                continue
            checked += 1
            assert grid.feasible[i, j]
            assert grid.optimum[i, j] == pytest.approx(sol.x, rel=1e-12, abs=1e-12)
            assert grid.objective[i, j] == pytest.approx(sol.value, rel=1e-12, abs=1e-9)
            assert grid.on_boundary[i, j] == sol.on_boundary
    assert checked > 100


def test_headphone_grid_matches_the_closed_form_and_names_why_cells_are_blank():
    grid = sensitivity.two_way(HEADPHONES, "unit_cost", "demand_slope", points=300)
    c = grid.x_values[None, :]
    b = grid.y_values[:, None]
    a = 1300.0
    feasible = c < a / b
    assert np.array_equal(grid.feasible, feasible)
    expected_x, expected_f = headphone_optimum(c, a, b)
    got = grid.optimum[feasible]
    assert np.max(np.abs(got - expected_x[feasible]) / expected_x[feasible]) < 1e-12
    rel_f = np.abs(grid.objective[feasible] - expected_f[feasible])
    assert np.max(rel_f / np.maximum(expected_f[feasible], 1.0)) < 1e-9
    assert list(grid.reasons) == [sensitivity.EMPTY_DOMAIN]
    assert "unit cost must stay below" in grid.reasons[sensitivity.EMPTY_DOMAIN]


def test_two_way_refuses_bad_sizes_and_the_same_parameter_twice():
    with pytest.raises(ValueError, match="between 2 and 300"):
        sensitivity.two_way(HEADPHONES, "unit_cost", "demand_slope", points=301)
    with pytest.raises(ValueError, match="between 2 and 300"):
        sensitivity.two_way(HEADPHONES, "unit_cost", "demand_slope", points=1)
    with pytest.raises(ValueError, match="two different"):
        sensitivity.two_way(HEADPHONES, "unit_cost", "unit_cost")
    with pytest.raises(ValueError, match="known"):
        sensitivity.two_way(HEADPHONES, "unit_cost", "nope")


# One-way sweeps.


def test_one_way_sweep_of_unit_cost_follows_half_the_cost():
    sweep = sensitivity.one_way(HEADPHONES, "unit_cost", points=11)
    # 0, 10, ..., 100 plus nothing new: 20 is already on the grid.
    assert sweep.values.tolist() == [float(v) for v in range(0, 101, 10)]
    expected = [(130 + c) / 2 for c in range(0, 101, 10)]
    assert sweep.optimum == pytest.approx(expected, rel=1e-12)
    assert sweep.current == 20.0
    assert sweep.current_optimum == pytest.approx(75.0, rel=1e-12)
    assert sweep.current_objective == pytest.approx(30250.0, rel=1e-12)


def test_one_way_sweep_includes_an_off_grid_current_value():
    sweep = sensitivity.one_way(HEADPHONES, "unit_cost", {"unit_cost": 23.5}, 11)
    assert 23.5 in sweep.values and len(sweep.values) == 12
    assert sweep.current_optimum == pytest.approx((130 + 23.5) / 2, rel=1e-12)


def test_one_way_sweep_marks_infeasible_stretches():
    # a = 500, b = 10: demand vanishes at 50, so a unit cost of 50 or more fails.
    sweep = sensitivity.one_way(
        HEADPHONES, "unit_cost", {"demand_intercept": 500}, points=21
    )
    blank = sweep.values >= 50
    assert np.array_equal(~sweep.feasible, blank)
    assert np.all(sweep.reason[blank] == sensitivity.EMPTY_DOMAIN)
    assert np.all(np.isnan(sweep.optimum[blank]))


def test_study_time_sweep_hits_the_end_of_the_day_without_fatigue():
    sweep = sensitivity.one_way(STUDY, "fatigue_cost", points=11)
    assert sweep.optimum[0] == 24.0 and sweep.on_boundary[0]
    # h* = ln(S k / c) / k at S = 100, k = 0.3, c = 1.
    assert sweep.optimum[1] == pytest.approx(math.log(30) / 0.3, rel=1e-12)


# Tornado: ±10 % of the current value, clipped to the range.


def test_tornado_headphones_by_hand():
    t = sensitivity.tornado(HEADPHONES)
    assert t.optimum == pytest.approx(75.0) and t.objective == pytest.approx(30250)
    bars = {b.name: b for b in t.bars}
    # c: 18 and 22 -> p* = 74 and 76; profit (a - b c)^2 / 4b = 1120^2/40 and
    # 1080^2/40 = 31360 and 29160.
    c = bars["unit_cost"]
    assert (c.low, c.high) == (18.0, 22.0)
    assert c.optimum_change_low == pytest.approx(-1.0, rel=1e-12)
    assert c.optimum_change_high == pytest.approx(1.0, rel=1e-12)
    assert c.objective_change_low == pytest.approx(31360 - 30250, rel=1e-12)
    assert c.objective_change_high == pytest.approx(29160 - 30250, rel=1e-12)
    # a: 1170 and 1430 -> p* = 68.5 and 81.5; profit 970^2/40 and 1230^2/40.
    a = bars["demand_intercept"]
    assert a.optimum_change_low == pytest.approx(-6.5, rel=1e-12)
    assert a.objective_change_high == pytest.approx(1230**2 / 40 - 30250, rel=1e-12)
    # b: 9 and 11 -> p* = (1300/9 + 20)/2 and (1300/11 + 20)/2.
    b = bars["demand_slope"]
    assert b.optimum_high == pytest.approx((1300 / 11 + 20) / 2, rel=1e-12)
    assert b.objective_low == pytest.approx((1300 - 180) ** 2 / 36, rel=1e-12)
    # Sorted by the largest change in profit: a (7572.5), b (4594), c (1110).
    assert [x.name for x in t.bars] == ["demand_intercept", "demand_slope", "unit_cost"]


def test_tornado_clips_to_the_range_and_notes_a_zero_parameter():
    t = sensitivity.tornado(STUDY, {"max_score": 100, "fatigue_cost": 0})
    bars = {b.name: b for b in t.bars}
    # max_score 100 is the top of its range: +10 % is clipped to 100.
    assert (bars["max_score"].low, bars["max_score"].high) == (90.0, 100.0)
    assert bars["max_score"].optimum_change_high == 0.0
    assert any("clipped" in n for n in bars["max_score"].notes)
    assert bars["fatigue_cost"].low == bars["fatigue_cost"].high == 0.0
    assert any("is 0" in n for n in bars["fatigue_cost"].notes)


def test_tornado_side_that_becomes_infeasible_is_nan_with_a_note():
    # a = 1000, b = 10: demand vanishes at 100; c = 95 -> 104.5 is past it.
    t = sensitivity.tornado(
        HEADPHONES, {"unit_cost": 95, "demand_intercept": 1000, "demand_slope": 10}
    )
    c = {b.name: b for b in t.bars}["unit_cost"]
    assert c.high == 100.0  # 104.5 clipped to the range's end
    assert math.isnan(c.objective_change_high)
    assert any("No feasible price" in n for n in c.notes)


# Local slopes: dx*/dθ = −(∂f'/∂θ)/f''(x*), df*/dθ = ∂f/∂θ at x*.


def test_local_slopes_of_the_headphone_optimum_by_hand():
    slopes = {s.name: s for s in sensitivity.local_sensitivity(HEADPHONES)}
    # p* = (a/b + c)/2: dp*/dc = 1/2, dp*/da = 1/(2b), dp*/db = -a/(2b^2).
    assert slopes["unit_cost"].optimum_slope == pytest.approx(0.5, rel=1e-9)
    assert slopes["demand_intercept"].optimum_slope == pytest.approx(0.05, rel=1e-9)
    assert slopes["demand_slope"].optimum_slope == pytest.approx(-6.5, rel=1e-9)
    # Envelope: df*/dc = -(a - b p*) = -550, df*/da = p* - c = 55,
    # df*/db = -(p* - c) p* = -4125.
    assert slopes["unit_cost"].objective_slope == pytest.approx(-550, rel=1e-9)
    assert slopes["demand_intercept"].objective_slope == pytest.approx(55, rel=1e-9)
    assert slopes["demand_slope"].objective_slope == pytest.approx(-4125, rel=1e-9)
    # ∂f'/∂c = b = 10; elasticity of p* in c = 0.5 * 20 / 75.
    assert slopes["unit_cost"].cross_derivative == pytest.approx(10, rel=1e-9)
    assert slopes["unit_cost"].elasticity == pytest.approx(0.5 * 20 / 75, rel=1e-9)
    assert {s.method for s in slopes.values()} == {"implicit"}


@settings(max_examples=40, deadline=None)
@given(
    c=hst.floats(0, 40),
    a=hst.floats(800, 5000),
    b=hst.floats(2, 20),
)
def test_local_slopes_match_the_closed_form_across_ranges(c, a, b):
    if not c < a / b:
        return
    params = {"unit_cost": c, "demand_intercept": a, "demand_slope": b}
    slopes = {s.name: s for s in sensitivity.local_sensitivity(HEADPHONES, params)}
    assert slopes["unit_cost"].optimum_slope == pytest.approx(0.5, rel=1e-7)
    assert slopes["demand_intercept"].optimum_slope == pytest.approx(
        1 / (2 * b), rel=1e-7
    )
    assert slopes["demand_slope"].optimum_slope == pytest.approx(
        -a / (2 * b * b), rel=1e-7
    )


def test_local_slopes_of_study_time_by_hand():
    slopes = {s.name: s for s in sensitivity.local_sensitivity(STUDY)}
    # h* = ln(S k / c) / k: dh*/dS = 1/(k S), dh*/dc = -1/(k c),
    # dh*/dk = (1 - ln(S k / c)) / k^2.
    s, k, c = 100.0, 0.3, 2.0
    assert slopes["max_score"].optimum_slope == pytest.approx(1 / (k * s), rel=1e-9)
    assert slopes["fatigue_cost"].optimum_slope == pytest.approx(-1 / (k * c), rel=1e-9)
    assert slopes["learning_speed"].optimum_slope == pytest.approx(
        (1 - math.log(s * k / c)) / k**2, rel=1e-8
    )
    # Envelope: df*/dc = -h*.
    assert slopes["fatigue_cost"].objective_slope == pytest.approx(
        -math.log(15) / 0.3, rel=1e-9
    )


def test_boundary_optimum_moves_with_the_end_of_the_range():
    # Fuel efficiency sqrt(5 / 0.0002) = 158 mph is past 120: x* stays at 120.
    fuel = scenarios.get("fuel_efficiency")
    slopes = sensitivity.local_sensitivity(
        fuel, {"drag_coefficient": 0.0002, "idle_burn": 5}
    )
    assert {s.method for s in slopes} == {"boundary"}
    assert all(s.optimum_slope == pytest.approx(0.0, abs=1e-12) for s in slopes)


def test_uber_slopes_scale_with_the_demand_multiplier():
    slopes = {s.name: s for s in sensitivity.local_sensitivity(UBER)}
    # p* = (m a / b + c)/2 with a = 1000, b = 5: dp*/dm = a/(2b) = 100.
    assert slopes["demand_multiplier"].optimum_slope == pytest.approx(100, rel=1e-9)
    assert slopes["cost_per_ride"].optimum_slope == pytest.approx(0.5, rel=1e-9)
