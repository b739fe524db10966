"""Gradient descent and a learning-rate finder, on any scenario.

The sidebar picks the scenario, its parameters, the start, the learning rate
and the step budget (URL-bound, keys prefixed ``gd_``). The page draws the
path on the curve with a table of steps and says why the run stopped, then
sweeps learning rates against the curvature bound 2/|f″(x*)|. For
a scenario that declares a neuron's dataset (``extras["neuron"]``, the single
neuron) it adds a look at the sigmoid's flat ends: the vanishing gradient.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scenarios
from dashboard import format as fmt
from dashboard.charts import lab as lab_charts
from dashboard.charts import vega
from dashboard.sections.tool_controls import (
    Items,
    choose_and_solve,
    point_slider,
    warn_bad_link,
)
from dashboard.state import SliderGrid
from scenarios import Scenario, Solution
from scenarios.analysis import Curve
from scenarios.learning import (
    WORSENING_PATIENCE,
    Descent,
    DescentSettings,
    RateFinder,
    descend,
    descent_settings,
    learning_rate_finder,
    nice_floor,
)

PREFIX = "gd"
STEP_CHOICES = (100, 200, 500, 1000)
MAX_UI_STEPS = 1000


# --- cached engine calls ------------------------------------------------------------


@st.cache_data(max_entries=256, show_spinner=False)
def _settings(scenario_id: str, items: Items) -> DescentSettings:
    return descent_settings(scenarios.get(scenario_id), dict(items))


@st.cache_data(max_entries=512, show_spinner=False)
def _descend(
    scenario_id: str, items: Items, start: float, rate: float, steps: int
) -> Descent | str:
    try:
        return descend(scenarios.get(scenario_id), start, rate, dict(items), steps)
    except ValueError as exc:
        return str(exc)


@st.cache_data(max_entries=256, show_spinner=False)
def _finder(
    scenario_id: str, items: Items, start: float, max_steps: int
) -> RateFinder | str:
    try:
        return learning_rate_finder(
            scenarios.get(scenario_id), start, dict(items), max_steps=max_steps
        )
    except ValueError as exc:
        return str(exc)


@st.cache_data(max_entries=256, show_spinner=False)
def _neuron(scenario_id: str, weight: float, bias: float):
    """The declared dataset seen through the neuron at ``weight``."""
    return scenarios.get(scenario_id).extras["neuron"].points(weight, bias)


# --- words for a run ---------------------------------------------------------------


def stop_message(scenario: Scenario, run: Descent) -> tuple[str, str]:
    """(kind, text): kind is success, error, warning or info, for the callout."""
    var = scenario.variable
    final = run.final
    where = lab_charts.x_text(scenario, final.x)
    steps = f"{run.iterations:,} step{'s' if run.iterations != 1 else ''}"
    escaped = (
        lab_charts.x_text(scenario, run.escaped_to)
        if run.escaped_to is not None
        else ""
    )
    if run.reason == "small_step":
        return "success", (
            f"Converged after {steps}: the last step moved {var.label.lower()} by "
            f"less than {lab_charts.small_quantity(scenario, run.x_tolerance)}, "
            f"so it has settled at {where}."
        )
    if run.reason == "small_gradient":
        return "success", (
            f"Converged after {steps}: the slope at {where} is "
            f"{fmt.signed(final.derivative)}, below the tolerance "
            f"{fmt.number(run.gradient_tolerance, sig=2)}: the curve is flat there."
        )
    if run.reason == "not_finite":
        return "error", (
            f"Diverged after {steps}: the numbers overflowed. The learning rate "
            "is far too large; lower it."
        )
    if run.reason == "worsening":
        word = "rose" if run.goal == "minimize" else "fell"
        return "error", (
            f"Diverged: {scenario.objective_label.lower()} {word} "
            f"{WORSENING_PATIENCE} steps in a row. Each step jumps past the "
            "optimum and lands farther from it than it started: the learning "
            "rate is above what the curvature allows. Lower it."
        )
    if run.reason == "overshoot":
        return "error", (
            f"Diverged after {steps}: the next step jumped past the optimum and "
            f"right out of the range (to {escaped}). The learning rate is too "
            "large for this curvature; lower it."
        )
    if run.reason == "edge":
        return "warning", (
            f"Left the range after {steps}: the next step would go to {escaped}. "
            f"{scenario.objective_label} still improves at that end, so the best "
            "value on this range is at the end itself, where f′ is not zero; "
            "descent cannot stop at a point the slope does not single out."
        )
    return "info", (
        f"Stopped after {steps}, the whole budget, at {where} with slope "
        f"{fmt.signed(final.derivative)}: not converged yet. Allow more steps or "
        "raise the learning rate."
    )


def _callout(kind: str, text: str) -> None:
    {"success": st.success, "error": st.error, "warning": st.warning}.get(
        kind, st.info
    )(text)


# --- controls ------------------------------------------------------------------------


def _reset(keys: dict[str, object]) -> None:
    for key, value in keys.items():
        st.session_state[key] = value


def _controls(
    scenario: Scenario, items: Items, solution: Solution
) -> tuple[float, float, int]:
    suggested = _settings(scenario.id, items)
    base = f"{PREFIX}_{scenario.id}"
    var = scenario.variable
    st.sidebar.divider()
    st.sidebar.subheader("Descent")
    start = point_slider(
        f"Start: {var.label.lower()}",
        var.unit,
        f"{base}_start",
        solution.domain,
        suggested.start,
        help="Where the first step begins.",
    )
    rate_step = nice_floor(suggested.learning_rate) / 10
    rate_grid = SliderGrid(1e-9, 1e9, rate_step, suggested.learning_rate)
    warn_bad_link(f"{base}_lr", rate_grid, "the learning rate", "", st.sidebar)
    steps_grid = SliderGrid(1, MAX_UI_STEPS, 1, suggested.steps)
    warn_bad_link(f"{base}_steps", steps_grid, "maximum steps", "", st.sidebar)
    rate = st.sidebar.number_input(
        "Learning rate η",
        min_value=1e-9,
        max_value=1e9,
        value=suggested.learning_rate,
        step=rate_step,
        format="%g",
        key=f"{base}_lr",
        help="Each step moves x by η·f′(x), against the slope for a minimum, "
        "with it for a maximum.",
        bind="query-params",
    )
    steps = st.sidebar.number_input(
        "Maximum steps",
        min_value=1,
        max_value=MAX_UI_STEPS,
        value=suggested.steps,
        step=1,
        key=f"{base}_steps",
        bind="query-params",
    )
    st.sidebar.button(
        "Suggested settings",
        icon=":material/restart_alt:",
        on_click=_reset,
        args=(
            {
                f"{base}_lr": suggested.learning_rate,
                f"{base}_steps": suggested.steps,
            },
        ),
        help=(
            f"Learning rate {fmt.number(suggested.learning_rate)}, "
            f"{suggested.steps} steps."
        ),
        width="stretch",
    )
    return start, fmt.clean(rate), int(steps)


# --- sections ------------------------------------------------------------------------


def _descent_section(
    scenario: Scenario,
    items: Items,
    solution: Solution,
    curve: Curve,
    start: float,
    rate: float,
    steps: int,
) -> Descent | None:
    run = _descend(scenario.id, items, start, rate, steps)
    if isinstance(run, str):
        st.error(run)
        return None
    rule = "x ← x − η·f′(x)" if run.goal == "minimize" else "x ← x + η·f′(x)"
    aim = "downhill" if run.goal == "minimize" else "uphill"
    st.write(
        f"Gradient {run.direction} repeats one move: step {aim} in proportion to "
        f"the slope, {rule}. Steep slope, big step; flat slope, small step, so "
        "it slows down as it nears the optimum, where f′ = 0."
    )
    _callout(*stop_message(scenario, run))
    spec = lab_charts.descent_chart(scenario, curve, run)
    st.vega_lite_chart(vega.sendable(spec), width="stretch")
    final = run.final
    a, b, c = st.columns(3)
    a.metric(
        f"Final {scenario.variable.label.lower()}",
        lab_charts.x_text(scenario, final.x),
    )
    b.metric(
        "Optimum by root-finding f′",
        lab_charts.x_text(scenario, solution.x),
        help="What the solver finds directly, for comparison.",
    )
    c.metric(
        scenario.objective_label,
        lab_charts.f_text(scenario, final.value),
        help=f"At the optimum: {lab_charts.f_text(scenario, solution.value)}.",
    )
    slope_title = fmt.with_unit("Slope f′(x)", fmt.slope_unit(scenario))
    var = scenario.variable
    rows = []
    for s in run.steps:
        rows.append(
            {
                "Step": s.step,
                fmt.with_unit(var.label, var.unit): lab_charts.x_text(scenario, s.x),
                fmt.with_unit(
                    scenario.objective_label, scenario.objective_unit
                ): lab_charts.f_text(scenario, s.value),
                slope_title: fmt.signed(s.derivative, sig=6),
                "Move": "—" if s.step == 0 else fmt.signed(run.move(s.step), sig=4),
            }
        )
    with st.expander(f"Steps ({run.iterations:,})", expanded=run.iterations <= 12):
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            width="stretch",
            height=min(38 + 35 * len(rows), 420),
        )
    return run


def _finder_section(scenario: Scenario, items: Items, start: float) -> None:
    st.subheader("Learning-rate finder")
    budget = st.segmented_control(
        "Step budget per rate",
        STEP_CHOICES,
        default=200,
        key=f"{PREFIX}_budget",
        format_func=lambda n: f"{n:,}",
    )
    finder = _finder(scenario.id, items, start, int(budget or 200))
    if isinstance(finder, str):
        st.error(finder)
        return
    start_text = lab_charts.x_text(scenario, finder.start)
    st.write(
        f"The same descent from {start_text}, at learning rates spread on a log "
        "scale, each with the same step budget."
    )
    st.vega_lite_chart(vega.sendable(lab_charts.finder_chart(finder)), width="stretch")
    if finder.bound is not None:
        curvature = fmt.number(abs(finder.second_derivative))
        bound = fmt.number(finder.bound)
        half = fmt.number(finder.bound / 2)
        st.markdown(
            f"""
**Why rates above 2/|f″(x\\*)| = {bound} overshoot.** Close to the optimum the
curve is nearly a parabola with curvature |f″(x\\*)| = {curvature}, so the slope
is about |f″(x\\*)| times the distance to x\\*. One step at rate η therefore
multiplies that distance by (1 − η·|f″(x\\*)|):

* below {half} (that is 1/|f″|) the factor is between 0 and 1: every step
  lands on the same side, a little closer;
* at exactly {half} the factor is 0: one step lands on x\\* (Newton's step);
* between {half} and {bound} it is between −1 and 0: each step jumps past x\\*
  but lands closer, a zig-zag that still converges;
* at {bound} it is exactly −1: the iterate bounces between two points forever;
* above {bound} it is below −1: every jump lands farther away than the last,
  and the run diverges.

Very small rates are safe but slow: they run out of steps before arriving.
"""
        )
    else:
        st.info(
            "There is no curvature bound here: the best value sits at an end of "
            "the range (or f″(x\\*) = 0), so there is no parabola around the "
            "optimum to overshoot. Descent simply walks to the edge, faster at "
            "larger rates."
        )
    fastest = finder.fastest
    if fastest is not None:
        st.caption(
            f"Fastest here: η = {fmt.number(fastest.learning_rate)}, converged in "
            f"{fastest.steps:,} step{'s' if fastest.steps != 1 else ''}."
        )
    x_title = fmt.with_unit("Final " + scenario.variable.label.lower(), "")
    rows = [
        {
            "Learning rate": fmt.number(t.learning_rate),
            "Outcome": lab_charts.OUTCOME_TEXT[t.outcome],
            "Steps": f"{t.steps:,}",
            x_title: lab_charts.x_text(scenario, t.final_x),
            "Overshoots": f"{t.overshoots:,}",
            "Above the bound": "—"
            if finder.bound is None
            else ("yes" if t.learning_rate > finder.bound else "no"),
        }
        for t in finder.trials
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        "Overshoots count the steps that jumped past a point where f′ = 0. "
        "Oscillated: the budget ran out while it kept jumping back and forth. "
        "Too slow: the budget ran out while it crept towards the optimum."
    )


def _neuron_section(scenario: Scenario, items: Items) -> None:
    st.subheader("Why a saturated neuron learns slowly: the vanishing gradient")
    params = dict(items)
    bias = params.get("bias", 0.0)
    st.write(
        "The sigmoid flattens out at both ends: its slope σ′(z) = σ(z)(1 − σ(z)) "
        "is at most 1/4 (at z = 0) and shrinks roughly like e^−|z|. Once "
        "|w·x| is large, nudging w hardly moves the prediction, and any "
        "gradient that has to pass through σ′ all but vanishes."
    )
    weight = st.slider(
        "Inspect the neuron at weight w",
        min_value=-10.0,
        max_value=10.0,
        value=-8.0,
        step=0.5,
        key=f"{PREFIX}_neuron_w",
        help="Starts at w = −8, confidently wrong; try the trained weight near 1.",
    )
    neuron = scenario.extras["neuron"]
    points = _neuron(scenario.id, float(weight), float(bias))
    st.altair_chart(lab_charts.sigmoid_chart(points, neuron), width="stretch")
    a, b, c = st.columns(3)
    a.metric(
        "Points on a flat stretch",
        f"{points.saturated_share * 100:.0f} %",
        help=f"σ′(z) below {fmt.number(neuron.saturated_below)}: the grey bands.",
    )
    b.metric(
        "Gradient of the cross-entropy",
        fmt.signed(points.cross_entropy_gradient, sig=3),
        help="Mean of (σ(z) − y)·x, without the penalty.",
    )
    c.metric(
        "Gradient if the loss were squared error",
        fmt.signed(points.squared_error_gradient, sig=3),
        help="Mean of 2(σ(z) − y)·σ′(z)·x: the σ′ factor stays in.",
    )
    st.markdown(
        """
Compare the two gradients at a large |w|, say w = −8, where the neuron is
confidently wrong about most points. With **squared error** each point's pull
is multiplied by σ′(z), which is tiny on the flat ends, so the gradient nearly
vanishes just when the model most needs to move. **Cross-entropy** takes a
logarithm of σ, and differentiating that logarithm cancels the σ′: a wrong
point pulls with (σ − y)·x, as hard as ever. What does fade is the pull of
points that are confidently *right*, and the curvature L″(w): far out, the
loss is almost a straight line, so the slope no longer says how far the
optimum is. In a deep network many σ′ factors multiply along the chain rule,
which is why sigmoid layers once made deep models so slow to train.
"""
    )


# --- the page -------------------------------------------------------------------------


def render() -> None:
    """Gradient descent, the learning-rate finder and, for the neuron, saturation."""
    st.title("Gradient descent")
    st.caption(
        "The optimiser behind machine learning, one variable at a time: follow "
        "the slope, see how the learning rate decides between crawling, "
        "converging and blowing up."
    )
    chosen = choose_and_solve(PREFIX)
    if chosen is None:
        return
    scenario, items, solution, curve = chosen
    start, rate, steps = _controls(scenario, items, solution)
    _descent_section(scenario, items, solution, curve, start, rate, steps)
    st.divider()
    _finder_section(scenario, items, start)
    if "neuron" in scenario.extras:
        st.divider()
        _neuron_section(scenario, items)
