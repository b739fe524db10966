""" "Fit the curve to your data": a formula's parameters by least squares.

For a typed model and for catalog scenarios that declare a curve over data
(``extras["data_fit"]``, read through :func:`scenarios.fitting.formulas.data_fit_of`):
typed or uploaded (x, y) rows, the parameters to fit with start values, then
the fitted values ± standard errors, R², RMSE, the data with the fitted curve,
the residuals, and a button that sets the sliders.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard.sections.fit_common import (
    CURVE_POINTS,
    bad_rows_warning,
    plain,
    set_sliders,
    show_applied,
)
from dashboard.sections.fit_interval import render_formula_interval
from scenarios import Scenario, Solution
from scenarios.fitting import formulas
from scenarios.fitting import least_squares as fitting
from scenarios.fitting.demand import sales


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
        return formulas.formula_parameters(text, variable)
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
        return formulas.fit_formula(
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
        ys = formulas.evaluate_formula(text, variable, dict(params), xs)
    except ValueError:
        ys = np.full_like(xs, np.nan)
    return pd.DataFrame({"x": xs, "y": ys}).dropna()


def _empty_xy() -> pd.DataFrame:
    return pd.DataFrame(
        {"x": pd.Series(dtype="float64"), "y": pd.Series(dtype="float64")}
    )


def _xy_input(declared: formulas.DataFit, key: str) -> sales.XYData | None:
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
    declared: formulas.DataFit | None = None,
    key: str = "fit",
    slider_key: Callable[[str], str] | None = None,
) -> None:
    """ "Fit the curve to your data": a formula's parameters by least squares.

    ``declared`` defaults to the scenario's own declaration (see
    :func:`scenarios.fitting.formulas.data_fit_of`); nothing is drawn without one.
    Start values are the current sliders, the bounds their ranges, and the
    button sets the sliders (``slider_key(name)`` is a slider's widget key,
    the name itself by default).
    """
    declared = declared or formulas.data_fit_of(scenario)
    if declared is None:
        return
    names = _introduce(declared)
    if names is None:
        return
    data = _xy_input(declared, key)
    if data is None:
        return
    bad_rows_warning(data.bad_rows)
    if len(data) == 0:
        st.caption("No usable rows yet.")
        return
    setup = _fit_setup(scenario, params, declared, names, key)
    if setup is None:
        return
    start, fixed, bounds = setup
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
        _use_fit_button(scenario, result, key, slider_key)
    render_formula_interval(scenario, params, declared, data, result)


def _introduce(declared: formulas.DataFit) -> tuple[str, ...] | None:
    """Heading and formula of the fit; its parameter names, or None to stop."""
    st.subheader("Fit the curve to your data")
    show_applied("The sliders now hold the fitted values.")
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
        return None
    if not names:
        st.info("This formula has no parameters to fit.")
        return None
    return names


Setup = tuple[dict[str, float], dict[str, float], dict[str, tuple[float, float]]]


def _fit_setup(
    scenario: Scenario,
    params: Mapping[str, float],
    declared: formulas.DataFit,
    names: tuple[str, ...],
    key: str,
) -> Setup | None:
    """Which parameters to fit and from where: (start, fixed, bounds), or None."""
    chosen = st.multiselect(
        "Parameters to fit",
        names,
        default=[n for n in declared.fit if n in names] or list(names),
        key=f"{key}_params",
        help="The others stay at their slider values.",
    )
    if not chosen:
        st.caption("Pick at least one parameter to fit.")
        return None
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
    return start, fixed, bounds


def _use_fit_button(
    scenario: Scenario,
    result: fitting.ParameterFit,
    key: str,
    slider_key: Callable[[str], str] | None,
) -> None:
    """ "Set the sliders to the fit", with the values it sets."""
    declared_params = {p.name: p for p in scenario.params}
    values = formulas.slider_values(scenario, result.params)
    if not values.params:
        return
    shown = ", ".join(
        f"{declared_params[n].label} {fmt.quantity(v, declared_params[n].unit)}"
        for n, v in values.params.items()
    )
    st.button(
        "Set the sliders to the fit",
        key=f"{key}_use",
        type="primary",
        on_click=set_sliders,
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
    declared: formulas.DataFit,
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
