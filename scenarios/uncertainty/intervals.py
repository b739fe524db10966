"""How sure is an optimum fitted to data: x* and f(x*) with a 95% interval.

Two ways, side by side:

- **delta method.** x*(θ) moves with the fitted θ by dx*/dθ, which
  :func:`scenarios.local_sensitivity` gives from the implicit function
  theorem (−∂f'/∂θ ÷ f'' at an interior optimum); so Var x* ≈ g Σ gᵀ with Σ
  the fit's covariance, and likewise for f* with df*/dθ (the envelope
  theorem). The interval is x* ± z·sd.
- **bootstrap.** The data rows are resampled with replacement (seeded), the
  model is refitted to every resample at once, and every resample's x* comes
  from one :func:`scenarios.grid.solve_grid` call; the interval runs between
  the resamples' quantiles.

When the two disagree by more than :data:`DISAGREEMENT` of the interval's
width, the linear approximation behind the delta method is poor, and
:attr:`OptimumInterval.disagreement` says so in a sentence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from scenarios.errors import InputError
from scenarios.grid import solve_grid
from scenarios.model import Scenario
from scenarios.sensitivity import local_sensitivity
from scenarios.solver import domain_of, solve
from scenarios.uncertainty.refit import BatchFit, multinomial_weights

LEVEL = 0.95
"""The intervals' coverage unless told otherwise."""

RESAMPLES = 1000
"""Bootstrap resamples unless told otherwise: enough for steady 2.5% and
97.5% quantiles (each rests on 25 resamples)."""

MIN_RESAMPLES = 200
"""Fewest resamples asked for: fewer put the interval's ends on a handful."""

MAX_RESAMPLES = 100_000
"""Most resamples asked for."""

MIN_USABLE = 0.5
"""Below this share of usable resamples, the bootstrap gives no interval."""

DISAGREEMENT = 0.2
"""The two intervals "disagree" when an end moves by more than this share of
their mean width: past it, x* is too curved in θ for the delta method."""

CURVE_POINTS = 200
"""Points of a fitted objective curve drawn beside its interval."""

Refit = Callable[[np.ndarray], BatchFit]
"""``refit(weights)``: the model refitted to every row of ``weights`` (B, n)."""


@dataclass(frozen=True)
class FittedProblem:
    """An optimum that rests on fitted parameters, ready for an interval.

    ``scenario`` at ``params`` (every parameter, the ``fitted`` ones at their
    fitted values) has the optimum; ``covariance`` is the fit's, in the
    order of ``fitted``; ``refit`` fits again to reweighted rows (``n`` of
    them). ``interior_only`` counts a resample whose optimum sits on an end of
    the range as having no optimum (a demand shape with no best price).
    """

    scenario: Scenario
    params: dict[str, float]
    fitted: tuple[str, ...]
    covariance: np.ndarray
    n: int
    refit: Refit
    interior_only: bool = False


@dataclass(frozen=True)
class Interval:
    """``low`` to ``high``, and the standard deviation ``sd`` it was built from."""

    low: float
    high: float
    sd: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class OptimumInterval:
    """x* and f(x*) of a fitted model, each with a delta and a bootstrap interval.

    An interval is None when it cannot be had (no covariance, too few usable
    resamples); ``notes`` then say why. ``gradient`` is dx*/dθ and
    ``value_gradient`` df*/dθ, per fitted parameter. ``usable`` counts the
    resamples that gave an optimum, of ``resamples`` drawn with ``seed``.
    """

    x: float
    value: float
    level: float
    x_delta: Interval | None
    x_bootstrap: Interval | None
    value_delta: Interval | None
    value_bootstrap: Interval | None
    gradient: dict[str, float]
    value_gradient: dict[str, float]
    resamples: int
    usable: int
    seed: int
    notes: tuple[str, ...] = ()
    variable: str = "x"
    objective: str = "objective"
    """The scenario's names for x and f, in lower case, for the sentences."""

    @property
    def disagree(self) -> bool:
        """True when the two x* intervals differ by more than :data:`DISAGREEMENT`."""
        return _disagree(self.x_delta, self.x_bootstrap)

    @property
    def value_disagree(self) -> bool:
        return _disagree(self.value_delta, self.value_bootstrap)

    @property
    def disagreement(self) -> str | None:
        """One sentence when the methods disagree, else None."""
        if not (self.disagree or self.value_disagree):
            return None
        best = f"best {self.variable}"
        what = best if self.disagree else f"{self.objective} at the {best}"
        return (
            f"The delta and bootstrap intervals of the {what} differ by more than "
            f"{DISAGREEMENT:.0%} of their width, so the straight-line approximation "
            "behind the delta method is poor here; the bootstrap is the safer guide."
        )


def _disagree(a: Interval | None, b: Interval | None) -> bool:
    if a is None or b is None:
        return False
    width = 0.5 * (a.width + b.width)
    gap = max(abs(a.low - b.low), abs(a.high - b.high))
    return width > 0 and gap > DISAGREEMENT * width


def check_request(level: float, resamples: int) -> None:
    """InputError (one sentence) for a level or a resample count out of bounds."""
    if not (isinstance(level, float | int) and 0 < level < 1):
        raise InputError(
            f"The interval's level must lie between 0 and 1, not {level!r}."
        )
    if isinstance(resamples, bool) or not isinstance(resamples, int | np.integer):
        raise InputError(f"The resamples must be a whole number, not {resamples!r}.")
    if not (resamples == 0 or MIN_RESAMPLES <= resamples <= MAX_RESAMPLES):
        raise InputError(
            f"Ask for {MIN_RESAMPLES:,} to {MAX_RESAMPLES:,} bootstrap resamples "
            f"(or 0 for none), not {resamples:,}."
        )


def _delta(
    problem: FittedProblem, z: float
) -> tuple[float, float, dict, dict, Interval | None, Interval | None, list[str]]:
    """x*, f*, both gradients and both delta intervals (None without covariance)."""
    slopes = {s.name: s for s in local_sensitivity(problem.scenario, problem.params)}
    solution = solve(problem.scenario, problem.params)
    gx = np.array([slopes[n].optimum_slope for n in problem.fitted])
    gf = np.array([slopes[n].objective_slope for n in problem.fitted])
    cov = np.asarray(problem.covariance, dtype=float)
    notes: list[str] = []
    x_iv = f_iv = None
    if (
        cov.shape == (gx.size, gx.size)
        and np.isfinite(cov).all()
        and np.isfinite(gx).all()
    ):
        sd_x = math.sqrt(max(float(gx @ cov @ gx), 0.0))
        sd_f = math.sqrt(max(float(gf @ cov @ gf), 0.0))
        x_iv = Interval(solution.x - z * sd_x, solution.x + z * sd_x, sd_x)
        f_iv = Interval(solution.value - z * sd_f, solution.value + z * sd_f, sd_f)
    else:
        notes.append(
            "The fit has no standard errors, so the delta method gives no interval."
        )
    return (
        solution.x,
        solution.value,
        dict(zip(problem.fitted, gx.tolist(), strict=True)),
        dict(zip(problem.fitted, gf.tolist(), strict=True)),
        x_iv,
        f_iv,
        notes,
    )


def _bootstrap(
    problem: FittedProblem, level: float, resamples: int, seed: int
) -> tuple[Interval | None, Interval | None, int, list[str]]:
    """Percentile intervals of x* and f* over the refitted resamples."""
    rng = np.random.default_rng(seed)
    weights = multinomial_weights(problem.n, resamples, rng)
    fits = problem.refit(weights)
    arrays = {n: fits.theta[:, j] for j, n in enumerate(problem.fitted)}
    grid = solve_grid(problem.scenario, {**problem.params, **arrays})
    ok = fits.converged & grid.feasible
    if problem.interior_only:
        ok &= ~grid.on_boundary
    usable = int(ok.sum())
    notes = []
    if usable < resamples:
        notes.append(
            f"{resamples - usable:,} of the {resamples:,} resamples gave no "
            "optimum (the refit failed or found none) and are left out."
        )
    if usable < MIN_USABLE * resamples:
        notes.append("Too few resamples gave an optimum for a bootstrap interval.")
        return None, None, usable, notes
    tails = ((1 - level) / 2, (1 + level) / 2)
    xs, fs = grid.x[ok], grid.value[ok]
    x_lo, x_hi = np.quantile(xs, tails)
    f_lo, f_hi = np.quantile(fs, tails)
    return (
        Interval(float(x_lo), float(x_hi), float(xs.std(ddof=1))),
        Interval(float(f_lo), float(f_hi), float(fs.std(ddof=1))),
        usable,
        notes,
    )


def optimum_interval(
    problem: FittedProblem,
    *,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> OptimumInterval:
    """x* and f(x*) of ``problem`` with delta and bootstrap intervals at ``level``.

    ``resamples=0`` skips the bootstrap. Raises InputError for a level
    outside (0, 1) or a resample count outside
    :data:`MIN_RESAMPLES`–:data:`MAX_RESAMPLES`; DomainError when the fitted
    parameters give no feasible x.
    """
    check_request(level, resamples)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    x, value, gx, gf, x_delta, f_delta, notes = _delta(problem, z)
    x_boot = f_boot = None
    usable = 0
    if resamples:
        x_boot, f_boot, usable, more = _bootstrap(problem, level, resamples, seed)
        notes += more
    return OptimumInterval(
        x=x,
        value=value,
        level=float(level),
        x_delta=x_delta,
        x_bootstrap=x_boot,
        value_delta=f_delta,
        value_bootstrap=f_boot,
        gradient=gx,
        value_gradient=gf,
        resamples=int(resamples),
        usable=usable,
        seed=int(seed),
        notes=tuple(notes),
        variable=problem.scenario.variable.label.lower(),
        objective=problem.scenario.objective_label.lower(),
    )


def covariance_of(fit: object, names: Sequence[str]) -> np.ndarray:
    """A fit's covariance in the order of ``names`` (NaN when it has none)."""
    cov = getattr(fit, "covariance", None)
    k = len(names)
    if cov is None:
        return np.full((k, k), np.nan)
    order = list(getattr(fit, "params", {}))
    index = [order.index(n) for n in names]
    return np.asarray(cov, dtype=float)[np.ix_(index, index)]


def with_fitted(
    params: Mapping[str, float], fitted: Mapping[str, float]
) -> dict[str, float]:
    """``params`` with the fitted values in place."""
    return {**params, **{n: float(v) for n, v in fitted.items()}}


def fitted_curve(
    problem: FittedProblem, lo: float, hi: float, points: int = CURVE_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """The objective at the fitted parameters across ``[lo, hi]`` within its range."""
    start, end = domain_of(problem.scenario, problem.params)
    xs = np.linspace(max(lo, start), min(hi, end), points)
    with np.errstate(all="ignore"):
        ys = np.asarray(problem.scenario.f(xs, **problem.params), dtype=float)
    return xs, np.broadcast_to(ys, xs.shape).copy()
