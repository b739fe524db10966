"""Where a typed formula may be singular, and SymPy's limits beside each point.

:func:`guard_arguments` walks the parsed formula for every argument that must
not vanish: the argument of log, the base of a fractional or negative power
(sqrt, division), cos(u) for tan(u), u ∓ 1 for asin(u) and acos(u). Their
zeros on the domain are the candidate break points that
:func:`scenarios.definedness.analyse` examines; at each, the one-sided limits
of f, f' and f'' come exactly from SymPy (``limit`` at the point ``solveset``
gives), in a worker process (:class:`PipeWorker`; on Windows the spawned
worker that derive falls back to) stopped after :data:`LIMITS_SECONDS` of
wall time. When SymPy cannot say, or runs out of time, the limits are
estimated numerically instead.

The worker re-parses the formula text with the safe parser; parameters enter
as exact decimals (``Rational("0.1")``), and only floats come back.
"""

from __future__ import annotations

import atexit
import math
import os
import subprocess
import sys
import threading
import warnings
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
import sympy

from scenarios.definedness import Definedness, Side, analyse, zeros_of
from scenarios.formula.budget import within_budget
from scenarios.formula.numeric import NumpyFn, numpy_function
from scenarios.formula.parse import parse_expression
from scenarios.formula.spawn_worker import (
    READY,
    START_SECONDS,
    SpawnWorker,
    WorkerTimeout,
    WorkerUnavailable,
)

LIMITS_SECONDS = 3.0
"""Wall time one job of exact limits may take before the numeric estimates
are used instead [s]."""

LIMIT_SECONDS = 0.25
"""Processor time for one limit inside the worker [s]."""

WINDOW = 1e-9
"""Half-width, as a share of the domain's width, of the window in which
``solveset`` looks for the exact point near a numerically found zero."""

CACHE_SIZE = 512
"""Jobs of exact limits remembered (formula, parameters and points)."""


def guard_arguments(expr: sympy.Expr, x: sympy.Symbol) -> tuple[sympy.Expr, ...]:
    """Every expression in x whose zeros may make ``expr`` singular.

    The argument of log; the base of a power whose exponent is not a
    non-negative integer; cos(u) for tan(u); u - 1 and u + 1 for asin(u) and
    acos(u). Each is split into its factors (a product, or a power's base),
    so a touching zero such as (x - 2)^2 shows as the sign change of x - 2.
    """
    found: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.log):
            found.append(node.args[0])
        elif isinstance(node, sympy.Pow):
            base, power = node.args
            if not (power.is_Integer and power >= 0):
                found.append(base)
        elif isinstance(node, sympy.tan):
            found.append(sympy.cos(node.args[0]))
        elif isinstance(node, sympy.asin | sympy.acos):
            found += [node.args[0] - 1, node.args[0] + 1]
    unique: list[sympy.Expr] = []
    for g in found:
        for factor in _factors(g):
            if x in factor.free_symbols and factor not in unique:
                unique.append(factor)
    return tuple(unique)


def _factors(g: sympy.Expr) -> list[sympy.Expr]:
    out = []
    for factor in sympy.Mul.make_args(g):
        while isinstance(factor, sympy.Pow) and factor.args[1].is_positive:
            factor = factor.args[0]
        out.append(factor)
    return out


class FormulaDefinedness:
    """``extras["definedness"]`` of a typed-formula scenario.

    Called as ``(params, lo, hi)``, it returns the
    :class:`~scenarios.definedness.Definedness` of f on [lo, hi], or None when
    f and f' are finite there and nothing vanishes.
    """

    def __init__(
        self,
        text: str,
        variable: str,
        names: Sequence[str],
        functions: tuple[NumpyFn, NumpyFn, NumpyFn],
        df_expr: sympy.Expr,
    ) -> None:
        x = sympy.Symbol(variable, real=True)
        f_expr = parse_expression(text, variable)
        exprs = guard_arguments(f_expr, x)
        exprs += tuple(g for g in guard_arguments(df_expr, x) if g not in exprs)
        self.text, self.variable = text, variable
        self.functions = functions
        self.guards = tuple(numpy_function(g, variable, names) for g in exprs)

    def __call__(
        self, params: Mapping[str, float], lo: float, hi: float
    ) -> Definedness | None:
        def bound(fn: NumpyFn) -> Any:
            return lambda x: fn(x, **params)

        zeros = sorted({z for g in self.guards for z in zeros_of(bound(g), lo, hi)})
        values = tuple(sorted((k, float(v)) for k, v in params.items()))

        def exact(points: tuple[float, ...]) -> dict[float, tuple]:
            asked = tuple(p for p in points if p in zeros)
            return exact_limits(self.text, self.variable, values, asked, hi - lo)

        f, df, d2f = (bound(fn) for fn in self.functions)
        return analyse(f, df, d2f, lo, hi, zeros, exact if zeros else None)


_CACHE: OrderedDict[tuple, dict[float, tuple]] = OrderedDict()
_LOCK = threading.Lock()


def exact_limits(
    text: str,
    variable: str,
    values: tuple[tuple[str, float], ...],
    points: tuple[float, ...],
    width: float,
) -> dict[float, tuple[Side | None, Side | None]]:
    """SymPy's limits either side of each point, {} when it cannot say in time.

    Each point maps to (from the left, from the right); a side is None where
    SymPy gives no real limit of f there.
    """
    if not points:
        return {}
    key = (text, variable, values, points, width)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    try:
        status, rows = _WORKER.request(
            (text, variable, values, points, width), LIMITS_SECONDS
        )
    except (WorkerTimeout, WorkerUnavailable):
        return {}
    found: dict[float, tuple[Side | None, Side | None]] = {}
    if status == "ok":
        for x, row in zip(points, rows, strict=True):
            if row is not None:
                found[x] = tuple(None if s is None else Side(*s) for s in row)
    with _LOCK:
        _CACHE[key] = found
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found


def limits_job(
    text: str,
    variable: str,
    values: tuple[tuple[str, float], ...],
    points: tuple[float, ...],
    width: float,
) -> tuple:
    """In the worker: for each point, ((f, f', f'') from the left, ... right).

    A point is None when no guard has exactly one zero near it.
    """
    x = sympy.Symbol(variable, real=True)
    raw = parse_expression(text, variable)
    given = dict(values)
    subs = {
        s: sympy.Rational(repr(given[s.name]))
        for s in raw.free_symbols
        if s.name in given
    }
    f = raw.xreplace(subs)
    guards = [g.xreplace(subs) for g in guard_arguments(raw, x)]
    df = _without_deltas(sympy.diff(f, x))
    d2f = _without_deltas(sympy.diff(df, x))
    rows = []
    for p in points:
        at = _exact_point(guards, x, p, width)
        if at is None:
            rows.append(None)
            continue
        rows.append(tuple(_side((f, df, d2f), x, at, d) for d in ("-", "+")))
    return tuple(rows)


def _without_deltas(expr: sympy.Expr) -> sympy.Expr:
    return expr.replace(
        lambda e: isinstance(e, sympy.DiracDelta), lambda e: sympy.S.Zero
    )


def _exact_point(guards: list, x: sympy.Symbol, p: float, width: float):
    """The exact zero of a guard near ``p`` (pi/2 for 1.5707963...), or None."""
    centre = sympy.Rational(repr(p))
    half = sympy.Rational(repr(WINDOW * max(width, abs(p), 1.0)))
    window = sympy.Interval(centre - half, centre + half)
    for g in guards:
        found = sympy.solveset(g, x, window)
        if isinstance(found, sympy.FiniteSet) and len(found) == 1:
            return next(iter(found))
    return None


def _side(fns: tuple, x: sympy.Symbol, at: sympy.Expr, direction: str):
    """(f, f', f'') limits at ``at`` from one side as floats; None if f has none.

    Each limit has ``LIMIT_SECONDS`` of processor time (a limit SymPy cannot
    settle in time is unknown, NaN); a rational function is cancelled first,
    which settles 0/0 forms that SymPy's own limit can chase for minutes.
    """
    numbers = [
        _number(within_budget(LIMIT_SECONDS, _limit, fn, x, at, direction))
        for fn in fns
    ]
    return None if math.isnan(numbers[0]) else tuple(numbers)


def _limit(fn: sympy.Expr, x: sympy.Symbol, at: sympy.Expr, direction: str):
    return sympy.limit(sympy.cancel(fn), x, at, direction)


def _number(value: sympy.Expr | None) -> float:
    if value is sympy.S.Infinity:
        return math.inf
    if value is sympy.S.NegativeInfinity:
        return -math.inf
    if not isinstance(value, sympy.Expr) or value.has(
        sympy.AccumBounds, sympy.zoo, sympy.nan, sympy.I
    ):
        return math.nan
    try:
        number = complex(value.evalf())
    except (TypeError, ValueError):
        return math.nan
    return number.real if number.imag == 0 else math.nan


def serve(connection: Connection) -> None:
    """The spawned worker's loop (where there is no fork, as for derive)."""
    _serve(connection, connection)


def serve_pipes() -> None:
    """The worker's loop on its stdin and stdout (see :class:`PipeWorker`)."""
    inbox = Connection(os.dup(0), writable=False)
    outbox = Connection(os.dup(1), readable=False)
    sys.stdout = sys.stderr  # nothing else may write into the reply stream
    _serve(inbox, outbox)


def _serve(inbox: Connection, outbox: Connection) -> None:
    """Quiet, warm, then one limits job per message."""
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    limits_job("sin(x)/x", "x", (), (0.0,), 1.0)  # load SymPy's limit code
    outbox.send(READY)
    while True:
        try:
            args = inbox.recv()
        except EOFError:
            return
        try:
            reply: tuple = ("ok", limits_job(*args))
        except Exception as exc:  # noqa: BLE001 - any SymPy failure: estimate
            reply = ("failed", type(exc).__name__)
        outbox.send(reply)


class PipeWorker:
    """One ``python -c`` child answering on its stdin/stdout; one job at a time.

    Unlike a ``multiprocessing`` spawn, the child never re-imports the
    caller's main script (a user's script without a ``__main__`` guard); its
    stderr goes nowhere, so nothing it might print reaches the user. A job
    past its wall-clock limit kills the child; the next job starts another.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._pipes: tuple[Connection, Connection] | None = None

    def _start(self) -> tuple[Connection, Connection]:
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (root, env.get("PYTHONPATH", "")) if p
        )
        code = (
            "from scenarios.formula.singular_points import serve_pipes; serve_pipes()"
        )
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=root,
        )
        send = Connection(os.dup(process.stdin.fileno()), readable=False)
        receive = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        self._process, self._pipes = process, (send, receive)
        try:
            ready = receive.poll(START_SECONDS) and receive.recv() == READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._stop()
            raise WorkerUnavailable("The limits worker did not start.")
        return send, receive

    def _stop(self) -> None:
        if self._pipes is not None:
            for pipe in self._pipes:
                pipe.close()
            self._pipes = None
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def stop(self) -> None:
        """End the worker process, if one is running."""
        with self._lock:
            self._stop()

    def request(self, message: object, wall_seconds: float) -> object:
        """The reply to ``message`` within ``wall_seconds``, else WorkerTimeout."""
        with self._lock:
            alive = self._process is not None and self._process.poll() is None
            send, receive = self._pipes if alive and self._pipes else self._restart()
            try:
                send.send(message)
                if not receive.poll(wall_seconds):
                    self._stop()
                    raise WorkerTimeout(f"No reply within {wall_seconds:g} s.")
                return receive.recv()
            except (EOFError, OSError):
                self._stop()
                raise WorkerUnavailable("The limits worker died.") from None

    def _restart(self) -> tuple[Connection, Connection]:
        self._stop()
        return self._start()


_WORKER = PipeWorker() if os.name == "posix" else SpawnWorker(serve)
atexit.register(_WORKER.stop)


def stop_worker() -> None:
    """End the limits worker, if one is running."""
    _WORKER.stop()
