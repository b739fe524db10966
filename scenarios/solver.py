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

The array version, for many parameter sets at once, is
:func:`scenarios.grid.solve_grid`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from scenarios import singular
from scenarios.definedness import Definedness, analyse
from scenarios.errors import ScenarioError
from scenarios.model import Number, Scenario
from scenarios.roots.engine import find_roots, find_roots_between
from scenarios.roots.result import NotFiniteError, RootResult, build
from scenarios.stationary import classify

UNRESOLVED_NOTE = (
    "The slope could not be resolved everywhere; the optimum may be missed."
)
FLAT_NOTE = "The slope is zero across the whole range, so every x is optimal."

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
    ``domain`` is the range searched: the scenario's, or where f is defined
    when that is less (``notes`` then says so).
    ``search`` is the root search on f' (pieces, points, evaluations) and
    ``notes`` are plain sentences a page should show as warnings. When the
    best point is a kink, ``kind`` is ``"kink"``, ``second_derivative`` is
    NaN (f'' does not exist there) and ``left_slope``/``right_slope`` are f'
    either side; elsewhere they are NaN.
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
    left_slope: float = math.nan
    right_slope: float = math.nan

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
        adjust = f"; adjust {', '.join(names)}" if names else ""
        raise DomainError(
            f"No feasible {scenario.variable.label.lower()}: {reason}. "
            f"Here the range would run from {lo:.6g} to {hi:.6g}{adjust}.",
            tuple(names),
        )
    return lo, hi


def not_finite(scenario: Scenario, what: str) -> DomainError:
    """The DomainError for an f, f' or f'' that is not finite here."""
    names = scenario.param_names
    where = (
        f"for these parameters; adjust {', '.join(names)}"
        if names
        else "everywhere on its domain"
    )
    return DomainError(
        f"The {what} of {scenario.title} is not a finite number {where}.", names
    )


def _on(fn, xs: np.ndarray, p: Mapping[str, float]) -> list[float]:
    """fn at every x of ``xs`` as floats (a constant fn is broadcast)."""
    y = np.asarray(fn(xs, **p), dtype=float)
    if y.shape != xs.shape:
        y = np.broadcast_to(y, xs.shape)
    return y.tolist()


def kink_points(
    scenario: Scenario, p: Mapping[str, float], lo: float, hi: float
) -> list[float]:
    """The scenario's declared kinks on [lo, hi], sorted, each once."""
    if scenario.kinks is None:
        return []
    xs = np.atleast_1d(np.asarray(scenario.kinks(**p), dtype=float)).ravel()
    return sorted({float(x) for x in xs if np.isfinite(x) and lo <= x <= hi})


def solve(scenario: Scenario, params: Mapping[str, object] | None = None) -> Solution:
    """The global optimum of ``scenario`` on its domain for ``params``.

    Missing parameters take their defaults; an unknown name or a value outside
    its range raises ParamError, an empty domain raises DomainError. When f or
    f' is not finite somewhere (a hole, a pole, an end where f' is unbounded,
    an overflow), :mod:`scenarios.definedness` finds where f is defined and
    the optimum is sought there (:func:`_solve_pieces`); DomainError, in one
    sentence, when there is none. When f' could not be resolved everywhere the
    answer is still the best point found, and ``notes`` says so. The steps:

    1. search: every root of f' (:func:`_search_slope`);
    2. classify each root (:func:`_classify`);
    3. choose the best of the roots, kinks, flat stretches and both ends;
    4. residual: f' and f'' there, from evaluations already made.
    """
    p = scenario.resolve(params)
    lo, hi = domain_of(scenario, p)
    hook = scenario.extras.get("definedness")
    shape = hook(p, lo, hi) if hook is not None else None
    if shape is None:
        try:
            return _solve_smooth(scenario, p, lo, hi)
        except DomainError:  # f or f' not finite: where is f defined?
            shape = analyse(*_bound(scenario, p), lo, hi)
            if shape is None:
                raise
    with np.errstate(all="ignore"):
        return _solve_pieces(scenario, p, shape)


def _bound(scenario: Scenario, p: Mapping[str, float]) -> tuple:
    """f, f' and f'' of x alone at the parameters ``p``, silent where undefined."""

    def bind(fn):
        def at(x: Number) -> np.ndarray:
            with np.errstate(all="ignore"):
                return np.asarray(fn(x, **p), dtype=float)

        return at

    return tuple(bind(fn) for fn in (scenario.f, scenario.df, scenario.d2f))


def _solve_smooth(
    scenario: Scenario, p: Mapping[str, float], lo: float, hi: float
) -> Solution:
    """:func:`solve` where f and f' are finite on the whole of [lo, hi]."""
    declared = kink_points(scenario, p, lo, hi) if scenario.kinks else []
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
    kinks = _kinks(kink_xs, values[n:])
    best, x, side = _choose(scenario.goal, values, xs, every_x, lo, hi)
    on_boundary = side is not None and not every_x
    index = best if best < n else -1
    derivative, second, used = _residual(scenario, p, search, curv, index, x, side)
    kind = "maximum" if scenario.goal == "maximize" else "minimum"
    slopes = (math.nan, math.nan)
    if n <= best < n + len(kink_xs):
        kind, second = "kink", math.nan
        slopes = singular.slopes_at(_bound(scenario, p)[1], x, lo, hi)
    return build(
        Solution,
        scenario_id=scenario.id,
        params=p,
        goal=scenario.goal,
        x=x,
        value=values[best],
        kind=kind,
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
        left_slope=slopes[0],
        right_slope=slopes[1],
    )


def _kinks(kink_xs: list[float], values: list[float]) -> tuple[StationaryPoint, ...]:
    """The kinks as candidates, f at each (the first ``len(kink_xs)`` values)."""
    return tuple(
        build(
            StationaryPoint,
            x=x,
            value=values[j],
            kind="kink",
            second_derivative=math.nan,
        )
        for j, x in enumerate(kink_xs)
    )


def _solve_pieces(
    scenario: Scenario, p: Mapping[str, float], shape: Definedness
) -> Solution:
    """:func:`solve` where f or f' is singular: on the pieces where f is defined.

    The same steps, with f' searched only where it is finite (through atan,
    which keeps its roots and signs but not the size of a pole), and every
    break point where f has a value, or a limit, competing with the roots and
    kinks. Refuses in one sentence when there is nothing to find
    (:func:`scenarios.singular.refusal`).
    """
    var, goal, lo, hi = scenario.variable.name, scenario.goal, shape.lo, shape.hi
    refused = singular.refusal(shape, goal, var)
    if refused:
        raise DomainError(refused)
    f, df, d2f = _bound(scenario, p)
    pieces = shape.pieces()
    declared = [
        k
        for k in (kink_points(scenario, p, lo, hi) if scenario.kinks else [])
        if any(a <= k <= b for a, b, _, _ in pieces)
    ]
    try:
        search = singular.search_slope(
            df, d2f, lo, hi, singular.search_intervals(shape, df), declared
        )
    except NotFiniteError:
        raise not_finite(scenario, "derivative") from None
    kink_xs = declared + list(search.jumps)
    flats = [0.5 * (a + b) for a, b in search.flat]
    edges = singular.edge_candidates(shape, goal)
    xs = np.array([*search.roots, *kink_xs, *flats])
    values = np.broadcast_to(f(xs), xs.shape).tolist() + [e.value for e in edges]
    roots = np.array(search.roots)
    curv = np.broadcast_to(d2f(roots), roots.shape).tolist()
    stationary, probes = _classify(scenario, p, search, values, curv, lo, hi)
    stationary += [_stationary_edge(e) for e in edges if e.stationary]
    n, k = len(search.roots), len(kink_xs)
    best = values.index(max(values) if goal == "maximize" else min(values))
    x = float(xs[best]) if best < xs.size else edges[best - xs.size].x
    kind = "maximum" if goal == "maximize" else "minimum"
    slopes = (math.nan, math.nan)
    derivative, second = float(df(x)), float(d2f(x)) if best >= n else curv[best]
    if n <= best < n + k:
        kind, second = "kink", math.nan
        slopes = singular.slopes_at(df, x, lo, hi)
    elif best >= xs.size:
        kind, derivative, second, slopes = edges[best - xs.size].reading(kind)
    lo, hi = pieces[0][0], pieces[-1][1]  # the range is now where f is defined
    at_end = best >= n and x in (lo, hi)
    side = ("lower" if x == lo else "upper") if at_end else None
    notes = singular.notes(shape, var) + ([] if search.resolved else [UNRESOLVED_NOTE])
    return build(
        Solution,
        scenario_id=scenario.id,
        params=p,
        goal=goal,
        x=x,
        value=values[best],
        kind=kind,
        on_boundary=at_end,
        boundary_side=side,
        derivative=derivative,
        second_derivative=second,
        stationary_points=tuple(sorted(stationary, key=lambda s: s.x)),
        domain=(lo, hi),
        bracket=search.brackets[best] if best < n else None,
        evaluations=search.function_calls + 2 * xs.size + probes,
        iterations=search.pieces,
        notes=tuple(notes),
        kinks=_kinks(kink_xs, values[n:]),
        every_x_optimal=False,
        search=search,
        left_slope=slopes[0],
        right_slope=slopes[1],
    )


def _stationary_edge(edge: singular.EdgeCandidate) -> StationaryPoint:
    return build(
        StationaryPoint,
        x=edge.x,
        value=edge.value,
        kind=KIND_CODES[edge.curvature_sign],
        second_derivative=edge.curvature,
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
    """Step 2 of :func:`solve` (:func:`scenarios.stationary.classify`).

    ``values`` and ``curv`` are f and f'' at the roots first. Returns the
    points and the evaluations the probes took.
    """
    codes, probes = classify(lambda x: _slope_at(scenario, p, x), search, curv, lo, hi)
    stationary = [
        build(
            StationaryPoint,
            x=root,
            value=values[i],
            kind=KIND_CODES[code],
            second_derivative=curv[i],
        )
        for i, (root, code) in enumerate(zip(search.roots, codes, strict=True))
    ]
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
