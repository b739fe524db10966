"""Curvature on the scenario page's main chart, and the inflection points.

* :func:`with_curvature` adds, to the compiled f panel, shaded regions where f
  is concave up or down and a rule, marker and label at each inflection point.
  The layers are compiled once per scenario and shape; a rerun makes only
  their data.
* :func:`curvature_layers` returns the same marks as Altair layers, in any
  chart's own x and y fields.
* :func:`inflection_table` and :func:`concavity_sentence` list and describe
  the inflection points.

Every number comes from :func:`scenarios.curvature.curvature`; here it is only
formatted and drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import scenarios
import scenarios.analysis
from dashboard import format as fmt
from dashboard.charts.lab import CONCAVE_DOWN, CONCAVE_UP, FLAT, f_text, x_text
from scenarios import Scenario
from scenarios.curvature import Curvature, curvature

INFLECTION = "#7c3aed"

CONCAVITY_TEXT = {
    "up": "Concave up (f″ > 0)",
    "down": "Concave down (f″ < 0)",
    "flat": "Straight (f″ = 0)",
}
_CONCAVITY_RANGE = [CONCAVE_UP, CONCAVE_DOWN, FLAT]

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
    line = scenarios.analysis.curve(scenario, cv.params, samples=240)
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
