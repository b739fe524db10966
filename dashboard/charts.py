"""The main chart: f with its optimum, reference points and tangent, over f'.

The two panels are separate Vega-Lite views stacked on the page, because only
single and layered views can stretch to the container width. They share the
x domain and a fixed y-axis width, so the place where f turns lines up exactly
with the place where f' crosses zero.

Building an Altair chart validates it against the Vega-Lite JSON schema, which
costs about 100 ms: far too slow to repeat on every slider move. So each
panel is built with Altair once per scenario, reading *named* datasets, and
compiled to a Vega-Lite dict that is cached. A rerun only makes the small data
frames and hands both to ``st.vega_lite_chart``. Extra layers from other
sections take the slower path and are compiled with the panel each time.

Text is formatted with :mod:`dashboard.format`, never with Vega's number
formats, so tooltips and labels match the rest of the page.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
from altair.utils import schemapi
from streamlit.elements.vega_charts import _altair_globals_lock

import scenarios
from scenarios import Curve, PointReport, Scenario, Solution

from . import format as fmt
from .engine import TANGENT_SHARE, tangent_span  # noqa: F401 - part of this API
from .label_layout import LabelSpot, label_offsets

OPTIMUM = "#0f766e"
YOURS = "#c2410c"
REFERENCE = "#64748b"
CURVE = "#1f2933"
Y_AXIS_WIDTH = 76
"""Pixels reserved for each y axis, identical in both panels so x lines up."""
ROLES = ("Optimum", "Your value", "Reference")
OBJECTIVE_HEIGHT = 300
SLOPE_HEIGHT = 170
ABOVE, BELOW = -13.0, 13.0
"""A label's preferred offset from its point, in pixels to the label's middle."""
HOVER_DATA = "hover"
"""The dataset of pointer snap targets: see :func:`hover_frame`."""
HOVER = "hover_f"
"""The objective panel's pointer selection: the nearest sample of the curve."""
READOUT = "pointer_readout"
"""Vega mark name of the hover tangent's readout (its SVG group's class)."""
HOVER_STRIDE = 4
"""The pointer snaps to every fourth curve sample, 100 across the range.

Each snap target is an SVG symbol plus a Voronoi cell that the browser redraws
on every slider move; all 400 samples would double the chart's DOM.
"""

# Millions and billions are shortened so every label fits the fixed axis width.
_Y_LABELS = (
    "abs(datum.value) >= 1e9 ? format(datum.value / 1e9, ',~r') + ' bn' : "
    "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, ',~r') + ' m' : "
    "format(datum.value, ',~r')"
)

Spec = dict[str, Any]


@dataclass(frozen=True)
class MainChart:
    """The two panels as Vega-Lite specs, ready for ``st.vega_lite_chart``."""

    objective: Spec
    slope: Spec


# --- data ---------------------------------------------------------------------


def curve_frame(scenario: Scenario, curve: Curve) -> pd.DataFrame:
    """The sampled curve, numbers only: both panels draw their line from it."""
    return pd.DataFrame({"x": curve.x, "f": curve.value, "df": curve.derivative})


def hover_frame(scenario: Scenario, curve: Curve) -> pd.DataFrame:
    """Every :data:`HOVER_STRIDE`-th sample, with all the pointer draws there.

    Per row: the sample, its text, the readout, and the ends of the tangent
    at that sample (``tx0, tf0`` to ``tx1, tf1``), at most
    :data:`TANGENT_SHARE` of the width either side and cut where it would
    leave the curve's own x or y range, so it never stretches the scales.
    Worked out here once per parameter set, the browser only filters rows.
    """
    x, f, df = curve.x, curve.value, curve.derivative
    (x_lo, x_hi), y_range = (x.min(), x.max()), (float(f.min()), float(f.max()))
    keep = slice(1, None, HOVER_STRIDE)
    x, f, df = x[keep], f[keep], df[keep]
    # tangent_span for every sample at once, then cut like the user's tangent.
    h = TANGENT_SHARE * (x_hi - x_lo)
    x0, x1 = np.maximum(x - h, x_lo), np.minimum(x + h, x_hi)
    tx0, tf0, tx1, tf1, _ = cut_to_range(
        x0, f + df * (x0 - x), x1, f + df * (x1 - x), y_range
    )
    var, unit = scenario.variable, scenario.objective_unit
    slope = fmt.with_unit("slope f′", fmt.slope_unit(scenario))
    readout = [
        f"{var.label} {fmt.quantity(a, var.unit)} · {scenario.objective_label} "
        f"{fmt.quantity(b, unit)} · {slope} {fmt.signed(c)}"
        for a, b, c in zip(x.tolist(), f.tolist(), df.tolist(), strict=True)
    ]
    return pd.DataFrame(
        {
            "x": x,
            "f": f,
            "df": df,
            "readout": readout,
            "tx0": tx0,
            "tf0": tf0,
            "tx1": tx1,
            "tf1": tf1,
        }
    )


def _role(label: str, yours: str) -> str:
    if label == "Optimum":
        return "Optimum"
    return "Your value" if label == yours else "Reference"


def _placed(
    rows: list[dict],
    x_span: tuple[float, float],
    y_span: tuple[float, float],
    height: float,
    y_field: str,
    order: Sequence[int],
) -> list[dict]:
    """``rows`` with ``label_dy``: pixel offsets that keep their labels apart.

    Labels are placed in ``order`` (the first keeps its preferred line); the
    user's value prefers the line below its point, every other label above.
    """
    # Vega's "nice" y axis reaches past the data; widening the span the same way
    # keeps the estimate of how close two points sit on screen from being low.
    pad = 0.12 * (y_span[1] - y_span[0])
    y_span = (y_span[0] - pad, y_span[1] + pad)
    spots = [
        LabelSpot(
            rows[i]["x"], rows[i][y_field], rows[i]["label"], rows[i]["right_half"]
        )
        for i in order
    ]
    preferred = [BELOW if rows[i].get("role") == "Your value" else ABOVE for i in order]
    offsets = label_offsets(spots, x_span, y_span, height, preferred)
    for i, dy in zip(order, offsets, strict=True):
        rows[i]["label_dy"] = dy
    return rows


_ROLE_ORDER = {"Optimum": 0, "Your value": 1, "Reference": 2}


def point_frame(
    scenario: Scenario,
    reports: Sequence[PointReport],
    yours: str,
    domain: tuple[float, float],
    y_range: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The marked points inside the domain, with their text and label placement.

    ``y_range`` is the plotted curve's y extent (default: the points' own);
    labels that would overlap are stacked (``label_dy``, in pixels).
    """
    var, unit = scenario.variable, scenario.objective_unit
    middle = (domain[0] + domain[1]) / 2
    rows = [
        {
            "x": r.x,
            "f": r.value,
            "df": r.derivative,
            "role": _role(r.label, yours),
            "label": f"{r.label}: {fmt.quantity(r.x, var.unit)}",
            "right_half": bool(r.x > middle),
            "x_text": fmt.quantity(r.x, var.unit),
            "f_text": fmt.quantity(r.value, unit),
            "df_text": fmt.signed(r.derivative),
        }
        for r in reports
        if r.in_domain
    ]
    if rows:
        ys = [r["f"] for r in rows]
        span = y_range or (min(ys), max(ys))
        order = sorted(range(len(rows)), key=lambda i: _ROLE_ORDER[rows[i]["role"]])
        rows = _placed(rows, domain, span, OBJECTIVE_HEIGHT, "f", order)
    columns = ["x", "f", "df", "role", "label", "right_half", "label_dy"]
    return pd.DataFrame(rows, columns=[*columns, "x_text", "f_text", "df_text"])


def crossing_frame(scenario: Scenario, solution: Solution) -> pd.DataFrame:
    """Where f' crosses zero (the stationary points)."""
    lo, hi = solution.domain
    middle = (lo + hi) / 2
    rows = [
        {
            "x": sp.x,
            "df": 0.0,
            "label": f"f′ = 0 at {fmt.quantity(sp.x, scenario.variable.unit)}",
            "right_half": bool(sp.x > middle),
        }
        for sp in solution.stationary_points
    ]
    if rows:
        # Every crossing sits on the zero line: only their x decides overlaps.
        order = range(len(rows))
        rows = _placed(rows, (lo, hi), (-1.0, 1.0), SLOPE_HEIGHT, "df", order)
    return pd.DataFrame(rows, columns=["x", "df", "label", "right_half", "label_dy"])


def cut_to_range(
    x0: np.ndarray,
    y0: np.ndarray,
    x1: np.ndarray,
    y1: np.ndarray,
    y_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Segments (x0, y0) to (x1, y1), each cut where it leaves ``y_range``.

    Returns the cut ends and which segments keep any length. A tangent drawn
    whole would stretch the shared y scale and flatten the curve.
    """
    low, high = y_range
    dy = y1 - y0
    inside = (low <= y0) & (y0 <= high)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Parameters t in [0, 1] along each segment where y stays in range.
        t_a, t_b = (low - y0) / dy, (high - y0) / dy
    moving = dy != 0
    t0 = np.where(moving, np.maximum(0.0, np.minimum(t_a, t_b)), 1.0 - inside)
    t1 = np.where(moving, np.minimum(1.0, np.maximum(t_a, t_b)), 0.0 + inside)
    dx = x1 - x0
    return x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy, t1 > t0


def tangent_frame(
    xs: np.ndarray, ys: np.ndarray, y_range: tuple[float, float]
) -> pd.DataFrame:
    """The tangent segment, cut where it leaves the curve's own y range."""
    ends = [np.asarray([float(v)]) for v in (xs[0], ys[0], xs[1], ys[1])]
    xa, ya, xb, yb, keep = cut_to_range(*ends, y_range)
    if not keep[0]:
        return pd.DataFrame({"x": [], "f": []})
    return pd.DataFrame({"x": [xa[0], xb[0]], "f": [ya[0], yb[0]]})


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


def with_data(spec: Spec, datasets: Mapping[str, Any]) -> Spec:
    """A copy of a compiled chart with this run's named datasets.

    Only the datasets change between reruns, never the spec itself, so the
    browser updates the drawn chart in place instead of embedding it anew.
    Pass exactly the datasets the spec reads: the browser replaces each one
    in the drawn view, and a name the view does not know makes that fail, so
    the chart would go on showing the data it was first drawn with.
    The x scale needs no pinned domain: the curve spans exactly the domain.
    """
    # A shallow copy is enough: nothing downstream edits the nested parts.
    return {**spec, "datasets": {**spec.get("datasets", {}), **datasets}}


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


def _arrow(data: Any) -> Any:
    """``data`` (a frame or a list of records) as an Arrow table.

    Streamlit turns each dataset into Arrow on every rerun; from a pandas
    frame that takes about 0.6 ms a dataset, from columns about 0.01 ms.
    """
    if isinstance(data, pd.DataFrame):
        return pa.table({str(c): data[c].to_numpy() for c in data.columns})
    if isinstance(data, list):
        return pa.Table.from_pylist(data)
    return data


def sendable(spec: Spec) -> Spec:
    """``spec`` with every named dataset as Arrow, ready for ``st.vega_lite_chart``."""
    datasets = {name: _arrow(data) for name, data in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets}


def compile_chart(chart: alt.TopLevelMixin) -> Spec:
    """``chart`` as the Vega-Lite dict ``st.altair_chart`` would send, unvalidated.

    For charts compiled once and then filled by :func:`with_data` on every
    rerun. Like ``st.altair_chart``, it leaves out Altair's default theme
    (a 300-pixel default view size), under the lock Streamlit takes for that
    global switch. Tests validate these specs against the schema.
    """
    with _altair_globals_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else None
        with theme or contextlib.nullcontext():
            return chart.to_dict(validate=False)


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
