"""Fuel efficiency: miles per gallon as a function of cruising speed.

Fuel burn per hour is ``d s² + i`` gallons (drag plus idling), so miles per
gallon is ``s / (d s² + i)``, which peaks at ``s = sqrt(i / d)``.
"""

import numpy as np

from scenarios.model import Derived, FormulaText, Param, Reference, Scenario, Variable


def mpg(speed, drag_coefficient, idle_burn, trip_miles, fuel_price):
    """Fuel economy [miles per gallon] at ``speed`` [mph]."""
    return speed / (drag_coefficient * speed**2 + idle_burn)


def mpg_slope(speed, drag_coefficient, idle_burn, trip_miles, fuel_price):
    """Change in economy per extra mph [mpg per mph], by the quotient rule."""
    burn = drag_coefficient * speed**2 + idle_burn
    return (idle_burn - drag_coefficient * speed**2) / burn**2


def mpg_curvature(speed, drag_coefficient, idle_burn, trip_miles, fuel_price):
    """Second derivative of economy in speed [mpg per mph²]."""
    burn = drag_coefficient * speed**2 + idle_burn
    return (
        -2.0
        * drag_coefficient
        * speed
        * (3.0 * idle_burn - drag_coefficient * speed**2)
        / burn**3
    )


def speed_range(drag_coefficient, idle_burn, trip_miles, fuel_price):
    """Crawling to motorway-fast [mph]."""
    return 5.0, 120.0


def trip_gallons(speed, drag_coefficient, idle_burn, trip_miles, fuel_price):
    """Fuel used for the whole trip [gallons]."""
    return trip_miles / mpg(speed, drag_coefficient, idle_burn, trip_miles, 0.0)


def trip_cost(speed, drag_coefficient, idle_burn, trip_miles, fuel_price):
    """Fuel bill for the whole trip [$]."""
    gallons = trip_gallons(speed, drag_coefficient, idle_burn, trip_miles, 0.0)
    return fuel_price * gallons


def trip_hours(speed, drag_coefficient, idle_burn, trip_miles, fuel_price):
    """Time on the road [hours]."""
    return trip_miles / speed + 0.0 * np.asarray(drag_coefficient)


SCENARIO = Scenario(
    id="fuel_efficiency",
    title="Fuel efficiency",
    question="Which cruising speed gets the most miles out of each gallon?",
    goal="maximize",
    variable=Variable("speed", "Speed", "mph"),
    objective_label="Fuel economy",
    objective_unit="mpg",
    f=mpg,
    df=mpg_slope,
    d2f=mpg_curvature,
    domain=speed_range,
    params=(
        Param(
            "drag_coefficient",
            "Drag coefficient",
            "gal/h per mph²",
            0.001,
            0.0002,
            0.005,
            0.0001,
            "How steeply fuel burn grows with speed (air resistance).",
        ),
        Param(
            "idle_burn",
            "Idle burn",
            "gal/h",
            2.0,
            0.5,
            5.0,
            0.1,
            "Fuel burned per hour just to keep the engine running.",
        ),
        Param(
            "trip_miles",
            "Trip length",
            "miles",
            300.0,
            10.0,
            1000.0,
            10.0,
            "Length of the journey, for the cost and time columns.",
        ),
        Param(
            "fuel_price",
            "Fuel price",
            "$ per gallon",
            3.5,
            1.0,
            10.0,
            0.05,
            "What a gallon costs at the pump.",
        ),
    ),
    references=(Reference(55.0, "55 mph"), Reference(75.0, "75 mph")),
    derived=(
        Derived("gallons", "Fuel for trip", "gallons", trip_gallons),
        Derived("cost", "Trip fuel cost", "$", trip_cost),
        Derived("hours", "Trip time", "hours", trip_hours),
    ),
    formula_tex=r"E(s) = \frac{s}{d\,s^2 + i}",
    df_tex=r"E'(s) = \frac{i - d\,s^2}{(d\,s^2 + i)^2}",
    d2f_tex=r"E''(s) = \frac{-2\,d\,s\,(3 i - d\,s^2)}{(d\,s^2 + i)^3}",
    explanation=(
        "Going faster covers more miles each hour but burns fuel faster still "
        "once drag dominates. By the quotient rule E'(s) is zero when the idle "
        "burn equals the drag burn, i = d s², so s* = √(i/d): about 44.7 mph at "
        "the lesson's numbers, giving 11.2 mpg. E'' is negative there."
    ),
    formula=FormulaText(
        "s/(d s^2 + i)",
        "s",
        ("5", "120"),
        {"d": "drag_coefficient", "i": "idle_burn"},
    ),
    order=40,
)
