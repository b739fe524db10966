"""The vocabulary of a derivation: rule names, slip names, and one step.

A :class:`Step` is one rule applied at one node of the formula's tree (see
:mod:`scenarios.formula.walker`); a :class:`Site` is a place where a learner's
typical slip could happen. :data:`OUTER` is the table of every function's
rule and derivative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

CONSTANT = "Constant rule"
IDENTITY = "Identity rule"
SUM = "Sum rule"
DIFFERENCE = "Difference rule"
SUM_AND_DIFFERENCE = "Sum and difference rule"
CONSTANT_MULTIPLE = "Constant multiple rule"
PRODUCT = "Product rule"
QUOTIENT = "Quotient rule"
POWER = "Power rule"
CHAIN = "Chain rule"
EXPONENTIAL = "Exponential rule"
LOGARITHM = "Logarithm rule"
TRIG = "Trig rule"
HYPERBOLIC = "Hyperbolic rule"
INVERSE_TRIG = "Inverse trig rule"
ABSOLUTE = "Absolute value rule"
MAX_MIN = "Max and min rule"
GENERAL_POWER = "General power rule"
SIMPLIFY = "Simplify"
CHECK = "Check against SymPy"

# The slips one walk can make at one node (see :func:`slipped`).
SIGN = "sign"
MISSING_CHAIN = "missing_chain"
PARTIAL_CHAIN = "partial_chain"
PRODUCT_OF_DERIVATIVES = "product_of_derivatives"
PRODUCT_MINUS = "product_minus"
EXPONENT_NOT_LOWERED = "exponent_not_lowered"
QUOTIENT_NOT_SQUARED = "quotient_not_squared"
QUOTIENT_PLUS = "quotient_plus"
QUOTIENT_AS_RATIO = "quotient_as_ratio"
CONSTANT_DROPPED = "constant_dropped"
CONSTANT_KEPT = "constant_kept"

MAX_RECORDED_STEPS = 60
"""Rule steps written out in full; a longer derivation is still worked out,
but printing every node of a huge formula would cost more than the budget."""

MAX_SHOWN_CHARS = 400
"""Longest expression a step writes out, in characters of text; past it the
step gives its result alone, or says the result is too long to show."""

LONG_TEXT = "(too long to show)"
LONG_TEX = r"\text{(too long to show)}"


def shorter(form: tuple[str, str] | None) -> tuple[str, str]:
    """``form`` (LaTeX, text) if it is short enough to show, else a placeholder."""
    if form is not None and len(form[1]) <= MAX_SHOWN_CHARS:
        return form
    return LONG_TEX, LONG_TEXT


OUTER: dict[type, tuple[str, Callable[[sympy.Expr], sympy.Expr]]] = {
    sympy.exp: (EXPONENTIAL, sympy.exp),
    sympy.log: (LOGARITHM, lambda u: 1 / u),
    sympy.sin: (TRIG, sympy.cos),
    sympy.cos: (TRIG, lambda u: -sympy.sin(u)),
    sympy.tan: (TRIG, lambda u: 1 / sympy.cos(u) ** 2),
    sympy.sinh: (HYPERBOLIC, sympy.cosh),
    sympy.cosh: (HYPERBOLIC, sympy.sinh),
    sympy.tanh: (HYPERBOLIC, lambda u: 1 - sympy.tanh(u) ** 2),
    sympy.asin: (INVERSE_TRIG, lambda u: 1 / sympy.sqrt(1 - u**2)),
    sympy.acos: (INVERSE_TRIG, lambda u: -1 / sympy.sqrt(1 - u**2)),
    sympy.atan: (INVERSE_TRIG, lambda u: 1 / (1 + u**2)),
    sympy.Abs: (ABSOLUTE, sympy.sign),
}
"""Each function's rule and its derivative in its argument u."""


@dataclass(frozen=True)
class Step:
    """One rule applied at one node: d/dx[before] = after.

    ``after_tex`` and ``after_text`` show the rule's own form first, then
    (below the top) the result it gives, which the parent step uses.
    """

    rule: str
    before: sympy.Expr
    after: sympy.Expr
    depth: int
    before_tex: str
    after_tex: str
    before_text: str
    after_text: str
    note: str = ""

    @property
    def tex(self) -> str:
        """The step as one LaTeX equation."""
        return f"{self.before_tex} = {self.after_tex}"

    @property
    def text(self) -> str:
        """The step as one line: rule name, then the equation."""
        return f"{self.rule}: {self.before_text} = {self.after_text}"


@dataclass(frozen=True)
class Site:
    """Where a slip can happen: the walk's node number, the slip, its step."""

    node: int
    slip: str
    step: int
