"""One page function for every scenario: controls, then a list of sections.

``render(scenario_id)`` draws the sidebar controls, solves (cached), and calls
each function in :data:`SECTIONS` with ``(scenario, params, solution)``.
``solution`` is None when the parameters leave no feasible x; every section
copes with that, so an infeasible case shows one plain sentence and the rest
of the page still works. To add a section, write a function with that
signature and put it in :data:`SECTIONS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

import scenarios
from dashboard import engine, state
from dashboard import format as fmt
from dashboard.sections.run import (
    Section,
    analysis_of,
    default_your_value,
    heading,
    own_rerun,
    points_of,
    your_label,
    your_x,
)
from dashboard.sections.tabs import (
    demand_fit_section,
    derivation_section,
    goal_seek_section,
    has_fit,
    inflections_section,
    points_section,
    save_case_section,
    sensitivity_section,
    uncertainty_section,
    what_if_section,
)
from scenarios import Scenario, Solution
from scenarios.formatting import kink_text

# charts, curvature_charts, tables and whatif_sections bring in pandas and Altair,
# about half a second to import. Each section imports what it draws with, so
# on a cold start the sidebar and title reach the browser first and it loads
# their scripts while the server is still importing the rest.


# --- controls -----------------------------------------------------------------


def controls(scenario: Scenario) -> dict[str, float]:
    """Sidebar: one slider per parameter and the reset button; returns params."""
    page = scenario.id
    state.claim_keys(page, (*scenario.param_names, state.YOUR_VALUE_KEY))
    sidebar = st.sidebar
    sidebar.header("Parameters")
    state.collect_notices(
        page,
        {
            p.name: (state.param_grid(p), p.label.lower(), p.unit)
            for p in scenario.params
        },
    )
    with sidebar:
        params = state.parameter_sliders(scenario)
        st.button(
            "Reset to defaults",
            icon=":material/restart_alt:",
            on_click=state.reset_to_defaults,
            args=(scenario, page, default_your_value(scenario)),
            width="stretch",
        )
    return params


def your_value_control(scenario: Scenario, solution: Solution | None) -> None:
    """Sidebar: the user's own x, on a round grid inside the current domain."""
    if solution is None:
        return
    var = scenario.variable
    grid = state.value_grid(*solution.domain)
    label = your_label(scenario)
    state.collect_notices(
        scenario.id, {state.YOUR_VALUE_KEY: (grid, label.lower(), var.unit)}
    )
    with st.sidebar:
        state.bound_slider(
            state.YOUR_VALUE_KEY,
            grid,
            fmt.with_unit(label, var.unit),
            f"A {var.label.lower()} you want to compare with the optimum. "
            "The chart draws its tangent; the table below scores it.",
        )


# --- sections -----------------------------------------------------------------


def header(scenario: Scenario, params: dict[str, float], solution: Solution | None):
    """Title and the question the page answers, as one element."""
    # One Markdown block, not a title and a paragraph: every element is
    # redrawn on each slider move, so the page sends as few as it can.
    st.markdown(f"# {scenario.title}\n\n**{scenario.question}**")


def _boundary_message(scenario: Scenario, solution: Solution) -> str:
    var, obj = scenario.variable, scenario.objective_label.lower()
    lo, hi = solution.domain
    side = "upper" if solution.boundary_side == "upper" else "lower"
    x_text = fmt.quantity(solution.x, var.unit)
    if solution.stationary_points:
        lead = (
            f"The best {var.label.lower()} sits at the {side} end of the range, "
            f"{x_text}."
        )
    else:
        sign = "positive" if solution.derivative > 0 else "negative"
        lead = (
            f"No interior optimum: the slope of {obj} stays {sign} from "
            f"{fmt.range_text(lo, hi, var.unit)} and never reaches zero, so the "
            f"best {var.label.lower()} is the {side} end, {x_text}."
        )
    slope = f"f′ = {fmt.signed_quantity(solution.derivative, fmt.slope_unit(scenario))}"
    trend = "rising" if solution.derivative > 0 else "falling"
    if solution.improves_past_boundary:
        better = "higher" if scenario.goal == "maximize" else "lower"
        tail = (
            f" There {slope}: {obj} is still {trend} at the edge, so a "
            f"{var.label.lower()} past the range would give a {better} {obj}."
        )
    else:
        tail = f" There {slope}, pointing back into the range."
    return lead + tail


def kind_detail(solution: Solution) -> str | None:
    """Beside the kind: f''(x*) where it exists, a kink's slopes, an end."""
    if solution.kind == "kink":
        return kink_text(solution.left_slope, solution.right_slope)
    parts = []
    if math.isfinite(solution.second_derivative):
        parts.append(f"f″(x*) = {fmt.number(solution.second_derivative)}")
    # At an end of the range f'' does not decide the kind; say so beside it.
    if solution.on_boundary:
        parts.append("end of range")
    return " · ".join(parts) or None


def headline(scenario: Scenario, params: dict[str, float], solution: Solution | None):
    """Notices, then x*, f(x*), the kind with f''(x*) and the derived values."""
    for notice in state.active_notices(scenario.id):
        st.warning(notice, icon=":material/link_off:")
    analysis = analysis_of(scenario, params)
    if solution is None:
        st.error(analysis.error, icon=":material/block:")
        return
    for note in solution.notes:
        st.warning(note, icon=":material/warning:")
    var = scenario.variable
    view = points_of(scenario, params, solution)
    optimum = view.reports[-1].derived if view is not None else {}
    derived = [(d, optimum[d.name]) for d in scenario.derived if d.name in optimum]
    # A wrapping row of content-width cards: long values like "$201.00 per
    # ride" stay whole instead of being cut to fit equal columns.
    row = st.container(horizontal=True, gap="large")
    # Only the kind carries a help icon: each icon is a popover the browser
    # redraws on every slider move, and these two labels say what they are.
    row.metric(
        f"Best {var.label.lower()}",
        fmt.quantity(solution.x, var.unit),
        width="content",
    )
    row.metric(
        scenario.objective_label,
        fmt.quantity(solution.value, scenario.objective_unit),
        width="content",
    )
    row.metric(
        "Kind",
        fmt.kind_text(solution.kind),
        delta=kind_detail(solution),
        delta_color="off",
        delta_arrow="off",
        help="The sign of the second derivative at x* tells a peak (negative) "
        "from a valley (positive).",
        width="content",
    )
    if derived:
        # Secondary figures on one line: a card each would push the chart
        # below the fold at 1280x800.
        figures = " · ".join(
            # "995 rides" already says what it counts; "Rides 995 rides" stutters.
            f"**{fmt.quantity(value, d.unit)}**"
            if d.unit.lower() == d.label.lower()
            else f"{d.label} **{fmt.quantity(value, d.unit)}**"
            for d, value in derived
        )
        st.markdown(f"At the best {var.label.lower()}: {figures}")
    if solution.on_boundary:
        st.warning(_boundary_message(scenario, solution), icon=":material/start:")


@own_rerun
def growth_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """Rate of change at the user's x, doubling point, and rate to double in N."""
    spec = scenario.growth
    if spec is None or solution is None:
        return
    var = scenario.variable
    rate_param = scenario.param(spec.rate_param)
    st.subheader("Growth figures")
    left, middle, right = st.columns(3)
    within = right.number_input(
        fmt.with_unit("Double within", var.unit),
        min_value=1.0,
        max_value=100.0,
        value=spec.within_default,
        step=1.0,
        format="%g",
        key=f"{scenario.id}.double_within",
        help=f"Find the {rate_param.label.lower()} that doubles the "
        f"{scenario.objective_label.lower()} in this many {var.unit}.",
    )
    at = your_x(solution)
    figures = engine.growth(
        scenario.id, engine.freeze(params), at, fmt.clean(within), spec.rate_param
    )
    if isinstance(figures, str):
        st.error(figures)
        return
    left.metric(
        f"Rate of change at {fmt.quantity(at, var.unit)}",
        fmt.quantity(figures.slope, fmt.slope_unit(scenario)),
        help=f"f′ at {your_label(scenario).lower()} (set in the sidebar).",
    )
    doubling = (
        fmt.quantity(figures.doubling_x, var.unit)
        if figures.doubling_x is not None
        else "Not in range"
    )
    middle.metric(
        "Doubles after",
        doubling,
        help=f"When {scenario.objective_label.lower()} first reaches "
        f"{fmt.quantity(figures.doubled, scenario.objective_unit)}, twice its "
        f"starting {fmt.quantity(figures.start, scenario.objective_unit)}.",
    )
    if figures.rate is None:
        right.info(figures.rate_error)
    else:
        exact = fmt.quantity(figures.rate, rate_param.unit, sig=5)
        shown = exact
        if spec.percent:
            shown = f"{fmt.percent(figures.rate)} {rate_param.unit}".strip()
        right.metric(
            f"{rate_param.label} to double in {fmt.number(within)} {var.unit}",
            shown,
            help=f"{rate_param.label} = {exact}: at this rate "
            f"{scenario.objective_label.lower()} reaches "
            f"{fmt.quantity(figures.doubled, scenario.objective_unit)} after "
            f"{fmt.quantity(figures.within, var.unit)}.",
        )


def chart_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """The main chart: f with its marks and tangent, and f' below."""
    from dashboard.charts import curvature as curvature_charts
    from dashboard.charts import panels as charts
    from dashboard.charts import vega

    if solution is None:
        return
    analysis = analysis_of(scenario, params)
    view = points_of(scenario, params, solution)
    if view is None or analysis.curve is None:
        return
    # The note names no number that a slider move changes (the tangent's
    # slope is in the table and the chart), so it is redrawn only when the
    # bend changes.
    heading(
        "The curve and its slope",
        f"Top: {scenario.objective_label.lower()} across the allowed range. "
        f"Bottom: its slope f′, which crosses zero where the top curve turns. "
        f"The dashed line is the tangent at {your_label(scenario).lower()}, "
        "set in the sidebar. Point at the top curve, or drag along it, for the "
        "tangent there. " + curvature_charts.concavity_sentence(scenario, params),
    )
    chart = charts.main_chart(
        scenario,
        analysis.curve,
        solution,
        view.reports,
        engine.YOUR_VALUE_LABEL,
        (view.tangent_x, view.tangent_y),
        frames=_curve_frames(scenario.id, engine.freeze(params)),
    )
    objective = curvature_charts.with_curvature(chart.objective, scenario, params)
    st.vega_lite_chart(vega.sendable(objective), width="stretch")
    st.vega_lite_chart(vega.sendable(chart.slope), width="stretch")


@st.cache_data(max_entries=512, show_spinner=False)
def _curve_frames(scenario_id: str, params: engine.ParamItems):
    """The plotted curve and its hover samples; formatting their text is slow."""
    from dashboard.charts import frames as chart_frames

    scenario = scenarios.get(scenario_id)
    curve = engine.analyse(scenario_id, params).curve
    if curve is None:
        return None
    return chart_frames.curve_frame(scenario, curve), chart_frames.hover_frame(
        scenario, curve
    )


def loaded_case_notice(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """After a saved case is opened, say which one (and any notices) up top."""
    if state.PENDING_LOAD not in st.session_state:
        return  # the usual case: no need to import the what-if stack yet
    from dashboard.sections import whatif as whatif_sections

    whatif_sections.show_pending_load(scenario)


@dataclass(frozen=True)
class Tab:
    """A tab below the chart; its sections run only while it is open."""

    label: str
    sections: tuple[Section, ...]
    shown: Callable[[Scenario], bool] = lambda scenario: True
    """Whether the scenario gets this tab at all."""

    def replaced(self, old: Section, new: Section, label: str) -> Tab:
        """This tab with ``new`` in place of ``old``; renamed ``label`` if so."""
        if old not in self.sections:
            return self
        sections = tuple(new if s is old else s for s in self.sections)
        return Tab(label, sections, self.shown)


VIEW_KEY = state.VIEW_KEY
"""Session-state key and query parameter of the open tab (no parameter has it)."""

SECTIONS: list[Section | Tab] = [
    header,
    loaded_case_notice,
    headline,
    growth_section,
    chart_section,
    # What if, and the inflection points (beside the f″ they come from), are
    # in other tabs: one table in the default view is a cheaper redraw on
    # every slider move than two.
    Tab("Tables", (points_section,)),
    Tab("What if", (what_if_section,)),
    Tab("Goal seek", (goal_seek_section,)),
    Tab("Sensitivity", (sensitivity_section,)),
    Tab("Fit to data", (demand_fit_section,), has_fit),
    Tab("Uncertainty", (uncertainty_section,)),
    Tab("Saved cases", (save_case_section,)),
    Tab("Derivation", (derivation_section, inflections_section)),
]
"""The page, top to bottom: sections always drawn, then tabs drawn when open.

Other features add one entry each (a section, or a section in a tab).
"""


def render_sections(
    scenario: Scenario,
    params: dict[str, float],
    solution: Solution | None,
    sections: list[Section | Tab],
    page: str | None = None,
) -> None:
    """Every section in order; the tabs' sections only for the open tab.

    The tabs are the options of one segmented control below the chart. A
    slider move then redraws the headline, the chart and one tab, not the
    whole page. The open tab is kept in the address bar under :data:`VIEW_KEY`;
    a value there that names no tab opens the first one. ``page`` (the
    scenario id by default) owns that choice: another page starts afresh.
    """
    tabs: list[Tab] = []
    for item in sections:
        if isinstance(item, Tab):
            if item.shown(scenario):
                tabs.append(item)
        else:
            item(scenario, params, solution)
    if not tabs:
        return
    state.claim_keys(page or scenario.id, (VIEW_KEY,))
    labels = [tab.label for tab in tabs]
    # A segmented control rather than st.tabs: both keep the choice in the
    # address bar, but a tab bar re-measures itself on every slider move and
    # costs the browser several times as much to redraw.
    # A tampered link (?view=Nonsense, or empty) opens the first tab, and the
    # address bar drops the bad value.
    if st.session_state.get(VIEW_KEY) not in (None, *labels):
        del st.session_state[VIEW_KEY]
    if st.query_params.get(VIEW_KEY) not in (None, *labels):
        del st.query_params[VIEW_KEY]
    chosen = st.segmented_control(
        "Section",
        labels,
        default=labels[0],
        required=True,
        key=VIEW_KEY,
        bind="query-params",
        label_visibility="collapsed",
        width="stretch",
    )
    tab = next((t for t in tabs if t.label == chosen), tabs[0])
    for section in tab.sections:
        section(scenario, params, solution)


def render(scenario_id: str) -> None:
    """The page for ``scenario_id``: sidebar controls, then every section."""
    scenario = scenarios.get(scenario_id)
    params = controls(scenario)
    solution = analysis_of(scenario, params).solution
    your_value_control(scenario, solution)
    render_sections(scenario, params, solution, SECTIONS)
    state.mark_rendered(scenario.id)
