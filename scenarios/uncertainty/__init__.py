"""How sure is the optimum: intervals from a fit, and Monte Carlo over assumptions.

- :func:`optimum_interval`: x* and f(x*) of a fitted model with a 95%
  interval by the delta method and by a bootstrap of the data rows; build
  its problem with :func:`demand_problem` (a demand shape fitted to sales)
  or :func:`formula_problem` (a typed formula fitted to (x, y) rows);
- :func:`monte_carlo`: draw the uncertain parameters from their
  distributions (:func:`normal`, :func:`uniform`, :func:`triangular`,
  :func:`fixed`, or text such as ``"normal:20,2"``), solve every draw at once
  and report x*'s spread, the best x on average and the risk at a chosen x.

>>> import scenarios
>>> from scenarios.uncertainty import monte_carlo
>>> r = monte_carlo(scenarios.get("headphone_pricing"), {"unit_cost": "normal:20,2"},
...                 draws=10_000, seed=1)
>>> round(r.at_mean[0], 6), round(r.best_on_average[0], 1)
(75.0, 75.0)
"""

from scenarios.uncertainty.distributions import (
    KINDS,
    NUMBERS,
    Distribution,
    DistributionError,
    fixed,
    normal,
    parse_distribution,
    triangular,
    uniform,
)
from scenarios.uncertainty.expected import ExpectedCurve, RiskAt
from scenarios.uncertainty.intervals import (
    DISAGREEMENT,
    LEVEL,
    RESAMPLES,
    FittedProblem,
    Interval,
    OptimumInterval,
    fitted_curve,
    optimum_interval,
)
from scenarios.uncertainty.montecarlo import (
    DEFAULT_DRAWS,
    MAX_DRAWS,
    MIN_DRAWS,
    Histogram,
    MonteCarloResult,
    monte_carlo,
    risk_of,
)
from scenarios.uncertainty.problems import (
    demand_intervals,
    demand_problem,
    formula_problem,
)

__all__ = [
    "DEFAULT_DRAWS",
    "DISAGREEMENT",
    "KINDS",
    "LEVEL",
    "MAX_DRAWS",
    "MIN_DRAWS",
    "NUMBERS",
    "RESAMPLES",
    "Distribution",
    "DistributionError",
    "ExpectedCurve",
    "FittedProblem",
    "Histogram",
    "Interval",
    "MonteCarloResult",
    "OptimumInterval",
    "RiskAt",
    "demand_intervals",
    "demand_problem",
    "fitted_curve",
    "fixed",
    "formula_problem",
    "monte_carlo",
    "normal",
    "optimum_interval",
    "parse_distribution",
    "risk_of",
    "triangular",
    "uniform",
]
