"""Optima worked out by hand, independent of the solver.

Each function takes a scenario's full parameter dict and returns x* on the
scenario's domain. Scenarios with no closed form are absent; their tests fall
back to checking the derivative residual. The solver tests and
``benchmarks/solver.py`` both measure against these.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

Params = Mapping[str, float]


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def headphone_pricing(p: Params) -> float:
    # (p - c)(a - b p) peaks halfway between c and a/b.
    return (p["demand_intercept"] / p["demand_slope"] + p["unit_cost"]) / 2


def uber_surge(p: Params) -> float:
    demand = p["demand_multiplier"] * p["base_rides"]
    return (demand / p["price_sensitivity"] + p["cost_per_ride"]) / 2


def study_time(p: Params) -> float:
    # S k e^(-k h) = c  =>  h = ln(S k / c) / k, clipped to [0, 24].
    s, k, c = p["max_score"], p["learning_speed"], p["fatigue_cost"]
    if c == 0:
        return 24.0
    if s * k <= c:
        return 0.0
    return _clip(math.log(s * k / c) / k, 0.0, 24.0)


def fuel_efficiency(p: Params) -> float:
    return _clip(math.sqrt(p["idle_burn"] / p["drag_coefficient"]), 5.0, 120.0)


def compound_growth(p: Params) -> float:
    return p["horizon"]


def ad_spend(p: Params) -> float:
    return _clip(p["linear_saving"] / (2 * p["quadratic_cost"]), 0.0, 20.0)


def production_profit(p: Params) -> float:
    return _clip(p["unit_margin"] / (2 * p["curvature"]), 0.0, 30.0)


def study_burnout(p: Params) -> float:
    return _clip(p["gain"] / (2 * p["curvature"]), 0.0, 15.0)


def recommendation_tuning(p: Params) -> float:
    return p["best_alpha"]


CLOSED_FORMS: dict[str, Callable[[Params], float]] = {
    name: fn
    for name, fn in list(globals().items())
    if callable(fn)
    and getattr(fn, "__module__", None) == __name__
    and not name.startswith("_")
}
