"""Fixtures for the deployment tests: nginx, a team of replicas, Chromium.

Outside CI a missing nginx, PostgreSQL or Chromium skips these tests; under
``CI=true`` it fails them (``.ci/run`` installs all three).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS
from deploy.team import Team, nginx_binary
from tests import databases


def require(found: bool, reason: str) -> None:
    """Skip without ``found`` on a developer's machine; fail under CI."""
    if found:
        return
    if databases.under_ci():
        pytest.fail(f"{reason} (CI=true requires the deployment tests to run)")
    pytest.skip(reason)


@pytest.fixture
def nginx() -> None:
    """nginx is installed."""
    require(nginx_binary() is not None, "nginx not found; install Debian's nginx")


def team_env() -> dict[str, str]:
    """The replicas' environment: this one, less any database setting."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("SCENARIOS_DB", "SCENARIOS_DATABASE_URL")
    }


@pytest.fixture
def team(nginx, tmp_path) -> Iterator[tuple[Team, str]]:
    """Two replicas behind nginx on a fresh PostgreSQL schema: (team, its URL)."""
    with databases.fresh_schema() as url:
        rendered = url.render_as_string(hide_password=False)
        with Team(
            2, database_url=rendered, run_dir=tmp_path / "team", env=team_env()
        ) as started:
            yield started, rendered


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium through Playwright, for one module."""
    require(
        CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is not None,
        f"{CHROMIUM} not found; install Debian's chromium package",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
