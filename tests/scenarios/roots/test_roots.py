"""The root engine and the global optimum on the corpus in scenarios.roots.problems."""

import math

import numpy as np
import pytest

import scenarios
from scenarios import Scenario
from scenarios.roots.engine import find_roots
from scenarios.roots.problems import CONSTANT_CASE, OPTIMUM_CASES, ROOT_CASES
from scenarios.solver import FLAT_NOTE, UNRESOLVED_NOTE

REL = 1e-12


def close(found: float, expected: float) -> bool:
    return abs(found - expected) <= REL * max(1.0, abs(expected))


def scenario_of(case) -> Scenario:
    return Scenario.from_functions(
        case["f"],
        case["df"],
        case["d2f"],
        case["domain"],
        id=case["id"],
        goal=case["goal"],
    )


@pytest.mark.parametrize("case", ROOT_CASES, ids=[c["id"] for c in ROOT_CASES])
def test_every_known_root_is_found_to_1e_12(case):
    lo, hi = case["interval"]
    result = find_roots(case["g"], lo, hi, dg=case["dg"])
    if not case["smooth"] and not result.resolved:
        assert result.flag != "resolved"
        return
    assert result.resolved, result.flag
    assert len(result.roots) == len(case["roots"]), result.roots
    for found, expected in zip(result.roots, sorted(case["roots"]), strict=True):
        assert close(found, expected), (found, expected)
    assert len(result.refined_by) == len(result.roots)


@pytest.mark.parametrize("case", OPTIMUM_CASES, ids=[c["id"] for c in OPTIMUM_CASES])
def test_global_optimum_is_found_to_1e_12(case):
    sol = scenarios.solve(scenario_of(case))
    if not case["smooth"] and UNRESOLVED_NOTE in sol.notes:
        # Unresolved is allowed, silently wrong is not: it must say so.
        assert sol.search is not None and not sol.search.resolved
        if any(close(sol.x, x) for x in case["optima"]):
            return
        return
    assert UNRESOLVED_NOTE not in sol.notes
    assert any(close(sol.x, x) for x in case["optima"]), (sol.x, case["optima"][:3])


@pytest.mark.parametrize("case", OPTIMUM_CASES, ids=[c["id"] for c in OPTIMUM_CASES])
def test_every_known_stationary_point_is_found(case):
    sol = scenarios.solve(scenario_of(case))
    found = [sp.x for sp in sol.stationary_points]
    for expected in case["stationary"]:
        assert any(close(x, expected) for x in found), expected
    if case["count"] is not None and case["smooth"]:
        assert len(found) == case["count"], found


def test_double_root_of_the_slope_is_an_inflection():
    (case,) = [c for c in OPTIMUM_CASES if c["id"] == "double_root_of_slope"]
    sol = scenarios.solve(scenario_of(case))
    assert [sp.kind for sp in sol.stationary_points] == ["inflection"]
    assert sol.x == 1.0 and sol.on_boundary


def test_the_well_is_found_not_the_background_minima():
    (case,) = [c for c in OPTIMUM_CASES if c["id"] == "gaussian_well_1e-3"]
    sol = scenarios.solve(scenario_of(case))
    # f(C) = 0.001 (0 - 2)^2 - 1 = -0.996; the background minima have f = 0.
    assert sol.value == pytest.approx(-0.996, rel=1e-14)
    assert sol.search.pieces > 1  # the well forced the interval apart


def test_two_minima_1e_6_apart_are_both_minima():
    (case,) = [c for c in OPTIMUM_CASES if c["id"] == "two_minima_1e-6_apart"]
    sol = scenarios.solve(scenario_of(case))
    assert [sp.kind for sp in sol.stationary_points] == [
        "minimum",
        "maximum",
        "minimum",
    ]


def test_constant_objective_means_every_x_is_optimal():
    sol = scenarios.solve(scenario_of(CONSTANT_CASE))
    assert sol.every_x_optimal and sol.notes == (FLAT_NOTE,)
    assert sol.value == 3.0 and not sol.on_boundary


def test_kink_of_abs_is_found_or_flagged():
    (case,) = [c for c in OPTIMUM_CASES if c["id"] == "kink_abs"]
    sol = scenarios.solve(scenario_of(case))
    assert UNRESOLVED_NOTE in sol.notes or close(sol.x, math.pi / 3)


def test_declared_kinks_compete_with_stationary_points():
    # max(x, 2 - x) - x^2 / 10 on [0, 2]: a corner at 1 where f = 0.9 is the
    # minimum; f' = -1 - x/5 < 0 left of it and 1 - x/5 > 0 right of it.
    sc = Scenario.from_functions(
        lambda x: np.maximum(x, 2 - x) - x**2 / 10,
        lambda x: np.where(x < 1, -1.0, 1.0) - x / 5,
        lambda x: -0.2 + 0 * x,
        (0.0, 2.0),
        goal="minimize",
        kinks=lambda: [1.0],
    )
    sol = scenarios.solve(sc)
    assert sol.x == 1.0 and sol.value == pytest.approx(0.9, rel=1e-15)
    assert [k.kind for k in sol.kinks][:1] == ["kink"]


def test_unresolvable_noise_says_so():
    rng = np.random.default_rng(0)
    result = find_roots(lambda x: rng.standard_normal(np.shape(x)), 0.0, 1.0)
    assert not result.resolved and result.flag != "resolved"


def test_result_explains_itself():
    result = find_roots(np.sin, 1.0, 10.0)
    assert [round(r / math.pi, 12) for r in result.roots] == [1.0, 2.0, 3.0]
    assert result.resolved and result.pieces >= 1 and result.points >= 17
    assert result.function_calls >= result.points + result.check_points
    assert all(
        b is None or b[0] <= r <= b[1]
        for r, b in zip(result.roots, result.brackets, strict=True)
    )


def test_goal_seek_at_a_peak_touches_once_and_inflection_table_uses_the_engine():
    sc = scenarios.get("headphone_pricing")
    assert scenarios.seek(sc, 30250) == [75.0]
    from scenarios.curvature import curvature

    result = curvature(scenarios.get("fuel_efficiency"))
    assert result.search is not None and result.search.resolved


def test_pieces_tile_the_interval_and_hold_every_root():
    # cos(10 x) on [0, 10] needs several pieces: zero at (pi/2 + j pi) / 10.
    result = find_roots(
        lambda x: np.cos(10 * x), 0.0, 10.0, dg=lambda x: -10 * np.sin(10 * x)
    )
    expected = [(math.pi / 2 + j * math.pi) / 10 for j in range(32)]
    assert result.resolved and result.pieces > 1
    assert len(result.degrees) == result.pieces
    assert list(result.breaks) == sorted(result.breaks)
    assert all(0.0 < b < 10.0 for b in result.breaks)
    assert len(result.roots) == len(expected)
    assert all(close(r, e) for r, e in zip(result.roots, expected, strict=True))
    # g at each root comes back as its residual, at rounding level.
    assert len(result.values) == len(result.roots)
    assert max(abs(v) for v in result.values) < 1e-13


def test_exp_with_a_huge_range_has_no_root_and_is_resolved():
    result = find_roots(np.exp, 0.0, 50.0, dg=np.exp)
    assert result.resolved and result.roots == ()
