""" "How sure is the best price?": a fit's optimum with its 95% intervals.

Drawn at the end of the Fit to data tab, under a demand fit
(:func:`render_demand_intervals`) and under any formula fitted to data
(:func:`render_formula_interval`, which the own-model page shares): the best
x and the objective there, each with a delta-method and a bootstrap
interval, one sentence when the two disagree, and a chart of the fitted
objective with each interval shaded. The fit's estimates and standard
errors are left for the Uncertainty tab's defaults. The intervals come from
:mod:`scenarios.uncertainty`; this module caches, formats and draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import streamlit as st

import scenarios
from dashboard import format as fmt
from dashboard.charts import uncertainty as charts
from dashboard.charts import vega
from dashboard.engine import ParamItems, freeze
from dashboard.format import plain
from dashboard.sections.uncertainty import span_text
from dashboard.sections.uncertainty_inputs import remember_prior
from scenarios import Scenario
from scenarios.errors import ScenarioError
from scenarios.fitting import formulas
from scenarios.fitting import least_squares as fitting
from scenarios.fitting.demand import models as shapes
from scenarios.fitting.demand.sales import Observations, XYData
from scenarios.uncertainty import (
    RESAMPLES,
    FittedProblem,
    Interval,
    OptimumInterval,
    demand_problem,
    fitted_curve,
    formula_problem,
    optimum_interval,
)

SEED = 0
"""The bootstrap's seed on the Fit to data tab: the same data, the same interval."""

WINDOW = 3.0
"""The chart spans each interval and this many of its half-widths either side."""

SHAPE_COLOURS = {
    "linear": "#e4572e",
    "exponential": "#17bebb",
    "constant_elasticity": "#76b041",
}
"""Each demand shape in the colour the demand chart above gives it."""

FORMULA_COLOUR = "#e4572e"
"""A fitted formula's one curve, in the formula fit's own line colour."""


@dataclass(frozen=True)
class IntervalView:
    """One fitted optimum's intervals and its objective curve near them."""

    label: str
    interval: OptimumInterval
    x: np.ndarray
    y: np.ndarray


def _view(label: str, problem: FittedProblem) -> IntervalView:
    iv = optimum_interval(problem, resamples=RESAMPLES, seed=SEED)
    spans = [s for s in (iv.x_delta, iv.x_bootstrap) if s is not None]
    lo = min([iv.x, *(s.low for s in spans)])
    hi = max([iv.x, *(s.high for s in spans)])
    pad = WINDOW * max(0.5 * (hi - lo), 1e-6 * max(abs(iv.x), 1.0))
    x, y = fitted_curve(problem, lo - pad, hi + pad)
    return IntervalView(label, iv, x, y)


@st.cache_data(max_entries=64, show_spinner=False)
def demand_interval_data(
    prices: tuple[float, ...], units: tuple[float, ...], unit_cost: float
) -> tuple[tuple[str, IntervalView | str], ...] | str:
    """Every demand shape's best price with intervals, or why it has none."""
    try:
        comparison = shapes.compare_models(prices, units, unit_cost)
    except ScenarioError as exc:
        return str(exc)
    out: list[tuple[str, IntervalView | str]] = []
    for fit in comparison.fits:
        try:
            problem = demand_problem(fit, prices, units, unit_cost)
            out.append((fit.model, _view(fit.label, problem)))
        except (ValueError, ArithmeticError) as exc:
            out.append((fit.model, str(exc)))
    return tuple(out)


@st.cache_data(max_entries=64, show_spinner=False)
def formula_interval_data(
    scenario_id: str,
    params: ParamItems,
    formula: str,
    variable: str,
    x: tuple[float, ...],
    y: tuple[float, ...],
    start: ParamItems,
) -> IntervalView | str:
    """The scenario's optimum once the formula is fitted, with intervals."""
    scenario = scenarios.get(scenario_id)
    values = dict(params)
    fitted = dict(start)
    declared = {p.name: p for p in scenario.params}
    bounds = {n: (declared[n].min, declared[n].max) for n in fitted if n in declared}
    try:
        names = formulas.formula_parameters(formula, variable)
        held = {n: values[n] for n in names if n not in fitted and n in values}
        fit = formulas.fit_formula(formula, variable, x, y, fitted, held, bounds)
        problem = formula_problem(
            scenario, values, formula, variable, x, y, fit, bounds
        )
        return _view(scenario.title, problem)
    except (ValueError, ArithmeticError) as exc:
        return str(exc)


# --- text ---------------------------------------------------------------------------


def _span(iv: Interval | None, unit: str) -> str:
    return "—" if iv is None else span_text(iv.low, iv.high, unit)


def interval_sentence(
    label: str,
    value: float,
    delta: Interval | None,
    bootstrap: Interval | None,
    level: float,
    unit: str,
) -> str:
    """``Best price $75.00, 95% interval $71.80–$78.40 (delta) / … (bootstrap)``."""
    parts = [
        f"{_span(iv, unit)} ({how})"
        for iv, how in ((delta, "delta"), (bootstrap, "bootstrap"))
        if iv is not None
    ]
    shown = f"{label} {fmt.quantity(value, unit)}"
    if not parts:
        return shown
    return f"{shown}, {level:.0%} interval " + " / ".join(parts)


def _say(scenario: Scenario, view: IntervalView, name: str = "") -> None:
    iv = view.interval
    var, obj = scenario.variable, scenario.objective_label
    best = interval_sentence(
        f"Best {var.label.lower()}",
        iv.x,
        iv.x_delta,
        iv.x_bootstrap,
        iv.level,
        var.unit,
    )
    there = interval_sentence(
        f"{obj} there",
        iv.value,
        iv.value_delta,
        iv.value_bootstrap,
        iv.level,
        scenario.objective_unit,
    )
    if name:
        best = best[0].lower() + best[1:]
    lead = f"**{plain(name)}**: " if name else ""
    st.markdown(f"{lead}{plain(best)}. {plain(there)}.")
    if iv.disagreement:
        st.info(plain(iv.disagreement), icon=":material/warning:")
    for note in iv.notes:
        st.caption(plain(note))


def _chart(scenario: Scenario, views: list[tuple[str, IntervalView]]) -> None:
    var = scenario.variable
    labels = tuple(v.label for _, v in views)
    colours = tuple(SHAPE_COLOURS.get(key, FORMULA_COLOUR) for key, _ in views)
    curves, bands, bars, best = [], [], [], []
    for _, view in views:
        iv = view.interval
        name = view.label
        curves += [
            {"x": float(a), "y": float(b), "series": name}
            for a, b in zip(view.x, view.y, strict=True)
            if np.isfinite(b)
        ]
        shaded = iv.x_bootstrap or iv.x_delta
        if shaded is not None:
            bands.append({"lo": shaded.low, "hi": shaded.high, "series": name})
        if iv.x_delta is not None:
            bars.append(
                {
                    "lo": iv.x_delta.low,
                    "hi": iv.x_delta.high,
                    "y": iv.value,
                    "series": name,
                }
            )
        best.append({"x": iv.x, "y": iv.value, "series": name})
    spec = charts.interval_spec(
        fmt.with_unit(var.label, var.unit),
        fmt.with_unit(scenario.objective_label, scenario.objective_unit),
        var.unit,
        scenario.objective_unit,
        labels,
        colours,
    )
    data = {"curves": curves, "bands": bands, "bars": bars, "best": best}
    st.vega_lite_chart(vega.sendable(vega.with_data(spec, data)), width="stretch")
    st.caption(
        f"Shaded: the {RESAMPLES:,}-resample bootstrap interval of each best "
        f"{var.label.lower()}. The bar through each diamond: the delta-method "
        "interval. Rows are resampled with a fixed seed, so the same data gives "
        "the same interval."
    )


# --- the sections -------------------------------------------------------------------


def render_demand_intervals(
    scenario: Scenario,
    observations: Observations,
    comparison: shapes.DemandComparison,
) -> None:
    """Each demand shape's best price and profit there, with 95% intervals."""
    var = scenario.variable.label.lower()
    st.subheader(f"How sure is the best {var}?")
    data = demand_interval_data(
        tuple(observations.prices.tolist()),
        tuple(observations.units.tolist()),
        comparison.unit_cost,
    )
    if isinstance(data, str):
        st.warning(plain(data))
        return
    views = [(key, v) for key, v in data if isinstance(v, IntervalView)]
    if not views:
        st.caption("No shape gives a best price, so there is no interval to show.")
        return
    lead_key = comparison.best if comparison.best in dict(views) else views[0][0]
    lead = dict(views)[lead_key]
    _say(scenario, lead, lead.label)
    for key, view in views:
        if key != lead_key:
            _say(scenario, view, view.label)
    _chart(scenario, views)
    linear = next((f for f in comparison.fits if f.model == "linear"), None)
    target = scenario.demand_fit
    if linear is not None and linear.converged and target is not None:
        remember_prior(
            scenario.id,
            {
                target.intercept_param: (linear.params["A"], linear.stderr["A"]),
                target.slope_param: (linear.params["b"], linear.stderr["b"]),
            },
        )


def render_formula_interval(
    scenario: Scenario,
    params: Mapping[str, float],
    declared: formulas.DataFit,
    data: XYData,
    result: fitting.ParameterFit,
) -> None:
    """The scenario's optimum under the fitted formula, with 95% intervals."""
    if not result.converged:
        return
    var = scenario.variable.label.lower()
    st.subheader(f"How sure is the best {var}?")
    view = formula_interval_data(
        scenario.id,
        freeze(params),
        declared.formula,
        declared.variable,
        tuple(data.x.tolist()),
        tuple(data.y.tolist()),
        tuple(result.start.items()),
    )
    if isinstance(view, str):
        st.caption(plain(view))
        return
    _say(scenario, view)
    _chart(scenario, [("formula", view)])
    remember_prior(
        scenario.id,
        {n: (v, result.stderr[n]) for n, v in result.params.items()},
    )
