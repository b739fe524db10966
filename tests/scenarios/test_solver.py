import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst

import scenarios
import scenarios.grid
from benchmarks.closed_forms import CLOSED_FORMS
from scenarios import DomainError, Scenario

ALL = list(scenarios.REGISTRY.values())
IDS = [sc.id for sc in ALL]
WITH_CLOSED_FORM = [sc for sc in ALL if sc.id in CLOSED_FORMS]


def assert_close_to_closed_form(sc, sol):
    expected = CLOSED_FORMS[sc.id](sol.params)
    assert abs(sol.x - expected) <= 1e-12 * max(1.0, abs(expected)), (
        f"{sc.id} at {sol.params}: solver {sol.x!r}, closed form {expected!r}"
    )


# The lesson's worked numbers.


def test_headphone_optimum_is_75_at_lesson_defaults():
    sol = scenarios.solve(scenarios.get("headphone_pricing"))
    assert sol.x == pytest.approx(75.0, rel=1e-15)
    assert sol.value == pytest.approx(30250.0, rel=1e-15)
    assert sol.kind == "maximum" and not sol.on_boundary
    assert sol.second_derivative == -20.0


def test_uber_best_fare_is_101_and_201_when_demand_doubles():
    sc = scenarios.get("uber_surge")
    assert scenarios.solve(sc).x == pytest.approx(101.0, rel=1e-15)
    doubled = scenarios.solve(sc, {"demand_multiplier": 2})
    assert doubled.x == pytest.approx(201.0, rel=1e-15)
    # (201 - 2)(2000 - 5 * 201) = 199 * 995
    assert doubled.value == pytest.approx(199 * 995, rel=1e-15)


def test_study_time_optimum_is_ln15_over_0_3():
    sol = scenarios.solve(scenarios.get("study_time"))
    assert sol.x == pytest.approx(math.log(15) / 0.3, rel=1e-14)
    assert sol.x == pytest.approx(9.0268, abs=1e-4)


def test_fuel_efficiency_best_speed_is_root_2000():
    sol = scenarios.solve(scenarios.get("fuel_efficiency"))
    assert sol.x == pytest.approx(math.sqrt(2000), rel=1e-14)
    # s / (0.001 s^2 + 2) at s^2 = 2000 is sqrt(2000) / 4.
    assert sol.value == pytest.approx(math.sqrt(2000) / 4, rel=1e-14)


def test_compound_growth_has_no_stationary_point_and_peaks_at_horizon():
    sol = scenarios.solve(scenarios.get("compound_growth"))
    assert sol.stationary_points == ()
    assert sol.on_boundary and sol.boundary_side == "upper"
    assert sol.x == 30.0
    assert sol.value == pytest.approx(10000 * math.exp(1.5), rel=1e-15)
    assert sol.improves_past_boundary


@pytest.mark.parametrize(
    ("scenario_id", "x", "value", "kind"),
    [
        ("ad_spend", 5.0, 75.0, "minimum"),
        ("production_profit", 10.0, 100.0, "maximum"),
        ("study_burnout", 6.0, 56.0, "maximum"),
        ("recommendation_tuning", 0.8, 0.1, "minimum"),
    ],
)
def test_quadratic_examples_match_the_lesson(scenario_id, x, value, kind):
    sol = scenarios.solve(scenarios.get(scenario_id))
    assert sol.x == pytest.approx(x, rel=1e-14)
    assert sol.value == pytest.approx(value, rel=1e-14)
    assert sol.kind == kind
    assert [sp.kind for sp in sol.stationary_points] == [kind]


# Accuracy against the closed forms, at defaults and across every slider range.


@pytest.mark.parametrize("sc", WITH_CLOSED_FORM, ids=[s.id for s in WITH_CLOSED_FORM])
def test_optimum_matches_closed_form_at_defaults(sc):
    assert_close_to_closed_form(sc, scenarios.solve(sc))


def params_strategy(sc):
    return hst.fixed_dictionaries(
        {
            p.name: hst.floats(p.min, p.max, allow_nan=False, allow_infinity=False)
            for p in sc.params
        }
    )


@pytest.mark.parametrize("sc", WITH_CLOSED_FORM, ids=[s.id for s in WITH_CLOSED_FORM])
def test_optimum_matches_closed_form_across_slider_ranges(sc):
    @given(params_strategy(sc))
    def check(params):
        try:
            sol = scenarios.solve(sc, params)
        except DomainError:
            lo, hi = (float(v) for v in sc.domain(**sc.resolve(params)))
            assert not lo < hi  # only a genuinely empty domain may refuse
            return
        assert_close_to_closed_form(sc, sol)

    check()


@pytest.mark.parametrize("sc", ALL, ids=IDS)
def test_interior_optimum_zeroes_the_derivative(sc):
    sol = scenarios.solve(sc)
    if not sol.on_boundary:
        lo, hi = sol.domain
        scale = abs(sc.df(lo, **sol.params)) + abs(sc.df(hi, **sol.params))
        assert abs(sol.derivative) <= 1e-12 * scale
        assert sol.bracket is None or sol.bracket[0] <= sol.x <= sol.bracket[1]
    assert sol.evaluations > 0


# Boundaries, classification and errors.


def test_study_without_fatigue_runs_to_the_end_of_the_day():
    sol = scenarios.solve(scenarios.get("study_time"), {"fatigue_cost": 0})
    assert sol.x == 24.0 and sol.on_boundary and sol.boundary_side == "upper"
    assert sol.derivative > 0 and sol.improves_past_boundary


def test_ad_spend_with_no_saving_sits_at_zero_as_a_true_minimum():
    # C'(0) = -s = 0: the end of the range is also a stationary point.
    sol = scenarios.solve(scenarios.get("ad_spend"), {"linear_saving": 0})
    assert sol.x == 0.0 and sol.value == 100.0
    assert not sol.on_boundary


def test_fuel_optimum_beyond_120_mph_is_reported_at_the_boundary():
    sol = scenarios.solve(
        scenarios.get("fuel_efficiency"), {"drag_coefficient": 0.0002, "idle_burn": 5}
    )
    # sqrt(5 / 0.0002) = 158 mph is past the range.
    assert sol.x == 120.0 and sol.on_boundary and sol.improves_past_boundary


def test_unit_cost_above_vanishing_price_is_a_domain_error_naming_params():
    sc = scenarios.get("headphone_pricing")
    with pytest.raises(DomainError) as info:
        scenarios.solve(sc, {"unit_cost": 100, "demand_intercept": 100})
    assert "unit_cost" in str(info.value) and "demand_intercept" in str(info.value)
    assert "unit_cost" in info.value.params


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # from the lambdas below
def test_a_non_finite_derivative_is_searched_where_f_is_defined():
    # log x on [0, 1]: f(0) = −∞, so f is defined on (0, 1] only (issue 20);
    # f' = 1/x > 0 there, so the maximum is the upper end, f(1) = log 1 = 0,
    # and the minimum does not exist: f → −∞ as x → 0 from the right.
    def scenario(goal):
        return Scenario.from_functions(
            lambda x: np.log(x), lambda x: 1 / x, lambda x: -1 / x**2, (0.0, 1.0),
            goal=goal,
        )  # fmt: skip

    sol = scenarios.solve(scenario("maximize"))
    assert (sol.x, sol.value, sol.boundary_side) == (1.0, 0.0, "upper")
    assert sol.notes == ("f is defined only for x > 0 on [0, 1]; searched (0, 1].",)
    with pytest.raises(DomainError) as info:
        scenarios.solve(scenario("minimize"))
    assert str(info.value) == (
        "f has no minimum on [0, 1]: it is defined only for x > 0 there, and "
        "falls without bound as x → 0 from the right."
    )


def test_flat_curvature_falls_back_to_the_sign_test():
    # -(x^4) has f''(0) = 0, so only the sign of f' shows the maximum.
    sc = Scenario.from_functions(
        lambda x: -(x**4), lambda x: -4 * x**3, lambda x: -12 * x**2, (-1.0, 2.0)
    )
    sol = scenarios.solve(sc)
    assert abs(sol.x) <= 1e-12 and abs(sol.value) <= 1e-40
    assert [sp.kind for sp in sol.stationary_points] == ["maximum"]


def test_cubic_saddle_is_an_inflection_and_loses_to_the_boundary():
    sc = Scenario.from_functions(
        lambda x: x**3,
        lambda x: 3 * x**2,
        lambda x: 6 * x,
        (-1.0, 1.0),
        goal="minimize",
    )
    sol = scenarios.solve(sc)
    assert [sp.kind for sp in sol.stationary_points] == ["inflection"]
    assert sol.x == -1.0 and sol.on_boundary and sol.boundary_side == "lower"


def test_two_peaks_returns_the_higher_one():
    # f = -(x^2 - 1)^2 + 0.5 x has maxima near -1 and +1; the right one is higher.
    sc = Scenario.from_functions(
        lambda x: -((x**2 - 1) ** 2) + 0.5 * x,
        lambda x: -4 * x * (x**2 - 1) + 0.5,
        lambda x: -12 * x**2 + 4,
        (-2.0, 2.0),
    )
    sol = scenarios.solve(sc)
    kinds = [sp.kind for sp in sol.stationary_points]
    assert kinds == ["maximum", "minimum", "maximum"]
    assert sol.x > 1.0
    assert abs(-4 * sol.x * (sol.x**2 - 1) + 0.5) < 1e-13


# The vectorised grid solver follows the same rules as the scalar one.


@pytest.mark.parametrize("sc", ALL, ids=IDS)
def test_grid_solver_agrees_with_scalar_solver(sc):
    first, second = sc.params[0], sc.params[-1]
    a = np.linspace(first.min, first.max, 7)[:, None]
    b = np.linspace(second.min, second.max, 5)[None, :]
    grid = scenarios.grid.solve_grid(sc, {first.name: a, second.name: b})
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            params = {first.name: a[i, 0], second.name: b[0, j]}
            try:
                sol = scenarios.solve(sc, params)
            except DomainError:
                assert not grid.feasible[i, j]
                continue
            assert grid.feasible[i, j]
            assert abs(grid.x[i, j] - sol.x) <= 1e-12 * max(1.0, abs(sol.x))
            assert grid.on_boundary[i, j] == sol.on_boundary


# Kinks: f' jumps where abs, min or max switch branch; the search is split there.


def test_abs_kink_formula_resolves_to_the_corner_without_a_note():
    # |x - 1| + x^2/4: f' = -1 + x/2 < 0 left of 1 and 1 + x/2 > 0 right of
    # it, so the minimum is the corner x = 1 with f = 1/4.
    sc = scenarios.from_formula(
        "abs(x - 1) + x^2/4", variable="x", domain=("-3", "3"), goal="minimize"
    )
    sol = scenarios.solve(sc)
    assert sol.x == 1.0 and sol.value == 0.25
    assert sol.notes == () and sol.search.resolved
    assert [k.x for k in sol.kinks] == [1.0]
    assert sol.stationary_points == ()


def test_relu_kink_formula_finds_the_smooth_maximum_without_a_note():
    # max(0, x) - x^2: f' = -2x > 0 for x < 0, so f rises to the kink at 0
    # (f = 0); f' = 1 - 2x for x > 0 has its root at 1/2, f = 1/4 > 0.
    sc = scenarios.from_formula(
        "max(0, x) - x^2", variable="x", domain=("-2", "2"), goal="maximize"
    )
    sol = scenarios.solve(sc)
    assert sol.x == pytest.approx(0.5, rel=1e-15)
    assert sol.value == pytest.approx(0.25, rel=1e-15)
    assert sol.notes == () and sol.search.resolved
    assert [(sp.x, sp.kind) for sp in sol.stationary_points] == [(0.5, "maximum")]
    assert [k.x for k in sol.kinks] == [0.0]


def test_declared_kink_splits_the_search_in_code_built_scenarios():
    # f = |x - pi/3| + (x - 1/2)^2 on [0, 2]. Left of pi/3, f' = -1 + 2(x - 1/2)
    # vanishes at x = 1 < pi/3, f = pi/3 - 3/4; right of it f' = 2x > 0. The
    # kink has f = (pi/3 - 1/2)^2, more than pi/3 - 3/4, so x = 1 wins.
    k = math.pi / 3
    sc = Scenario.from_functions(
        lambda x: np.abs(x - k) + (x - 0.5) ** 2,
        lambda x: np.where(x < k, -1.0, 1.0) + 2 * (x - 0.5),
        lambda x: 2.0 + 0.0 * x,
        (0.0, 2.0),
        goal="minimize",
        kinks=lambda: [k],
    )
    sol = scenarios.solve(sc)
    assert sol.x == pytest.approx(1.0, rel=1e-15)
    assert sol.value == pytest.approx(k - 0.75, rel=1e-14)
    assert [(sp.x, sp.kind) for sp in sol.stationary_points] == [(1.0, "minimum")]
    assert sol.notes == () and sol.search.resolved
    assert [k_.x for k_ in sol.kinks] == [k]
    # Undeclared, the same f' jump is reported: never a silent guess.
    bare = Scenario.from_functions(sc.f, sc.df, sc.d2f, (0.0, 2.0), goal="minimize")
    rough = scenarios.solve(bare)
    assert rough.x == pytest.approx(1.0, rel=1e-12) or rough.notes
