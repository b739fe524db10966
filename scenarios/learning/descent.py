"""The derivative put to work: gradient descent step by step, and descent at
many learning rates against the curvature bound 2/|f''(x*)|."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from scenarios.errors import InputError
from scenarios.learning._common import (
    EPS,
    require_in_domain,
    resolve,
    scalar,
    typical_slope,
)
from scenarios.model import DescentSettings, Scenario
from scenarios.solver import solve

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
            raise InputError(f"step must be from 1 to {self.iterations}")
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
    p, (lo, hi) = resolve(scenario, params)
    start = require_in_domain("start", start, lo, hi)
    rate, max_steps = _checked_settings(learning_rate, max_steps, tolerance)
    x_tol = tolerance * (hi - lo)
    g_tol = tolerance * typical_slope(scenario, p, lo, hi)
    walk = _Walk(scenario, p, (lo, hi), rate, x_tol, g_tol)
    walk.begin(start)
    for n in range(1, max_steps + 1):
        if walk.status != "max_steps":
            break
        walk.update(n)
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
        steps=tuple(walk.path),
        status=walk.status,
        reason=walk.reason,
        escaped_to=walk.escaped,
        overshoots=walk.overshoots,
    )


def _checked_settings(
    learning_rate: float, max_steps: int, tolerance: float
) -> tuple[float, int]:
    """The learning rate and step budget as numbers, or InputError."""
    rate = float(learning_rate)
    if not (math.isfinite(rate) and rate > 0):
        raise InputError(f"learning rate must be a positive number, not {rate!r}")
    if isinstance(max_steps, bool) or int(max_steps) != max_steps:
        raise InputError(f"max steps must be a whole number, not {max_steps!r}")
    max_steps = int(max_steps)
    if not 1 <= max_steps <= MAX_STEPS_LIMIT:
        raise InputError(f"max steps must be from 1 to {MAX_STEPS_LIMIT:,}")
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise InputError(f"tolerance must be a positive number, not {tolerance!r}")
    return rate, max_steps


class _Walk:
    """A descent in progress: the path so far and, once it stops, why."""

    def __init__(
        self,
        scenario: Scenario,
        p: dict[str, float],
        domain: tuple[float, float],
        rate: float,
        x_tol: float,
        g_tol: float,
    ) -> None:
        self.scenario, self.p, self.domain = scenario, p, domain
        self.rate, self.x_tol, self.g_tol = rate, x_tol, g_tol
        self.sign = 1.0 if scenario.goal == "maximize" else -1.0
        self.path: list[DescentStep] = []
        self.status: Status = "max_steps"
        self.reason: Reason = "budget"
        self.escaped: float | None = None
        self.overshoots = 0
        self.worsening = 0

    def begin(self, x: float) -> None:
        """Step 0 at ``x``; converged already if f' is small there."""
        value = scalar(self.scenario.f, x, self.p)
        slope = scalar(self.scenario.df, x, self.p)
        if not (math.isfinite(value) and math.isfinite(slope)):
            raise InputError(f"f or f' is not a finite number at the start x = {x:g}")
        self.path.append(DescentStep(0, x, value, slope))
        if abs(slope) <= self.g_tol:
            self.status, self.reason = "converged", "small_gradient"

    def update(self, n: int) -> None:
        """Update number ``n``: step, or stop if the step cannot be taken."""
        here = self.path[-1]
        x, value, slope = here.x, here.value, here.derivative
        proposed = x + self.sign * self.rate * slope
        if not math.isfinite(proposed):
            self.status, self.reason, self.escaped = "diverged", "not_finite", proposed
            return
        lo, hi = self.domain
        if not lo <= proposed <= hi:
            self._leave(x, proposed)
            return
        new_value = scalar(self.scenario.f, proposed, self.p)
        new_slope = scalar(self.scenario.df, proposed, self.p)
        if not (math.isfinite(new_value) and math.isfinite(new_slope)):
            self.status, self.reason, self.escaped = "diverged", "not_finite", proposed
            return
        if slope * new_slope < 0:
            self.overshoots += 1
        worse = _worse(self.scenario.goal, value, new_value)
        self.worsening = self.worsening + 1 if worse else 0
        moved = abs(proposed - x)
        self.path.append(DescentStep(n, proposed, new_value, new_slope))
        if moved <= self.x_tol:
            self.status, self.reason = "converged", "small_step"
        elif abs(new_slope) <= self.g_tol:
            self.status, self.reason = "converged", "small_gradient"
        elif self.worsening >= WORSENING_PATIENCE:
            self.status, self.reason = "diverged", "worsening"

    def _leave(self, x: float, proposed: float) -> None:
        """A step from ``x`` out of the domain: the best is at that end, or overshot."""
        lo, hi = self.domain
        self.escaped = proposed
        edge = hi if proposed > hi else lo
        # Improving direction at the edge: the same way we were heading
        # means the best is at that end; the other way means we overshot.
        heading = math.copysign(1.0, proposed - x)
        improving_at_edge = self.sign * scalar(self.scenario.df, edge, self.p)
        if improving_at_edge * heading > 0:
            self.status, self.reason = "left_domain", "edge"
        else:
            self.status, self.reason = "diverged", "overshoot"


def nice_floor(value: float) -> float:
    """The largest of 1, 2, 5 times a power of ten that is at most ``value``."""
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"nice_floor needs a positive number, not {value!r}")
    power = 10.0 ** math.floor(math.log10(value))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * power <= value * (1 + 1e-12):
            return mantissa * power
    return power  # unreachable: value >= power


def descent_settings(
    scenario: Scenario, params: Mapping[str, object] | None = None
) -> DescentSettings:
    """Defaults: the scenario's own run, else a reference point and a safe rate.

    The rate is a quarter of the curvature bound 2/|f''(x*)| rounded down to
    1, 2 or 5 times a power of ten, so descent converges without zig-zagging.
    Where x* is at an end of the range, or f'' is zero there, the largest |f''|
    on the domain stands in for f''(x*).
    """
    if scenario.descent is not None:
        return scenario.descent
    p, (lo, hi) = resolve(scenario, params)
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
        raise InputError("the rate range must run from a positive low to a higher high")
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
    p, (lo, hi) = resolve(scenario, params)
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
