"""The objective averaged over parameter draws, and the risk at one x.

Given draws θ₁ … θ_N of the uncertain parameters, the expected objective is
F(x) = mean_i f(x; θ_i). Its derivatives are the means of f' and f'', so
:func:`expected_scenario` makes F a scenario like any other, and
:func:`best_expected` finds its best x *on average* with the vectorised
engine's root search. Every average is
one array operation over all draws, taken over blocks of x so that the
x × draws arrays stay small; nothing loops over draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from scenarios.grid import solve_grid
from scenarios.model import Scenario
from scenarios.roots.result import RootResult
from scenarios.solver import not_finite

BLOCK_ELEMENTS = 1 << 16
"""Most x × draw values evaluated at once: 512 kB of doubles, which stays in
cache even when f spreads each value over a few dozen data points (2.5× faster
than blocks of 2²⁰ on the single neuron)."""

BAND = (0.05, 0.95)
"""The spread of the objective drawn around its mean: 90% of the draws."""

BAND_DRAWS = 2000
"""The band is read off the first this many draws (independent, so a fair
sample): its ends then move by about 1% of the spread from seed to seed, finer
than a chart shows, at a sixth of the cost of sorting every draw."""


def _broadcast_args(
    params: Mapping[str, float], samples: Mapping[str, np.ndarray]
) -> dict[str, float | np.ndarray]:
    """The fixed values as scalars, each sampled parameter as a ``(1, N)`` row."""
    args: dict[str, float | np.ndarray] = dict(params)
    for name, values in samples.items():
        args[name] = np.asarray(values, dtype=float)[None, :]
    return args


def over_draws(
    fn: Callable[..., np.ndarray],
    x: np.ndarray,
    params: Mapping[str, float],
    samples: Mapping[str, np.ndarray],
    reduce: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """``reduce(fn(x_j, θ_i) over i)`` for every x_j, in blocks of x.

    ``reduce`` takes a ``(block, N)`` array and returns one value (or a row
    of values) per x; the result has shape ``x.shape + reduce's extra axes``.
    """
    n = len(next(iter(samples.values()))) if samples else 1
    args = _broadcast_args(params, samples)
    flat = np.atleast_1d(np.asarray(x, dtype=float)).ravel()
    step = max(1, BLOCK_ELEMENTS // max(n, 1))
    pieces = []
    with np.errstate(all="ignore"):
        for start in range(0, flat.size, step):
            block = flat[start : start + step, None]
            values = np.asarray(fn(block, **args), dtype=float)
            pieces.append(reduce(np.broadcast_to(values, (block.shape[0], n))))
    out = np.concatenate(pieces, axis=0)
    return out.reshape(np.shape(x) + out.shape[1:])


def _mean(values: np.ndarray) -> np.ndarray:
    return values.mean(axis=-1)


def _averaged(
    fn: Callable[..., np.ndarray],
    params: Mapping[str, float],
    samples: Mapping[str, np.ndarray],
) -> Callable[..., np.ndarray | float]:
    def mean_fn(x, **_):
        out = over_draws(fn, np.asarray(x, dtype=float), params, samples, _mean)
        return float(out) if np.ndim(x) == 0 else out

    return mean_fn


def expected_scenario(
    scenario: Scenario,
    params: Mapping[str, float],
    samples: Mapping[str, np.ndarray],
    domain: tuple[float, float],
) -> Scenario:
    """The scenario "mean of f over the draws" on ``domain``, with no parameters.

    ``params`` holds the fixed values, ``samples`` the draws of the others
    (equal lengths). Its f, f' and f'' are the means of the scenario's own.
    """
    return Scenario.from_functions(
        _averaged(scenario.f, params, samples),
        _averaged(scenario.df, params, samples),
        _averaged(scenario.d2f, params, samples),
        domain,
        id=f"{scenario.id}_expected",
        goal=scenario.goal,
        title=f"Expected {scenario.objective_label.lower()}",
        variable=scenario.variable,
        objective_label=f"Expected {scenario.objective_label.lower()}",
        objective_unit=scenario.objective_unit,
    )


def best_expected(
    scenario: Scenario,
    params: Mapping[str, float],
    samples: Mapping[str, np.ndarray],
    domain: tuple[float, float],
    like: RootResult | None = None,
) -> tuple[float, float]:
    """The x with the best expected objective on ``domain``, and F there.

    The root search of :func:`scenarios.grid.solve_grid` on F' (the mean of
    f' over the draws), planned from ``like``, the scalar search of f' at the
    mean values: every draw is averaged at each point sampled, so a handful
    of points per degree of freedom replaces the scalar engine's thousand.
    DomainError when F' is not finite on ``domain``.
    """
    expected = expected_scenario(scenario, params, samples, domain)
    grid = solve_grid(expected, like=like)
    if not grid.feasible:
        raise not_finite(expected, "slope")
    return float(grid.x), float(grid.value)


@dataclass(frozen=True)
class ExpectedCurve:
    """The expected objective across x, with the middle 90% of the draws.

    ``mean[j]`` is the mean of f(x[j]; θ) over the draws; ``low`` and ``high``
    its 5% and 95% quantiles (over the first :data:`BAND_DRAWS` draws).
    """

    x: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def sorted_quantiles(values: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    """``np.quantile(values, levels, axis=-1)`` (linear method), by a sort.

    numpy sorts a row far faster than it partitions one at several points.
    A row holding a NaN gives NaN, as ``np.quantile`` does.
    """
    ordered = np.sort(values, axis=-1)
    n = ordered.shape[-1]
    at = np.asarray(levels, dtype=float) * (n - 1)
    below = np.minimum(np.floor(at).astype(np.intp), n - 1)
    above = np.minimum(below + 1, n - 1)
    t = at - below
    a, b = ordered[..., below], ordered[..., above]
    step = b - a
    # numpy's lerp: from the nearer end, so the result stays between a and b.
    out = np.where(t >= 0.5, b - step * (1 - t), a + step * t)
    out[np.isnan(ordered[..., -1])] = np.nan
    return np.moveaxis(out, -1, 0)


def _band(values: np.ndarray) -> np.ndarray:
    return sorted_quantiles(values, BAND).T


def expected_curve(
    scenario: Scenario,
    params: Mapping[str, float],
    samples: Mapping[str, np.ndarray],
    x: np.ndarray,
) -> ExpectedCurve:
    """The expected objective at every ``x`` over all draws, and its 90% band.

    The band comes from the first :data:`BAND_DRAWS` draws.
    """
    mean = over_draws(scenario.f, x, params, samples, _mean)
    few = {n: np.asarray(v)[:BAND_DRAWS] for n, v in samples.items()}
    low, high = over_draws(scenario.f, x, params, few, _band).T
    return ExpectedCurve(np.asarray(x, dtype=float), mean, low, high)


@dataclass(frozen=True)
class RiskAt:
    """What the draws say about one chosen x.

    ``expected`` is the mean objective there and ``quantiles`` its 5%, 50%
    and 95% points. ``p_below`` and ``p_above`` are the shares of draws whose
    objective falls below or rises above ``threshold``; ``p_worse`` is the
    one that is bad news (below for a maximum, above for a minimum).
    ``expected_regret`` is the mean of what x gives up against each draw's
    own optimum (never negative where x is feasible for that draw).
    """

    x: float
    threshold: float | None
    expected: float
    quantiles: dict[float, float]
    p_below: float | None
    p_above: float | None
    p_worse: float | None
    expected_regret: float
    draws: int


RISK_QUANTILES = (0.05, 0.5, 0.95)
"""The quantiles of the objective reported at a chosen x."""


def risk_at(
    scenario: Scenario,
    params: Mapping[str, float],
    samples: Mapping[str, np.ndarray],
    optimum_values: np.ndarray,
    x: float,
    threshold: float | None = None,
) -> RiskAt:
    """The objective at ``x`` over the draws, against ``threshold`` and each optimum.

    ``optimum_values[i]`` is f at draw i's own optimum, for the regret.
    """
    values = over_draws(scenario.f, np.array([float(x)]), params, samples, lambda v: v)
    values = values[0]
    sign = 1.0 if scenario.goal == "maximize" else -1.0
    regret = sign * (np.asarray(optimum_values, dtype=float) - values)
    below = above = worse = None
    if threshold is not None:
        below = float(np.mean(values < threshold))
        above = float(np.mean(values > threshold))
        worse = below if scenario.goal == "maximize" else above
    quantiles = sorted_quantiles(values, RISK_QUANTILES)
    return RiskAt(
        x=float(x),
        threshold=None if threshold is None else float(threshold),
        expected=float(values.mean()),
        quantiles=dict(zip(RISK_QUANTILES, quantiles.tolist(), strict=True)),
        p_below=below,
        p_above=above,
        p_worse=worse,
        expected_regret=float(regret.mean()),
        draws=int(values.size),
    )
