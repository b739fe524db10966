"""Typed formula text to tokens: checked characters, whole-word names, numbers.

The first stage of :mod:`scenarios.formula.parse`. Text is refused character by
character: ASCII letters, digits and ``+ - * / ^ ( ) , .`` pass, and a fixed
set of pasted mathematical characters (:data:`PASTED_OPERATORS`,
:data:`SUPERSCRIPTS`, ``√``, ``π``) is read as its ASCII meaning; every other
character is refused with its name and position. The text is then split into
numbers, names and operators and given its implicit multiplications (``2x``,
``b p``, ``(x+1)(x-1)``). The vocabulary (functions, constants, refused names,
pasted characters) and every size limit are data in :mod:`.vocabulary`.

Every token keeps the position of what the user typed, so a refusal points at
their character even where ``x²`` became ``x ** 2`` or ``√x`` ``sqrt(x)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from scenarios.formula.vocabulary import (
    CONSTANTS,
    FUNCTIONS,
    MAX_DECIMAL_EXPONENT,
    MAX_DIGITS,
    MAX_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NESTING,
    PASTED_NAMES,
    PASTED_OPERATORS,
    ROOT,
    SOURCE_NAMES,
    SUPERSCRIPTS,
    FormulaError,
    check_name,
    unknown_function_message,
)

_SUPERSCRIPT_RUN = re.compile("(\u207b?)([\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+)")
_OPERATOR_CHARS = set("+-*/^(),")
_PASSED = set(SUPERSCRIPTS) | set(PASTED_NAMES) | {ROOT}
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DIGITS = frozenset("0123456789")
_NUMBER_RE = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_SINGLE_LETTER = re.compile(r"[A-Za-z][0-9_]*[0-9]*\Z")
_GREEK_BLOCK = range(0x0370, 0x0400)


@dataclass(frozen=True)
class Token:
    """One piece of the formula: its kind, text and where it starts.

    ``text`` is what the parser reads (``**`` for ``^`` or ``²``, ``sqrt``
    for ``√``); ``shown``, when set, is what the user typed there.
    """

    kind: str  # "number", "name", "op" ("root" for √ inside tokenize only)
    text: str
    position: int
    shown: str = ""

    @property
    def typed(self) -> str:
        """The token as the user typed it, for messages."""
        return self.shown or self.text


def _describe(char: str) -> str:
    if ord(char) < 32 or ord(char) == 127:
        return f"a control character (code {ord(char)})"
    if ord(char) > 127:
        name = unicodedata.name(char, "")
        label = f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"
        return f"the character “{char}” ({label})"
    return f"the character “{char}”"


def _refusal_hint(char: str) -> str:
    if ord(char) in _GREEK_BLOCK:
        return "write a Greek letter by its name, such as lambda or theta"
    if not char.isascii() or char.isalpha():
        return "use plain letters a–z, digits and + - * / ^ ( )"
    return "a formula uses only numbers, names, + - * / ^ and parentheses"


def _check_characters(text: str) -> str:
    """The text with pasted operators mapped; refuse any character not known.

    Superscripts, ``√`` and ``π`` are kept: :func:`tokenize` reads them.
    """
    chars = []
    for i, char in enumerate(text):
        char = PASTED_OPERATORS.get(char, char)
        ok = char in _PASSED or (
            char.isascii()
            and (char.isalnum() or char in " \t._" or char in _OPERATOR_CHARS)
        )
        if not ok:
            raise FormulaError(
                f"The formula contains {_describe(char)} at position {i + 1}; "
                f"{_refusal_hint(char)}.",
                i,
            )
        chars.append(char)
    return "".join(chars)


def _number_token(literal: str, exponent: str | None, start: int) -> Token:
    """A number token; ``exponent`` is its ``e±NN`` part, if written."""
    mantissa = literal[: len(literal) - len(exponent or "")]
    digits = len(mantissa.replace(".", "").lstrip("0"))
    if exponent is not None and abs(int(exponent[1:])) > MAX_DECIMAL_EXPONENT:
        raise FormulaError(
            f"The number {literal[:20]} at position {start + 1} is out of range; "
            f"exponents run to ±{MAX_DECIMAL_EXPONENT}.",
            start,
        )
    if digits > MAX_DIGITS:
        raise FormulaError(
            f"The number at position {start + 1} has more than {MAX_DIGITS} digits.",
            start,
        )
    return Token("number", literal, start)


def _superscript_tokens(text: str, start: int) -> tuple[list[Token], int]:
    """The tokens of the superscript exponent at ``start`` and where it ends."""
    match = _SUPERSCRIPT_RUN.match(text, start)
    if match is None:
        raise FormulaError(
            f"The superscript minus at position {start + 1} needs superscript "
            "digits after it, as in x⁻¹.",
            start,
        )
    end = match.end()
    if text.startswith("\u207b", end):
        raise FormulaError(
            f"The superscript minus at position {end + 1} can only start an "
            "exponent, as in x⁻¹.",
            end,
        )
    minus, digits = match.groups()
    tokens = [Token("op", "**", start, text[start])]
    if minus:
        tokens.append(Token("op", "-", start, minus))
    where = match.start(2)
    ascii_digits = "".join(SUPERSCRIPTS[c] for c in digits)
    number = _number_token(ascii_digits, None, where)
    tokens.append(Token("number", number.text, where, digits))
    return tokens, end


def _name_token(text: str, start: int, variable: str | None) -> Token:
    match = _NAME_RE.match(text, start)
    assert match is not None
    name = match.group(0)
    if name not in FUNCTIONS and name not in CONSTANTS:
        called = (
            text.startswith("(", match.end())
            and not name.startswith("_")
            and len(name) <= MAX_NAME_LENGTH
            and not _SINGLE_LETTER.match(name)
        )
        if called:
            raise FormulaError(unknown_function_message(name, start), start)
        check_name(name, start, role="variable" if name == variable else "parameter")
    return Token("name", name, start)


def tokenize(text: str, variable: str | None = None) -> list[Token]:
    """Split checked text into numbers, names and operators (``^`` is ``**``).

    Pasted characters become what they mean: a superscript run an exponent,
    ``π`` the name pi, ``√`` a call of sqrt on what follows it. ``variable``
    (when given) lets a refused name say it was meant as the variable.
    """
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in " \t":
            i += 1
            continue
        if char in _DIGITS or (char == "." and text[i + 1 : i + 2] in _DIGITS):
            match = _NUMBER_RE.match(text, i)
            assert match is not None
            tokens.append(_number_token(match.group(0), match.group(2), i))
            i = match.end()
            continue
        if char == ".":
            raise FormulaError(
                f"The “.” at position {i + 1} is not part of a number; "
                "attribute access is not allowed.",
                i,
            )
        if char in SUPERSCRIPTS:
            found, i = _superscript_tokens(text, i)
            tokens.extend(found)
            continue
        if char in PASTED_NAMES:
            tokens.append(Token("name", PASTED_NAMES[char], i, char))
            i += 1
            continue
        if char == ROOT:
            tokens.append(Token("root", "sqrt", i, char))
            i += 1
            continue
        if char.isascii() and (char.isalpha() or char == "_"):
            token = _name_token(text, i, variable)
            tokens.append(token)
            i += len(token.text)
            continue
        if text.startswith("**", i):
            tokens.append(Token("op", "**", i))
            i += 2
            continue
        if char == "^":
            tokens.append(Token("op", "**", i, "^"))
        else:
            tokens.append(Token("op", char, i))
        i += 1
    return _with_roots(tokens)


def _needs_operand(root: Token) -> FormulaError:
    return FormulaError(
        f"The “√” at position {root.position + 1} needs a number, name or "
        "parenthesis right after it.",
        root.position,
    )


def _group_end(tokens: list[Token], start: int) -> int:
    """Index of the ``)`` closing the ``(`` at ``start``."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].text == "("
        depth -= tokens[index].text == ")"
        if depth == 0:
            return index
    position = tokens[start].position
    raise FormulaError(f"The “(” at position {position + 1} is never closed.", position)


def _operand_end(tokens: list[Token], start: int, root: Token) -> int:
    """Index of the last token of the operand a ``√`` before ``start`` takes."""
    index = start
    while index < len(tokens) and tokens[index].kind == "root":
        index += 1
    if index == len(tokens):
        raise _needs_operand(tokens[index - 1])
    token = tokens[index]
    if token.text == "(":
        return _group_end(tokens, index)
    called = index + 1 < len(tokens) and tokens[index + 1].text == "("
    if token.kind == "name" and token.text in FUNCTIONS and called:
        return _group_end(tokens, index + 1)
    if token.kind in ("number", "name"):
        return index
    raise _needs_operand(root)


def _with_roots(tokens: list[Token]) -> list[Token]:
    """Each ``√`` as ``sqrt``, its operand in parentheses unless it has them."""
    if not any(token.kind == "root" for token in tokens):
        return tokens
    out: list[Token] = []
    closes: Counter[int] = Counter()
    for index, token in enumerate(tokens):
        if token.kind == "root":
            out.append(Token("name", "sqrt", token.position, token.shown))
            nxt = tokens[index + 1] if index + 1 < len(tokens) else None
            if nxt is None:
                raise _needs_operand(token)
            if nxt.text != "(":
                end = _operand_end(tokens, index + 1, token)
                out.append(Token("op", "(", token.position, token.shown))
                closes[end] += 1
        else:
            out.append(token)
        out.extend([Token("op", ")", token.position, ROOT)] * closes.pop(index, 0))
    return out


def _ends_operand(token: Token) -> bool:
    return (
        token.kind == "number"
        or token.text == ")"
        or (token.kind == "name" and token.text not in FUNCTIONS)
    )


def _starts_operand(token: Token) -> bool:
    return token.kind in ("number", "name") or token.text == "("


def _check_neighbours(prev: Token | None, token: Token, nxt: Token | None) -> None:
    """Refuse operators with a missing operand, and empty parentheses."""
    at = f"position {token.position + 1}"
    if token.kind == "op" and token.text != "(":
        if token.text != ")" and nxt is None:
            raise FormulaError(
                f"The formula ends too soon after “{token.typed}” at {at}.",
                token.position,
            )
        lead = prev is None or (prev.kind == "op" and prev.text in "(,+-*/**")
        if lead and token.text not in "+-":
            if prev is None:
                message = f"The formula cannot start with “{token.typed}”."
            else:
                message = (
                    f"“{token.typed}” at {at} follows “{prev.typed}”; a number or "
                    "name is missing between them."
                )
            raise FormulaError(message, token.position)
    if token.text == "(" and nxt is not None and nxt.text == ")":
        raise FormulaError(f"Empty parentheses at {at}.", token.position)


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
                what = "Roots and parentheses" if token.shown else "Parentheses"
                raise FormulaError(
                    f"{what} nest more than {MAX_NESTING} deep at position "
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
    """Python source built from tokens, and where each source column came from.

    A name Python reserves (``lambda``) is written under another identifier;
    :meth:`typed_name` gives the user's name back.
    """

    code: str
    origins: tuple[int, ...]  # original position of each source character
    numbers: dict[int, str]  # source column of each number -> its literal
    names: dict[str, str]  # identifier in ``code`` -> the name typed

    def origin(self, column: int | None) -> int | None:
        if column is None or not self.origins:
            return None
        return self.origins[min(max(column, 0), len(self.origins) - 1)]

    def typed_name(self, identifier: str) -> str:
        """The name the user typed for ``identifier`` in :attr:`code`."""
        return self.names.get(identifier, identifier)


def to_source(tokens: list[Token]) -> Source:
    """Join tokens with spaces into Python source, keeping a position map."""
    parts: list[str] = []
    origins: list[int] = []
    numbers: dict[int, str] = {}
    names: dict[str, str] = {}
    column = 0
    for token in tokens:
        written = token.text
        if token.kind == "number":
            numbers[column] = token.text
        elif token.kind == "name" and token.text in SOURCE_NAMES:
            written = SOURCE_NAMES[token.text]
            names[written] = token.text
        parts.append(written + " ")
        origins.extend([token.position] * (len(written) + 1))
        column += len(written) + 1
    return Source("".join(parts), tuple(origins), numbers, names)


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
