"""Optima for whole arrays of parameter sets at once: :func:`solve_grid`.

The vectorised twin of :func:`scenarios.solver.solve`: the sign changes of
f' in every cell are bracketed on an adaptive grid
(:mod:`scenarios.gridsearch`), then every bracket of every cell is polished
together by a vectorised regula falsi (:func:`_polish`), and each cell keeps
the better of its roots and its ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scenarios.gridsearch import (
    SAMPLES,
    Intervals,
    at_cells,
    call,
    plan,
    planned,
    sign_changes,
)
from scenarios.model import Scenario
from scenarios.roots.result import RootResult
from scenarios.roots.tolerances import EPS, ROOT_XTOL

__all__ = ["SAMPLES", "GridSolution", "solve_grid"]

SLOW_STEPS = 3
"""Steps of the polish that must halve a bracket between them; otherwise the
next step bisects (a secant step beside the root can stall one end)."""

ROUNDING_SLOPE = 16
"""|f'| below this many rounding units of its size at the bracket's ends is
zero as far as f' can tell: the polish stops there without closing the
bracket on both sides (which costs one more step)."""

POLISH_STEPS = 200
"""Most steps of the polish: a bisection at least every fourth step halves
any bracket of doubles to a rounding unit well within this."""


@dataclass(frozen=True)
class GridSolution:
    """Optima for an array of parameter sets, solved all at once.

    Arrays share the broadcast shape of the parameter arrays. ``feasible`` is
    False where the domain is empty or f' is not finite; there ``x`` and
    ``value`` are NaN. ``kind`` holds codes: 1 maximum, -1 minimum.
    ``samples`` is the fine grid's number of points; ``evaluations`` counts
    every evaluation of f, f' and f'' over all cells.
    """

    x: np.ndarray
    value: np.ndarray
    kind: np.ndarray
    on_boundary: np.ndarray
    second_derivative: np.ndarray
    feasible: np.ndarray
    evaluations: int
    samples: int = SAMPLES


def solve_grid(
    scenario: Scenario,
    params: Mapping[str, object] | None = None,
    *,
    like: RootResult | None = None,
) -> GridSolution:
    """Vectorised ``solve``: any parameter may be an array; no per-cell loop.

    ``like`` is a scalar root search of a similar f' on the same range (a
    :class:`~scenarios.solver.Solution`'s ``search``): the grid is planned
    from it instead of from a search at the middle cell. The same
    classification and boundary rules as :func:`scenarios.solver.solve`:

    1. bracket the sign changes of f' on the adaptive grid of
       :func:`scenarios.gridsearch.sign_changes`;
    2. polish every bracket of every cell at once, and keep the better of
       the roots and the ends (:func:`_grid_best`).
    """
    p = scenario.defaults()
    for name, value in (params or {}).items():
        scenario.param(name)
        p[name] = np.asarray(value, dtype=float)
    shape = np.broadcast_shapes(*(np.shape(v) for v in p.values()))
    size = int(np.prod(shape, dtype=np.int64))
    samples, first = plan(scenario, p, shape) if like is None else planned(like)
    lo, hi = (
        np.broadcast_to(np.asarray(v, dtype=float), shape) for v in scenario.domain(**p)
    )
    # Every parameter as one flat array over the cells (scalars stay scalars).
    flat = {
        k: (np.broadcast_to(v, shape).ravel() if np.ndim(v) else v)
        for k, v in p.items()
    }
    with np.errstate(all="ignore"):
        feasible = (np.isfinite(lo) & np.isfinite(hi) & (lo < hi)).ravel()
        lo = np.where(feasible, lo.ravel(), 0.0)
        hi = np.where(feasible, hi.ravel(), 1.0)
        found, added = sign_changes(scenario, flat, lo, hi, feasible, first, samples)
        best_x, best_v, best_is_root, polished = _grid_best(
            scenario, flat, lo, hi, found
        )
        d2 = np.broadcast_to(call(scenario.d2f, best_x, flat), (size,))
        feasible &= np.isfinite(best_v)
    nan = np.full(size, np.nan)
    kind = np.where(feasible, 1 if scenario.goal == "maximize" else -1, 0)
    return GridSolution(
        x=np.where(feasible, best_x, nan).reshape(shape),
        value=np.where(feasible, best_v, nan).reshape(shape),
        kind=kind.reshape(shape),
        on_boundary=(feasible & ~best_is_root).reshape(shape),
        second_derivative=np.where(feasible, d2, nan).reshape(shape),
        feasible=feasible.reshape(shape),
        evaluations=(first.size + 3) * size + added + polished,
        samples=samples,
    )


def _grid_best(
    scenario: Scenario,
    flat: Mapping[str, np.ndarray | float],
    lo: np.ndarray,
    hi: np.ndarray,
    found: Intervals,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Step 2 of :func:`solve_grid`: (best x, f there, is a root, evaluations).

    Every bracket of every cell is polished at once (:func:`_polish`); one
    with f' exactly zero at an end needs no polishing. The better end starts
    as the best candidate; a root replaces it on a tie, a later root an
    earlier one.
    """
    sign = 1.0 if scenario.goal == "maximize" else -1.0
    f_lo = np.broadcast_to(call(scenario.f, lo, flat), lo.shape)
    f_hi = np.broadcast_to(call(scenario.f, hi, flat), lo.shape)
    upper_wins = sign * f_hi > sign * f_lo
    best_x = np.where(upper_wins, hi, lo)
    best_v = np.where(upper_wins, f_hi, f_lo)
    best_is_root = np.zeros(lo.size, dtype=bool)
    if not found.size:
        return best_x, best_v, best_is_root, 0
    cell = found.cell
    root = np.where(found.fa == 0, found.a, found.b)
    ok = np.ones(root.size, dtype=bool)
    refine = np.flatnonzero((found.fa != 0) & (found.fb != 0))
    evaluations = found.size
    if refine.size:
        cells = cell[refine]

        def slope(x: np.ndarray, live: np.ndarray) -> np.ndarray:
            at = at_cells(flat, cells[live])
            return np.broadcast_to(call(scenario.df, x, at), x.shape)

        root[refine], ok[refine], used = _polish(
            slope, found.a[refine], found.b[refine], found.fa[refine], found.fb[refine]
        )
        evaluations += used
    value = np.broadcast_to(call(scenario.f, root, at_cells(flat, cell)), root.shape)
    ok &= np.isfinite(value)
    cell, root, value = _best_per_cell(cell[ok], root[ok], sign * value[ok])
    value *= sign
    better = sign * value >= sign * best_v[cell]
    best_x[cell[better]] = root[better]
    best_v[cell[better]] = value[better]
    best_is_root[cell[better]] = True
    return best_x, best_v, best_is_root, evaluations


def _best_per_cell(
    cell: np.ndarray, x: np.ndarray, score: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cell, x, score) of each cell's highest score, the largest x on a tie."""
    if cell.size < 2 or np.bincount(cell).max() < 2:
        return cell, x, score
    order = np.argsort(cell, kind="stable")
    cell, x, score = cell[order], x[order], score[order]
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
    top = np.maximum.reduceat(score, starts)
    counts = np.diff(np.r_[starts, cell.size])
    x = np.maximum.reduceat(
        np.where(score == np.repeat(top, counts), x, -np.inf), starts
    )
    return cell[starts], x, top


def _polish(
    slope, a: np.ndarray, b: np.ndarray, fa: np.ndarray, fb: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """(root, converged, evaluations) for brackets [a, b] with f' of opposite
    signs at the ends, all polished together.

    ``slope(x, live)`` is f' at the brackets numbered ``live``.
    Anderson-Björck regula falsi: a secant step on the ends' values, the
    value of the end kept scaled down; a bisection instead wherever
    ``SLOW_STEPS`` steps failed to halve the bracket. A bracket is done when
    it is ``ROOT_XTOL`` wide (its root is then the end with the smaller
    |f'|), or when f' at the step is zero to rounding and the chord puts the
    root within a tolerance of it (its root is then the step).
    """
    # One array, so that each update and each dropping of finished brackets
    # is one call. Rows: the lower end, f' there and the value the secant
    # uses; the same for the upper end; half the tolerance; the widths now
    # and up to SLOW_STEPS steps back.
    state = np.empty((7 + SLOW_STEPS, np.size(a)))
    state[0], state[1], state[2], state[3], state[4], state[5] = a, fa, fa, b, fb, fb
    state[6] = 0.5 * ROOT_XTOL * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    state[7] = state[3] - state[0]
    state[8:] = np.inf
    scale = np.maximum(np.abs(state[1]), np.abs(state[4]))
    root = 0.5 * (state[0] + state[3])
    ok = np.zeros(root.size, dtype=bool)
    live = np.arange(root.size)
    evaluations = 0
    for _ in range(POLISH_STEPS):
        a, fa, ga, b, fb, gb, tol, width = state[:8]
        noise = ROUNDING_SLOPE * EPS * scale
        x = b - gb * ((b - a) / (gb - ga))
        bisect = width > 0.5 * state[-1]
        bisect |= ~np.isfinite(x)
        if bisect.any():
            x[bisect] = 0.5 * (a[bisect] + b[bisect])
        # Half a tolerance inside the ends, so a step onto or beside an end
        # lands on the root's far side and the bracket closes.
        np.clip(x, a + tol, b - tol, out=x)
        fx = slope(x, live)
        evaluations += x.size
        left = (fx > 0) == (fa > 0)  # x replaces a, b is kept (fa is never 0)
        # Anderson-Björck: the kept end's value shrinks by 1 - f(x)/f(replaced).
        shrink = 1.0 - fx / np.where(left, fa, fb)
        shrink[~(shrink > 0)] = 0.5
        np.multiply(ga, shrink, out=ga, where=~left)
        np.multiply(gb, shrink, out=gb, where=left)
        new = np.stack((x, fx, fx))
        np.copyto(state[0:3], new, where=left)
        np.copyto(state[3:6], new, where=~left)
        state[8:] = state[7:-1].copy()
        np.subtract(b, a, out=width)
        done = width <= 2.0 * tol
        # f' at x is zero to rounding and, along the chord, one tolerance
        # away from it at most: x is the root as far as f' can tell.
        size = np.abs(fx)
        flat = size <= np.minimum(noise, 2.0 * tol * np.abs(fb - fa) / width)
        done |= flat
        done |= ~np.isfinite(fx)
        if done.any():
            near = np.where(np.abs(fa[done]) <= np.abs(fb[done]), a[done], b[done])
            root[live[done]] = np.where(flat[done], x[done], near)
            ok[live[done]] = np.isfinite(fx[done])
            live, state, scale = live[~done], state[:, ~done], scale[~done]
        if not live.size:
            break
    return root, ok, evaluations
