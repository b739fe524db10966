"""Numbers and units as people read them, for every front end.

The dashboard and the command line both write quantities through this module,
so a profit reads ``$30,250`` and a fare ``$201.00 per ride`` wherever it is
shown. Every function turns an engine float into text; nothing here computes a
model quantity, and no computing module in this package imports it.
"""

from __future__ import annotations

import math

from scenarios.errors import InputError
from scenarios.model import Scenario

MINUS = "\u2212"
"""A typographic minus: the same width as a digit, unlike the hyphen."""

ZERO_BELOW = 1e-9
"""Magnitudes below this print as 0: solver residuals, not information."""

OUTSIDE = " (outside the range)"
"""Appended to a point's label when the point lies outside the domain."""

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _sign(value: float, body: str) -> str:
    return f"{MINUS}{body}" if value < 0 else body


def _strip_zeros(text: str) -> str:
    if "." not in text:
        return text
    return text.rstrip("0").rstrip(".")


def _scientific(size: float, sig: int) -> str:
    mantissa, exponent = f"{size:.{sig - 1}e}".split("e")
    power = str(int(exponent)).translate(_SUPERSCRIPT)
    return f"{_strip_zeros(mantissa)}×10{power}"


def number(value: float, sig: int = 4, zero_below: float = ZERO_BELOW) -> str:
    """``value`` with ``sig`` significant digits, thousands separators, no tails.

    Whole-number magnitudes of 1,000 or more keep every integer digit (a
    profit of 30,250 is never shown as 30,300); below 1e-4 the value switches
    to ``2.5×10⁻⁵``. NaN prints as an em dash, infinities as ``∞``.
    """
    value = float(value)
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return _sign(value, "∞")
    size = abs(value)
    if size < zero_below:
        return "0"
    if size >= 1e15 or size < 1e-4:
        return _sign(value, _scientific(size, sig))
    if size >= 1000:
        return _sign(value, f"{size:,.0f}")
    decimals = max(0, sig - 1 - math.floor(math.log10(size)))
    text = _strip_zeros(f"{size:,.{decimals}f}")
    return "0" if text == "0" else _sign(value, text)


def signed(value: float, sig: int = 4) -> str:
    """Like :func:`number` with an explicit ``+`` on positive values."""
    text = number(value, sig)
    if text.startswith(MINUS) or text in ("0", "—"):
        return text
    return f"+{text}"


def _money_parts(unit: str) -> tuple[str, str] | None:
    """Split a money unit into its scale suffix and the rest, or None.

    ``"$"`` -> ``("", "")``, ``"$1000s"`` -> ``("k", "")``,
    ``"$ per ride"`` -> ``("", " per ride")``.
    """
    if unit.startswith("$1000s"):
        return "k", unit[len("$1000s") :]
    if unit.startswith("$") and (len(unit) == 1 or unit[1] == " "):
        return "", unit[1:]
    return None


def money(value: float, unit: str = "$") -> str:
    """Dollars: ``$75.00``, ``$30,250``, ``−$1,200``, ``$40k per thousand units``.

    Amounts under $1,000 keep cents; larger ones are whole dollars. A unit of
    ``$1000s`` prints as ``$Nk`` so a reader never has to multiply.
    """
    parts = _money_parts(unit)
    if parts is None:
        raise InputError(f"{unit!r} is not a money unit")
    scale, rest = parts
    value = float(value)
    if not math.isfinite(value):
        return number(value) + rest
    size = abs(value)
    if scale:
        body = number(size, sig=4)
    elif size < ZERO_BELOW:
        body = "0.00"
    elif size < 1000:
        body = f"{size:,.2f}"
    else:
        body = f"{size:,.0f}"
    text = f"${body}{scale}{rest}"
    return _sign(value if body.strip("0.") else 0.0, text)


def quantity(value: float, unit: str, sig: int = 4) -> str:
    """A value with its unit, the way the unit is normally written.

    Money units go through :func:`money`; ``×`` follows the number (``2×``);
    other units follow after a space; an empty unit prints the bare number.
    """
    if _money_parts(unit) is not None:
        return money(value, unit)
    text = number(value, sig)
    if not unit:
        return text
    if unit == "×":
        return f"{text}×"
    return f"{text} {unit}"


def small_quantity(value: float, unit: str, sig: int = 2) -> str:
    """An amount that may be tiny, never rounded to zero: ``$0.00011``, ``3×10⁻⁸ mph``.

    For tolerances and step sizes, where :func:`money`'s cents would print 0.
    """
    text = number(value, sig, zero_below=0)
    parts = _money_parts(unit)
    if parts is None:
        return f"{text}×" if unit == "×" else f"{text} {unit}".strip()
    scale, rest = parts
    return _sign(value, f"${text.removeprefix(MINUS)}{scale}{rest}")


def signed_quantity(value: float, unit: str, sig: int = 4) -> str:
    """A change with its unit and an explicit sign: ``+$5.00``, ``−2 pairs``."""
    text = quantity(value, unit, sig)
    if text.startswith(MINUS) or number(value, sig) in ("0", "—"):
        return text
    return f"+{text}"


def with_unit(label: str, unit: str) -> str:
    """A column or axis title: ``Price ($)``; a label without unit is unchanged."""
    return f"{label} ({unit})" if unit else label


def slope_unit(scenario: Scenario) -> str:
    """The unit of f'(x) in words: ``$ per $1 of price``, ``mpg per mph``."""
    out, var = scenario.objective_unit, scenario.variable.unit
    label = scenario.variable.label.lower()
    if var.startswith("$1000s"):
        per = f"per $1,000 of {label}"
    elif var.startswith("$"):
        per = f"per $1 of {label}"
    elif " per " in var:
        per = f"per ({var})"
    elif var:
        # "points per hours" reads wrongly: a lone plural unit takes the singular.
        per = f"per {var[:-1] if var in _PLURAL_UNITS else var}"
    else:
        per = f"per unit of {label}"
    return f"{out} {per}".strip()


_PLURAL_UNITS = {"hours", "years", "days", "minutes", "units"}


def percent(value: float, decimals: int = 2) -> str:
    """A fraction as a percentage: 0.0693 -> ``6.93%``."""
    return _strip_zeros(f"{float(value):.{decimals}%}".removesuffix("%")) + "%"


def r_squared(value: float) -> str:
    """A fit's R² to three decimals (``0.987``); an undefined R² is an em dash."""
    value = float(value)
    return f"{value:.3f}" if math.isfinite(value) else "—"


def kind_text(kind: str) -> str:
    """``maximum`` -> ``Maximum``."""
    return kind.capitalize()


def kink_text(left: float, right: float) -> str:
    """A kink's one-sided slopes: ``f′ jumps from −0.5 to 1.5``."""
    return f"f′ jumps from {number(left)} to {number(right)}"


def advice_text(advice: str, scenario: Scenario) -> str:
    """What the sign of f' says to do, in the scenario's words."""
    label = scenario.variable.label.lower()
    return {
        "increase": f"Increase {label}",
        "decrease": f"Decrease {label}",
        "optimal": "At the optimum",
    }[advice]


def range_text(lo: float, hi: float, unit: str) -> str:
    """``$20.00 to $130.00``."""
    return f"{quantity(lo, unit)} to {quantity(hi, unit)}"
