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
from dashboard.views import overview  # noqa: E402


def render_scenario(scenario_id: str) -> None:
    """The one page function behind every scenario page.

    Imported on first use so the landing page never loads the chart stack
    (Altair and its schema), which is most of a cold start.
    """
    from dashboard.views import scenario as scenario_page

    scenario_page.render(scenario_id)


def render_tool(module_name: str, *args: object) -> None:
    """A tool page (cases, compare, lab, descent, practice), imported on first use."""
    import importlib

    importlib.import_module(f"dashboard.views.{module_name}").render(*args)


def build_pages() -> dict[str, list[st.Page]]:
    """Navigation: the overview, every scenario in display order, then the tools."""
    home = st.Page(
        overview.render,
        title="Overview",
        icon=":material/dashboard:",
        url_path=overview.PAGE_ID,
        default=True,
    )
    pages = {
        scenario_id: st.Page(
            partial(render_scenario, scenario_id),
            title=scenario.title,
            url_path=scenario_id,
        )
        for scenario_id, scenario in scenarios.REGISTRY.items()
    }
    tools = [
        st.Page(
            partial(render_tool, "own_model"),
            title="Your own model",
            icon=":material/function:",
            url_path="own-model",
        ),
        st.Page(
            partial(render_tool, "cases", pages),
            title="Saved cases",
            icon=":material/bookmarks:",
            url_path="cases",
        ),
        st.Page(
            partial(render_tool, "compare"),
            title="Compare scenarios",
            icon=":material/compare:",
            url_path="compare",
        ),
        st.Page(
            partial(render_tool, "lab"),
            title="Derivative lab",
            icon=":material/science:",
            url_path="derivative-lab",
        ),
        st.Page(
            partial(render_tool, "descent"),
            title="Gradient descent",
            icon=":material/trending_down:",
            url_path="gradient-descent",
        ),
        st.Page(
            partial(render_tool, "practice"),
            title="Practice",
            icon=":material/school:",
            url_path="practice",
        ),
    ]
    return {"": [home], "Scenarios": list(pages.values()), "Tools": tools}


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
