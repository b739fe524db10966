"""The sensitivity section's charts, compiled once per scenario and shape.

One-way sweeps, the two-way heatmap and the tornado as Vega-Lite specs that
read named datasets (see :mod:`dashboard.charts.vega`); the section in
:mod:`dashboard.sections.sensitivity` fills them with each run's data.
"""

from __future__ import annotations

import functools

import altair as alt

import scenarios
from dashboard import format as fmt
from dashboard.charts import vega
from dashboard.charts.vega import Spec


def d3_format(unit: str) -> str:
    """A d3 number format for tooltips and axes: money keeps cents."""
    return "$,.2f" if unit.startswith("$") and " per " not in unit else ",.4~g"


@functools.lru_cache(maxsize=256)
def one_way_specs(scenario_id: str, name: str) -> tuple[Spec, Spec]:
    """The sweep's two charts for parameter ``name``, compiled once.

    They read the named datasets ``sweep`` (theta, optimum, objective) and
    ``current`` (the same columns, one row).
    """
    scenario = scenarios.get(scenario_id)
    param = scenario.param(name)
    var = scenario.variable
    x_title = fmt.slider_label(param)
    frame, current = alt.Data(name="sweep"), alt.Data(name="current")
    specs = []
    for column, title, unit in (
        ("optimum", f"Best {var.label.lower()}", var.unit),
        ("objective", scenario.objective_label, scenario.objective_unit),
    ):
        y = alt.Y(f"{column}:Q", title=fmt.with_unit(title, unit))
        tips = [
            alt.Tooltip("theta:Q", title=x_title, format=d3_format(param.unit)),
            alt.Tooltip(f"{column}:Q", title=title, format=d3_format(unit)),
        ]
        line = (
            alt.Chart(frame)
            .mark_line()
            .encode(x=alt.X("theta:Q", title=x_title), y=y, tooltip=tips)
        )
        rule = (
            alt.Chart(current)
            .mark_rule(strokeDash=[4, 3], color="#888")
            .encode(x="theta:Q")
        )
        dot = (
            alt.Chart(current)
            .mark_point(filled=True, size=90, color="#d62728")
            .encode(x="theta:Q", y=f"{column}:Q", tooltip=tips)
        )
        specs.append(vega.compile_chart(alt.layer(line, rule, dot, height=220)))
    return specs[0], specs[1]


@functools.lru_cache(maxsize=256)
def heatmap_spec(scenario_id: str, x_name: str, y_name: str, show: str) -> Spec:
    """The two-way heatmap, compiled once per pair of parameters and colour.

    It reads the named datasets ``cells`` (:attr:`HeatmapData.cells`) and
    ``marker`` (x and y of the current case).
    """
    scenario = scenarios.get(scenario_id)
    var = scenario.variable
    sx, sy = scenario.param(x_name), scenario.param(y_name)
    if show == "optimum":
        title, unit = f"Best {var.label.lower()}", var.unit
    else:
        title, unit = scenario.objective_label, scenario.objective_unit
    x_title, y_title = fmt.slider_label(sx), fmt.slider_label(sy)
    heat = (
        alt.Chart(alt.Data(name="cells"))
        .mark_rect()
        .encode(
            x=alt.X("x_lo:Q", title=x_title, scale=alt.Scale(nice=False, zero=False)),
            x2="x2:Q",
            y=alt.Y("y_lo:Q", title=y_title, scale=alt.Scale(nice=False, zero=False)),
            y2="y2:Q",
            color=alt.Color(
                f"{show}:Q",
                title=fmt.with_unit(title, unit),
                scale=alt.Scale(scheme="viridis"),
                legend=alt.Legend(format=d3_format(unit)),
            ),
            tooltip=[
                alt.Tooltip("x:Q", title=x_title, format=d3_format(sx.unit)),
                alt.Tooltip("y:Q", title=y_title, format=d3_format(sy.unit)),
                alt.Tooltip(f"{show}:Q", title=title, format=d3_format(unit)),
            ],
        )
    )
    dot = (
        alt.Chart(alt.Data(name="marker"))
        .mark_point(shape="cross", size=160, color="white", strokeWidth=2, filled=True)
        .encode(x="x:Q", y="y:Q")
    )
    return vega.compile_chart(alt.layer(heat, dot, height=420))


@functools.lru_cache(maxsize=256)
def tornado_spec(scenario_id: str, measure: str, order: tuple[str, ...]) -> Spec:
    """The tornado, compiled once per measure and order of the bars.

    It reads the named dataset ``tornado``: one row per parameter and side,
    with ``parameter``, ``side``, ``change`` and the tooltip texts.
    """
    scenario = scenarios.get(scenario_id)
    var = scenario.variable
    unit = scenario.objective_unit if measure == "objective" else var.unit
    title = scenario.objective_label if measure == "objective" else f"Best {var.label}"
    chart = (
        alt.Chart(alt.Data(name="tornado"))
        .mark_bar()
        .encode(
            y=alt.Y(
                "parameter:N",
                sort=list(order),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            x=alt.X("change:Q", title=f"Change in {fmt.with_unit(title, unit)}"),
            color=alt.Color(
                "side:N",
                title="Parameter moved",
                scale=alt.Scale(
                    domain=["−10 %", "+10 %"], range=["#e4572e", "#29335c"]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("parameter:N", title="Parameter"),
                alt.Tooltip("side:N", title="Moved"),
                alt.Tooltip("moved_to:N", title="To"),
                alt.Tooltip("change_text:N", title="Change"),
            ],
        )
    )
    # Inline values stay in the spec: a dataset would be converted every rerun.
    zero = (
        alt.Chart(alt.Data(values=[{"x": 0.0}])).mark_rule(color="#555").encode(x="x:Q")
    )
    # The height includes the legend under the plot.
    height = max(200, 60 * len(order) + 90)
    return vega.compile_chart(alt.layer(chart, zero, height=height))
