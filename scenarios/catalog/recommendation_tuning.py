"""Recommendation tuning: error E(α) = (α - α0)² + e0, minimised at α = α0."""

import numpy as np

from scenarios.model import (
    SHOWCASE,
    DescentSettings,
    FormulaText,
    Param,
    Reference,
    Scenario,
    Variable,
)


def error(alpha, best_alpha, floor_error):
    """Prediction error [error units] at blending weight ``alpha``."""
    return (alpha - best_alpha) ** 2 + floor_error


def error_slope(alpha, best_alpha, floor_error):
    """dE/dα = 2 (α - α0)."""
    return 2.0 * (alpha - best_alpha)


def error_curvature(alpha, best_alpha, floor_error):
    """d²E/dα² = 2."""
    return 2.0 + 0.0 * (alpha - best_alpha)


def alpha_range(best_alpha, floor_error):
    """Blending weights from 0 to 2."""
    zero = 0.0 * np.asarray(best_alpha)
    return zero, zero + 2.0


SCENARIO = Scenario(
    id="recommendation_tuning",
    title="Recommendation tuning",
    question="Which blending weight α gives the smallest prediction error?",
    goal="minimize",
    variable=Variable("alpha", "Alpha", ""),
    objective_label="Prediction error",
    objective_unit="",
    f=error,
    df=error_slope,
    d2f=error_curvature,
    domain=alpha_range,
    params=(
        Param(
            "best_alpha",
            "Best alpha",
            "",
            0.8,
            0.0,
            2.0,
            0.01,
            "The weight at which the recommender's error bottoms out.",
        ),
        Param(
            "floor_error",
            "Error floor",
            "",
            0.1,
            0.0,
            1.0,
            0.01,
            "Error that remains even at the best weight.",
        ),
    ),
    references=(Reference(0.2, "First guess"),),
    formula_tex=r"E(\alpha) = (\alpha - \alpha_0)^2 + e_0",
    df_tex=r"E'(\alpha) = 2\,(\alpha - \alpha_0)",
    d2f_tex=r"E''(\alpha) = 2",
    explanation=(
        "A bowl centred on α0. E'(α) is negative left of α0 and positive right "
        "of it, so stepping against the slope always heads for α0 — gradient "
        "descent in one dimension. E'' = 2 > 0, so α* = α0 = 0.8 is the minimum, "
        "with the floor error 0.1 left over."
    ),
    formula=FormulaText(
        "(alpha - alpha0)^2 + e0",
        "alpha",
        ("0", "2"),
        {"alpha0": "best_alpha", "e0": "floor_error"},
    ),
    # The lesson's own run: alpha from 0.2 at rate 0.1 for ten steps.
    descent=DescentSettings(0.2, 0.1, 10),
    tags=(SHOWCASE,),
    order=90,
)
