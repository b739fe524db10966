"""Monte Carlo over uncertain parameters: the optimum's spread, the best on average.

:func:`monte_carlo` draws every uncertain parameter from its distribution
(seeded, so a result can be reproduced), solves every draw at once with the
vectorised engine :func:`scenarios.grid.solve_grid`, and reports:

- the distribution of x*: quantiles and a histogram;
- the expected objective F(x) = mean over the draws of f(x; θ), and its best
  x (the best decision *on average*, from
  :func:`~scenarios.uncertainty.expected.best_expected`), beside the optimum
  at the mean parameters;
- optionally, at a chosen x: the chance the objective is worse than a
  threshold and the expected regret against each draw's own optimum.

No step loops over the draws in Python.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from scenarios.errors import InputError
from scenarios.grid import solve_grid
from scenarios.model import Scenario
from scenarios.solver import solve
from scenarios.uncertainty.distributions import (
    Distribution,
    as_distributions,
    check_for,
    cut_mean,
    cut_share,
    draw,
)
from scenarios.uncertainty.expected import (
    ExpectedCurve,
    RiskAt,
    best_expected,
    expected_curve,
    risk_at,
    sorted_quantiles,
)

DEFAULT_DRAWS = 10_000
"""Draws unless told otherwise: the x* quantiles then move by well under 1%
of their spread from one seed to the next."""

MIN_DRAWS = 100
"""Fewest draws: fewer leave the 5% and 95% quantiles resting on a few draws."""

MAX_DRAWS = 1_000_000
"""Most draws: each uncertain parameter's draws then take 8 MB."""

TIME_LIMIT_S = 30.0
"""Longest a Monte Carlo may be estimated to run: past it, fewer draws are asked for."""

PILOT_DRAWS = 256
"""Draws timed to estimate a large run's duration."""

CHECK_ABOVE = 20_000
"""Runs of more draws than this are timed on a pilot first; smaller ones are
quick on every catalog scenario."""

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The quantiles of x* reported."""

CURVE_POINTS = 121
"""Points of the expected-objective curve across the range, unless told
otherwise. The best x on average comes from a root search of its own, never
from these points."""

HISTOGRAM_BINS = 40
"""Bars of the x* histogram."""

CUT_NOTE_ABOVE = 0.001
"""A normal cut to its parameter's range by more than this share gets a note."""

PILOT_SEED = 0
"""The pilot's own seed: timing it never changes the run's draws."""

DRAWS_KEPT = 8
"""Sets of draws kept in memory: at 10,000 draws of three parameters 240 kB
each, and a page rerun whose fixed parameter moved skips drawing again."""


@dataclass(frozen=True)
class Histogram:
    """Counts of x* between consecutive ``edges`` (one more edge than counts)."""

    edges: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True)
class MonteCarloResult:
    """What ``draws`` seeded draws of the uncertain parameters say about x*.

    ``samples`` holds each uncertain parameter's draws and ``x`` / ``value``
    each draw's optimum and objective there, for the draws with a feasible
    range only (``feasible`` of ``draws``). ``params`` are the fixed values,
    ``mean_params`` every parameter at its distribution's mean, and
    ``at_mean`` the optimum there ``(x, f)``. ``best_on_average`` is the x
    with the best expected objective ``(x, F(x))`` on ``domain``, the range
    at the mean parameters; ``curve`` is F across that range. ``risk`` is
    filled when an x was given. ``notes`` are sentences a page should show.
    """

    scenario_id: str
    goal: str
    draws: int
    seed: int
    params: dict[str, float]
    distributions: dict[str, Distribution]
    samples: dict[str, np.ndarray] = field(repr=False)
    x: np.ndarray = field(repr=False)
    value: np.ndarray = field(repr=False)
    feasible: int
    quantiles: dict[float, float]
    mean_x: float
    sd_x: float
    histogram: Histogram = field(repr=False)
    mean_params: dict[str, float]
    at_mean: tuple[float, float]
    best_on_average: tuple[float, float]
    domain: tuple[float, float]
    curve: ExpectedCurve = field(repr=False)
    notes: tuple[str, ...] = ()
    risk: RiskAt | None = None


def _checked(
    scenario: Scenario,
    distributions: Mapping[str, Distribution | str],
    params: Mapping[str, object] | None,
    draws: int,
) -> tuple[dict[str, float], dict[str, Distribution]]:
    """The fixed values and the uncertain parameters' distributions, checked."""
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer):
        raise InputError(f"The number of draws must be a whole number, not {draws!r}.")
    if not MIN_DRAWS <= draws <= MAX_DRAWS:
        raise InputError(
            f"The number of draws must be from {MIN_DRAWS:,} to {MAX_DRAWS:,}, "
            f"not {draws:,}."
        )
    dists = as_distributions(distributions)
    for name, dist in dists.items():
        check_for(scenario, name, dist)
    base = scenario.resolve(params)
    for name, dist in dists.items():
        if dist.is_fixed:
            base[name] = dist.mean
    uncertain = {n: d for n, d in dists.items() if not d.is_fixed}
    if not uncertain:
        raise InputError(
            "Give at least one parameter a distribution that is not fixed; "
            "with every parameter fixed there is nothing to draw."
        )
    return base, uncertain


def _sample(
    scenario: Scenario,
    dists: Mapping[str, Distribution],
    size: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """``size`` draws of each uncertain parameter, in declaration order.

    The draws depend on the distributions, each parameter's range and the
    seed only, so a page that moves a fixed parameter's slider draws again
    from memory (:func:`_seeded`); the arrays are read-only.
    """
    specs = tuple(
        (spec.name, dists[spec.name], spec.min, spec.max)
        for spec in scenario.params
        if spec.name in dists
    )
    return dict(_seeded(specs, int(size), int(seed)))


@functools.lru_cache(maxsize=DRAWS_KEPT)
def _seeded(
    specs: tuple[tuple[str, Distribution, float, float], ...], size: int, seed: int
) -> tuple[tuple[str, np.ndarray], ...]:
    rng = np.random.default_rng(seed)
    out = []
    for name, dist, low, high in specs:
        values = draw(dist, size, rng, low, high)
        values.setflags(write=False)
        out.append((name, values))
    return tuple(out)


def _check_budget(
    scenario: Scenario,
    base: Mapping[str, float],
    dists: Mapping[str, Distribution],
    draws: int,
    time_limit: float,
) -> None:
    """Time a pilot run; InputError when ``draws`` would take past ``time_limit``."""
    if draws <= CHECK_ABOVE:
        return
    samples = _sample(scenario, dists, PILOT_DRAWS, PILOT_SEED)
    start = time.perf_counter()
    grid = solve_grid(scenario, {**base, **samples})
    means = {n: cut_mean(d, *_range(scenario, n)) for n, d in dists.items()}
    at_mean = solve(scenario, {**base, **means})
    kept = {n: v[grid.feasible] for n, v in samples.items()}
    if grid.feasible.any():
        best_expected(scenario, base, kept, at_mean.domain, like=at_mean.search)
    seconds = (time.perf_counter() - start) * draws / PILOT_DRAWS
    if seconds > time_limit:
        most = max(MIN_DRAWS, int(draws * time_limit / seconds) // 1000 * 1000)
        raise InputError(
            f"{draws:,} draws would take about {seconds:,.0f} s here, past the "
            f"{time_limit:g} s limit; ask for at most {most:,}."
        )


def _range(scenario: Scenario, name: str) -> tuple[float, float]:
    spec = scenario.param(name)
    return spec.min, spec.max


def _notes(
    scenario: Scenario, dists: Mapping[str, Distribution], infeasible: int, draws: int
) -> list[str]:
    notes = []
    for name, dist in dists.items():
        share = cut_share(dist, *_range(scenario, name))
        if share > CUT_NOTE_ABOVE:
            spec = scenario.param(name)
            notes.append(
                f"The normal distribution of {spec.label.lower()} reaches past its "
                f"range {spec.min:g} to {spec.max:g} ({share:.1%} of it), so it is "
                "cut there."
            )
    if infeasible:
        why = scenario.domain_note or "the range of x is empty"
        notes.append(
            f"{infeasible:,} of the {draws:,} draws leave no feasible "
            f"{scenario.variable.label.lower()} ({why}); they are left out."
        )
    return notes


def monte_carlo(
    scenario: Scenario,
    distributions: Mapping[str, Distribution | str],
    params: Mapping[str, object] | None = None,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    at: float | None = None,
    threshold: float | None = None,
    time_limit: float = TIME_LIMIT_S,
    curve_points: int = CURVE_POINTS,
) -> MonteCarloResult:
    """Draw the uncertain parameters ``draws`` times and solve every draw at once.

    ``distributions`` maps parameter names to a :class:`Distribution` or its
    text (``"normal:20,2"``); the other parameters take ``params`` (defaults
    where missing). ``at`` adds the risk at that x (see
    :class:`~scenarios.uncertainty.expected.RiskAt`), with the chance of
    falling short of ``threshold``; ``curve_points`` is the expected
    objective curve's number of points. Raises InputError (one sentence) for a
    bad distribution, an unknown parameter, a draw count outside
    :data:`MIN_DRAWS`–:data:`MAX_DRAWS` or one whose pilot says it would run
    past ``time_limit`` seconds; DomainError when no draw is feasible.
    """
    base, dists = _checked(scenario, distributions, params, draws)
    _check_budget(scenario, base, dists, draws, time_limit)
    samples = _sample(scenario, dists, draws, seed)
    grid = solve_grid(scenario, {**base, **samples})
    ok = grid.feasible
    kept = {n: v[ok] for n, v in samples.items()}
    xs, values = grid.x[ok], grid.value[ok]
    means = {n: cut_mean(d, *_range(scenario, n)) for n, d in dists.items()}
    mean_params = {**base, **means}
    at_mean = solve(scenario, mean_params)
    if xs.size == 0:
        raise InputError(
            f"None of the {draws:,} draws leaves a feasible "
            f"{scenario.variable.label.lower()}; narrow the distributions."
        )
    domain = at_mean.domain
    best = best_expected(scenario, base, kept, domain, like=at_mean.search)
    curve_x = np.linspace(*domain, max(2, int(curve_points)))
    counts, edges = np.histogram(xs, bins=HISTOGRAM_BINS)
    quantiles = sorted_quantiles(xs, QUANTILES)
    risk = None
    if at is not None:
        risk = risk_at(scenario, base, kept, values, at, threshold)
    return MonteCarloResult(
        scenario_id=scenario.id,
        goal=scenario.goal,
        draws=int(draws),
        seed=int(seed),
        params={n: v for n, v in base.items() if n not in dists},
        distributions=dict(dists),
        samples=kept,
        x=xs,
        value=values,
        feasible=int(xs.size),
        quantiles=dict(zip(QUANTILES, quantiles.tolist(), strict=True)),
        mean_x=float(xs.mean()),
        sd_x=float(xs.std(ddof=1)) if xs.size > 1 else math.nan,
        histogram=Histogram(edges, counts),
        mean_params=mean_params,
        at_mean=(at_mean.x, at_mean.value),
        best_on_average=best,
        domain=domain,
        curve=expected_curve(scenario, base, kept, curve_x),
        notes=tuple(_notes(scenario, dists, draws - int(xs.size), draws)),
        risk=risk,
    )


def risk_of(
    scenario: Scenario,
    result: MonteCarloResult,
    x: float,
    threshold: float | None = None,
) -> RiskAt:
    """The risk at ``x`` from a result already drawn (the page's "your value")."""
    return risk_at(scenario, result.params, result.samples, result.value, x, threshold)
