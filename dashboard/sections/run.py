"""What the sections of one scenario-page run share.

The cached analysis and point reports, the user's x, section headings, and
:func:`own_rerun` for sections whose widgets feed only themselves. Used by
:mod:`scenario_page` and :mod:`tab_sections`; never draws a page itself.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

from dashboard import engine, state
from dashboard import format as fmt
from scenarios import Scenario, Solution

Section = Callable[[Scenario, dict[str, float], Solution | None], None]
"""A part of the page: drawn from the scenario, its parameters and the solution."""
T = TypeVar("T")


def your_label(scenario: Scenario) -> str:
    """The name of the user's own x, such as "Your price"."""
    return f"Your {scenario.variable.label.lower()}"


def default_your_value(scenario: Scenario) -> float | None:
    """The "your value" slider's default at the declared parameter defaults."""
    solution = engine.default_solution(scenario.id)
    if isinstance(solution, str):
        return None
    return state.value_grid(*solution.domain).default


def your_x(solution: Solution) -> float:
    """The user's x from its slider, kept inside the current domain."""
    lo, hi = solution.domain
    grid = state.value_grid(lo, hi)
    value = st.session_state.get(state.YOUR_VALUE_KEY, grid.default)
    return min(max(fmt.clean(value), lo), hi)


_LAST = threading.local()
"""Per thread, the last result of each cached call made through :func:`shared`."""


def shared(fn: Callable[..., T], *key: Hashable) -> T:
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


def analysis_of(scenario: Scenario, params: dict[str, float]) -> engine.Analysis:
    """The cached analysis of ``params``, computed once for all of a run's sections."""
    return shared(engine.analyse, scenario.id, engine.freeze(params))


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


def heading(title: str, note: str) -> None:
    """A section heading with a small grey note under it, as one element.

    Drawn like ``st.subheader`` then ``st.caption``, at half the cost of a
    redraw. The note is Markdown; brackets in it are escaped, as they would
    otherwise close the grey text early.
    """
    note = note.replace("[", "\\[").replace("]", "\\]")
    st.markdown(f"### {title}\n\n:small[:gray[{note}]]")


def points_of(scenario: Scenario, params: dict[str, float], solution: Solution):
    """Reports for the references, the user's value and the optimum (cached)."""
    x = your_x(solution)
    span = engine.tangent_span(*solution.domain, x)
    return shared(engine.points_view, scenario.id, engine.freeze(params), x, span)
