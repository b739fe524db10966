"""Starting and driving the dashboard, for the benchmarks and the tests alike.

A headless ``streamlit run`` on 127.0.0.1, its readiness and its stop; Debian's
Chromium for Playwright; and AppTest opened on one of the dashboard's pages.
The tests import these from here (through ``tests/dashboard/helpers.py``);
nothing here imports from ``tests/``.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
"""The browser selector for an app whose script has finished running."""
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


def open_page(page_id: str, query: Mapping[str, str] | None = None) -> AppTest:
    """Run the app on the page whose url path is ``page_id``, as a fresh session.

    AppTest's public ``switch_page`` only finds file-based pages; every page
    here is a function, whose script hash Streamlit derives from its url path.
    """
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query or {})
    at._page_hash = calc_hash(page_id)
    return at.run()
