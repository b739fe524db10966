"""Pieces shared by the fitting sections: messages, slider callbacks, numbers.

Everything here formats or stores widget state; the fits themselves are in
``scenarios.fitting.demand.models`` and ``scenarios.fitting.formulas``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import streamlit as st

from dashboard import format as fmt
from scenarios.fitting.data import BadRow

CURVE_POINTS = 200
"""Points per drawn curve."""

MAX_LISTED_ROWS = 20
"""Bad rows listed by number before "and N more"."""

APPLIED = "whatif_fit_applied"
"""Session key: notices left by a "Use this fit" click, shown on the next run."""


def plain(text: str) -> str:
    """Text for Markdown-rendering elements, with ``$`` and ``*`` kept literal."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("*", "\\*")


def bad_rows_warning(bad_rows: tuple[BadRow, ...]) -> None:
    """One warning listing the skipped rows by number (the first 20)."""
    if not bad_rows:
        return
    shown = bad_rows[:MAX_LISTED_ROWS]
    listed = "; ".join(f"row {b.row}: {b.reason}" for b in shown)
    more = len(bad_rows) - len(shown)
    st.warning(
        plain(
            f"Skipped {len(bad_rows)} row{'s' if len(bad_rows) != 1 else ''}: "
            f"{listed}" + (f"; and {more} more." if more else ".")
        )
    )


def set_sliders(
    values: Mapping[str, float],
    notices: tuple[str, ...],
    key_of: Callable[[str], str] | None = None,
) -> None:
    """Button callback: runs before the sliders are drawn, so they take the fit."""
    for name, value in values.items():
        st.session_state[key_of(name) if key_of else name] = float(value)
    st.session_state[APPLIED] = notices


def show_applied(message: str) -> None:
    """After a "use this fit" click: ``message`` and the fit's notices, once."""
    applied = st.session_state.pop(APPLIED, None)
    if applied is None:
        return
    st.success(message)
    for notice in applied:
        st.info(plain(notice))


def pm(value: float, error: float, unit: str = "") -> str:
    """``1,501 ± 12``: a fitted value and its standard error, when known."""
    text = fmt.quantity(value, unit) if unit else fmt.number(value)
    if not math.isfinite(error):
        return text
    return f"{text} ± {fmt.number(error, 2)}"
