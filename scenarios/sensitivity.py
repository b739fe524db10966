"""How the optimum moves when an assumption moves.

* :func:`one_way` sweeps one parameter across its slider range;
* :func:`two_way` solves a grid over two parameters (up to 300 × 300) in one
  vectorised call of :func:`~scenarios.grid.solve_grid`;
* :func:`tornado` moves each parameter ±10 % from its current value;
* :func:`local_sensitivity` gives the slopes dx*/dθ and df*/dθ at the optimum
  from the analytic derivatives.

All results are arrays and floats; nothing here formats text for display.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scenarios.errors import InputError
from scenarios.grid import solve_grid
from scenarios.model import Scenario
from scenarios.solver import solve

MAX_POINTS = 2000
"""Most points a one-way sweep may use."""

MAX_GRID = 300
"""Most points along each side of a two-way grid."""

TORNADO_FRACTION = 0.10
"""How far the tornado moves each parameter: ±10 % of its current value."""

FEASIBLE, EMPTY_DOMAIN, NOT_FINITE = 0, 1, 2
"""Reason codes for grid cells: solved, no feasible x, or f / f' not finite."""


def reason_texts(scenario: Scenario) -> dict[int, str]:
    """A plain sentence for each infeasibility code of ``scenario``."""
    var = scenario.variable.label.lower()
    note = scenario.domain_note or "the range of x is empty"
    return {
        EMPTY_DOMAIN: f"No feasible {var}: {note}.",
        NOT_FINITE: f"The objective of {scenario.title} is not a finite number there.",
    }


def _check_points(points: int, most: int, what: str) -> int:
    if isinstance(points, bool) or not isinstance(points, int | np.integer):
        raise InputError(f"{what} must be a whole number, not {points!r}")
    if not 2 <= points <= most:
        raise InputError(f"{what} must be between 2 and {most}, not {points}")
    return int(points)


def _reasons(scenario: Scenario, p: Mapping[str, object], feasible: np.ndarray):
    """Why each infeasible cell is infeasible (codes, same shape as ``feasible``)."""
    with np.errstate(all="ignore"):
        lo, hi = (
            np.broadcast_to(np.asarray(v, dtype=float), feasible.shape)
            for v in scenario.domain(**p)
        )
        empty = ~(np.isfinite(lo) & np.isfinite(hi) & (lo < hi))
    return np.where(feasible, FEASIBLE, np.where(empty, EMPTY_DOMAIN, NOT_FINITE))


@dataclass(frozen=True)
class OneWaySweep:
    """x* and f(x*) as parameter ``param`` runs across its range.

    ``values`` are the parameter values; ``optimum`` and ``objective`` are NaN
    where ``reason`` is not FEASIBLE. ``current`` is the parameter's value in
    the parameter set the sweep started from, with ``current_optimum`` and
    ``current_objective`` there (NaN when that set is infeasible).
    """

    scenario_id: str
    param: str
    values: np.ndarray
    optimum: np.ndarray
    objective: np.ndarray
    on_boundary: np.ndarray
    reason: np.ndarray
    current: float
    current_optimum: float
    current_objective: float
    params: dict[str, float]

    @property
    def feasible(self) -> np.ndarray:
        return self.reason == FEASIBLE


def one_way(
    scenario: Scenario,
    name: str,
    params: Mapping[str, object] | None = None,
    points: int = 101,
) -> OneWaySweep:
    """Sweep parameter ``name`` evenly from its minimum to its maximum.

    The other parameters stay at ``params`` (defaults where missing). The
    current value is added to the sweep when it falls between two grid
    points, so the line passes exactly through today's optimum.
    """
    points = _check_points(points, MAX_POINTS, "The number of points")
    spec = scenario.param(name)
    p = scenario.resolve(params)
    values = np.union1d(np.linspace(spec.min, spec.max, points), [p[name]])
    grid = solve_grid(scenario, {**p, name: values})
    reason = _reasons(scenario, {**p, name: values}, grid.feasible)
    here = int(np.searchsorted(values, p[name]))
    return OneWaySweep(
        scenario_id=scenario.id,
        param=name,
        values=values,
        optimum=grid.x,
        objective=grid.value,
        on_boundary=grid.on_boundary,
        reason=reason,
        current=p[name],
        current_optimum=float(grid.x[here]),
        current_objective=float(grid.value[here]),
        params=p,
    )


@dataclass(frozen=True)
class TwoWayGrid:
    """The optimum over a grid of two parameters.

    Arrays have shape ``(len(y_values), len(x_values))``: row i holds
    ``y_param = y_values[i]``, column j ``x_param = x_values[j]``. Infeasible
    cells are NaN in ``optimum`` and ``objective``; ``reason`` gives their
    code and ``reasons`` the sentence for each code that occurs.
    """

    scenario_id: str
    x_param: str
    y_param: str
    x_values: np.ndarray
    y_values: np.ndarray
    optimum: np.ndarray
    objective: np.ndarray
    on_boundary: np.ndarray
    reason: np.ndarray
    reasons: dict[int, str]
    params: dict[str, float]
    evaluations: int

    @property
    def feasible(self) -> np.ndarray:
        return self.reason == FEASIBLE


def two_way(
    scenario: Scenario,
    x_param: str,
    y_param: str,
    params: Mapping[str, object] | None = None,
    points: int | tuple[int, int] = 50,
) -> TwoWayGrid:
    """Solve every cell of an evenly spaced grid over two parameters' ranges.

    ``points`` is the count along each side, or ``(along x, along y)``; each
    must be 2 to 300. The whole grid is one :func:`solve_grid` call.
    """
    if x_param == y_param:
        raise InputError("Pick two different parameters for a two-way grid.")
    nx, ny = (points, points) if isinstance(points, int | np.integer) else points
    nx = _check_points(nx, MAX_GRID, "The grid size")
    ny = _check_points(ny, MAX_GRID, "The grid size")
    sx, sy = scenario.param(x_param), scenario.param(y_param)
    p = scenario.resolve(params)
    xv = np.linspace(sx.min, sx.max, nx)
    yv = np.linspace(sy.min, sy.max, ny)
    arrays = {**p, x_param: xv[None, :], y_param: yv[:, None]}
    grid = solve_grid(scenario, arrays)
    reason = _reasons(scenario, arrays, grid.feasible)
    texts = reason_texts(scenario)
    present = {int(c) for c in np.unique(reason)} - {FEASIBLE}
    return TwoWayGrid(
        scenario_id=scenario.id,
        x_param=x_param,
        y_param=y_param,
        x_values=xv,
        y_values=yv,
        optimum=grid.x,
        objective=grid.value,
        on_boundary=grid.on_boundary,
        reason=reason,
        reasons={c: texts[c] for c in sorted(present)},
        params=p,
        evaluations=grid.evaluations,
    )


@dataclass(frozen=True)
class TornadoBar:
    """One parameter moved down and up; changes are against the current optimum.

    ``low`` and ``high`` are the parameter values tried (clipped to the range);
    a change is NaN where that side is infeasible, and ``notes`` says why.
    """

    name: str
    label: str
    unit: str
    current: float
    low: float
    high: float
    optimum_low: float
    optimum_high: float
    objective_low: float
    objective_high: float
    optimum_change_low: float
    optimum_change_high: float
    objective_change_low: float
    objective_change_high: float
    notes: tuple[str, ...]

    @property
    def objective_swing(self) -> float:
        """The largest change in f(x*) on either side (0 if neither side solves)."""
        return _largest(self.objective_change_low, self.objective_change_high)

    @property
    def optimum_swing(self) -> float:
        """The largest change in x* on either side (0 if neither side solves)."""
        return _largest(self.optimum_change_low, self.optimum_change_high)


def _largest(a: float, b: float) -> float:
    sizes = [abs(v) for v in (a, b) if math.isfinite(v)]
    return max(sizes, default=0.0)


@dataclass(frozen=True)
class Tornado:
    """Every parameter's bar, the biggest mover in f(x*) first."""

    scenario_id: str
    fraction: float
    params: dict[str, float]
    optimum: float
    objective: float
    bars: tuple[TornadoBar, ...]


def tornado(
    scenario: Scenario,
    params: Mapping[str, object] | None = None,
    fraction: float = TORNADO_FRACTION,
) -> Tornado:
    """Move each parameter by ±``fraction`` of its current value, one at a time.

    Each moved value is clipped to the parameter's range. A parameter whose
    current value is 0 does not move (10 % of nothing), and says so. The
    current parameter set must be feasible (otherwise DomainError).
    """
    if not (math.isfinite(fraction) and fraction > 0):
        raise InputError(f"The tornado step must be positive, not {fraction!r}")
    base = solve(scenario, params)
    p = base.params
    bars = []
    for spec in scenario.params:
        now = p[spec.name]
        step = abs(now) * fraction
        low = min(max(now - step, spec.min), spec.max)
        high = min(max(now + step, spec.min), spec.max)
        notes: list[str] = []
        if step == 0:
            notes.append(f"{spec.label} is 0, so ±{fraction:.0%} does not move it.")
        elif low != now - step or high != now + step:
            notes.append(
                f"{spec.label} is clipped to its range {spec.min:g} to {spec.max:g}."
            )
        found = []
        for value in (low, high):
            try:
                sol = solve(scenario, {**p, spec.name: value})
                found.append((sol.x, sol.value))
            except ValueError as exc:
                notes.append(str(exc))
                found.append((math.nan, math.nan))
        (x_lo, f_lo), (x_hi, f_hi) = found
        bars.append(
            TornadoBar(
                name=spec.name,
                label=spec.label,
                unit=spec.unit,
                current=now,
                low=low,
                high=high,
                optimum_low=x_lo,
                optimum_high=x_hi,
                objective_low=f_lo,
                objective_high=f_hi,
                optimum_change_low=x_lo - base.x,
                optimum_change_high=x_hi - base.x,
                objective_change_low=f_lo - base.value,
                objective_change_high=f_hi - base.value,
                notes=tuple(notes),
            )
        )
    bars.sort(key=lambda b: (-b.objective_swing, -b.optimum_swing, b.name))
    return Tornado(scenario.id, fraction, p, base.x, base.value, tuple(bars))


@dataclass(frozen=True)
class LocalSensitivity:
    """Slopes of the optimum in one parameter, at the current parameter set.

    ``optimum_slope`` is dx*/dθ and ``objective_slope`` df*/dθ, each per unit
    of the parameter. ``cross_derivative`` is ∂f'/∂θ at x*. ``method`` says
    how the slope was found: ``"implicit"`` (−∂f'/∂θ ÷ f'' at an interior
    optimum) or ``"boundary"`` (x* follows the end of the range it sits on).
    A NaN slope comes with a ``note`` saying why.
    """

    name: str
    label: str
    unit: str
    value: float
    optimum_slope: float
    objective_slope: float
    cross_derivative: float
    elasticity: float
    method: str
    note: str


def _partial(fn, theta_name: str, x: float, p: Mapping[str, float]) -> float:
    """∂/∂θ of ``fn(x, **p)`` in parameter ``theta_name``, by central differences.

    Two central differences, with steps h and h/2, are combined by Richardson
    extrapolation, so the truncation error is O(h⁴) and h can be large enough
    (10⁻³ of |θ|, at least 10⁻³) to keep rounding error near 10⁻¹² relative.
    """
    theta = p[theta_name]
    h = 1e-3 * max(abs(theta), 1.0)

    def central(step: float) -> float:
        up = float(fn(x, **{**p, theta_name: theta + step}))
        down = float(fn(x, **{**p, theta_name: theta - step}))
        return (up - down) / (2 * step)

    return (4 * central(h / 2) - central(h)) / 3


def local_sensitivity(
    scenario: Scenario, params: Mapping[str, object] | None = None
) -> list[LocalSensitivity]:
    """dx*/dθ and df*/dθ for each parameter θ, at the optimum of ``params``.

    At an interior optimum f'(x*) = 0; differentiating that in θ gives
    dx*/dθ = −(∂f'/∂θ) / f''(x*), with ∂f'/∂θ taken by a central difference
    of the analytic f'. By the envelope theorem df*/dθ = ∂f/∂θ at x*. At an
    optimum on an end of the range, x* moves with that end (the domain's
    slope in θ) and df*/dθ = ∂f/∂θ + f'(x*) dx*/dθ. ``elasticity`` is
    (dx*/dθ) θ / x*, the % change in x* per % change in θ.
    """
    sol = solve(scenario, params)
    p, x = sol.params, sol.x
    side = 0 if sol.boundary_side == "lower" else 1
    out = []
    for spec in scenario.params:
        cross = _partial(scenario.df, spec.name, x, p)
        df_dtheta = _partial(scenario.f, spec.name, x, p)
        note = ""
        if sol.on_boundary:
            method = "boundary"

            def end(_x, _side=side, **q):
                return scenario.domain(**q)[_side]

            dx = _partial(end, spec.name, x, p)
            df_total = df_dtheta + sol.derivative * dx
        else:
            method = "implicit"
            curvature = sol.second_derivative
            scale = abs(float(scenario.df(sol.domain[0], **p))) + abs(
                float(scenario.df(sol.domain[1], **p))
            )
            width = sol.domain[1] - sol.domain[0]
            if abs(curvature) * width <= 1e-9 * max(scale, 1e-300):
                dx = math.nan
                note = "f'' is zero at the optimum, so x* has no local slope here."
            else:
                dx = -cross / curvature
            df_total = df_dtheta
        elasticity = dx * p[spec.name] / x if x != 0 else math.nan
        out.append(
            LocalSensitivity(
                name=spec.name,
                label=spec.label,
                unit=spec.unit,
                value=p[spec.name],
                optimum_slope=float(dx),
                objective_slope=float(df_total),
                cross_derivative=float(cross),
                elasticity=float(elasticity),
                method=method,
                note=note,
            )
        )
    return out
