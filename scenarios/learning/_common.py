"""What the learning tools share: machine epsilon and point-wise evaluation."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from scenarios.errors import InputError
from scenarios.model import Scenario
from scenarios.solver import domain_of

EPS = float(np.finfo(float).eps)
"""Machine epsilon of float64: the relative spacing of numbers near 1."""


def resolve(scenario: Scenario, params: Mapping[str, object] | None):
    p = scenario.resolve(params)
    return p, domain_of(scenario, p)


def scalar(fn, x: float, p: Mapping[str, float]) -> float:
    with np.errstate(all="ignore"):
        return float(fn(x, **p))


def require_in_domain(what: str, x: float, lo: float, hi: float) -> float:
    x = float(x)
    if not math.isfinite(x):
        raise InputError(f"{what} must be a finite number, not {x!r}")
    if not lo <= x <= hi:
        raise InputError(f"{what} = {x:g} is outside the range {lo:g} to {hi:g}")
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
