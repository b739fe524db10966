"""Helpers for driving the dashboard in AppTest."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

# Shared with the benchmarks, so they live there; imported here for the tests.
from benchmarks.harness import (  # noqa: F401
    APP,
    APP_IDLE,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    open_page,
    stop_server,
    streamlit_command,
    wait_healthy,
)


def switch_to(at: AppTest, page_id: str) -> AppTest:
    """Navigate an existing session to another page, keeping its state."""
    at.query_params.clear()
    at._page_hash = calc_hash(page_id)
    return at.run()


_NUMBER = re.compile(r"([−-])?\$?(\d[\d,]*(?:\.\d+)?)")


def leading_number(text: str) -> float:
    """The first number in a formatted value: ``"$201.00 per ride"`` -> 201.0."""
    match = _NUMBER.search(text)
    assert match, f"no number in {text!r}"
    value = float(match.group(2).replace(",", ""))
    return -value if match.group(1) else value


def named_data(spec: object) -> set[str]:
    """The names of the datasets a Vega-Lite spec reads, in any of its layers."""
    if isinstance(spec, list):
        return set().union(*(named_data(item) for item in spec))
    if not isinstance(spec, dict):
        return set()
    names = set().union(*(named_data(v) for k, v in spec.items() if k != "datasets"))
    data = spec.get("data")
    if isinstance(data, dict) and "name" in data:
        names.add(data["name"])
    return names


def open_tab(at: AppTest, label: str) -> AppTest:
    """Open the scenario page's tab ``label``, as a click on it would, and rerun."""
    from dashboard import state

    at.session_state[state.VIEW_KEY] = label
    return at.run()


def headings(at: AppTest) -> list[str]:
    """Every section heading shown: subheaders and Markdown ``###`` lines."""
    shown = [h.value for h in at.subheader]
    for block in at.markdown:
        shown += [
            line.removeprefix("### ")
            for line in str(block.value).splitlines()
            if line.startswith("### ")
        ]
    return shown


def tab_labels(at: AppTest) -> list[str]:
    """The labels of the scenario page's tabs, the options of its view switch."""
    from dashboard import state

    switch = next(g for g in at.get("button_group") if g.key == state.VIEW_KEY)
    return [option.content for option in switch.proto.options]


def click_tab(page, label: str) -> None:
    """In the browser, click the tab ``label`` below the chart and wait for the run."""
    from dashboard import state

    switch = page.locator(f".st-key-{state.VIEW_KEY}")
    switch.get_by_role("radio", name=label, exact=True).click()
    page.wait_for_selector(f"{APP_IDLE}")
    switch.get_by_role("radio", name=label, checked=True).wait_for()
    page.wait_for_selector(APP_IDLE)
