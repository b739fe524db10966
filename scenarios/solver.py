"""Find optima by root-finding the analytic derivative, never by grid search.

The recipe for the scalar :func:`solve`:

1. find every root of f' on the domain with :func:`scenarios.roots.find_roots`
   (Chebyshev interpolation until f' is resolved, roots of each piece's
   colleague matrix, each polished on the true f' to full double precision);
2. classify each stationary point by f'' or, where f'' is too small to trust,
   by the sign of f' on either side; a root where f' touches zero without
   changing sign is an inflection;
3. compare the stationary points, any declared kinks and both ends of the
   domain, and keep the best for the scenario's goal. f' jumps at a declared
   kink, so step 1 searches each smooth stretch between kinks on its own.

The array :func:`solve_grid` keeps a fixed grid of sign-change brackets (at
least ``SAMPLES`` points, and never coarser than the scalar engine needed at
the current parameters) refined by ``elementwise.find_root``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import elementwise

from scenarios.errors import ScenarioError
from scenarios.model import Number, Scenario
from scenarios.roots.engine import (
    BUDGET,
    NotFiniteError,
    RootResult,
    build,
    find_roots,
    find_roots_between,
)

SAMPLES = 129
"""Fewest points at which :func:`solve_grid` samples f' to bracket sign changes."""

UNRESOLVED_NOTE = (
    "The slope could not be resolved everywhere; the optimum may be missed."
)
FLAT_NOTE = "The slope is zero across the whole range, so every x is optimal."

GRID_BLOCK = 2048
"""Cells sampled together by :func:`solve_grid` (about 2 MB of samples)."""

CURVATURE_TRUST = 1e-9
"""|f''| * width below this fraction of max|f'| is too flat to classify by."""

Kind = Literal["maximum", "minimum", "inflection", "kink"]
KIND_CODES: dict[int, Kind] = {1: "maximum", -1: "minimum", 0: "inflection"}


class DomainError(ScenarioError, ValueError):
    """The problem has no feasible x, or f / f' is not finite there.

    ``params`` names the parameters involved, so a page can point at them.
    """

    def __init__(self, message: str, params: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.params = params


@dataclass(frozen=True)
class StationaryPoint:
    """A point where f'(x) = 0, with its classification."""

    x: float
    value: float
    kind: Kind
    second_derivative: float


@dataclass(frozen=True)
class Solution:
    """The optimum of a scenario for one set of parameters, and how it was found.

    ``x`` is the best value of the decision variable on the domain, ``value`` is
    f there. ``kind`` is ``"maximum"`` or ``"minimum"`` (the scenario's goal).
    ``on_boundary`` is true when the best point is an end of the domain where f'
    is not zero; ``derivative`` is then f' at that end, and its sign says which
    way the objective would keep improving past the range. Otherwise it is the
    residual f'(x*) left by the root finder. ``bracket`` is the sign-change
    interval that was refined (None at a boundary optimum or an exact zero).
    ``kinks`` are points where f has a corner (declared by the scenario, or
    where f' jumps across zero); they compete with the stationary points.
    ``every_x_optimal`` is True when f' is zero across the whole domain.
    ``search`` is the root search on f' (pieces, points, evaluations) and
    ``notes`` are plain sentences a page should show as warnings.
    """

    scenario_id: str
    params: dict[str, float]
    goal: str
    x: float
    value: float
    kind: Kind
    on_boundary: bool
    boundary_side: Literal["lower", "upper"] | None
    derivative: float
    second_derivative: float
    stationary_points: tuple[StationaryPoint, ...]
    domain: tuple[float, float]
    bracket: tuple[float, float] | None
    evaluations: int
    iterations: int = 0
    notes: tuple[str, ...] = field(default=())
    kinks: tuple[StationaryPoint, ...] = ()
    every_x_optimal: bool = False
    search: RootResult | None = None

    @property
    def residual(self) -> float:
        """f'(x*): zero up to rounding for an interior optimum."""
        return self.derivative

    @property
    def improves_past_boundary(self) -> bool:
        """True when moving x past the end it sits on would still improve f."""
        if not self.on_boundary:
            return False
        outward = 1.0 if self.boundary_side == "upper" else -1.0
        sign = 1.0 if self.goal == "maximize" else -1.0
        return outward * sign * self.derivative > 0


def _call(fn, x: Number, params: Mapping[str, Number]) -> np.ndarray:
    return np.asarray(fn(x, **params), dtype=float)


def domain_of(scenario: Scenario, params: Mapping[str, Number]) -> tuple[float, float]:
    """The feasible interval (lo, hi) for x, or DomainError naming the parameters."""
    lo, hi = scenario.domain(**params)
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
        names = scenario.domain_params or scenario.param_names
        reason = (
            scenario.domain_note
            or "the domain must have a lower end below its upper end"
        )
        raise DomainError(
            f"No feasible {scenario.variable.label.lower()}: {reason}. "
            f"Here the range would run from {lo:.6g} to {hi:.6g}; "
            f"adjust {', '.join(names)}.",
            tuple(names),
        )
    return lo, hi


def not_finite(scenario: Scenario, what: str) -> DomainError:
    names = scenario.param_names
    return DomainError(
        f"The {what} of {scenario.title} is not a finite number for these "
        f"parameters; adjust {', '.join(names)}.",
        names,
    )


def _on(fn, xs: np.ndarray, p: Mapping[str, float]) -> list[float]:
    """fn at every x of ``xs`` as floats (a constant fn is broadcast)."""
    y = np.asarray(fn(xs, **p), dtype=float)
    if y.shape != xs.shape:
        y = np.broadcast_to(y, xs.shape)
    return y.tolist()


def _kink_points(
    scenario: Scenario, p: Mapping[str, float], lo: float, hi: float
) -> list[float]:
    if scenario.kinks is None:
        return []
    xs = np.atleast_1d(np.asarray(scenario.kinks(**p), dtype=float)).ravel()
    return sorted({float(x) for x in xs if np.isfinite(x) and lo <= x <= hi})


def solve(scenario: Scenario, params: Mapping[str, object] | None = None) -> Solution:
    """The global optimum of ``scenario`` on its domain for ``params``.

    Missing parameters take their defaults; an unknown name or a value outside
    its range raises ParamError, an empty domain or a non-finite f or f'
    raises DomainError. When f' could not be resolved everywhere the answer is
    still the best point found, and ``notes`` says so.
    """
    p = scenario.resolve(params)
    f, df, d2f = scenario.f, scenario.df, scenario.d2f
    lo, hi = domain_of(scenario, p)
    width = hi - lo
    declared = _kink_points(scenario, p, lo, hi) if scenario.kinks else []
    try:
        # f' jumps at a declared kink: each smooth stretch is searched alone.
        if declared:
            search = find_roots_between(
                lambda x: df(x, **p), lo, hi, declared, dg=lambda x: d2f(x, **p)
            )
        else:
            search = find_roots(lambda x: df(x, **p), lo, hi, dg=lambda x: d2f(x, **p))
    except NotFiniteError:
        raise not_finite(scenario, "derivative") from None
    evaluations = search.function_calls
    roots = search.roots
    n = len(roots)
    notes: list[str] = []
    every_x = search.identically_zero
    if every_x:
        notes.append(FLAT_NOTE)
    if not search.resolved:
        notes.append(UNRESOLVED_NOTE)
    kink_xs = declared + list(search.jumps) if search.jumps else declared
    extra = (
        [0.5 * (a + b) for a, b in search.flat] if search.flat and not every_x else []
    )
    xs = np.array([*roots, *kink_xs, *extra, lo, hi])
    values = _on(f, xs, p)
    # f'' at the roots and at both ends in one call.
    at = xs if xs.size == n + 2 else np.array([*roots, lo, hi])
    curv = _on(d2f, at, p)
    evaluations += xs.size + at.size
    if not all(map(math.isfinite, values)):
        raise not_finite(scenario, "objective")

    def slope(x: float) -> float:
        return float(df(x, **p))

    stationary: list[StationaryPoint] = []
    trust = CURVATURE_TRUST * search.scale
    for i, root in enumerate(roots):
        curvature = curv[i]
        if search.touching[i]:
            code = 0
        elif abs(curvature) * width > trust:
            code = 1 if curvature < 0 else -1
        else:
            # Probe closer than any neighbouring root, so the signs belong
            # to this root alone.
            gaps = [abs(root - r) for r in roots if r != root]
            delta = min([1e-6 * width, *(0.25 * g for g in gaps)])
            left = slope(max(root - delta, lo))
            right = slope(min(root + delta, hi))
            code = 1 if left > 0 > right else -1 if left < 0 < right else 0
            evaluations += 2
        stationary.append(
            build(
                StationaryPoint,
                x=root,
                value=values[i],
                kind=KIND_CODES[code],
                second_derivative=curvature,
            )
        )
    kinks = (
        tuple(
            build(
                StationaryPoint,
                x=x,
                value=values[n + j],
                kind="kink",
                second_derivative=math.nan,
            )
            for j, x in enumerate(kink_xs)
        )
        if kink_xs
        else ()
    )

    # Candidates: the roots, kinks and flat stretches, then both ends; the
    # first of tied values wins, so an interior point beats an end it ties.
    last = xs.size - 2
    if every_x:
        best = last  # every x ties: report the lower end
    else:  # index() finds the first of tied values
        best = values.index(max(values) if scenario.goal == "maximize" else min(values))
    value = values[best]
    x = lo if best == last else hi if best > last else float(xs[best])
    side = None if best < last else "lower" if best == last else "upper"
    on_boundary = side is not None and not every_x
    index = best if best < n else -1
    bracket = search.brackets[index] if index >= 0 else None
    # The residual f'(x*) and f''(x*) come from evaluations already made.
    if index >= 0:
        derivative = search.values[index] if search.values else slope(x)
        second = curv[index]
    elif side is not None:
        end = 0 if side == "lower" else 1
        derivative = search.ends[end] if search.ends else slope(x)
        second = curv[-2 + end]
    else:
        derivative, second = slope(x), float(d2f(x, **p))
        evaluations += 2
    return build(
        Solution,
        scenario_id=scenario.id,
        params=p,
        goal=scenario.goal,
        x=x,
        value=value,
        kind="maximum" if scenario.goal == "maximize" else "minimum",
        on_boundary=on_boundary,
        boundary_side=side if on_boundary else None,
        derivative=derivative,
        second_derivative=second,
        stationary_points=tuple(stationary),
        domain=(lo, hi),
        bracket=bracket,
        evaluations=evaluations,
        iterations=search.pieces,
        notes=tuple(notes),
        kinks=kinks,
        every_x_optimal=every_x,
        search=search,
    )


@dataclass(frozen=True)
class GridSolution:
    """Optima for an array of parameter sets, solved all at once.

    Arrays share the broadcast shape of the parameter arrays. ``feasible`` is
    False where the domain is empty or f' is not finite; there ``x`` and
    ``value`` are NaN. ``kind`` holds codes: 1 maximum, -1 minimum.
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
    scenario: Scenario, params: Mapping[str, object] | None = None
) -> GridSolution:
    """Vectorised :func:`solve`: any parameter may be an array; no per-cell loop.

    The same sampling, classification and boundary rules as :func:`solve`, with
    ``scipy.optimize.elementwise.find_root`` refining every bracket at once.

    Sampling and bracketing run over blocks of ``GRID_BLOCK`` cells, so the
    samples x cells arrays stay in cache instead of streaming through memory
    several times; every block is still one array operation, and each bracket
    slot is refined for all cells in a single ``find_root`` call.

    The grid has ``SAMPLES`` points, or more when the scalar engine needed a
    finer resolution for the middle cell (see ``GridSolution.samples``).
    """
    p = scenario.defaults()
    for name, value in (params or {}).items():
        scenario.param(name)
        p[name] = np.asarray(value, dtype=float)
    shape = np.broadcast_shapes(*(np.shape(v) for v in p.values()))
    size = int(np.prod(shape, dtype=np.int64))
    samples = _grid_samples(scenario, p, shape)
    lo, hi = (
        np.broadcast_to(np.asarray(v, dtype=float), shape) for v in scenario.domain(**p)
    )
    sign = 1.0 if scenario.goal == "maximize" else -1.0
    names = tuple(p)
    # Every parameter as one flat array over the cells (scalars stay scalars).
    flat = {
        k: (np.broadcast_to(v, shape).ravel() if np.ndim(v) else v)
        for k, v in p.items()
    }
    args = tuple(
        np.broadcast_to(np.asarray(v, dtype=float), (size,)) for v in flat.values()
    )
    with np.errstate(all="ignore"):
        feasible = (np.isfinite(lo) & np.isfinite(hi) & (lo < hi)).ravel()
        lo = np.where(feasible, lo.ravel(), 0.0)
        hi = np.where(feasible, hi.ravel(), 1.0)
        t = np.linspace(0.0, 1.0, samples)[:, None]
        block_cells = max(64, GRID_BLOCK * SAMPLES // samples)

        # Per bracket slot k (1-based): its sample interval and f' at both ends.
        slots: dict[int, list[np.ndarray]] = {}
        for start in range(0, size, block_cells):
            cut = slice(start, min(start + block_cells, size))
            block = {k: (v[cut] if np.ndim(v) else v) for k, v in flat.items()}
            b_lo, b_hi = lo[cut], hi[cut]
            xs = b_lo + t * (b_hi - b_lo)
            fp = np.broadcast_to(_call(scenario.df, xs, block), xs.shape)
            ok = feasible[cut] & np.all(np.isfinite(fp), axis=0)
            feasible[cut] = ok
            # Consecutive samples bracket a zero
            # unless both share a strict sign or both are exactly zero.
            pos, neg = fp > 0, fp < 0
            zero = ~(pos | neg)
            mask = ~(
                (pos[:-1] & pos[1:]) | (neg[:-1] & neg[1:]) | (zero[:-1] & zero[1:])
            )
            mask &= ok
            count = mask.sum(axis=0)
            cells = np.arange(mask.shape[1])
            for k in range(1, int(count.max(initial=0)) + 1):
                has = count >= k
                idx = np.argmax(mask, axis=0)
                mask[idx, cells] = False
                if k not in slots:
                    slots[k] = [
                        np.zeros(size, dtype=bool),
                        np.zeros(size),
                        np.zeros(size),
                        np.ones(size),
                        np.ones(size),
                    ]
                has_k, a_k, b_k, fa_k, fb_k = slots[k]
                has_k[cut] = has
                a_k[cut] = xs[idx, cells]
                b_k[cut] = xs[idx + 1, cells]
                fa_k[cut] = fp[idx, cells]
                fb_k[cut] = fp[idx + 1, cells]
        evaluations = samples * size

        # The better end starts as the best candidate; roots replace it on a tie.
        f_lo = np.broadcast_to(_call(scenario.f, lo, flat), (size,))
        f_hi = np.broadcast_to(_call(scenario.f, hi, flat), (size,))
        upper_wins = sign * f_hi > sign * f_lo
        best_x = np.where(upper_wins, hi, lo)
        best_v = np.where(upper_wins, f_hi, f_lo)
        best_is_root = np.zeros(size, dtype=bool)

        def masked_slope(x, refine, *values):
            # Cells without a bracket in this slot solve x - 0.5 = 0 on [0, 1].
            slope = _call(scenario.df, x, dict(zip(names, values, strict=True)))
            return np.where(refine > 0, slope, x - 0.5)

        for k in sorted(slots):
            has, a, b, fa, fb = slots[k]
            exact = has & ((fa == 0) | (fb == 0))
            refine = has & ~exact
            res = elementwise.find_root(
                masked_slope,
                (np.where(refine, a, 0.0), np.where(refine, b, 1.0)),
                args=(refine.astype(float),) + args,
            )
            evaluations += int(np.sum(np.where(refine, res.nfev, 0)))
            ok = exact | (refine & (res.status == 0))
            root = np.where(exact, np.where(fa == 0, a, b), np.where(ok, res.x, lo))
            v = _call(scenario.f, root, flat)
            better = ok & (sign * v >= sign * best_v)
            best_x = np.where(better, root, best_x)
            best_v = np.where(better, v, best_v)
            best_is_root |= better
        d2 = np.broadcast_to(_call(scenario.d2f, best_x, flat), (size,))
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
        evaluations=evaluations,
        samples=samples,
    )


def _grid_samples(
    scenario: Scenario, p: Mapping[str, Number], shape: tuple[int, ...]
) -> int:
    """Grid points for :func:`solve_grid`: never coarser than the scalar engine.

    The scalar engine runs once, at the middle cell of the grid; a cell whose
    domain is empty or whose f' is not finite leaves the default.
    """
    size = int(np.prod(shape, dtype=np.int64))
    middle = size // 2
    cell = {
        k: float(np.broadcast_to(v, shape).ravel()[middle]) if np.ndim(v) else float(v)
        for k, v in p.items()
    }
    try:
        lo, hi = domain_of(scenario, cell)
        kinks = _kink_points(scenario, cell, lo, hi)
        search = find_roots_between(lambda x: scenario.df(x, **cell), lo, hi, kinks)
    except (ValueError, FloatingPointError):
        return SAMPLES
    return max(SAMPLES, min(search.uniform_points(), BUDGET))
