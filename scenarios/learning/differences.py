"""The derivative up close: secants closing in on f'(x), the best step h for a
difference quotient, and a check of an analytic f' against a numerical one."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scenarios.curvature import third_derivative
from scenarios.errors import InputError
from scenarios.learning._common import (
    EPS,
    require_in_domain,
    resolve,
    scalar,
    typical_slope,
)
from scenarios.model import Scenario

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
    p, (lo, hi) = resolve(scenario, params)
    x = require_in_domain("x", x, lo, hi)
    value = scalar(scenario.f, x, p)
    derivative = scalar(scenario.df, x, p)
    rows = []
    for step in steps if steps is not None else secant_steps(lo, hi):
        size = abs(float(step))
        if not size > 0:
            raise InputError(f"secant steps must be positive, not {step!r}")
        h = size if x + size <= hi or x - size < lo else -size
        other = x + h
        value_other = scalar(scenario.f, other, p)
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
    p, (lo, hi) = resolve(scenario, params)
    x = require_in_domain("x", x, lo, hi)
    hs = np.asarray(step_grid() if steps is None else steps, dtype=float)
    if hs.ndim != 1 or hs.size == 0 or not np.all(hs > 0):
        raise InputError("steps must be a non-empty list of positive numbers")
    with np.errstate(all="ignore"):
        up = np.asarray(scenario.f(x + hs, **p), dtype=float)
        down = np.asarray(scenario.f(x - hs, **p), dtype=float)
    value = scalar(scenario.f, x, p)
    derivative = scalar(scenario.df, x, p)
    second = scalar(scenario.d2f, x, p)
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
        raise InputError(f"tolerance must be a positive number, not {tolerance!r}")
    p, (lo, hi) = resolve(scenario, params)
    x = require_in_domain("x", x, lo, hi)
    h = EPS ** (1 / 3) * max(abs(x), 1.0)
    numeric = (scalar(scenario.f, x + h, p) - scalar(scenario.f, x - h, p)) / (2 * h)
    analytic = scalar(scenario.df, x, p)
    floor = typical_slope(scenario, p, lo, hi)
    denominator = max(abs(analytic), abs(numeric), floor)
    error = abs(analytic - numeric) / denominator
    if not math.isfinite(error):
        error = math.inf
    return GradientCheck(scenario.id, x, analytic, numeric, h, floor, error, tolerance)
