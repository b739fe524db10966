"""Load: N concurrent browser sessions against one dashboard server on localhost.

Run from the repository root with ``.venv/bin/python benchmarks/load.py``
(``--levels 1,5`` or ``--presses 5`` while developing). Prints a table and
writes ``benchmarks/results/load.json``; ``--quick`` (N = 1 and 2, two presses)
writes to a temporary file instead (or ``--out``). A script, not a test:
nothing here asserts on timings.

For each N in 1, 5, 10 and 20, N Playwright contexts in one headless Chromium
(separate users, each with its own Streamlit session) open the same scenario
page at once, then each moves the first slider 20 times, each time waiting
until the metrics have changed and the app reports
``data-test-script-state='notRunning'``. Reported per N:

- p50 and p95 of slider-to-settled, over every press of every session;
- errors: exceptions on the page (a browser ``pageerror`` or a Streamlit
  exception box), presses that timed out, and sessions lost (the app's
  websocket closed before the benchmark closed the tab);
- the server's peak resident memory (RSS, sampled every 50 ms from
  ``/proc``), and its growth per session: RSS with the N sessions open minus
  RSS before they opened, divided by N.

The target is a ratio measured in the same run: p95 at N = 20 over p50 at
N = 1, with the goal of at most 10 on two cores, and no errors at N = 20.
The load only ever goes to a server this script started on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit  # noqa: E402

from benchmarks import runs  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    APP_IDLE,
    CHROMIUM,
    CHROMIUM_ARGS,
    stop_server,
    streamlit_command,
    wait_healthy,
)

LEVELS = (1, 5, 10, 20)
PRESSES = 20
QUICK_LEVELS, QUICK_PRESSES = (1, 2), 2
PAGE = "/headphone_pricing"
SLIDER = ".st-key-unit_cost input[type='range']"
METRIC = "[data-testid='stMetricValue']"
EXCEPTION = "[data-testid='stException']"
PRESS_TIMEOUT_MS = 60_000
"""A press not settled after this long counts as a time-out error."""
TARGET_RATIO = 10.0
"""Goal: p95 at the largest N over p50 at N = 1."""

_WATCHED = f"""() => [...document.querySelectorAll("{METRIC}")]
    .map(m => m.innerText).join("|")"""
_SETTLED = f"""([old]) => {{
    const now = ({_WATCHED})();
    return now !== old && document.querySelector("{APP_IDLE}") !== null;
}}"""


# --- the server and its memory ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib(pid: int) -> float:
    """Resident memory of process ``pid`` in MiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class MemorySampler:
    """Samples a process's RSS in a thread; ``peak()`` since the last reset."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every = pid, every
        self._peak = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                value = rss_mib(self.pid)
            except (OSError, RuntimeError):
                return
            with self._lock:
                self._peak = max(self._peak, value)
            self._stop.wait(self.every)

    def reset(self) -> None:
        with self._lock:
            self._peak = rss_mib(self.pid)

    def peak(self) -> float:
        with self._lock:
            return self._peak

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


# --- one session -------------------------------------------------------------------


@dataclass
class Session:
    """What one browser session saw."""

    times_ms: list[float] = field(default_factory=list)
    page_errors: int = 0
    exception_boxes: int = 0
    timeouts: int = 0
    lost: bool = False


async def open_session(browser, url: str):
    """A new context (a separate user) on the scenario page, settled."""
    from playwright.async_api import Error as PlaywrightError

    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    result = Session()
    closing = {"now": False}

    def on_socket(ws) -> None:
        if "/_stcore/stream" in ws.url:
            ws.on("close", lambda _ws: None if closing["now"] else _lose(result))

    def _lose(session: Session) -> None:
        session.lost = True

    page.on("websocket", on_socket)
    page.on("pageerror", lambda _err: _count_page_error(result))
    try:
        await page.goto(f"{url}{PAGE}", timeout=120_000)
        await page.wait_for_selector(APP_IDLE, timeout=120_000)
        await page.wait_for_selector(METRIC, timeout=120_000)
    except PlaywrightError:
        result.lost = True  # it never opened: counted as a lost session
    return context, page, result, closing


def _count_page_error(session: Session) -> None:
    session.page_errors += 1


async def move_slider(page, session: Session, presses: int) -> None:
    """Press ArrowRight ``presses`` times, timing each until the page settles.

    A press that does not settle in time counts as a time-out; a page that
    stops answering altogether ends the session as lost.
    """
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    thumb = page.locator(SLIDER).first
    for _ in range(presses):
        if session.lost:
            break
        try:
            before = await page.evaluate(_WATCHED)
            await thumb.focus(timeout=PRESS_TIMEOUT_MS)
            start = time.perf_counter()
            await page.keyboard.press("ArrowRight")
            await page.wait_for_function(
                _SETTLED, arg=[before], timeout=PRESS_TIMEOUT_MS
            )
        except PlaywrightTimeout:
            session.timeouts += 1
            continue
        except PlaywrightError:
            session.lost = True
            break
        session.times_ms.append(1000 * (time.perf_counter() - start))
    try:
        session.exception_boxes = await page.locator(EXCEPTION).count()
    except PlaywrightError:
        session.lost = True


# --- one level of load ---------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def run_level(browser, url: str, n: int, presses: int, memory, pid: int):
    """N sessions at once; their timings, errors and the server's memory."""
    before = rss_mib(pid)
    memory.reset()
    opened = await asyncio.gather(*(open_session(browser, url) for _ in range(n)))
    await asyncio.gather(
        *(move_slider(page, result, presses) for _, page, result, _ in opened)
    )
    with_sessions = rss_mib(pid)
    peak = memory.peak()
    for context, _, _, closing in opened:
        closing["now"] = True
        await context.close()
    sessions = [result for _, _, result, _ in opened]
    times = [t for s in sessions for t in s.times_ms]
    errors = {
        "page_exceptions": sum(s.page_errors + s.exception_boxes for s in sessions),
        "timeouts": sum(s.timeouts for s in sessions),
        "lost_sessions": sum(1 for s in sessions if s.lost),
    }
    return {
        "sessions": n,
        "presses": len(times),
        "p50_ms": _percentile(times, 50),
        "p95_ms": _percentile(times, 95),
        "max_ms": max(times) if times else None,
        "errors": errors,
        "error_total": sum(errors.values()),
        "rss_before_mib": before,
        "rss_peak_mib": peak,
        "rss_with_sessions_mib": with_sessions,
        "rss_growth_per_session_mib": (with_sessions - before) / n,
        "sessions_detail": [asdict(s) for s in sessions],
    }


async def measure(url: str, pid: int, levels: tuple[int, ...], presses: int):
    from playwright.async_api import async_playwright

    memory = MemorySampler(pid)
    results = []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            try:
                # Warm-up, not reported: the first visit compiles and caches.
                await run_level(browser, url, 1, 3, memory, pid)
                start_rss = rss_mib(pid)
                for n in levels:
                    results.append(
                        await run_level(browser, url, n, presses, memory, pid)
                    )
                    print(
                        f"  N={n:>2}: {results[-1]['presses']} presses, "
                        f"{results[-1]['error_total']} errors",
                        flush=True,
                    )
            finally:
                await browser.close()
    finally:
        memory.close()
    return start_rss, results


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def print_table(results: list[dict], ratio: float | None) -> None:
    header = (
        f"{'N':>3}  {'presses':>7}  {'p50 ms':>8}  {'p95 ms':>8}  {'max ms':>8}  "
        f"{'exceptions':>10}  {'time-outs':>9}  {'lost':>4}  "
        f"{'peak RSS MiB':>12}  {'MiB/session':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        e = r["errors"]
        print(
            f"{r['sessions']:>3}  {r['presses']:>7}  {_fmt(r['p50_ms']):>8}  "
            f"{_fmt(r['p95_ms']):>8}  {_fmt(r['max_ms']):>8}  "
            f"{e['page_exceptions']:>10}  {e['timeouts']:>9}  "
            f"{e['lost_sessions']:>4}  {_fmt(r['rss_peak_mib'], 1):>12}  "
            f"{_fmt(r['rss_growth_per_session_mib'], 2):>11}"
        )
    last = results[-1]
    print(
        f"p95 at N={last['sessions']} / p50 at N={results[0]['sessions']}: "
        f"{_fmt(ratio, 2)} (goal <= {TARGET_RATIO:g}); "
        f"errors at N={last['sessions']}: {last['error_total']} (goal 0)"
    )


def main() -> int:
    parser = runs.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--levels",
        help="comma-separated session counts (default 1,5,10,20; 1,2 with --quick)",
    )
    parser.add_argument("--presses", type=int, help="default 20; 2 with --quick")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; keep the JSON file"
    )
    args = parser.parse_args()
    if args.presses is None:
        args.presses = QUICK_PRESSES if args.quick else PRESSES
    levels = QUICK_LEVELS if args.quick else LEVELS
    if args.levels:
        levels = tuple(int(v) for v in args.levels.split(","))
    if not levels or min(levels) < 1 or max(levels) > 50:
        parser.error("--levels must be session counts from 1 to 50")
    if not 1 <= args.presses <= 100:
        parser.error("--presses must be from 1 to 100")
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: nothing measured")
        return 1

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = {
            key: value
            for key, value in os.environ.items()
            if key != "SCENARIOS_DATABASE_URL"
        }
        env["SCENARIOS_DB"] = str(Path(folder) / "cases.sqlite3")
        server = subprocess.Popen(
            streamlit_command(port),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        load_before = os.getloadavg()
        try:
            wait_healthy(url, server)
            idle_rss = rss_mib(server.pid)
            print(f"server on {url} (pid {server.pid}), idle RSS {idle_rss:.1f} MiB")
            start_rss, results = asyncio.run(
                measure(url, server.pid, levels, args.presses)
            )
        finally:
            stop_server(server)

    load_after = os.getloadavg()
    first, last = results[0], results[-1]
    ratio = (
        last["p95_ms"] / first["p50_ms"] if first["p50_ms"] and last["p95_ms"] else None
    )
    print_table(results, ratio)
    print(
        f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f}"
        f" on {os.cpu_count()} CPUs"
    )
    payload = {
        "what": "slider-to-settled under N concurrent browser sessions",
        "page": PAGE,
        "presses_per_session": args.presses,
        "levels": [{k: v for k, v in r.items()} for r in results],
        "ratio_p95_largest_to_p50_single": ratio,
        "target_ratio": TARGET_RATIO,
        "meets_ratio_goal": ratio is not None and ratio <= TARGET_RATIO,
        "errors_at_largest_n": last["error_total"],
        "server_rss_idle_mib": idle_rss,
        "server_rss_after_warmup_mib": start_rss,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "streamlit": streamlit.__version__,
            "platform": platform.platform(),
            # Other work on the machine slows every session alike; say how much.
            "load_average_1_5_15_before": list(load_before),
            "load_average_1_5_15_after": list(load_after),
        },
    }
    if not args.no_write:
        runs.write_json(payload, runs.output_path("load", args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
