"""Dashboard timings as ratios to a ten-line Streamlit app, measured in one run.

Run from the repository root with ``.venv/bin/python benchmarks/app.py``.
Prints a table and writes ``benchmarks/results/app.json``; ``--quick`` (to check
the script runs) times two presses and reruns on the toy, one scenario page and
one tool page, and writes to a temporary file (or ``--out``); ``--pages`` picks
the pages. A script, not a test: timings depend on the machine, so nothing here
asserts on them. The targets are ratios to the peer, ``benchmarks/toy_app.py``
(one slider, one metric, one Altair line chart of 400 points), served beside
the dashboard in the same run and the same Chromium.

- **Slider to settled**: in headless Chromium, from an ArrowRight key press on
  a page's first slider until the metrics (or, on a page without any, the main
  text) have changed and the app reports ``data-test-script-state='notRunning'``.
  The toy app stays open in a second tab; each press on a dashboard page
  follows one on the toy, so each page's ratio compares presses made in the
  same spell of the machine, whose speed drifts over a run.
- **AppTest rerun**: median wall time of ``set_value(...).run()`` on the same
  slider, stepping through distinct values so every rerun computes afresh.
- **Cold start**: from spawning ``streamlit run`` until the first metric is
  shown in an already-open browser, for a deep link to a scenario page and for
  the toy app, each on a fresh server, alternating.
"""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.util import calc_hash  # noqa: E402

import scenarios  # noqa: E402
from benchmarks import runs  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    APP,
    APP_IDLE,
    CHROMIUM,
    CHROMIUM_ARGS,
    stop_server,
    streamlit_command,
    wait_healthy,
)

TOY = ROOT / "benchmarks" / "toy_app.py"
QUICK_PAGES = ("headphone_pricing", "derivative-lab")
TARGET_RATIO = 1.5
"""Slider-to-settled on a scenario page, and a deep link's cold start, vs the toy."""
METRIC = "[data-testid='stMetricValue']"
SLIDER = "[data-testid='stSlider'] input[type='range']"
DEEP_LINK = "/headphone_pricing"


@dataclass(frozen=True)
class Target:
    """A page to time: its URL path, its script hash for AppTest, its slider."""

    name: str
    path: str
    page_hash: str | None
    slider: str
    """CSS selector of the slider thumb to press."""
    kind: str
    """``toy``, ``scenario`` or ``tool``."""


def targets() -> list[Target]:
    """The toy app, every scenario page, then the tool pages with a slider."""
    pages = [Target("toy app", "/", None, SLIDER, "toy")]
    for sid, scenario in scenarios.REGISTRY.items():
        first = scenario.params[0].name
        pages.append(
            Target(
                sid,
                f"/{sid}",
                calc_hash(sid),
                f".st-key-{first} input[type='range']",
                "scenario",
            )
        )
    for url_path in ("derivative-lab", "gradient-descent", "compare", "cases"):
        pages.append(
            Target(url_path, f"/{url_path}", calc_hash(url_path), SLIDER, "tool")
        )
    return pages


# --- AppTest ------------------------------------------------------------------


def _slider_steps(slider, count: int) -> list[float]:
    """``count`` distinct on-step values walking up from the slider's value."""
    value, step = float(slider.value), float(slider.step)
    lo, hi = float(slider.min), float(slider.max)
    ups = [value + k * step for k in range(1, count + 1) if value + k * step <= hi]
    downs = [value - k * step for k in range(1, count + 1) if value - k * step >= lo]
    return [round(v, 10) for v in (ups + downs)[:count]]


def apptest_rerun(target: Target, reruns: int) -> float | None:
    """Median rerun milliseconds after moving the page's first slider."""
    at = AppTest.from_file(
        str(TOY if target.kind == "toy" else APP), default_timeout=60
    )
    if target.page_hash is not None:
        at._page_hash = target.page_hash
    at.run()
    if not at.slider:
        return None
    key = at.slider[0].key
    if target.kind == "scenario":
        key = target.slider.split()[0].removeprefix(".st-key-")
    times = []
    for value in _slider_steps(at.slider(key=key), reruns):
        start = time.perf_counter()
        at.slider(key=key).set_value(value).run()
        times.append(time.perf_counter() - start)
    assert not at.exception, [e.value for e in at.exception]
    return 1000 * statistics.median(times)


# --- servers and the browser ----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(app: Path, port: int, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        streamlit_command(port, app),
        cwd=ROOT,
        env={**os.environ, "SCENARIOS_DB": str(db)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _cold_start(browser, app: Path, path: str, db: Path) -> float:
    """Seconds from spawning the server until the first metric is on screen."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    start = time.perf_counter()
    server = _start_server(app, port, db)
    try:
        wait_healthy(url, server)
        page.goto(f"{url}{path}")
        page.wait_for_selector(METRIC, timeout=120_000)
        return time.perf_counter() - start
    finally:
        page.close()
        stop_server(server)


# The text whose change says the rerun reached the screen: every metric, or
# the main block's text on a page that shows none.
_WATCHED = f"""() => {{
    const metrics = [...document.querySelectorAll("{METRIC}")];
    if (metrics.length) return metrics.map(m => m.innerText).join("|");
    const main = document.querySelector("[data-testid='stMain']");
    return main ? main.innerText : "";
}}"""
_SETTLED = f"""([old]) => {{
    const now = ({_WATCHED})();
    return now !== old && document.querySelector("{APP_IDLE}") !== null;
}}"""


class _Slider:
    """One open page and the slider thumb pressed on it."""

    def __init__(self, page, url: str, target: Target) -> None:
        self.page, self.target, self.key = page, target, "ArrowRight"
        self.ready = self._open(url)

    def _open(self, url: str) -> bool:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page, target = self.page, self.target
        page.goto(f"{url}{target.path}")
        try:
            # The app reads "notRunning" before its first run starts: wait for
            # the slider itself. A tool page may have none (the cases page).
            page.wait_for_selector(
                target.slider,
                state="attached",
                timeout=20_000 if target.kind == "tool" else 120_000,
            )
        except PlaywrightTimeout:
            return False
        page.wait_for_selector(APP_IDLE, timeout=120_000)
        page.wait_for_timeout(300)
        page.wait_for_selector(APP_IDLE)
        self.thumb = page.locator(target.slider).first
        # A slider in a collapsed expander (the compare page) needs it open.
        folded = self.thumb.locator("xpath=ancestor::details[not(@open)]")
        if folded.count():
            folded.first.locator("summary").click()
            page.wait_for_selector(APP_IDLE)
        return True

    def press(self) -> float | None:
        """Milliseconds from one key press to the changed, settled page."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page, thumb = self.page, self.thumb
        page.bring_to_front()
        before = page.evaluate(_WATCHED)
        # Walk to one end of the slider, then back to the other.
        if thumb.evaluate("e => Number(e.value) >= Number(e.max)"):
            self.key = "ArrowLeft"
        elif thumb.evaluate("e => Number(e.value) <= Number(e.min)"):
            self.key = "ArrowRight"
        thumb.focus()
        start = time.perf_counter()
        page.keyboard.press(self.key)
        try:
            page.wait_for_function(_SETTLED, arg=[before], timeout=30_000)
        except PlaywrightTimeout:
            print(f"  {self.target.name}: a key press changed nothing; page skipped")
            return None
        elapsed = 1000 * (time.perf_counter() - start)
        # Let the browser finish drawing before the next press.
        page.wait_for_timeout(150)
        return elapsed


def _paired_presses(
    toy: _Slider, other: _Slider, count: int
) -> tuple[list[float], list[float] | None]:
    """``count`` presses on each, alternating toy and page, so drift hits both."""
    toy_times: list[float] = []
    times: list[float] = []
    for _ in range(count):
        first = toy.press()
        second = other.press()
        if first is not None:
            toy_times.append(first)
        if second is None:
            return toy_times, None
        times.append(second)
    return toy_times, times


def browser_timings(
    pages: list[Target], presses: int, colds: int, db: Path
) -> dict[str, object] | None:
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: browser timings skipped")
        return None
    from playwright.sync_api import sync_playwright

    out: dict[str, object] = {"slider_ms": {}, "toy_paired_ms": {}, "cold_start_s": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            cold_toy, cold_deep = [], []
            for _ in range(colds):
                cold_toy.append(_cold_start(browser, TOY, "/", db))
                cold_deep.append(_cold_start(browser, APP, DEEP_LINK, db))
            out["cold_start_s"] = {"toy app": cold_toy, DEEP_LINK: cold_deep}
            ports = {"toy": _free_port(), "app": _free_port()}
            servers = {
                "toy": _start_server(TOY, ports["toy"], db),
                "app": _start_server(APP, ports["app"], db),
            }
            try:
                urls = {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}
                for name, url in urls.items():
                    wait_healthy(url, servers[name])
                viewport = {"width": 1280, "height": 800}
                toy_page = browser.new_page(viewport=viewport)
                page = browser.new_page(viewport=viewport)
                toy = _Slider(
                    toy_page, urls["toy"], next(t for t in pages if t.kind == "toy")
                )
                # Each page's presses alternate with presses on the toy app in
                # a second tab, so a slower spell of the machine hits both.
                toy_runs: list[float] = []
                for target in pages:
                    if target.kind == "toy":
                        continue
                    other = _Slider(page, urls["app"], target)
                    paired, times = (
                        _paired_presses(toy, other, presses)
                        if other.ready
                        else ([], None)
                    )
                    toy_runs += paired
                    out["slider_ms"][target.name] = times
                    out["toy_paired_ms"][target.name] = paired
                    print(f"  browser: {target.name} done", flush=True)
                out["slider_ms"]["toy app"] = toy_runs
                toy_page.close()
                page.close()
            finally:
                for server in servers.values():
                    stop_server(server)
        finally:
            browser.close()
    return out


# --- report ---------------------------------------------------------------------


def _median(values) -> float | None:
    return statistics.median(values) if values else None


def _ratio(value: float | None, peer: float | None) -> str:
    return "—" if value is None or not peer else f"{value / peer:.2f}×"


def main() -> None:
    """Measure, print the table and write the JSON."""
    parser = runs.parser(__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", help="only these pages (and the toy)")
    args = parser.parse_args()
    presses, reruns, colds = (2, 2, 1) if args.quick else (20, 15, 3)
    chosen = args.pages or (QUICK_PAGES if args.quick else None)
    pages = [t for t in targets() if not chosen or t.kind == "toy" or t.name in chosen]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cases.sqlite3"
        os.environ["SCENARIOS_DB"] = str(db)
        rerun = {t.name: apptest_rerun(t, reruns) for t in pages}
        print("  AppTest reruns done", flush=True)
        browser = browser_timings(pages, presses, colds, db)

    toy_rerun = rerun["toy app"]
    slider = browser["slider_ms"] if browser else {}
    paired = browser["toy_paired_ms"] if browser else {}
    # Each page against the toy presses made alternately with its own.
    toy_for = {name: _median(times) for name, times in paired.items()}
    toy_for["toy app"] = _median(slider.get("toy app"))
    header = (
        "page",
        "slider→settled",
        "toy, same spell",
        "× toy",
        "range",
        "AppTest rerun",
        "× toy",
    )
    rows = []
    for t in pages:
        times = slider.get(t.name)
        med, toy_med = _median(times), toy_for.get(t.name)
        rows.append(
            (
                t.name,
                "—" if med is None else f"{med:.0f} ms",
                "—" if toy_med is None else f"{toy_med:.0f} ms",
                "—" if t.kind == "toy" else _ratio(med, toy_med),
                "—" if not times else f"{min(times):.0f}–{max(times):.0f} ms",
                "—" if rerun[t.name] is None else f"{rerun[t.name]:.1f} ms",
                "—" if t.kind == "toy" else _ratio(rerun[t.name], toy_rerun),
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(7)]
    line = "  ".join(
        f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths)
    )
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))
    ratios = {
        t.name: _median(slider[t.name]) / toy_for[t.name]
        for t in pages
        if t.kind != "toy" and slider.get(t.name) and toy_for.get(t.name)
    }
    scenario_ratios = [
        ratios[t.name] for t in pages if t.kind == "scenario" and t.name in ratios
    ]
    cold = browser["cold_start_s"] if browser else {}
    cold_toy, cold_deep = _median(cold.get("toy app")), _median(cold.get(DEEP_LINK))
    print()
    if scenario_ratios:
        print(
            f"worst scenario page, slider→settled: {max(scenario_ratios):.2f}× toy "
            f"(target ≤ {TARGET_RATIO}×)"
        )
    if cold_toy and cold_deep:
        print(
            f"cold start to first metric: toy {cold_toy:.2f} s, {DEEP_LINK} "
            f"{cold_deep:.2f} s = {cold_deep / cold_toy:.2f}× toy "
            f"(target ≤ {TARGET_RATIO}×)"
        )
    runs.write_json(
        {
            "slider_to_settled_ms": slider,
            "toy_presses_paired_with_each_page_ms": paired,
            "slider_to_settled_median_ms": {k: _median(v) for k, v in slider.items()},
            "apptest_rerun_median_ms": rerun,
            "cold_start_s": cold,
            "ratios_to_toy": {
                "slider_to_settled": ratios,
                "apptest_rerun": {
                    t.name: rerun[t.name] / toy_rerun
                    for t in pages
                    if t.kind != "toy" and rerun[t.name] is not None
                },
                "cold_start_deep_link": (
                    cold_deep / cold_toy if cold_toy and cold_deep else None
                ),
            },
            "target_ratio": TARGET_RATIO,
            "key_presses_per_page": presses,
            "reruns_per_page": reruns,
            "cold_starts": colds,
            "machine": {
                "python": platform.python_version(),
                "streamlit": streamlit.__version__,
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
            },
        },
        runs.output_path("app", args),
    )


if __name__ == "__main__":
    main()
