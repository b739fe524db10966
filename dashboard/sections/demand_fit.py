"""The pricing pages' "Fit demand from your sales data": shapes compared.

One chart of the observations with every fitted demand shape, a table with a
row per shape (parameters ± standard errors, R², RMSE, AICc, best price and
the profit there), which shape the data supports, and "Use this fit" per
shape: the linear one moves the demand sliders, the others open their profit
model on the own-model page. The arithmetic is in ``scenarios.fitting.demand.models``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard.sections.fit_common import (
    CURVE_POINTS,
    bad_rows_warning,
    plain,
    pm,
    set_sliders,
    show_applied,
)
from dashboard.sections.fit_interval import render_demand_intervals
from scenarios import Scenario, Solution
from scenarios.fitting.demand import models as shapes
from scenarios.fitting.demand import sales

COLOURS = {
    "linear": "#e4572e",
    "exponential": "#17bebb",
    "constant_elasticity": "#76b041",
}


@st.cache_data(max_entries=64, show_spinner=False)
def read_sales(data: bytes, filename: str) -> sales.Observations | str:
    """Observations from an uploaded file, or the sentence refusing it."""
    try:
        return sales.parse_csv(data, filename)
    except sales.DemandDataError as exc:
        return str(exc)


@st.cache_data(max_entries=64, show_spinner=False)
def compare(
    prices: tuple[float, ...], units: tuple[float, ...], unit_cost: float
) -> shapes.DemandComparison | str:
    """Every demand shape fitted and priced, or the sentence saying why not."""
    try:
        return shapes.compare_models(prices, units, unit_cost)
    except sales.DemandDataError as exc:
        return str(exc)


def _empty_sales() -> pd.DataFrame:
    return pd.DataFrame(
        {"price": pd.Series(dtype="float64"), "units": pd.Series(dtype="float64")}
    )


def _sales_input(scenario: Scenario, units_name: str) -> sales.Observations | None:
    price_unit = scenario.variable.unit
    source = st.radio(
        "Sales data from",
        ("table", "file"),
        format_func=lambda k: "A table I type in" if k == "table" else "A CSV file",
        horizontal=True,
        key="whatif_fit_source",
    )
    if source == "table":
        edited = st.data_editor(
            _empty_sales(),
            num_rows="dynamic",
            key="whatif_fit_table",
            width="stretch",
            column_config={
                "price": st.column_config.NumberColumn(
                    fmt.with_unit(scenario.variable.label, price_unit),
                    min_value=0.0,
                    format="%.2f",
                ),
                "units": st.column_config.NumberColumn(
                    f"Sold ({units_name})", min_value=0.0, format="%.0f"
                ),
            },
        )
        records = edited.to_dict("records")
        if not records:
            st.caption("Add one row per price you have tried and what it sold.")
            return None
        return sales.observations_from_rows(records)
    upload = st.file_uploader(
        "CSV with a price column and a units column (at most 1 MB)",
        # No ``type=`` filter: Streamlit would raise on a forged upload of
        # another type, while parse_csv refuses it with a sentence.
        key="whatif_fit_upload",
        max_upload_size=1,
    )
    if upload is None:
        st.caption(
            "The first line may name the columns (price, units); "
            "commas, semicolons or tabs all work."
        )
        return None
    parsed = read_sales(upload.getvalue(), upload.name)
    if isinstance(parsed, str):
        st.error(plain(parsed))
        return None
    return parsed


def render_demand_fit(
    scenario: Scenario,
    params: Mapping[str, float] | None = None,
    solution: Solution | None = None,
) -> None:
    """ "Fit demand from your sales data", for the pricing scenarios.

    Draws nothing for any other scenario. Every demand shape is fitted to
    the same rows and priced at the current unit cost; "Use this fit" moves
    the demand sliders (linear) or opens the profit model on the own-model
    page (the other shapes).
    """
    if scenario.demand_fit is None:
        return
    target = scenario.demand_fit
    st.subheader("Fit demand from your sales data")
    show_applied("The demand sliders now hold the fitted line.")
    units_name = scenario.param(target.intercept_param).unit or "units"
    observations = _sales_input(scenario, units_name)
    if observations is None:
        return
    bad_rows_warning(observations.bad_rows)
    if len(observations) == 0:
        st.caption("No usable rows yet.")
        return
    try:
        line = sales.fit_demand(observations.prices, observations.units)
    except sales.DemandDataError as exc:
        st.error(plain(str(exc)))
        return
    for warning in line.warnings:
        st.warning(plain(warning))
    if line.distinct_prices < 2:
        return
    values = dict(params or scenario.defaults())
    cost = float(values.get(target.cost_param, 0.0)) if target.cost_param else 0.0
    comparison = compare(
        tuple(observations.prices.tolist()), tuple(observations.units.tolist()), cost
    )
    if isinstance(comparison, str):
        st.warning(plain(comparison))
        return
    _demand_chart(scenario, observations, comparison, units_name)
    _demand_table(scenario, comparison, units_name)
    _demand_verdict(scenario, comparison)
    _use_buttons(scenario, line, comparison)
    render_demand_intervals(scenario, observations, comparison)


@dataclass(frozen=True)
class _Axes:
    """The demand chart's axis titles and price format, shared by its layers."""

    x_title: str
    y_title: str
    money: str


def _demand_chart(
    scenario: Scenario,
    observations: sales.Observations,
    comparison: shapes.DemandComparison,
    units_name: str,
) -> None:
    """The observations, every fitted shape and its best price, in one chart."""
    price_unit = scenario.variable.unit
    axes = _Axes(
        x_title=fmt.with_unit(scenario.variable.label, price_unit),
        y_title=f"Sold ({units_name})",
        money="$,.2f" if price_unit.startswith("$") else ",.4~g",
    )
    domain = [f.label for f in comparison.fits if f.converged]
    colours = [COLOURS[f.model] for f in comparison.fits if f.converged]
    scale = alt.Scale(domain=domain, range=colours)
    lines = _fitted_lines(observations, comparison, scale, axes)
    chart = lines + _observed_dots(observations, axes)
    best = _best_prices(comparison, scale, axes)
    if best is not None:
        chart += best
    st.altair_chart(chart.properties(height=300), width="stretch")
    st.caption(
        "Dots: your observations. Lines: each demand shape fitted by least "
        "squares on units. Diamonds: the best price under each shape."
    )


def _fitted_lines(
    observations: sales.Observations,
    comparison: shapes.DemandComparison,
    scale: alt.Scale,
    axes: _Axes,
) -> alt.Chart:
    """A line per converged shape, its demand from 0 to 1.5 × the most sold.

    Prices run from half the lowest observed to a quarter past the highest,
    or on to the linear fit's zero-demand price (at most twice the highest).
    """
    top = float(observations.prices.max())
    linear = next((f for f in comparison.fits if f.model == "linear"), None)
    hi = top * 1.25
    if linear is not None and linear.converged and linear.params["b"] > 0:
        hi = max(hi, min(linear.params["A"] / linear.params["b"], 2 * top))
    lo = min(float(observations.prices.min()), top) * 0.5
    xs = np.linspace(lo, hi, CURVE_POINTS)
    ceiling = 1.5 * float(observations.units.max())
    frames = []
    for fit in comparison.fits:
        if not fit.converged:
            continue
        ys = fit.predict(xs)
        keep = np.isfinite(ys) & (ys >= 0) & (ys <= ceiling)
        frames.append(
            pd.DataFrame({"price": xs[keep], "units": ys[keep], "model": fit.label})
        )
    colour = alt.Color(
        "model:N",
        title="Demand shape",
        scale=scale,
        legend=alt.Legend(orient="bottom"),
    )
    return (
        alt.Chart(
            pd.concat(frames)
            if frames
            else pd.DataFrame(columns=["price", "units", "model"])
        )
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("price:Q", title=axes.x_title),
            y=alt.Y("units:Q", title=axes.y_title),
            color=colour,
            tooltip=[
                alt.Tooltip("model:N", title="Shape"),
                alt.Tooltip("price:Q", title=axes.x_title, format=axes.money),
                alt.Tooltip("units:Q", title=axes.y_title, format=",.4~g"),
            ],
        )
    )


def _observed_dots(observations: sales.Observations, axes: _Axes) -> alt.Chart:
    """A dot per observation."""
    points = pd.DataFrame({"price": observations.prices, "units": observations.units})
    return (
        alt.Chart(points)
        .mark_circle(size=70, color="#29335c", opacity=1)
        .encode(
            x="price:Q",
            y="units:Q",
            tooltip=[
                alt.Tooltip("price:Q", title=axes.x_title, format=axes.money),
                alt.Tooltip("units:Q", title=axes.y_title, format=",.4~g"),
            ],
        )
    )


def _best_prices(
    comparison: shapes.DemandComparison, scale: alt.Scale, axes: _Axes
) -> alt.Chart | None:
    """A diamond at each shape's best price, or None when no shape has one."""
    best = pd.DataFrame(
        [
            {
                "price": f.optimum.price,
                "units": f.optimum.units,
                "model": f.label,
                "profit": f.optimum.profit,
            }
            for f in comparison.fits
            if f.converged and f.optimum.price is not None
        ]
    )
    if best.empty:
        return None
    return (
        alt.Chart(best)
        .mark_point(shape="diamond", size=120, filled=True, stroke="white")
        .encode(
            x="price:Q",
            y="units:Q",
            color=alt.Color("model:N", scale=scale, legend=None),
            tooltip=[
                alt.Tooltip("model:N", title="Best price under"),
                alt.Tooltip("price:Q", title=axes.x_title, format=axes.money),
                alt.Tooltip("profit:Q", title="Profit there", format="$,.0f"),
            ],
        )
    )


def _demand_table(
    scenario: Scenario, comparison: shapes.DemandComparison, units_name: str
) -> None:
    criterion = comparison.criterion
    money = scenario.variable.unit
    rows = []
    for fit in comparison.fits:
        spec = shapes.MODELS[fit.model]
        if fit.converged:
            parameters = ", ".join(
                f"{name} = {pm(fit.params[name], fit.stderr[name])}"
                for name in spec.param_names
            )
        else:
            parameters = "could not be fitted"
        delta = comparison.delta(fit.model)
        optimum = fit.optimum
        rows.append(
            {
                "Shape": fit.label
                + (" (best)" if fit.model == comparison.best else ""),
                "Demand": spec.equation,
                "Parameters (± standard error)": parameters,
                "R²": fmt.r_squared(fit.r2),
                f"RMSE ({units_name})": fmt.number(fit.rmse, 3),
                criterion: fmt.number(fit.criterion(criterion), 4)
                if math.isfinite(fit.criterion(criterion))
                else "—",
                f"Δ{criterion}": fmt.number(delta, 3) if math.isfinite(delta) else "—",
                "Best price": "—"
                if optimum.price is None
                else fmt.quantity(optimum.price, money),
                "Profit there": "—"
                if optimum.profit is None
                else fmt.quantity(optimum.profit, scenario.objective_unit),
            }
        )
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")
    st.caption(
        f"All shapes are fitted to the same {comparison.n} observations at "
        f"{comparison.distinct_prices} prices. Lower {criterion} is better; "
        f"a Δ{criterion} under {shapes.TIE_MARGIN:g} means the data cannot tell "
        "that shape from the best. Prices are for a unit cost of "
        f"{fmt.quantity(comparison.unit_cost, money)}."
    )


def _demand_verdict(scenario: Scenario, comparison: shapes.DemandComparison) -> None:
    money = scenario.variable.unit
    if comparison.best is not None:
        best = comparison.get(comparison.best)
        where = (
            f" and would charge {fmt.quantity(best.optimum.price, money)}"
            if best.optimum.price is not None
            else ""
        )
        st.markdown(
            f"**Best by {comparison.criterion}: {best.label.lower()}**{plain(where)}."
        )
    prices = [f.optimum.price for f in comparison.fits if f.optimum.price is not None]
    if len(prices) > 1:
        st.caption(
            plain(
                "The best price moves from "
                f"{fmt.quantity(min(prices), money)} to "
                f"{fmt.quantity(max(prices), money)} between the shapes."
            )
        )
    for notice in comparison.notices:
        st.info(plain(notice))
    for fit in comparison.fits:
        said = dict.fromkeys((*fit.warnings, fit.optimum.reason or ""))
        for sentence in [s for s in said if s]:
            st.caption(f"**{fit.label}.** {plain(sentence)}")


def _use_buttons(
    scenario: Scenario, line: sales.DemandFit, comparison: shapes.DemandComparison
) -> None:
    columns = st.columns(len(comparison.fits))
    for column, fit in zip(columns, comparison.fits, strict=True):
        with column:
            if fit.model == "linear":
                _use_linear(scenario, line)
                continue
            spec = shapes.own_model_spec(fit, comparison.unit_cost)
            url = _own_model_url(spec) if spec is not None else None
            if url is None:
                why = (
                    "This shape gives no best price to explore."
                    if spec is None
                    else "The Your own model page is not available."
                )
                st.button(
                    f"Use the {fit.label.lower()} fit",
                    key=f"fit_use_{fit.model}",
                    disabled=True,
                    help=why,
                    width="stretch",
                )
                st.caption(why)
                continue
            st.link_button(
                f"Use the {fit.label.lower()} fit",
                url,
                help=f"Opens its profit {spec['formula']} on Your own model.",
                width="stretch",
            )
            st.caption("Opens Your own model, in a new tab, with this profit curve.")


def _use_linear(scenario: Scenario, line: sales.DemandFit) -> None:
    mapped = sales.fit_to_params(scenario, line)
    if mapped.params is None:
        for notice in mapped.notices:
            st.caption(plain(notice))
        return
    labels = ", ".join(
        f"{scenario.param(k).label} {fmt.quantity(v, scenario.param(k).unit)}"
        for k, v in mapped.params.items()
    )
    st.button(
        "Use the linear fit",
        key="whatif_fit_use",
        type="primary",
        on_click=set_sliders,
        args=(mapped.params, mapped.notices),
        help=f"Sets {labels}.",
        width="stretch",
    )
    st.caption(plain(f"Sets {labels}."))


def _own_model_url(spec: Mapping[str, object]) -> str | None:
    """The own-model page's address for a profit model: its link format.

    The page reads the model and its parameter values from the query string
    on arrival, so the link opens (in a new tab) exactly this model.
    """
    try:
        from dashboard.sections import own_model_state as page
    except ImportError:
        return None
    lo, hi = spec["domain"]  # type: ignore[misc]
    query = {
        page.FORMULA_KEY: spec["formula"],
        page.VARIABLE_KEY: spec["variable"],
        page.LO_KEY: lo,
        page.HI_KEY: hi,
        page.GOAL_KEY: spec["goal"],
    }
    for name, value in dict(spec["params"]).items():  # type: ignore[call-overload]
        query[name] = repr(float(value))
    return f"{page.PAGE_ID}?{urlencode(query, quote_via=quote)}"
