"""One page function for every scenario: controls, then a list of sections.

``render(scenario_id)`` draws the sidebar controls, solves (cached), and calls
each function in :data:`SECTIONS` with ``(scenario, params, solution)``.
``solution`` is None when the parameters leave no feasible x; every section
copes with that, so an infeasible case shows one plain sentence and the rest
of the page still works. To add a section, write a function with that
signature and put it in :data:`SECTIONS`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

import scenarios
from scenarios import Scenario, Solution

from . import engine, state
from . import format as fmt

if TYPE_CHECKING:
    from . import tables

# charts, lab_charts, tables and whatif_sections bring in pandas and Altair,
# about half a second to import. Each section imports what it draws with, so
# on a cold start the sidebar and title reach the browser first and it loads
# their scripts while the server is still importing the rest.

Section = Callable[[Scenario, dict[str, float], Solution | None], None]
T = TypeVar("T")


# --- controls -----------------------------------------------------------------


def _your_label(scenario: Scenario) -> str:
    return f"Your {scenario.variable.label.lower()}"


def _default_your_value(scenario: Scenario) -> float | None:
    """The "your value" slider's default at the declared parameter defaults."""
    solution = engine.default_solution(scenario.id)
    if isinstance(solution, str):
        return None
    return state.value_grid(*solution.domain).default


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
            args=(scenario, page, _default_your_value(scenario)),
            width="stretch",
        )
    return params


def your_value_control(scenario: Scenario, solution: Solution | None) -> None:
    """Sidebar: the user's own x, on a round grid inside the current domain."""
    if solution is None:
        return
    var = scenario.variable
    grid = state.value_grid(*solution.domain)
    label = _your_label(scenario)
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


def your_x(solution: Solution) -> float:
    """The user's x from its slider, kept inside the current domain."""
    lo, hi = solution.domain
    grid = state.value_grid(lo, hi)
    value = st.session_state.get(state.YOUR_VALUE_KEY, grid.default)
    return min(max(fmt.clean(value), lo), hi)


_LAST = threading.local()
"""Per thread, the last result of each cached call made through :func:`_shared`."""


def _shared(fn: Callable[..., T], *key: Hashable) -> T:
    """``fn(*key)``, reusing this thread's last result for the same key.

    Several sections of one run ask for the same cached analysis; each
    ``st.cache_data`` hit would hash the key and unpickle a fresh copy.
    """
    name = fn.__qualname__
    last = getattr(_LAST, name, None)
    if last is None or last[0] != key:
        last = (key, fn(*key))
        setattr(_LAST, name, last)
    return last[1]


def _analysis(scenario: Scenario, params: dict[str, float]) -> engine.Analysis:
    return _shared(engine.analyse, scenario.id, engine.freeze(params))


# --- sections -----------------------------------------------------------------


def _sliders_moved(params: dict[str, float]) -> bool:
    """True when a callback has set a parameter slider away from ``params``."""
    return any(
        fmt.clean(st.session_state.get(name, value)) != value
        for name, value in params.items()
    )


def own_rerun(section: Section) -> Section:
    """``section`` as a fragment: its own widgets rerun it alone, not the page.

    For sections whose widgets feed only themselves (goal seek, sensitivity,
    fitting, saved cases). Their arguments are those of the last full run.
    A widget there that moves the parameter sliders (loading a case, using a
    fit) does so in a callback, which runs before the fragment; the whole page
    is then rerun instead, so every section sees the new values.
    """

    @functools.wraps(section)
    def run(scenario: Scenario, params: dict[str, float], solution: Solution | None):
        if _sliders_moved(params):
            st.rerun(scope="app")
        section(scenario, params, solution)

    return st.fragment(run)


def header(scenario: Scenario, params: dict[str, float], solution: Solution | None):
    """Title and the question the page answers, as one element."""
    # One Markdown block, not a title and a paragraph: every element is
    # redrawn on each slider move, so the page sends as few as it can.
    st.markdown(f"# {scenario.title}\n\n**{scenario.question}**")


def heading(title: str, note: str) -> None:
    """A section heading with a small grey note under it, as one element.

    Drawn like ``st.subheader`` then ``st.caption``, at half the cost of a
    redraw. The note is Markdown; brackets in it are escaped, as they would
    otherwise close the grey text early.
    """
    note = note.replace("[", "\\[").replace("]", "\\]")
    st.markdown(f"### {title}\n\n:small[:gray[{note}]]")


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


def headline(scenario: Scenario, params: dict[str, float], solution: Solution | None):
    """Notices, then x*, f(x*), the kind with f''(x*) and the derived values."""
    for notice in state.active_notices(scenario.id):
        st.warning(notice, icon=":material/link_off:")
    analysis = _analysis(scenario, params)
    if solution is None:
        st.error(analysis.error, icon=":material/block:")
        return
    for note in solution.notes:
        st.warning(note, icon=":material/warning:")
    var = scenario.variable
    view = _points(scenario, params, solution)
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
        # At an end of the range f'' does not decide the kind; say so beside it.
        delta=f"f″(x*) = {fmt.number(solution.second_derivative)}"
        + (" · end of range" if solution.on_boundary else ""),
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


@dataclass(frozen=True)
class GrowthSpec:
    """Growth figures for a scenario with no interior optimum.

    ``rate_param`` is the parameter solved for "doubles within N";
    ``percent`` shows that rate as a percentage as well.
    """

    rate_param: str
    within_default: float = 10.0
    percent: bool = True


GROWTH: dict[str, GrowthSpec] = {"compound_growth": GrowthSpec("annual_rate")}
"""Scenarios that get the growth figures; the only scenario-specific table."""


@own_rerun
def growth_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """Rate of change at the user's x, doubling point, and rate to double in N."""
    spec = GROWTH.get(scenario.id)
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
        help=f"f′ at {_your_label(scenario).lower()} (set in the sidebar).",
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
    from . import charts, lab_charts

    if solution is None:
        return
    analysis = _analysis(scenario, params)
    view = _points(scenario, params, solution)
    if view is None or analysis.curve is None:
        return
    # The note names no number that a slider move changes (the tangent's
    # slope is in the table and the chart), so it is redrawn only when the
    # bend changes.
    heading(
        "The curve and its slope",
        f"Top: {scenario.objective_label.lower()} across the allowed range. "
        f"Bottom: its slope f′, which crosses zero where the top curve turns. "
        f"The dashed line is the tangent at {_your_label(scenario).lower()}, "
        "set in the sidebar. Point at the top curve, or drag along it, for the "
        "tangent there. " + lab_charts.concavity_sentence(scenario, params),
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
    objective = lab_charts.with_curvature(chart.objective, scenario, params)
    st.vega_lite_chart(charts.sendable(objective), width="stretch")
    st.vega_lite_chart(charts.sendable(chart.slope), width="stretch")


def inflections_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """Where f'' changes sign: the inflection points, when there are any."""
    from . import lab_charts

    if solution is None:
        return
    inflections = lab_charts.inflection_table(scenario, params)
    if not inflections.empty:
        heading(
            "Inflection points",
            "Where f″ changes sign, found by root-finding f″. The main chart "
            "marks each one; there the slope f′ is at its steepest nearby.",
        )
        st.table(inflections, hide_index=True)


@st.cache_data(max_entries=512, show_spinner=False)
def _curve_frames(scenario_id: str, params: engine.ParamItems):
    """The plotted curve and its hover samples; formatting their text is slow."""
    from . import charts

    scenario = scenarios.get(scenario_id)
    curve = engine.analyse(scenario_id, params).curve
    if curve is None:
        return None
    return charts.curve_frame(scenario, curve), charts.hover_frame(scenario, curve)


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
    from . import tables

    if solution is None:
        return
    view = _points(scenario, params, solution)
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


def what_if_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
):
    """(b) Current parameters and results against the defaults."""
    from . import tables

    analysis = _analysis(scenario, params)
    if not analysis.what_if:
        return
    st.subheader("What if: your settings against the defaults")
    table = tables.what_if_table(analysis.what_if)
    st.table(table.display, hide_index=True)
    _download(table, "what_if", scenario, "what_if_csv")


def _points(scenario: Scenario, params: dict[str, float], solution: Solution):
    """Reports for the references, the user's value and the optimum (cached)."""
    x = your_x(solution)
    span = engine.tangent_span(*solution.domain, x)
    return _shared(engine.points_view, scenario.id, engine.freeze(params), x, span)


def _default_target(scenario: Scenario) -> float:
    """A target worth seeking: the objective at the default "your value"."""
    solution = engine.default_solution(scenario.id)
    your_default = _default_your_value(scenario)
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
    from . import tables

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
    from . import tables

    var = scenario.variable
    name = var.label.lower()
    obj = scenario.objective_label.lower()
    analysis = _analysis(scenario, params)
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


def loaded_case_notice(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """After a saved case is opened, say which one (and any notices) up top."""
    if state.PENDING_LOAD not in st.session_state:
        return  # the usual case: no need to import the what-if stack yet
    from . import whatif_sections

    whatif_sections.show_pending_load(scenario)


@own_rerun
def sensitivity_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Tornado, one-way sweep or two-way heatmap (see :mod:`whatif_sections`)."""
    from . import whatif_sections

    whatif_sections.render_sensitivity(scenario, params, solution)


@own_rerun
def demand_fit_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Fit demand from sales data, for the linear-demand pricing scenarios."""
    from . import whatif_sections

    whatif_sections.render_demand_fit(scenario, params, solution)


@own_rerun
def save_case_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Save the sliders as a case, or load a saved one back into them."""
    from . import whatif_sections

    whatif_sections.render_save_case(scenario, params, solution)


def has_fit(scenario: Scenario) -> bool:
    """True when the scenario has something to fit: demand data or a curve."""
    from scenarios import demand_fit, fitting

    return (
        demand_fit.supports_demand_fit(scenario.id)
        or fitting.data_fit_of(scenario) is not None
    )


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
    solution = _analysis(scenario, params).solution
    your_value_control(scenario, solution)
    render_sections(scenario, params, solution, SECTIONS)
    state.mark_rendered(scenario.id)
