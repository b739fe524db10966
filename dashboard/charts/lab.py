"""Charts for the tool pages, and the units and colours the lab charts share.

Descent path, learning-rate finder, comparison and sigmoid charts; the
derivative lab's secant and step-size charts are in
:mod:`dashboard.charts.difference`, and curvature on the scenario page's chart
in :mod:`dashboard.charts.curvature`. Every number is computed in
``scenarios``; here it is only formatted (with :mod:`dashboard.format`) and
drawn.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import pandas as pd

import scenarios
from scenarios import Scenario, Solution
from scenarios.analysis import Curve

if TYPE_CHECKING:
    # Only the tool pages draw these; the scenario page imports this module too.
    from scenarios.learning import Descent, RateFinder, UnitCurve

from dashboard import format as fmt
from dashboard.charts import vega

CONCAVE_UP = "#2563eb"
CONCAVE_DOWN = "#d97706"
FLAT = "#94a3b8"
CURVE = "#1f2933"
PATH = "#c2410c"
OPTIMUM = "#0f766e"
MUTED = "#64748b"

OUTCOME_TEXT = {
    "converged": "Converged",
    "oscillated": "Oscillated",
    "diverged": "Diverged",
    "left_domain": "Left the range",
    "too_slow": "Too slow",
}
_OUTCOME_RANGE = [OPTIMUM, "#9333ea", "#dc2626", "#0369a1", MUTED]


# --- units and numbers --------------------------------------------------------


_SINGULAR = {"hours": "hour", "years": "year", "units": "unit", "days": "day"}


def curvature_unit(scenario: Scenario) -> str:
    """The unit of f″: the objective's unit per variable unit squared."""
    out, var = scenario.objective_unit, scenario.variable.unit
    if not var:
        return out
    if " " in var:
        return f"{out} per ({var})²".strip()
    return f"{out} per {_SINGULAR.get(var, var)}²".strip()


def curvature_text(scenario: Scenario, value: float) -> str:
    """f″ with its unit: ``−$20.00 per $²``, ``−0.6 points per hour²``."""
    unit = curvature_unit(scenario)
    out = scenario.objective_unit
    if out.startswith("$") and unit.startswith(out):
        return fmt.signed_quantity(value, out) + unit[len(out) :]
    return f"{fmt.signed(value)} {unit}".strip()


def x_text(scenario: Scenario, x: float) -> str:
    return fmt.quantity(x, scenario.variable.unit)


def f_text(scenario: Scenario, value: float) -> str:
    return fmt.quantity(value, scenario.objective_unit)


def small_quantity(scenario: Scenario, value: float) -> str:
    """An x-sized amount that may be tiny: ``$0.00011`` rather than ``$0.00``."""
    return fmt.small_quantity(value, scenario.variable.unit)


def _axis_title(label: str, unit: str) -> str:
    return fmt.with_unit(label, unit)


# --- gradient descent ---------------------------------------------------------


def descent_layers(scenario: Scenario) -> alt.LayerChart:
    """The descent chart as layers reading ``descent_frame``, ``descent_curve``,
    ``descent_path`` and ``descent_labels``."""
    var = scenario.variable
    free = alt.Scale(nice=False, zero=False)
    x_enc = alt.X("x:Q", title=_axis_title(var.label, var.unit), scale=free)
    y_title = _axis_title(scenario.objective_label, scenario.objective_unit)
    y_enc = alt.Y("f:Q", title=y_title, scale=free)
    tooltip = [
        alt.Tooltip("step:Q", title="Step"),
        alt.Tooltip("x_text:N", title=var.label),
        alt.Tooltip("f_text:N", title=scenario.objective_label),
        alt.Tooltip("df_text:N", title="Slope f′"),
    ]
    path = alt.Chart(alt.Data(name="descent_path")).encode(x_enc, y_enc)
    return alt.layer(
        vega.frame_layer("descent_frame", x_enc, y_enc),
        alt.Chart(alt.Data(name="descent_curve"))
        .mark_line(color=CURVE, strokeWidth=2)
        .encode(x_enc, y_enc),
        path.mark_line(color=PATH, strokeWidth=1.4, opacity=0.8).encode(order="step:Q"),
        path.mark_circle(size=70, color=PATH, opacity=1).encode(
            opacity=alt.Opacity(
                "step:Q", scale=alt.Scale(range=[0.35, 1.0]), legend=None
            ),
            tooltip=tooltip,
        ),
        alt.Chart(alt.Data(name="descent_labels"))
        .mark_text(dy=-12, fontSize=11, color=PATH)
        .encode(x_enc, y_enc, text="label:N"),
    ).properties(height=360)


@functools.lru_cache(maxsize=128)
def _descent_spec(scenario_id: str) -> dict:
    return vega.compile_chart(descent_layers(scenarios.get(scenario_id)))


def descent_chart(scenario: Scenario, curve: Curve, run: Descent) -> dict:
    """The curve with the descent path: numbered points joined in order."""
    path = [
        {
            "x": s.x,
            "f": s.value,
            "step": s.step,
            "x_text": x_text(scenario, s.x),
            "f_text": f_text(scenario, s.value),
            "df_text": fmt.signed(s.derivative),
        }
        for s in run.steps
    ]
    # Label only the start and the last step; the tooltip numbers the rest.
    ends = sorted({0, len(path) - 1})
    labels = [
        {**path[i], "label": "start" if i == 0 else f"step {path[i]['step']}"}
        for i in ends
    ]
    data = {
        "descent_frame": vega.window_rows(*run.domain, curve.value),
        "descent_curve": vega.rows(x=curve.x, f=curve.value),
        "descent_path": path,
        "descent_labels": labels,
    }
    return vega.with_data(_descent_spec(scenario.id), data)


def finder_layers(
    rates: tuple[float, ...], max_steps: int, bound: bool
) -> alt.LayerChart:
    """The finder chart as layers reading ``finder_frame``, ``finder_trials``
    and, with ``bound``, ``finder_bound``; ``rates`` are the axis ticks."""
    x_enc = alt.X(
        "rate:Q",
        title="Learning rate (log scale)",
        scale=alt.Scale(type="log", nice=False),
        axis=alt.Axis(format="~g", values=list(rates)),
    )
    y_enc = alt.Y(
        "steps:Q",
        title=f"Steps taken (budget {max_steps:,})",
        scale=alt.Scale(domain=[0, max_steps * 1.08], nice=False),
    )
    colour = alt.Color(
        "outcome:N",
        title="Outcome",
        scale=alt.Scale(domain=list(OUTCOME_TEXT.values()), range=_OUTCOME_RANGE),
        legend=alt.Legend(orient="bottom", direction="horizontal"),
    )
    tooltip = [
        alt.Tooltip("rate_text:N", title="Learning rate"),
        alt.Tooltip("outcome:N", title="Outcome"),
        alt.Tooltip("steps:Q", title="Steps"),
    ]
    trials = alt.Chart(alt.Data(name="finder_trials")).encode(
        x_enc, y_enc, color=colour
    )
    layers = [
        vega.frame_layer("finder_frame", x_enc),
        trials.mark_rule(strokeWidth=3, opacity=0.5).encode(y2="zero:Q"),
        trials.mark_point(size=110, filled=True, opacity=1).encode(tooltip=tooltip),
    ]
    if bound:
        marks = alt.Chart(alt.Data(name="finder_bound")).encode(x=x_enc)
        layers.append(
            marks.mark_rule(color="#dc2626", strokeDash=[6, 4], strokeWidth=2)
        )
        layers.append(
            marks.mark_text(align="right", dx=-6, fontSize=12, color="#dc2626").encode(
                y=alt.value(130), text="label:N"
            )
        )
    return alt.layer(*layers).properties(height=320)


@functools.lru_cache(maxsize=128)
def _finder_spec(rates: tuple[float, ...], max_steps: int, bound: bool) -> dict:
    return vega.compile_chart(finder_layers(rates, max_steps, bound))


def finder_chart(finder: RateFinder) -> dict:
    """Steps used against learning rate (log), coloured by outcome, bound marked."""
    rates = tuple(t.learning_rate for t in finder.trials)
    trials = [
        {
            "rate": t.learning_rate,
            "steps": t.steps,
            "outcome": OUTCOME_TEXT[t.outcome],
            "rate_text": fmt.number(t.learning_rate),
            "zero": 0,
        }
        for t in finder.trials
    ]
    reach = [*rates, *([finder.bound] if finder.bound is not None else [])]
    data = {
        "finder_frame": [{"rate": min(reach) / 1.5}, {"rate": max(reach) * 1.5}],
        "finder_trials": trials,
    }
    if finder.bound is not None:
        label = f"2/|f″(x*)| = {fmt.number(finder.bound)}"
        data["finder_bound"] = [{"rate": finder.bound, "label": label}]
    spec = _finder_spec(rates, finder.max_steps, finder.bound is not None)
    return vega.with_data(spec, data)


# --- comparing scenarios ------------------------------------------------------


def compare_layers(scenario: Scenario, unit: bool, align: str) -> alt.LayerChart:
    """The comparison chart as layers reading ``compare_curve`` and
    ``compare_best``; on [0, 1] × [0, 1] with ``unit``. ``align`` places the
    optimum's label (``left``, ``center`` or ``right`` of its point)."""
    var = scenario.variable
    if unit:
        x_title = f"{var.label}, share of range"
        y_title = f"{scenario.objective_label}, share of range"
        x_scale = alt.Scale(domain=[0, 1], nice=False)
        y_scale = alt.Scale(domain=[-0.03, 1.03], nice=False)
    else:
        x_title = _axis_title(var.label, var.unit)
        y_title = _axis_title(scenario.objective_label, scenario.objective_unit)
        # The curve spans exactly the range, so the data set the x domain.
        x_scale = alt.Scale(nice=False, zero=False)
        y_scale = alt.Scale(zero=False)
    x_enc = alt.X("x:Q", title=x_title, scale=x_scale)
    y_enc = alt.Y("f:Q", title=y_title, scale=y_scale)
    best = alt.Chart(alt.Data(name="compare_best")).encode(x_enc, y_enc)
    nudge = {"left": 6, "right": -6, "center": 0}[align]
    return alt.layer(
        alt.Chart(alt.Data(name="compare_curve"))
        .mark_line(color=CURVE, strokeWidth=2)
        .encode(x_enc, y_enc),
        best.mark_point(color=OPTIMUM, size=120, filled=True, opacity=1).encode(
            tooltip=[
                alt.Tooltip("label:N", title="Optimum"),
                alt.Tooltip("value_text:N", title=scenario.objective_label),
            ],
        ),
        best.mark_text(align=align, dx=nudge, dy=-13, fontSize=12).encode(
            text="label:N", color=alt.value(OPTIMUM)
        ),
    ).properties(height=260)


@functools.lru_cache(maxsize=256)
def _compare_spec(scenario_id: str, unit: bool, align: str) -> dict:
    layers = compare_layers(scenarios.get(scenario_id), unit, align)
    return vega.compile_chart(layers)


def compare_chart(
    scenario: Scenario,
    curve: Curve,
    solution: Solution,
    unit: UnitCurve | None = None,
) -> dict:
    """One scenario's curve and optimum; on [0, 1] × [0, 1] when ``unit`` is given."""
    if unit is None:
        xs, ys = curve.x, curve.value
        best_x, best_f = solution.x, solution.value
    else:
        xs, ys = unit.x, unit.value
        best_x, best_f = unit.optimum_x, unit.optimum_value
    share = (best_x - xs[0]) / (xs[-1] - xs[0])
    align = "left" if share < 0.3 else "right" if share > 0.7 else "center"
    label = f"{solution.kind.capitalize()} at {x_text(scenario, solution.x)}"
    data = {
        "compare_curve": vega.rows(x=xs, f=ys),
        "compare_best": [
            {
                "x": float(best_x),
                "f": float(best_f),
                "label": label,
                "value_text": f_text(scenario, solution.value),
            }
        ],
    }
    spec = _compare_spec(scenario.id, unit is not None, align)
    return vega.with_data(spec, data)


# --- the single neuron ----------------------------------------------------------


def sigmoid_chart(points: Any, neuron: Any) -> alt.LayerChart:
    """σ(z) with each training point at its z = w·x + b0, coloured by label.

    ``points`` and ``neuron`` come from the scenario's declared extras
    (``scenario.extras["neuron"]``). The grey bands are where σ′(z) is below
    ``neuron.saturated_below``: the sigmoid is flat.
    """
    saturated_below = neuron.saturated_below
    sigmoid = neuron.sigmoid

    reach = max(8.0, float(np.max(np.abs(points.logits))) * 1.05)
    zs = np.linspace(-reach, reach, 241)
    curve = pd.DataFrame({"z": zs, "p": sigmoid(zs)})
    frame = pd.DataFrame(
        {
            "z": points.logits,
            "p": points.predictions,
            "label": [f"label {int(y)}" for y in points.labels],
            "x_text": [fmt.number(x) for x in points.features],
            "slope_text": [fmt.number(s, sig=3) for s in points.sigmoid_slopes],
            "state": [
                "flat: σ′ < " + fmt.number(saturated_below) if s else "responsive"
                for s in points.saturated
            ],
        }
    )
    x_enc = alt.X(
        "z:Q",
        title="z = w·x + b0",
        scale=alt.Scale(domain=[-reach, reach], nice=False),
    )
    y_enc = alt.Y("p:Q", title="Prediction σ(z)", scale=alt.Scale(domain=[0, 1]))
    sig = alt.Chart(curve).mark_line(color=CURVE, strokeWidth=2).encode(x_enc, y_enc)
    edge = neuron.saturation_edge()
    flats = pd.DataFrame({"z": [-reach, edge], "z_end": [-edge, reach]})
    flat_layer = (
        alt.Chart(flats)
        .mark_rect(color=FLAT, opacity=0.15)
        .encode(x=x_enc, x2="z_end:Q")
    )
    dots = (
        alt.Chart(frame)
        .mark_circle(size=90, opacity=0.9, stroke="white", strokeWidth=1)
        .encode(
            x_enc,
            y_enc,
            color=alt.Color(
                "label:N",
                title=None,
                scale=alt.Scale(
                    domain=["label 0", "label 1"], range=[CONCAVE_DOWN, CONCAVE_UP]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("x_text:N", title="Feature x"),
                alt.Tooltip("label:N", title="Label"),
                alt.Tooltip("slope_text:N", title="σ′(z)"),
                alt.Tooltip("state:N", title="Sigmoid"),
            ],
        )
    )
    return alt.layer(flat_layer, sig, dots).properties(height=260)
