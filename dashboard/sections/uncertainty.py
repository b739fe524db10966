"""The Uncertainty tab: a distribution per parameter, a Monte Carlo of the optimum.

Each parameter is fixed at its slider or gets a normal, uniform or
triangular distribution (the inputs, bound to the URL, are
:mod:`dashboard.sections.uncertainty_inputs`). The tab shows the spread of
the best x, the best x on average beside the optimum at the mean values, and
the risk and regret at the user's x. The draws, the solves and every figure
come from :mod:`scenarios.uncertainty`; this module caches, formats and draws.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import streamlit as st

import scenarios
from dashboard import format as fmt
from dashboard import state
from dashboard.charts import uncertainty as charts
from dashboard.charts import vega
from dashboard.engine import ParamItems, freeze
from dashboard.format import plain
from dashboard.sections import uncertainty_inputs as inputs
from dashboard.sections.run import heading, your_label, your_x
from scenarios import Scenario, Solution
from scenarios.uncertainty import MonteCarloResult, RiskAt, monte_carlo, risk_of

RARE = 0.001
"""Chances below this print as "under 0.1%" rather than a rounded 0%."""

ENGINE_ERRORS = (ValueError, ArithmeticError)
"""What the engine raises for a run it cannot make; shown as its sentence."""

CURVE_POINTS = 41
"""Points of the expected-objective chart: an 8-pixel step on a chart half a
page wide, where an average of smooth curves shows no corners (the engine's
default of 121 triples the curve's share of a rerun)."""


def span_text(low: float, high: float, unit: str) -> str:
    """``$71.80–$78.40``, ``8.21–9.03 hours``: a unit after the numbers is said once."""
    a, b = fmt.quantity(low, unit), fmt.quantity(high, unit)
    if a == b:
        return a
    common = 0
    while common < min(len(a), len(b)) and a[-1 - common] == b[-1 - common]:
        common += 1
    tail = a[len(a) - common :] if common else ""
    cut = tail.find(" ")
    if cut >= 0:
        a = a[: len(a) - len(tail) + cut]
    return f"{a}–{b}"


# --- cached computations --------------------------------------------------------

DistItems = tuple[tuple[str, str], ...]
"""Distributions as hashable ``(name, "normal:20,2")`` pairs."""


@st.cache_data(max_entries=64, show_spinner=False)
def monte_carlo_data(
    scenario_id: str, params: ParamItems, dists: DistItems, draws: int, seed: int
) -> MonteCarloResult | str:
    """The Monte Carlo of ``dists`` around ``params``, or the sentence refusing it."""
    try:
        return monte_carlo(
            scenarios.get(scenario_id),
            dict(dists),
            dict(params),
            draws=draws,
            seed=seed,
            curve_points=CURVE_POINTS,
        )
    except ENGINE_ERRORS as exc:
        return str(exc)


@st.cache_data(max_entries=256, show_spinner=False)
def risk_data(
    scenario_id: str,
    params: ParamItems,
    dists: DistItems,
    draws: int,
    seed: int,
    at: tuple[float, ...],
    threshold: float,
) -> tuple[RiskAt, ...] | str:
    """The risk at each x of ``at`` (the first against ``threshold``)."""
    result = monte_carlo_data(scenario_id, params, dists, draws, seed)
    if isinstance(result, str):
        return result
    scenario = scenarios.get(scenario_id)
    try:
        return tuple(
            risk_of(scenario, result, x, threshold if i == 0 else None)
            for i, x in enumerate(at)
        )
    except ENGINE_ERRORS as exc:
        return str(exc)


# --- the tab ------------------------------------------------------------------------


def render_uncertainty(
    scenario: Scenario,
    params: Mapping[str, float],
    solution: Solution | None = None,
) -> None:
    """The Uncertainty tab: distributions in, the optimum's spread and risk out."""
    var = scenario.variable.label.lower()
    heading(
        f"The best {var} when the assumptions are uncertain",
        "Give any parameter a distribution. Every draw is solved exactly, all at "
        f"once; the spread of the best {var} shows how much the assumptions "
        f"matter, and the peak of the expected {scenario.objective_label.lower()} "
        f"is the best {var} on average.",
    )
    if solution is None or not scenario.params:
        st.caption("The Monte Carlo runs around a feasible case with parameters.")
        return
    state.claim_keys(scenario.id, inputs.tab_keys(scenario))
    dists = inputs.distribution_inputs(scenario, params)
    draws, seed, threshold = inputs.run_controls(scenario)
    if dists is None:
        return
    items: DistItems = tuple((n, d.text()) for n, d in dists.items() if not d.is_fixed)
    if not items:
        st.info(
            f"Pick a distribution for at least one parameter to see how far the "
            f"best {var} can move.",
            icon=":material/casino:",
        )
        return
    # An uncertain parameter's slider does not enter the draws, so moving it
    # leaves the cached run in place.
    drawn = {n for n, _ in items}
    fixed = freeze({n: v for n, v in params.items() if n not in drawn})
    result = monte_carlo_data(scenario.id, fixed, items, draws, seed)
    if isinstance(result, str):
        st.error(plain(result))
        return
    mine = your_x(solution)
    at = (mine, result.best_on_average[0])
    risks = risk_data(scenario.id, fixed, items, draws, seed, at, threshold)
    _headline(scenario, result)
    _charts(scenario, result, mine)
    if isinstance(risks, str):
        st.error(plain(risks))
    else:
        _risk(scenario, risks[0], risks[1])
    for note in result.notes:
        st.info(plain(note))


def _headline(scenario: Scenario, result: MonteCarloResult) -> None:
    var = scenario.variable
    obj, unit = scenario.objective_label.lower(), scenario.objective_unit
    row = st.container(horizontal=True, gap="large")
    x, f = result.best_on_average
    row.metric(
        f"Best {var.label.lower()} on average",
        fmt.quantity(x, var.unit),
        delta=f"expected {obj} {fmt.quantity(f, unit)}",
        delta_color="off",
        delta_arrow="off",
        width="content",
    )
    x, f = result.at_mean
    row.metric(
        "Optimum at the mean values",
        fmt.quantity(x, var.unit),
        delta=f"{obj} {fmt.quantity(f, unit)}",
        delta_color="off",
        delta_arrow="off",
        width="content",
    )
    q = result.quantiles
    spread = span_text(q[0.05], q[0.95], var.unit)
    row.metric(
        f"Best {var.label.lower()}, middle 90% of draws",
        spread,
        width="content",
    )
    if fmt.quantity(q[0.05], var.unit) == fmt.quantity(q[0.95], var.unit):
        st.caption(
            plain(
                f"The parameters drawn barely move the best {var.label.lower()}: "
                f"nine draws in ten give {spread}."
            )
        )
    names = {0.05: "5%", 0.25: "25%", 0.5: "median", 0.75: "75%", 0.95: "95%"}
    shown = " · ".join(
        f"{names.get(level, f'{level:.0%}')} {fmt.quantity(v, var.unit)}"
        for level, v in q.items()
    )
    st.caption(
        plain(
            f"Best {var.label.lower()} over {result.feasible:,} draws: {shown}. "
            f"{result.draws:,} draws with seed {result.seed}; the link keeps both."
        )
    )


def _charts(scenario: Scenario, result: MonteCarloResult, mine: float) -> None:
    # Arrow tables built from columns: a tenth of the cost of records.
    marks = pa.table(
        {
            "x": [result.at_mean[0], result.best_on_average[0], float(mine)],
            "mark": list(charts.mark_labels(scenario.id)),
        }
    )
    hist = result.histogram
    share = hist.counts / max(result.feasible, 1)
    bins = pa.table({"lo": hist.edges[:-1], "hi": hist.edges[1:], "share": share})
    curve = result.curve
    points = pa.table(
        {"x": curve.x, "mean": curve.mean, "low": curve.low, "high": curve.high}
    )
    left, right = st.columns(2)
    left.vega_lite_chart(
        vega.sendable(
            vega.with_data(
                charts.histogram_spec(scenario.id), {"bins": bins, "marks": marks}
            )
        ),
        width="stretch",
    )
    right.vega_lite_chart(
        vega.sendable(
            vega.with_data(
                charts.expected_spec(scenario.id), {"curve": points, "marks": marks}
            )
        ),
        width="stretch",
    )
    var, obj = scenario.variable.label.lower(), scenario.objective_label.lower()
    st.caption(
        f"Left: how the best {var} spreads over the draws. Right: the expected "
        f"{obj} at each {var}, shaded where the middle 90% of the draws fall; "
        f"its peak is the best {var} on average."
    )


def _chance(p: float | None) -> str:
    if p is None:
        return "—"
    if 0 < p < RARE:
        return f"under {RARE:.1%}"
    return fmt.percent(p, 1)


def _risk(scenario: Scenario, mine: RiskAt, best: RiskAt) -> None:
    var = scenario.variable
    obj, unit = scenario.objective_label.lower(), scenario.objective_unit
    side = "below" if scenario.goal == "maximize" else "above"
    at = f"At {your_label(scenario).lower()}, {fmt.quantity(mine.x, var.unit)}"
    st.markdown(f"**{plain(at)}** {plain('(set in the sidebar):')}")
    row = st.container(horizontal=True, gap="large")
    row.metric(f"Expected {obj}", fmt.quantity(mine.expected, unit), width="content")
    row.metric(
        f"Chance {side} {fmt.quantity(mine.threshold or 0.0, unit)}",
        _chance(mine.p_worse),
        width="content",
    )
    row.metric(
        "Expected regret",
        fmt.quantity(mine.expected_regret, unit),
        help=f"What this {var.label.lower()} gives up, on average, against the best "
        f"{var.label.lower()} of each draw: the cost of not knowing the assumptions.",
        width="content",
    )
    st.caption(
        plain(
            f"At the best {var.label.lower()} on average, "
            f"{fmt.quantity(best.x, var.unit)}, the expected regret is "
            f"{fmt.quantity(best.expected_regret, unit)}: no single "
            f"{var.label.lower()} gives up less on average."
        )
    )
