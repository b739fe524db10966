"""Production profit: P(x) = -q x² + m x - F, maximised at x = m / (2q)."""

import numpy as np

from scenarios.model import FormulaText, Param, Reference, Scenario, Variable
from scenarios.shapes import quadratic, quadratic_curvature, quadratic_slope


def profit(quantity, curvature, unit_margin, fixed_cost):
    """Profit [$1000s] at a production of ``quantity`` [thousand units]."""
    return quadratic(quantity, -curvature, unit_margin, -fixed_cost)


def profit_slope(quantity, curvature, unit_margin, fixed_cost):
    """Marginal profit: -2 q x + m [$1000s per thousand units]."""
    return quadratic_slope(quantity, -curvature, unit_margin, -fixed_cost)


def profit_curvature(quantity, curvature, unit_margin, fixed_cost):
    """Second derivative: -2 q."""
    return quadratic_curvature(quantity, -curvature, unit_margin, -fixed_cost)


def quantity_range(curvature, unit_margin, fixed_cost):
    """From nothing to 30 thousand units."""
    zero = 0.0 * np.asarray(curvature)
    return zero, zero + 30.0


SCENARIO = Scenario(
    id="production_profit",
    title="Production profit",
    question="How many thousand units should the plant make for the most profit?",
    goal="maximize",
    variable=Variable("quantity", "Quantity", "thousand units"),
    objective_label="Profit",
    objective_unit="$1000s",
    f=profit,
    df=profit_slope,
    d2f=profit_curvature,
    domain=quantity_range,
    params=(
        Param(
            "curvature",
            "Crowding cost",
            "per (thousand units)²",
            2.0,
            0.1,
            10.0,
            0.1,
            "How fast overtime and congestion eat into the margin.",
        ),
        Param(
            "unit_margin",
            "Unit margin",
            "$1000s per thousand units",
            40.0,
            0.0,
            200.0,
            1.0,
            "Margin on each thousand units before crowding costs.",
        ),
        Param(
            "fixed_cost",
            "Fixed cost",
            "$1000s",
            100.0,
            0.0,
            1000.0,
            10.0,
            "Rent, machines and salaries, paid at any output.",
        ),
    ),
    references=(Reference(5.0, "5k units"), Reference(15.0, "15k units")),
    formula_tex=r"P(x) = -q\,x^2 + m\,x - F",
    df_tex=r"P'(x) = -2\,q\,x + m",
    d2f_tex=r"P''(x) = -2\,q",
    explanation=(
        "Marginal profit m - 2qx starts at the unit margin and shrinks as output "
        "grows. It reaches zero at x* = m/(2q), 10 thousand units at the lesson's "
        "numbers, for a profit of 100. P'' = -2q < 0, so that is the top."
    ),
    formula=FormulaText(
        "-q x^2 + m x - F",
        "x",
        ("0", "30"),
        {"q": "curvature", "m": "unit_margin", "F": "fixed_cost"},
    ),
    order=70,
)
