"""Continuously compounded growth: V(t) = P e^(r t).

The value only ever rises, so over a horizon its largest value is at the end;
what is interesting is the rate r V(t) at which it grows, and goal seek.
"""

import numpy as np

from scenarios.model import (
    Derived,
    FormulaText,
    GrowthFigures,
    Param,
    Reference,
    Scenario,
    Variable,
)


def value(years, principal, annual_rate, horizon):
    """Account value [$] after ``years``."""
    return principal * np.exp(annual_rate * years)


def value_slope(years, principal, annual_rate, horizon):
    """Growth rate [$ per year]: r V(t)."""
    return annual_rate * value(years, principal, annual_rate, horizon)


def value_curvature(years, principal, annual_rate, horizon):
    """How fast the growth rate itself grows [$ per year²]: r² V(t)."""
    return annual_rate**2 * value(years, principal, annual_rate, horizon)


def years_range(principal, annual_rate, horizon):
    """From today to the end of the horizon [years]."""
    return 0.0 * np.asarray(horizon), horizon


SCENARIO = Scenario(
    id="compound_growth",
    title="Compound growth",
    question="How fast does the money grow, and when does it double?",
    goal="maximize",
    variable=Variable("years", "Time", "years"),
    objective_label="Value",
    objective_unit="$",
    f=value,
    df=value_slope,
    d2f=value_curvature,
    domain=years_range,
    params=(
        Param(
            "principal",
            "Principal",
            "$",
            10000.0,
            100.0,
            1000000.0,
            100.0,
            "The amount invested today.",
        ),
        Param(
            "annual_rate",
            "Annual rate",
            "per year",
            0.05,
            0.001,
            0.2,
            0.001,
            "Continuously compounded interest rate; 0.05 means 5% a year.",
        ),
        Param(
            "horizon",
            "Horizon",
            "years",
            30.0,
            1.0,
            60.0,
            1.0,
            "How many years you look ahead.",
        ),
    ),
    references=(Reference(10.0, "Year 10"),),
    derived=(Derived("growth_rate", "Growth rate", "$ per year", value_slope),),
    formula_tex=r"V(t) = P\,e^{r t}",
    df_tex=r"V'(t) = r\,P\,e^{r t} = r\,V(t)",
    d2f_tex=r"V''(t) = r^2\,V(t)",
    explanation=(
        "V'(t) = r V(t) is never zero, so there is no turning point: the value "
        "climbs for ever and is largest at the end of the horizon. The derivative "
        "is still the useful part: it is how many dollars a year the account is "
        "earning right now, and it grows in proportion to the balance. Solving "
        "V(t) = 2P gives the doubling time ln 2 / r (13.9 years at 5%), and "
        "solving for r instead gives the rate that doubles money in t years."
    ),
    formula=FormulaText(
        "P e^(r t)",
        "t",
        ("0", "T"),
        {"P": "principal", "r": "annual_rate", "T": "horizon"},
    ),
    growth=GrowthFigures("annual_rate"),
    order=50,
)
