"""The derivative, step by step: the rules, the simplification, the check.

:func:`derivation` walks the formula's SymPy tree one rule at a time (see
:mod:`scenarios.formula.walker`), simplifies the result, and checks it against
SymPy's own derivative: their difference must come out zero. The result is
data (:class:`Derivation`, a list of :class:`Step`), for the dashboard and the
command line alike. No Streamlit here, and nothing is evaluated from text:
the tree comes from the safe parser. Run it through
:func:`scenarios.formula.check.steps_of`, which bounds its time in the derive
worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from scenarios.formula.budget import within_budget
from scenarios.formula.notation import Notation
from scenarios.formula.parse import names_in_order, parse_expression
from scenarios.formula.points import generic_values, same_at
from scenarios.formula.rulebook import (
    CHECK,
    MAX_SHOWN_CHARS,
    SIMPLIFY,
    Site,
    Step,
    shorter,
)
from scenarios.formula.walker import Walker, walk

SIMPLIFY_SECONDS = 0.3
"""Processor time for finding the shortest form of the result [s]."""

CHECK_SECONDS = 0.3
"""Processor time for simplifying the difference from SymPy's derivative [s]."""


@dataclass(frozen=True)
class Derivation:
    """f′ rule by rule: the steps, then the simplified result and its check.

    ``omitted`` counts rule steps past :data:`MAX_RECORDED_STEPS` that were
    worked out but not written out; ``checked_by`` says how the result was
    shown equal to SymPy's derivative (empty if it was not).
    """

    variable: str
    f: sympy.Expr
    steps: tuple[Step, ...]
    raw: sympy.Expr
    df: sympy.Expr
    sympy_df: sympy.Expr
    checked_by: str
    omitted: int
    sites: tuple[Site, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        """The rule of every step, in order."""
        return tuple(step.rule for step in self.steps)

    def lines(self) -> list[str]:
        """One line of text a step, indented by depth."""
        out = [f"{'  ' * s.depth}{s.text}" for s in self.steps]
        if self.omitted:
            more = "step" if self.omitted == 1 else "steps"
            out.insert(len(out) - 2, f"… and {self.omitted} more {more}")
        return out


def _without_deltas(expr: sympy.Expr) -> sympy.Expr:
    """Drop DiracDelta terms: zero everywhere except at a kink."""
    if not expr.has(sympy.DiracDelta):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.DiracDelta), lambda e: 0)


def _size(expr: sympy.Expr) -> tuple[int, int]:
    return int(sympy.count_ops(expr)), len(sympy.sstr(expr))


def _calls(expr: sympy.Expr) -> set[sympy.Expr]:
    return set(expr.atoms(sympy.Function))


def shortest_form(expr: sympy.Expr) -> sympy.Expr:
    """The shortest of ``expr``, expanded, factored and simplified (in budget).

    A form that calls a function the rules did not give (``cosh(x/2)`` for a
    sigmoid, ``cos(4x)`` for a product of sines) is passed over: shorter, but
    not what a learner gets by hand.
    """
    found = [expr]

    def rewrite() -> None:
        found.append(sympy.expand(expr))
        found.append(sympy.factor(expr))
        simplified = sympy.simplify(expr)
        found.append(simplified)
        found.append(sympy.factor(simplified))

    within_budget(SIMPLIFY_SECONDS, rewrite)
    calls = _calls(expr)
    usable = [
        e
        for e in found
        if not e.has(sympy.I, sympy.zoo, sympy.nan) and _calls(e) <= calls
    ]
    return min(usable, key=_size)


SAMPLE_POINTS = 8
"""Points at which a difference SymPy cannot simplify in time is evaluated."""

SAMPLE_SEED = 22
"""Seed of those points: the same formula always gets the same check."""


def zero_by(difference: sympy.Expr) -> str:
    """How ``difference`` was shown to be zero, in words; "" if it was not."""
    if difference == 0:
        return "identical"
    if within_budget(CHECK_SECONDS, sympy.expand, difference) == 0:
        return "after expansion"
    simplified = within_budget(CHECK_SECONDS, sympy.simplify, difference)
    if simplified is not None and simplified == 0:
        return "after simplification"
    points = generic_values(difference.free_symbols, SAMPLE_POINTS, SAMPLE_SEED)
    usable, agreeing = same_at(difference, sympy.S.Zero, points)
    if usable >= SAMPLE_POINTS // 2 and agreeing == usable:
        return f"at {usable} sample points; simplifying took too long"
    return ""


def derivation(text: str, variable: str) -> Derivation:
    """f′ of ``text`` rule by rule, simplified, and checked against SymPy's.

    FormulaError (one sentence) for text the parser refuses or a derivative
    too large to work with.
    """
    return derivation_and_walk(text, variable)[0]


def derivation_and_walk(text: str, variable: str) -> tuple[Derivation, Walker]:
    """:func:`derivation`, with the recording walk that :func:`slipped` needs."""
    f = parse_expression(text, variable)
    notation = Notation(variable, list(names_in_order(text)))
    x = notation.x
    walker = walk(f, notation)
    raw = walker.results[0][0]
    steps = [s for s in walker.steps if s is not None]
    df = shortest_form(raw)
    top = steps[0]
    v = notation.tex(x)
    tex, text = shorter((notation.tex(df), notation.text(df)))
    if text != top.after_text and len(top.after_text) + len(text) <= MAX_SHOWN_CHARS:
        tex, text = f"{top.after_tex} = {tex}", f"{top.after_text} = {text}"
    steps.append(Step(SIMPLIFY, raw, df, 0, f"f'({v})", tex, f"f′({variable})", text))
    sympy_df = _without_deltas(sympy.diff(f, x))
    checked_by = zero_by(df - sympy_df)
    said = f"0 ({checked_by})" if checked_by else "not shown to be 0"
    steps.append(
        Step(
            CHECK, df - sympy_df, sympy.S.Zero if checked_by else df - sympy_df, 0,
            rf"f'({v}) - \frac{{d}}{{d{v}}}f({v})\,\Big|_{{\mathrm{{SymPy}}}}",
            r"0" if checked_by else notation.tex(df - sympy_df),
            f"f′({variable}) − SymPy's d/d{variable} f({variable})", said,
        )
    )  # fmt: skip
    found = Derivation(
        variable=variable,
        f=f,
        steps=tuple(steps),
        raw=raw,
        df=df,
        sympy_df=sympy_df,
        checked_by=checked_by,
        omitted=walker.omitted,
        sites=tuple(walker.sites),
    )
    return found, walker
