"""Helpers for driving the dashboard in AppTest."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium, which Playwright drives for the browser tests and benchmarks."""
# Without the networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def streamlit_command(port: int, app: Path = APP) -> list[str]:
    """``streamlit run APP``, headless on 127.0.0.1:``port`` (tests and benchmarks)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app.relative_to(ROOT)) if app.is_relative_to(ROOT) else str(app),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


"""The browser selector for an app whose script has finished running."""


def open_page(page_id: str, query: Mapping[str, str] | None = None) -> AppTest:
    """Run the app on the page whose url path is ``page_id``, as a fresh session.

    AppTest's public ``switch_page`` only finds file-based pages; every page
    here is a function, whose script hash Streamlit derives from its url path.
    """
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query or {})
    at._page_hash = calc_hash(page_id)
    return at.run()


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


def wait_healthy(url: str, server: subprocess.Popen, limit_s: float = 120.0) -> None:
    """Poll ``url``'s health endpoint until it answers ``200``.

    Readiness polling, not a timing assertion: RuntimeError only if the
    server exits or never starts within ``limit_s``.
    """
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"streamlit did not become healthy within {limit_s:.0f} s")


def stop_server(server: subprocess.Popen, grace_s: float = 10.0) -> None:
    """Ask ``server`` to stop; kill it if it is still running after ``grace_s``."""
    server.terminate()
    try:
        server.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
