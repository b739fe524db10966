"""Numbers and units as people read them: the only place the dashboard rounds.

Every function here turns an engine float into text. Nothing computes a model
quantity; rounding, ``$`` signs, units and thousands separators live here so
that no page ever shows ``0.30000000000000004`` or ``49.999999999999986``.
"""

from __future__ import annotations

import math
from decimal import Decimal

from scenarios import Param, Scenario

MINUS = "\u2212"
"""A typographic minus: the same width as a digit, unlike the hyphen."""

ZERO_BELOW = 1e-9
"""Magnitudes below this print as 0: solver residuals, not information."""

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
        raise ValueError(f"{unit!r} is not a money unit")
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


def step_decimals(*values: float) -> int:
    """Decimal places needed to show every value exactly (0.05 -> 2, 10 -> 0)."""
    places = 0
    for v in values:
        exponent = Decimal(repr(float(v))).normalize().as_tuple().exponent
        places = max(places, -int(exponent) if isinstance(exponent, int) else 0)
    return min(places, 10)


def slider_format(param: Param) -> str:
    """A printf format that shows the slider's steps without float tails."""
    decimals = step_decimals(param.step, param.min, param.default)
    return "%,d" if decimals == 0 else f"%,.{decimals}f"


def slider_label(param: Param) -> str:
    """``Unit cost ($)``: the parameter's label with its unit."""
    return with_unit(param.label, param.unit)


def clean(value: float) -> float:
    """Drop binary float tails (12 significant digits) before a value is used.

    Sliders add steps in JavaScript, which can return 0.051000000000000004;
    that is still 0.051 to anyone reading it.
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.12g}")


def round_sig(value: float, sig: int) -> float:
    """``value`` rounded to ``sig`` significant digits: a round default."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{sig}g}")


def percent(value: float, decimals: int = 2) -> str:
    """A fraction as a percentage: 0.0693 -> ``6.93%``."""
    return _strip_zeros(f"{float(value):.{decimals}%}".removesuffix("%")) + "%"


def csv_number(value: float) -> float:
    """A number for a CSV cell: 10 significant digits, so no float tails."""
    value = float(value)
    if not math.isfinite(value):
        return value
    return float(f"{value:.10g}")


def kind_text(kind: str) -> str:
    """``maximum`` -> ``Maximum``."""
    return kind.capitalize()


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
