"""Study burnout: S(h) = -q h² + g h + s0, maximised at h = g / (2q)."""

import numpy as np

from scenarios.model import FormulaText, Param, Reference, Scenario, Variable
from scenarios.shapes import quadratic, quadratic_curvature, quadratic_slope


def score(hours, curvature, gain, base_score):
    """Test score [points] for ``hours`` of study per day."""
    return quadratic(hours, -curvature, gain, base_score)


def score_slope(hours, curvature, gain, base_score):
    """Points per extra daily hour: -2 q h + g."""
    return quadratic_slope(hours, -curvature, gain, base_score)


def score_curvature(hours, curvature, gain, base_score):
    """Second derivative: -2 q."""
    return quadratic_curvature(hours, -curvature, gain, base_score)


def hours_range(curvature, gain, base_score):
    """From none to 15 hours a day."""
    zero = 0.0 * np.asarray(curvature)
    return zero, zero + 15.0


SCENARIO = Scenario(
    id="study_burnout",
    title="Study burnout",
    question="How many hours a day of study give the top score before burnout?",
    goal="maximize",
    variable=Variable("hours", "Daily study", "hours per day"),
    objective_label="Test score",
    objective_unit="points",
    f=score,
    df=score_slope,
    d2f=score_curvature,
    domain=hours_range,
    params=(
        Param(
            "curvature",
            "Burnout rate",
            "points per hour²",
            1.0,
            0.1,
            5.0,
            0.1,
            "How quickly long days start to hurt.",
        ),
        Param(
            "gain",
            "Gain",
            "points per hour",
            12.0,
            0.0,
            40.0,
            0.5,
            "Points the first hour of daily study is worth.",
        ),
        Param(
            "base_score",
            "Base score",
            "points",
            20.0,
            0.0,
            100.0,
            1.0,
            "The score with no study at all.",
        ),
    ),
    references=(Reference(5.0, "5 hours"), Reference(7.0, "7 hours")),
    formula_tex=r"S(h) = -q\,h^2 + g\,h + s_0",
    df_tex=r"S'(h) = -2\,q\,h + g",
    d2f_tex=r"S''(h) = -2\,q",
    explanation=(
        "Each daily hour adds g points but burnout grows with the square of the "
        "hours. S'(h) = 0 at h* = g/(2q): 6 hours a day at the lesson's numbers, "
        "for a score of 56. Before that S' > 0, after it S' < 0, and S'' < 0."
    ),
    formula=FormulaText(
        "-q h^2 + g h + s0",
        "h",
        ("0", "15"),
        {"q": "curvature", "g": "gain", "s0": "base_score"},
    ),
    order=80,
)
