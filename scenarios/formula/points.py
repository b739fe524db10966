"""Expressions evaluated at chosen points, at 30 significant digits.

The step check and the answer check compare two expressions numerically as
well as symbolically. SymPy's own arithmetic on 30-digit floats keeps rounding
far below any tolerance here, needs no numpy in the derive worker, and never
compiles code. A point where either side is undefined (a pole, the log of a
negative number, a complex value) is skipped, not counted.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence

import sympy

from scenarios.formula.budget import within_budget

DIGITS = 30
"""Significant digits of every evaluation."""

POINT_SECONDS = 0.05
"""Processor time for one evaluation; past it the point counts as undefined
(a tower of exponentials has values too large to reach in reasonable time)."""

AGREE_TOLERANCE = sympy.Float("1e-12", DIGITS)
"""Two values agree within this, relative to the larger (floor 1): rounding at
30 digits stays near 1e-28, while a slip changes a value by far more."""


def value_at(
    expr: sympy.Expr, values: Mapping[sympy.Symbol, float]
) -> sympy.Float | None:
    """``expr`` at ``values`` as a real 30-digit float, or None if undefined."""
    subs = {s: sympy.Float(v, DIGITS) for s, v in values.items()}
    try:
        result = within_budget(
            POINT_SECONDS, lambda: sympy.sympify(expr).xreplace(subs).evalf(DIGITS)
        )
    except (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError):
        return None
    if result is None:
        return None
    if not result.is_Number or result.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    if not result.is_extended_real or not result.is_finite:
        return None
    return sympy.Float(result, DIGITS)


def agree(a: sympy.Float, b: sympy.Float) -> bool:
    """True when two values agree within :data:`AGREE_TOLERANCE`."""
    scale = max(sympy.Float(1, DIGITS), abs(a), abs(b))
    return bool(abs(a - b) <= AGREE_TOLERANCE * scale)


def spread(lo: float, hi: float, count: int, seed: int) -> list[float]:
    """``count`` points drawn evenly at random from [lo, hi], seeded."""
    rng = random.Random(seed)
    return [lo + (hi - lo) * rng.random() for _ in range(count)]


def generic_values(
    symbols: Iterable[sympy.Symbol], count: int, seed: int
) -> list[dict[sympy.Symbol, float]]:
    """``count`` assignments of every symbol to a value in [0.2, 1.8], seeded."""
    rng = random.Random(seed)
    names = sorted(symbols, key=lambda s: s.name)
    return [{s: 0.2 + 1.6 * rng.random() for s in names} for _ in range(count)]


def same_at(
    a: sympy.Expr, b: sympy.Expr, points: Sequence[Mapping[sympy.Symbol, float]]
) -> tuple[int, int]:
    """(points where both are defined, points among them where they agree)."""
    usable = agreeing = 0
    for values in points:
        va, vb = value_at(a, values), value_at(b, values)
        if va is None or vb is None:
            continue
        usable += 1
        agreeing += agree(va, vb)
    return usable, agreeing
