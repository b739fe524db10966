"""Fits turned into :class:`~scenarios.uncertainty.intervals.FittedProblem`s.

- :func:`demand_problem`: one demand shape fitted to sales, priced at a unit
  cost (the Fit to data tab of the pricing pages, ``fit-demand``);
- :func:`formula_problem`: a typed formula fitted to (x, y) rows whose
  parameters are a scenario's (study time's score curve, your own model);
- :func:`demand_intervals`: every shape of a comparison, each with its
  interval or the sentence saying why it has none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from scenarios.errors import InputError, ScenarioError
from scenarios.fitting.demand.models import MODELS, DemandComparison, ModelFit
from scenarios.fitting.least_squares import ParameterFit
from scenarios.model import Scenario
from scenarios.uncertainty.demand import batch_refit, demand_scenario
from scenarios.uncertainty.intervals import (
    LEVEL,
    RESAMPLES,
    FittedProblem,
    OptimumInterval,
    check_request,
    covariance_of,
    optimum_interval,
    with_fitted,
)
from scenarios.uncertainty.refit import BatchFit, refit_batch


def demand_problem(
    fit: ModelFit,
    prices: Sequence[float] | np.ndarray,
    units: Sequence[float] | np.ndarray,
    unit_cost: float,
) -> FittedProblem:
    """The best price of one fitted demand shape, as a problem with its data.

    Raises InputError, with the fit's own sentence, when the shape was not
    fitted or has no best price.
    """
    if not fit.converged or fit.optimum.price is None:
        raise InputError(
            fit.optimum.reason or f"The {fit.label.lower()} fit gives no best price."
        )
    names = MODELS[fit.model].param_names
    p = np.asarray(prices, dtype=float).ravel()
    q = np.asarray(units, dtype=float).ravel()
    theta0 = np.array([fit.params[n] for n in names])

    def refit(weights: np.ndarray) -> BatchFit:
        return batch_refit(fit.model, p, q, weights, theta0)

    return FittedProblem(
        scenario=demand_scenario(fit.model),
        params={**fit.params, "c": float(unit_cost)},
        fitted=names,
        covariance=covariance_of(fit.fit, names),
        n=int(p.size),
        refit=refit,
        interior_only=True,
    )


def demand_intervals(
    comparison: DemandComparison,
    prices: Sequence[float] | np.ndarray,
    units: Sequence[float] | np.ndarray,
    *,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> dict[str, OptimumInterval | str]:
    """Each shape's best price and profit with intervals, or why it has none.

    A bad level or resample count raises InputError before any shape is tried.
    """
    check_request(level, resamples)
    out: dict[str, OptimumInterval | str] = {}
    for fit in comparison.fits:
        try:
            problem = demand_problem(fit, prices, units, comparison.unit_cost)
            out[fit.model] = optimum_interval(
                problem, level=level, resamples=resamples, seed=seed
            )
        except ScenarioError as exc:
            out[fit.model] = str(exc)
    return out


def formula_problem(
    scenario: Scenario,
    params: Mapping[str, float],
    formula: str,
    variable: str,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    fit: ParameterFit,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> FittedProblem:
    """The optimum of ``scenario`` once ``formula`` (y ~ f(x; θ)) is fitted to data.

    The fitted parameters must be parameters of ``scenario``; the formula's
    others take their values from ``params``. Raises InputError otherwise,
    or when the fit did not converge.
    """
    from scenarios.formula.build import fit_functions, parse_formula

    if not fit.converged:
        raise InputError(fit.message or "The fit did not converge.")
    fitted = tuple(fit.params)
    missing = [n for n in fitted if n not in scenario.param_names]
    if missing:
        raise InputError(
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not a "
            f"parameter of {scenario.title}, so the fit does not move its optimum."
        )
    formula_fn, grads = fit_functions(parse_formula(formula, variable))
    names = parse_formula(formula, variable).param_names
    held = {n: float(params[n]) for n in names if n not in fitted and n in params}
    absent = [n for n in names if n not in fitted and n not in held]
    if absent:
        raise InputError(f"Give a value for {', '.join(absent)}.")
    xs = np.asarray(x, dtype=float).ravel()

    def values(theta: np.ndarray) -> dict[str, float | np.ndarray]:
        return {**held, **{n: theta[:, j, None] for j, n in enumerate(fitted)}}

    def model(xv: np.ndarray, theta: np.ndarray) -> np.ndarray:
        out = np.asarray(formula_fn(xv[None, :], **values(theta)), dtype=float)
        return np.broadcast_to(out, (theta.shape[0], xv.size))

    def jacobian(xv: np.ndarray, theta: np.ndarray) -> np.ndarray:
        shape = (theta.shape[0], xv.size)
        cols = [
            np.broadcast_to(np.asarray(grads[n](xv[None, :], **values(theta))), shape)
            for n in fitted
        ]
        return np.stack(cols, axis=-1)

    lo = np.array([(bounds or {}).get(n, (-np.inf, np.inf))[0] for n in fitted])
    hi = np.array([(bounds or {}).get(n, (-np.inf, np.inf))[1] for n in fitted])
    theta0 = np.array([fit.params[n] for n in fitted])
    ys = np.asarray(y, dtype=float).ravel()

    def refit(weights: np.ndarray) -> BatchFit:
        return refit_batch(model, jacobian, xs, ys, weights, theta0, lo, hi)

    return FittedProblem(
        scenario=scenario,
        params=with_fitted(scenario.resolve(params), fit.params),
        fitted=fitted,
        covariance=covariance_of(fit, fitted),
        n=int(xs.size),
        refit=refit,
    )
