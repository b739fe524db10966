"""Streamlit entry point: ``streamlit run dashboard/app.py`` from the repo root.

One overview page plus one page per registered scenario at ``/<scenario id>``,
all scenario pages drawn by the same function. A new file in
``scenarios/catalog`` therefore adds a page here with no dashboard edit.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

# `streamlit run` puts dashboard/ on sys.path, not the repo root.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

import scenarios  # noqa: E402
from dashboard import overview  # noqa: E402


def render_scenario(scenario_id: str) -> None:
    """The one page function behind every scenario page.

    Imported on first use so the landing page never loads the chart stack
    (Altair and its schema), which is most of a cold start.
    """
    from dashboard import scenario_page

    scenario_page.render(scenario_id)


def build_pages() -> dict[str, list[st.Page]]:
    """Navigation sections: the overview, then every scenario in display order."""
    home = st.Page(
        overview.render,
        title="Overview",
        icon=":material/dashboard:",
        url_path=overview.PAGE_ID,
        default=True,
    )
    pages = [
        st.Page(
            partial(render_scenario, scenario_id),
            title=scenario.title,
            url_path=scenario_id,
        )
        for scenario_id, scenario in scenarios.REGISTRY.items()
    ]
    return {"": [home], "Scenarios": pages}


def main() -> None:
    st.set_page_config(
        page_title="Derivatives at work",
        page_icon=":material/show_chart:",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    # The top navigation bar already separates the page from the window edge;
    # Streamlit's default padding on top of it pushes the headline off screen.
    st.html("<style>[data-testid='stMainBlockContainer']{padding-top:3.5rem}</style>")
    st.navigation(build_pages(), position="top").run()


if __name__ == "__main__":
    main()
