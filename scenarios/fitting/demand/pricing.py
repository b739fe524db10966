"""The profit-optimal price under a fitted demand shape, found by the engine.

Profit is (p − c)·q(p) for a unit cost c [$]. Each shape's profit, with its
hand-written first and second derivatives, becomes a Scenario that
:func:`scenarios.solve` optimises; the closed forms (linear (A/b + c)/2,
exponential c + 1/b, constant elasticity c·e/(e − 1)) are the tests' oracles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scenarios.errors import InputError
from scenarios.fitting.demand.shapes import DEMAND_FLOOR, MODELS, model
from scenarios.model import Scenario, Variable
from scenarios.solver import solve


@dataclass(frozen=True)
class PriceOptimum:
    """The profit-optimal price under one model, or why there is none.

    ``price`` [$], ``profit`` [$] and ``units`` are None when ``reason`` (a
    sentence) says there is no finite optimum.
    """

    price: float | None
    profit: float | None
    units: float | None
    reason: str | None = None


def _no_optimum(
    model_name: str, params: Mapping[str, float], cost: float
) -> str | None:
    """Why this model has no finite profit-optimal price, or None when it has one."""
    if model_name == "linear":
        a, b = params["A"], params["b"]
        if not b > 0:
            return "Linear demand that does not fall with price has no best price."
        if not a / b > cost:
            return (
                "The fitted line sells nothing at any price above the unit cost, "
                "so no price makes a profit."
            )
        return None
    if model_name == "exponential":
        a, b = params["A"], params["b"]
        if not (b > 0 and a > 0):
            return "Exponential demand that does not fall with price has no best price."
        return None
    k, e = params["K"], params["e"]
    if not k > 0:
        return (
            "The fitted constant-elasticity curve sells nothing, so it has no "
            "best price."
        )
    if not e > 1:
        return (
            f"With elasticity e = {e:.3g}, at most 1, raising the price always "
            "raises profit, so there is no finite best price."
        )
    if not cost > 0:
        return (
            "With no unit cost, constant-elasticity demand makes profit grow "
            "without bound as the price falls towards zero, so there is no "
            "finite best price."
        )
    return None


def profit_scenario(
    model_name: str, params: Mapping[str, float], unit_cost: float
) -> Scenario:
    """The scenario "profit (p − c)·q(p) over price" for one fitted model.

    The price runs from the unit cost up to the zero-demand price (linear) or
    to where demand has fallen to :data:`DEMAND_FLOOR` of demand at cost.
    Raises ValueError when the model has no finite optimum (see
    :class:`PriceOptimum`).
    """
    c = float(unit_cost)
    reason = _no_optimum(model_name, params, c)
    if reason is not None:
        raise InputError(reason)
    if model_name == "linear":
        a, b = params["A"], params["b"]

        def f(p, **_):
            return (p - c) * (a - b * p)

        def df(p, **_):
            return a + b * c - 2 * b * p

        def d2f(p, **_):
            return -2 * b + 0 * p

        domain = (c, a / b)
    elif model_name == "exponential":
        a, b = params["A"], params["b"]

        def f(p, **_):
            return (p - c) * a * np.exp(-b * p)

        def df(p, **_):
            return a * np.exp(-b * p) * (1 - b * (p - c))

        def d2f(p, **_):
            return a * b * np.exp(-b * p) * (b * (p - c) - 2)

        domain = (c, c - math.log(DEMAND_FLOOR) / b)
    elif model_name == "constant_elasticity":
        k, e = params["K"], params["e"]

        def f(p, **_):
            return (p - c) * k * np.power(p, -e)

        def df(p, **_):
            return k * np.power(p, -e - 1) * ((1 - e) * p + e * c)

        def d2f(p, **_):
            return k * e * np.power(p, -e - 2) * ((e - 1) * p - (e + 1) * c)

        domain = (c, c * DEMAND_FLOOR ** (-1 / e))
    else:
        model(model_name)
        raise AssertionError  # unreachable: model() raised
    return Scenario.from_functions(
        f,
        df,
        d2f,
        domain,
        id=f"demand_{model_name}",
        goal="maximize",
        title=f"Profit with {MODELS[model_name].label.lower()} demand",
        variable=Variable("price", "Price", "$"),
        objective_label="Profit",
        objective_unit="$",
    )


def optimal_price(
    model_name: str, params: Mapping[str, float], unit_cost: float
) -> PriceOptimum:
    """The profit-optimal price for ``unit_cost`` [$], found by the engine."""
    try:
        scenario = profit_scenario(model_name, params, unit_cost)
    except ValueError as exc:
        return PriceOptimum(None, None, None, str(exc))
    solution = solve(scenario)
    if solution.on_boundary:
        return PriceOptimum(
            None,
            None,
            None,
            "Profit keeps rising to the end of the prices searched, so the "
            "model gives no best price.",
        )
    theta = np.array([params[n] for n in MODELS[model_name].param_names])
    units = float(MODELS[model_name].units(np.array([solution.x]), theta)[0])
    return PriceOptimum(solution.x, solution.value, units)
