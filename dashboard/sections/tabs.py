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
    """How the optimum follows from f' = 0, step by step (see :mod:`derivation`)."""
    from dashboard.sections import derivation

    derivation.render(scenario, params, solution)


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
def uncertainty_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Distributions on the parameters: x*'s spread, the best on average, the risk."""
    from dashboard.sections import uncertainty as uncertainty_sections

    uncertainty_sections.render_uncertainty(scenario, params, solution)


@own_rerun
def save_case_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Save the sliders as a case, or load a saved one back into them."""
    from dashboard.sections import whatif as whatif_sections

    whatif_sections.render_save_case(scenario, params, solution)


def has_fit(scenario: Scenario) -> bool:
    """True when the scenario has something to fit: demand data or a curve."""
    from scenarios.fitting import formulas

    return scenario.demand_fit is not None or formulas.data_fit_of(scenario) is not None
