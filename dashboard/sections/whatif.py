"""What-if sections of a scenario page: save a case, demand from data, and all.

Each ``render_*`` function takes the scenario, the current slider values and
(optionally) the current Solution, and draws one self-contained section. The
arithmetic is in ``scenarios.store.cases`` and ``scenarios.fitting.demand.sales``; this
module only formats and draws. Sensitivity has its own module,
:mod:`dashboard.sections.sensitivity`; :func:`render_whatif` draws all three.

Widget keys all start with ``whatif_`` so they never clash with the parameter
sliders, whose keys are the parameter names.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from dashboard.format import plain, quoted
from dashboard.state import PENDING_LOAD
from scenarios import Scenario, Solution
from scenarios.reports import load_case
from scenarios.store.cases import CaseStore, DuplicateCaseError, StorageError

"""Session key: a case loaded elsewhere, whose notices this page should show."""


# --- small helpers ----------------------------------------------------------


def store() -> CaseStore:
    """The configured case store (``$SCENARIOS_DATABASE_URL`` or the SQLite file)."""
    return CaseStore()


# --- Save as case -----------------------------------------------------------


def _apply_case(scenario_id: str, params: Mapping[str, float], name: str, notices):
    """Button callback: move the sliders (and so the URL) to a case's values."""
    for key, value in params.items():
        st.session_state[key] = float(value)
    st.session_state[PENDING_LOAD] = (scenario_id, name, tuple(notices))


def show_pending_load(scenario: Scenario) -> None:
    """Say which case was just loaded into this page, with any notices."""
    pending = st.session_state.get(PENDING_LOAD)
    if not pending or pending[0] != scenario.id:
        return
    del st.session_state[PENDING_LOAD]
    _, name, notices = pending
    st.success(f"Loaded case {quoted(name)}.")
    for notice in notices:
        st.warning(plain(notice))


def render_save_case(
    scenario: Scenario,
    params: Mapping[str, float],
    solution: Solution | None = None,
) -> None:
    """ "Save as case": a name box that stores the current sliders in the database.

    Beside it, the scenario's saved cases can be loaded back into the sliders.
    A case file that cannot be used gives one plain sentence; the page goes on.
    """
    show_pending_load(scenario)
    st.subheader("Saved cases")
    left, right = st.columns(2, gap="large")
    with left:
        with st.form("whatif_save_form", clear_on_submit=False, border=False):
            name = st.text_input(
                "Case name",
                key="whatif_case_name",
                max_chars=120,
                placeholder="e.g. Pessimistic demand",
                help="Any text; a name can be used once per scenario.",
            )
            replace = st.checkbox(
                "Replace a case with the same name",
                key="whatif_case_replace",
            )
            submitted = st.form_submit_button("Save as case", type="primary")
        if submitted:
            try:
                case = store().save(scenario.id, name, params, replace=replace)
            except DuplicateCaseError as exc:
                st.error(plain(str(exc)) + " Tick “Replace” to overwrite it.", icon="⚠️")
            except StorageError as exc:
                st.error(plain(str(exc)))
            else:
                st.success(f"Saved case {quoted(case.name)}.")
    with right:
        try:
            cases = store().list(scenario.id)
        except StorageError as exc:
            st.error(plain(str(exc)))
            return
        if not cases:
            st.caption("No saved cases for this scenario yet.")
            return
        by_id = {c.id: c for c in cases}
        chosen = st.selectbox(
            f"Load a saved case ({len(cases)})",
            options=list(by_id),
            format_func=lambda i: by_id[i].name,
            key="whatif_load_choice",
        )
        if chosen is not None:
            loaded = load_case(scenario, by_id[chosen])
            st.button(
                "Load into the sliders",
                key="whatif_load_button",
                on_click=_apply_case,
                args=(scenario.id, loaded.params, loaded.case.name, loaded.notices),
            )
        st.caption("Rename, delete or compare cases on the Cases page.")


# --- Demand from data -------------------------------------------------------


def render_demand_fit(
    scenario: Scenario,
    params: Mapping[str, float] | None = None,
    solution: Solution | None = None,
) -> None:
    """Fitting from data: demand shapes on the pricing pages, a declared curve
    elsewhere (see :mod:`dashboard.sections.fit`)."""
    from dashboard.sections import fit as fit_sections

    fit_sections.render_demand_fit(scenario, params, solution)
    fit_sections.render_formula_fit(scenario, params or scenario.defaults(), solution)


# --- All three --------------------------------------------------------------


def render_whatif(
    scenario: Scenario,
    params: Mapping[str, float],
    solution: Solution | None = None,
) -> None:
    """Save-as-case, sensitivity and (for pricing scenarios) demand fit, in order."""
    from dashboard.sections.sensitivity import render_sensitivity

    render_save_case(scenario, params, solution)
    render_sensitivity(scenario, params, solution)
    render_demand_fit(scenario, params, solution)
