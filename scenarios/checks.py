"""Check hand-written derivatives against central differences of f."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scenarios.model import Scenario
from scenarios.solver import domain_of

EPS = np.finfo(float).eps


@dataclass(frozen=True)
class DerivativeSample:
    """Analytic and numerical f' and f'' at one x, and whether they agree."""

    x: float
    analytic_first: float
    numeric_first: float
    analytic_second: float
    numeric_second: float
    tolerance_first: float
    tolerance_second: float

    @property
    def first_ok(self) -> bool:
        return abs(self.analytic_first - self.numeric_first) <= self.tolerance_first

    @property
    def second_ok(self) -> bool:
        return abs(self.analytic_second - self.numeric_second) <= self.tolerance_second

    @property
    def ok(self) -> bool:
        return self.first_ok and self.second_ok


@dataclass(frozen=True)
class DerivativeCheck:
    """The outcome of :func:`check_derivatives` for one scenario."""

    scenario_id: str
    samples: tuple[DerivativeSample, ...]

    @property
    def passed(self) -> bool:
        return all(s.ok for s in self.samples)

    @property
    def failures(self) -> tuple[DerivativeSample, ...]:
        return tuple(s for s in self.samples if not s.ok)

    def describe_failures(self) -> str:
        """One line per failing point: scenario, x, analytic and numerical values."""
        lines = []
        for s in self.failures:
            if not s.first_ok:
                lines.append(
                    f"{self.scenario_id}: f'({s.x:.17g}) analytic "
                    f"{s.analytic_first:.17g}"
                    f" vs central difference {s.numeric_first:.17g}"
                )
            if not s.second_ok:
                lines.append(
                    f"{self.scenario_id}: f''({s.x:.17g}) analytic "
                    f"{s.analytic_second:.17g} vs central difference "
                    f"{s.numeric_second:.17g}"
                )
        return "\n".join(lines)


def check_derivatives(
    scenario: Scenario,
    params: Mapping[str, object] | None = None,
    points: int = 25,
    rtol: float = 1e-6,
) -> DerivativeCheck:
    """Compare f' and f'' with central differences of f at ``points`` interior x.

    Steps are ``eps**(1/3)`` (f') and ``eps**(1/4)`` (f'') times the domain's
    scale. The tolerance is scale-aware: ``rtol`` times the size of the analytic
    value plus the typical |f| divided by the step, so large objectives (dollars
    in the tens of thousands) and small ones (an error of 0.1) are judged alike.
    """
    p = scenario.resolve(params)
    lo, hi = domain_of(scenario, p)
    width = hi - lo
    scale = max(width, abs(lo), abs(hi))
    h1 = EPS ** (1 / 3) * scale
    h2 = EPS ** (1 / 4) * scale
    xs = lo + (hi - lo) * (np.arange(points) + 0.5) / points
    if scenario.kinks is not None:
        # Across a kink a difference measures the jump in f', not f' itself.
        kinks = np.asarray(list(scenario.kinks(**p)), dtype=float)
        if kinks.size:
            near = np.any(np.abs(xs[:, None] - kinks[None, :]) <= 2 * h2, axis=1)
            if not near.all():
                xs = xs[~near]

    def f(x: np.ndarray) -> np.ndarray:
        return np.asarray(scenario.f(x, **p), dtype=float)

    # Only where f is finite across both stencils: where f is undefined or
    # overflows there is nothing to compare (the solver says so in words).
    with np.errstate(all="ignore"):
        stencil = np.stack([f(xs + k) for k in (-h2, -h1, 0.0, h1, h2)])
        xs = xs[np.isfinite(stencil).all(axis=0)]
        f_scale = float(np.max(np.abs(f(xs)), initial=0.0)) or 1.0
        numeric_1 = (f(xs + h1) - f(xs - h1)) / (2 * h1)
        numeric_2 = (f(xs + h2) - 2 * f(xs) + f(xs - h2)) / h2**2
        analytic_1 = np.broadcast_to(
            np.asarray(scenario.df(xs, **p), dtype=float), xs.shape
        )
        analytic_2 = np.broadcast_to(
            np.asarray(scenario.d2f(xs, **p), dtype=float), xs.shape
        )
        usable = np.isfinite(analytic_1) & np.isfinite(analytic_2)
        usable &= np.isfinite(numeric_1) & np.isfinite(numeric_2)
        if not usable.all():
            xs, numeric_1, numeric_2 = xs[usable], numeric_1[usable], numeric_2[usable]
            analytic_1, analytic_2 = analytic_1[usable], analytic_2[usable]
    # Truncation error of the f'' stencil is h²|f''''|/12, unknown here; a
    # curvature-relative allowance of 1e-3 covers every smooth model we ship.
    tol_1 = rtol * (np.abs(analytic_1) + f_scale / width) + 4 * EPS * f_scale / h1
    tol_2 = 1e-3 * (np.abs(analytic_2) + f_scale / width**2) + 8 * EPS * f_scale / h2**2
    samples = tuple(
        DerivativeSample(
            float(x), float(a1), float(n1), float(a2), float(n2), float(t1), float(t2)
        )
        for x, a1, n1, a2, n2, t1, t2 in zip(
            xs, analytic_1, numeric_1, analytic_2, numeric_2, tol_1, tol_2, strict=True
        )
    )
    return DerivativeCheck(scenario.id, samples)
