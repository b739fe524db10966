"""The derivative lab's two charts: secants closing in on the tangent, and h.

* :func:`secant_chart`: f over a window, the secants through x for shrinking
  steps h, and the tangent at x.
* :func:`step_error_chart`: on log-log axes, the error of the forward and the
  central difference against h, with the best h and the rules of thumb.

Like the scenario page's main chart (see :mod:`dashboard.charts.panels`), each chart
is built with Altair once, reading *named* datasets, and compiled to a cached
Vega-Lite dict; a slider move only makes the data. The spec therefore stays
the same from one run to the next and the browser redraws the chart in place.
What used to be fixed in the spec comes from the data instead: the secant
chart's window is two invisible corner points, and its secants are cut to
that window, so the scales span exactly it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np

import scenarios
from dashboard import format as fmt
from dashboard.charts import vega
from dashboard.charts.frames import cut_to_range
from dashboard.charts.lab import CURVE, OPTIMUM, PATH, x_text
from scenarios import Scenario
from scenarios.analysis import Curve

if TYPE_CHECKING:
    from scenarios.learning import SecantTable, StepSizeStudy

Spec = dict[str, Any]

TANGENT = "Tangent f′(x)"
"""The tangent's name in the secant chart's legend (drawn dashed)."""

_SECANT_COLOURS = ["#fdba74", "#fb923c", "#f97316", "#ea580c", "#c2410c", "#9a3412"]


# --- secant to tangent --------------------------------------------------------


def secant_names(table: SecantTable) -> tuple[str, ...]:
    """The legend's entries in order: one per secant, then the tangent."""
    return (*(f"Secant h = {fmt.number(abs(s.h))}" for s in table.secants), TANGENT)


def secant_layers(scenario: Scenario, names: tuple[str, ...]) -> alt.LayerChart:
    """The secant chart as Altair layers reading its named datasets.

    ``names`` (see :func:`secant_names`) fix the colour scale; the data are
    the datasets ``secant_frame``, ``secant_curve``, ``secant_lines``,
    ``secant_ends`` and ``secant_here``.
    """
    var = scenario.variable
    free = alt.Scale(nice=False, zero=False)
    x_enc = alt.X("x:Q", title=fmt.with_unit(var.label, var.unit), scale=free)
    y_title = fmt.with_unit(scenario.objective_label, scenario.objective_unit)
    y_enc = alt.Y("f:Q", title=y_title, scale=free)
    colours = (_SECANT_COLOURS * 3)[: len(names) - 1] + [OPTIMUM]
    colour = alt.Color(
        "line:N",
        title=None,
        sort=list(names),
        scale=alt.Scale(domain=list(names), range=colours),
        legend=alt.Legend(orient="bottom", columns=3),
    )
    # Two corners of the window, never seen: they set both scales' domains.
    frame = vega.frame_layer("secant_frame", x_enc, y_enc)
    curve = (
        alt.Chart(alt.Data(name="secant_curve"))
        .mark_line(color=CURVE, strokeWidth=2.5)
        .encode(x_enc, y_enc)
    )
    lines = (
        alt.Chart(alt.Data(name="secant_lines"))
        .mark_line(clip=True, strokeWidth=1.6)
        .encode(
            x_enc,
            y_enc,
            color=colour,
            strokeDash=alt.condition(
                alt.datum.line == TANGENT, alt.value([6, 3]), alt.value([1, 0])
            ),
            tooltip=[
                alt.Tooltip("line:N", title="Line"),
                alt.Tooltip("slope:N", title="Slope"),
            ],
        )
    )
    ends = (
        alt.Chart(alt.Data(name="secant_ends"))
        .mark_point(color=PATH, size=40, filled=True, clip=True)
        .encode(x_enc, y_enc)
    )
    here = alt.Chart(alt.Data(name="secant_here")).encode(x_enc, y_enc)
    return alt.layer(
        frame,
        curve,
        lines,
        ends,
        here.mark_point(color=OPTIMUM, size=120, filled=True),
        here.mark_text(align="left", dx=8, dy=-12, fontSize=12, color=OPTIMUM).encode(
            text="label:N"
        ),
    ).properties(height=340)


@functools.lru_cache(maxsize=128)
def _secant_spec(scenario_id: str, names: tuple[str, ...]) -> Spec:
    """:func:`secant_layers` compiled once per scenario and legend."""
    return vega.compile_chart(secant_layers(scenarios.get(scenario_id), names))


def secant_data(
    scenario: Scenario, curve: Curve, table: SecantTable, window: tuple[float, float]
) -> dict[str, list[dict]]:
    """The secant chart's datasets for the point ``table.x`` and ``window``."""
    lo, hi = window
    inside = (curve.x >= lo) & (curve.x <= hi)
    xs, fs = curve.x[inside], curve.value[inside]
    corners = vega.window_rows(lo, hi, fs)
    band = (corners[0]["f"], corners[1]["f"])
    slopes = [s.slope for s in table.secants] + [table.derivative]
    # Each line runs across the whole window, cut where it leaves the band.
    starts = np.array([table.line_at(m, lo) for m in slopes])
    stops = np.array([table.line_at(m, hi) for m in slopes])
    ends = np.full(len(slopes), lo), starts, np.full(len(slopes), hi), stops
    xa, ya, xb, yb, keep = cut_to_range(*ends, band)
    lines = [
        {"x": x, "f": f, "line": name, "slope": fmt.number(m, sig=8)}
        for name, m, x0, f0, x1, f1, kept in zip(
            secant_names(table), slopes, xa, ya, xb, yb, keep, strict=True
        )
        if kept
        for x, f in ((float(x0), float(f0)), (float(x1), float(f1)))
    ]
    return {
        "secant_frame": corners,
        "secant_curve": vega.rows(x=xs, f=fs),
        "secant_lines": lines,
        "secant_ends": [
            {"x": s.x_other, "f": s.value_other}
            for s in table.secants
            if lo <= s.x_other <= hi
        ],
        "secant_here": [
            {
                "x": table.x,
                "f": table.value,
                "label": f"x = {x_text(scenario, table.x)}",
            }
        ],
    }


def secant_chart(
    scenario: Scenario,
    curve: Curve,
    table: SecantTable,
    window: tuple[float, float],
) -> Spec:
    """f over ``window`` with each secant through x and the tangent at x."""
    spec = _secant_spec(scenario.id, secant_names(table))
    return vega.with_data(spec, secant_data(scenario, curve, table, window))


# --- step-size error ----------------------------------------------------------

_POWER_LABEL = "replace(format(datum.value, '.0e'), 'e+', 'e')"
"""Vega label for powers of ten: ``1e-8``, ``1e2`` (no ``+``)."""
_METHODS = ("Forward difference", "Central difference")


def step_error_layers() -> alt.LayerChart:
    """The step-size chart as Altair layers reading its named datasets.

    The datasets are ``step_errors`` (one row per h and method),
    ``step_best`` (the best h of each method) and ``step_guides`` (the rules
    of thumb for h).
    """
    colour = alt.Color(
        "method:N",
        title=None,
        scale=alt.Scale(domain=list(_METHODS), range=["#dc2626", "#2563eb"]),
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
        alt.Chart(alt.Data(name="step_errors"))
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(x_enc, y_enc, color=colour, tooltip=tooltip)
    )
    best = alt.Chart(alt.Data(name="step_best")).encode(x_enc, y_enc, color=colour)
    guides = alt.Chart(alt.Data(name="step_guides")).encode(x=x_enc, color=colour)
    return alt.layer(
        guides.mark_rule(strokeDash=[4, 4], opacity=0.6),
        guides.mark_text(
            angle=270, align="right", dy=-6, fontSize=11, baseline="bottom"
        ).encode(y=alt.value(6), text="label:N"),
        lines,
        best.mark_point(shape="triangle-down", size=180, filled=True),
        best.mark_text(dy=-16, fontSize=12, fontWeight="bold").encode(text="label:N"),
    ).properties(height=360)


@functools.lru_cache(maxsize=1)
def _step_error_spec() -> Spec:
    """:func:`step_error_layers` compiled once per process."""
    return vega.compile_chart(step_error_layers())


def _shown(error: float) -> bool:
    """An exact zero (the estimate matched f′ to the last bit) has no log."""
    return error > 0 and bool(np.isfinite(error))


def step_error_data(study: StepSizeStudy) -> dict[str, list[dict]]:
    """The step-size chart's datasets; zero errors are left to the table."""
    errors = [
        {
            "h": r.h,
            "error": error,
            "method": method,
            "h_text": fmt.number(r.h, sig=3),
            "error_text": fmt.number(error, sig=3),
            "estimate_text": fmt.number(estimate, sig=10),
        }
        for r in study.rows
        for method, estimate, error in zip(
            _METHODS,
            (r.forward, r.central),
            (r.forward_error, r.central_error),
            strict=True,
        )
        if _shown(error)
    ]
    best = [
        {
            "h": h,
            "error": error,
            "method": method,
            "label": f"best h ≈ {fmt.number(h, sig=2)}",
        }
        for method, h, error in zip(
            _METHODS,
            (study.best_forward_h, study.best_central_h),
            (study.best_forward_error, study.best_central_error),
            strict=True,
        )
        if _shown(error)
    ]
    guides = [
        {
            "h": study.rule_forward_h,
            "method": _METHODS[0],
            "label": f"√ε·scale = {fmt.number(study.rule_forward_h, sig=2)}",
        },
        {
            "h": study.rule_central_h,
            "method": _METHODS[1],
            "label": f"∛ε·scale = {fmt.number(study.rule_central_h, sig=2)}",
        },
    ]
    return {"step_errors": errors, "step_best": best, "step_guides": guides}


def step_error_chart(study: StepSizeStudy) -> Spec:
    """log-log: error of forward and central differences against h, best h marked.

    Exact zeros (the estimate equalled f′ to the last bit) cannot sit on a log
    axis; they are left out of the chart and shown in the table.
    """
    return vega.with_data(_step_error_spec(), step_error_data(study))
