"""Ad spend: total cost C(x) = q x² - s x + F, minimised at x = s / (2q)."""

import numpy as np

from scenarios.model import FormulaText, Param, Reference, Scenario, Variable
from scenarios.shapes import quadratic, quadratic_curvature, quadratic_slope


def total_cost(spend, quadratic_cost, linear_saving, fixed_cost):
    """Total cost [$1000s] at an ad spend of ``spend`` [$1000s]."""
    return quadratic(spend, quadratic_cost, -linear_saving, fixed_cost)


def total_cost_slope(spend, quadratic_cost, linear_saving, fixed_cost):
    """Extra cost per extra $1000 of spend: 2 q x - s."""
    return quadratic_slope(spend, quadratic_cost, -linear_saving, fixed_cost)


def total_cost_curvature(spend, quadratic_cost, linear_saving, fixed_cost):
    """Second derivative: 2 q, the same at every spend."""
    return quadratic_curvature(spend, quadratic_cost, -linear_saving, fixed_cost)


def spend_range(quadratic_cost, linear_saving, fixed_cost):
    """From nothing to $20,000 [$1000s]."""
    zero = 0.0 * np.asarray(quadratic_cost)
    return zero, zero + 20.0


SCENARIO = Scenario(
    id="ad_spend",
    title="Ad spend",
    question="How much ad spend keeps total cost lowest?",
    goal="minimize",
    variable=Variable("spend", "Ad spend", "$1000s"),
    objective_label="Total cost",
    objective_unit="$1000s",
    f=total_cost,
    df=total_cost_slope,
    d2f=total_cost_curvature,
    domain=spend_range,
    params=(
        Param(
            "quadratic_cost",
            "Quadratic cost",
            "per ($1000s)²",
            1.0,
            0.1,
            5.0,
            0.1,
            "How sharply costs climb once spending gets large.",
        ),
        Param(
            "linear_saving",
            "Linear saving",
            "per $1000s",
            10.0,
            0.0,
            50.0,
            0.5,
            "Cost saved by each $1000 of advertising before saturation.",
        ),
        Param(
            "fixed_cost",
            "Fixed cost",
            "$1000s",
            100.0,
            0.0,
            500.0,
            5.0,
            "Costs you carry whatever you spend on ads.",
        ),
    ),
    references=(Reference(3.0, "Spend $3k"),),
    formula_tex=r"C(x) = q\,x^2 - s\,x + F",
    df_tex=r"C'(x) = 2\,q\,x - s",
    d2f_tex=r"C''(x) = 2\,q",
    explanation=(
        "Below the optimum each extra thousand saves more than it costs (C' < 0), "
        "above it the squared term takes over (C' > 0). C'(x) = 0 at x* = s/(2q): "
        "$5,000 at the lesson's numbers, with a cost of 75. C'' = 2q > 0, "
        "so the curve is a bowl and x* is its bottom."
    ),
    formula=FormulaText(
        "q x^2 - s x + F",
        "x",
        ("0", "20"),
        {"q": "quadratic_cost", "s": "linear_saving", "F": "fixed_cost"},
    ),
    order=60,
)
