"""Parse a typed formula into SymPy objects without ever evaluating the text.

Typed text is hostile. It is checked character by character (a fixed set of
pasted characters such as ``²``, ``√`` and ``−`` is read as its ASCII
meaning), split into tokens (numbers, whole-word names, a handful of
operators), given its implicit multiplications (``2x``, ``b p``,
``(x+1)(x-1)``), and only then handed to ``ast.parse(..., mode="eval")``. A
name Python reserves but a formula allows (``lambda``, a wavelength) is
written under an internal identifier for ``ast`` and given back here, so
symbols, messages and parameter lists carry the name the user typed.

The tree is walked under a whitelist (numbers, known names, calls to known
functions, unary and binary arithmetic) and every SymPy object is built here,
by hand: nothing reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``.

Every limit (length, nesting, node count, exponent size) refuses the formula
with a :class:`FormulaError` of one sentence; ``position`` points at the
character to put a caret under.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import sympy

from scenarios.formula.tokens import (
    Source,
    normalise,
    to_source,
    tokenize,
    with_implicit_products,
)
from scenarios.formula.vocabulary import (
    CONSTANTS,
    FUNCTIONS,
    KNOWN_FUNCTIONS_TEXT,
    MAX_CONSTANT_BITS,
    MAX_EXPONENT,
    MAX_NODES,
    MAX_TREE_DEPTH,
    FormulaError,
    check_name,
)

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "KNOWN_FUNCTIONS_TEXT",
    "FormulaError",
    "check_name",
    "names_in_order",
    "normalise",
    "parse_expression",
    "tokenize",
]


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
        name = self.source.typed_name(node.id)
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.fail(f"{name} is a function: write {name}(…){{where}}.", node)
        role = "variable" if name == self.variable else "parameter"
        check_name(name, self.source.origin(node.col_offset), role=role)
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
            name = self.source.typed_name(func.id) if isinstance(func, ast.Name) else ""
            raise self.fail(
                f"“{name or 'that'}” is not a known function{{where}}; known "
                f"functions: {KNOWN_FUNCTIONS_TEXT}.",
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


def parse_expression(
    text: object, variable: str, *, symbols: dict[str, sympy.Symbol] | None = None
) -> sympy.Expr:
    """The SymPy expression for ``text``, or FormulaError with one sentence.

    ``variable`` is checked like any name. Parameters and the variable become
    real ``sympy.Symbol`` objects; ``symbols`` (updated in place) shares them
    between several formulas, such as an objective and its domain ends.
    """
    checked = normalise(text)
    check_name(variable, role="variable")
    tokens = with_implicit_products(tokenize(checked, variable))
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
