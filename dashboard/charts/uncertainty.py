"""Charts of how sure an optimum is: Monte Carlo histograms and fitted intervals.

Compiled once per scenario (see :mod:`dashboard.charts.vega`) and filled by
:mod:`dashboard.sections.uncertainty` and :mod:`dashboard.sections.fit_interval`
with each run's data:

- :func:`histogram_spec`: the distribution of x* over the draws, with rules
  at the optimum at the mean values, the best on average and the user's x;
- :func:`expected_spec`: the expected objective across x, the middle 90% of
  the draws shaded, with the same rules;
- :func:`interval_spec`: fitted objective curves, each best x with its
  interval shaded (bootstrap) and drawn as a bar (delta method).
"""

from __future__ import annotations

import functools

import altair as alt

import scenarios
from dashboard import format as fmt
from dashboard.charts import vega
from dashboard.charts.sensitivity import d3_format
from dashboard.charts.vega import Spec

MARK_COLOURS = ("#29335c", "#e4572e", "#888888")
"""Rules for the optimum at the mean values, the best on average, your x."""

HEIGHT = 240
"""Pixels of each chart, legend included: two fit side by side above the fold."""


def mark_labels(scenario_id: str) -> tuple[str, str, str]:
    """The three marked x values' names, as the legends show them."""
    var = scenarios.get(scenario_id).variable.label.lower()
    return ("At the mean values", "Best on average", f"Your {var}")


def _rules(scenario_id: str, x_title: str, unit: str) -> alt.Chart:
    """The three marked x values as rules: solid at the mean values, else dashed."""
    labels = list(mark_labels(scenario_id))
    mark = alt.Scale(domain=labels, range=list(MARK_COLOURS))
    dash = alt.Scale(domain=labels, range=[[1, 0], [6, 3], [3, 3]])
    legend = alt.Legend(
        orient="bottom",
        columns=3,
        labelFontSize=11,
        symbolSize=120,
        columnPadding=12,
        labelLimit=160,
    )
    return (
        alt.Chart(alt.Data(name="marks"))
        .mark_rule(strokeWidth=2)
        .encode(
            x=alt.X("x:Q"),
            color=alt.Color("mark:N", title=None, scale=mark, legend=legend),
            strokeDash=alt.StrokeDash("mark:N", scale=dash, legend=None),
            tooltip=[
                alt.Tooltip("mark:N", title="Mark"),
                alt.Tooltip("x:Q", title=x_title, format=d3_format(unit)),
            ],
        )
    )


@functools.lru_cache(maxsize=256)
def histogram_spec(scenario_id: str) -> Spec:
    """x* over the draws; reads ``bins`` (lo, hi, share) and ``marks`` (x, mark)."""
    scenario = scenarios.get(scenario_id)
    var = scenario.variable
    x_title = fmt.with_unit(f"Best {var.label.lower()}", var.unit)
    bars = (
        alt.Chart(alt.Data(name="bins"))
        .mark_bar(color="#9db4d6", stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("lo:Q", title=x_title, scale=alt.Scale(zero=False, nice=False)),
            x2="hi:Q",
            y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
            # Bars rise from zero: with x and x2 both given, a bar without y2
            # would be drawn across, as a thin band at its height.
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("lo:Q", title="From", format=d3_format(var.unit)),
                alt.Tooltip("hi:Q", title="To", format=d3_format(var.unit)),
                alt.Tooltip("share:Q", title="Share of draws", format=".1%"),
            ],
        )
    )
    rules = _rules(scenario_id, x_title, var.unit)
    return vega.compile_chart(alt.layer(bars, rules, height=HEIGHT))


@functools.lru_cache(maxsize=256)
def expected_spec(scenario_id: str) -> Spec:
    """The expected objective; reads ``curve`` (x, mean, low, high) and ``marks``."""
    scenario = scenarios.get(scenario_id)
    var = scenario.variable
    unit = scenario.objective_unit
    x_title = fmt.with_unit(var.label, var.unit)
    # The caption says "expected"; the axis keeps the scenario's own short title.
    y_title = fmt.with_unit(scenario.objective_label, unit)
    curve = alt.Chart(alt.Data(name="curve"))
    band = curve.mark_area(color="#9db4d6", opacity=0.35).encode(
        x=alt.X("x:Q", title=x_title, scale=alt.Scale(nice=False)),
        y=alt.Y("low:Q", title=y_title, scale=alt.Scale(zero=False)),
        y2="high:Q",
    )
    line = curve.mark_line(color="#29335c", strokeWidth=2).encode(
        x="x:Q",
        y="mean:Q",
        tooltip=[
            alt.Tooltip("x:Q", title=x_title, format=d3_format(var.unit)),
            alt.Tooltip("mean:Q", title="Expected", format=d3_format(unit)),
            alt.Tooltip("low:Q", title="5% of draws below", format=d3_format(unit)),
            alt.Tooltip("high:Q", title="5% of draws above", format=d3_format(unit)),
        ],
    )
    rules = _rules(scenario_id, x_title, var.unit)
    return vega.compile_chart(alt.layer(band, line, rules, height=HEIGHT))


@functools.lru_cache(maxsize=64)
def interval_spec(
    x_title: str,
    y_title: str,
    x_unit: str,
    y_unit: str,
    series: tuple[str, ...],
    colours: tuple[str, ...],
) -> Spec:
    """Objective curves with each best x's interval.

    Reads ``curves`` (x, y, series), ``bands`` (lo, hi, series: the shaded
    bootstrap interval), ``bars`` (lo, hi, y, series: the delta interval at
    the optimum's height) and ``best`` (x, y, y_lo, y_hi, series).
    """
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=list(series), range=list(colours)),
        legend=alt.Legend(orient="bottom") if len(series) > 1 else None,
    )
    x_fmt, y_fmt = d3_format(x_unit), d3_format(y_unit)
    bands = (
        alt.Chart(alt.Data(name="bands"))
        .mark_rect(opacity=0.18)
        .encode(
            x=alt.X("lo:Q", title=x_title, scale=alt.Scale(nice=False, zero=False)),
            x2="hi:Q",
            color=colour,
            tooltip=[
                alt.Tooltip("series:N", title="Shape"),
                alt.Tooltip("lo:Q", title="Bootstrap from", format=x_fmt),
                alt.Tooltip("hi:Q", title="to", format=x_fmt),
            ],
        )
    )
    lines = (
        alt.Chart(alt.Data(name="curves"))
        .mark_line(strokeWidth=2)
        .encode(
            x="x:Q",
            y=alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=colour,
        )
    )
    bars = (
        alt.Chart(alt.Data(name="bars"))
        .mark_rule(strokeWidth=3)
        .encode(x="lo:Q", x2="hi:Q", y="y:Q", color=colour)
    )
    best = (
        alt.Chart(alt.Data(name="best"))
        .mark_point(shape="diamond", size=120, filled=True, stroke="white")
        .encode(
            x="x:Q",
            y="y:Q",
            color=colour,
            tooltip=[
                alt.Tooltip("series:N", title="Shape"),
                alt.Tooltip("x:Q", title=x_title, format=x_fmt),
                alt.Tooltip("y:Q", title=y_title, format=y_fmt),
            ],
        )
    )
    return vega.compile_chart(alt.layer(bands, lines, bars, best, height=HEIGHT))
