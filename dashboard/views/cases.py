"""The Cases page: saved cases per scenario, load, rename, delete, summary report.

Loading a case opens its scenario page with the case's values in the query
string (``st.switch_page(..., query_params=...)``), so the sliders, which are
bound to the URL under the parameter names, start from the case and the
address bar can be copied as a link to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

import scenarios
from dashboard import format as fmt
from dashboard.format import plain, quoted
from dashboard.sections.whatif import store
from dashboard.state import PENDING_LOAD
from scenarios import Scenario
from scenarios.reports import load_case, summary_csv, summary_frame, summary_report
from scenarios.store.cases import Case, StorageError

URL_PATH = "cases"
"""Suggested ``url_path`` of this page in ``st.navigation``."""

TITLE = "Saved cases"

_CONFIRM = "whatif_cases_confirm_delete"
_FLASH = "whatif_cases_flash"


def _scenario_page(scenario: Scenario, pages: Mapping[str, object] | None):
    """The registered page of ``scenario``, or an equivalent Page object.

    Streamlit identifies a page by its URL path alone, so a Page made here with
    the scenario id as its path switches to the page ``st.navigation`` holds.
    """
    if pages and scenario.id in pages:
        return pages[scenario.id]

    def _placeholder() -> None:  # never run: only its url_path matters
        pass

    return st.Page(_placeholder, title=scenario.title, url_path=scenario.id)


def query_values(params: Mapping[str, float]) -> dict[str, str]:
    """Slider values as query-string text: shortest exact form, no ``.0`` tail."""
    return {
        name: repr(float(value)).removesuffix(".0") for name, value in params.items()
    }


def _open_case(scenario: Scenario, case: Case, pages) -> None:
    loaded = load_case(scenario, case)
    for key, value in loaded.params.items():
        st.session_state[key] = value
    st.session_state[PENDING_LOAD] = (scenario.id, case.name, loaded.notices)
    st.switch_page(
        _scenario_page(scenario, pages), query_params=query_values(loaded.params)
    )


def _flash(message: str, kind: str = "success") -> None:
    st.session_state[_FLASH] = (kind, message)


def _show_flash() -> None:
    item = st.session_state.pop(_FLASH, None)
    if item:
        kind, message = item
        (st.success if kind == "success" else st.warning)(message)


def _cases_table(scenario: Scenario, cases: list[Case]) -> None:
    data: dict[str, list[object]] = {"Name": [c.name for c in cases]}
    config: dict[str, object] = {"Name": st.column_config.TextColumn("Name")}
    for p in scenario.params:
        data[p.name] = [c.params.get(p.name) for c in cases]
        config[p.name] = st.column_config.NumberColumn(
            fmt.slider_label(p),
            help=p.help,
            format="dollar" if p.unit == "$" else "localized",
        )
    extra = sorted({k for c in cases for k in c.params} - set(scenario.param_names))
    for key in extra:
        data[key] = [c.params.get(key) for c in cases]
        config[key] = st.column_config.NumberColumn(
            f"{key} (no longer used)", format="localized"
        )
    data["Saved"] = [pd.Timestamp(c.created_at) for c in cases]
    data["Updated"] = [pd.Timestamp(c.updated_at) for c in cases]
    config["Saved"] = st.column_config.DatetimeColumn(
        "Saved (UTC)", format="YYYY-MM-DD HH:mm"
    )
    config["Updated"] = st.column_config.DatetimeColumn(
        "Updated (UTC)", format="YYYY-MM-DD HH:mm"
    )
    st.dataframe(
        pd.DataFrame(data),
        column_config=config,
        hide_index=True,
        width="stretch",
    )


def _report_cell(value: object, unit: str, change: bool) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "" if change else "—"
    if isinstance(value, float):
        return fmt.signed_quantity(value, unit) if change else fmt.quantity(value, unit)
    text = str(value)
    return text.capitalize() if text in ("maximum", "minimum", "infeasible") else text


def _render_report(scenario: Scenario, cases: list[Case]) -> None:
    st.subheader("Summary report")
    by_id = {c.id: c for c in cases}
    chosen = st.multiselect(
        "Cases in the report",
        options=list(by_id),
        default=list(by_id)[:8],
        format_func=lambda i: by_id[i].name,
        key=f"whatif_report_cases_{scenario.id}",
    )
    if not chosen:
        st.caption("Pick at least one case.")
        return
    picked = [by_id[i] for i in chosen]
    base_id = st.selectbox(
        "Base case (changes are measured from it)",
        options=chosen,
        format_func=lambda i: by_id[i].name,
        key=f"whatif_report_base_{scenario.id}",
    )
    report = summary_report(scenario, picked, by_id[base_id].name)
    frame = summary_frame(report)
    shown = pd.DataFrame(index=frame.index)
    shown["Quantity"] = [fmt.with_unit(r.label, r.unit) for r in report.rows]
    for i, column in enumerate(frame.columns[2:]):
        is_change = i >= len(report.case_names)
        shown[column] = [
            _report_cell(v, r.unit, is_change)
            for v, r in zip(frame[column], report.rows, strict=True)
        ]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.TextColumn(c) for c in shown.columns},
        height="content",
    )
    st.caption(
        "Columns after the cases give each case minus the base case. "
        "Results are solved afresh from each case's parameters."
    )
    for notice in report.notices:
        st.caption(plain(notice))
    st.download_button(
        "Download the report as CSV",
        data=summary_csv(report),
        file_name=f"{scenario.id}_cases.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"whatif_report_download_{scenario.id}",
    )


def _render_actions(scenario: Scenario, cases: list[Case], pages) -> None:
    by_id = {c.id: c for c in cases}
    st.subheader("Work with one case")
    case_id = st.selectbox(
        "Case",
        options=list(by_id),
        format_func=lambda i: by_id[i].name,
        key=f"whatif_cases_pick_{scenario.id}",
    )
    if case_id is None:
        return
    case = by_id[case_id]
    loaded = load_case(scenario, case)
    for notice in loaded.notices:
        st.caption(plain(notice))
    open_col, rename_col, delete_col = st.columns([2, 3, 2], gap="large")
    with open_col:
        st.markdown("**Load**")
        if st.button(
            "Open in its scenario page",
            key="whatif_cases_open",
            type="primary",
            help="Moves the sliders to this case and puts its values in the URL.",
        ):
            _open_case(scenario, case, pages)
    with rename_col:
        st.markdown("**Rename**")
        with st.form("whatif_cases_rename_form", border=False, clear_on_submit=True):
            new_name = st.text_input(
                "New name", key="whatif_cases_new_name", max_chars=120
            )
            if st.form_submit_button("Rename"):
                try:
                    renamed = store().rename(case.id, new_name)
                except StorageError as exc:
                    st.error(plain(str(exc)))
                else:
                    _flash(f"Renamed {quoted(case.name)} to {quoted(renamed.name)}.")
                    st.rerun()
    with delete_col:
        st.markdown("**Delete**")
        if st.session_state.get(_CONFIRM) == case.id:
            st.warning(f"Delete {quoted(case.name)}? This cannot be undone.")
            yes, no = st.columns(2)
            if yes.button("Yes, delete", key="whatif_cases_delete_yes", type="primary"):
                st.session_state.pop(_CONFIRM, None)
                try:
                    store().delete(case.id)
                except StorageError as exc:
                    st.error(plain(str(exc)))
                else:
                    _flash(f"Deleted {quoted(case.name)}.")
                    st.rerun()
            if no.button("Cancel", key="whatif_cases_delete_no"):
                st.session_state.pop(_CONFIRM, None)
                st.rerun()
        elif st.button("Delete…", key="whatif_cases_delete"):
            st.session_state[_CONFIRM] = case.id
            st.rerun()


def render(pages: Mapping[str, object] | None = None) -> None:
    """Draw the Cases page.

    ``pages`` maps scenario ids to the ``st.Page`` objects given to
    ``st.navigation``; without it, an equivalent Page is made from the id.
    """
    st.title(TITLE)
    _show_flash()
    try:
        all_cases = store().list()
    except StorageError as exc:
        # One sentence; every scenario page keeps working without the store.
        st.error(plain(str(exc)))
        return
    if not all_cases:
        st.info(
            "No saved cases yet. On any scenario page, give the current sliders "
            "a name under “Saved cases” and press “Save as case”."
        )
        return
    grouped: dict[str, list[Case]] = {}
    for case in all_cases:
        grouped.setdefault(case.scenario_id, []).append(case)
    known = [sid for sid in scenarios.REGISTRY if sid in grouped]
    orphans = sorted(set(grouped) - set(scenarios.REGISTRY))
    if orphans:
        st.caption(
            plain(
                f"{sum(len(grouped[o]) for o in orphans)} saved cases belong to "
                f"scenarios that no longer exist: {', '.join(orphans)}."
            )
        )
    if not known:
        return
    scenario_id = st.selectbox(
        "Scenario",
        options=known,
        format_func=lambda sid: (
            f"{scenarios.get(sid).title} ({len(grouped[sid])} "
            f"case{'s' if len(grouped[sid]) != 1 else ''})"
        ),
        key="whatif_cases_scenario",
    )
    scenario = scenarios.get(scenario_id)
    cases = grouped[scenario_id]
    _cases_table(scenario, cases)
    _render_actions(scenario, cases, pages)
    _render_report(scenario, cases)


def page(pages: Mapping[str, object] | None = None) -> Callable[[], None]:
    """A zero-argument page function for ``st.Page`` that knows the pages."""

    def cases() -> None:
        render(pages)

    return cases
