"""Charts and small tables for the learning lab, and curvature for the main chart.

For the scenario page:

* :func:`curvature_layers` returns Altair layers that mark where f is concave
  up or down and where it inflects, in the main chart's own x and y fields.
* :func:`inflection_table` and :func:`concavity_sentence` list and describe
  the inflection points.

For the lab pages: secant, step-size error, descent path, learning-rate
finder, comparison and sigmoid charts. Every number is computed in
``scenarios``; here it is only formatted (with :mod:`dashboard.format`) and
drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import scenarios
from scenarios import Curve, Scenario, Solution
from scenarios.curvature import Curvature, curvature

if TYPE_CHECKING:
    # Only the lab pages draw these; the scenario page imports this module too.
    from scenarios.learning import (
        Descent,
        RateFinder,
        SecantTable,
        StepSizeStudy,
        UnitCurve,
    )

from . import format as fmt

CONCAVE_UP = "#2563eb"
CONCAVE_DOWN = "#d97706"
FLAT = "#94a3b8"
INFLECTION = "#7c3aed"
CURVE = "#1f2933"
PATH = "#c2410c"
OPTIMUM = "#0f766e"
MUTED = "#64748b"

CONCAVITY_TEXT = {
    "up": "Concave up (f″ > 0)",
    "down": "Concave down (f″ < 0)",
    "flat": "Straight (f″ = 0)",
}
_CONCAVITY_DOMAIN = list(CONCAVITY_TEXT.values())
_CONCAVITY_RANGE = [CONCAVE_UP, CONCAVE_DOWN, FLAT]

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


# --- curvature on the main chart ---------------------------------------------

_UNIT_KEYS = ("data", "mark", "encoding", "transform", "params", "name")
"""What a compiled single chart keeps when it becomes one layer of another."""
REGIONS = "curvature_regions"
INFLECTIONS = "curvature_inflections"
"""The named datasets the compiled curvature layers of :func:`with_curvature` read."""


def _registered(scenario: Scenario) -> bool:
    """True when ``scenario.id`` finds this very scenario, so caching by id is safe.

    Typed models count: they are adopted under their content-hash id.
    """
    try:
        return scenarios.get(scenario.id) is scenario
    except KeyError:
        return False


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_curvature(
    scenario_id: str, params: tuple[tuple[str, float], ...]
) -> Curvature:
    return curvature(scenarios.get(scenario_id), dict(params))


def curvature_of(scenario: Scenario, params: Mapping[str, float] | None) -> Curvature:
    """:func:`scenarios.curvature.curvature`, cached for registered scenarios."""
    values = scenario.resolve(params)
    if _registered(scenario):
        return _cached_curvature(scenario.id, tuple(values.items()))
    return curvature(scenario, values)


def _kinds(cv: Curvature) -> tuple[str, ...]:
    """The concavities present, in legend order: they fix the colour scale."""
    present = {r.concavity for r in cv.regions}
    return tuple(k for k in CONCAVITY_TEXT if k in present)


def _concavity_scale(kinds: tuple[str, ...]) -> tuple[alt.Scale, alt.Legend]:
    colours = dict(zip(CONCAVITY_TEXT, _CONCAVITY_RANGE, strict=True))
    scale = alt.Scale(
        domain=[CONCAVITY_TEXT[k] for k in kinds], range=[colours[k] for k in kinds]
    )
    legend = alt.Legend(orient="top", direction="horizontal", symbolStrokeWidth=6)
    return scale, legend


def _band_layer(
    scenario: Scenario,
    data: pd.DataFrame | alt.Data,
    kinds: tuple[str, ...],
    x_field: str,
    y_field: str,
) -> alt.Chart:
    """The translucent band along the curve, coloured by concavity."""
    scale, legend = _concavity_scale(kinds)
    tooltip = [
        alt.Tooltip("x_text:N", title=scenario.variable.label),
        alt.Tooltip("concavity:N", title="Bend"),
    ]
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=9, opacity=0.3, strokeCap="butt", clip=True)
        .encode(
            # No axis or title settings: the host chart's own axes must win the
            # merge (an ``axis=None`` here would delete the shared axis from the
            # whole layer).
            x=alt.X(f"{x_field}:Q"),
            y=alt.Y(f"{y_field}:Q"),
            stroke=alt.Stroke("concavity:N", title=None, scale=scale, legend=legend),
            detail="region:N",
            order="order:Q",
            tooltip=tooltip,
        )
    )


def _region_records(cv: Curvature, x_field: str) -> list[dict]:
    """One row per concavity region: where it starts and ends, and its bend."""
    return [
        {x_field: r.start, "x_end": r.end, "concavity": CONCAVITY_TEXT[r.concavity]}
        for r in cv.regions
    ]


def _region_layer(
    data: pd.DataFrame | alt.Data, kinds: tuple[str, ...], x_field: str
) -> alt.Chart:
    """Full-height shaded rectangles, one per concavity region."""
    scale, legend = _concavity_scale(kinds)
    return (
        alt.Chart(data)
        .mark_rect(opacity=0.12)
        .encode(
            x=alt.X(f"{x_field}:Q"),
            x2="x_end:Q",
            fill=alt.Fill("concavity:N", title=None, scale=scale, legend=legend),
        )
    )


def curvature_layers(
    scenario: Scenario,
    params: Mapping[str, float] | None = None,
    x_field: str = "x",
    y_field: str = "f",
    *,
    background: bool = False,
) -> list[alt.Chart]:
    """Layers marking concave-up / concave-down stretches and inflection points.

    The layers use the main chart's field names (``x_field`` for x, ``y_field``
    for f) and draw no axes of their own, so they slot into its f panel.

    With ``background=False`` (the default) the concavity is a wide translucent
    band along the curve itself, safe to draw *on top of* a chart with a hover
    selection: every mark carries a real x, so hovering it still moves the
    hover rule to the right place. With ``background=True`` the stretches are
    full-height shaded rectangles, easier to read, but they must be layered
    *beneath* the interactive layers (first in ``alt.layer``), because a shape
    on top catches the pointer.

    Either way the last layers are a dashed rule, a marker and a label at each
    inflection point. Raises ParamError or DomainError as ``scenarios.solve``.
    """
    cv = curvature_of(scenario, params)
    kinds = _kinds(cv)
    if background:
        regions = pd.DataFrame(_region_records(cv, x_field))
        layers = [_region_layer(regions, kinds, x_field)]
    else:
        band = pd.DataFrame(_band_records(scenario, cv, x_field, y_field))
        layers = [_band_layer(scenario, band, kinds, x_field, y_field)]
    if cv.inflections:
        frame = pd.DataFrame(_inflection_records(scenario, cv, x_field, y_field))
        layers.extend(_inflection_layers(scenario, frame, x_field, y_field))
    return layers


def _compile_curvature(
    scenario: Scenario,
    x_field: str,
    y_field: str,
    kinds: tuple[str, ...],
    inflections: bool,
) -> tuple[list[dict], list[dict]]:
    """The main chart's curvature layers as Vega-Lite dicts: (beneath, on top).

    Beneath the curve, the shaded regions of ``curvature_layers(...,
    background=True)``; on top, the inflection marks. They read the named
    datasets :data:`REGIONS` and :data:`INFLECTIONS`.
    """
    below = [_as_layer(_region_layer(alt.Data(name=REGIONS), kinds, x_field))]
    above: list[dict] = []
    if inflections:
        marks = _inflection_layers(
            scenario, alt.Data(name=INFLECTIONS), x_field, y_field
        )
        above = [_as_layer(mark) for mark in marks]
    return below, above


def _as_layer(chart: alt.Chart) -> dict:
    """``chart`` compiled alone, as one layer of another chart.

    Compiled alone because ``alt.layer`` lifts the data its charts share up
    to the layer itself, which would be lost here.
    """
    return {k: v for k, v in chart.to_dict(validate=False).items() if k in _UNIT_KEYS}


@functools.lru_cache(maxsize=256)
def _compiled_curvature(
    scenario_id: str,
    x_field: str,
    y_field: str,
    kinds: tuple[str, ...],
    inflections: bool,
) -> tuple[list[dict], list[dict]]:
    """:func:`_compile_curvature` once per process for each scenario and shape.

    Only which concavities occur and whether f inflects change the layers;
    the parameters themselves only change the data.
    """
    return _compile_curvature(
        scenarios.get(scenario_id), x_field, y_field, kinds, inflections
    )


def with_curvature(
    spec: dict,
    scenario: Scenario,
    params: Mapping[str, float] | None = None,
    x_field: str = "x",
    y_field: str = "f",
) -> dict:
    """A copy of a compiled layered Vega-Lite ``spec`` with the curvature layers.

    The fast path for a chart that is already a dict (such as the main
    chart's ``objective`` panel). The concavity regions go beneath its layers,
    as a few full-height rectangles (cheap to redraw on every slider move,
    and they leave the pointer to the chart's own hover targets); the
    inflection marks go on top. The layers are compiled once per scenario and
    shape of the result, without schema validation; a rerun only makes their
    data, as records in ``spec["datasets"]``.
    """
    values = scenario.resolve(params)
    cv = curvature_of(scenario, values)
    shape = (x_field, y_field, _kinds(cv), bool(cv.inflections))
    if _registered(scenario):
        below, above = _compiled_curvature(scenario.id, *shape)
    else:
        below, above = _compile_curvature(scenario, *shape)
    datasets = {REGIONS: _region_records(cv, x_field)}
    if above:
        datasets[INFLECTIONS] = _inflection_records(scenario, cv, x_field, y_field)
    out = dict(spec)
    # The compiled layers are shared, as the compiled panels are (see
    # charts.with_data): nothing downstream edits a spec's nested parts.
    out["layer"] = [*below, *spec.get("layer", []), *above]
    out["datasets"] = {**spec.get("datasets", {}), **datasets}
    return out


def _band_records(
    scenario: Scenario, cv: Curvature, x_field: str, y_field: str
) -> list[dict]:
    """The curve sampled per concavity region, each region ending at its edges."""
    line = scenarios.curve(scenario, cv.params, samples=240)
    rows: list[dict] = []
    for i, region in enumerate(cv.regions):
        inside = (line.x > region.start) & (line.x < region.end)
        xs = np.concatenate(([region.start], line.x[inside], [region.end]))
        ys = np.asarray(scenario.f(xs, **cv.params), dtype=float)
        ys = np.broadcast_to(ys, xs.shape)
        concavity = CONCAVITY_TEXT[region.concavity]
        rows.extend(
            {
                x_field: x,
                y_field: y,
                "region": i,
                "order": order,
                "concavity": concavity,
                "x_text": x_text(scenario, x),
            }
            for order, (x, y) in enumerate(zip(xs.tolist(), ys.tolist(), strict=True))
        )
    return rows


def _inflection_records(
    scenario: Scenario, cv: Curvature, x_field: str, y_field: str
) -> list[dict]:
    return [
        {
            x_field: ip.x,
            y_field: ip.value,
            "label": f"Inflection {x_text(scenario, ip.x)}",
            "value_text": f_text(scenario, ip.value),
            "slope_text": fmt.signed(ip.slope),
        }
        for ip in cv.inflections
    ]


def _inflection_layers(
    scenario: Scenario, data: pd.DataFrame | alt.Data, x_field: str, y_field: str
) -> list[alt.Chart]:
    """A dashed rule, a marker and a label at each inflection point."""
    x_enc = alt.X(f"{x_field}:Q")
    y_enc = alt.Y(f"{y_field}:Q")
    tooltip = [
        alt.Tooltip("label:N", title="Point"),
        alt.Tooltip("value_text:N", title=scenario.objective_label),
        alt.Tooltip("slope_text:N", title="Slope f′"),
    ]
    rule = (
        alt.Chart(data)
        .mark_rule(color=INFLECTION, strokeDash=[4, 4], opacity=0.7)
        .encode(x=x_enc)
    )
    marker = (
        alt.Chart(data)
        .mark_point(shape="diamond", filled=True, size=110, color=INFLECTION)
        .encode(x=x_enc, y=y_enc, tooltip=tooltip)
    )
    # The label sits at the top of its rule, clear of the curve and its points.
    label = (
        alt.Chart(data)
        .mark_text(align="left", dx=5, baseline="top", fontSize=12, color=INFLECTION)
        .encode(x=x_enc, y=alt.value(4), text="label:N")
    )
    return [rule, marker, label]


def inflection_table(
    scenario: Scenario, params: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """One row per inflection point: where, f there, the slope, the bend's flip.

    Empty (with the same columns) when f″ never changes sign.
    """
    cv = curvature_of(scenario, params)
    var = scenario.variable
    slope_title = fmt.with_unit("Slope f′ there", fmt.slope_unit(scenario))
    columns = [
        fmt.with_unit(var.label, var.unit),
        fmt.with_unit(scenario.objective_label, scenario.objective_unit),
        slope_title,
        "Bend",
    ]
    rows = [
        [
            x_text(scenario, ip.x),
            f_text(scenario, ip.value),
            fmt.signed(ip.slope),
            f"concave {ip.before} → concave {ip.after}",
        ]
        for ip in cv.inflections
    ]
    return pd.DataFrame(rows, columns=columns)


def concavity_sentence(
    scenario: Scenario, params: Mapping[str, float] | None = None
) -> str:
    """One or two sentences on how f bends across its range."""
    cv = curvature_of(scenario, params)
    if len(cv.regions) == 1:
        kind = cv.regions[0].concavity
        if kind == "flat":
            return "f″ = 0 everywhere: the curve is a straight line and never bends."
        sign = ">" if kind == "up" else "<"
        shape = "a valley" if kind == "up" else "a hill"
        return (
            f"f″ {sign} 0 across the whole range: the curve is concave {kind} "
            f"everywhere, bending like {shape}, so there is no inflection point."
        )
    parts = [
        f"concave {r.concavity} from {x_text(scenario, r.start)} to "
        f"{x_text(scenario, r.end)}"
        for r in cv.regions
    ]
    count = len(cv.inflections)
    points = "an inflection point" if count == 1 else f"{count} inflection points"
    return (
        f"The curve is {', then '.join(parts)}. f″ changes sign at {points}, "
        "found by root-finding f″; there the slope f′ is at its steepest "
        "(or shallowest) nearby."
    )


# --- secant to tangent --------------------------------------------------------


def secant_chart(
    scenario: Scenario,
    curve: Curve,
    table: SecantTable,
    window: tuple[float, float],
) -> alt.LayerChart:
    """f over ``window`` with each secant through x and the tangent at x."""
    lo, hi = window
    var = scenario.variable
    inside = (curve.x >= lo) & (curve.x <= hi)
    f_frame = pd.DataFrame({"x": curve.x[inside], "f": curve.value[inside]})
    y_lo, y_hi = float(f_frame["f"].min()), float(f_frame["f"].max())
    pad = 0.08 * (y_hi - y_lo) if y_hi > y_lo else max(abs(y_hi), 1.0) * 0.1
    y_scale = alt.Scale(domain=[y_lo - pad, y_hi + pad], nice=False, zero=False)
    x_scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    x_enc = alt.X("x:Q", title=_axis_title(var.label, var.unit), scale=x_scale)
    y_enc = alt.Y(
        "f:Q",
        title=_axis_title(scenario.objective_label, scenario.objective_unit),
        scale=y_scale,
    )

    lines = []
    order = []
    for s in table.secants:
        name = f"Secant h = {fmt.number(abs(s.h))}"
        order.append(name)
        for xe in (lo, hi):
            lines.append(
                {
                    "x": xe,
                    "f": table.line_at(s.slope, xe),
                    "line": name,
                    "slope": fmt.number(s.slope, sig=8),
                }
            )
    tangent = "Tangent f′(x)"
    order.append(tangent)
    for xe in (lo, hi):
        lines.append(
            {
                "x": xe,
                "f": table.line_at(table.derivative, xe),
                "line": tangent,
                "slope": fmt.number(table.derivative, sig=8),
            }
        )
    line_frame = pd.DataFrame(lines)
    palette = ["#fdba74", "#fb923c", "#f97316", "#ea580c", "#c2410c", "#9a3412"]
    colours = (palette * 3)[: len(table.secants)] + [OPTIMUM]
    colour = alt.Color(
        "line:N",
        title=None,
        sort=order,
        scale=alt.Scale(domain=order, range=colours),
        legend=alt.Legend(orient="bottom", columns=3),
    )
    curve_layer = (
        alt.Chart(f_frame).mark_line(color=CURVE, strokeWidth=2.5).encode(x_enc, y_enc)
    )
    secant_layer = (
        alt.Chart(line_frame)
        .mark_line(clip=True, strokeWidth=1.6)
        .encode(
            x_enc,
            y_enc,
            color=colour,
            strokeDash=alt.condition(
                alt.datum.line == tangent, alt.value([6, 3]), alt.value([1, 0])
            ),
            tooltip=[
                alt.Tooltip("line:N", title="Line"),
                alt.Tooltip("slope:N", title="Slope"),
            ],
        )
    )
    ends = pd.DataFrame(
        {
            "x": [s.x_other for s in table.secants if lo <= s.x_other <= hi],
            "f": [s.value_other for s in table.secants if lo <= s.x_other <= hi],
        }
    )
    ends_layer = (
        alt.Chart(ends)
        .mark_point(color=PATH, size=40, filled=True, clip=True)
        .encode(x_enc, y_enc)
    )
    here = pd.DataFrame(
        {
            "x": [table.x],
            "f": [table.value],
            "label": [f"x = {x_text(scenario, table.x)}"],
        }
    )
    here_layer = (
        alt.Chart(here)
        .mark_point(color=OPTIMUM, size=120, filled=True)
        .encode(x_enc, y_enc)
    )
    here_label = (
        alt.Chart(here)
        .mark_text(align="left", dx=8, dy=-12, fontSize=12, color=OPTIMUM)
        .encode(x_enc, y_enc, text="label:N")
    )
    return alt.layer(
        curve_layer, secant_layer, ends_layer, here_layer, here_label
    ).properties(height=340)


# --- step-size error ----------------------------------------------------------

_POWER_LABEL = "replace(format(datum.value, '.0e'), 'e+', 'e')"
"""Vega label for powers of ten: ``1e-8``, ``1e2`` (no ``+``)."""


def step_error_chart(study: StepSizeStudy) -> alt.LayerChart:
    """log-log: error of forward and central differences against h, best h marked.

    Exact zeros (the estimate equalled f′ to the last bit) cannot sit on a log
    axis; they are left out of the chart and shown in the table.
    """
    rows = []
    for r in study.rows:
        for method, estimate, error in (
            ("Forward difference", r.forward, r.forward_error),
            ("Central difference", r.central, r.central_error),
        ):
            if error > 0 and np.isfinite(error):
                rows.append(
                    {
                        "h": r.h,
                        "error": error,
                        "method": method,
                        "h_text": fmt.number(r.h, sig=3),
                        "error_text": fmt.number(error, sig=3),
                        "estimate_text": fmt.number(estimate, sig=10),
                    }
                )
    frame = pd.DataFrame(
        rows,
        columns=["h", "error", "method", "h_text", "error_text", "estimate_text"],
    )
    methods = ["Forward difference", "Central difference"]
    colour = alt.Color(
        "method:N",
        title=None,
        scale=alt.Scale(domain=methods, range=["#dc2626", "#2563eb"]),
        legend=alt.Legend(orient="bottom"),
    )
    x_enc = alt.X(
        "h:Q",
        title="Step h (log scale)",
        scale=alt.Scale(type="log", domain=[1e-15, 1e-1], nice=False),
        axis=alt.Axis(
            labelExpr=_POWER_LABEL, values=[10.0**-k for k in range(1, 16, 2)]
        ),
    )
    y_enc = alt.Y(
        "error:Q",
        title="Error |estimate − f′(x)| (log scale)",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(labelExpr=_POWER_LABEL),
    )
    tooltip = [
        alt.Tooltip("method:N", title="Method"),
        alt.Tooltip("h_text:N", title="h"),
        alt.Tooltip("estimate_text:N", title="Estimate"),
        alt.Tooltip("error_text:N", title="Error"),
    ]
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(x_enc, y_enc, color=colour, tooltip=tooltip)
    )
    best = []
    for method, h, error in (
        ("Forward difference", study.best_forward_h, study.best_forward_error),
        ("Central difference", study.best_central_h, study.best_central_error),
    ):
        if error > 0 and np.isfinite(error):
            best.append(
                {
                    "h": h,
                    "error": error,
                    "method": method,
                    "label": f"best h ≈ {fmt.number(h, sig=2)}",
                }
            )
    best_frame = pd.DataFrame(best, columns=["h", "error", "method", "label"])
    best_marks = (
        alt.Chart(best_frame)
        .mark_point(shape="triangle-down", size=180, filled=True)
        .encode(x_enc, y_enc, color=colour)
    )
    best_labels = (
        alt.Chart(best_frame)
        .mark_text(dy=-16, fontSize=12, fontWeight="bold")
        .encode(x_enc, y_enc, color=colour, text="label:N")
    )
    guides = pd.DataFrame(
        {
            "h": [study.rule_forward_h, study.rule_central_h],
            "label": [
                f"√ε·scale = {fmt.number(study.rule_forward_h, sig=2)}",
                f"∛ε·scale = {fmt.number(study.rule_central_h, sig=2)}",
            ],
            "method": methods,
        }
    )
    guide_rules = (
        alt.Chart(guides)
        .mark_rule(strokeDash=[4, 4], opacity=0.6)
        .encode(x=x_enc, color=colour)
    )
    guide_labels = (
        alt.Chart(guides)
        .mark_text(angle=270, align="right", dy=-6, fontSize=11, baseline="bottom")
        .encode(x=x_enc, y=alt.value(6), text="label:N", color=colour)
    )
    return alt.layer(
        guide_rules, guide_labels, lines, best_marks, best_labels
    ).properties(height=360)


# --- gradient descent ---------------------------------------------------------


def descent_chart(scenario: Scenario, curve: Curve, run: Descent) -> alt.LayerChart:
    """The curve with the descent path: numbered points joined in order."""
    var = scenario.variable
    lo, hi = run.domain
    x_scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    y_lo, y_hi = float(np.min(curve.value)), float(np.max(curve.value))
    pad = 0.08 * (y_hi - y_lo) if y_hi > y_lo else max(abs(y_hi), 1.0) * 0.1
    y_scale = alt.Scale(domain=[y_lo - pad, y_hi + pad], nice=False, zero=False)
    x_enc = alt.X("x:Q", title=_axis_title(var.label, var.unit), scale=x_scale)
    y_enc = alt.Y(
        "f:Q",
        title=_axis_title(scenario.objective_label, scenario.objective_unit),
        scale=y_scale,
    )
    line = pd.DataFrame({"x": curve.x, "f": curve.value})
    path = pd.DataFrame(
        {
            "x": [s.x for s in run.steps],
            "f": [s.value for s in run.steps],
            "step": [s.step for s in run.steps],
            "x_text": [x_text(scenario, s.x) for s in run.steps],
            "f_text": [f_text(scenario, s.value) for s in run.steps],
            "df_text": [fmt.signed(s.derivative) for s in run.steps],
        }
    )
    tooltip = [
        alt.Tooltip("step:Q", title="Step"),
        alt.Tooltip("x_text:N", title=var.label),
        alt.Tooltip("f_text:N", title=scenario.objective_label),
        alt.Tooltip("df_text:N", title="Slope f′"),
    ]
    curve_layer = (
        alt.Chart(line).mark_line(color=CURVE, strokeWidth=2).encode(x_enc, y_enc)
    )
    path_line = (
        alt.Chart(path)
        .mark_line(color=PATH, strokeWidth=1.4, opacity=0.8)
        .encode(x_enc, y_enc, order="step:Q")
    )
    path_points = (
        alt.Chart(path)
        .mark_circle(size=70, color=PATH, opacity=1)
        .encode(
            x_enc,
            y_enc,
            opacity=alt.Opacity(
                "step:Q", scale=alt.Scale(range=[0.35, 1.0]), legend=None
            ),
            tooltip=tooltip,
        )
    )
    # Label only the start and the last step; the tooltip numbers the rest.
    shown = sorted({0, len(run.steps) - 1})
    label_frame = path.iloc[shown].copy()
    label_frame["label"] = [
        "start" if s == 0 else f"step {s}" for s in label_frame["step"].tolist()
    ]
    labels = (
        alt.Chart(label_frame)
        .mark_text(dy=-12, fontSize=11, color=PATH)
        .encode(x_enc, y_enc, text="label:N")
    )
    return alt.layer(curve_layer, path_line, path_points, labels).properties(height=360)


def finder_chart(finder: RateFinder) -> alt.LayerChart:
    """Steps used against learning rate (log), coloured by outcome, bound marked."""
    frame = pd.DataFrame(
        {
            "rate": [t.learning_rate for t in finder.trials],
            "steps": [t.steps for t in finder.trials],
            "outcome": [OUTCOME_TEXT[t.outcome] for t in finder.trials],
            "rate_text": [fmt.number(t.learning_rate) for t in finder.trials],
            "zero": 0,
        }
    )
    rates = frame["rate"]
    low = min(float(rates.min()), finder.bound or float(rates.min())) / 1.5
    high = max(float(rates.max()), finder.bound or float(rates.max())) * 1.5
    x_enc = alt.X(
        "rate:Q",
        title="Learning rate (log scale)",
        scale=alt.Scale(type="log", domain=[low, high], nice=False),
        axis=alt.Axis(format="~g", values=[float(r) for r in rates]),
    )
    y_enc = alt.Y(
        "steps:Q",
        title=f"Steps taken (budget {finder.max_steps:,})",
        scale=alt.Scale(domain=[0, finder.max_steps * 1.08], nice=False),
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
    bars = (
        alt.Chart(frame)
        .mark_rule(strokeWidth=3, opacity=0.5)
        .encode(x=x_enc, y=y_enc, y2="zero:Q", color=colour)
    )
    points = (
        alt.Chart(frame)
        .mark_point(size=110, filled=True, opacity=1)
        .encode(x_enc, y_enc, color=colour, tooltip=tooltip)
    )
    layers = [bars, points]
    if finder.bound is not None:
        bound = pd.DataFrame(
            {
                "rate": [finder.bound],
                "label": [f"2/|f″(x*)| = {fmt.number(finder.bound)}"],
            }
        )
        layers.append(
            alt.Chart(bound)
            .mark_rule(color="#dc2626", strokeDash=[6, 4], strokeWidth=2)
            .encode(x=x_enc)
        )
        layers.append(
            alt.Chart(bound)
            .mark_text(align="right", dx=-6, fontSize=12, color="#dc2626")
            .encode(x=x_enc, y=alt.value(130), text="label:N")
        )
    return alt.layer(*layers).properties(height=320)


# --- comparing scenarios ------------------------------------------------------


def compare_chart(
    scenario: Scenario,
    curve: Curve,
    solution: Solution,
    unit: UnitCurve | None = None,
) -> alt.LayerChart:
    """One scenario's curve and optimum; on [0, 1] × [0, 1] when ``unit`` is given."""
    var = scenario.variable
    if unit is None:
        xs, ys = curve.x, curve.value
        best_x, best_f = solution.x, solution.value
        x_title = _axis_title(var.label, var.unit)
        y_title = _axis_title(scenario.objective_label, scenario.objective_unit)
        lo, hi = solution.domain
        x_scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
        y_scale = alt.Scale(zero=False)
    else:
        xs, ys = unit.x, unit.value
        best_x, best_f = unit.optimum_x, unit.optimum_value
        x_title = f"{var.label}, share of range"
        y_title = f"{scenario.objective_label}, share of range"
        x_scale = alt.Scale(domain=[0, 1], nice=False)
        y_scale = alt.Scale(domain=[-0.03, 1.03], nice=False)
    x_enc = alt.X("x:Q", title=x_title, scale=x_scale)
    y_enc = alt.Y("f:Q", title=y_title, scale=y_scale)
    line = pd.DataFrame({"x": xs, "f": ys})
    best = pd.DataFrame(
        {
            "x": [best_x],
            "f": [best_f],
            "label": [
                f"{solution.kind.capitalize()} at {x_text(scenario, solution.x)}"
            ],
            "value_text": [f_text(scenario, solution.value)],
        }
    )
    curve_layer = (
        alt.Chart(line).mark_line(color=CURVE, strokeWidth=2).encode(x_enc, y_enc)
    )
    best_layer = (
        alt.Chart(best)
        .mark_point(color=OPTIMUM, size=120, filled=True, opacity=1)
        .encode(
            x_enc,
            y_enc,
            tooltip=[
                alt.Tooltip("label:N", title="Optimum"),
                alt.Tooltip("value_text:N", title=scenario.objective_label),
            ],
        )
    )
    share = (best_x - xs[0]) / (xs[-1] - xs[0])
    align = "left" if share < 0.3 else "right" if share > 0.7 else "center"
    nudge = {"left": 6, "right": -6, "center": 0}[align]
    best_label = (
        alt.Chart(best)
        .mark_text(align=align, dx=nudge, dy=-13, fontSize=12)
        .encode(x_enc, y_enc, text="label:N", color=alt.value(OPTIMUM))
    )
    return alt.layer(curve_layer, best_layer, best_label).properties(height=260)


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
