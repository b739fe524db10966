"""The sections drawn in the tabs below a scenario page's chart.

Each takes ``(scenario, params, solution)``, like every section of
:data:`scenario_page.SECTIONS`, and copes with ``solution`` being None. They
import what they draw with (pandas, the what-if stack) only when drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from dashboard import engine
from dashboard import format as fmt
from dashboard.sections.run import (
    analysis_of,
    default_your_value,
    heading,
    own_rerun,
    points_of,
)
from scenarios import Scenario, Solution

if TYPE_CHECKING:
    from dashboard.sections import tables


def _download(table: tables.Table, name: str, scenario: Scenario, key: str) -> None:
    st.download_button(
        "Download CSV",
        # A callable defers building the CSV until someone clicks.
        table.csv_bytes,
        file_name=f"{scenario.id}_{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=f"{scenario.id}.{key}",
    )


def points_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """(a) Reference points and the user's value against the optimum."""
    from dashboard.sections import tables

    if solution is None:
        return
    view = points_of(scenario, params, solution)
    if view is None:
        return
    heading(
        "Points against the optimum",
        "Advice follows the sign of the slope. “Short of the optimum by” is "
        f"what each point gives up against the best "
        f"{scenario.variable.label.lower()}.",
    )
    table = tables.points_table(scenario, view.reports)
    st.table(table.display, hide_index=True)
    _download(table, "points", scenario, "points_csv")


def inflections_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """Where f'' changes sign: the inflection points, when there are any."""
    from dashboard.charts import curvature as curvature_charts

    if solution is None:
        return
    inflections = curvature_charts.inflection_table(scenario, params)
    if not inflections.empty:
        heading(
            "Inflection points",
            "Where f″ changes sign, found by root-finding f″. The main chart "
            "marks each one; there the slope f′ is at its steepest nearby.",
        )
        st.table(inflections, hide_index=True)


def what_if_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """(b) Current parameters and results against the defaults."""
    from dashboard.sections import tables

    analysis = analysis_of(scenario, params)
    if not analysis.what_if:
        return
    st.subheader("What if: your settings against the defaults")
    table = tables.what_if_table(analysis.what_if)
    st.table(table.display, hide_index=True)
    _download(table, "what_if", scenario, "what_if_csv")


def _default_target(scenario: Scenario) -> float:
    """A target worth seeking: the objective at the default "your value"."""
    solution = engine.default_solution(scenario.id)
    your_default = default_your_value(scenario)
    if isinstance(solution, str) or your_default is None:
        return 0.0
    span = engine.tangent_span(*solution.domain, your_default)
    view = engine.points_view(
        scenario.id, engine.freeze(solution.params), your_default, span
    )
    return 0.0 if view is None else fmt.round_sig(view.reports[-2].value, 3)


@own_rerun
def goal_seek_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """(c) Every x that reaches a target the user types in."""
    from dashboard.sections import tables

    if solution is None:
        return
    obj = scenario.objective_label
    st.subheader("Goal seek")
    target = st.number_input(
        fmt.with_unit(f"Target {obj.lower()}", scenario.objective_unit),
        value=_default_target(scenario),
        format="%g",
        key=f"{scenario.id}.seek_target",
        help=f"Every {scenario.variable.label.lower()} in the range where "
        f"{obj.lower()} equals this value.",
    )
    result = engine.goal_seek(scenario.id, engine.freeze(params), fmt.clean(target))
    if result.error:
        st.error(result.error)
        return
    shown_target = fmt.quantity(target, scenario.objective_unit)
    lo, hi = solution.domain
    if not result.reports:
        best = "highest" if scenario.goal == "maximize" else "lowest"
        st.info(
            f"No {scenario.variable.label.lower()} between "
            f"{fmt.range_text(lo, hi, scenario.variable.unit)} gives {shown_target}; "
            f"the {best} it reaches is "
            f"{fmt.quantity(solution.value, scenario.objective_unit)}."
        )
        return
    count = len(result.reports)
    st.caption(
        f"{count} {'point' if count == 1 else 'points'} in the range "
        f"{'reaches' if count == 1 else 'reach'} {shown_target}."
    )
    table = tables.seek_table(scenario, result.reports)
    st.table(table.display, hide_index=True)
    _download(table, "goal_seek", scenario, "seek_csv")


def derivation_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """How the optimum follows from f' = 0, the f'' test and the derivative check."""
    from dashboard.sections import tables

    var = scenario.variable
    name = var.label.lower()
    obj = scenario.objective_label.lower()
    analysis = analysis_of(scenario, params)
    st.subheader("How the optimum is found")

    st.markdown(
        f"**1 · The objective.** {scenario.objective_label} as a function of {name}:"
    )
    st.latex(scenario.formula_tex)

    st.markdown(
        f"**2 · Its slope.** The first derivative says how much {obj} changes "
        f"for a small step up in {name}. Where it is positive, a larger {name} "
        f"raises {obj}; where it is negative, it lowers it."
    )
    st.latex(scenario.df_tex)

    st.markdown(
        f"**3 · Where the slope is zero.** Inside the range, a best {name} can "
        f"only sit where the slope is zero, because anywhere else a small step "
        f"one way would improve {obj}. The solver fits f′ with a Chebyshev "
        f"polynomial, adding sample points until the fit is exact to rounding "
        f"and splitting the range into pieces where one polynomial is not "
        f"enough. It checks the fit against f′ on a fine even grid, so a narrow "
        f"dip cannot slip between the samples, finds every root of each piece "
        f"and polishes each one on f′ itself until it is exact to machine "
        f"precision. It then compares those roots with both ends of the range."
    )
    search = solution.search if solution is not None else None
    if search is not None:
        pieces = "one piece" if search.pieces == 1 else f"{search.pieces:,} pieces"
        st.markdown(
            f"Here f′ took {pieces}, {search.points:,} Chebyshev points and "
            f"{search.check_points:,} check points: {solution.evaluations:,} "
            "evaluations in all."
        )
    if solution is not None:
        if solution.stationary_points:
            roots = ", ".join(
                fmt.quantity(sp.x, var.unit, sig=6) for sp in solution.stationary_points
            )
            st.markdown(
                f"Here f′ = 0 at **{roots}**"
                + (
                    f" (f′ left there: {fmt.number(solution.residual)})."
                    if not solution.on_boundary
                    else "."
                )
            )
        else:
            st.markdown(
                "Here f′ never changes sign across the range, so the answer is "
                f"an end of the range: **{fmt.quantity(solution.x, var.unit)}**."
            )
    if scenario.explanation:
        st.info(scenario.explanation, icon=":material/lightbulb:")

    st.markdown(
        "**4 · The second-derivative test.** The second derivative says which "
        "way the curve bends. Negative means it bends down, so a flat point is "
        "a peak; positive means it bends up, so a flat point is a valley."
    )
    st.latex(scenario.d2f_tex)
    if solution is not None:
        curvature = solution.second_derivative
        if solution.on_boundary:
            verdict = (
                "The best point is an end of the range, where f′ is not zero, so "
                "the test does not apply; comparing the ends settles it."
            )
        else:
            bend = "down" if curvature < 0 else "up" if curvature > 0 else "neither way"
            verdict = (
                f"At x* = {fmt.quantity(solution.x, var.unit)}, "
                f"f″ = {fmt.number(curvature)}: the curve bends {bend}, "
                f"so this is a {solution.kind}."
            )
        st.markdown(verdict)

    st.markdown(
        "**5 · Checking the derivatives.** f′ and f″ above were worked out "
        + ("by SymPy from the formula" if "formula" in scenario.tags else "by hand")
        + ". To catch a slip, each is compared with a finite-difference "
        "estimate taken from f alone, at points spread across the range."
    )
    check = analysis.check
    if check is None:
        st.markdown("The check runs once the parameters give a feasible range.")
        return
    failures = len(check.failures)
    total = len(check.samples)
    if check.passed:
        st.success(
            f"Passed: analytic and numerical derivatives agree at all {total} points.",
            icon=":material/check_circle:",
        )
    else:
        st.error(
            f"Failed at {failures} of {total} points: the hand-written "
            "derivatives disagree with the numerical ones.",
            icon=":material/error:",
        )
    comparison = st.expander(
        "Point-by-point comparison",
        key=f"{scenario.id}.check_open",
        on_change="rerun",
    )
    # Drawn only while open: a few hundred table cells redrawn on every slider
    # move would slow the whole page for a table most readers never open.
    if comparison.open:
        comparison.table(tables.check_table(check), hide_index=True)


@own_rerun
def sensitivity_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Tornado, one-way sweep or two-way heatmap (see :mod:`sensitivity_sections`)."""
    from dashboard.sections import sensitivity as sensitivity_sections

    sensitivity_sections.render_sensitivity(scenario, params, solution)


@own_rerun
def demand_fit_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Fit demand from sales data, for the linear-demand pricing scenarios."""
    from dashboard.sections import whatif as whatif_sections

    whatif_sections.render_demand_fit(scenario, params, solution)


@own_rerun
def save_case_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Save the sliders as a case, or load a saved one back into them."""
    from dashboard.sections import whatif as whatif_sections

    whatif_sections.render_save_case(scenario, params, solution)


def has_fit(scenario: Scenario) -> bool:
    """True when the scenario has something to fit: demand data or a curve."""
    from scenarios.fitting import least_squares as fitting

    return scenario.demand_fit is not None or fitting.data_fit_of(scenario) is not None
