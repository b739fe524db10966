"""Controls the tool pages share: the scenario picker, parameters, the point x.

The derivative lab, the descent page and the compare page all draw their
sidebar with these, so each keeps its values in the URL under its own prefix.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import streamlit as st

import scenarios
import scenarios.analysis
from dashboard import format as fmt
from dashboard import state
from dashboard.sections import own_model_state
from scenarios import Scenario, Solution
from scenarios.analysis import Curve

Items = tuple[tuple[str, float], ...]
ENGINE_ERRORS = (ValueError, ArithmeticError)
"""What the engine raises for a choice it cannot solve; shown as its sentence."""


@st.cache_data(max_entries=512, show_spinner=False)
def solved(scenario_id: str, items: Items) -> tuple[Solution, Curve] | str:
    """Optimum and a 400-point curve, or the engine's reason there is none."""
    scenario = scenarios.get(scenario_id)
    try:
        solution = scenarios.solve(scenario, dict(items))
        curve = scenarios.analysis.curve(scenario, dict(items), samples=400)
    except ENGINE_ERRORS as exc:
        return str(exc)
    return solution, curve


def scenario_picker(key: str, where=st.sidebar) -> Scenario:
    """A URL-bound select box of every registered scenario (and the session's
    own model, when one was built), by title."""
    ids = own_model_state.with_own_model(list(scenarios.REGISTRY))
    chosen = where.selectbox(
        "Scenario",
        ids,
        format_func=own_model_state.title_of,
        key=key,
        bind="query-params",
    )
    return scenarios.get(chosen)


def parameter_inputs(
    scenario: Scenario, prefix: str, where=st.sidebar, notices=None
) -> Items:
    """One URL-bound slider per parameter, keyed ``{prefix}_{scenario}_{name}``.

    A link value a slider cannot use gets a sentence in ``notices`` (by
    default ``where``), for sliders kept in a folded expander.

    Returns the values as ``(name, value)`` pairs, the cache key for the
    engine calls.
    """
    values = []
    for p in scenario.params:
        key = f"{prefix}_{scenario.id}_{p.name}"
        grid = state.param_grid(p)
        warn_bad_link(key, grid, p.label.lower(), p.unit, notices or where)
        value = where.slider(
            fmt.slider_label(p),
            min_value=float(p.min),
            max_value=float(p.max),
            value=float(p.default),
            step=float(p.step),
            format=fmt.slider_format(p),
            help=p.help,
            key=key,
            bind="query-params",
        )
        values.append((p.name, fmt.clean(value)))
    return tuple(values)


def warn_bad_link(
    key: str, grid: state.SliderGrid, name: str, unit: str, where
) -> None:
    """One sentence above a slider whose value in the link cannot be used."""
    problem = state.link_problem(key, grid, name, unit)
    if problem:
        where.warning(problem, icon=":material/link_off:")


def nice_step(width: float, count: int) -> Decimal:
    raw = Decimal(repr(width / count))
    power = raw.adjusted()
    for mantissa in ("5", "2.5", "2", "1"):
        step = Decimal(mantissa).scaleb(power)
        if step <= raw:
            return step
    return Decimal(1).scaleb(power)


def point_grid(lo: float, hi: float, count: int = 200) -> tuple[float, float, float]:
    """A slider's (min, max, step) on round numbers inside [lo, hi]."""
    step = nice_step(hi - lo, count)
    low = (Decimal(repr(lo)) / step).to_integral_value(ROUND_CEILING) * step
    high = (Decimal(repr(hi)) / step).to_integral_value(ROUND_FLOOR) * step
    if high <= low:
        return lo, hi, (hi - lo) / count
    return float(low), float(high), float(step)


def point_slider(
    name: str,
    unit: str,
    key: str,
    domain: tuple[float, float],
    default: float,
    help: str | None = None,
    where=st.sidebar,
) -> float:
    """A URL-bound slider for a value of x on a round grid inside ``domain``.

    ``name`` and ``unit`` make its label, and the sentence shown when the
    link's value for it cannot be used.

    A value left over from other parameters that now falls outside the domain
    is dropped, so the slider returns to ``default`` instead of failing.
    """
    low, high, step = point_grid(*domain)
    default = min(max(default, low), high)
    default = low + round((default - low) / step) * step
    default = fmt.clean(min(max(default, low), high))
    held = st.session_state.get(key)
    if held is not None and not low <= held <= high:
        del st.session_state[key]
    grid = state.SliderGrid(low, high, step, default)
    warn_bad_link(key, grid, name.lower(), unit, where)
    decimals = fmt.step_decimals(step, low)
    value = where.slider(
        fmt.with_unit(name, unit),
        min_value=low,
        max_value=high,
        value=default,
        step=step,
        format="%d" if decimals == 0 else f"%.{decimals}f",
        help=help,
        key=key,
        bind="query-params",
    )
    return fmt.clean(value)


def default_point(scenario: Scenario, domain: tuple[float, float]) -> float:
    """The first reference point inside the domain, else a quarter of the way."""
    lo, hi = domain
    for ref in scenario.references:
        if lo <= ref.x <= hi:
            return ref.x
    return lo + 0.25 * (hi - lo)


def choose_and_solve(
    prefix: str,
) -> tuple[Scenario, Items, Solution, Curve] | None:
    """Sidebar scenario picker and parameters, then the solved scenario.

    An infeasible choice shows its one-sentence reason and returns None.
    """
    scenario = scenario_picker(f"{prefix}_scenario")
    with st.sidebar:
        st.subheader("Parameters")
    items = parameter_inputs(scenario, prefix)
    result = solved(scenario.id, items)
    if isinstance(result, str):
        st.error(result)
        return None
    solution, curve = result
    return scenario, items, solution, curve
