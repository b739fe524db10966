"""Demand shapes as scenarios with their parameters free, and their batch refits.

:func:`scenarios.fitting.demand.pricing.profit_scenario` fixes a fit's
parameters inside its functions, which suits one solve. An interval needs
the best price at many parameter sets at once, so :func:`demand_scenario`
writes the same three profits, (p − c)·q(p), with the shape's parameters as
scenario parameters that may be arrays; :func:`scenarios.grid.solve_grid`
then prices every bootstrap resample in one call. The closed forms of the
best price (linear (A/b + c)/2, exponential c + 1/b, constant elasticity
c·e/(e − 1)) are the tests' oracles, as for the pricing module.

:func:`batch_refit` refits a shape to every resample at once: the linear
shape in closed form (weighted ordinary least squares), the others by
:func:`~scenarios.uncertainty.refit.refit_batch`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from scenarios.fitting.demand.shapes import DEMAND_FLOOR, MODELS, model
from scenarios.model import Param, Scenario, Variable
from scenarios.uncertainty.refit import BatchFit, refit_batch

COMPLEX_STEP = 1e-20
"""Step of the complex-step derivative of a shape's units in its parameters:
exact to rounding, since no difference is taken."""


def _linear():
    def f(p, A, b, c):
        return (p - c) * (A - b * p)

    def df(p, A, b, c):
        return A + b * c - 2 * b * p

    def d2f(p, A, b, c):
        return -2 * b + 0 * p

    def domain(A, b, c):
        return c + 0 * A, A / b

    return f, df, d2f, domain


def _exponential():
    def f(p, A, b, c):
        return (p - c) * A * np.exp(-b * p)

    def df(p, A, b, c):
        return A * np.exp(-b * p) * (1 - b * (p - c))

    def d2f(p, A, b, c):
        return A * b * np.exp(-b * p) * (b * (p - c) - 2)

    def domain(A, b, c):
        return c + 0 * b, c - math.log(DEMAND_FLOOR) / b

    return f, df, d2f, domain


def _elastic():
    def f(p, K, e, c):
        return (p - c) * K * np.power(p, -e)

    def df(p, K, e, c):
        return K * np.power(p, -e - 1) * ((1 - e) * p + e * c)

    def d2f(p, K, e, c):
        return K * e * np.power(p, -e - 2) * ((e - 1) * p - (e + 1) * c)

    def domain(K, e, c):
        return c + 0 * e, c * np.power(DEMAND_FLOOR, -1 / e)

    return f, df, d2f, domain


_PROFITS = {
    "linear": _linear,
    "exponential": _exponential,
    "constant_elasticity": _elastic,
}


def _free(name: str, value: float, label: str, unit: str) -> Param:
    """A parameter that may take any value: a fit, not a slider, sets it."""
    return Param(name, label, unit, value, -math.inf, math.inf, 1.0, label)


@lru_cache(maxsize=32)
def demand_scenario(model_name: str) -> Scenario:
    """Profit (p − c)·q(p) of one demand shape, its parameters and the cost free.

    The parameters are the shape's own (``A``, ``b`` or ``K``, ``e``) and
    the unit cost ``c`` [$]; the price runs from c to where the demand line
    reaches zero (linear) or falls to :data:`DEMAND_FLOOR` of demand at cost.
    """
    spec = model(model_name)
    f, df, d2f, domain = _PROFITS[model_name]()
    first, second = spec.param_names
    return Scenario.from_functions(
        f,
        df,
        d2f,
        domain,
        id=f"demand_{model_name}_free",
        goal="maximize",
        title=f"Profit with {spec.label.lower()} demand",
        params=(
            _free(first, 1.0, first, ""),
            _free(second, 1.0, second, ""),
            _free("c", 0.0, "Unit cost", "$"),
        ),
        variable=Variable("price", "Price", "$"),
        objective_label="Profit",
        objective_unit="$",
    )


def _linear_refit(p: np.ndarray, q: np.ndarray, weights: np.ndarray) -> BatchFit:
    """Weighted ordinary least squares of q on p for every row of ``weights``."""
    total = weights.sum(axis=1)
    p_mean = weights @ p / total
    q_mean = weights @ q / total
    dp = p[None, :] - p_mean[:, None]
    dq = q[None, :] - q_mean[:, None]
    spp = np.einsum("bn,bn->b", weights, dp * dp)
    spq = np.einsum("bn,bn->b", weights, dp * dq)
    with np.errstate(all="ignore"):
        slope = np.where(spp > 0, spq / spp, np.nan)
    theta = np.column_stack((q_mean - slope * p_mean, -slope))
    return BatchFit(theta, np.isfinite(slope))


def _units_batch(model_name: str):
    units = MODELS[model_name].units

    def batch(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
        return units(p[None, :], theta.T[:, :, None])

    return batch


def _jacobian_batch(model_name: str):
    batch = _units_batch(model_name)

    def jacobian(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
        columns = []
        for j in range(theta.shape[1]):
            step = COMPLEX_STEP * np.maximum(1.0, np.abs(theta[:, j]))
            shifted = theta.astype(complex)
            shifted[:, j] += 1j * step
            columns.append(batch(p, shifted).imag / step[:, None])
        return np.stack(columns, axis=-1)

    return jacobian


def batch_refit(
    model_name: str,
    prices: np.ndarray,
    units: np.ndarray,
    weights: np.ndarray,
    theta0: np.ndarray,
) -> BatchFit:
    """One shape refitted to every resample (rows of ``weights``) at once."""
    p = np.asarray(prices, dtype=float)
    q = np.asarray(units, dtype=float)
    if model_name == "linear":
        return _linear_refit(p, q, weights)
    model(model_name)
    return refit_batch(
        _units_batch(model_name), _jacobian_batch(model_name), p, q, weights, theta0
    )
