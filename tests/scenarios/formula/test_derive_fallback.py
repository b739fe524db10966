"""Issue 20: derivatives where os.fork and resource do not exist (Windows).

The spawned worker is exercised here on Linux by making the capability check
say no; the whole file takes a few seconds (two worker start-ups, one job
stopped by the wall clock).
"""

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy

from scenarios.formula import derive
from scenarios.formula.parse import FormulaError

ROOT = Path(__file__).resolve().parents[3]
X = sympy.Symbol("x", real=True)
SLOW = "max(" + ", ".join(f"sin({k} x)" for k in range(1, 30)) + ")"
"""A short formula whose f' takes minutes of SymPy's time."""

REFUSAL = re.compile(
    r"Working out the derivatives needed more than [\d.]+ s of computing, so the "
    r"formula was refused; try a simpler one\."
)


@pytest.fixture
def without_fork(monkeypatch):
    monkeypatch.setattr(derive, "fork_available", lambda: False)
    yield
    derive.stop_workers()


def test_linux_keeps_the_cpu_limited_forked_worker():
    assert derive.fork_available()


def test_the_spawned_worker_derives_and_the_wall_clock_stops_a_slow_job(
    without_fork,
):
    d = derive.derive("x^2 sin(x)", "x")
    assert sympy.simplify(d.df - (2 * X * sympy.sin(X) + X**2 * sympy.cos(X))) == 0
    lam = sympy.Symbol("lambda", real=True)
    assert derive.parameter_gradient("lambda^2 x", "x", ["lambda"]) == (2 * lam * X,)
    with pytest.raises(FormulaError, match="not a known function"):
        derive.derive("sinc(x)", "x")

    seconds = 0.2
    start = time.monotonic()
    with pytest.raises(FormulaError) as info:
        derive.run_job("derive", SLOW, "x", seconds=seconds)
    elapsed = time.monotonic() - start
    wall = seconds * derive.WALL_PER_CPU_SECOND
    assert REFUSAL.fullmatch(str(info.value))
    assert f"more than {wall:g} s" in str(info.value)
    assert wall <= elapsed < wall + 2.0
    # the killed worker is replaced on the next job
    assert derive.derive("x^3", "x").df == 3 * X**2


def test_both_workers_refuse_a_slow_job_with_the_same_sentence():
    with pytest.raises(FormulaError) as info:
        derive.run_job("derive", SLOW, "x", seconds=0.2)
    assert REFUSAL.fullmatch(str(info.value))


def test_the_module_imports_without_resource_and_chooses_the_fallback():
    script = (
        "import sys\n"
        "sys.modules['resource'] = None  # as on Windows: import fails\n"
        "from scenarios.formula import derive\n"
        "assert derive.resource is None and not derive.fork_available()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
