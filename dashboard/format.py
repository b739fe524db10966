"""Numbers and units as people read them: the only place the dashboard rounds.

The text itself comes from :mod:`scenarios.formatting`, the formatter the
command line uses too, re-exported here so pages keep writing ``fmt.quantity``.
This module adds what only widgets need: slider formats and labels, and the
cleaning of slider and CSV values so no page ever shows ``0.30000000000000004``.
"""

from __future__ import annotations

import math
import string
from decimal import Decimal

from scenarios import Param
from scenarios.formatting import (
    MINUS,
    OUTSIDE,
    ZERO_BELOW,
    advice_text,
    kind_text,
    money,
    number,
    percent,
    quantity,
    r_squared,
    range_text,
    signed,
    signed_quantity,
    slope_unit,
    small_quantity,
    with_unit,
)

__all__ = [
    "MINUS",
    "OUTSIDE",
    "ZERO_BELOW",
    "advice_text",
    "clean",
    "csv_number",
    "kind_text",
    "money",
    "number",
    "percent",
    "quantity",
    "r_squared",
    "range_text",
    "round_sig",
    "signed",
    "signed_quantity",
    "slider_format",
    "slider_label",
    "slope_unit",
    "small_quantity",
    "step_decimals",
    "with_unit",
]


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


def csv_number(value: float) -> float:
    """A number for a CSV cell: 10 significant digits, so no float tails."""
    value = float(value)
    if not math.isfinite(value):
        return value
    return float(f"{value:.10g}")


def plain(text: str) -> str:
    """``text`` escaped so Markdown shows it literally (no links, HTML or LaTeX)."""
    return "".join("\\" + ch if ch in string.punctuation else ch for ch in text)


def quoted(name: str) -> str:
    """A user-given name for a Markdown message: escaped and in curly quotes."""
    return f"“{plain(name)}”"
