"""The overview page: every scenario side by side, each row linking to its page."""

from __future__ import annotations

import html

import streamlit as st

import scenarios
from dashboard import engine, state
from dashboard import format as fmt
from scenarios import Scenario, Solution

# Plain text in Markdown, so this page needs neither pandas nor the chart stack
# and is the fastest page to open on a cold start.
NO_RANGE = "no feasible range"

PAGE_ID = "overview"

_COLUMNS = ("Scenario", "Question", "Best choice", "Objective there", "Kind")


def _cell(text: str) -> str:
    # Markdown table cells: escape HTML and the column separator.
    return html.escape(text).replace("|", "&#124;")


def overview_row(scenario: Scenario, solution: Solution | str, url: str) -> dict:
    """One scenario's line in the overview table."""
    if isinstance(solution, str):
        best = there = kind = NO_RANGE
    else:
        best = fmt.quantity(solution.x, scenario.variable.unit)
        there = fmt.quantity(solution.value, scenario.objective_unit)
        kind = fmt.kind_text(solution.kind)
        if solution.on_boundary:
            kind += " at the end of the range"
    return {
        "Scenario": url,
        "Question": scenario.question,
        "Best choice": f"{scenario.variable.label}: {best}",
        "Objective there": f"{scenario.objective_label}: {there}",
        "Kind": kind,
    }


def overview_markdown() -> str:
    """The overview as a Markdown table whose first column links to each page.

    Links open in the same tab (``target="_self"``) and are relative, so they
    work under any base URL.
    """
    lines = [
        "| " + " | ".join(_COLUMNS) + " |",
        "|" + "---|" * len(_COLUMNS),
    ]
    for scenario_id, scenario in scenarios.REGISTRY.items():
        row = overview_row(scenario, engine.default_solution(scenario_id), scenario_id)
        link = (
            f'<a href="{html.escape(scenario_id)}" target="_self">'
            f"{html.escape(scenario.title)}</a>"
        )
        cells = [link] + [_cell(str(row[c])) for c in _COLUMNS[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render() -> None:
    """Draw the overview page."""
    st.title("Derivatives at work")
    st.markdown(
        "Each scenario asks one question: which value of a single choice gives "
        "the best result? The answer is where the slope of the objective, its "
        "first derivative, reaches zero, or an end of the allowed range when it "
        "never does. The table shows each answer at the scenario's default "
        "settings; open a scenario to change them. Each page keeps its "
        "settings in the address bar, so a copied link reopens exactly that view."
    )
    st.markdown(overview_markdown(), unsafe_allow_html=True)
    st.caption(
        "Best choice is x*, the value that optimises the objective; "
        "Objective there is f(x*)."
    )
    state.mark_rendered(PAGE_ID)
