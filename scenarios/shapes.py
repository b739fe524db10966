"""Model shapes that several scenarios share, written once.

Linear-demand pricing: with ``demand(p) = A - b*p`` units and a unit cost c,
profit is ``(p - c) * (A - b*p)``. Quadratics: ``a2*x**2 + a1*x + a0``.
"""

from __future__ import annotations

from scenarios.model import Number


def linear_demand(price: Number, intercept: Number, slope: Number) -> Number:
    """Units sold at ``price``: ``intercept - slope * price`` [units]."""
    return intercept - slope * price


def pricing_profit(
    price: Number, unit_cost: Number, intercept: Number, slope: Number
) -> Number:
    """Profit [$] = margin per unit times units sold: (p - c)(A - b p)."""
    return (price - unit_cost) * linear_demand(price, intercept, slope)


def pricing_profit_slope(
    price: Number, unit_cost: Number, intercept: Number, slope: Number
) -> Number:
    """d profit / d price [$ per $] = A + b c - 2 b p."""
    return intercept + slope * unit_cost - 2.0 * slope * price


def pricing_profit_curvature(
    price: Number, unit_cost: Number, intercept: Number, slope: Number
) -> Number:
    """d² profit / d price² [$ per $²] = -2 b, whatever the price."""
    return -2.0 * slope + 0.0 * price


def pricing_domain(
    unit_cost: Number, intercept: Number, slope: Number
) -> tuple[Number, Number]:
    """Prices worth considering: from the unit cost to where demand reaches 0."""
    return unit_cost, intercept / slope


def quadratic(x: Number, a2: Number, a1: Number, a0: Number) -> Number:
    """a2 x² + a1 x + a0."""
    return (a2 * x + a1) * x + a0


def quadratic_slope(x: Number, a2: Number, a1: Number, a0: Number) -> Number:
    """d/dx (a2 x² + a1 x + a0) = 2 a2 x + a1."""
    return 2.0 * a2 * x + a1


def quadratic_curvature(x: Number, a2: Number, a1: Number, a0: Number) -> Number:
    """d²/dx² (a2 x² + a1 x + a0) = 2 a2."""
    return 2.0 * a2 + 0.0 * x
