"""Ride-hailing surge pricing: profit per hour when demand is multiplied by m.

Rides requested fall linearly with fare, ``m*a - b*p``; each ride costs c to
serve, so profit is ``(p - c)(m a - b p)``, peaking at ``(m a / b + c) / 2``.
"""

from scenarios.model import Derived, FitTarget, FormulaText, Param, Scenario, Variable
from scenarios.shapes import (
    linear_demand,
    pricing_domain,
    pricing_profit,
    pricing_profit_curvature,
    pricing_profit_slope,
)


def profit(price, base_rides, price_sensitivity, cost_per_ride, demand_multiplier):
    """Profit [$] at a fare of ``price`` [$ per ride]."""
    return pricing_profit(
        price, cost_per_ride, demand_multiplier * base_rides, price_sensitivity
    )


def profit_slope(
    price, base_rides, price_sensitivity, cost_per_ride, demand_multiplier
):
    """Extra profit per extra dollar of fare [$ per $]."""
    return pricing_profit_slope(
        price, cost_per_ride, demand_multiplier * base_rides, price_sensitivity
    )


def profit_curvature(
    price, base_rides, price_sensitivity, cost_per_ride, demand_multiplier
):
    """Second derivative of profit in fare [$ per $²]."""
    return pricing_profit_curvature(
        price, cost_per_ride, demand_multiplier * base_rides, price_sensitivity
    )


def fare_range(base_rides, price_sensitivity, cost_per_ride, demand_multiplier):
    """From the cost of a ride [$] to the fare at which nobody rides [$]."""
    return pricing_domain(
        cost_per_ride, demand_multiplier * base_rides, price_sensitivity
    )


def rides(price, base_rides, price_sensitivity, cost_per_ride, demand_multiplier):
    """Rides requested at fare ``price``."""
    return linear_demand(price, demand_multiplier * base_rides, price_sensitivity)


def revenue(price, base_rides, price_sensitivity, cost_per_ride, demand_multiplier):
    """Fares collected [$] before the cost of the rides."""
    return price * rides(
        price, base_rides, price_sensitivity, cost_per_ride, demand_multiplier
    )


def surge_multiplier(
    price, base_rides, price_sensitivity, cost_per_ride, demand_multiplier
):
    """The fare as a multiple of the best fare under normal demand (m = 1).

    With m = 1 the best fare is (a/b + c)/2, so at the optimum this is the
    surge multiplier p*(m) / p*(1).
    """
    normal_best_fare = (base_rides / price_sensitivity + cost_per_ride) / 2.0
    return price / normal_best_fare


SCENARIO = Scenario(
    id="uber_surge",
    title="Ride-hailing surge pricing",
    question="Which fare earns the most when demand surges?",
    goal="maximize",
    variable=Variable("price", "Fare", "$ per ride"),
    objective_label="Profit",
    objective_unit="$",
    f=profit,
    df=profit_slope,
    d2f=profit_curvature,
    domain=fare_range,
    domain_params=(
        "cost_per_ride",
        "base_rides",
        "price_sensitivity",
        "demand_multiplier",
    ),
    domain_note=(
        "the cost per ride must stay below the fare at which nobody rides "
        "(demand multiplier × base rides ÷ price sensitivity)"
    ),
    params=(
        Param(
            "base_rides",
            "Base rides",
            "rides",
            1000.0,
            100.0,
            5000.0,
            10.0,
            "Rides people would request at a zero fare under normal demand.",
        ),
        Param(
            "price_sensitivity",
            "Price sensitivity",
            "rides per $",
            5.0,
            0.5,
            50.0,
            0.5,
            "Rides lost for each dollar added to the fare.",
        ),
        Param(
            "cost_per_ride",
            "Cost per ride",
            "$",
            2.0,
            0.0,
            50.0,
            0.5,
            "What serving one ride costs: driver share, insurance, fees.",
        ),
        Param(
            "demand_multiplier",
            "Demand multiplier",
            "×",
            1.0,
            0.5,
            3.0,
            0.1,
            "How many times normal demand is out there right now; 2 is a rush.",
        ),
    ),
    references=(),
    derived=(
        Derived("rides", "Rides", "rides", rides),
        Derived("revenue", "Revenue", "$", revenue),
        Derived("surge_multiplier", "Surge multiplier", "×", surge_multiplier),
    ),
    formula_tex=r"\Pi(p) = (p - c)\,(m\,a - b\,p)",
    df_tex=r"\Pi'(p) = m\,a + b\,c - 2\,b\,p",
    d2f_tex=r"\Pi''(p) = -2\,b",
    explanation=(
        "The same shape as any linear-demand price: margin per ride times rides. "
        "Setting Π'(p) = 0 gives p* = (m a / b + c) / 2. Doubling demand moves "
        "the demand-vanishing fare out by a factor of two, so the best fare "
        "roughly doubles too, from $101 to $201 at the lesson's numbers. "
        "Π'' = -2b < 0 confirms a peak."
    ),
    formula=FormulaText(
        "(p - c)(m a - b p)",
        "p",
        ("c", "m a / b"),
        {
            "c": "cost_per_ride",
            "m": "demand_multiplier",
            "a": "base_rides",
            "b": "price_sensitivity",
        },
    ),
    demand_fit=FitTarget(
        "base_rides",
        "price_sensitivity",
        (("demand_multiplier", 1.0),),
        cost_param="cost_per_ride",
    ),
    order=20,
)
