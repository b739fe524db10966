"""Fitting sections: demand shapes compared, and any formula fitted to data.

:func:`render_demand_fit` is the pricing pages' "Fit demand from your sales
data": one chart of the observations with every fitted demand shape, a table
with a row per model, and "Use this fit" per model. :func:`render_formula_fit`
fits a formula's parameters to typed or uploaded (x, y) rows, for a typed
model and for catalog scenarios that declare a curve over data
(``extras["data_fit"]``, read through :func:`scenarios.fitting.data_fit_of`).

The arithmetic is in ``scenarios.demand_models`` and ``scenarios.fitting``;
this module caches on plain values, formats and draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from urllib.parse import quote, urlencode

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from scenarios import Scenario, Solution, fitting
from scenarios import demand_fit as sales
from scenarios import demand_models as shapes

from . import format as fmt

CURVE_POINTS = 200
"""Points per drawn curve."""

MAX_LISTED_ROWS = 20
"""Bad rows listed by number before "and N more"."""

_APPLIED = "whatif_fit_applied"
"""Session key: notices left by a "Use this fit" click, shown on the next run."""

COLOURS = {
    "linear": "#e4572e",
    "exponential": "#17bebb",
    "constant_elasticity": "#76b041",
}


def plain(text: str) -> str:
    """Text for Markdown-rendering elements, with ``$`` and ``*`` kept literal."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("*", "\\*")


# --- cached computations ------------------------------------------------------


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


@st.cache_data(max_entries=64, show_spinner=False)
def read_xy(
    data: bytes, filename: str, x: str | None, y: str | None
) -> sales.XYData | str:
    """(x, y) rows from an uploaded file, or the sentence refusing it."""
    try:
        return sales.parse_xy_csv(data, filename, x, y)
    except sales.DemandDataError as exc:
        return str(exc)


@st.cache_data(max_entries=64, show_spinner=False)
def header_of(data: bytes, filename: str) -> tuple[tuple[str, bool], ...]:
    """An uploaded file's column names, each with whether it holds numbers."""
    try:
        return sales.csv_header(data, filename)
    except sales.DemandDataError:
        return ()


@st.cache_data(max_entries=128, show_spinner=False)
def parameters_of(text: str, variable: str) -> tuple[str, ...] | str:
    """A formula's parameter names, or the parser's sentence."""
    try:
        return fitting.formula_parameters(text, variable)
    except ValueError as exc:
        return str(exc)


@st.cache_data(max_entries=128, show_spinner=False)
def fit_curve(
    text: str,
    variable: str,
    x: tuple[float, ...],
    y: tuple[float, ...],
    start: tuple[tuple[str, float], ...],
    fixed: tuple[tuple[str, float], ...],
    bounds: tuple[tuple[str, tuple[float, float]], ...],
) -> fitting.ParameterFit | str:
    """A formula fitted to (x, y), or the one sentence saying why it cannot be."""
    try:
        return fitting.fit_formula(
            text, variable, x, y, dict(start), dict(fixed), dict(bounds)
        )
    except ValueError as exc:
        return str(exc)


@st.cache_data(max_entries=128, show_spinner=False)
def curve_of(
    text: str,
    variable: str,
    params: tuple[tuple[str, float], ...],
    lo: float,
    hi: float,
) -> pd.DataFrame:
    """The formula drawn across [lo, hi] at ``params``."""
    xs = np.linspace(lo, hi, CURVE_POINTS)
    try:
        ys = fitting.evaluate_formula(text, variable, dict(params), xs)
    except ValueError:
        ys = np.full_like(xs, np.nan)
    return pd.DataFrame({"x": xs, "y": ys}).dropna()


# --- shared pieces ------------------------------------------------------------


def _bad_rows_warning(bad_rows: tuple[sales.BadRow, ...]) -> None:
    if not bad_rows:
        return
    shown = bad_rows[:MAX_LISTED_ROWS]
    listed = "; ".join(f"row {b.row}: {b.reason}" for b in shown)
    more = len(bad_rows) - len(shown)
    st.warning(
        plain(
            f"Skipped {len(bad_rows)} row{'s' if len(bad_rows) != 1 else ''}: "
            f"{listed}" + (f"; and {more} more." if more else ".")
        )
    )


def _set_sliders(
    values: Mapping[str, float],
    notices: tuple[str, ...],
    key_of: Callable[[str], str] | None = None,
) -> None:
    """Button callback: runs before the sliders are drawn, so they take the fit."""
    for name, value in values.items():
        st.session_state[key_of(name) if key_of else name] = float(value)
    st.session_state[_APPLIED] = notices


def _show_applied(message: str) -> None:
    applied = st.session_state.pop(_APPLIED, None)
    if applied is None:
        return
    st.success(message)
    for notice in applied:
        st.info(plain(notice))


def _pm(value: float, error: float, unit: str = "") -> str:
    text = fmt.quantity(value, unit) if unit else fmt.number(value)
    if not math.isfinite(error):
        return text
    return f"{text} ± {fmt.number(error, 2)}"


# --- demand shapes compared ---------------------------------------------------


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
    if not sales.supports_demand_fit(scenario.id):
        return
    target = sales.FIT_TARGETS[scenario.id]
    st.subheader("Fit demand from your sales data")
    _show_applied("The demand sliders now hold the fitted line.")
    units_name = scenario.param(target.intercept_param).unit or "units"
    observations = _sales_input(scenario, units_name)
    if observations is None:
        return
    _bad_rows_warning(observations.bad_rows)
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


def _demand_chart(
    scenario: Scenario,
    observations: sales.Observations,
    comparison: shapes.DemandComparison,
    units_name: str,
) -> None:
    price_unit = scenario.variable.unit
    x_title = fmt.with_unit(scenario.variable.label, price_unit)
    y_title = f"Sold ({units_name})"
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
    points = pd.DataFrame({"price": observations.prices, "units": observations.units})
    domain = [f.label for f in comparison.fits if f.converged]
    colours = [COLOURS[f.model] for f in comparison.fits if f.converged]
    scale = alt.Scale(domain=domain, range=colours)
    colour = alt.Color(
        "model:N",
        title="Demand shape",
        scale=scale,
        legend=alt.Legend(orient="bottom"),
    )
    money = "$,.2f" if price_unit.startswith("$") else ",.4~g"
    lines = (
        alt.Chart(
            pd.concat(frames)
            if frames
            else pd.DataFrame(columns=["price", "units", "model"])
        )
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("price:Q", title=x_title),
            y=alt.Y("units:Q", title=y_title),
            color=colour,
            tooltip=[
                alt.Tooltip("model:N", title="Shape"),
                alt.Tooltip("price:Q", title=x_title, format=money),
                alt.Tooltip("units:Q", title=y_title, format=",.4~g"),
            ],
        )
    )
    dots = (
        alt.Chart(points)
        .mark_circle(size=70, color="#29335c", opacity=1)
        .encode(
            x="price:Q",
            y="units:Q",
            tooltip=[
                alt.Tooltip("price:Q", title=x_title, format=money),
                alt.Tooltip("units:Q", title=y_title, format=",.4~g"),
            ],
        )
    )
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
    chart = lines + dots
    if not best.empty:
        chart += (
            alt.Chart(best)
            .mark_point(shape="diamond", size=120, filled=True, stroke="white")
            .encode(
                x="price:Q",
                y="units:Q",
                color=alt.Color("model:N", scale=scale, legend=None),
                tooltip=[
                    alt.Tooltip("model:N", title="Best price under"),
                    alt.Tooltip("price:Q", title=x_title, format=money),
                    alt.Tooltip("profit:Q", title="Profit there", format="$,.0f"),
                ],
            )
        )
    st.altair_chart(chart.properties(height=300), width="stretch")
    st.caption(
        "Dots: your observations. Lines: each demand shape fitted by least "
        "squares on units. Diamonds: the best price under each shape."
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
                f"{name} = {_pm(fit.params[name], fit.stderr[name])}"
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
        reason = fit.optimum.reason
        if reason:
            st.caption(f"**{fit.label}.** {plain(reason)}")


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
            st.caption("Opens Your own model with this profit curve.")


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
        on_click=_set_sliders,
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
        from . import own_model_page as page
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


# --- any formula fitted to data -----------------------------------------------


def _empty_xy() -> pd.DataFrame:
    return pd.DataFrame(
        {"x": pd.Series(dtype="float64"), "y": pd.Series(dtype="float64")}
    )


def _xy_input(declared: fitting.DataFit, key: str) -> sales.XYData | None:
    x_title = fmt.with_unit(declared.x_label, declared.x_unit)
    y_title = fmt.with_unit(declared.y_label, declared.y_unit)
    source = st.radio(
        "Data from",
        ("table", "file"),
        format_func=lambda k: "A table I type in" if k == "table" else "A CSV file",
        horizontal=True,
        key=f"{key}_source",
    )
    if source == "table":
        edited = st.data_editor(
            _empty_xy(),
            num_rows="dynamic",
            key=f"{key}_table",
            width="stretch",
            column_config={
                "x": st.column_config.NumberColumn(x_title),
                "y": st.column_config.NumberColumn(y_title),
            },
        )
        records = edited.to_dict("records")
        if not records:
            st.caption(
                f"Add one row per observation: {x_title.lower()} and {y_title.lower()}."
            )
            return None
        return sales.xy_from_rows(records)
    upload = st.file_uploader(
        "CSV with an x column and a y column (at most 1 MB)",
        key=f"{key}_upload",
        max_upload_size=1,
    )
    if upload is None:
        st.caption(
            "Without a header line the first two columns are x and y; with one "
            "you pick the columns by name."
        )
        return None
    data = upload.getvalue()
    header = header_of(data, upload.name)
    x_col = y_col = None
    if len(header) > 2:
        names = [name for name, _ in header]
        x_at = _guess_column(
            header, (declared.variable, declared.x_label, declared.x_unit)
        )
        y_at = _guess_column(header, (declared.y_label, declared.y_unit), skip=x_at)
        left, right = st.columns(2)
        x_col = left.selectbox(
            f"Column for {x_title.lower()}", names, index=x_at, key=f"{key}_xcol"
        )
        y_col = right.selectbox(
            f"Column for {y_title.lower()}", names, index=y_at, key=f"{key}_ycol"
        )
    parsed = read_xy(data, upload.name, x_col, y_col)
    if isinstance(parsed, str):
        st.error(plain(parsed))
        return None
    return parsed


def _guess_column(
    header: tuple[tuple[str, bool], ...], words: tuple[str, ...], skip: int = -1
) -> int:
    """The column named like one of ``words``, else the first numeric one left."""
    wanted = {w.strip().lower() for w in words if w.strip()}
    for i, (name, _) in enumerate(header):
        if i != skip and name.strip().lower() in wanted:
            return i
    numeric = [i for i, (_, number) in enumerate(header) if number and i != skip]
    others = [i for i in range(len(header)) if i != skip]
    return (numeric or others)[0]


def render_formula_fit(
    scenario: Scenario,
    params: Mapping[str, float],
    solution: Solution | None = None,
    *,
    declared: fitting.DataFit | None = None,
    key: str = "fit",
    slider_key: Callable[[str], str] | None = None,
) -> None:
    """ "Fit the curve to your data": a formula's parameters by least squares.

    ``declared`` defaults to the scenario's own declaration (see
    :func:`scenarios.fitting.data_fit_of`); nothing is drawn without one.
    Start values are the current sliders, the bounds their ranges, and the
    button sets the sliders (``slider_key(name)`` is a slider's widget key,
    the name itself by default).
    """
    declared = declared or fitting.data_fit_of(scenario)
    if declared is None:
        return
    st.subheader("Fit the curve to your data")
    _show_applied("The sliders now hold the fitted values.")
    st.markdown(
        plain(
            f"Fits y ~ `{declared.formula}` to your rows, x being {declared.variable}."
        )
    )
    if declared.note:
        st.caption(plain(declared.note))
    names = parameters_of(declared.formula, declared.variable)
    if isinstance(names, str):
        st.error(plain(names))
        return
    if not names:
        st.info("This formula has no parameters to fit.")
        return
    data = _xy_input(declared, key)
    if data is None:
        return
    _bad_rows_warning(data.bad_rows)
    if len(data) == 0:
        st.caption("No usable rows yet.")
        return
    chosen = st.multiselect(
        "Parameters to fit",
        names,
        default=[n for n in declared.fit if n in names] or list(names),
        key=f"{key}_params",
        help="The others stay at their slider values.",
    )
    if not chosen:
        st.caption("Pick at least one parameter to fit.")
        return
    declared_params = {p.name: p for p in scenario.params}
    current = dict(params)
    columns = st.columns(min(len(chosen), 4))
    start: dict[str, float] = {}
    for i, name in enumerate(chosen):
        spec = declared_params.get(name)
        default = float(current.get(name, spec.default if spec else 1.0))
        start[name] = columns[i % len(columns)].number_input(
            f"Start value of {spec.label if spec else name}",
            value=default,
            key=f"{key}_start_{name}",
            format="%g",
        )
    fixed = {n: float(current[n]) for n in names if n not in chosen and n in current}
    bounds = {
        n: (float(declared_params[n].min), float(declared_params[n].max))
        for n in chosen
        if n in declared_params
    }
    result = fit_curve(
        declared.formula,
        declared.variable,
        tuple(data.x.tolist()),
        tuple(data.y.tolist()),
        tuple(start.items()),
        tuple(fixed.items()),
        tuple(bounds.items()),
    )
    if isinstance(result, str):
        st.error(plain(result))
        return
    if not result.converged:
        st.warning(plain(result.message))
    _fit_figures(scenario, result)
    for warning in result.warnings:
        st.warning(plain(warning))
    _fit_charts(declared, data, {**fixed, **result.params}, result)
    if result.converged:
        values = fitting.slider_values(scenario, result.params)
        if values.params:
            shown = ", ".join(
                f"{declared_params[n].label} {fmt.quantity(v, declared_params[n].unit)}"
                for n, v in values.params.items()
            )
            st.button(
                "Set the sliders to the fit",
                key=f"{key}_use",
                type="primary",
                on_click=_set_sliders,
                args=(values.params, values.notices, slider_key),
                help=f"Sets {shown}.",
            )
            st.caption(plain(f"Sets {shown}, rounded to each slider's step."))


def _fit_figures(scenario: Scenario, result: fitting.ParameterFit) -> None:
    declared = {p.name: p for p in scenario.params}
    rows = []
    for name, value in result.params.items():
        spec = declared.get(name)
        unit = spec.unit if spec else ""
        error = result.stderr[name]
        rows.append(
            {
                "Parameter": f"{spec.label} ({name})"
                if spec and spec.label != name
                else name,
                "Fitted": fmt.quantity(value, unit),
                "± standard error": fmt.number(error, 2)
                if math.isfinite(error)
                else "—",
                "Start": fmt.quantity(result.start[name], unit),
            }
        )
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")
    r2, rmse, n = st.columns(3)
    r2.metric(
        "R²",
        fmt.r_squared(result.r2),
        help="Share of the variation in y the curve explains.",
    )
    rmse.metric(
        "RMSE",
        fmt.number(result.rmse, 3),
        help="Typical size of a residual, in units of y.",
    )
    n.metric("Rows", f"{result.n:,}")
    st.caption(
        "Least squares with the exact Jacobian from SymPy; the ranges of the "
        "sliders bound the parameters."
    )


def _fit_charts(
    declared: fitting.DataFit,
    data: sales.XYData,
    values: Mapping[str, float],
    result: fitting.ParameterFit,
) -> None:
    x_title = fmt.with_unit(declared.x_label, declared.x_unit)
    y_title = fmt.with_unit(declared.y_label, declared.y_unit)
    lo, hi = float(data.x.min()), float(data.x.max())
    pad = (hi - lo) * 0.05 or 1.0
    curve = curve_of(
        declared.formula,
        declared.variable,
        tuple(sorted(values.items())),
        lo - pad if lo < 0 else max(0.0, lo - pad),
        hi + pad,
    )
    points = pd.DataFrame(
        {
            "x": data.x,
            "y": data.y,
            "fitted": result.fitted,
            "residual": -result.residuals,
        }
    )
    tips = [
        alt.Tooltip("x:Q", title=x_title, format=",.4~g"),
        alt.Tooltip("y:Q", title=y_title, format=",.4~g"),
    ]
    dots = (
        alt.Chart(points)
        .mark_circle(size=60, color="#29335c", opacity=1)
        .encode(
            x=alt.X("x:Q", title=x_title), y=alt.Y("y:Q", title=y_title), tooltip=tips
        )
    )
    line = (
        alt.Chart(curve)
        .mark_line(color="#e4572e", strokeWidth=2)
        .encode(x="x:Q", y="y:Q")
    )
    left, right = st.columns([3, 2])
    with left:
        st.altair_chart((line + dots).properties(height=280), width="stretch")
        st.caption("Dots: your rows. Line: the fitted curve.")
    residuals = (
        alt.Chart(points)
        .mark_circle(size=50, color="#29335c", opacity=1)
        .encode(
            x=alt.X("x:Q", title=x_title),
            y=alt.Y("residual:Q", title="Residual"),
            tooltip=[
                *tips,
                alt.Tooltip("residual:Q", title="Residual", format=",.3~g"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888").encode(y="y:Q")
    with right:
        st.altair_chart((zero + residuals).properties(height=280), width="stretch")
        st.caption(
            "Residual: data minus fit. A pattern here means the formula misses a shape."
        )
