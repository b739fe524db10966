"""Saved own models on the "Your own model" page: save, list, open, rename, delete.

Models go in the same database as the saved cases (``scenarios.store.cases``);
each is a name and the model's spec. A spec that cannot be opened any more
(edited by hand, from an older version) gives one sentence and stays listed,
so it can still be renamed or deleted.
"""

from __future__ import annotations

import streamlit as st

from dashboard.format import plain, quoted
from scenarios import FormulaError, Scenario, Solution
from scenarios.formula.build import FormulaSpec
from scenarios.store import cases as storage

_MESSAGE = "_own_model.store_message"


def _spec_now(scenario: Scenario, params: dict[str, float]) -> dict:
    """The model as saved: its spec with the sliders' values as the defaults."""
    spec: FormulaSpec = scenario.extras["formula"]
    data = spec.to_dict()
    data["params"] = {name: float(params.get(name, v)) for name, v in spec.params}
    return data


def _say(kind: str, text: str) -> None:
    st.session_state[_MESSAGE] = (kind, text)


def _open(name: str) -> None:
    """Button callback: put a saved model into the model box and the sliders."""
    from dashboard.sections.own_model_state import load_spec

    try:
        saved = storage.get_model(name)
        spec = FormulaSpec.from_dict(saved.spec)
    except (storage.StorageError, FormulaError) as exc:
        _say("error", plain(str(exc)))
        return
    load_spec(spec)
    _say("success", f"Opened the saved model {quoted(name)}.")


def _rename(old: str, key: str) -> None:
    new = st.session_state.get(key, "")
    try:
        storage.rename_model(old, new)
    except storage.StorageError as exc:
        _say("error", plain(str(exc)))
        return
    _say("success", f"Renamed {quoted(old)} to {quoted(new.strip())}.")


def _delete(name: str) -> None:
    try:
        storage.delete_model(name)
    except storage.StorageError as exc:
        _say("error", plain(str(exc)))
        return
    _say("success", f"Deleted the saved model {quoted(name)}.")


def saved_models_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Save this model under a name; open, rename or delete saved ones."""
    st.subheader("Saved models")
    message = st.session_state.pop(_MESSAGE, None)
    if message is not None:
        kind, text = message
        (st.error if kind == "error" else st.success)(text)
    left, right = st.columns(2, gap="large")
    with left:
        with st.form("om_save_form", border=False):
            name = st.text_input(
                "Model name", key="om_save_name", max_chars=120,
                placeholder="e.g. Headphones, curved demand",
            )  # fmt: skip
            replace = st.checkbox(
                "Replace a model with the same name", key="om_save_replace"
            )
            submitted = st.form_submit_button("Save model", type="primary")
        if submitted:
            try:
                saved = storage.save_model(
                    name, _spec_now(scenario, params), replace=replace
                )
            except storage.DuplicateModelError as exc:
                st.error(plain(str(exc)) + " Tick “Replace” to overwrite it.")
            except storage.StorageError as exc:
                st.error(plain(str(exc)))
            else:
                st.success(f"Saved the model {quoted(saved.name)}.")
    with right:
        try:
            models = storage.list_models()
        except storage.StorageError as exc:
            st.error(plain(str(exc)))
            return
        if not models:
            st.caption("No saved models yet.")
            return
        names = [m.name for m in models]
        chosen = st.selectbox("Saved models", names, key="om_saved_choice")
        if chosen is None:
            return
        model = models[names.index(chosen)]
        if model.unreadable:
            st.warning("This saved model is damaged and cannot be opened.")
        else:
            st.caption(f"f = {plain(str(model.spec.get('formula', '')))[:200]}")
        row = st.container(horizontal=True)
        row.button(
            "Open", key="om_open", on_click=_open, args=(chosen,),
            icon=":material/file_open:", disabled=model.unreadable,
        )  # fmt: skip
        row.button(
            "Delete", key="om_delete", on_click=_delete, args=(chosen,),
            icon=":material/delete:",
        )  # fmt: skip
        with st.popover("Rename", icon=":material/edit:"):
            st.text_input("New name", key="om_rename_to", max_chars=120)
            st.button(
                "Rename", key="om_rename", on_click=_rename,
                args=(chosen, "om_rename_to"),
            )  # fmt: skip
