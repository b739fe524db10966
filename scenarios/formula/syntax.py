"""What a formula may contain, as help text generated from the whitelist.

The own-model page's "What you can type" panel and ``python -m scenarios
derive --help`` both show :data:`SYNTAX_HELP`. Every function, constant,
pasted character and limit in it is read from :mod:`scenarios.formula.tokens`
(and the time limit from :mod:`scenarios.formula.derive`), so the help cannot
promise what the parser refuses. Code is marked with backticks: kept for
Markdown, dropped for the terminal.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass

from scenarios.formula.derive import DERIVE_SECONDS
from scenarios.formula.vocabulary import (
    CONSTANTS,
    FUNCTION_ALIASES,
    FUNCTIONS,
    MAX_DECIMAL_EXPONENT,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NESTING,
    MAX_NODES,
    PASTED_NAMES,
    PASTED_OPERATORS,
    ROOT,
    SUPERSCRIPTS,
)

SYNTAX_HELP_TITLE = "What you can type"

SYNTAX_EXAMPLES = ("(p - c)(a - b p)", "x³ − 2x", "A e^(-lambda t) + √t")
"""Three formulas the help shows; each must parse (a test checks)."""

SYNTAX_EXAMPLE_VARIABLES = ("p", "x", "t")
"""The variable of each example, in order."""

HELP_WIDTH = 79
"""Terminal width the plain-text help is wrapped to, in characters."""


@dataclass(frozen=True)
class HelpTopic:
    """One line of the help: a short title and its text (code in backticks)."""

    title: str
    text: str


def _code(items: object) -> str:
    return " ".join(f"`{item}`" for item in items)  # type: ignore[attr-defined]


def _pasted_operators() -> str:
    meanings = {"-": "minus", "*": "times", "/": "divide"}
    parts = []
    for ascii_char, meaning in meanings.items():
        chars = [c for c, a in PASTED_OPERATORS.items() if a == ascii_char]
        parts.append(f"{_code(chars)} {meaning}")
    spaces = [c for c, a in PASTED_OPERATORS.items() if a == " "]
    names = ", ".join(unicodedata.name(c).lower() for c in spaces)
    return "; ".join(parts) + f"; {names}: spaces"


def _topics() -> tuple[HelpTopic, ...]:
    aliases = ", ".join(
        f"`{alias}` for `{name}`" for alias, name in FUNCTION_ALIASES.items()
    )
    main = [name for name in FUNCTIONS if name not in FUNCTION_ALIASES]
    digits = "".join(c for c, a in SUPERSCRIPTS.items() if a.isdigit())
    minus = next(c for c, a in SUPERSCRIPTS.items() if a == "-")
    pi_chars = ", ".join(f"`{c}` is `{n}`" for c, n in PASTED_NAMES.items())
    constants = " and ".join(f"`{name}`" for name in CONSTANTS)
    return (
        HelpTopic(
            "Operators",
            "`+ - * /`, and `^` or `**` for powers; parentheses group: `(x + 1)^2`.",
        ),
        HelpTopic(
            "Multiplying",
            "side by side multiplies: `2x`, `b p`, `3(x + 1)`, `(x + 1)(x - 1)`, "
            "and a one-letter name before a parenthesis, `a(x + 1)`; a longer "
            "name needs `*`: `rate*(x + 1)`.",
        ),
        HelpTopic(
            "Functions",
            f"{_code(main)}, each with its argument in parentheses; also "
            f"{aliases}; `min` and `max` take two or more arguments.",
        ),
        HelpTopic(
            "Names",
            f"{constants} are the constants; every other name is a parameter "
            "(or the variable): a letter, then letters, digits or `_`, at most "
            f"{MAX_NAME_LENGTH} characters. Greek letters go by name: `lambda`, "
            "`theta`, `sigma`.",
        ),
        HelpTopic(
            "Pasted characters",
            f"superscripts for powers, `x²` `x³` `x⁻¹` (digits {digits}, "
            f"and {minus} first); `{ROOT}` takes the number, name or parenthesis "
            f"after it: `{ROOT}x`, `{ROOT}(x + 1)`, `2{ROOT}x`; "
            f"{_pasted_operators()}; {pi_chars}. Every other character is "
            "refused, look-alike letters too.",
        ),
        HelpTopic(
            "Limits",
            f"{MAX_LENGTH} characters typed; parentheses and roots nested "
            f"{MAX_NESTING} deep; {MAX_NODES} parts; constant exponents up to "
            f"±{MAX_EXPONENT}; numbers of up to {MAX_DIGITS} digits, written up "
            f"to `1e{MAX_DECIMAL_EXPONENT}`; f′ and f″ must take at most "
            f"{DERIVE_SECONDS:g} s of computing.",
        ),
        HelpTopic(
            "Examples",
            ", ".join(f"`{example}`" for example in SYNTAX_EXAMPLES) + ".",
        ),
    )


SYNTAX_HELP: tuple[HelpTopic, ...] = _topics()
"""The help, topic by topic."""


def syntax_help_markdown() -> str:
    """The help as Markdown: one bulleted line per topic."""
    return "\n".join(f"- **{topic.title}:** {topic.text}" for topic in SYNTAX_HELP)


def syntax_help_text(width: int = HELP_WIDTH) -> str:
    """The help as plain text for a terminal, wrapped to ``width``."""
    lines = [f"{SYNTAX_HELP_TITLE}:"]
    for topic in SYNTAX_HELP:
        lines.extend(
            textwrap.wrap(
                f"{topic.title}: {topic.text.replace('`', '')}",
                width=width,
                initial_indent="  ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)
