"""The state of "Your own model": its inputs' keys, loading a model into them,
and the model last built, for the other pages of a session.

The Derivative lab, Gradient descent and Compare pages offer that model beside
the catalog. Only its id is kept; the scenario itself is looked up with
``scenarios.get``, so a model that has been evicted simply disappears.
"""

from __future__ import annotations

import streamlit as st

import scenarios
from scenarios import Scenario
from scenarios.formula.spec import FormulaSpec

PAGE_ID = "own-model"
TITLE = "Your own model"

FORMULA_KEY = "om_formula"
VARIABLE_KEY = "om_variable"
LO_KEY = "om_lo"
HI_KEY = "om_hi"
GOAL_KEY = "om_goal"
INPUT_KEYS = (FORMULA_KEY, VARIABLE_KEY, LO_KEY, HI_KEY, GOAL_KEY)

DEFAULTS = "_own_model.defaults"
RANGES = "_own_model.ranges"
GENERATION = "_own_model.generation"
CURRENT_KEY = "_own_model.current"


def bump() -> None:
    """A new generation of the model's inputs: sliders keyed on it start afresh."""
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def load_spec(spec: FormulaSpec) -> None:
    """Put a model into the inputs and its values into the sliders (callback)."""
    st.session_state[FORMULA_KEY] = spec.formula
    st.session_state[VARIABLE_KEY] = spec.variable
    st.session_state[LO_KEY], st.session_state[HI_KEY] = spec.domain
    st.session_state[GOAL_KEY] = spec.goal
    st.session_state[DEFAULTS] = dict(spec.params)
    st.session_state[RANGES] = {k: tuple(v) for k, v in spec.ranges}
    for name, value in spec.params:
        st.session_state[name] = float(value)
    bump()


def remember(scenario: Scenario | None) -> None:
    """Record ``scenario`` as this session's own model (None forgets it)."""
    if scenario is None:
        st.session_state.pop(CURRENT_KEY, None)
    else:
        st.session_state[CURRENT_KEY] = scenario.id


def current_model() -> Scenario | None:
    """The session's own model, if it was built and still exists."""
    scenario_id = st.session_state.get(CURRENT_KEY)
    if scenario_id is None:
        return None
    try:
        return scenarios.get(scenario_id)
    except KeyError:
        return None


def with_own_model(ids: list[str]) -> list[str]:
    """Catalog ids, with the session's own model appended when there is one."""
    own = current_model()
    return ids if own is None else [*ids, own.id]


def title_of(scenario_id: str) -> str:
    """A scenario's title for a picker; an id no longer known shows as itself."""
    try:
        return scenarios.get(scenario_id).title
    except KeyError:
        return scenario_id
