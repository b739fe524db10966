"""The three demand shapes as data: formula, parameters, units and Jacobian.

- ``linear``: q = A − b·p
- ``exponential``: q = A·e^(−b·p)
- ``constant_elasticity``: q = K·p^(−e)

Prices p are in $, units q in whatever the data counts. Each shape's
functions take the parameter vector θ in the order of ``param_names``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scenarios.errors import InputError

DEMAND_FLOOR = 1e-3
"""The price search ends where demand falls below this share of demand at cost."""


@dataclass(frozen=True)
class DemandModel:
    """One demand shape: its formula, parameters, derivatives and profit.

    ``units(p, θ)`` and ``jacobian(p, θ)`` take the parameter vector in the
    order of ``param_names``. ``profit_formula`` is the model's profit in the
    own-model page's syntax, with the price ``p`` and the unit cost ``c``;
    ``price_range_formula`` gives the ends of the price range searched, and
    ``formula_names`` the parameters' names in those formulas when they
    differ from ``param_names``.
    """

    name: str
    label: str
    equation: str
    param_names: tuple[str, ...]
    units: Callable[[np.ndarray, np.ndarray], np.ndarray]
    jacobian: Callable[[np.ndarray, np.ndarray], np.ndarray]
    profit_formula: str
    price_range_formula: tuple[str, str]
    formula_names: tuple[str, ...] = ()

    def formula_name(self, param: str) -> str:
        """What ``param`` is called in ``profit_formula`` (``e`` is Euler's there)."""
        if not self.formula_names:
            return param
        return dict(zip(self.param_names, self.formula_names, strict=True))[param]


def _linear_units(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
    a, b = theta
    return a - b * p


def _linear_jacobian(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
    return np.column_stack((np.ones_like(p), -p))


def _exponential_units(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
    a, b = theta
    return a * np.exp(-b * p)


def _exponential_jacobian(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
    a, b = theta
    decay = np.exp(-b * p)
    return np.column_stack((decay, -a * p * decay))


def _elastic_units(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
    k, e = theta
    return k * np.power(p, -e)


def _elastic_jacobian(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
    k, e = theta
    power = np.power(p, -e)
    return np.column_stack((power, -k * power * np.log(p)))


MODELS: dict[str, DemandModel] = {
    "linear": DemandModel(
        "linear",
        "Linear",
        "q = A − b·p",
        ("A", "b"),
        _linear_units,
        _linear_jacobian,
        "(p - c)(A - b p)",
        ("c", "A/b"),
    ),
    "exponential": DemandModel(
        "exponential",
        "Exponential",
        "q = A·e^(−b·p)",
        ("A", "b"),
        _exponential_units,
        _exponential_jacobian,
        "(p - c) A exp(-b p)",
        ("c", f"c + ln({1 / DEMAND_FLOOR:.0f})/b"),
    ),
    "constant_elasticity": DemandModel(
        "constant_elasticity",
        "Constant elasticity",
        "q = K·p^(−e)",
        ("K", "e"),
        _elastic_units,
        _elastic_jacobian,
        "(p - c) K p^(-elasticity)",
        ("c", f"c * {1 / DEMAND_FLOOR:.0f}^(1/elasticity)"),
        ("K", "elasticity"),
    ),
}
"""The demand shapes, by name, in the order tables list them."""

MODEL_NAMES: tuple[str, ...] = tuple(MODELS)


def model(name: str) -> DemandModel:
    """The model called ``name``; an unknown name raises ValueError listing all."""
    try:
        return MODELS[name]
    except KeyError:
        known = ", ".join(MODEL_NAMES)
        raise InputError(f"unknown demand model {name!r}; known: {known}") from None
