"""A small multipage app around the what-if sections and the Cases page.

The scenario pages mimic the dashboard's: one slider per parameter, keyed by
the parameter name and bound to the URL, at url path ``/<scenario id>``. The
test sets ``harness_start`` in session state to open on the Cases page.
"""

import sys
from functools import partial
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402

import scenarios  # noqa: E402
from dashboard.sections import whatif as whatif_sections  # noqa: E402
from dashboard.views import cases as cases_page  # noqa: E402


def scenario_page(scenario_id: str) -> None:
    scenario = scenarios.get(scenario_id)
    params = {}
    for p in scenario.params:
        params[p.name] = st.sidebar.slider(
            p.label,
            min_value=float(p.min),
            max_value=float(p.max),
            value=float(p.default),
            step=float(p.step),
            key=p.name,
            bind="query-params",
        )
    try:
        solution = scenarios.solve(scenario, params)
    except ValueError as exc:
        st.write(str(exc))
        solution = None
    else:
        st.metric("Optimum", f"{solution.x:.6g}")
    whatif_sections.render_whatif(scenario, params, solution)


start = st.session_state.get("harness_start", "headphone_pricing")
pages = [
    st.Page(
        partial(scenario_page, sid),
        title=sc.title,
        url_path=sid,
        default=sid == start,
    )
    for sid, sc in scenarios.REGISTRY.items()
    if sid in ("headphone_pricing", "uber_surge", "study_time")
]
pages.append(
    st.Page(
        cases_page.page(),
        title="Saved cases",
        url_path=cases_page.URL_PATH,
        default=start == "cases",
    )
)
st.navigation(pages).run()
