"""Dashboard timings: AppTest reruns, browser slider-to-update, cold start.

Run from the repository root with ``.venv/bin/python benchmarks/app.py``.
Prints a table and writes ``benchmarks/results/app.json``. A script, not a
test: timings depend on the machine, so nothing here asserts on them; the
targets are printed beside the measurements.

- **AppTest rerun**: median wall time of ``set_value(...).run()`` on the first
  parameter slider, stepping through distinct values (so every rerun solves
  afresh), for every scenario page; for the overview, a plain rerun.
- **Slider to update**: in headless Chromium, the time from an ArrowRight key
  press on a slider thumb to the new optimum on screen.
- **Cold start**: from spawning ``streamlit run`` until the first page is
  drawn in an already-open browser: the overview's table for the landing
  page, both charts for a deep link to a scenario page; each on a fresh server.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.util import calc_hash  # noqa: E402

import scenarios  # noqa: E402
from dashboard import format as fmt  # noqa: E402
from tests.dashboard.helpers import streamlit_command  # noqa: E402

APP = ROOT / "dashboard" / "app.py"
RESULTS = ROOT / "benchmarks" / "results" / "app.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TARGETS = {"rerun_ms": 50.0, "slider_to_update_ms": 300.0, "cold_start_s": 3.0}
RERUNS = 15
KEY_PRESSES = 8
METRIC = "[data-testid='stMetricValue']"


def _slider_values(param: scenarios.Param, count: int) -> list[float]:
    """``count`` distinct on-step values walking away from the default."""
    places = fmt.step_decimals(param.step, param.min, param.default)
    values, k = [], 1
    while len(values) < count:
        for sign in (1, -1):
            v = round(param.default + sign * k * param.step, places)
            if param.min <= v <= param.max and len(values) < count:
                values.append(v)
        k += 1
    return values


def apptest_reruns() -> dict[str, float]:
    """Median rerun milliseconds per page, in AppTest."""
    medians: dict[str, float] = {}
    for page_id in [*scenarios.REGISTRY, "overview"]:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at._page_hash = calc_hash(page_id)
        at.run()
        times = []
        if page_id == "overview":
            for _ in range(RERUNS):
                start = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - start)
        else:
            param = scenarios.get(page_id).params[0]
            for value in _slider_values(param, RERUNS):
                start = time.perf_counter()
                at.slider(key=param.name).set_value(value).run()
                times.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
        medians[page_id] = 1000 * statistics.median(times)
    return medians


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        streamlit_command(port),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_healthy(url: str) -> None:
    for _ in range(1200):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("streamlit never became healthy")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


# Both panels have drawn their curve (Vega renders SVG marks into the page).
CHARTS_DRAWN = (
    "() => document.querySelectorAll("
    "\"[data-testid='stVegaLiteChart'] g.mark-line path\").length >= 2"
)
TABLE_DRAWN = "() => document.querySelectorAll('table a').length > 0"


def _cold_start(browser, path: str, ready: str) -> tuple[float, float]:
    """Seconds from spawning the server to healthy, and until ``ready`` holds.

    ``ready`` is a JavaScript predicate: the page is drawn, charts included.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    start = time.perf_counter()
    server = _start_server(port)
    try:
        _wait_healthy(url)
        healthy = time.perf_counter() - start
        page.goto(f"{url}{path}")
        page.wait_for_function(ready, timeout=60_000, polling=10)
        shown = time.perf_counter() - start
    finally:
        page.close()
        _stop(server)
    return healthy, shown


def _slider_to_update(browser) -> list[float]:
    """Milliseconds from a key press on a slider to the new optimum on screen."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _start_server(port)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        _wait_healthy(url)
        page.goto(f"{url}/uber_surge?demand_multiplier=2")
        page.wait_for_selector(METRIC)
        thumb = page.locator(".st-key-demand_multiplier input[type='range']")
        times = []
        for _ in range(KEY_PRESSES):
            before = page.locator(METRIC).first.inner_text()
            thumb.focus()
            start = time.perf_counter()
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "([sel, old]) => document.querySelector(sel).innerText !== old",
                arg=[METRIC, before],
            )
            times.append(1000 * (time.perf_counter() - start))
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']"
            )
    finally:
        page.close()
        _stop(server)
    return times


def browser_timings() -> dict[str, float] | None:
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: browser timings skipped")
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            landing_health, landing = _cold_start(browser, "/", TABLE_DRAWN)
            deep_health, deep = _cold_start(
                browser, "/uber_surge?demand_multiplier=2", CHARTS_DRAWN
            )
            presses = _slider_to_update(browser)
        finally:
            browser.close()
    return {
        "cold_start_overview_s": landing,
        "cold_start_overview_server_ready_s": landing_health,
        "cold_start_scenario_page_s": deep,
        "cold_start_scenario_page_server_ready_s": deep_health,
        "slider_to_update_ms": statistics.median(presses),
        "slider_to_update_max_ms": max(presses),
    }


def main() -> None:
    reruns = apptest_reruns()
    browser = browser_timings()
    scenario_reruns = {k: v for k, v in reruns.items() if k != "overview"}
    rows = [
        (f"AppTest rerun: {k}", f"{v:.1f} ms", "≤ 50 ms") for k, v in reruns.items()
    ]
    rows.append(
        (
            "AppTest rerun: worst scenario page",
            f"{max(scenario_reruns.values()):.1f} ms",
            "≤ 50 ms",
        )
    )
    if browser:
        rows += [
            (
                "Browser: slider key press to new optimum (median)",
                f"{browser['slider_to_update_ms']:.0f} ms",
                "≤ 300 ms",
            ),
            (
                "Browser: slider key press to new optimum (max)",
                f"{browser['slider_to_update_max_ms']:.0f} ms",
                "",
            ),
            (
                "Cold start to overview (server ready)",
                f"{browser['cold_start_overview_s']:.2f} s "
                f"({browser['cold_start_overview_server_ready_s']:.2f} s)",
                "≤ 3 s",
            ),
            (
                "Cold start to /uber_surge, charts drawn (server ready)",
                f"{browser['cold_start_scenario_page_s']:.2f} s "
                f"({browser['cold_start_scenario_page_server_ready_s']:.2f} s)",
                "≤ 3 s",
            ),
        ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':>18}  target")
    print(f"{'-' * width}  {'-' * 18}  ------")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>18}  {target}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "apptest_rerun_median_ms": reruns,
                "browser": browser,
                "targets": TARGETS,
                "reruns_per_page": RERUNS,
                "key_presses": KEY_PRESSES,
                "machine": {
                    "python": platform.python_version(),
                    "streamlit": streamlit.__version__,
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                },
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
