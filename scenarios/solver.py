"""Find optima by root-finding the analytic derivative, never by grid search.

The recipe, shared by the scalar :func:`solve` and the array :func:`solve_grid`:

1. sample f' at ``SAMPLES`` points across the domain and bracket every sign
   change (a sample where f' is exactly zero brackets itself);
2. refine each bracket to full double precision with a bracketing root finder
   (``scipy.optimize.brentq`` for one problem, ``elementwise.find_root`` for
   arrays of problems);
3. classify each stationary point by f'' or, where f'' is too small to trust,
   by the sign of f' on either side;
4. compare the stationary points with both ends of the domain and keep the best
   for the scenario's goal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import brentq, elementwise

from .model import Number, Scenario

SAMPLES = 129
"""Points at which f' is sampled to bracket its sign changes."""

CURVATURE_TRUST = 1e-9
"""|f''| * width below this fraction of max|f'| is too flat to classify by."""

Kind = Literal["maximum", "minimum", "inflection"]
KIND_CODES: dict[int, Kind] = {1: "maximum", -1: "minimum", 0: "inflection"}


class DomainError(ValueError):
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
    lo, hi = (float(v) for v in scenario.domain(**params))
    if not (np.isfinite(lo) and np.isfinite(hi)) or not lo < hi:
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


def _not_finite(scenario: Scenario, what: str) -> DomainError:
    names = scenario.param_names
    return DomainError(
        f"The {what} of {scenario.title} is not a finite number for these "
        f"parameters; adjust {', '.join(names)}.",
        names,
    )


def _bracket_mask(fp: np.ndarray) -> np.ndarray:
    """Where consecutive samples (along axis 0) bracket a zero of f'."""
    s = np.sign(fp)
    left, right = s[:-1], s[1:]
    return (left * right <= 0) & ~((left == 0) & (right == 0))


def _classify(
    d2: np.ndarray,
    fp_left: np.ndarray,
    fp_right: np.ndarray,
    trust: np.ndarray,
) -> np.ndarray:
    """Kind codes (1 max, -1 min, 0 inflection) by f'' or the first-derivative test.

    ``trust`` is where |f''| is large enough to decide; elsewhere the signs of
    f' just left and right of the point decide.
    """
    by_curvature = np.where(d2 < 0, 1, np.where(d2 > 0, -1, 0))
    by_sign = np.where(
        (fp_left > 0) & (fp_right < 0),
        1,
        np.where((fp_left < 0) & (fp_right > 0), -1, 0),
    )
    return np.where(trust, by_curvature, by_sign)


def _probe_step(lo: Number, hi: Number) -> Number:
    return 1e-6 * (np.asarray(hi) - np.asarray(lo))


def solve(scenario: Scenario, params: Mapping[str, object] | None = None) -> Solution:
    """The global optimum of ``scenario`` on its domain for ``params``.

    Missing parameters take their defaults; an unknown name or a value outside
    its range raises ParamError, an empty domain or a non-finite f or f'
    raises DomainError.
    """
    p = scenario.resolve(params)
    lo, hi = domain_of(scenario, p)
    width = hi - lo
    xs = np.linspace(lo, hi, SAMPLES)
    fp = _call(scenario.df, xs, p)
    if not np.all(np.isfinite(fp)):
        raise _not_finite(scenario, "derivative")
    evaluations = SAMPLES
    iterations = 0

    def slope(x: float) -> float:
        return float(scenario.df(x, **p))

    roots: list[float] = []
    brackets: list[tuple[float, float] | None] = []
    for i in np.flatnonzero(_bracket_mask(fp)):
        a, b = float(xs[i]), float(xs[i + 1])
        if fp[i] == 0 or fp[i + 1] == 0:
            root, bracket = (a if fp[i] == 0 else b), None
        else:
            root, info = brentq(
                slope,
                a,
                b,
                xtol=4 * np.finfo(float).tiny,
                rtol=4 * np.finfo(float).eps,
                full_output=True,
            )
            evaluations += info.function_calls
            iterations += info.iterations
            bracket = (a, b)
        if not roots or root != roots[-1]:
            roots.append(float(root))
            brackets.append(bracket)

    stationary: list[StationaryPoint] = []
    if roots:
        r = np.array(roots)
        values = _call(scenario.f, r, p)
        d2 = _call(scenario.d2f, r, p)
        delta = _probe_step(lo, hi)
        fp_left = _call(scenario.df, np.maximum(r - delta, lo), p)
        fp_right = _call(scenario.df, np.minimum(r + delta, hi), p)
        evaluations += 4 * len(r)
        trust = np.abs(d2) * width > CURVATURE_TRUST * np.max(np.abs(fp))
        codes = _classify(d2, fp_left, fp_right, trust)
        stationary = [
            StationaryPoint(float(x), float(v), KIND_CODES[int(c)], float(s))
            for x, v, c, s in zip(r, values, codes, d2, strict=True)
        ]

    ends = _call(scenario.f, np.array([lo, hi]), p)
    evaluations += 2
    candidates = [
        (sp.x, sp.value, None, b) for sp, b in zip(stationary, brackets, strict=True)
    ]
    candidates += [
        (lo, float(ends[0]), "lower", None),
        (hi, float(ends[1]), "upper", None),
    ]
    if not all(np.isfinite(c[1]) for c in candidates):
        raise _not_finite(scenario, "objective")
    pick = max if scenario.goal == "maximize" else min
    x, value, side, bracket = pick(candidates, key=lambda c: c[1])  # first wins ties
    on_boundary = side is not None and x not in roots
    derivative = float(scenario.df(x, **p))
    curvature = float(scenario.d2f(x, **p))
    evaluations += 2
    return Solution(
        scenario_id=scenario.id,
        params=p,
        goal=scenario.goal,
        x=float(x),
        value=float(value),
        kind="maximum" if scenario.goal == "maximize" else "minimum",
        on_boundary=on_boundary,
        boundary_side=side if on_boundary else None,
        derivative=derivative,
        second_derivative=curvature,
        stationary_points=tuple(stationary),
        domain=(lo, hi),
        bracket=bracket,
        evaluations=evaluations,
        iterations=iterations,
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


def solve_grid(
    scenario: Scenario, params: Mapping[str, object] | None = None
) -> GridSolution:
    """Vectorised :func:`solve`: any parameter may be an array; no per-cell loop.

    The same sampling, classification and boundary rules as :func:`solve`, with
    ``scipy.optimize.elementwise.find_root`` refining every bracket at once.
    """
    p = scenario.defaults()
    for name, value in (params or {}).items():
        scenario.param(name)
        p[name] = np.asarray(value, dtype=float)
    shape = np.broadcast_shapes(*(np.shape(v) for v in p.values()))
    lo, hi = (
        np.broadcast_to(np.asarray(v, dtype=float), shape) for v in scenario.domain(**p)
    )
    sign = 1.0 if scenario.goal == "maximize" else -1.0
    with np.errstate(all="ignore"):
        feasible = np.isfinite(lo) & np.isfinite(hi) & (lo < hi)
        lo = np.where(feasible, lo, 0.0)
        hi = np.where(feasible, hi, 1.0)
        t = np.linspace(0.0, 1.0, SAMPLES).reshape((SAMPLES,) + (1,) * len(shape))
        xs = lo + t * (hi - lo)
        fp = np.broadcast_to(_call(scenario.df, xs, p), xs.shape)
        feasible &= np.all(np.isfinite(fp), axis=0)
        fp = np.where(feasible, fp, 1.0)
        evaluations = fp.size

        # The better end starts as the best candidate; roots replace it on a tie.
        f_lo, f_hi = _call(scenario.f, lo, p), _call(scenario.f, hi, p)
        upper_wins = sign * f_hi > sign * f_lo
        best_x = np.where(upper_wins, hi, lo)
        best_v = np.where(upper_wins, f_hi, f_lo)
        best_is_root = np.zeros(shape, dtype=bool)

        names = tuple(p)
        args = tuple(
            np.broadcast_to(np.asarray(v, dtype=float), shape) for v in p.values()
        )

        def masked_slope(x, refine, *values):
            # Cells without a bracket in this slot solve x - 0.5 = 0 on [0, 1].
            slope = _call(scenario.df, x, dict(zip(names, values, strict=True)))
            return np.where(refine > 0, slope, x - 0.5)

        mask = _bracket_mask(fp)
        slot = np.cumsum(mask, axis=0) * mask  # 1-based number of each bracket
        for k in range(1, int(slot.max(initial=0)) + 1):
            here = slot == k
            has = np.any(here, axis=0)
            idx = np.argmax(here, axis=0)[None]
            a = np.take_along_axis(xs, idx, axis=0)[0]
            b = np.take_along_axis(xs, idx + 1, axis=0)[0]
            fa = np.take_along_axis(fp, idx, axis=0)[0]
            fb = np.take_along_axis(fp, idx + 1, axis=0)[0]
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
            v = _call(scenario.f, root, p)
            better = ok & (sign * v >= sign * best_v)
            best_x = np.where(better, root, best_x)
            best_v = np.where(better, v, best_v)
            best_is_root |= better
        d2 = np.broadcast_to(_call(scenario.d2f, best_x, p), shape)
        feasible &= np.isfinite(best_v)
    nan = np.full(shape, np.nan)
    kind = np.where(feasible, 1 if scenario.goal == "maximize" else -1, 0)
    return GridSolution(
        x=np.where(feasible, best_x, nan),
        value=np.where(feasible, best_v, nan),
        kind=kind,
        on_boundary=feasible & ~best_is_root,
        second_derivative=np.where(feasible, d2, nan),
        feasible=feasible,
        evaluations=evaluations,
    )
