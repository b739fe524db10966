"""The Derivation tab: how the optimum follows from f′ = 0, step by step.

Five parts, each its own function: the objective, its slope with the rules
that give it (:func:`steps_panel`) and the learner's own try
(:mod:`dashboard.sections.answer_check`), where the slope is zero, the
second-derivative test, and the check of the derivatives against finite
differences. Every expression and number comes from ``scenarios``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard.sections import answer_check
from dashboard.sections.run import analysis_of
from scenarios import FormulaError, Scenario, Solution
from scenarios.formula.check import TypedFormula, steps_of, typed_formula
from scenarios.formula.steps import Derivation

NO_STEPS = (
    "This objective is a mean over the stored data points, not one formula, so "
    "there are no rule-by-rule steps; the explanation below gives its derivative."
)
"""Said instead of the steps for a scenario without a formula text."""


def render(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """The whole tab, top to bottom."""
    st.subheader("How the optimum is found")
    _objective(scenario)
    _slope(scenario, params, solution)
    _stationary(scenario, solution)
    _second_derivative(scenario, solution)
    _derivative_check(scenario, params)


def _objective(scenario: Scenario) -> None:
    name = scenario.variable.label.lower()
    st.markdown(
        f"**1 · The objective.** {scenario.objective_label} as a function of {name}:"
    )
    st.latex(scenario.formula_tex)


def _slope(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    name = scenario.variable.label.lower()
    obj = scenario.objective_label.lower()
    st.markdown(
        f"**2 · Its slope.** The first derivative says how much {obj} changes "
        f"for a small step up in {name}. Where it is positive, a larger {name} "
        f"raises {obj}; where it is negative, it lowers it."
    )
    st.latex(scenario.df_tex)
    typed = typed_formula(scenario)
    steps_panel(typed)
    if typed is not None:
        domain = solution.domain if solution is not None else None
        answer_check.check_box(typed, typed.values(params), domain, scenario.id)


def steps_markdown(found: Derivation) -> str:
    """The steps as one Markdown block: a nested list, then the last two lines."""
    rules = found.steps[:-2]
    lines = []
    for number, step in enumerate(rules, start=1):
        note = f" :small[:gray[({fmt.plain(step.note)})]]" if step.note else ""
        lines.append(
            f"{'  ' * step.depth}- **{number} · {step.rule}** ${step.tex}${note}"
        )
    if found.omitted:
        more = "step" if found.omitted == 1 else "steps"
        lines.append(f"- :gray[… and {found.omitted} more {more} of the same rules]")
    simplify, check = found.steps[-2:]
    lines.append("")
    lines.append(f"**{simplify.rule}** ${simplify.tex}$")
    lines.append("")
    how = f" :small[:gray[({found.checked_by})]]" if found.checked_by else ""
    lines.append(f"**{check.rule}** ${check.tex}${how}")
    return "\n".join(lines)


def steps_panel(typed: TypedFormula | None, expanded: bool = True) -> None:
    """The "step by step" panel: f′ rule by rule, or why there is none."""
    with st.expander(
        "Step by step: the rules that give f′",
        expanded=expanded,
        icon=":material/stairs:",
    ):
        if typed is None:
            st.markdown(NO_STEPS)
            return
        try:
            found = steps_of(typed.text, typed.variable)
        except FormulaError as exc:
            st.info(fmt.plain(str(exc)), icon=":material/hourglass_disabled:")
            return
        st.markdown(steps_markdown(found))


def _stationary(scenario: Scenario, solution: Solution | None) -> None:
    var = scenario.variable
    name = var.label.lower()
    obj = scenario.objective_label.lower()
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


def _second_derivative(scenario: Scenario, solution: Solution | None) -> None:
    st.markdown(
        "**4 · The second-derivative test.** The second derivative says which "
        "way the curve bends. Negative means it bends down, so a flat point is "
        "a peak; positive means it bends up, so a flat point is a valley."
    )
    st.latex(scenario.d2f_tex)
    if solution is None:
        return
    curvature = solution.second_derivative
    if solution.on_boundary:
        verdict = (
            "The best point is an end of the range, where f′ is not zero, so "
            "the test does not apply; comparing the ends settles it."
        )
    else:
        bend = "down" if curvature < 0 else "up" if curvature > 0 else "neither way"
        verdict = (
            f"At x* = {fmt.quantity(solution.x, scenario.variable.unit)}, "
            f"f″ = {fmt.number(curvature)}: the curve bends {bend}, "
            f"so this is a {solution.kind}."
        )
    st.markdown(verdict)


def _derivative_check(scenario: Scenario, params: dict[str, float]) -> None:
    from dashboard.sections import tables

    st.markdown(
        "**5 · Checking the derivatives.** f′ and f″ above were worked out "
        + ("by SymPy from the formula" if "formula" in scenario.tags else "by hand")
        + ". To catch a slip, each is compared with a finite-difference "
        "estimate taken from f alone, at points spread across the range."
    )
    check = analysis_of(scenario, params).check
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
