"""The sensitivity section of a scenario page: tornado, one-way sweep, heatmap.

The arithmetic is in :mod:`scenarios.sensitivity`; this module caches it
(keyed on plain values), formats it and draws it. Its charts are compiled
once in :mod:`dashboard.charts.sensitivity`; a rerun only makes their data.

Widget keys all start with ``whatif_``, like the other what-if sections, so
they never clash with the parameter sliders.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import scenarios
from dashboard import format as fmt
from dashboard.charts import sensitivity as sensitivity_charts
from dashboard.charts import vega
from dashboard.engine import ParamItems, freeze
from dashboard.format import plain
from scenarios import Scenario, Solution
from scenarios import sensitivity as sens

ONE_WAY_POINTS = 101
"""Points in a one-way sweep: smooth lines, a table short enough to scroll."""

GRID_SIZES = (20, 50, 100, 150, 200, 300)
"""Choices for the two-way grid's side, in cells."""

DEFAULT_GRID = 50

_VIEWS = ("Tornado", "One-way sweep", "Two-way heatmap")


# --- small helpers ----------------------------------------------------------


def per_unit(unit: str) -> str:
    """One unit of a parameter, in words: ``$1``, ``1 pair per $``, ``1 (per hour)``."""
    if unit == "$":
        return "$1"
    if unit.startswith("$ "):
        return f"$1{unit[1:]}"
    if not unit or unit == "×":
        return f"1{unit}"
    if unit.startswith("per "):
        return f"1 ({unit})"
    first, _, rest = unit.partition(" ")
    if first.endswith("s") and len(first) > 3:
        first = first[:-1]
    return f"1 {first} {rest}".rstrip()


def _quantity(value: float, unit: str) -> str:
    return "—" if not math.isfinite(value) else fmt.quantity(value, unit)


def _change(value: float, unit: str) -> str:
    return "—" if not math.isfinite(value) else fmt.signed_quantity(value, unit)


# --- cached computations ----------------------------------------------------


@st.cache_data(max_entries=512, show_spinner=False)
def tornado_data(
    scenario_id: str, params: ParamItems
) -> tuple[sens.Tornado, tuple[sens.LocalSensitivity, ...]] | str:
    """Tornado bars and local slopes, or the engine's sentence if infeasible."""
    scenario = scenarios.get(scenario_id)
    try:
        bars = sens.tornado(scenario, dict(params))
        local = tuple(sens.local_sensitivity(scenario, dict(params)))
    except (ValueError, ArithmeticError) as exc:
        return str(exc)
    return bars, local


@st.cache_data(max_entries=512, show_spinner=False)
def one_way_data(
    scenario_id: str, params: ParamItems, name: str, points: int = ONE_WAY_POINTS
) -> sens.OneWaySweep | str:
    """A one-way sweep of ``name``, or the reason it cannot be drawn."""
    try:
        return sens.one_way(scenarios.get(scenario_id), name, dict(params), points)
    except (ValueError, ArithmeticError) as exc:
        return str(exc)


@dataclass(frozen=True)
class HeatmapData:
    """A two-way grid and its cells as rows for Altair (feasible cells only).

    ``cells`` has the cell centre (``x``, ``y``), its edges (``x2``, ``y2``,
    ``x_lo``, ``y_lo``) and ``optimum`` and ``objective`` there.
    """

    grid: sens.TwoWayGrid
    cells: pd.DataFrame
    infeasible_share: float


@st.cache_data(max_entries=32, show_spinner=False)
def heatmap_data(
    scenario_id: str, params: ParamItems, x_param: str, y_param: str, points: int
) -> HeatmapData | str:
    """Solve the two-way grid in one vectorised call and lay its cells out."""
    try:
        grid = sens.two_way(
            scenarios.get(scenario_id), x_param, y_param, dict(params), points
        )
    except (ValueError, ArithmeticError) as exc:
        return str(exc)
    xv, yv = grid.x_values, grid.y_values

    def edges(v: np.ndarray) -> np.ndarray:
        mid = (v[:-1] + v[1:]) / 2
        return np.concatenate(
            [[v[0] - (mid[0] - v[0])], mid, [v[-1] + v[-1] - mid[-1]]]
        )

    ex, ey = edges(xv), edges(yv)
    jj, ii = np.meshgrid(np.arange(xv.size), np.arange(yv.size))
    keep = grid.feasible.ravel()
    jj, ii = jj.ravel()[keep], ii.ravel()[keep]
    cells = pd.DataFrame(
        {
            "x": xv[jj],
            "y": yv[ii],
            "x_lo": ex[jj],
            "x2": ex[jj + 1],
            "y_lo": ey[ii],
            "y2": ey[ii + 1],
            "optimum": grid.optimum.ravel()[keep],
            "objective": grid.objective.ravel()[keep],
        }
    )
    return HeatmapData(grid, cells, float(1.0 - keep.mean()))


# --- drawing ----------------------------------------------------------------


def render_sensitivity(
    scenario: Scenario,
    params: Mapping[str, float],
    solution: Solution | None = None,
) -> None:
    """Which assumption moves the answer: tornado, one-way sweep, two-way heatmap.

    Only the view the user picks is computed, so the section costs almost
    nothing on a rerun that does not change it.
    """
    st.subheader("Sensitivity")
    if not scenario.params:
        st.caption("This scenario has no parameters to vary.")
        return
    if solution is None:
        # The page already says why in one sentence; a second error would shout.
        st.caption("Sensitivity is measured around a feasible case.")
        return
    view = st.segmented_control(
        "View",
        _VIEWS,
        default=_VIEWS[0],
        required=True,
        key="whatif_sensitivity_view",
        label_visibility="collapsed",
    )
    items = freeze(params)
    if view == "One-way sweep":
        _render_one_way(scenario, items)
    elif view == "Two-way heatmap":
        _render_two_way(scenario, items)
    else:
        _render_tornado(scenario, items)


def _param_picker(scenario: Scenario, label: str, key: str, index: int = 0) -> str:
    names = list(scenario.param_names)
    return st.selectbox(
        label,
        names,
        index=min(index, len(names) - 1),
        format_func=lambda n: fmt.slider_label(scenario.param(n)),
        key=key,
    )


def _render_one_way(scenario: Scenario, items: ParamItems) -> None:
    name = _param_picker(scenario, "Parameter to sweep", "whatif_one_way_param")
    spec = scenario.param(name)
    sweep = one_way_data(scenario.id, items, name)
    if isinstance(sweep, str):
        st.error(plain(sweep))
        return
    var = scenario.variable
    x_title = fmt.slider_label(spec)
    datasets = {
        "sweep": pd.DataFrame(
            {
                "theta": sweep.values,
                "optimum": sweep.optimum,
                "objective": sweep.objective,
            }
        ),
        "current": pd.DataFrame(
            {
                "theta": [sweep.current],
                "optimum": [sweep.current_optimum],
                "objective": [sweep.current_objective],
            }
        ),
    }
    left_spec, right_spec = sensitivity_charts.one_way_specs(scenario.id, name)
    left, right = st.columns(2)
    left.vega_lite_chart(
        vega.sendable(vega.with_data(left_spec, datasets)), width="stretch"
    )
    right.vega_lite_chart(
        vega.sendable(vega.with_data(right_spec, datasets)), width="stretch"
    )
    st.caption(
        f"Red dot and dashed line: the current {spec.label.lower()}, "
        f"{fmt.quantity(sweep.current, spec.unit)}."
    )
    infeasible = ~sweep.feasible
    if infeasible.any():
        reasons = sens.reason_texts(scenario)
        codes = sorted({int(c) for c in sweep.reason[infeasible]})
        lo, hi = sweep.values[infeasible].min(), sweep.values[infeasible].max()
        st.info(
            plain(
                f"No optimum for {spec.label.lower()} between "
                f"{fmt.quantity(lo, spec.unit)} and {fmt.quantity(hi, spec.unit)}: "
                + " ".join(reasons[c] for c in codes)
            )
        )
    here = sweep.values == sweep.current
    table = pd.DataFrame(
        {
            x_title: [fmt.quantity(v, spec.unit) for v in sweep.values],
            fmt.with_unit(f"Best {var.label.lower()}", var.unit): [
                _quantity(v, var.unit) for v in sweep.optimum
            ],
            fmt.with_unit(scenario.objective_label, scenario.objective_unit): [
                _quantity(v, scenario.objective_unit) for v in sweep.objective
            ],
            "Note": [
                "◀ current"
                if h
                else ("infeasible" if not ok else ("at range end" if b else ""))
                for h, ok, b in zip(
                    here, sweep.feasible, sweep.on_boundary, strict=True
                )
            ],
        }
    )
    st.dataframe(table, hide_index=True, height=280, width="stretch")


def _render_two_way(scenario: Scenario, items: ParamItems) -> None:
    names = scenario.param_names
    if len(names) < 2:
        st.caption("A two-way grid needs two parameters; this scenario has one.")
        return
    var = scenario.variable
    c1, c2, c3, c4 = st.columns([3, 3, 3, 2])
    with c1:
        x_name = _param_picker(scenario, "Across (x axis)", "whatif_two_way_x", 0)
    with c2:
        y_name = _param_picker(scenario, "Up (y axis)", "whatif_two_way_y", 1)
    with c3:
        show = st.radio(
            "Colour by",
            ("optimum", "objective"),
            format_func=lambda k: (
                f"Best {var.label.lower()}"
                if k == "optimum"
                else scenario.objective_label
            ),
            horizontal=True,
            key="whatif_two_way_show",
        )
    with c4:
        points = st.select_slider(
            "Grid size",
            options=GRID_SIZES,
            value=DEFAULT_GRID,
            format_func=lambda n: f"{n} × {n}",
            key="whatif_two_way_points",
        )
    if x_name == y_name:
        st.warning("Pick two different parameters.")
        return
    data = heatmap_data(scenario.id, items, x_name, y_name, int(points))
    if isinstance(data, str):
        st.error(plain(data))
        return
    sx, sy = scenario.param(x_name), scenario.param(y_name)
    now = dict(items)
    marker = pd.DataFrame({"x": [now[x_name]], "y": [now[y_name]]})
    spec = sensitivity_charts.heatmap_spec(scenario.id, x_name, y_name, show)
    chart = vega.with_data(spec, {"cells": data.cells, "marker": marker})
    st.vega_lite_chart(vega.sendable(chart), width="stretch")
    grid = data.grid
    legend = [
        f"{points} × {points} cells, solved in one vectorised call. "
        f"White cross: the current {sx.label.lower()} and {sy.label.lower()}."
    ]
    for reason in grid.reasons.values():
        legend.append(
            f"Blank cells ({data.infeasible_share:.0%} of the grid): {reason}"
        )
    st.caption(plain(" ".join(legend)))


def _render_tornado(scenario: Scenario, items: ParamItems) -> None:
    data = tornado_data(scenario.id, items)
    if isinstance(data, str):
        st.error(plain(data))
        return
    bars, local = data
    var = scenario.variable
    measure = st.radio(
        "Change in",
        ("objective", "optimum"),
        format_func=lambda k: (
            scenario.objective_label
            if k == "objective"
            else f"Best {var.label.lower()}"
        ),
        horizontal=True,
        key="whatif_tornado_measure",
    )
    left, right = st.columns([2, 3], gap="medium")
    with left:
        _tornado_chart(scenario, bars, measure)
    with right:
        _local_slopes(scenario, local)


def _tornado_rows(
    scenario: Scenario, ordered: list[sens.TornadoBar], measure: str, unit: str
) -> pd.DataFrame:
    """Two rows a parameter (−10 % and +10 %), for the tornado chart."""
    rows = []
    for b in ordered:
        for side, theta, change in (
            ("−10 %", b.low, getattr(b, f"{measure}_change_low")),
            ("+10 %", b.high, getattr(b, f"{measure}_change_high")),
        ):
            rows.append(
                {
                    "parameter": fmt.slider_label(scenario.param(b.name)),
                    "side": side,
                    "change": change if math.isfinite(change) else None,
                    "moved_to": fmt.quantity(theta, b.unit),
                    "change_text": _change(change, unit),
                }
            )
    return pd.DataFrame(rows)


def _tornado_chart(scenario: Scenario, bars: sens.Tornado, measure: str) -> None:
    """The tornado of ``measure``, widest bar on top, with its notes."""
    var = scenario.variable
    unit = scenario.objective_unit if measure == "objective" else var.unit
    title = scenario.objective_label if measure == "objective" else f"Best {var.label}"
    ordered = sorted(
        bars.bars,
        key=lambda b: (
            -(b.objective_swing if measure == "objective" else b.optimum_swing)
        ),
    )
    frame = _tornado_rows(scenario, ordered, measure, unit)
    order = tuple(fmt.slider_label(scenario.param(b.name)) for b in ordered)
    spec = sensitivity_charts.tornado_spec(scenario.id, measure, order)
    st.vega_lite_chart(
        vega.sendable(vega.with_data(spec, {"tornado": frame})),
        width="stretch",
    )
    now = bars.objective if measure == "objective" else bars.optimum
    st.caption(
        f"Each parameter moved ±10 % of its current value, one at a time, "
        f"clipped to its range. Now: {title.lower()} {_quantity(now, unit)}."
    )
    notes = [n for b in ordered for n in b.notes]
    for note in notes:
        st.caption(plain(note))


def _local_slopes(scenario: Scenario, local: tuple[sens.LocalSensitivity, ...]) -> None:
    """The table of local slopes at the optimum, and how they are worked out."""
    var = scenario.variable
    st.markdown("**Local slopes at the optimum**")
    table = pd.DataFrame(
        {
            "Step up in": [f"{s.label} +{per_unit(s.unit)}" for s in local],
            f"Best {var.label.lower()}": [
                _change(s.optimum_slope, var.unit) for s in local
            ],
            scenario.objective_label: [
                _change(s.objective_slope, scenario.objective_unit) for s in local
            ],
            "Elasticity": [
                "—" if not math.isfinite(s.elasticity) else fmt.number(s.elasticity, 3)
                for s in local
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    boundary = any(s.method == "boundary" for s in local)
    st.caption(
        "dx*/dθ = −(∂f′/∂θ) ÷ f″(x*), from the analytic derivatives; the "
        "profit slope is ∂f/∂θ at x* (envelope theorem). Elasticity: % change "
        "in x* per 1 % change in the parameter."
        + (
            " The optimum sits at an end of its range, so x* moves only as "
            "that end moves."
            if boundary
            else ""
        )
    )
    for s in local:
        if s.note:
            st.caption(plain(f"{s.label}: {s.note}"))
