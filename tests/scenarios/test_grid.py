"""The vectorised engine's adaptive grid and polish, against the scalar solve.

Each case is built so that the first pass alone would mislead: two roots
inside one first-pass interval, a jump of f', many waves whose frequency
grows across the cells, an exact zero on a sample. Every cell must agree with
:func:`scenarios.solve` to 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

import scenarios
from scenarios.grid import solve_grid
from scenarios.gridsearch import COARSE, SAMPLES


def _scalar(sc, arrays: dict[str, np.ndarray]) -> np.ndarray:
    size = len(next(iter(arrays.values())))
    return np.array(
        [
            scenarios.solve(sc, {k: v[i] for k, v in arrays.items()}).x
            for i in range(size)
        ]
    )


def _agrees(sc, arrays: dict[str, np.ndarray]):
    grid = solve_grid(sc, arrays)
    want = _scalar(sc, arrays)
    assert grid.feasible.all()
    gap = np.abs(grid.x - want) / np.maximum(1.0, np.abs(want))
    assert gap.max() <= 1e-12, (gap.max(), grid.x[gap.argmax()], want[gap.argmax()])
    return grid


def test_three_roots_inside_one_first_pass_interval_are_all_found():
    # f' = 4u (u² - d²) + t with u = x - c: minima near c - d and c + d, a
    # maximum at c between them, all within 2d = 0.03: inside one interval of
    # the first pass (1/16 of the range), though not of the fine grid (1/128).
    # The tilt t makes the left minimum the lower.
    sc = scenarios.from_formula(
        "(x - c)^4 - 2 d^2 (x - c)^2 + t x", variable="x", domain=("0", "1"),
        params={"c": 0.5, "d": 0.01, "t": 1e-9}, goal="minimize",
    )  # fmt: skip
    c = np.linspace(0.2, 0.8, 41)
    grid = _agrees(sc, {"c": c, "d": np.full_like(c, 0.015)})
    assert np.allclose(grid.x, c - 0.015, rtol=0, atol=1e-6)
    assert not grid.on_boundary.any()


def test_waves_whose_frequency_grows_across_the_cells_are_all_resolved():
    # The grid is planned from the cells at both ends of k as well as the
    # middle one, so the fastest waves set the resolution.
    sc = scenarios.from_formula(
        "-cos(k x) + 0.01 x", variable="x", domain=("0", "20"),
        params={"k": 3.0}, goal="maximize",
    )  # fmt: skip
    _agrees(sc, {"k": np.linspace(0.3, 30.0, 41)})


def test_a_jump_in_the_slope_is_polished_onto_the_corner():
    # |x - c| + x²/4 has its minimum at the corner x = c for 0 < c < 2.
    sc = scenarios.from_formula(
        "abs(x - c) + x^2/4", variable="x", domain=("-3", "3"),
        params={"c": 1.0}, goal="minimize",
    )  # fmt: skip
    c = np.linspace(0.1, 1.9, 25)
    grid = _agrees(sc, {"c": c})
    assert np.allclose(grid.x, c, rtol=0, atol=1e-12)


def test_an_exact_zero_on_a_sample_is_the_optimum_once():
    # The headphone optimum (a/b + c)/2 is the middle of the range [c, a/b],
    # a point of every first pass: f' is zero there to rounding or exactly.
    sc = scenarios.get("headphone_pricing")
    costs = np.linspace(10.0, 40.0, 31)
    grid = _agrees(sc, {"unit_cost": costs})
    assert np.allclose(grid.x, (130 + costs) / 2, rtol=1e-14)


def test_a_low_degree_slope_costs_far_fewer_evaluations_than_the_fine_grid():
    sc = scenarios.get("headphone_pricing")
    costs = np.linspace(10.0, 40.0, 500)
    grid = solve_grid(sc, {"unit_cost": costs})
    assert grid.samples == SAMPLES
    assert grid.evaluations < 0.3 * SAMPLES * costs.size
    assert grid.evaluations >= (COARSE + 1) * costs.size


def test_a_search_given_plans_the_grid_and_gives_the_same_optima():
    sc = scenarios.get("study_time")
    fatigue = np.linspace(1.0, 6.0, 50)
    like = scenarios.solve(sc, {"fatigue_cost": 3.5}).search
    given = solve_grid(sc, {"fatigue_cost": fatigue}, like=like)
    planned = solve_grid(sc, {"fatigue_cost": fatigue})
    assert np.allclose(given.x, planned.x, rtol=1e-14, atol=0)


@pytest.mark.parametrize("sid", sorted(scenarios.REGISTRY))
def test_spread_draws_agree_with_the_scalar_solve(sid):
    sc = scenarios.get(sid)
    rng = np.random.default_rng(3)
    arrays = {
        p.name: np.clip(rng.normal(p.default, 0.05 * (p.max - p.min), 60), p.min, p.max)
        for p in sc.params
    }
    grid = solve_grid(sc, arrays)
    for i in range(60):
        cell = {k: v[i] for k, v in arrays.items()}
        try:
            want = scenarios.solve(sc, cell)
        except scenarios.DomainError:
            assert not grid.feasible[i]
            continue
        assert grid.x[i] == pytest.approx(want.x, rel=1e-12, abs=1e-12)
        assert grid.on_boundary[i] == want.on_boundary
