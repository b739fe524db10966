"""The Uncertainty tab's inputs: a distribution per parameter, draws, seed, threshold.

Every widget key starts with ``whatif_mc_`` and is bound to the URL, so a
copied link reopens the same run. A new distribution starts around its
slider's value, or around a fit's estimate when the Fit to data tab left one
(:func:`remember_prior`). The tab itself is :mod:`dashboard.sections.uncertainty`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import streamlit as st

import scenarios
from dashboard import engine
from dashboard import format as fmt
from dashboard.format import plain
from dashboard.sections.run import your_label
from scenarios import Param, Scenario
from scenarios.uncertainty import DEFAULT_DRAWS, KINDS, NUMBERS, Distribution

PREFIX = "whatif_mc_"
"""Every widget key of the tab starts so: the URL keeps them, no slider has one."""

DRAWS_KEY, SEED_KEY, THRESHOLD_KEY = (f"{PREFIX}{k}" for k in ("draws", "seed", "at"))

DRAW_CHOICES = (10_000, 20_000, 50_000, 100_000)
"""The draws a page offers: at least 10,000, so the 5% and 95% quantiles of x*
each rest on 500 draws; at most what a rerun can afford."""

DEFAULT_SEED = 1
"""The seed a page starts with; any other is one edit away and kept in the URL."""

SPREAD = 0.1
"""A new distribution's width when no fit gives one: ±10% of the slider value."""

CENTRE_DIGITS, SPREAD_DIGITS = 5, 3
"""Significant digits a start value keeps: a centre such as 1,026.6, a
spread such as 60.1; enough to read, never a float tail."""

RISK_SHORTFALL = 0.1
"""The threshold starts this share below (above, for a minimum) the best value."""

THRESHOLD_DIGITS = 2
"""...rounded to this many significant digits: $27,000, not $27,225."""

PRIOR_KEY = "_uncertainty.prior"
"""Session key: per scenario id, the last fit's ``{name: (estimate, stderr)}``."""

KIND_LABELS = {
    "fixed": "Fixed",
    "normal": "Normal",
    "uniform": "Uniform",
    "triangular": "Triangular",
}
"""What the kind box shows; the URL keeps these words (``…_unit_cost=Normal``)."""

NUMBER_LABELS = {
    "mean": "Mean",
    "sd": "Std. dev.",
    "low": "Low",
    "mode": "Most likely",
    "high": "High",
}


def kind_key(name: str) -> str:
    return f"{PREFIX}{name}"


def number_key(name: str, number: str) -> str:
    return f"{PREFIX}{name}_{number}"


def tab_keys(scenario: Scenario) -> tuple[str, ...]:
    """Every widget key this tab may create for ``scenario``."""
    keys = [DRAWS_KEY, SEED_KEY, THRESHOLD_KEY]
    for name in scenario.param_names:
        keys.append(kind_key(name))
        keys += [number_key(name, n) for n in ("mean", "sd", "low", "mode", "high")]
    return tuple(keys)


# --- the fit's estimates as defaults --------------------------------------------


def remember_prior(scenario_id: str, prior: Mapping[str, tuple[float, float]]) -> None:
    """Keep a fit's ``{parameter: (estimate, standard error)}`` for this tab."""
    usable = {
        n: (float(m), float(s))
        for n, (m, s) in prior.items()
        if math.isfinite(m) and math.isfinite(s) and s > 0
    }
    if usable:
        st.session_state.setdefault(PRIOR_KEY, {})[scenario_id] = usable


def prior_of(scenario_id: str) -> dict[str, tuple[float, float]]:
    return dict(st.session_state.get(PRIOR_KEY, {}).get(scenario_id, {}))


def default_numbers(
    spec: Param, kind: str, value: float, prior: tuple[float, float] | None
) -> dict[str, float]:
    """Start values for ``kind`` around ``value`` (or the fit's estimate), in range.

    Without a fit the spread is :data:`SPREAD` of the value; with one, the
    standard error (a uniform or triangular then spans ±√3 standard errors,
    which gives a uniform the same standard deviation).
    """
    centre, sd = prior if prior is not None else (value, 0.0)
    centre = fmt.round_sig(min(max(centre, spec.min), spec.max), CENTRE_DIGITS)
    if sd <= 0:
        sd = SPREAD * (abs(centre) or (spec.max - spec.min))
    sd = fmt.round_sig(sd, SPREAD_DIGITS)
    if kind == "normal":
        return {"mean": centre, "sd": sd}
    half = fmt.round_sig(math.sqrt(3) * sd if prior else sd, SPREAD_DIGITS)
    low = max(spec.min, fmt.round_sig(centre - half, CENTRE_DIGITS))
    high = min(spec.max, fmt.round_sig(centre + half, CENTRE_DIGITS))
    if kind == "uniform":
        return {"low": low, "high": high}
    return {"low": low, "mode": centre, "high": high}


def _reseed(scenario_id: str, name: str) -> None:
    """Select-box callback: a new kind starts from the slider (or the fit)."""
    scenario = scenarios.get(scenario_id)
    spec = scenario.param(name)
    kind = st.session_state.get(kind_key(name), "fixed")
    if kind == "fixed":
        return
    value = fmt.clean(st.session_state.get(name, spec.default))
    prior = prior_of(scenario_id).get(name)
    for number, start in default_numbers(spec, kind, value, prior).items():
        st.session_state[number_key(name, number)] = start


def use_prior(scenario_id: str) -> None:
    """Button callback: every fitted parameter normal at its estimate ± error."""
    for name, (mean, sd) in prior_of(scenario_id).items():
        st.session_state[kind_key(name)] = "normal"
        st.session_state[number_key(name, "mean")] = fmt.round_sig(mean, CENTRE_DIGITS)
        st.session_state[number_key(name, "sd")] = fmt.round_sig(sd, SPREAD_DIGITS)


# --- the widgets --------------------------------------------------------------


def _number_input(spec: Param, name: str, number: str, start: float, where) -> float:
    key = number_key(name, number)
    low, high = (0.0, None) if number == "sd" else (spec.min, spec.max)
    given = {} if key in st.session_state else {"value": float(start)}
    value = where.number_input(
        fmt.with_unit(NUMBER_LABELS[number], spec.unit),
        min_value=low,
        max_value=high,
        step=float(spec.step),
        format="%g",
        key=key,
        bind="query-params",
        **given,
    )
    return fmt.clean(value)


def _param_row(
    scenario: Scenario, spec: Param, value: float, prior: tuple | None
) -> Distribution | str:
    """One parameter's row: kind, then its numbers. The distribution, or why not."""
    columns = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    key = kind_key(spec.name)
    start = "normal" if prior is not None else "fixed"
    # A kind set by a callback is in the session already: no default then.
    given = {} if key in st.session_state else {"index": KINDS.index(start)}
    kind = columns[0].selectbox(
        fmt.slider_label(spec),
        KINDS,
        format_func=KIND_LABELS.__getitem__,
        key=key,
        bind="query-params",
        on_change=_reseed,
        args=(scenario.id, spec.name),
        **given,
    )
    if kind == "fixed":
        columns[1].caption(f"At the slider, {fmt.quantity(value, spec.unit)}.")
        return Distribution("fixed", (value,))
    starts = default_numbers(spec, kind, value, prior)
    numbers = tuple(
        _number_input(spec, spec.name, number, starts[number], columns[1 + i])
        for i, number in enumerate(NUMBERS[kind])
    )
    try:
        return Distribution(kind, numbers)
    except ValueError as exc:
        return str(exc)


def distribution_inputs(
    scenario: Scenario, params: Mapping[str, float]
) -> dict[str, Distribution] | None:
    """Every parameter's distribution; None (after a sentence) if one is bad."""
    prior = prior_of(scenario.id)
    if prior:
        names = [scenario.param(n).label.lower() for n in prior]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1])
        if len(names) > 1:
            listed += f" and {names[-1]}"
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(
            f"Your fit on the Fit to data tab estimated {listed} with standard "
            "errors, so each starts as a normal distribution around its fit."
        )
        right.button(
            "Use the fit's uncertainty",
            key=f"{PREFIX}use_fit",
            on_click=use_prior,
            args=(scenario.id,),
            width="stretch",
        )
    out: dict[str, Distribution] = {}
    problems = []
    for spec in scenario.params:
        row = _param_row(scenario, spec, params[spec.name], prior.get(spec.name))
        if isinstance(row, str):
            problems.append(f"{spec.label}: {row}")
        else:
            out[spec.name] = row
    for problem in problems:
        st.error(plain(problem))
    return None if problems else out


def default_threshold(scenario: Scenario) -> float:
    solution = engine.default_solution(scenario.id)
    if isinstance(solution, str):
        return 0.0
    sign = -1.0 if scenario.goal == "maximize" else 1.0
    value = solution.value
    return fmt.round_sig(value + sign * RISK_SHORTFALL * abs(value), THRESHOLD_DIGITS)


def run_controls(scenario: Scenario) -> tuple[int, int, float]:
    """Draws, seed and the threshold your x is judged against."""
    obj = scenario.objective_label.lower()
    side = "below" if scenario.goal == "maximize" else "above"
    left, middle, right = st.columns(3)
    draws = left.selectbox(
        "Draws",
        DRAW_CHOICES,
        index=DRAW_CHOICES.index(DEFAULT_DRAWS),
        format_func=lambda n: f"{n:,}",
        key=DRAWS_KEY,
        bind="query-params",
    )
    seed = middle.number_input(
        "Seed",
        min_value=0,
        max_value=2**31 - 1,
        value=DEFAULT_SEED,
        step=1,
        key=SEED_KEY,
        bind="query-params",
        help="The same seed draws the same numbers, so a link reproduces the run.",
    )
    threshold = right.number_input(
        fmt.with_unit(f"Threshold {obj}", scenario.objective_unit),
        value=default_threshold(scenario),
        format="%g",
        key=THRESHOLD_KEY,
        bind="query-params",
        help=f"The tab gives the chance that {obj} at {your_label(scenario).lower()} "
        f"falls {side} this.",
    )
    return int(draws), int(seed), fmt.clean(threshold)
