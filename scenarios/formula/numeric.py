"""numpy code from SymPy expressions, and the kinks of abs, min and max.

A symbol's name is pasted into the source ``sympy.lambdify`` writes (SymPy
issue #24990), so :func:`numpy_function` renames every symbol to ``_a0, _a1,
…`` before compiling: user text never reaches generated code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy
from scipy.optimize import brentq
from sympy.printing.numpy import NumPyPrinter

from scenarios.formula.parse import FormulaError, check_name
from scenarios.model import Scenario

NumpyFn = Callable[..., np.ndarray]

KINK_SAMPLES = 1025
"""Points at which each abs/min/max argument is sampled to find its zeros."""


class _Printer(NumPyPrinter):
    """NumPy printing: min and max as nested ufuncs (they broadcast), Heaviside
    as numpy.heaviside (½ at the jump)."""

    def _nested(self, ufunc: str, args: Sequence[sympy.Expr]) -> str:
        text = self._print(args[-1])
        for arg in reversed(args[:-1]):
            text = f"{self._module_format(ufunc)}({self._print(arg)}, {text})"
        return text

    def _print_Max(self, expr: sympy.Expr) -> str:
        return self._nested("numpy.maximum", expr.args)

    def _print_Min(self, expr: sympy.Expr) -> str:
        return self._nested("numpy.minimum", expr.args)

    def _print_Heaviside(self, expr: sympy.Expr) -> str:
        return (
            f"{self._module_format('numpy.heaviside')}"
            f"({self._print(expr.args[0])}, 0.5)"
        )


def numpy_function(
    expr: sympy.Expr, variable: str, param_names: Sequence[str]
) -> NumpyFn:
    """``fn(x, **params)`` evaluating ``expr`` with numpy, broadcasting arrays.

    Every name is validated, and the generated code only ever sees symbols
    named ``_a0, _a1, …`` chosen here (a symbol's name is pasted into the
    code lambdify writes, so a user's text never is). The result always has
    at least the shape of ``x``.
    """
    check_name(variable, role="variable")
    names = tuple(param_names)
    for name in names:
        check_name(name)
    order = (variable, *names)
    free = {s.name: s for s in expr.free_symbols}
    unknown = sorted(set(free) - set(order))
    if unknown:
        raise FormulaError(
            f"The formula uses {', '.join(unknown)}, which is not given."
        )
    safe = [sympy.Symbol(f"_a{i}", real=True) for i in range(len(order))]
    renamed = expr.xreplace(
        {free[n]: safe[i] for i, n in enumerate(order) if n in free}
    )
    raw = sympy.lambdify(
        safe, renamed, modules="numpy", printer=_Printer(), cse=True, docstring_limit=0
    )
    needs_x = variable in free

    ndarray, float64, real = np.ndarray, np.float64, np.dtype(float)

    def numpy_numbers(values: tuple[Any, ...]) -> list[Any]:
        return [v if isinstance(v, ndarray) else float64(v) for v in values]

    # Silently: the solver says in words where f is undefined or overflows.
    @np.errstate(all="ignore")
    def fn(x: Any, /, **params: Any) -> np.ndarray:
        args = (x, *map(params.__getitem__, names))
        # Python floats first (fast); where Python and numpy disagree (1/0
        # raises, (-1)**0.5 is complex) redo it with numpy's numbers, so the
        # answer is inf or nan as in the catalog's functions.
        try:
            value = raw(*args)
        except ArithmeticError:
            value = raw(*numpy_numbers(args))
        else:
            if isinstance(value, complex) or getattr(value, "dtype", real).kind == "c":
                value = raw(*numpy_numbers(args))
        return value if needs_x else value + 0.0 * np.asarray(x, dtype=float)

    fn.__name__ = "formula_function"
    fn.__doc__ = f"{sympy.sstr(expr)} with numpy"
    return fn


def kinks_at(
    args: tuple[NumpyFn, ...],
    df: NumpyFn,
    domain: Callable[..., tuple[Any, Any]],
    values: Mapping[str, Any],
) -> list[float]:
    lo, hi = (float(v) for v in domain(**values))
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        return []
    xs = np.linspace(lo, hi, KINK_SAMPLES)
    found: list[float] = []
    scale = max(1.0, abs(lo), abs(hi))
    for g in args:
        with np.errstate(all="ignore"):
            gs = np.asarray(g(xs, **values), dtype=float)
        if gs.shape != xs.shape:
            gs = np.broadcast_to(gs, xs.shape)
        found.extend(float(x) for x in xs[gs == 0])
        signs = np.sign(gs)
        for i in np.flatnonzero(signs[:-1] * signs[1:] < 0):
            root = brentq(
                lambda t, g=g: float(g(t, **values)),
                float(xs[i]),
                float(xs[i + 1]),
                xtol=4e-16 * scale,
                rtol=4 * np.finfo(float).eps,
            )
            found.append(float(root))
    kinks = []
    step = 1e-7 * (hi - lo)
    for x in sorted(set(found)):
        with np.errstate(all="ignore"):
            left = float(df(max(x - step, lo), **values))
            right = float(df(min(x + step, hi), **values))
        if abs(left - right) > 1e-9 * (1.0 + abs(left) + abs(right)):
            kinks.append(x)
    return kinks


def kink_points(scenario: Scenario, params: Mapping[str, object] | None = None):
    """The x values where f' jumps (abs, min, max switching), inside the domain."""
    fn = getattr(scenario, "kinks", None)
    if fn is None:
        return []
    return list(fn(**scenario.resolve(params)))
