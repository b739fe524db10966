"""Typed formula text to tokens: checked characters, whole-word names, numbers.

The first stage of :mod:`scenarios.formula.parse`. Text is refused character by
character (only ASCII letters, digits and ``+ - * / ^ ( ) , .`` pass; a few
typographic operators are read as their ASCII meaning), split into numbers,
names and operators, and given its implicit multiplications (``2x``, ``b p``,
``(x+1)(x-1)``). The vocabulary (functions, constants, refused names) and
every size limit are data here, in one place.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass

import sympy

from scenarios.errors import ScenarioError

MAX_LENGTH = 500
"""Longest formula accepted, in characters."""

MAX_NESTING = 40
"""Deepest parenthesis nesting accepted."""

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
    "acos": (sympy.acos, 1),
    "atan": (sympy.atan, 1),
    "min": (sympy.Min, None),
    "max": (sympy.Max, None),
}
"""Every function a formula may call: SymPy constructor and arity (None: 2+)."""

CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}
"""Names that stand for a number rather than a parameter."""

KNOWN_FUNCTIONS_TEXT = ", ".join(FUNCTIONS)

_FORBIDDEN_NAMES = frozenset(
    set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins))
) - set(FUNCTIONS)
"""Python's reserved words and built-in names: never a parameter."""

_TYPOGRAPHIC = {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*"}
"""Characters a lesson uses for operators, read as their ASCII meaning."""

_OPERATOR_CHARS = set("+-*/^(),")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER_RE = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME_RULE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Token:
    """One piece of the formula: its kind, text and where it starts."""

    kind: str  # "number", "name", "op"
    text: str
    position: int


def _describe(char: str) -> str:
    if ord(char) < 32 or ord(char) == 127:
        return f"a control character (code {ord(char)})"
    if ord(char) > 127:
        return f"the character “{char}” (U+{ord(char):04X})"
    return f"the character “{char}”"


def _check_characters(text: str) -> str:
    """The text with typographic operators mapped; refuse any other character."""
    chars = []
    for i, char in enumerate(text):
        char = _TYPOGRAPHIC.get(char, char)
        ok = char.isascii() and (
            char.isalnum() or char in " \t._" or char in _OPERATOR_CHARS
        )
        if not ok:
            hint = (
                "use plain letters a–z, digits and + - * / ^ ( )"
                if not char.isascii() or char.isalpha()
                else "a formula uses only numbers, names, + - * / ^ and parentheses"
            )
            raise FormulaError(
                f"The formula contains {_describe(char)} at position {i + 1}; {hint}.",
                i,
            )
        chars.append(char)
    return "".join(chars)


def check_name(name: str, position: int | None = None) -> None:
    """Refuse a name that may not be a parameter or the variable."""
    where = "" if position is None else f" at position {position + 1}"
    if name.startswith("_"):
        raise FormulaError(
            f"The name “{name}”{where} starts with an underscore, which is not "
            "allowed.",
            position,
        )
    if not _NAME_RULE.match(name):
        raise FormulaError(
            f"“{name}”{where} is not a name: use a letter followed by letters, "
            "digits or underscores.",
            position,
        )
    if len(name) > MAX_NAME_LENGTH:
        raise FormulaError(
            f"The name “{name[:12]}…”{where} is longer than {MAX_NAME_LENGTH} "
            "characters.",
            position,
        )
    if name in _FORBIDDEN_NAMES:
        raise FormulaError(
            f"“{name}”{where} is a name Python reserves, so it cannot be a parameter.",
            position,
        )


def _number_token(text: str, match: re.Match[str], start: int) -> Token:
    literal = match.group(0)
    exponent = match.group(2)
    digits = len(match.group(1).replace(".", "").lstrip("0"))
    if exponent is not None and abs(int(exponent[1:])) > MAX_DECIMAL_EXPONENT:
        raise FormulaError(
            f"The number {literal[:20]} at position {start + 1} is out of range; "
            f"exponents run to ±{MAX_DECIMAL_EXPONENT}.",
            start,
        )
    if digits > 30:
        raise FormulaError(
            f"The number at position {start + 1} has more than 30 digits.", start
        )
    return Token("number", literal, start)


def tokenize(text: str) -> list[Token]:
    """Split checked text into numbers, names and operators (``^`` is ``**``)."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in " \t":
            i += 1
            continue
        if char.isdigit() or (char == "." and text[i + 1 : i + 2].isdigit()):
            match = _NUMBER_RE.match(text, i)
            assert match is not None
            tokens.append(_number_token(text, match, i))
            i = match.end()
            continue
        if char == ".":
            raise FormulaError(
                f"The “.” at position {i + 1} is not part of a number; "
                "attribute access is not allowed.",
                i,
            )
        if char.isalpha() or char == "_":
            match = _NAME_RE.match(text, i)
            assert match is not None
            name = match.group(0)
            if name not in FUNCTIONS and name not in CONSTANTS:
                check_name(name, i)
            tokens.append(Token("name", name, i))
            i = match.end()
            continue
        if text.startswith("**", i):
            tokens.append(Token("op", "**", i))
            i += 2
            continue
        tokens.append(Token("op", "**" if char == "^" else char, i))
        i += 1
    return tokens


def _ends_operand(token: Token) -> bool:
    return (
        token.kind == "number"
        or token.text == ")"
        or (token.kind == "name" and token.text not in FUNCTIONS)
    )


def _starts_operand(token: Token) -> bool:
    return token.kind in ("number", "name") or token.text == "("


_BINARY = frozenset({"+", "-", "*", "/", "**"})
_SINGLE_LETTER = re.compile(r"[A-Za-z][0-9_]*[0-9]*\Z")


def _check_neighbours(prev: Token | None, token: Token, nxt: Token | None) -> None:
    """Refuse operators with a missing operand, empty parentheses, unknown calls."""
    at = f"position {token.position + 1}"
    if token.kind == "op" and token.text != "(":
        if token.text != ")" and nxt is None:
            raise FormulaError(
                f"The formula ends too soon after “{token.text}” at {at}.",
                token.position,
            )
        lead = prev is None or (prev.kind == "op" and prev.text in "(,+-*/**")
        if lead and token.text not in "+-":
            if prev is None:
                message = f"The formula cannot start with “{token.text}”."
            else:
                message = (
                    f"“{token.text}” at {at} follows “{prev.text}”; a number or "
                    "name is missing between them."
                )
            raise FormulaError(message, token.position)
    if token.text == "(" and nxt is not None and nxt.text == ")":
        raise FormulaError(f"Empty parentheses at {at}.", token.position)
    if (
        token.kind == "name"
        and token.text not in FUNCTIONS
        and token.text not in CONSTANTS
        and nxt is not None
        and nxt.text == "("
        and nxt.position == token.position + len(token.text)
        and not _SINGLE_LETTER.match(token.text)
    ):
        raise FormulaError(
            f"“{token.text}” at {at} is not a known function; known functions: "
            f"{KNOWN_FUNCTIONS_TEXT}. To multiply, write {token.text}*(…).",
            token.position,
        )


def with_implicit_products(tokens: list[Token]) -> list[Token]:
    """Insert ``*`` where two operands touch: ``2x``, ``b p``, ``a(x+1)``.

    Also checks the parentheses balance and nest at most MAX_NESTING deep, and
    that every function name is followed by its ``(``.
    """
    out: list[Token] = []
    depth = 0
    opened: list[int] = []
    for index, token in enumerate(tokens):
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.kind == "name"
            and token.text in FUNCTIONS
            and (nxt is None or nxt.text != "(")
        ):
            raise FormulaError(
                f"{token.text} is a function: write {token.text}(…) with "
                f"parentheses (position {token.position + 1}).",
                token.position,
            )
        if token.text == "(":
            depth += 1
            opened.append(token.position)
            if depth > MAX_NESTING:
                raise FormulaError(
                    f"Parentheses nest more than {MAX_NESTING} deep at position "
                    f"{token.position + 1}.",
                    token.position,
                )
        elif token.text == ")":
            depth -= 1
            if depth < 0:
                raise FormulaError(
                    f"The “)” at position {token.position + 1} has no matching “(”.",
                    token.position,
                )
            opened.pop()
        _check_neighbours(out[-1] if out else None, token, nxt)
        if out and _ends_operand(out[-1]) and _starts_operand(token):
            if out[-1].kind == "number" and token.kind == "number":
                raise FormulaError(
                    f"Two numbers in a row at position {token.position + 1}; "
                    "put an operator between them.",
                    token.position,
                )
            out.append(Token("op", "*", token.position))
        out.append(token)
    if opened:
        raise FormulaError(
            f"The “(” at position {opened[-1] + 1} is never closed.", opened[-1]
        )
    return out


@dataclass(frozen=True)
class Source:
    """Python source built from tokens, and where each source column came from."""

    code: str
    origins: tuple[int, ...]  # original position of each source character
    numbers: dict[int, str]  # source column of each number -> its literal

    def origin(self, column: int | None) -> int | None:
        if column is None or not self.origins:
            return None
        return self.origins[min(max(column, 0), len(self.origins) - 1)]


def to_source(tokens: list[Token]) -> Source:
    """Join tokens with spaces into Python source, keeping a position map."""
    parts: list[str] = []
    origins: list[int] = []
    numbers: dict[int, str] = {}
    column = 0
    for token in tokens:
        if token.kind == "number":
            numbers[column] = token.text
        parts.append(token.text + " ")
        origins.extend([token.position] * (len(token.text) + 1))
        column += len(token.text) + 1
    return Source("".join(parts), tuple(origins), numbers)


def normalise(text: object) -> str:
    """The formula text, checked for type, length and characters."""
    if not isinstance(text, str):
        raise FormulaError("A formula must be text.")
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"The formula is {len(text):,} characters long; the limit is {MAX_LENGTH}."
        )
    checked = _check_characters(text)
    if not checked.strip():
        raise FormulaError("The formula is empty; type one, such as x^2 - 3x.")
    return checked
