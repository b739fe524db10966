"""Symbolic derivatives of a typed formula, in a worker process with a deadline.

SymPy's ``diff`` and ``simplify`` have no time limit of their own, and a short
formula can have derivatives that grow without bound. Each job therefore runs
in a child process, forked from a small single-threaded worker that has SymPy
loaded (so a job starts in milliseconds). The child may use
:data:`DERIVE_SECONDS` of processor time: a profiling timer stops the job
there with a refusal, and the kernel's CPU limit kills it a second later
should it be stuck inside C code. Limits count processor time, not wall time,
so a busy machine does not refuse a formula a quiet one accepts; the worker
still kills a child after :data:`WALL_SECONDS` of wall time. Inside the
child, rewriting each derivative in shorter forms gets a budget of its own,
after which the forms found so far (at least SymPy's plain, exact derivative)
are kept.

Where ``os.fork`` and ``resource`` do not exist (Windows), jobs run instead in
a worker started by ``multiprocessing``'s spawn
(:mod:`scenarios.formula.spawn_worker`), killed after
:data:`WALL_PER_CPU_SECOND` times the processor time a job would have had,
with the same refusal; the rewriting budget then has no timer, and that
wall clock bounds it too.

The child re-parses the formula text with the safe parser; only SymPy objects
built by this package cross the process boundary.
"""

from __future__ import annotations

import math
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from scenarios.formula.budget import within_budget
from scenarios.formula.compare import comparison
from scenarios.formula.parse import FormulaError, parse_expression
from scenarios.formula.spawn_worker import (
    READY,
    SpawnWorker,
    WorkerTimeout,
    WorkerUnavailable,
)
from scenarios.formula.steps import derivation

try:
    import resource
except ImportError:  # Windows: no processor-time limits, see fork_available
    resource = None  # type: ignore[assignment]

DERIVE_SECONDS = 1.0
"""Processor time one derivation job may use before it is refused [s]."""

WALL_SECONDS = 20.0
"""Wall time after which the worker kills a job whatever it is doing [s]."""

SIMPLIFY_SECONDS = 0.25
"""Budget for rewriting each derivative in shorter forms [s]."""

MAX_DERIVATIVE_OPS = 3000
"""Largest derivative accepted, counted in SymPy operations."""

WALL_PER_CPU_SECOND = 3.0
"""Without fork, the wall time a job may take per second of processor time it
would have had: wall time also counts waiting for a busy machine."""

WARM_UP_FORMULA = "x^2/(x + 1) + sin(x) e^x - sqrt(abs(x)) tanh(x)"
"""Differentiated once when a worker starts, so SymPy is loaded before jobs."""


def fork_available() -> bool:
    """True where jobs can run in a forked, CPU-limited child (not Windows)."""
    return hasattr(os, "fork") and resource is not None and hasattr(signal, "setitimer")


@dataclass(frozen=True)
class Derivatives:
    """f' and f'' in the variable, their LaTeX, and where f' may jump.

    ``kink_args`` are expressions g(x; θ) taken from abs, min and max: f' can
    only jump where one of them is zero.
    """

    df: sympy.Expr
    d2f: sympy.Expr
    f_tex: str
    df_tex: str
    d2f_tex: str
    kink_args: tuple[sympy.Expr, ...]


class _JobOutOfTime(BaseException):
    """The whole job's processor time ran out."""


def _job_over(signum: int, frame: object) -> None:
    raise _JobOutOfTime


def _limit_processor_time(seconds: float) -> None:
    """In a job's child: refuse at ``seconds`` of CPU, be killed a second later."""
    signal.signal(signal.SIGPROF, _job_over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    hard = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _without_deltas(expr: sympy.Expr) -> sympy.Expr:
    """Drop DiracDelta terms: they are zero everywhere except at a kink."""
    if not expr.has(sympy.DiracDelta):
        return expr
    return expr.replace(
        lambda e: isinstance(e, sympy.DiracDelta), lambda e: sympy.S.Zero
    )


def _size(expr: sympy.Expr) -> tuple[int, int]:
    return (int(sympy.count_ops(expr)), len(sympy.sstr(expr)))


def _simplest(expr: sympy.Expr) -> sympy.Expr:
    """The shortest of ``expr`` and its rewrites found within the budget.

    Tried in turn: expanded, simplified, factored. A tie keeps the earlier
    form, so ``exp(-x)/(1 + exp(-x))**2`` stays as the chain rule gave it.
    """
    found = [expr]

    def rewrite() -> None:
        found.append(sympy.expand(expr))
        simplified = sympy.simplify(expr)
        found.append(simplified)
        found.append(sympy.factor(simplified))

    within_budget(SIMPLIFY_SECONDS, rewrite)
    usable = [e for e in found if not e.has(sympy.I, sympy.zoo, sympy.nan)]
    return min(usable, key=_size)


def _check_size(expr: sympy.Expr, what: str) -> None:
    if sympy.count_ops(expr) > MAX_DERIVATIVE_OPS:
        raise FormulaError(
            f"The {what} of this formula grows too large to work with; "
            "try a simpler formula."
        )


def kink_arguments(expr: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """The g in every abs(g), and a - b for every pair inside min or max."""
    found: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Abs):
            found.append(node.args[0])
        elif isinstance(node, sympy.Min | sympy.Max):
            args = node.args
            found.extend(
                args[i] - args[j]
                for i in range(len(args))
                for j in range(i + 1, len(args))
            )
    unique: list[sympy.Expr] = []
    for g in found:
        if g not in unique:
            unique.append(g)
    return tuple(unique)


class _Latex(LatexPrinter):
    """SymPy's LaTeX, with the step function as H(·) and sign as sgn(·)."""

    def _print_Heaviside(self, expr, exp=None):
        tex = rf"H\left({self._print(expr.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_sign(self, expr, exp=None):
        tex = rf"\operatorname{{sgn}}\left({self._print(expr.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def _latex(expr: sympy.Expr) -> str:
    return _Latex().doprint(expr)


class _Text(StrPrinter):
    """SymPy's plain text, with Euler's number as e (E may be a parameter)."""

    def _print_Exp1(self, expr):
        return "e"


def formula_text(expr: sympy.Expr) -> str:
    """``expr`` as formula text: SymPy's ``sstr`` but with the constant as e.

    A parameter may be called E, so SymPy's E for the constant would read as
    that parameter; e is what the user types for it.
    """
    return _Text().doprint(expr)


def _derive(text: str, variable: str) -> Derivatives:
    f = parse_expression(text, variable)
    x = sympy.Symbol(variable, real=True)
    df = _without_deltas(sympy.diff(f, x))
    _check_size(df, "derivative")
    df = _simplest(df)
    d2f = _without_deltas(sympy.diff(df, x))
    _check_size(d2f, "second derivative")
    d2f = _simplest(d2f)
    return Derivatives(
        df=df,
        d2f=d2f,
        f_tex=_latex(f),
        df_tex=_latex(df),
        d2f_tex=_latex(d2f),
        kink_args=kink_arguments(f),
    )


def _gradient(text: str, variable: str, names: Sequence[str]) -> tuple:
    f = parse_expression(text, variable)
    result = []
    for name in names:
        d = _without_deltas(sympy.diff(f, sympy.Symbol(name, real=True)))
        _check_size(d, f"derivative in {name}")
        result.append(d)
    return tuple(result)


_UNAVAILABLE = (
    "refused",
    ("The derivatives cannot be worked out right now; try again.", None),
)
"""The reply when no worker can be started or one dies without answering."""

_JOBS = {
    "derive": _derive,
    "gradient": _gradient,
    "steps": derivation,  # the derivative step by step (see steps)
    "compare": comparison,  # "check my derivative" (see compare)
}


def _too_long(seconds: float) -> tuple[str, object]:
    return (
        "refused",
        (
            f"Working out the derivatives needed more than {seconds:g} s of "
            "computing, so the formula was refused; try a simpler one.",
            None,
        ),
    )


def _run_here(job: str, args: tuple, seconds: float | None = None):
    """Run ``job``; ``seconds`` limits its processor time (children only)."""
    try:
        try:
            if seconds is not None:
                _limit_processor_time(seconds)
            return ("ok", _JOBS[job](*args))
        finally:
            if seconds is not None:
                signal.setitimer(signal.ITIMER_PROF, 0)
    except _JobOutOfTime:
        return _too_long(seconds or DERIVE_SECONDS)
    except FormulaError as exc:
        return ("refused", (str(exc), exc.position))
    except (RecursionError, MemoryError):
        return ("refused", ("The formula is too large to work with.", None))
    except Exception as exc:  # noqa: BLE001 - any SymPy failure is a refusal
        name = type(exc).__name__
        return (
            "refused",
            (f"SymPy could not differentiate this formula ({name}).", None),
        )


# --- the worker: a single-threaded server that forks one child per job ---------


def _write(stream, payload: object) -> None:
    data = pickle.dumps(payload)
    stream.write(struct.pack("!Q", len(data)) + data)
    stream.flush()


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                return None
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read(fd: int, deadline: float | None) -> object | None:
    header = _read_exactly(fd, 8, deadline)
    if header is None:
        return None
    body = _read_exactly(fd, struct.unpack("!Q", header)[0], deadline)
    return None if body is None else pickle.loads(body)


def _serve_one(job: str, args: tuple, seconds: float) -> tuple[str, object]:
    """Fork a child for one job, limited to ``seconds`` of processor time."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, send it, leave at once
        os.close(read_fd)
        try:
            with os.fdopen(write_fd, "wb") as out:
                _write(out, _run_here(job, args, seconds))
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        result = _read(read_fd, time.monotonic() + WALL_SECONDS)
    finally:
        os.close(read_fd)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    if result is None:  # killed by the CPU limit, or out of wall time
        return _too_long(seconds)
    return result  # type: ignore[return-value]


def serve() -> None:
    """The worker's loop: one request in on stdin, one reply out on stdout."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the reply stream
    # SymPy loads much of itself on first use; do that once here, so that every
    # forked child starts warm instead of spending its budget on imports.
    _run_here("derive", (WARM_UP_FORMULA, "x"))
    while True:
        request = _read(stdin.fileno(), None)
        if request is None:
            return
        job, args, seconds = request  # type: ignore[misc]
        _write(stdout, _serve_one(job, args, seconds))


class _Worker:
    """The client side: starts the worker on first use, one request at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (root, env.get("PYTHONPATH", "")) if p
        )
        return subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from scenarios.formula.derive import serve; serve()",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=root,
        )

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def stop(self) -> None:
        """End the worker process, if one is running."""
        with self._lock:
            self._stop()

    def request(self, job: str, args: tuple, seconds: float) -> tuple[str, object]:
        with self._lock:
            for _attempt in range(2):
                if self._process is None or self._process.poll() is not None:
                    self._process = self._start()
                process = self._process
                try:
                    _write(process.stdin, (job, args, seconds))
                except (BrokenPipeError, OSError):
                    self._stop()
                    continue
                # Generous: the worker enforces ``seconds`` itself; this only
                # covers a worker that is still starting up or has died.
                deadline = time.monotonic() + WALL_SECONDS + 30
                reply = _read(process.stdout.fileno(), deadline)
                if reply is not None:
                    return reply  # type: ignore[return-value]
                self._stop()
        return _UNAVAILABLE


_WORKER = _Worker()


# --- the fallback: a spawned worker with a wall-clock limit (no fork) ----------


def serve_spawned(connection: Connection) -> None:
    """The spawned worker's loop: warm up, say ready, then answer each job."""
    _run_here("derive", (WARM_UP_FORMULA, "x"))
    connection.send(READY)
    while True:
        try:
            job, args = connection.recv()
        except EOFError:
            return
        connection.send(_run_here(job, args))


_SPAWNED = SpawnWorker(serve_spawned)


def _spawn_request(job: str, args: tuple, seconds: float) -> tuple[str, object]:
    wall = seconds * WALL_PER_CPU_SECOND
    try:
        return _SPAWNED.request((job, args), wall)  # type: ignore[return-value]
    except WorkerTimeout:
        return _too_long(wall)
    except WorkerUnavailable:
        return _UNAVAILABLE


def stop_workers() -> None:
    """End the worker processes (they also end with this process)."""
    _WORKER.stop()
    _SPAWNED.stop()


def run_job(job: str, *args: object, seconds: float = DERIVE_SECONDS):
    """Run ``job`` in a worker's child; FormulaError on refusal or timeout.

    Where fork is missing, in the spawned worker under a wall-clock limit.
    """
    if fork_available():
        status, payload = _WORKER.request(job, args, seconds)
    else:
        status, payload = _spawn_request(job, args, seconds)
    if status != "ok":
        message, position = payload  # type: ignore[misc]
        raise FormulaError(message, position)
    return payload


def derive(text: str, variable: str) -> Derivatives:
    """f', f'' (simplified within budget), their LaTeX and the kink arguments."""
    return run_job("derive", text, variable)


def parameter_gradient(
    text: str, variable: str, names: Sequence[str]
) -> tuple[sympy.Expr, ...]:
    """∂f/∂θ for each parameter name in ``names``, exact and unsimplified."""
    return run_job("gradient", text, variable, tuple(names))
