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
from scenarios.roots.engine import find_roots, find_roots_between
from scenarios.roots.result import NotFiniteError, RootResult, build
from scenarios.roots.tolerances import BUDGET

SAMPLES = 129
"""Fewest points at which :func:`solve_grid` samples f' to bracket sign changes."""

UNRESOLVED_NOTE = (
    "The slope could not be resolved everywhere; the optimum may be missed."
)
FLAT_NOTE = "The slope is zero across the whole range, so every x is optimal."

GRID_BLOCK = 2048
"""Cells sampled together by :func:`solve_grid` (about 2 MB of samples)."""

MIN_BLOCK_CELLS = 64
"""Fewest cells in a block of :func:`solve_grid`, however fine its grid."""

CURVATURE_TRUST = 1e-9
"""|f''| * width below this fraction of max|f'| is too flat to classify by."""
PROBE_STEP = 1e-6
"""Where f'' is too flat, f' is probed this fraction of the width either side:
far enough for f' to show its sign, near enough to stay by the root."""
PROBE_GAP = 0.25
"""... and at most this fraction of the gap to the nearest other root."""

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
    """The DomainError for an f, f' or f'' that is not finite here."""
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
    still the best point found, and ``notes`` says so. The steps:

    1. search: every root of f' (:func:`_search_slope`);
    2. classify each root (:func:`_classify`);
    3. choose the best of the roots, kinks, flat stretches and both ends;
    4. residual: f' and f'' there, from evaluations already made.
    """
    p = scenario.resolve(params)
    lo, hi = domain_of(scenario, p)
    declared = _kink_points(scenario, p, lo, hi) if scenario.kinks else []
    search = _search_slope(scenario, p, lo, hi, declared)
    every_x = search.identically_zero
    notes: list[str] = []
    if every_x:
        notes.append(FLAT_NOTE)
    if not search.resolved:
        notes.append(UNRESOLVED_NOTE)
    kink_xs = declared + list(search.jumps) if search.jumps else declared
    xs, values, curv = _candidates(scenario, p, search, kink_xs, every_x, lo, hi)
    evaluations = search.function_calls + xs.size + len(curv)
    stationary, probes = _classify(scenario, p, search, values, curv, lo, hi)
    n = len(search.roots)
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
    best, x, side = _choose(scenario.goal, values, xs, every_x, lo, hi)
    on_boundary = side is not None and not every_x
    index = best if best < n else -1
    derivative, second, used = _residual(scenario, p, search, curv, index, x, side)
    return build(
        Solution,
        scenario_id=scenario.id,
        params=p,
        goal=scenario.goal,
        x=x,
        value=values[best],
        kind="maximum" if scenario.goal == "maximize" else "minimum",
        on_boundary=on_boundary,
        boundary_side=side if on_boundary else None,
        derivative=derivative,
        second_derivative=second,
        stationary_points=tuple(stationary),
        domain=(lo, hi),
        bracket=search.brackets[index] if index >= 0 else None,
        evaluations=evaluations + probes + used,
        iterations=search.pieces,
        notes=tuple(notes),
        kinks=kinks,
        every_x_optimal=every_x,
        search=search,
    )


def _search_slope(
    scenario: Scenario,
    p: Mapping[str, float],
    lo: float,
    hi: float,
    declared: list[float],
) -> RootResult:
    """Step 1 of :func:`solve`: every root of f' on [lo, hi].

    f' jumps at a declared kink, so each smooth stretch between ``declared``
    kinks is searched on its own. Raises DomainError when f' is not finite.
    """
    df, d2f = scenario.df, scenario.d2f
    try:
        if declared:
            return find_roots_between(
                lambda x: df(x, **p), lo, hi, declared, dg=lambda x: d2f(x, **p)
            )
        return find_roots(lambda x: df(x, **p), lo, hi, dg=lambda x: d2f(x, **p))
    except NotFiniteError:
        raise not_finite(scenario, "derivative") from None


def _candidates(
    scenario: Scenario,
    p: Mapping[str, float],
    search: RootResult,
    kink_xs: list[float],
    every_x: bool,
    lo: float,
    hi: float,
) -> tuple[np.ndarray, list[float], list[float]]:
    """Where the optimum may be, f there, and f'' at the roots and both ends.

    The x are the roots of f', the kinks, the middle of each flat stretch
    (unless f' is zero everywhere), then lo and hi. f'' comes in one call, at
    the same x when there are no kinks or flat stretches.
    """
    roots = search.roots
    extra = (
        [0.5 * (a + b) for a, b in search.flat] if search.flat and not every_x else []
    )
    xs = np.array([*roots, *kink_xs, *extra, lo, hi])
    values = _on(scenario.f, xs, p)
    at = xs if xs.size == len(roots) + 2 else np.array([*roots, lo, hi])
    curv = _on(scenario.d2f, at, p)
    if not all(map(math.isfinite, values)):
        raise not_finite(scenario, "objective")
    return xs, values, curv


def _classify(
    scenario: Scenario,
    p: Mapping[str, float],
    search: RootResult,
    values: list[float],
    curv: list[float],
    lo: float,
    hi: float,
) -> tuple[list[StationaryPoint], int]:
    """Step 2 of :func:`solve`: each root of f' as a maximum, minimum or inflection.

    By f'' where it is large enough to trust (``CURVATURE_TRUST``), else by
    the sign of f' just either side; a root where f' touches zero without
    changing sign is an inflection. ``values`` and ``curv`` are f and f'' at
    the roots first. Returns the points and the evaluations the probes took.
    """
    width = hi - lo
    roots = search.roots
    trust = CURVATURE_TRUST * search.scale
    stationary: list[StationaryPoint] = []
    probes = 0
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
            delta = min([PROBE_STEP * width, *(PROBE_GAP * g for g in gaps)])
            left = _slope_at(scenario, p, max(root - delta, lo))
            right = _slope_at(scenario, p, min(root + delta, hi))
            code = 1 if left > 0 > right else -1 if left < 0 < right else 0
            probes += 2
        stationary.append(
            build(
                StationaryPoint,
                x=root,
                value=values[i],
                kind=KIND_CODES[code],
                second_derivative=curvature,
            )
        )
    return stationary, probes


def _choose(
    goal: str,
    values: list[float],
    xs: np.ndarray,
    every_x: bool,
    lo: float,
    hi: float,
) -> tuple[int, float, Literal["lower", "upper"] | None]:
    """Step 3 of :func:`solve`: (index of the best candidate, its x, its end).

    The candidates are the roots, kinks and flat stretches, then both ends;
    the first of tied values wins, so an interior point beats an end it ties.
    When every x ties, the lower end is the answer.
    """
    last = xs.size - 2
    if every_x:
        best = last
    else:  # index() finds the first of tied values
        best = values.index(max(values) if goal == "maximize" else min(values))
    x = lo if best == last else hi if best > last else float(xs[best])
    side = None if best < last else "lower" if best == last else "upper"
    return best, x, side


def _residual(
    scenario: Scenario,
    p: Mapping[str, float],
    search: RootResult,
    curv: list[float],
    index: int,
    x: float,
    side: str | None,
) -> tuple[float, float, int]:
    """Step 4 of :func:`solve`: (f'(x*), f''(x*), evaluations this took).

    From evaluations already made at a root (``index``) or an end (``side``);
    only a kink or a flat stretch needs f' and f'' anew.
    """
    if index >= 0:
        derivative = (
            search.values[index] if search.values else _slope_at(scenario, p, x)
        )
        return derivative, curv[index], 0
    if side is not None:
        end = 0 if side == "lower" else 1
        derivative = search.ends[end] if search.ends else _slope_at(scenario, p, x)
        return derivative, curv[-2 + end], 0
    return _slope_at(scenario, p, x), float(scenario.d2f(x, **p)), 2


def _slope_at(scenario: Scenario, p: Mapping[str, float], x: float) -> float:
    return float(scenario.df(x, **p))


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
    ``scipy.optimize.elementwise.find_root`` refining every bracket at once:

    1. sample f' on the grid and bracket its sign changes (:func:`_grid_slots`),
       over blocks of ``GRID_BLOCK`` cells, so the samples x cells arrays stay
       in cache instead of streaming through memory several times; every
       block is still one array operation;
    2. refine each bracket slot for all cells in a single ``find_root`` call,
       and keep the better of the roots and the ends (:func:`_grid_best`).

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
    # Every parameter as one flat array over the cells (scalars stay scalars).
    flat = {
        k: (np.broadcast_to(v, shape).ravel() if np.ndim(v) else v)
        for k, v in p.items()
    }
    with np.errstate(all="ignore"):
        feasible = (np.isfinite(lo) & np.isfinite(hi) & (lo < hi)).ravel()
        lo = np.where(feasible, lo.ravel(), 0.0)
        hi = np.where(feasible, hi.ravel(), 1.0)
        slots = _grid_slots(scenario, flat, lo, hi, feasible, samples)
        best_x, best_v, best_is_root, used = _grid_best(scenario, flat, lo, hi, slots)
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
        evaluations=samples * size + used,
        samples=samples,
    )


Slots = dict[int, list[np.ndarray]]
"""Bracket slot k (1-based) -> [has a k-th bracket, a, b, f'(a), f'(b)] per cell."""


def _grid_slots(
    scenario: Scenario,
    flat: Mapping[str, np.ndarray | float],
    lo: np.ndarray,
    hi: np.ndarray,
    feasible: np.ndarray,
    samples: int,
) -> Slots:
    """Step 1 of :func:`solve_grid`: f' at ``samples`` points of every cell, bracketed.

    The k-th sign change of each cell goes to slot k. ``feasible`` is
    narrowed in place to the cells where f' is finite at every sample.
    """
    size = lo.size
    t = np.linspace(0.0, 1.0, samples)[:, None]
    block_cells = max(MIN_BLOCK_CELLS, GRID_BLOCK * SAMPLES // samples)
    slots: Slots = {}
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
        mask = ~((pos[:-1] & pos[1:]) | (neg[:-1] & neg[1:]) | (zero[:-1] & zero[1:]))
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
    return slots


def _grid_best(
    scenario: Scenario,
    flat: Mapping[str, np.ndarray | float],
    lo: np.ndarray,
    hi: np.ndarray,
    slots: Slots,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Step 2 of :func:`solve_grid`: (best x, f there, is a root, evaluations).

    The better end starts as the best candidate; a root replaces it on a tie.
    A bracket with f' exactly zero at an end needs no refining.
    """
    size = lo.size
    sign = 1.0 if scenario.goal == "maximize" else -1.0
    names = tuple(flat)
    args = tuple(
        np.broadcast_to(np.asarray(v, dtype=float), (size,)) for v in flat.values()
    )
    f_lo = np.broadcast_to(_call(scenario.f, lo, flat), (size,))
    f_hi = np.broadcast_to(_call(scenario.f, hi, flat), (size,))
    upper_wins = sign * f_hi > sign * f_lo
    best_x = np.where(upper_wins, hi, lo)
    best_v = np.where(upper_wins, f_hi, f_lo)
    best_is_root = np.zeros(size, dtype=bool)
    evaluations = 0

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
    return best_x, best_v, best_is_root, evaluations


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
