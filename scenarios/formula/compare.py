"""A learner's f′ against the true one: symbolically, at 20 points, and the slip.

:func:`comparison` is the job the derive worker runs for "check my
derivative". The answer text goes through the same safe parser as a formula.
Two checks follow, and both are reported:

- **symbolic**: SymPy simplifies answer − f′. Zero settles it; a difference
  left over counts only once it is nonzero at a point (SymPy's simplify does
  not always reach zero on equal expressions);
- **numeric**: both are evaluated at :data:`CHECK_POINTS` points drawn at
  random (seeded) across the range, at the given parameter values.

When the answer is wrong, every typical slip the walker can make (see
:mod:`scenarios.formula.walker`) is tried, first step first, and the first
whose derivative the answer matches at every diagnosis point is reported
with its step. Only SymPy objects built by this package leave the job.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from scenarios.formula.budget import within_budget
from scenarios.formula.parse import FormulaError, parse_expression
from scenarios.formula.points import agree, generic_values, spread, value_at
from scenarios.formula.rulebook import (
    CONSTANT_DROPPED,
    CONSTANT_KEPT,
    EXPONENT_NOT_LOWERED,
    MISSING_CHAIN,
    PARTIAL_CHAIN,
    PRODUCT_MINUS,
    PRODUCT_OF_DERIVATIVES,
    QUOTIENT_AS_RATIO,
    QUOTIENT_NOT_SQUARED,
    QUOTIENT_PLUS,
    SIGN,
    Site,
    Step,
)
from scenarios.formula.steps import Derivation, derivation_and_walk
from scenarios.formula.walker import Walker, slipped

CHECK_POINTS = 20
"""Points of the range at which the answer is compared with f′."""

CHECK_SEED = 20240522
"""Seed of those points: the same answer always gets the same verdict."""

MIN_USABLE_POINTS = 10
"""Fewest points where both sides are defined for the numeric check to count."""

DIAGNOSIS_POINTS = 5
"""Points at which an answer must match a slip's derivative to be named by it."""

GENERIC_POINTS = 6
"""Extra points, with every parameter moved, that can show a difference is real."""

DIFFERENCE_SECONDS = 0.4
"""Processor time for simplifying answer − f′ [s]."""

SLIP_SECONDS = 0.5
"""Processor time for trying the typical slips one by one [s]."""

SLIP_ORDER = (
    MISSING_CHAIN,
    PARTIAL_CHAIN,
    PRODUCT_OF_DERIVATIVES,
    EXPONENT_NOT_LOWERED,
    QUOTIENT_AS_RATIO,
    QUOTIENT_NOT_SQUARED,
    CONSTANT_DROPPED,
    CONSTANT_KEPT,
    PRODUCT_MINUS,
    QUOTIENT_PLUS,
    SIGN,
)
"""At one step, the slips tried first: the specific before the generic sign."""

ZERO, NONZERO, UNKNOWN = "zero", "nonzero", "unknown"
AGREE, DISAGREE = "agree", "disagree"


@dataclass(frozen=True)
class Miss:
    """The first point of the range where the answer and f′ differ."""

    x: float
    true: float
    answer: float


@dataclass(frozen=True)
class Match:
    """The slip an answer matches, at the step (1-based ``number``) it occurs."""

    slip: str
    number: int
    step: Step


@dataclass(frozen=True)
class Comparison:
    """Everything the two checks found; :mod:`scenarios.formula.check` words it.

    ``symbolic`` is ZERO, NONZERO or UNKNOWN; ``numeric`` is AGREE, DISAGREE or
    UNKNOWN over ``usable`` defined points of which ``agreeing`` agree.
    """

    derivation: Derivation
    answer: sympy.Expr
    symbolic: str
    difference: sympy.Expr | None
    numeric: str
    usable: int
    agreeing: int
    miss: Miss | None
    match: Match | None


def parse_answer(answer: str, variable: str, f: sympy.Expr) -> sympy.Expr:
    """The answer's expression; FormulaError if it cannot be read or uses a
    name the formula does not have."""
    expr = parse_expression(answer, variable)
    known = f.free_symbols | {sympy.Symbol(variable, real=True)}
    stray = sorted(s.name for s in expr.free_symbols - known)
    if stray:
        names = sorted(s.name for s in f.free_symbols if s.name != variable)
        tail = (
            f"write it with {variable} and the parameters {_listed(names)}"
            if len(names) > 1
            else f"write it with {variable} and the parameter {names[0]}"
            if names
            else f"write it with {variable} alone"
        )
        raise FormulaError(
            f"Your answer uses {stray[0]}, which the formula does not; {tail}."
        )
    return expr


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _zero_where_defined(expr: sympy.Expr) -> bool:
    """True for 0, or a piecewise that is 0 wherever it is defined."""
    if expr == 0:
        return True
    if isinstance(expr, sympy.Piecewise):
        return all(piece == 0 or piece is sympy.nan for piece, _ in expr.args)
    return False


def _symbolic(
    difference: sympy.Expr, points: list[dict[sympy.Symbol, float]]
) -> tuple[str, sympy.Expr | None]:
    """ZERO, NONZERO (with the simplified difference) or UNKNOWN."""
    expanded = within_budget(DIFFERENCE_SECONDS, sympy.expand, difference)
    if difference == 0 or expanded == 0:
        return ZERO, None
    simplified = within_budget(DIFFERENCE_SECONDS, sympy.simplify, difference)
    if simplified is None:
        return UNKNOWN, None
    if _zero_where_defined(simplified):
        return ZERO, None
    generic = generic_values(difference.free_symbols, GENERIC_POINTS, CHECK_SEED)
    for values in [*points, *generic]:
        value = value_at(difference, values)
        if value is not None and not agree(value, sympy.S.Zero):
            expanded = within_budget(DIFFERENCE_SECONDS, sympy.expand, simplified)
            shown = [simplified] if expanded is None else [simplified, expanded]
            return NONZERO, min(shown, key=lambda e: (sympy.count_ops(e), len(str(e))))
    return UNKNOWN, None


def _numeric(
    true: sympy.Expr,
    answer: sympy.Expr,
    x: sympy.Symbol,
    points: list[dict[sympy.Symbol, float]],
) -> tuple[str, int, int, Miss | None, list[tuple[dict, sympy.Float]]]:
    """The numeric verdict, its tallies, the first miss, and the defined points."""
    usable, agreeing, miss, defined = 0, 0, None, []
    for values in points:
        vt, va = value_at(true, values), value_at(answer, values)
        if vt is None or va is None:
            continue
        usable += 1
        defined.append((values, va))
        if agree(vt, va):
            agreeing += 1
        elif miss is None:
            miss = Miss(float(values[x]), float(vt), float(va))
    if usable < MIN_USABLE_POINTS:
        return UNKNOWN, usable, agreeing, miss, defined
    verdict = AGREE if agreeing == usable else DISAGREE
    return verdict, usable, agreeing, miss, defined


def _sites_in_order(sites: tuple[Site, ...]) -> list[Site]:
    rank = {slip: i for i, slip in enumerate(SLIP_ORDER)}
    return sorted(sites, key=lambda s: (s.step, rank.get(s.slip, len(rank))))


def _matches(variant: sympy.Expr, true: sympy.Expr, defined: list) -> bool:
    """True when the answer equals ``variant`` at every point, and the slip
    changes f′ at one point at least."""
    changed = False
    for values, answer_value in defined:
        value = value_at(variant, values)
        if value is None or not agree(value, answer_value):
            return False
        true_value = value_at(true, values)
        changed = changed or true_value is None or not agree(value, true_value)
    return changed


def _slip(
    found: Derivation, walker: Walker, defined: list, deadline: float
) -> Match | None:
    """The first slip (by step, then :data:`SLIP_ORDER`) the answer matches."""
    if len(defined) < DIAGNOSIS_POINTS:
        return None
    stride = max(1, len(defined) // DIAGNOSIS_POINTS)  # spread across the range
    chosen = defined[::stride][:DIAGNOSIS_POINTS]
    for site in _sites_in_order(found.sites):
        if time.process_time() > deadline:
            return None
        try:
            variant = slipped(found.f, walker.n, walker, site)
        except FormulaError:
            continue
        if _matches(variant, found.sympy_df, chosen):
            return Match(site.slip, site.step + 1, found.steps[site.step])
    return None


def comparison(
    formula: str,
    variable: str,
    answer: str,
    domain: tuple[float, float],
    params: Mapping[str, float],
    seed: int = CHECK_SEED,
) -> Comparison:
    """Compare the answer text with f′ of the formula text (see the module).

    ``domain`` gives the range's ends and ``params`` every parameter's value
    (a missing one counts as 1). FormulaError (one sentence) when either text
    cannot be used.
    """
    found, walker = derivation_and_walk(formula, variable)
    expr = parse_answer(answer, variable, found.f)
    x = sympy.Symbol(variable, real=True)
    values = {s: float(params.get(s.name, 1.0)) for s in found.f.free_symbols if s != x}
    lo, hi = (float(end) for end in domain)
    drawn = sorted(spread(lo, hi, CHECK_POINTS, seed))  # the first miss is leftmost
    points = [{**values, x: xi} for xi in drawn]
    true = found.sympy_df
    numeric, usable, agreeing, miss, defined = _numeric(true, expr, x, points)
    symbolic, difference = _symbolic(expr - true, points)
    wrong = symbolic == NONZERO or (symbolic == UNKNOWN and numeric == DISAGREE)
    match = None
    if wrong:
        match = _slip(found, walker, defined, time.process_time() + SLIP_SECONDS)
    return Comparison(
        derivation=found,
        answer=expr,
        symbolic=symbolic,
        difference=difference,
        numeric=numeric,
        usable=usable,
        agreeing=agreeing,
        miss=miss,
        match=match,
    )
