"""A processor-time budget for one SymPy call inside a derivation job.

SymPy's ``simplify`` has no time limit. A job in the derive worker's child
process runs on its main thread, so a virtual-time timer can interrupt a call
that runs long and let the job carry on with what it has. Elsewhere (any
other thread, or a platform without interval timers) the call simply runs:
only the worker's own per-job limit bounds it then.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class _OutOfTime(BaseException):
    """The budget ran out. Not an Exception, so SymPy's own handlers let it pass."""


def _over(signum: int, frame: object) -> None:
    raise _OutOfTime


def within_budget(seconds: float, fn: Callable[..., T], *args: object) -> T | None:
    """``fn(*args)``, or None once it has used ``seconds`` of processor time.

    Inside another budget, the inner one is cut to what the outer has left,
    and the outer's timer runs on afterwards.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        return fn(*args)
    outer_left = signal.getitimer(signal.ITIMER_VIRTUAL)[0]
    if outer_left > 0:
        seconds = min(seconds, outer_left)
    started = time.process_time()
    previous = signal.signal(signal.SIGVTALRM, _over)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        return fn(*args)
    except _OutOfTime:
        return None
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
        if outer_left > 0:
            used = time.process_time() - started
            signal.setitimer(signal.ITIMER_VIRTUAL, max(outer_left - used, 1e-3))
