"""Goal seek: which x, or which parameter value, makes f reach a target."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.optimize import brentq

from .model import Scenario
from .solver import SAMPLES, solve

_EPS = float(np.finfo(float).eps)
_RTOL = 4 * _EPS


def _xtol(lo: float, hi: float) -> float:
    return _EPS * max(1.0, abs(lo), abs(hi))


class SeekError(ValueError):
    """No value in the allowed range reaches the target."""


def seek(
    scenario: Scenario, target: float, params: Mapping[str, object] | None = None
) -> list[float]:
    """Every x in the domain with f(x) = ``target``, in increasing order.

    The domain is cut at the stationary points, so f is monotonic on each piece
    and each piece holds at most one solution. An empty list means the target is
    never reached on the domain.
    """
    target = float(target)
    solution = solve(scenario, params)
    p = solution.params
    lo, hi = solution.domain
    cuts = [lo, *(sp.x for sp in solution.stationary_points), hi]
    cuts = sorted(set(cuts))

    def gap(x: float) -> float:
        return float(scenario.f(x, **p)) - target

    found: list[float] = []
    for left, right in zip(cuts[:-1], cuts[1:], strict=True):
        g_left, g_right = gap(left), gap(right)
        if g_left == 0:
            found.append(left)
        if g_right == 0:
            found.append(right)
        if g_left * g_right < 0:
            found.append(
                float(brentq(gap, left, right, xtol=_xtol(lo, hi), rtol=_RTOL))
            )
    return sorted(set(found))


def seek_param(
    scenario: Scenario,
    name: str,
    target: float,
    at: float,
    params: Mapping[str, object] | None = None,
) -> float:
    """The value of parameter ``name`` (within its range) that makes f(at) = target.

    Other parameters come from ``params`` or their defaults. When several values
    work, the one nearest the parameter's current value is returned; when none
    does, SeekError says so.
    """
    target, at = float(target), float(at)
    spec = scenario.param(name)
    p = scenario.resolve(params)
    current = p[name]
    thetas = np.linspace(spec.min, spec.max, SAMPLES)
    with np.errstate(all="ignore"):
        gaps = np.asarray(scenario.f(at, **{**p, name: thetas}), dtype=float) - target

    def gap(theta: float) -> float:
        return float(scenario.f(at, **{**p, name: theta})) - target

    roots = [float(t) for t, g in zip(thetas, gaps, strict=True) if g == 0]
    for i in np.flatnonzero(gaps[:-1] * gaps[1:] < 0):
        roots.append(
            float(
                brentq(
                    gap,
                    thetas[i],
                    thetas[i + 1],
                    xtol=_xtol(spec.min, spec.max),
                    rtol=_RTOL,
                )
            )
        )
    if not roots:
        raise SeekError(
            f"No {spec.label.lower()} between {spec.min:g} and {spec.max:g} makes "
            f"{scenario.objective_label.lower()} reach {target:g} at "
            f"{scenario.variable.name} = {at:g}."
        )
    return min(roots, key=lambda r: abs(r - current))
