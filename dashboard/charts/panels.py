"""The main chart: f with its optimum, reference points and tangent, over f'.

The two panels are separate Vega-Lite views stacked on the page, because only
single and layered views can stretch to the container width. They share the
x domain and a fixed y-axis width, so the place where f turns lines up exactly
with the place where f' crosses zero.

Each panel is built with Altair once per scenario, reading *named* datasets,
and compiled to a cached Vega-Lite dict (see :mod:`dashboard.charts.vega`); a rerun
only makes the data frames of :mod:`dashboard.charts.frames`. Extra layers from
other sections take the slower path and are compiled with the panel each time.

Text is formatted with :mod:`dashboard.format`, never with Vega's number
formats, so tooltips and labels match the rest of the page.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
from altair.utils import schemapi

import scenarios
from dashboard import format as fmt
from dashboard.charts.frames import (
    OBJECTIVE_HEIGHT,
    SLOPE_HEIGHT,
    crossing_frame,
    curve_frame,
    hover_frame,
    point_frame,
    tangent_frame,
)
from dashboard.charts.vega import Spec, with_data
from scenarios import Scenario, Solution
from scenarios.analysis import Curve, PointReport

OPTIMUM = "#0f766e"
YOURS = "#c2410c"
REFERENCE = "#64748b"
CURVE = "#1f2933"
Y_AXIS_WIDTH = 76
"""Pixels reserved for each y axis, identical in both panels so x lines up."""
ROLES = ("Optimum", "Your value", "Reference")
HOVER_DATA = "hover"
"""The dataset of pointer snap targets: see :func:`hover_frame`."""
HOVER = "hover_f"
"""The objective panel's pointer selection: the nearest sample of the curve."""
READOUT = "pointer_readout"
"""Vega mark name of the hover tangent's readout (its SVG group's class)."""

# Millions and billions are shortened so every label fits the fixed axis width.
_Y_LABELS = (
    "abs(datum.value) >= 1e9 ? format(datum.value / 1e9, ',~r') + ' bn' : "
    "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, ',~r') + ' m' : "
    "format(datum.value, ',~r')"
)


@dataclass(frozen=True)
class MainChart:
    """The two panels as Vega-Lite specs, ready for ``st.vega_lite_chart``."""

    objective: Spec
    slope: Spec


# --- the Altair panels --------------------------------------------------------


def _axis_title(label: str, unit: str) -> list[str]:
    """Name and unit on two lines in both panels, so their axes stay equally wide."""
    return [label, f"({unit})" if unit else " "]


def _y_axis() -> alt.Axis:
    return alt.Axis(
        minExtent=Y_AXIS_WIDTH,
        maxExtent=Y_AXIS_WIDTH,
        labelExpr=_Y_LABELS,
        titleLimit=OBJECTIVE_HEIGHT,
    )


def _tooltip(scenario: Scenario) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("x_text:N", title=scenario.variable.label),
        alt.Tooltip("f_text:N", title=scenario.objective_label),
        alt.Tooltip(
            "df_text:N", title=fmt.with_unit("Slope f′", fmt.slope_unit(scenario))
        ),
    ]


def _x(scenario: Scenario, labels: bool) -> alt.X:
    var = scenario.variable
    scale = alt.Scale(nice=False, zero=False)
    if not labels:
        # The top panel's x labels would repeat the bottom's: keep its grid only.
        return alt.X("x:Q", title=None, scale=scale, axis=alt.Axis(labels=False))
    title = fmt.with_unit(var.label, var.unit)
    return alt.X("x:Q", title=title, scale=scale, axis=alt.Axis(format=",~r"))


def _hover_selection(name: str) -> alt.Parameter:
    """The hover sample nearest the pointer, picked in the browser."""
    return alt.selection_point(
        name=name, on="pointerover", nearest=True, fields=["x"], empty=False
    )


def _hover_layers(x: alt.X, y: alt.Y, name: str) -> list[alt.Chart]:
    """Invisible snap targets on the hover samples, and a rule at the chosen one.

    The readout above the top panel gives the figures, so the targets carry
    no tooltip: a tooltip per target is text built for every sample.
    """
    hover = _hover_selection(name)
    data = alt.Data(name=HOVER_DATA)
    rule = (
        alt.Chart(data)
        .mark_rule(color=REFERENCE, strokeDash=[2, 2])
        .encode(x=x, tooltip=NO_TOOLTIP)
        .transform_filter(hover)
    )
    catcher = (
        alt.Chart(data)
        .mark_point(opacity=0, size=50)
        .encode(x=x, y=y, tooltip=NO_TOOLTIP)
        .add_params(hover)
    )
    return [rule, catcher]


def _side(expr_left: object, expr_right: object) -> dict:
    """A mark property that takes one value left of the middle and one right."""
    return {"expr": f"datum.right_half ? {expr_right} : {expr_left}"}


def _point_labels(data: alt.Data, x: alt.X, y: alt.Y, colour: alt.Color) -> alt.Chart:
    """Labels beside each point, on the side with room; the user's is bold.

    One text layer: its alignment, offset and weight are read from each row.
    """
    return (
        alt.Chart(data)
        .mark_text(
            align=_side("'left'", "'right'"),
            dx=_side(9, -9),
            fontSize=12,
            fontWeight={"expr": "datum.role == 'Your value' ? 600 : 400"},
            dy=LABEL_DY,
            baseline="middle",
        )
        .encode(x=x, y=y, text="label:N", color=colour)
    )


NO_TOOLTIP = alt.value(None)
"""Streamlit shows every field of a mark without a tooltip: pointer layers opt out."""
LABEL_DY = {"expr": "datum.label_dy"}
"""A label's vertical offset in pixels, read from its row (see label_layout)."""


def _pointer_tangent(
    scenario: Scenario, x: alt.X, y: alt.Y, hover: alt.Parameter
) -> list[alt.Chart]:
    """The tangent at the hover sample under the pointer, drawn in the browser.

    Every row of the hover data already holds its tangent's ends and its
    readout, so the browser only keeps the row under the pointer: it follows
    the pointer at frame rate with no rerun and no per-row arithmetic.
    """
    at_pointer = alt.Chart(alt.Data(name=HOVER_DATA)).transform_filter(hover)
    line = at_pointer.mark_rule(color=OPTIMUM, strokeWidth=2, opacity=0.85).encode(
        x=alt.X("tx0:Q"), y=alt.Y("tf0:Q"), x2="tx1:Q", y2="tf1:Q", tooltip=NO_TOOLTIP
    )
    dot = at_pointer.mark_point(
        filled=True, size=70, color=OPTIMUM, opacity=1, stroke="white"
    ).encode(x=x, y=y, tooltip=NO_TOOLTIP)
    text = (
        at_pointer.mark_text(
            align="right",
            baseline="bottom",
            x={"expr": "width"},
            y=-8,
            fontSize=12,
            fontWeight=600,
            color=OPTIMUM,
        )
        .encode(text="readout:N", tooltip=NO_TOOLTIP)
        .properties(name=READOUT)
    )
    return [line, dot, text]


def objective_panel(scenario: Scenario) -> alt.LayerChart:
    """f with the tangent and marked points, reading named datasets.

    Datasets: ``curve`` (x, f, df), ``hover`` (:func:`hover_frame`),
    ``points`` (x, f, role, label, right_half and text) and ``tangent`` (x, f).
    """
    curve, points = alt.Data(name="curve"), alt.Data(name="points")
    x = _x(scenario, labels=False)
    y = alt.Y(
        "f:Q",
        title=_axis_title(scenario.objective_label, scenario.objective_unit),
        scale=alt.Scale(zero=False),
        axis=_y_axis(),
    )
    colour = alt.Color(
        "role:N",
        title=None,
        scale=alt.Scale(domain=list(ROLES), range=[OPTIMUM, YOURS, REFERENCE]),
        legend=alt.Legend(orient="top", direction="horizontal", symbolSize=90),
    )
    return alt.layer(
        alt.Chart(curve).mark_line(color=CURVE, strokeWidth=2).encode(x=x, y=y),
        alt.Chart(alt.Data(name="tangent"))
        .mark_line(color=YOURS, strokeDash=[6, 4], strokeWidth=2)
        .encode(x=x, y=y),
        alt.Chart(points)
        .mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=1)
        .encode(x=x, y=y, color=colour, tooltip=_tooltip(scenario)),
        _point_labels(points, x, y, colour),
        *_hover_layers(x, y, HOVER),
        *_pointer_tangent(scenario, x, y, _hover_selection(HOVER)),
        width="container",
        height=OBJECTIVE_HEIGHT,
    )


def slope_panel(scenario: Scenario) -> alt.LayerChart:
    """f' with its zero line, zero crossings and the user's slope.

    Datasets: ``curve``, ``points`` and ``crossings`` (x, df, label,
    right_half). The pointer readout lives in the top panel alone: snap
    targets here too would double what the browser redraws on every move.
    """
    curve, points = alt.Data(name="curve"), alt.Data(name="points")
    crossings = alt.Data(name="crossings")
    x = _x(scenario, labels=True)
    y = alt.Y(
        "df:Q",
        title=_axis_title("Slope f′", fmt.slope_unit(scenario)),
        scale=alt.Scale(zero=False),
        axis=_y_axis(),
    )
    return alt.layer(
        alt.Chart(alt.Data(values=[{}]))
        .mark_rule(color=REFERENCE)
        .encode(y=alt.datum(0)),
        alt.Chart(curve).mark_line(color=CURVE, strokeWidth=2).encode(x=x, y=y),
        alt.Chart(crossings)
        .mark_point(shape="diamond", filled=True, size=130, color=OPTIMUM, opacity=1)
        .encode(x=x, y=y, tooltip=alt.Tooltip("label:N", title="Zero crossing")),
        alt.Chart(crossings)
        .mark_text(
            align=_side("'left'", "'right'"),
            dx=_side(10, -10),
            fontSize=12,
            color=OPTIMUM,
            dy=LABEL_DY,
            baseline="middle",
        )
        .encode(x=x, y=y, text="label:N"),
        alt.Chart(points)
        .transform_filter("datum.role == 'Your value'")
        .mark_point(filled=True, size=90, color=YOURS, opacity=1)
        .encode(x=x, y=y, tooltip=_tooltip(scenario)),
        width="container",
        height=SLOPE_HEIGHT,
    )


def _finish(chart: alt.LayerChart) -> alt.LayerChart:
    """``chart``, a fresh top-level layer, with the shared axis and view config.

    Set in place: ``configure_axis`` and ``configure_view`` would each copy
    the chart, and every copy of a layered chart re-merges all its layers.
    Width and height go to ``alt.layer`` itself for the same reason.
    """
    chart.usermeta = {"embedOptions": {"renderer": "hybrid"}}
    chart.config = alt.Config(
        axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12, gridColor="#e5e9e8"),
        view=alt.ViewConfig(strokeWidth=0),
    )
    return chart


def compile_panels(scenario: Scenario, validate: bool = True) -> tuple[Spec, Spec]:
    """Both panels of ``scenario`` as Vega-Lite dicts reading named datasets."""
    with schemapi.debug_mode(validate):
        return (
            _finish(objective_panel(scenario)).to_dict(validate=validate),
            _finish(slope_panel(scenario)).to_dict(validate=validate),
        )


@functools.lru_cache(maxsize=64)
def _compiled(scenario_id: str) -> tuple[Spec, Spec]:
    """The panels for ``scenario_id``, built once per process.

    Schema validation costs more than the build itself on a cold start; the
    test suite validates every scenario's panels instead (``validate=True``).
    """
    return compile_panels(scenarios.get(scenario_id), validate=False)


def _every_other(line: pd.DataFrame) -> pd.DataFrame:
    """Every second sample and the last: the short f′ panel draws half as many.

    At 170 pixels high and about 700 wide, 200 samples still join into a
    smooth line, and the browser redraws 200 fewer points on every move.
    """
    keep = np.zeros(len(line), dtype=bool)
    keep[::2] = True
    if len(line):
        keep[-1] = True
    return line[keep]


def main_chart(
    scenario: Scenario,
    curve: Curve,
    solution: Solution,
    reports: Sequence[PointReport],
    your_label: str,
    tangent: tuple[np.ndarray, np.ndarray],
    *,
    extra_layers: Sequence[alt.Chart] = (),
    frames: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> MainChart:
    """f over the domain with its marks and tangent, and f' on the same x axis.

    ``reports`` are the points to mark (reference points, the user's value
    labelled ``your_label`` and the optimum). ``tangent`` is the tangent at the
    user's value as arrays of x and y. ``extra_layers`` are drawn on top of
    the f panel in its coordinates (quantitative fields ``x`` and ``f``), so
    another section can add shading or fitted data without editing this.
    ``frames`` are :func:`curve_frame` and :func:`hover_frame` of ``curve``,
    if already made.
    """
    lo, hi = solution.domain
    if frames is None:
        frames = (curve_frame(scenario, curve), hover_frame(scenario, curve))
    line, hover = frames
    y_range = (float(np.min(curve.value)), float(np.max(curve.value)))
    # Each panel gets exactly the datasets it reads (see with_data).
    shared = {
        "curve": line,
        HOVER_DATA: hover,
        "points": point_frame(scenario, reports, your_label, (lo, hi), y_range),
    }
    tangent_data = tangent_frame(tangent[0], tangent[1], y_range)
    objective_spec, slope_spec = _compiled(scenario.id)
    if extra_layers:
        panel = alt.layer(objective_panel(scenario), *extra_layers)
        objective_spec = _finish(panel).to_dict()
    return MainChart(
        with_data(objective_spec, {**shared, "tangent": tangent_data}),
        with_data(
            slope_spec,
            {
                "curve": _every_other(line),
                "points": shared["points"],
                "crossings": crossing_frame(scenario, solution),
            },
        ),
    )
