"""Parse a typed formula into SymPy objects without ever evaluating the text.

Typed text is hostile. It is checked character by character, split into
tokens (numbers, whole-word names, a handful of operators), given its implicit
multiplications (``2x``, ``b p``, ``(x+1)(x-1)``), and only then handed to
``ast.parse(..., mode="eval")``. The tree is walked under a whitelist (numbers,
known names, calls to known functions, unary and binary arithmetic) and every
SymPy object is built here, by hand: nothing reaches ``eval``, ``exec``,
``sympify`` or ``parse_expr``.

Every limit (length, nesting, node count, exponent size) refuses the formula
with a :class:`FormulaError` of one sentence; ``position`` points at the
character to put a caret under.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import sympy

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


class FormulaError(ValueError):
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
            f"“{name}”{where} is a name Python reserves, so it cannot be a "
            "parameter.",
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


def _tree_size(tree: ast.AST) -> tuple[int, int]:
    """Node count and depth of ``tree``, without recursion."""
    count, deepest = 0, 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        deepest = max(deepest, depth)
        if count > MAX_NODES or deepest > MAX_TREE_DEPTH:
            break
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return count, deepest


_REFUSED_NODES: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons",
    ast.BoolOp: "and / or",
    ast.IfExp: "if-else",
    ast.Tuple: "a list of values (commas belong inside min or max)",
    ast.List: "lists",
    ast.Starred: "starred arguments",
}


def _bits(expr: sympy.Expr) -> int:
    """Bits in the largest numerator or denominator of ``expr``'s numbers."""
    sizes = [0]
    for atom in expr.atoms(sympy.Rational):
        sizes.append(int(atom.p).bit_length())
        sizes.append(int(atom.q).bit_length())
    return max(sizes)


@dataclass
class _Walker:
    """Build a SymPy expression from a whitelisted ``ast`` tree."""

    source: Source
    variable: str
    symbols: dict[str, sympy.Symbol]

    def fail(self, message: str, node: ast.AST) -> FormulaError:
        position = self.source.origin(getattr(node, "col_offset", None))
        where = "" if position is None else f" at position {position + 1}"
        return FormulaError(message.replace("{where}", where), position)

    def symbol(self, name: str) -> sympy.Symbol:
        if name not in self.symbols:
            self.symbols[name] = sympy.Symbol(name, real=True)
        return self.symbols[name]

    def build(self, node: ast.AST) -> sympy.Expr:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.USub):
                return self.checked(-operand, node)
            if isinstance(node.op, ast.UAdd):
                return operand
            raise self.fail("That operator{where} is not allowed.", node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        what = _REFUSED_NODES.get(type(node), f"“{type(node).__name__}”")
        raise self.fail(
            f"The formula uses {what}{{where}}, which is not allowed.", node
        )

    def number(self, node: ast.Constant) -> sympy.Expr:
        literal = self.source.numbers.get(node.col_offset)
        if (
            literal is None
            or isinstance(node.value, bool)
            or not isinstance(node.value, int | float)
        ):
            raise self.fail("Only plain numbers are allowed{where}.", node)
        value = Fraction(literal)  # a checked decimal literal: exact, never eval
        return sympy.Rational(value.numerator, value.denominator)

    def name(self, node: ast.Name) -> sympy.Expr:
        name = node.id
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.fail(f"{name} is a function: write {name}(…){{where}}.", node)
        check_name(name, self.source.origin(node.col_offset))
        return self.symbol(name)

    def binary(self, node: ast.BinOp) -> sympy.Expr:
        left = self.build(node.left)
        right = self.build(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            result = left + right
        elif isinstance(op, ast.Sub):
            result = left - right
        elif isinstance(op, ast.Mult):
            result = left * right
        elif isinstance(op, ast.Div):
            if right.is_zero:
                raise self.fail("The formula divides by zero{where}.", node.right)
            result = left / right
        elif isinstance(op, ast.Pow):
            result = self.power(left, right, node)
        else:
            raise self.fail("That operator{where} is not allowed.", node)
        return self.checked(result, node)

    def power(self, base: sympy.Expr, exponent: sympy.Expr, node: ast.BinOp):
        """``base ** exponent``, refusing constants that would grow out of bounds."""
        if exponent.is_Number:
            if abs(exponent) > MAX_EXPONENT:
                raise self.fail(
                    f"The exponent{{where}} is too large; constant exponents run "
                    f"to ±{MAX_EXPONENT}.",
                    node.right,
                )
            grown = _bits(base) * max(1, math.ceil(abs(float(exponent))))
            if grown > MAX_CONSTANT_BITS:
                raise self.fail(
                    "The power{where} makes a number too large to work with.", node
                )
        elif _bits(exponent) > 64 and base.is_Number:
            raise self.fail("The power{where} is too large to work with.", node)
        if base.is_zero and exponent.is_Number and exponent.is_negative:
            raise self.fail("The formula divides by zero{where}.", node)
        return sympy.Pow(base, exponent)

    def call(self, node: ast.Call) -> sympy.Expr:
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            name = func.id if isinstance(func, ast.Name) else "that"
            raise self.fail(
                f"“{name}” is not a known function{{where}}; known functions: "
                f"{KNOWN_FUNCTIONS_TEXT}.",
                node,
            )
        if node.keywords:
            raise self.fail(f"{func.id} takes no named arguments{{where}}.", node)
        maker, arity = FUNCTIONS[func.id]
        count = len(node.args)
        if arity is None and count < 2:
            raise self.fail(f"{func.id} needs at least two arguments{{where}}.", node)
        if arity is not None and count != arity:
            raise self.fail(f"{func.id} takes exactly one argument{{where}}.", node)
        args = [self.build(arg) for arg in node.args]
        return self.checked(maker(*args), node)

    def checked(self, result: sympy.Expr, node: ast.AST) -> sympy.Expr:
        """Refuse an undefined or complex constant as soon as it appears."""
        if result.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise self.fail(
                "The formula is undefined{where} (a division by zero or the "
                "logarithm of zero).",
                node,
            )
        if result.has(sympy.I):
            raise self.fail(
                "The formula is not a real number{where} (the root or logarithm "
                "of a negative number).",
                node,
            )
        if _bits(result) > MAX_CONSTANT_BITS:
            raise self.fail("A number{where} grows too large to work with.", node)
        return result


def _syntax_message(exc: SyntaxError, source: Source) -> FormulaError:
    column = (exc.offset or 1) - 1
    if column >= len(source.code.rstrip()):
        end = source.origins[-1] + 1 if source.origins else 0
        return FormulaError(
            f"The formula ends too soon at position {end + 1}; something is "
            "missing after the last operator.",
            end,
        )
    position = source.origin(column)
    return FormulaError(
        f"The formula cannot be read at position {(position or 0) + 1}; check "
        "the operator or parenthesis there.",
        position,
    )


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


def parse_expression(
    text: object, variable: str, *, symbols: dict[str, sympy.Symbol] | None = None
) -> sympy.Expr:
    """The SymPy expression for ``text``, or FormulaError with one sentence.

    ``variable`` is checked like any name. Parameters and the variable become
    real ``sympy.Symbol`` objects; ``symbols`` (updated in place) shares them
    between several formulas, such as an objective and its domain ends.
    """
    checked = normalise(text)
    check_name(variable)
    tokens = with_implicit_products(tokenize(checked))
    source = to_source(tokens)
    try:
        tree = ast.parse(source.code, mode="eval")
    except SyntaxError as exc:
        raise _syntax_message(exc, source) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("The formula is too deeply nested to read.") from None
    count, depth = _tree_size(tree)
    if count > MAX_NODES:
        raise FormulaError(
            f"The formula has more than {MAX_NODES} parts; split it or simplify it."
        )
    if depth > MAX_TREE_DEPTH:
        raise FormulaError(f"The formula nests more than {MAX_TREE_DEPTH} levels deep.")
    walker = _Walker(source, variable, symbols if symbols is not None else {})
    try:
        return walker.build(tree.body)
    except (RecursionError, MemoryError, OverflowError):
        raise FormulaError("The formula is too large to work with.") from None


def names_in_order(text: str) -> Iterator[str]:
    """Parameter and variable names in the order they first appear in ``text``."""
    seen: set[str] = set()
    for token in tokenize(normalise(text)):
        if token.kind == "name" and token.text not in FUNCTIONS | CONSTANTS:
            if token.text not in seen:
                seen.add(token.text)
                yield token.text
