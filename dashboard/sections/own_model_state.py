"""The model last built on "Your own model", for the other pages of a session.

The Derivative lab, Gradient descent and Compare pages offer it beside the
catalog. Only its id is kept; the scenario itself is looked up with
``scenarios.get``, so a model that has been evicted simply disappears.
"""

from __future__ import annotations

import streamlit as st

import scenarios
from scenarios import Scenario

CURRENT_KEY = "_own_model.current"


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
