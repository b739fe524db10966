"""Chromium end to end: N browser sessions on one server, slider to settled page.

The end-to-end figure of ``benchmarks/load.py`` (which runs this): N
Playwright contexts in one headless Chromium (separate users, each with its
own Streamlit session) open the same scenario page at once, then each moves
the first slider a number of times, each time waiting until the metrics have
changed and the app reports ``data-test-script-state='notRunning'``. Per N:
p50 and p95 of slider-to-settled over every press of every session; errors
(a browser ``pageerror`` or a Streamlit exception box, presses that timed
out, sessions whose websocket closed before the benchmark closed the tab);
the server's peak RSS and its growth per session. The Chromium pages share
the machine's cores with the server, so these figures include the browsers'
own work: the protocol users of ``benchmarks/locustfile.py`` measure the
server alone.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

PAGE = "/headphone_pricing"
SLIDER = ".st-key-unit_cost input[type='range']"
METRIC = "[data-testid='stMetricValue']"
EXCEPTION = "[data-testid='stException']"
PRESS_TIMEOUT_MS = 60_000
"""A press not settled after this long counts as a time-out error."""

WATCHED = f"""() => [...document.querySelectorAll("{METRIC}")]
    .map(m => m.innerText).join("|")"""
"""In the page: the text whose change says a rerun reached the screen."""
SETTLED = f"""([old]) => {{
    const now = ({WATCHED})();
    return now !== old && document.querySelector("{APP_IDLE}") !== null;
}}"""
"""In the page: whether the metrics changed and the script is not running."""


# --- the server's memory -----------------------------------------------------------


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
        """Start a new peak from the current RSS."""
        with self._lock:
            self._peak = rss_mib(self.pid)

    def peak(self) -> float:
        """The highest RSS sampled since :meth:`reset`."""
        with self._lock:
            return self._peak

    def close(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(timeout=2)


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (inclusive method), or None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


# --- one session -------------------------------------------------------------------


@dataclass
class Session:
    """What one browser session saw."""

    times_ms: list[float] = field(default_factory=list)
    page_errors: int = 0
    exception_boxes: int = 0
    timeouts: int = 0
    lost: bool = False


async def open_session(
    browser: Browser, url: str
) -> tuple[BrowserContext, Page, Session, dict[str, bool]]:
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


async def move_slider(page: Page, session: Session, presses: int) -> None:
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
            before = await page.evaluate(WATCHED)
            await thumb.focus(timeout=PRESS_TIMEOUT_MS)
            start = time.perf_counter()
            await page.keyboard.press("ArrowRight")
            await page.wait_for_function(
                SETTLED, arg=[before], timeout=PRESS_TIMEOUT_MS
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


async def run_level(
    browser: Browser, url: str, n: int, presses: int, memory: MemorySampler, pid: int
) -> dict:
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
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times) if times else None,
        "errors": errors,
        "error_total": sum(errors.values()),
        "rss_before_mib": before,
        "rss_peak_mib": peak,
        "rss_with_sessions_mib": with_sessions,
        "rss_growth_per_session_mib": (with_sessions - before) / n,
        "sessions_detail": [asdict(s) for s in sessions],
    }


async def _measure(url: str, pid: int, levels: tuple[int, ...], presses: int):
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
                        f"  Chromium N={n:>2}: {results[-1]['presses']} presses, "
                        f"{results[-1]['error_total']} errors",
                        flush=True,
                    )
            finally:
                await browser.close()
    finally:
        memory.close()
    return start_rss, results


def measure(
    url: str, pid: int, levels: tuple[int, ...], presses: int
) -> tuple[float, list[dict]]:
    """Every level in turn on the server at ``url`` (process ``pid``).

    Returns the server's RSS after a warm-up session, and one dict per level.
    """
    return asyncio.run(_measure(url, pid, levels, presses))
