"""Headphone pricing: profit = (price - unit cost) x (customers at that price).

Customers fall linearly with price, ``a - b*p`` pairs a month, so profit is a
downward parabola in price with its peak at ``(a/b + c) / 2``.
"""

from scenarios.model import (
    SHOWCASE,
    Derived,
    FitTarget,
    FormulaText,
    Param,
    Reference,
    Scenario,
    Variable,
)
from scenarios.shapes import (
    linear_demand,
    pricing_domain,
    pricing_profit,
    pricing_profit_curvature,
    pricing_profit_slope,
)


def profit(price, unit_cost, demand_intercept, demand_slope):
    """Monthly profit [$] at ``price`` [$ per pair]."""
    return pricing_profit(price, unit_cost, demand_intercept, demand_slope)


def profit_slope(price, unit_cost, demand_intercept, demand_slope):
    """Extra profit per extra dollar of price [$ per $]."""
    return pricing_profit_slope(price, unit_cost, demand_intercept, demand_slope)


def profit_curvature(price, unit_cost, demand_intercept, demand_slope):
    """Second derivative of profit in price [$ per $²]."""
    return pricing_profit_curvature(price, unit_cost, demand_intercept, demand_slope)


def price_range(unit_cost, demand_intercept, demand_slope):
    """From the unit cost [$] up to the price at which nobody buys [$]."""
    return pricing_domain(unit_cost, demand_intercept, demand_slope)


def customers(price, unit_cost, demand_intercept, demand_slope):
    """Pairs sold per month at ``price``."""
    return linear_demand(price, demand_intercept, demand_slope)


def revenue(price, unit_cost, demand_intercept, demand_slope):
    """Monthly takings [$] before costs."""
    return price * linear_demand(price, demand_intercept, demand_slope)


SCENARIO = Scenario(
    id="headphone_pricing",
    title="Headphone pricing",
    question="Which price per pair earns the most profit each month?",
    goal="maximize",
    variable=Variable("price", "Price", "$"),
    objective_label="Monthly profit",
    objective_unit="$",
    f=profit,
    df=profit_slope,
    d2f=profit_curvature,
    domain=price_range,
    domain_params=("unit_cost", "demand_intercept", "demand_slope"),
    domain_note=(
        "the unit cost must stay below the price at which demand vanishes "
        "(demand intercept ÷ demand slope)"
    ),
    params=(
        Param(
            "unit_cost",
            "Unit cost",
            "$",
            20.0,
            0.0,
            100.0,
            0.5,
            "What one pair costs you to make and ship.",
        ),
        Param(
            "demand_intercept",
            "Demand intercept",
            "pairs",
            1300.0,
            100.0,
            5000.0,
            10.0,
            "Pairs you would sell per month if the price were zero.",
        ),
        Param(
            "demand_slope",
            "Demand slope",
            "pairs per $",
            10.0,
            0.5,
            50.0,
            0.5,
            "Customers lost for each dollar added to the price.",
        ),
    ),
    references=(
        Reference(30.0, "Week 1 test"),
        Reference(50.0, "Week 3 test"),
        Reference(100.0, "Week 2 test"),
    ),
    derived=(
        Derived("customers", "Customers", "pairs", customers),
        Derived("revenue", "Revenue", "$", revenue),
    ),
    formula_tex=r"P(p) = (p - c)\,(a - b\,p)",
    df_tex=r"P'(p) = a + b\,c - 2\,b\,p",
    d2f_tex=r"P''(p) = -2\,b",
    explanation=(
        "Each extra dollar on the price adds a dollar of margin on every pair "
        "still sold but loses b customers. Profit stops rising where those two "
        "effects balance: P'(p) = 0 gives p* = (a/b + c) / 2, halfway between the "
        "unit cost and the price at which demand dies out. P'' = -2b is negative "
        "for any price, so that balance point is the peak."
    ),
    formula=FormulaText(
        "(p - c)(a - b p)",
        "p",
        ("c", "a/b"),
        {"c": "unit_cost", "a": "demand_intercept", "b": "demand_slope"},
    ),
    demand_fit=FitTarget("demand_intercept", "demand_slope", cost_param="unit_cost"),
    tags=(SHOWCASE,),
    order=10,
)
