"""Study time with diminishing returns and a fatigue cost.

Score rises towards S as ``S (1 - e^(-k h))`` while fatigue costs c points per
hour, so the net score peaks where the marginal gain ``S k e^(-k h)`` falls to c.
"""

import numpy as np

from scenarios.fitting.formulas import DataFit
from scenarios.model import FormulaText, Param, Reference, Scenario, Variable


def net_score(hours, max_score, learning_speed, fatigue_cost):
    """Exam score after fatigue [points] for ``hours`` of study."""
    return max_score * -np.expm1(-learning_speed * hours) - fatigue_cost * hours


def net_score_slope(hours, max_score, learning_speed, fatigue_cost):
    """Points gained per extra hour [points per hour]."""
    return max_score * learning_speed * np.exp(-learning_speed * hours) - fatigue_cost


def net_score_curvature(hours, max_score, learning_speed, fatigue_cost):
    """How fast the marginal gain shrinks [points per hour²]."""
    return -max_score * learning_speed**2 * np.exp(-learning_speed * hours)


def hours_range(max_score, learning_speed, fatigue_cost):
    """Anything from no study to a whole day [hours]."""
    return 0.0, 24.0


SCENARIO = Scenario(
    id="study_time",
    title="Study time",
    question="How many hours of study give the best score once fatigue counts?",
    goal="maximize",
    variable=Variable("hours", "Study time", "hours"),
    objective_label="Net score",
    objective_unit="points",
    f=net_score,
    df=net_score_slope,
    d2f=net_score_curvature,
    domain=hours_range,
    params=(
        Param(
            "max_score",
            "Maximum score",
            "points",
            100.0,
            10.0,
            100.0,
            1.0,
            "The score you would approach with unlimited, fatigue-free study.",
        ),
        Param(
            "learning_speed",
            "Learning speed",
            "per hour",
            0.3,
            0.05,
            1.0,
            0.01,
            "How quickly the score approaches its maximum; higher learns faster.",
        ),
        Param(
            "fatigue_cost",
            "Fatigue cost",
            "points per hour",
            2.0,
            0.0,
            10.0,
            0.1,
            "Points lost to tiredness for every hour spent studying.",
        ),
    ),
    references=(Reference(15.0, "Cramming 15 h"),),
    formula_tex=r"S_{net}(h) = S\,(1 - e^{-k h}) - c\,h",
    df_tex=r"S_{net}'(h) = S\,k\,e^{-k h} - c",
    d2f_tex=r"S_{net}''(h) = -S\,k^2\,e^{-k h}",
    explanation=(
        "The first hours buy many points and later hours fewer: the marginal "
        "gain S k e^{-kh} decays. Studying pays while that gain beats the "
        "fatigue cost c, so the best time solves S k e^{-kh} = c, that is "
        "h* = ln(S k / c) / k (about 9.03 hours at the lesson's numbers). "
        "The second derivative is negative everywhere, so this is a maximum."
    ),
    formula=FormulaText(
        "S(1 - e^(-k h)) - c h",
        "h",
        ("0", "24"),
        {"S": "max_score", "k": "learning_speed", "c": "fatigue_cost"},
    ),
    order=30,
    extras={
        # The score half of the model is a curve over data: scores measured
        # after different study times give S and k by least squares.
        "data_fit": DataFit(
            formula="max_score (1 - exp(-learning_speed hours))",
            variable="hours",
            fit=("max_score", "learning_speed"),
            x_label="Study time",
            x_unit="hours",
            y_label="Score",
            y_unit="points",
            note=(
                "Type the scores you got after different study times; the fit "
                "gives the maximum score S and the learning speed k. Fatigue "
                "is not part of the score, so it keeps its slider value."
            ),
        )
    },
)
