"""Where a curve bends which way: concave-up / concave-down regions and inflections.

The sign of f'' says how the slope is changing: positive, the curve bends up
like a bowl (concave up); negative, it bends down like a hill (concave down).
An inflection point is where f'' changes sign. They are found the way
:mod:`scenarios.solver` finds optima, one derivative higher: every root of f''
on the domain comes from :func:`scenarios.roots.find_roots`, and a root where
f'' merely touches zero is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from scenarios.model import Scenario
from scenarios.roots.engine import EPS, NotFiniteError, RootResult, find_roots
from scenarios.singular import roots_where_finite
from scenarios.solver import domain_of, not_finite

Concavity = Literal["up", "down", "flat"]
FLAT_TOLERANCE = 1e-12
"""|f''| · width² below this fraction of max |f| on the domain counts as flat."""


@dataclass(frozen=True)
class InflectionPoint:
    """A point where f'' changes sign.

    ``slope`` is f' there: the steepest (or least steep) the curve gets nearby.
    ``third_derivative`` is a central difference of the analytic f''; its sign
    says which way the bend flips (positive: from concave down to concave up).
    """

    x: float
    value: float
    slope: float
    third_derivative: float
    before: Concavity
    after: Concavity
    bracket: tuple[float, float] | None


@dataclass(frozen=True)
class ConcavityRegion:
    """An interval of x on which f'' keeps one sign (``flat``: f'' is zero)."""

    start: float
    end: float
    concavity: Concavity


@dataclass(frozen=True)
class Curvature:
    """Inflection points and concavity regions of a scenario for one parameter set.

    The regions tile the domain from its lower to its upper end; consecutive
    regions meet at an inflection point.
    """

    scenario_id: str
    params: dict[str, float]
    domain: tuple[float, float]
    inflections: tuple[InflectionPoint, ...]
    regions: tuple[ConcavityRegion, ...]
    evaluations: int
    search: RootResult | None = None


def third_derivative(
    scenario: Scenario, x: float, params: Mapping[str, float], width: float
) -> float:
    """f'''(x) by a central difference of the analytic f'' (step ∛ε · scale)."""
    h = EPS ** (1 / 3) * max(abs(x), width)
    with np.errstate(all="ignore"):
        up = float(scenario.d2f(x + h, **params))
        down = float(scenario.d2f(x - h, **params))
    return (up - down) / (2 * h)


def _concavity_of(values: np.ndarray, flat_below: float) -> Concavity:
    """The sign of f'' on a stretch, judged by its largest sample."""
    biggest = values[np.argmax(np.abs(values))] if values.size else 0.0
    if not np.isfinite(biggest) or abs(biggest) <= flat_below:
        return "flat"
    return "up" if biggest > 0 else "down"


def curvature(
    scenario: Scenario, params: Mapping[str, object] | None = None
) -> Curvature:
    """Inflection points (roots of f'' where its sign flips) and concavity regions.

    A zero of f'' where the sign does not change (f'' touching zero, as x⁴ does
    at 0) is not an inflection and does not split a region. Raises ParamError
    or DomainError as :func:`scenarios.solve` does.
    """
    p = scenario.resolve(params)
    lo, hi = domain_of(scenario, p)
    try:
        search = find_roots(lambda x: scenario.d2f(x, **p), lo, hi)
    except NotFiniteError:
        try:  # a hole, pole or unbounded end: the stretches where f'' is finite
            search = roots_where_finite(lambda x: scenario.d2f(x, **p), lo, hi)
        except NotFiniteError:
            raise not_finite(scenario, "second derivative") from None
    flat_below, probes = _flat_threshold(scenario, p, lo, hi, search.roots)
    inflections, checks = _inflections(scenario, p, lo, hi, search, flat_below)
    edges = [lo, *(ip.x for ip in inflections), hi]
    regions, samples = _regions(scenario, p, edges, flat_below)
    return Curvature(
        scenario_id=scenario.id,
        params=p,
        domain=(lo, hi),
        inflections=tuple(inflections),
        regions=tuple(regions),
        evaluations=search.function_calls + probes + checks + samples,
        search=search,
    )


def _flat_threshold(
    scenario: Scenario,
    p: Mapping[str, float],
    lo: float,
    hi: float,
    roots: tuple[float, ...],
) -> tuple[float, int]:
    """The |f''| below which a stretch counts as flat, and the evaluations of f.

    The size of f sets what counts as a flat stretch of f''.
    """
    probe = np.array([lo, *roots, 0.5 * (lo + hi), hi])
    with np.errstate(all="ignore"):
        fs = np.broadcast_to(
            np.asarray(scenario.f(probe, **p), dtype=float), probe.shape
        )
    finite_f = fs[np.isfinite(fs)]
    scale = float(np.max(np.abs(finite_f))) if finite_f.size else 0.0
    return FLAT_TOLERANCE * scale / (hi - lo) ** 2, probe.size


def _inflections(
    scenario: Scenario,
    p: Mapping[str, float],
    lo: float,
    hi: float,
    search: RootResult,
    flat_below: float,
) -> tuple[list[InflectionPoint], int]:
    """The roots of f'' where its sign flips, and the evaluations that took."""
    width = hi - lo

    def bend(x: float) -> float:
        return float(scenario.d2f(x, **p))

    def side(x: float) -> Concavity:
        value = bend(min(max(x, lo), hi))
        return _concavity_of(np.array([value]), flat_below)

    step = 1e-6 * width
    evaluations = 0
    inflections: list[InflectionPoint] = []
    for root, touching, bracket in zip(
        search.roots, search.touching, search.brackets, strict=True
    ):
        if touching or root in (lo, hi):
            continue  # f'' touches zero without changing sign
        if inflections and abs(root - inflections[-1].x) <= step:
            continue
        before, after = side(root - step), side(root + step)
        evaluations += 2
        if before == after or "flat" in (before, after):
            continue
        inflections.append(
            InflectionPoint(
                x=root,
                value=float(scenario.f(root, **p)),
                slope=float(scenario.df(root, **p)),
                third_derivative=third_derivative(scenario, root, p, width),
                before=before,
                after=after,
                bracket=bracket,
            )
        )
        evaluations += 4
    return inflections, evaluations


def _regions(
    scenario: Scenario,
    p: Mapping[str, float],
    edges: list[float],
    flat_below: float,
) -> tuple[list[ConcavityRegion], int]:
    """The concavity between consecutive ``edges``, and the evaluations of f''."""
    evaluations = 0
    regions = []
    for start, end in zip(edges[:-1], edges[1:], strict=True):
        # f'' keeps one sign between inflections; judge it by its largest
        # value at a few interior points.
        inside = start + (end - start) * np.array([0.125, 0.375, 0.5, 0.625, 0.875])
        with np.errstate(all="ignore"):
            values = np.broadcast_to(
                np.asarray(scenario.d2f(inside, **p), dtype=float), inside.shape
            )
        evaluations += inside.size
        regions.append(ConcavityRegion(start, end, _concavity_of(values, flat_below)))
    return regions, evaluations


def inflection_points(
    scenario: Scenario, params: Mapping[str, object] | None = None
) -> tuple[InflectionPoint, ...]:
    """Just the inflection points of :func:`curvature`, left to right."""
    return curvature(scenario, params).inflections


def concavity_regions(
    scenario: Scenario, params: Mapping[str, object] | None = None
) -> tuple[ConcavityRegion, ...]:
    """Just the concavity regions of :func:`curvature`, left to right."""
    return curvature(scenario, params).regions
