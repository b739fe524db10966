"""Fixtures for the browser tests: one Streamlit server, Debian's chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.dashboard.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    stop_server,
    streamlit_command,
    wait_healthy,
)

ARTIFACTS = ROOT / "test-artifacts"


# --- the browser ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _skip_or_fail(reason: str) -> None:
    """Browser tests may skip on a developer's machine, never under CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true requires the browser tests to run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """One ``streamlit run dashboard/app.py`` for the whole session, on 127.0.0.1.

    Saved cases go to a throwaway SQLite file, never the developer's data/.
    """
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} not found; install Debian's chromium package")
    env = {
        **os.environ,
        "SCENARIOS_DB": str(tmp_path_factory.mktemp("db") / "cases.sqlite3"),
    }
    with serve(env, "streamlit") as url:
        yield url


@contextmanager
def serve(env: dict[str, str], name: str) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free 127.0.0.1 port; yields its URL.

    The server's output goes to ``test-artifacts/<name>.log``.
    """
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / f"{name}.log", "w") as log:
        server = subprocess.Popen(
            streamlit_command(port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_healthy(url, server)
            except RuntimeError as error:
                pytest.fail(str(error))
            yield url
        finally:
            stop_server(server)


@pytest.fixture(scope="module")
def browser(app_url: str):
    """Debian's chromium driven by Playwright; never downloads a browser.

    Module-scoped: Playwright's sync API allows one instance at a time, so
    another module can start its own once this one's tests are done.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed")
    if shutil.which(str(CHROMIUM)) is None:
        _skip_or_fail(f"{CHROMIUM} is not executable")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser_context(browser):
    """One context for the session, so Streamlit's scripts load from cache."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def page(browser_context, request):
    """A fresh 1280x800 tab; its screenshot goes to test-artifacts/ on failure."""
    tab = browser_context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    tab.close()
