"""The derivative up close, and the derivative put to work.

* :func:`secant_slopes`: slopes of secants through x for shrinking steps h,
  beside the analytic f'(x) they close in on.
* :func:`step_size_study`: forward and central difference errors for h from
  1e-1 down to 1e-15, the best h of each, and what an error model predicts.
* :func:`gradient_check`: analytic against numerical f' with a verdict.
* :func:`descend`: gradient descent (ascent for a maximisation) step by step,
  with a stop reason.
* :func:`learning_rate_finder`: descent at many rates, against the curvature
  bound 2/|f''(x*)|.

Every result is a frozen dataclass of numbers and codes; the dashboard and the
CLI turn them into words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .analysis import Curve
from .curvature import third_derivative
from .model import Scenario
from .solver import Solution, domain_of, solve

EPS = float(np.finfo(float).eps)
"""Machine epsilon of float64: the relative spacing of numbers near 1."""


def _resolve(scenario: Scenario, params: Mapping[str, object] | None):
    p = scenario.resolve(params)
    return p, domain_of(scenario, p)


def _scalar(fn, x: float, p: Mapping[str, float]) -> float:
    with np.errstate(all="ignore"):
        return float(fn(x, **p))


def _require_in_domain(what: str, x: float, lo: float, hi: float) -> float:
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{what} must be a finite number, not {x!r}")
    if not lo <= x <= hi:
        raise ValueError(f"{what} = {x:g} is outside the range {lo:g} to {hi:g}")
    return x


def typical_slope(
    scenario: Scenario, p: Mapping[str, float], lo: float, hi: float
) -> float:
    """max |f| on the domain divided by its width: a slope of 'ordinary' size.

    Used as a floor when comparing derivatives, so that near an optimum, where
    f' is almost zero, rounding noise is not mistaken for a large relative error.
    """
    xs = np.linspace(lo, hi, 33)
    with np.errstate(all="ignore"):
        fs = np.asarray(scenario.f(xs, **p), dtype=float)
    fs = fs[np.isfinite(fs)]
    size = float(np.max(np.abs(fs))) if fs.size else 0.0
    return (size or 1.0) / (hi - lo)


# --- secant to tangent -------------------------------------------------------


@dataclass(frozen=True)
class SecantSlope:
    """The secant through (x, f(x)) and (x + h, f(x + h)).

    ``h`` is signed: it is negative where x + |h| would leave the domain, so
    the secant reaches back to x - |h| instead. ``error`` is slope - f'(x).
    """

    h: float
    x_other: float
    value_other: float
    slope: float
    error: float


@dataclass(frozen=True)
class SecantTable:
    """Secants through one point for shrinking steps, and the tangent's slope."""

    scenario_id: str
    params: dict[str, float]
    x: float
    value: float
    derivative: float
    secants: tuple[SecantSlope, ...]

    def line_at(self, slope: float, at):
        """The line through (x, f(x)) with ``slope``, evaluated at ``at``."""
        return self.value + slope * (np.asarray(at, dtype=float) - self.x)


def secant_steps(lo: float, hi: float, count: int = 6) -> tuple[float, ...]:
    """Steps h = s, s/10, s/100, ...: s is the power of ten nearest half the width.

    On a range of width 2 that gives 1, 0.1, 0.01, ...; on a range of $110 it
    starts at $10, so the first secant is visibly apart from the tangent.
    """
    top = 10.0 ** math.floor(math.log10((hi - lo) / 2))
    return tuple(top * 10.0**-k for k in range(count))


def secant_slopes(
    scenario: Scenario,
    x: float,
    params: Mapping[str, object] | None = None,
    steps: Sequence[float] | None = None,
) -> SecantTable:
    """Slopes (f(x + h) - f(x)) / h for each step, against the analytic f'(x).

    ``steps`` defaults to :func:`secant_steps` of the domain. ``x`` must lie in
    the domain (ValueError otherwise); a step that would leave the domain on
    the right is taken to the left instead.
    """
    p, (lo, hi) = _resolve(scenario, params)
    x = _require_in_domain("x", x, lo, hi)
    value = _scalar(scenario.f, x, p)
    derivative = _scalar(scenario.df, x, p)
    rows = []
    for step in steps if steps is not None else secant_steps(lo, hi):
        size = abs(float(step))
        if not size > 0:
            raise ValueError(f"secant steps must be positive, not {step!r}")
        h = size if x + size <= hi or x - size < lo else -size
        other = x + h
        value_other = _scalar(scenario.f, other, p)
        slope = (value_other - value) / h
        rows.append(SecantSlope(h, other, value_other, slope, slope - derivative))
    return SecantTable(scenario.id, p, x, value, derivative, tuple(rows))


# --- step-size error ---------------------------------------------------------


@dataclass(frozen=True)
class StepError:
    """Forward and central difference estimates of f'(x) at one step h."""

    h: float
    forward: float
    central: float
    forward_error: float
    central_error: float


@dataclass(frozen=True)
class StepSizeStudy:
    """How the error of two difference quotients depends on the step h.

    ``rows`` run from the largest h to the smallest. Errors are absolute,
    |estimate - f'(x)|, in the units of f'. The best h of each method is where
    its measured error is smallest (the largest such h on a tie).

    Rules of thumb: ``rule_forward_h = √ε · scale`` and ``rule_central_h =
    ∛ε · scale`` with ``scale = max(|x|, 1)``. The error model refines them
    with the sizes of f and its derivatives at x: rounding each value of f
    costs about ``ε · noise`` with ``noise = |f(x)| + |x f'(x)|`` (f itself, and
    the rounding of x + h), while truncation costs ``|f''| h / 2`` (forward) or
    ``|f'''| h² / 6`` (central). Balancing the two gives

    * forward: h* = 2 √(ε noise / |f''|), error* = 2 √(ε noise |f''|);
    * central: h* = ∛(3 ε noise / |f'''|), error* = 1.5 ε noise / h*.

    A model value is None where the derivative it needs is zero (no
    truncation error at all: the best h is then as large as possible).
    """

    scenario_id: str
    params: dict[str, float]
    x: float
    value: float
    derivative: float
    second_derivative: float
    third_derivative: float
    rows: tuple[StepError, ...]
    best_forward_h: float
    best_forward_error: float
    best_central_h: float
    best_central_error: float
    scale: float
    noise: float
    rule_forward_h: float
    rule_central_h: float
    model_forward_h: float | None
    model_forward_error: float | None
    model_central_h: float | None
    model_central_error: float | None


def step_grid(
    largest: float = 1e-1, smallest: float = 1e-15, per_decade: int = 4
) -> np.ndarray:
    """Steps evenly spaced in log10 h, from ``largest`` down to ``smallest``."""
    decades = math.log10(largest) - math.log10(smallest)
    count = int(round(decades * per_decade)) + 1
    return np.logspace(math.log10(largest), math.log10(smallest), count)


def _best(hs: np.ndarray, errors: np.ndarray) -> tuple[float, float]:
    finite = np.where(np.isfinite(errors), errors, np.inf)
    i = int(np.argmin(finite))  # first minimum: the largest h among ties
    return float(hs[i]), float(errors[i])


def step_size_study(
    scenario: Scenario,
    x: float,
    params: Mapping[str, object] | None = None,
    steps: Sequence[float] | np.ndarray | None = None,
) -> StepSizeStudy:
    """Errors of (f(x+h) - f(x))/h and (f(x+h) - f(x-h))/(2h) against f'(x).

    ``steps`` defaults to :func:`step_grid` (1e-1 to 1e-15, four per decade).
    f is evaluated just outside the domain when x sits at one of its ends.
    """
    p, (lo, hi) = _resolve(scenario, params)
    x = _require_in_domain("x", x, lo, hi)
    hs = np.asarray(step_grid() if steps is None else steps, dtype=float)
    if hs.ndim != 1 or hs.size == 0 or not np.all(hs > 0):
        raise ValueError("steps must be a non-empty list of positive numbers")
    with np.errstate(all="ignore"):
        up = np.asarray(scenario.f(x + hs, **p), dtype=float)
        down = np.asarray(scenario.f(x - hs, **p), dtype=float)
    value = _scalar(scenario.f, x, p)
    derivative = _scalar(scenario.df, x, p)
    second = _scalar(scenario.d2f, x, p)
    third = third_derivative(scenario, x, p, hi - lo)
    forward = (up - value) / hs
    central = (up - down) / (2 * hs)
    forward_error = np.abs(forward - derivative)
    central_error = np.abs(central - derivative)
    rows = tuple(
        StepError(float(h), float(fw), float(ce), float(fe), float(cee))
        for h, fw, ce, fe, cee in zip(
            hs, forward, central, forward_error, central_error, strict=True
        )
    )
    best_forward_h, best_forward_error = _best(hs, forward_error)
    best_central_h, best_central_error = _best(hs, central_error)
    scale = max(abs(x), 1.0)
    noise = abs(value) + abs(x * derivative)
    model_forward_h = model_forward_error = None
    model_central_h = model_central_error = None
    if second != 0 and noise > 0:
        model_forward_h = 2 * math.sqrt(EPS * noise / abs(second))
        model_forward_error = 2 * math.sqrt(EPS * noise * abs(second))
    # f''' from a difference of f'' is itself rounded: below this it is noise.
    third_floor = 1e-6 * (abs(second) + 1e-300) / max(hi - lo, abs(x))
    if abs(third) > third_floor and noise > 0:
        model_central_h = (3 * EPS * noise / abs(third)) ** (1 / 3)
        model_central_error = 1.5 * EPS * noise / model_central_h
    return StepSizeStudy(
        scenario_id=scenario.id,
        params=p,
        x=x,
        value=value,
        derivative=derivative,
        second_derivative=second,
        third_derivative=third,
        rows=rows,
        best_forward_h=best_forward_h,
        best_forward_error=best_forward_error,
        best_central_h=best_central_h,
        best_central_error=best_central_error,
        scale=scale,
        noise=noise,
        rule_forward_h=math.sqrt(EPS) * scale,
        rule_central_h=EPS ** (1 / 3) * scale,
        model_forward_h=model_forward_h,
        model_forward_error=model_forward_error,
        model_central_h=model_central_h,
        model_central_error=model_central_error,
    )


# --- gradient check ----------------------------------------------------------

GRADIENT_TOLERANCE = 1e-6
"""Default largest relative error at which an analytic f' is accepted."""


@dataclass(frozen=True)
class GradientCheck:
    """Analytic f'(x) against a central difference, with a verdict.

    ``relative_error = |analytic - numeric| / max(|analytic|, |numeric|, floor)``
    where ``floor`` is the typical slope on the domain (max |f| / width), so a
    point where f' is nearly zero is judged against ordinary slopes rather
    than against its own rounding noise. ``passed`` when the relative error is
    at most ``tolerance``.
    """

    scenario_id: str
    x: float
    analytic: float
    numeric: float
    step: float
    floor: float
    relative_error: float
    tolerance: float

    @property
    def passed(self) -> bool:
        return self.relative_error <= self.tolerance


def gradient_check(
    scenario: Scenario,
    x: float,
    params: Mapping[str, object] | None = None,
    tolerance: float = GRADIENT_TOLERANCE,
) -> GradientCheck:
    """Compare f'(x) with (f(x+h) - f(x-h)) / (2h), h = ∛ε · max(|x|, 1)."""
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number, not {tolerance!r}")
    p, (lo, hi) = _resolve(scenario, params)
    x = _require_in_domain("x", x, lo, hi)
    h = EPS ** (1 / 3) * max(abs(x), 1.0)
    numeric = (_scalar(scenario.f, x + h, p) - _scalar(scenario.f, x - h, p)) / (2 * h)
    analytic = _scalar(scenario.df, x, p)
    floor = typical_slope(scenario, p, lo, hi)
    denominator = max(abs(analytic), abs(numeric), floor)
    error = abs(analytic - numeric) / denominator
    if not math.isfinite(error):
        error = math.inf
    return GradientCheck(scenario.id, x, analytic, numeric, h, floor, error, tolerance)


# --- gradient descent --------------------------------------------------------

Status = Literal["converged", "diverged", "left_domain", "max_steps"]
Reason = Literal[
    "small_step",  # converged: |Δx| fell below the x tolerance
    "small_gradient",  # converged: |f'| fell below the gradient tolerance
    "not_finite",  # diverged: x, f or f' stopped being a finite number
    "worsening",  # diverged: the objective got worse several steps running
    "overshoot",  # diverged: a step jumped past the optimum and out of range
    "edge",  # left_domain: the objective keeps improving past the range's end
    "budget",  # max_steps: the step budget ran out first
]

TOLERANCE = 1e-6
"""Default convergence tolerance, relative to the domain's width and slope."""

WORSENING_PATIENCE = 3
"""Consecutive steps that make the objective worse before descent is abandoned."""

MAX_STEPS_LIMIT = 100_000


@dataclass(frozen=True)
class DescentStep:
    """One iterate: its number (0 is the start), x, f(x) and f'(x)."""

    step: int
    x: float
    value: float
    derivative: float


@dataclass(frozen=True)
class Descent:
    """A gradient descent (or ascent) run and why it stopped.

    The update is ``x ← x - rate · f'(x)`` for a minimisation and
    ``x ← x + rate · f'(x)`` for a maximisation. ``steps`` starts with the
    starting point (step 0) and holds only points inside the domain;
    ``escaped_to`` is the proposed next x that was outside it or not finite.
    ``overshoots`` counts the steps after which f' had changed sign, that is,
    steps that jumped past a stationary point.
    """

    scenario_id: str
    params: dict[str, float]
    goal: str
    start: float
    learning_rate: float
    max_steps: int
    x_tolerance: float
    gradient_tolerance: float
    domain: tuple[float, float]
    steps: tuple[DescentStep, ...]
    status: Status
    reason: Reason
    escaped_to: float | None
    overshoots: int

    @property
    def direction(self) -> Literal["descent", "ascent"]:
        return "ascent" if self.goal == "maximize" else "descent"

    @property
    def final(self) -> DescentStep:
        return self.steps[-1]

    @property
    def iterations(self) -> int:
        """Updates that landed inside the domain."""
        return len(self.steps) - 1

    def move(self, step: int) -> float:
        """How far update number ``step`` (1 or more) moved x, with its sign."""
        if not 1 <= step <= self.iterations:
            raise ValueError(f"step must be from 1 to {self.iterations}")
        return self.steps[step].x - self.steps[step - 1].x


def _worse(goal: str, old: float, new: float) -> bool:
    margin = 8 * EPS * max(abs(old), abs(new))
    change = new - old if goal == "minimize" else old - new
    return change > margin


def descend(
    scenario: Scenario,
    start: float,
    learning_rate: float,
    params: Mapping[str, object] | None = None,
    max_steps: int = 100,
    tolerance: float = TOLERANCE,
) -> Descent:
    """Run gradient descent (ascent for a maximisation) from ``start``.

    Stops with status

    * ``converged`` when a step moves x by at most ``tolerance`` times the
      domain's width, or |f'| falls to ``tolerance`` times the typical slope;
    * ``diverged`` when x or f stops being finite, when the objective gets
      worse on WORSENING_PATIENCE steps in a row, or when a step jumps past
      the optimum and out of the domain;
    * ``left_domain`` when a step leaves the domain on a side where the
      objective is still improving (the best value is at that end);
    * ``max_steps`` after ``max_steps`` updates otherwise.

    ``start`` must lie in the domain, ``learning_rate`` must be positive and
    ``max_steps`` between 1 and 100000; ValueError otherwise.
    """
    p, (lo, hi) = _resolve(scenario, params)
    start = _require_in_domain("start", start, lo, hi)
    rate = float(learning_rate)
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"learning rate must be a positive number, not {rate!r}")
    if isinstance(max_steps, bool) or int(max_steps) != max_steps:
        raise ValueError(f"max steps must be a whole number, not {max_steps!r}")
    max_steps = int(max_steps)
    if not 1 <= max_steps <= MAX_STEPS_LIMIT:
        raise ValueError(f"max steps must be from 1 to {MAX_STEPS_LIMIT:,}")
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number, not {tolerance!r}")
    x_tol = tolerance * (hi - lo)
    g_tol = tolerance * typical_slope(scenario, p, lo, hi)
    sign = 1.0 if scenario.goal == "maximize" else -1.0

    x = start
    value = _scalar(scenario.f, x, p)
    slope = _scalar(scenario.df, x, p)
    if not (math.isfinite(value) and math.isfinite(slope)):
        raise ValueError(f"f or f' is not a finite number at the start x = {x:g}")
    path = [DescentStep(0, x, value, slope)]
    status: Status = "max_steps"
    reason: Reason = "budget"
    escaped: float | None = None
    overshoots = 0
    worsening = 0
    if abs(slope) <= g_tol:
        status, reason = "converged", "small_gradient"
    for n in range(1, max_steps + 1):
        if status != "max_steps":
            break
        proposed = x + sign * rate * slope
        if not math.isfinite(proposed):
            status, reason, escaped = "diverged", "not_finite", proposed
            break
        if not lo <= proposed <= hi:
            escaped = proposed
            edge = hi if proposed > hi else lo
            # Improving direction at the edge: the same way we were heading
            # means the best is at that end; the other way means we overshot.
            heading = math.copysign(1.0, proposed - x)
            improving_at_edge = sign * _scalar(scenario.df, edge, p)
            if improving_at_edge * heading > 0:
                status, reason = "left_domain", "edge"
            else:
                status, reason = "diverged", "overshoot"
            break
        new_value = _scalar(scenario.f, proposed, p)
        new_slope = _scalar(scenario.df, proposed, p)
        if not (math.isfinite(new_value) and math.isfinite(new_slope)):
            status, reason, escaped = "diverged", "not_finite", proposed
            break
        if slope * new_slope < 0:
            overshoots += 1
        worsening = worsening + 1 if _worse(scenario.goal, value, new_value) else 0
        moved = abs(proposed - x)
        x, value, slope = proposed, new_value, new_slope
        path.append(DescentStep(n, x, value, slope))
        if moved <= x_tol:
            status, reason = "converged", "small_step"
        elif abs(slope) <= g_tol:
            status, reason = "converged", "small_gradient"
        elif worsening >= WORSENING_PATIENCE:
            status, reason = "diverged", "worsening"
    return Descent(
        scenario_id=scenario.id,
        params=p,
        goal=scenario.goal,
        start=start,
        learning_rate=rate,
        max_steps=max_steps,
        x_tolerance=x_tol,
        gradient_tolerance=g_tol,
        domain=(lo, hi),
        steps=tuple(path),
        status=status,
        reason=reason,
        escaped_to=escaped,
        overshoots=overshoots,
    )


@dataclass(frozen=True)
class DescentSettings:
    """Starting point, learning rate and step budget for a scenario's descent."""

    start: float
    learning_rate: float
    steps: int


DESCENT_PRESETS: dict[str, DescentSettings] = {
    # The lesson's own run: α from 0.2 at rate 0.1 for ten steps.
    "recommendation_tuning": DescentSettings(0.2, 0.1, 10),
}


def nice_floor(value: float) -> float:
    """The largest of 1, 2, 5 times a power of ten that is at most ``value``."""
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"nice_floor needs a positive number, not {value!r}")
    power = 10.0 ** math.floor(math.log10(value))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * power <= value * (1 + 1e-12):
            return mantissa * power
    return power  # unreachable: value >= power


def descent_settings(
    scenario: Scenario, params: Mapping[str, object] | None = None
) -> DescentSettings:
    """Sensible defaults: a preset, else the first reference point and a safe rate.

    The rate is a quarter of the curvature bound 2/|f''(x*)| rounded down to
    1, 2 or 5 times a power of ten, so descent converges without zig-zagging.
    Where x* is at an end of the range, or f'' is zero there, the largest |f''|
    on the domain stands in for f''(x*).
    """
    if scenario.id in DESCENT_PRESETS:
        return DESCENT_PRESETS[scenario.id]
    p, (lo, hi) = _resolve(scenario, params)
    inside = [r.x for r in scenario.references if lo <= r.x <= hi]
    start = inside[0] if inside else lo + 0.1 * (hi - lo)
    curvature = abs(solve(scenario, p).second_derivative)
    if not curvature > 0:
        xs = np.linspace(lo, hi, 65)
        with np.errstate(all="ignore"):
            bends = np.abs(np.asarray(scenario.d2f(xs, **p), dtype=float))
        curvature = float(np.nanmax(bends)) if np.any(np.isfinite(bends)) else 0.0
    if curvature > 0:
        rate = nice_floor(0.5 / curvature)
    else:  # a straight line: aim for a tenth of the range per step
        rate = nice_floor(
            0.1 * (hi - lo) / max(typical_slope(scenario, p, lo, hi), EPS)
        )
    return DescentSettings(start, rate, 50)


# --- learning-rate finder ----------------------------------------------------

Outcome = Literal["converged", "oscillated", "diverged", "left_domain", "too_slow"]


@dataclass(frozen=True)
class RateTrial:
    """Descent at one learning rate, summarised.

    ``outcome`` is ``converged``, ``diverged`` or ``left_domain`` as the run
    ended, and splits a run that used up its budget into ``oscillated`` (f'
    kept changing sign: it zig-zags without settling) and ``too_slow`` (it
    crept towards the optimum without arriving). ``steps`` is the number of
    updates taken.
    """

    learning_rate: float
    outcome: Outcome
    steps: int
    final_x: float
    overshoots: int
    status: Status
    reason: Reason


@dataclass(frozen=True)
class RateFinder:
    """Learning rates swept on a log scale from one start, against the bound.

    ``bound = 2 / |f''(x*)|``: near the optimum f is close to a parabola, on
    which each step multiplies the distance to x* by (1 - rate · |f''|); above
    the bound that factor is below -1 and every step lands farther away. It
    is None when x* is an end of the range or f''(x*) = 0.
    """

    scenario_id: str
    params: dict[str, float]
    start: float
    max_steps: int
    optimum_x: float
    optimum_on_boundary: bool
    second_derivative: float
    bound: float | None
    trials: tuple[RateTrial, ...]

    @property
    def fastest(self) -> RateTrial | None:
        """The converging trial with the fewest steps (smaller rate on a tie)."""
        done = [t for t in self.trials if t.outcome == "converged"]
        return min(done, key=lambda t: (t.steps, t.learning_rate)) if done else None


def rate_grid(low: float, high: float) -> tuple[float, ...]:
    """1, 2, 5 times powers of ten from ``low`` to ``high`` (both included if nice)."""
    if not (0 < low <= high and math.isfinite(high)):
        raise ValueError("the rate range must run from a positive low to a higher high")
    rates = []
    power = 10.0 ** math.floor(math.log10(low))
    while power <= high * 10:
        for mantissa in (1.0, 2.0, 5.0):
            rate = float(f"{mantissa * power:.12g}")
            if low * (1 - 1e-12) <= rate <= high * (1 + 1e-12):
                rates.append(rate)
        power *= 10
    return tuple(rates)


def _outcome(run: Descent) -> Outcome:
    if run.status == "max_steps":
        zigzag = run.overshoots >= run.iterations // 2 and run.overshoots > 0
        return "oscillated" if zigzag else "too_slow"
    return run.status  # type: ignore[return-value]


def learning_rate_finder(
    scenario: Scenario,
    start: float | None = None,
    params: Mapping[str, object] | None = None,
    rates: Sequence[float] | None = None,
    max_steps: int = 200,
    tolerance: float = TOLERANCE,
) -> RateFinder:
    """Run :func:`descend` from ``start`` at each rate and classify the outcome.

    ``start`` defaults to :func:`descent_settings`. ``rates`` default to a
    1-2-5 grid from a hundredth of the curvature bound to five times it (or
    around the default rate when there is no bound).
    """
    p, (lo, hi) = _resolve(scenario, params)
    settings = descent_settings(scenario, p)
    start = settings.start if start is None else start
    solution = solve(scenario, p)
    curvature = solution.second_derivative
    bound = None
    if not solution.on_boundary and curvature != 0 and math.isfinite(curvature):
        bound = 2.0 / abs(curvature)
    if rates is None:
        centre = bound if bound is not None else 4 * settings.learning_rate
        rates = rate_grid(centre / 100, centre * 5)
    trials = []
    for rate in rates:
        run = descend(scenario, start, rate, p, max_steps, tolerance)
        trials.append(
            RateTrial(
                learning_rate=float(rate),
                outcome=_outcome(run),
                steps=run.iterations,
                final_x=run.final.x,
                overshoots=run.overshoots,
                status=run.status,
                reason=run.reason,
            )
        )
    return RateFinder(
        scenario_id=scenario.id,
        params=p,
        start=float(start),
        max_steps=max_steps,
        optimum_x=solution.x,
        optimum_on_boundary=solution.on_boundary,
        second_derivative=curvature,
        bound=bound,
        trials=tuple(trials),
    )


# --- comparing scenarios -----------------------------------------------------


@dataclass(frozen=True)
class UnitCurve:
    """A curve and its optimum rescaled so that both axes run from 0 to 1.

    x is measured as the share of the way across the domain, f as the share of
    the way from the curve's lowest to its highest sampled value (0.5 for a
    flat curve). Shapes of different scenarios can then share one chart.
    """

    x: np.ndarray
    value: np.ndarray
    optimum_x: float
    optimum_value: float


def unit_scale(values: ArrayLike, lo: float, hi: float) -> np.ndarray:
    """(values - lo) / (hi - lo); 0.5 everywhere when hi == lo."""
    values = np.asarray(values, dtype=float)
    if not hi > lo:
        return np.full(values.shape, 0.5)
    return (values - lo) / (hi - lo)


def unit_curve(curve: Curve, solution: Solution) -> UnitCurve:
    """Rescale a :class:`~scenarios.Curve` and its :class:`~scenarios.Solution`.

    The f range spans the samples and the optimum, which a sample grid can
    miss: a maximum then sits exactly at 1 and a minimum at 0.
    """
    lo, hi = solution.domain
    values = curve.value
    low = min(float(np.min(values)), float(solution.value))
    high = max(float(np.max(values)), float(solution.value))
    return UnitCurve(
        x=unit_scale(curve.x, lo, hi),
        value=unit_scale(curve.value, low, high),
        optimum_x=float(unit_scale(solution.x, lo, hi)),
        optimum_value=float(unit_scale(solution.value, low, high)),
    )
