"""Derivative lab: the derivative of any scenario, up close, at a point you pick.

Three sections: secants closing in on the tangent, the error of numerical
derivatives against the step h, and a gradient check. The sidebar holds the
scenario, its parameters and the point x; all of them live in the URL under
keys that start with ``lab_`` so they never clash with a scenario page's own.

The sidebar's controls are shared with the descent and compare pages, in
:mod:`dashboard.sections.tool_controls`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scenarios
from dashboard import format as fmt
from dashboard.charts import difference as difference_charts
from dashboard.charts import lab as lab_charts
from dashboard.charts import vega
from dashboard.sections.tool_controls import (
    Items,
    choose_and_solve,
    default_point,
    point_slider,
)
from scenarios import Scenario
from scenarios.analysis import Curve
from scenarios.learning import (
    EPS,
    GRADIENT_TOLERANCE,
    GradientCheck,
    SecantTable,
    StepSizeStudy,
    gradient_check,
    secant_slopes,
    step_size_study,
)

PREFIX = "lab"


# --- cached engine calls (plain keys only) -------------------------------------


@st.cache_data(max_entries=512, show_spinner=False)
def _secants(scenario_id: str, items: Items, x: float) -> SecantTable:
    return secant_slopes(scenarios.get(scenario_id), x, dict(items))


@st.cache_data(max_entries=512, show_spinner=False)
def _study(scenario_id: str, items: Items, x: float) -> StepSizeStudy:
    return step_size_study(scenarios.get(scenario_id), x, dict(items))


@st.cache_data(max_entries=512, show_spinner=False)
def _check(scenario_id: str, items: Items, x: float, tolerance: float) -> GradientCheck:
    return gradient_check(scenarios.get(scenario_id), x, dict(items), tolerance)


# --- widgets shared by the lab pages ---------------------------------------------


def _tiny(value: float) -> str:
    """Errors are the point here: never round a small one to 0."""
    return fmt.number(value, sig=2, zero_below=0)


# --- sections ----------------------------------------------------------------------


def _secant_section(scenario: Scenario, items: Items, x: float, curve: Curve) -> None:
    st.subheader("Secant to tangent")
    st.write(
        "A secant joins the curve at x and at x + h, and its slope "
        "(f(x + h) − f(x)) / h is the average rate of change over that step. "
        "Shrink h and the second point slides towards x: the secants pivot "
        "onto the tangent, whose slope is the derivative f′(x)."
    )
    table = _secants(scenario.id, items, x)
    lo, hi = curve.x[0], curve.x[-1]
    zoom = st.toggle(
        "Zoom in around x",
        key=f"{PREFIX}_zoom",
        help="Show only the stretch covered by the largest step.",
    )
    window = (float(lo), float(hi))
    if zoom:
        reach = 1.5 * abs(table.secants[0].h)
        window = (max(float(lo), x - reach), min(float(hi), x + reach))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        spec = difference_charts.secant_chart(scenario, curve, table, window)
        st.vega_lite_chart(vega.sendable(spec), width="stretch")
    slope_unit = fmt.slope_unit(scenario)
    rows = [
        {
            "Step h": fmt.signed(s.h),
            "Secant slope": fmt.number(s.slope, sig=8),
            "Gap to f′(x)": fmt.signed(s.error, sig=3),
        }
        for s in table.secants
    ]
    rows.append(
        {
            "Step h": "→ 0 (tangent)",
            "Secant slope": fmt.number(table.derivative, sig=8),
            "Gap to f′(x)": "0",
        }
    )
    with right:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.markdown(
            f"Analytic **f′({lab_charts.x_text(scenario, x)}) = "
            f"{fmt.number(table.derivative, sig=8)}** {slope_unit}."
        )
        if any(s.h < 0 for s in table.secants):
            st.caption(
                "A negative h reaches back to x − |h|, because x + |h| would "
                "leave the range."
            )
        st.caption(
            "Each tenfold cut in h cuts the gap to f′(x) about tenfold: the "
            "forward secant's error is proportional to h."
        )


def _step_size_section(scenario: Scenario, items: Items, x: float) -> None:
    st.subheader("How small should h be?")
    study = _study(scenario.id, items, x)
    spec = difference_charts.step_error_chart(study)
    st.vega_lite_chart(vega.sendable(spec), width="stretch")
    _two_errors(study)
    _best_steps(study)
    _step_size_table(study)


def _two_errors(study: StepSizeStudy) -> None:
    """Why the error falls and then rises again as h shrinks."""
    scale = fmt.number(study.scale)
    eps = fmt.number(EPS, sig=2, zero_below=0)
    st.markdown(
        f"""
Two errors pull against each other as h shrinks.

* **Truncation** (the right of the chart, falling): a difference quotient
  treats the curve as straight between its sample points. The forward
  difference is off by about |f″|·h/2, so its error falls in proportion to h.
  The central difference, (f(x + h) − f(x − h)) / 2h, samples both sides, the
  curvature terms cancel and only about |f‴|·h²/6 is left: it falls with h².
* **Round-off** (the left, rising): every value of f is stored to about 16
  significant digits, an error near ε·|f| with ε = {eps}. Subtracting two
  nearly equal values keeps that error while the difference itself shrinks,
  and dividing by a tiny h magnifies it: roughly ε·|f|/h. At the far left,
  x + h rounds back to x and the estimate collapses.
* **The best h** balances the two. For the forward difference that is near
  √ε·scale ≈ 1.5×10⁻⁸·scale; for the central difference, whose truncation
  falls faster, near ∛ε·scale ≈ 6×10⁻⁶·scale, with a smaller error at its
  best. Here scale = max(|x|, 1) = {scale}. The dashed lines mark both.
"""
    )


def _best_steps(study: StepSizeStudy) -> None:
    """The best h measured for each difference, against the error model's."""
    forward_model = (
        f"the error model predicts {fmt.number(study.model_forward_h, sig=2)}"
        if study.model_forward_h is not None
        else "f″ = 0 here, so there is no truncation error to balance"
    )
    central_model = (
        f"the error model predicts {fmt.number(study.model_central_h, sig=2)}"
        if study.model_central_h is not None
        else "f‴ = 0 here (f is a parabola nearby), so the central difference has "
        "no truncation error and its best h is simply the largest tried"
    )
    a, b = st.columns(2)
    a.metric(
        "Best h, forward difference",
        fmt.number(study.best_forward_h, sig=2),
        help=f"Smallest error {_tiny(study.best_forward_error)}.",
    )
    b.metric(
        "Best h, central difference",
        fmt.number(study.best_central_h, sig=2),
        help=f"Smallest error {_tiny(study.best_central_error)}.",
    )
    st.caption(
        f"Forward: measured best {fmt.number(study.best_forward_h, sig=2)} with "
        f"error {_tiny(study.best_forward_error)}; {forward_model}. "
        f"Central: measured best {fmt.number(study.best_central_h, sig=2)} with "
        f"error {_tiny(study.best_central_error)}; {central_model}. "
        "The model's h uses the sizes of f and its derivatives at x, so it lands "
        "closer than the rule of thumb; both are estimates, not guarantees."
    )


def _step_size_table(study: StepSizeStudy) -> None:
    """Every step tried, its estimates and errors, in an expander."""
    best_f, best_c = study.best_forward_h, study.best_central_h
    rows = []
    for r in study.rows:
        note = [
            name
            for name, best in (("best forward", best_f), ("best central", best_c))
            if r.h == best
        ]
        rows.append(
            {
                "h": fmt.number(r.h, sig=3),
                "Forward estimate": fmt.number(r.forward, sig=10),
                "Forward error": fmt.number(r.forward_error, sig=3, zero_below=0),
                "Central estimate": fmt.number(r.central, sig=10),
                "Central error": fmt.number(r.central_error, sig=3, zero_below=0),
                "Note": ", ".join(note),
            }
        )
    with st.expander("The same data as a table", expanded=False):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=360)
        st.caption(
            f"f′(x) = {fmt.number(study.derivative, sig=12)} exactly from the "
            "formula. An error of 0 means the estimate matched it to the last "
            "bit; a log axis cannot show 0, so such points are missing from "
            "the chart."
        )


TOLERANCES = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10)


def _gradient_check_section(scenario: Scenario, items: Items, x: float) -> None:
    st.subheader("Gradient check")
    st.write(
        "Before trusting a hand-derived f′ (or a model's backpropagation), "
        "compare it with a central difference of f. They should agree to "
        "many digits; a sign slip or a missing factor shows up at once."
    )
    tolerance = st.select_slider(
        "Tolerance on the relative error",
        options=TOLERANCES,
        value=GRADIENT_TOLERANCE,
        format_func=lambda t: fmt.number(t, sig=1),
        key=f"{PREFIX}_tolerance",
    )
    check = _check(scenario.id, items, x, float(tolerance))
    slope_unit = fmt.slope_unit(scenario)
    a, b, c = st.columns(3)
    a.metric("Analytic f′(x)", fmt.number(check.analytic, sig=10), help=slope_unit)
    b.metric(
        "Central difference",
        fmt.number(check.numeric, sig=10),
        help=f"Step h = ∛ε·max(|x|, 1) = {fmt.number(check.step, sig=3)}.",
    )
    c.metric("Relative error", _tiny(check.relative_error))
    verdict = (
        f"relative error {_tiny(check.relative_error)} against a "
        f"tolerance of {fmt.number(check.tolerance, sig=1)}"
    )
    if check.passed:
        st.success(f"Pass: the analytic derivative checks out ({verdict}).")
    else:
        st.error(
            f"Fail: the two disagree ({verdict}). Either f′ is wrong, or the "
            "tolerance is tighter than a central difference can resolve."
        )
    st.caption(
        "Relative error = |analytic − numeric| / max(|analytic|, |numeric|, "
        f"typical slope), where the typical slope {fmt.number(check.floor, sig=3)} "
        f"{slope_unit} is the largest |f| on the range divided by its width. "
        "Near an optimum f′ is almost 0, and dividing rounding noise by almost 0 "
        "would fail a correct derivative; the typical slope prevents that."
    )


# --- the page ----------------------------------------------------------------------


def render() -> None:
    """The derivative lab for the scenario, parameters and x in the sidebar."""
    st.title("Derivative lab")
    st.caption(
        "Pick a scenario and a point in the sidebar and watch the derivative "
        "emerge from difference quotients, and where those break down."
    )
    chosen = choose_and_solve(PREFIX)
    if chosen is None:
        return
    scenario, items, solution, curve = chosen
    var = scenario.variable
    st.sidebar.divider()
    x = point_slider(
        f"Point x: {var.label.lower()}",
        var.unit,
        f"{PREFIX}_{scenario.id}_x",
        solution.domain,
        default_point(scenario, solution.domain),
        help="Where to take the derivative.",
    )
    value = _secants(scenario.id, items, x).value
    st.markdown(
        f"**{scenario.title}**: at {var.label.lower()} = "
        f"{lab_charts.x_text(scenario, x)}, "
        f"{scenario.objective_label.lower()} is {lab_charts.f_text(scenario, value)}."
    )
    _secant_section(scenario, items, x, curve)
    st.divider()
    _step_size_section(scenario, items, x)
    st.divider()
    _gradient_check_section(scenario, items, x)
