"""Compare two to four scenarios side by side: their curves, optima and numbers.

The chosen scenarios, the normalise switch and every parameter are bound to
the URL. Parameter keys are ``cmp_{scenario_id}_{name}``, so they never clash
with a scenario page's own keys (the bare parameter names) and two scenarios
that share a parameter name keep separate values.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scenarios
from dashboard import format as fmt
from dashboard.charts import lab as lab_charts
from dashboard.charts import vega
from dashboard.sections import own_model_state
from dashboard.sections.tool_controls import Items, parameter_inputs, solved
from scenarios import Scenario
from scenarios.learning import unit_curve
from scenarios.model import SHOWCASE

PREFIX = "cmp"
SCENARIOS_KEY = f"{PREFIX}_scenarios"
NORMALISE_KEY = f"{PREFIX}_normalise"
MIN_CHOICES, MAX_CHOICES = 2, 4

ROWS = (
    "Question",
    "Variable",
    "Optimum x*",
    "Objective there",
    "f″(x*)",
    "Kind",
    "On boundary",
    "Evaluations used",
)


def _chosen() -> list[str]:
    known = own_model_state.with_own_model(list(scenarios.REGISTRY))
    showcase = [sid for sid, sc in scenarios.REGISTRY.items() if SHOWCASE in sc.tags]
    defaults = [sid for sid in showcase if sid in known][:MAX_CHOICES]
    chosen = st.multiselect(
        "Scenarios to compare (two to four)",
        known,
        default=defaults,
        format_func=own_model_state.title_of,
        max_selections=MAX_CHOICES,
        key=SCENARIOS_KEY,
        bind="query-params",
    )
    return [sid for sid in chosen if sid in known]


def _boundary_text(solution) -> str:
    if not solution.on_boundary:
        return "No, f′(x*) = 0"
    return f"Yes, the {solution.boundary_side} end"


def _column(scenario: Scenario, items: Items) -> dict[str, str]:
    """Table cells for one scenario, formatted."""
    var = scenario.variable
    cells = {
        "Question": scenario.question,
        "Variable": fmt.with_unit(var.label, var.unit),
    }
    result = solved(scenario.id, items)
    if isinstance(result, str):
        for row in ROWS[2:]:
            cells[row] = "—"
        cells["Optimum x*"] = "No feasible value"
        return cells
    solution, _ = result
    cells.update(
        {
            "Optimum x*": lab_charts.x_text(scenario, solution.x),
            "Objective there": (
                f"{lab_charts.f_text(scenario, solution.value)} "
                f"({scenario.objective_label.lower()})"
            ),
            "f″(x*)": lab_charts.curvature_text(scenario, solution.second_derivative),
            "Kind": fmt.kind_text(solution.kind),
            "On boundary": _boundary_text(solution),
            "Evaluations used": f"{solution.evaluations:,}",
        }
    )
    return cells


def render() -> None:
    """The compare page: picker, side-by-side charts with parameters, one table."""
    st.title("Compare scenarios")
    st.caption(
        "Every scenario is one curve with one best point. Side by side, the "
        "differences in shape, curvature and where the optimum sits stand out."
    )
    chosen = _chosen()
    normalise = st.toggle(
        "Normalise both axes to [0, 1]",
        key=NORMALISE_KEY,
        bind="query-params",
        help=(
            "Plot each x as a share of its range and each objective as a share "
            "of the way from its lowest to its highest value, so only the shapes "
            "differ."
        ),
    )
    if len(chosen) < MIN_CHOICES:
        st.info("Pick at least two scenarios to compare.")
        return
    columns = st.columns(len(chosen), gap="medium")
    table: dict[str, dict[str, str]] = {}
    for sid, column in zip(chosen, columns, strict=True):
        scenario = scenarios.get(sid)
        with column:
            st.markdown(f"**{scenario.title}**")
            chart_slot = st.container()
            with st.expander("Parameters"):
                items = parameter_inputs(scenario, PREFIX, where=st, notices=chart_slot)
        result = solved(sid, items)
        with chart_slot:
            if isinstance(result, str):
                st.error(result)
            else:
                solution, curve = result
                unit = unit_curve(curve, solution) if normalise else None
                spec = lab_charts.compare_chart(scenario, curve, solution, unit)
                st.vega_lite_chart(vega.sendable(spec), width="stretch")
        table[scenario.title] = _column(scenario, items)
    frame = pd.DataFrame(table, index=list(ROWS))
    st.subheader("Side by side")
    st.table(frame)
    st.caption(
        "f″(x\\*) is the curvature at the optimum: negative under a peak, "
        "positive in a valley, and the larger its size, the sharper the bend. "
        "Evaluations count the calls to f, f′ and f″ the solver needed."
    )
