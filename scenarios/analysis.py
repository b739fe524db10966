"""Numbers the dashboard and CLI show beside the optimum: curves, tangents,
point-by-point advice and what-if comparisons. Nothing here formats text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from scenarios.model import Scenario
from scenarios.solver import Solution, domain_of, solve

Advice = Literal["increase", "decrease", "optimal"]
ADVICE_TOLERANCE = 1e-9
"""|f'(x)| below this fraction of |f'| at the domain's ends counts as flat."""


@dataclass(frozen=True)
class Curve:
    """f, f' and f'' sampled across the domain."""

    x: np.ndarray
    value: np.ndarray
    derivative: np.ndarray
    second_derivative: np.ndarray


def curve(
    scenario: Scenario, params: Mapping[str, object] | None = None, samples: int = 400
) -> Curve:
    """Sample the objective and its derivatives at ``samples`` evenly spaced x."""
    p = scenario.resolve(params)
    lo, hi = domain_of(scenario, p)
    x = np.linspace(lo, hi, samples)

    def full(fn) -> np.ndarray:
        return np.broadcast_to(np.asarray(fn(x, **p), dtype=float), x.shape).copy()

    return Curve(x, full(scenario.f), full(scenario.df), full(scenario.d2f))


def tangent_line(
    scenario: Scenario,
    at: float,
    xs: Sequence[float] | np.ndarray,
    params: Mapping[str, object] | None = None,
) -> np.ndarray:
    """The tangent to f at ``at``, evaluated at ``xs``: f(a) + f'(a)(x - a)."""
    p = scenario.resolve(params)
    value = float(scenario.f(at, **p))
    slope = float(scenario.df(at, **p))
    return value + slope * (np.asarray(xs, dtype=float) - at)


@dataclass(frozen=True)
class PointReport:
    """How one candidate x compares with the optimum.

    ``gap`` is how much worse than the optimum x is, in the objective's units
    (never negative when x is in the domain). ``advice`` says which way to move
    x, from the sign of f' and the goal.
    """

    label: str
    x: float
    value: float
    derivative: float
    advice: Advice
    gap: float
    in_domain: bool
    derived: dict[str, float]


def advice_for(
    scenario: Scenario, x: float, derivative: float, solution: Solution
) -> Advice:
    """Which way to move x: the goal's direction along the sign of f'."""
    lo, hi = solution.domain
    p = solution.params
    flat = ADVICE_TOLERANCE * (
        abs(float(scenario.df(lo, **p))) + abs(float(scenario.df(hi, **p)))
    )
    if x == solution.x or abs(derivative) <= flat:
        return "optimal"
    uphill = derivative > 0
    if scenario.goal == "minimize":
        uphill = not uphill
    return "increase" if uphill else "decrease"


def evaluate_points(
    scenario: Scenario,
    points: Sequence[float | tuple[str, float]],
    params: Mapping[str, object] | None = None,
    *,
    include_optimum: bool = True,
) -> list[PointReport]:
    """A report for each point (a bare x or a ``(label, x)`` pair), then the optimum."""
    solution = solve(scenario, params)
    p = solution.params
    lo, hi = solution.domain
    labelled = [pt if isinstance(pt, tuple) else (f"x = {pt:g}", pt) for pt in points]
    if include_optimum:
        labelled.append(("Optimum", solution.x))
    reports = []
    for label, x in labelled:
        x = float(x)
        value = float(scenario.f(x, **p))
        derivative = float(scenario.df(x, **p))
        gap = solution.value - value
        if scenario.goal == "minimize":
            gap = -gap
        reports.append(
            PointReport(
                label=label,
                x=x,
                value=value,
                derivative=derivative,
                advice=advice_for(scenario, x, derivative, solution),
                gap=0.0 if x == solution.x else gap,
                in_domain=lo <= x <= hi,
                derived={d.name: float(d.fn(x, **p)) for d in scenario.derived},
            )
        )
    return reports


def reference_points(scenario: Scenario) -> list[tuple[str, float]]:
    """The declaration's reference points as ``(label, x)`` pairs."""
    return [(r.label, r.x) for r in scenario.references]


@dataclass(frozen=True)
class WhatIfRow:
    """One line of a what-if table: a quantity under the baseline and now."""

    name: str
    label: str
    unit: str
    baseline: float | str
    current: float | str
    change: float | None


def what_if(
    scenario: Scenario,
    params: Mapping[str, object] | None = None,
    baseline: Mapping[str, object] | None = None,
) -> list[WhatIfRow]:
    """Parameters and results for ``params`` against ``baseline`` (the defaults).

    Result rows are the optimum x*, the objective there and the kind. Where
    either side is infeasible its results are the DomainError message.
    """
    now = scenario.resolve(params)
    base = scenario.resolve(baseline)
    rows = [
        WhatIfRow(
            pr.name,
            pr.label,
            pr.unit,
            base[pr.name],
            now[pr.name],
            now[pr.name] - base[pr.name],
        )
        for pr in scenario.params
    ]
    results = []
    for values in (base, now):
        try:
            sol = solve(scenario, values)
            results.append((sol.x, sol.value, sol.kind))
        except ValueError as exc:
            results.append((str(exc),) * 3)
    names = (
        ("optimum", f"Best {scenario.variable.label.lower()}", scenario.variable.unit),
        ("value", scenario.objective_label, scenario.objective_unit),
        ("kind", "Kind", ""),
    )
    for i, (name, label, unit) in enumerate(names):
        b, c = results[0][i], results[1][i]
        change = c - b if isinstance(b, float) and isinstance(c, float) else None
        rows.append(WhatIfRow(name, label, unit, b, c, change))
    return rows


@dataclass(frozen=True)
class GrowthFigures:
    """Figures for an objective that only grows: how fast, and when it doubles.

    ``slope`` is f'(at). ``start`` is f at the lower end of the domain and
    ``doubling_x`` the first x where f reaches twice that (None if it never does
    on the domain). ``rate`` is the value of parameter ``rate_param`` that makes
    f reach twice ``start`` at ``lower end + within``; when no value in the
    parameter's range does, ``rate`` is None and ``rate_error`` says why.
    """

    at: float
    slope: float
    start: float
    doubled: float
    doubling_x: float | None
    rate_param: str
    within: float
    rate: float | None
    rate_error: str | None


def growth_figures(
    scenario: Scenario,
    params: Mapping[str, object] | None,
    *,
    at: float,
    within: float,
    rate_param: str,
) -> GrowthFigures:
    """Growth rate at ``at``, doubling point, and the rate that doubles in ``within``.

    Raises ParamError or DomainError like :func:`solve`.
    """
    from scenarios.goalseek import SeekError, seek, seek_param

    p = scenario.resolve(params)
    lo, _ = domain_of(scenario, p)
    start = float(scenario.f(lo, **p))
    doubled = 2.0 * start
    hits = seek(scenario, doubled, p)
    rate: float | None = None
    rate_error: str | None = None
    try:
        rate = seek_param(scenario, rate_param, doubled, lo + within, p)
    except SeekError as exc:
        rate_error = str(exc)
    return GrowthFigures(
        at=float(at),
        slope=float(scenario.df(at, **p)),
        start=start,
        doubled=doubled,
        doubling_x=hits[0] if hits else None,
        rate_param=rate_param,
        within=float(within),
        rate=rate,
        rate_error=rate_error,
    )
