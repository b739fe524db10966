"""What a typed formula may say: its functions, constants, names and limits.

Data in one place for the lexer (:mod:`.tokens`), the parser (:mod:`.parse`)
and the syntax help (:mod:`.syntax`): every size limit, the whitelist of
functions and constants, the names Python reserves, and the fixed mapping of
pasted mathematical characters to ASCII. :func:`check_name` refuses a name
that may not be a parameter or the variable, saying which it was meant to be.
"""

from __future__ import annotations

import builtins
import difflib
import keyword
import re
from collections.abc import Callable
from typing import Literal

import sympy

from scenarios.errors import ScenarioError

MAX_LENGTH = 500
"""Longest formula accepted, in characters typed (before pasted characters
are written out; what they become is held to every other limit)."""

MAX_NESTING = 40
"""Deepest parenthesis nesting accepted (each ``√`` counts as one level)."""

MAX_NODES = 300
"""Most syntax-tree nodes accepted."""

MAX_TREE_DEPTH = 60
"""Deepest syntax tree accepted (unary minus chains count too)."""

MAX_NAME_LENGTH = 32
"""Longest parameter name accepted."""

MAX_EXPONENT = 100
"""Largest constant exponent accepted, in absolute value."""

MAX_CONSTANT_BITS = 4096
"""Largest exact integer a constant may grow to (about 1,200 digits)."""

MAX_DECIMAL_EXPONENT = 300
"""Largest power of ten a number may be written with (``1e300``)."""

MAX_DIGITS = 30
"""Most significant digits a number may have: more is no measurement."""

SUGGEST_CUTOFF = 0.75
"""How alike (difflib ratio) a name must be to a function's to be taken for a
misspelling of it: sine and Sin for sin, sqr for sqrt, but not rate or beta."""


class FormulaError(ScenarioError, ValueError):
    """A formula that cannot be used, with one sentence saying why.

    ``position`` is the 0-based index of the offending character in the text
    the user typed, or None when the problem is not at one place.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int | None]] = {
    "sin": (sympy.sin, 1),
    "cos": (sympy.cos, 1),
    "tan": (sympy.tan, 1),
    "exp": (sympy.exp, 1),
    "log": (sympy.log, 1),
    "ln": (sympy.log, 1),
    "sqrt": (sympy.sqrt, 1),
    "abs": (sympy.Abs, 1),
    "tanh": (sympy.tanh, 1),
    "sinh": (sympy.sinh, 1),
    "cosh": (sympy.cosh, 1),
    "asin": (sympy.asin, 1),
    "arcsin": (sympy.asin, 1),
    "acos": (sympy.acos, 1),
    "arccos": (sympy.acos, 1),
    "atan": (sympy.atan, 1),
    "arctan": (sympy.atan, 1),
    "min": (sympy.Min, None),
    "max": (sympy.Max, None),
}
"""Every function a formula may call: SymPy constructor and arity (None: 2+)."""

FUNCTION_ALIASES: dict[str, str] = {
    "ln": "log",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
}
"""Second spellings in FUNCTIONS (textbooks' ln, numpy's arcsin) and the name
they stand for."""

CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}
"""Names that stand for a number rather than a parameter."""

KNOWN_FUNCTIONS_TEXT = ", ".join(FUNCTIONS)

UNOFFERED_FUNCTIONS: dict[str, str | None] = {
    "asinh": "log(u + sqrt(u^2 + 1))",
    "arcsinh": "log(u + sqrt(u^2 + 1))",
    "acosh": "log(u + sqrt(u^2 - 1))",
    "arccosh": "log(u + sqrt(u^2 - 1))",
    "atanh": "log((1 + u)/(1 - u))/2",
    "arctanh": "log((1 + u)/(1 - u))/2",
    "log10": "log(u)/log(10)",
    "log2": "log(u)/log(2)",
    "cbrt": "u^(1/3)",
    "sec": "1/cos(u)",
    "csc": "1/sin(u)",
    "cot": "1/tan(u)",
    "sigmoid": "1/(1 + e^(-u))",
    "relu": "max(0, u)",
    "sinc": None,
    "floor": None,
    "ceil": None,
    "sign": None,
    "sgn": None,
    "erf": None,
    "atan2": None,
    "arctan2": None,
}
"""Well-known functions a formula cannot call, with a way to write each (u
stands for the argument) where there is one. Called, they are refused as
functions: never with the hint to multiply."""

GREEK_KEYWORDS = frozenset({"lambda"})
"""Python keywords that are also Greek letters' names: ordinary names here."""

SOURCE_NAMES = {name: f"_kw_{name}" for name in GREEK_KEYWORDS}
"""What such a name is written as for ``ast`` (no typed name starts with _)."""

FORBIDDEN_NAMES = (
    frozenset(set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins)))
    - set(FUNCTIONS)
    - GREEK_KEYWORDS
)
"""Python's reserved words and built-in names: never a parameter."""

PASTED_OPERATORS: dict[str, str] = {
    "\u2212": "-",  # − minus sign
    "\u2013": "-",  # – en dash: what word processors put for a typed minus
    "\u00d7": "*",  # × multiplication sign
    "\u00b7": "*",  # · middle dot
    "\u22c5": "*",  # ⋅ dot operator
    "\u00f7": "/",  # ÷ division sign
    "\u00a0": " ",  # no-break space
    "\u2009": " ",  # thin space
    "\u202f": " ",  # narrow no-break space
}
"""Pasted characters read as one ASCII character: operators and spaces. The em
dash (—) is not among them: it is punctuation, never a minus."""

SUPERSCRIPTS: dict[str, str] = {
    "\u2070": "0",
    "\u00b9": "1",
    "\u00b2": "2",
    "\u00b3": "3",
    "\u2074": "4",
    "\u2075": "5",
    "\u2076": "6",
    "\u2077": "7",
    "\u2078": "8",
    "\u2079": "9",
    "\u207b": "-",
}
"""Superscript digits and minus: a run of them is an exponent (``x⁻¹``)."""

ROOT = "\u221a"
"""√: the square root of the number, name or parenthesis right after it."""

PASTED_NAMES: dict[str, str] = {"\u03c0": "pi"}
"""Pasted characters read as a name: π is the constant pi."""

NAME_RULE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

Role = Literal["variable", "parameter"]


def quoted_name(name: str) -> str:
    shown = name if len(name) <= MAX_NAME_LENGTH else name[:12] + "…"
    return f"“{shown}”"


def check_name(
    name: str, position: int | None = None, *, role: Role = "parameter"
) -> None:
    """Refuse a name that may not be a parameter or the variable.

    ``role`` says which the name was meant to be, so the refusal says so too.
    """
    where = "" if position is None else f" at position {position + 1}"
    what = "the variable" if role == "variable" else "a parameter"
    if name.startswith("_"):
        raise FormulaError(
            f"The name {quoted_name(name)}{where} starts with an underscore, so it "
            f"cannot be {what}.",
            position,
        )
    if not NAME_RULE.match(name):
        raise FormulaError(
            f"{quoted_name(name)}{where} cannot be {what}: a name is a letter followed "
            "by letters, digits or underscores.",
            position,
        )
    if len(name) > MAX_NAME_LENGTH:
        raise FormulaError(
            f"The name {quoted_name(name)}{where} is longer than {MAX_NAME_LENGTH} "
            f"characters, so it cannot be {what}.",
            position,
        )
    if name in FORBIDDEN_NAMES:
        raise FormulaError(
            f"“{name}”{where} is a name Python reserves, so it cannot be {what}.",
            position,
        )
    if name in FUNCTIONS:
        raise FormulaError(
            f"“{name}”{where} is a function, so it cannot be {what}.", position
        )
    if name in CONSTANTS:
        raise FormulaError(
            f"“{name}”{where} is the constant {name}, so it cannot be {what}.",
            position,
        )


def unknown_function_message(name: str, position: int) -> str:
    """The sentence for ``name(…)`` where ``name`` is no known function.

    The hint to multiply is given only for a name that would be a parameter;
    a misspelt or unoffered function gets a suggestion instead.
    """
    head = f"“{name}” at position {position + 1} is not a known function"
    key = name if name in UNOFFERED_FUNCTIONS else name.lower()
    if key in UNOFFERED_FUNCTIONS:
        rewrite = UNOFFERED_FUNCTIONS[key]
        if rewrite is not None:
            return f"{head}; write {rewrite} instead, with u its argument."
        return f"{head}; known functions: {KNOWN_FUNCTIONS_TEXT}."
    close = difflib.get_close_matches(
        name.lower(), list(FUNCTIONS), n=1, cutoff=SUGGEST_CUTOFF
    )
    if close or name in FORBIDDEN_NAMES:
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"{head}{hint}; known functions: {KNOWN_FUNCTIONS_TEXT}."
    return (
        f"{head}; known functions: {KNOWN_FUNCTIONS_TEXT}; to multiply, write "
        f"{name}*(…)."
    )
