"""The derivative up close, and the derivative put to work.

* :func:`secant_slopes`: slopes of secants through x for shrinking steps h,
  beside the analytic f'(x) they close in on.
* :func:`step_size_study`: forward and central difference errors for h from
  1e-1 down to 1e-15, the best h of each, and what an error model predicts.
* :func:`gradient_check`: analytic against numerical f' with a verdict.
* :func:`descend`: gradient descent (ascent for a maximisation) step by step,
  with a stop reason.
* :func:`learning_rate_finder`: descent at many rates, against the curvature
  bound 2/|f''(x*)|.
* :func:`unit_curve`: a curve and its optimum rescaled to [0, 1], to compare
  scenarios on one footing.

The first three live in :mod:`.differences`, descent and the finder in
:mod:`.descent`, the rescaling in :mod:`.rescale`. Every result is a frozen
dataclass of numbers and codes; the dashboard and the CLI turn them into words.
"""

from scenarios.learning._common import EPS, typical_slope
from scenarios.learning.descent import (
    MAX_STEPS_LIMIT,
    TOLERANCE,
    WORSENING_PATIENCE,
    Descent,
    DescentSettings,
    DescentStep,
    Outcome,
    RateFinder,
    RateTrial,
    Reason,
    Status,
    descend,
    descent_settings,
    learning_rate_finder,
    nice_floor,
    rate_grid,
)
from scenarios.learning.differences import (
    GRADIENT_TOLERANCE,
    GradientCheck,
    SecantSlope,
    SecantTable,
    StepError,
    StepSizeStudy,
    gradient_check,
    secant_slopes,
    secant_steps,
    step_grid,
    step_size_study,
)
from scenarios.learning.rescale import UnitCurve, unit_curve, unit_scale

__all__ = [
    "EPS",
    "GRADIENT_TOLERANCE",
    "MAX_STEPS_LIMIT",
    "TOLERANCE",
    "WORSENING_PATIENCE",
    "Descent",
    "DescentSettings",
    "DescentStep",
    "GradientCheck",
    "Outcome",
    "RateFinder",
    "RateTrial",
    "Reason",
    "SecantSlope",
    "SecantTable",
    "Status",
    "StepError",
    "StepSizeStudy",
    "UnitCurve",
    "descend",
    "descent_settings",
    "gradient_check",
    "learning_rate_finder",
    "nice_floor",
    "rate_grid",
    "secant_slopes",
    "secant_steps",
    "step_grid",
    "step_size_study",
    "typical_slope",
    "unit_curve",
    "unit_scale",
]
