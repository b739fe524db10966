"""Widget state: sliders bound to the URL, bad-link notices, reset, page switches.

Every parameter slider uses the parameter's name as its widget key and is bound
to the query string, so ``/uber_surge?demand_multiplier=2`` opens with demand
doubled and a copied URL reproduces the view.

Streamlit drops a bound value it cannot use (not a number, out of range,
repeated) without a word. To tell the user, the raw query string is read on the
first run of a page, *before* the widgets are created and the bad value is
gone, and what is wrong is kept in session state until the user moves that
slider or resets.

Two scenarios may share a parameter name (``curvature``, ``fixed_cost``) with
different ranges, and Streamlit carries a bound widget's value to any widget
with the same key on the next page. Each key therefore remembers the page that
last set it, and a value set on another page is dropped before the widget is
drawn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import streamlit as st

from dashboard import format as fmt
from scenarios import Param, Scenario

YOUR_VALUE_KEY = "your_value"
"""Widget and query-parameter key of the "your value" slider."""

PENDING_LOAD = "_whatif.pending_load"
"""Session key: a saved case just loaded, whose notices its page should show."""

VIEW_KEY = "view"
"""Session key and query parameter of a page's open tab (see scenario_page)."""

RESERVED_KEYS = frozenset({YOUR_VALUE_KEY, VIEW_KEY})
"""Keys the dashboard binds to the URL besides the parameter names."""

_OWNERS = "_dashboard.owners"
_NOTICES = "_dashboard.notices"
_LAST_PAGE = "_dashboard.last_page"
_GRID_STEPS = 200
"""Roughly how many steps the "your value" slider offers across the domain."""


@dataclass(frozen=True)
class SliderGrid:
    """A slider's range, step and default, all free of binary float tails."""

    min: float
    max: float
    step: float
    default: float

    @property
    def format(self) -> str:
        decimals = fmt.step_decimals(self.step, self.min, self.default)
        return "%,d" if decimals == 0 else f"%,.{decimals}f"


def _nice_step(width: float) -> Decimal:
    """The largest of 1, 2, 2.5 or 5 times a power of ten below width / 200."""
    raw = width / _GRID_STEPS
    power = math.floor(math.log10(raw))
    for mantissa in ("5", "2.5", "2", "1"):
        step = Decimal(mantissa).scaleb(power)
        if step <= Decimal(repr(raw)):
            return step
    return Decimal(1).scaleb(power)


def value_grid(lo: float, hi: float, fraction: float = 0.25) -> SliderGrid:
    """A slider grid on round numbers inside ``[lo, hi]``.

    The ends move inward to the nearest multiples of a round step so the slider
    never shows 123.80952380952381; the default sits ``fraction`` of the way
    along, on the grid. A range too narrow for that keeps its exact ends.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        raise ValueError(f"cannot build a slider on [{lo}, {hi}]")
    step = _nice_step(hi - lo)
    low = (Decimal(repr(lo)) / step).to_integral_value(ROUND_CEILING) * step
    high = (Decimal(repr(hi)) / step).to_integral_value(ROUND_FLOOR) * step
    if high <= low:
        return SliderGrid(lo, hi, (hi - lo) / 100, lo + fraction * (hi - lo))
    count = ((high - low) / step).to_integral_value()
    default = low + (count * Decimal(repr(fraction))).to_integral_value() * step
    return SliderGrid(float(low), float(high), float(step), float(default))


def param_grid(param: Param) -> SliderGrid:
    """A parameter's declared range, step and default."""
    return SliderGrid(
        float(param.min), float(param.max), float(param.step), float(param.default)
    )


# --- page switches -----------------------------------------------------------


def is_arrival(page_id: str) -> bool:
    """True until :func:`mark_rendered` has run for ``page_id`` since another page."""
    return st.session_state.get(_LAST_PAGE) != page_id


def mark_rendered(page_id: str) -> None:
    """Record that ``page_id`` finished a run; later runs are not arrivals."""
    st.session_state[_LAST_PAGE] = page_id


def claim_keys(page_id: str, keys: tuple[str, ...]) -> None:
    """Drop values another page left under any of ``keys``, then own them.

    Must run before the widgets with those keys are created.
    """
    owners: dict[str, str] = st.session_state.setdefault(_OWNERS, {})
    for key in keys:
        owner = owners.get(key)
        if owner is not None and owner != page_id and key in st.session_state:
            del st.session_state[key]
        owners[key] = page_id


def hand_over(page_id: str, keys: tuple[str, ...]) -> None:
    """Let ``page_id`` keep the current values of ``keys`` instead of dropping them.

    For a page whose model is rebuilt under a new id (a typed formula whose
    defaults or ranges were edited): the sliders keep their positions. Call
    before :func:`claim_keys`; values that no longer fit should be removed
    by the caller.
    """
    owners: dict[str, str] = st.session_state.setdefault(_OWNERS, {})
    for key in keys:
        if key in st.session_state:
            owners[key] = page_id


# --- notices for query values Streamlit will ignore ---------------------------


def link_problem(key: str, grid: SliderGrid, label: str, unit: str) -> str | None:
    """Why the query string's value for ``key`` cannot be used, or None.

    Call before the widget ``key`` exists: creating it drops the bad value.
    """
    if key not in st.query_params:
        return None
    raw = st.query_params.get_all(key)
    shown_default = fmt.quantity(grid.default, unit)
    fallback = f"so {label} starts at its default, {shown_default}."
    if len(raw) != 1:
        return f"The link gives {label} {len(raw)} times; {fallback}"
    text = raw[0]
    try:
        value = float(text)
    except ValueError:
        return f"The link sets {label} to “{text}”, which is not a number; {fallback}"
    if not math.isfinite(value):
        return f"The link sets {label} to “{text}”, which is not finite; {fallback}"
    if not grid.min <= value <= grid.max:
        allowed = fmt.range_text(grid.min, grid.max, unit)
        return (
            f"The link sets {label} to {fmt.quantity(value, unit)}, outside the "
            f"allowed {allowed}; {fallback}"
        )
    return None


def collect_notices(
    page_id: str, checks: Mapping[str, tuple[SliderGrid, str, str]]
) -> None:
    """On a page's first run, note each query value Streamlit is about to drop.

    ``checks`` maps a widget key to its grid, label and unit. Call before those
    widgets exist: creating them removes the bad values from the URL.
    """
    if not is_arrival(page_id):
        return
    store: dict[str, dict[str, tuple[str, float]]] = st.session_state.setdefault(
        _NOTICES, {}
    )
    for other in [p for p in store if p != page_id]:
        del store[other]
    page = store.setdefault(page_id, {})
    for key, (grid, label, unit) in checks.items():
        problem = link_problem(key, grid, label, unit)
        if problem:
            page[key] = (problem, grid.default)


def active_notices(page_id: str) -> list[str]:
    """Notices still relevant: their slider has not been moved off its default."""
    page = st.session_state.get(_NOTICES, {}).get(page_id, {})
    live = []
    for key, (message, default) in list(page.items()):
        if st.session_state.get(key, default) == default:
            live.append(message)
        else:
            del page[key]
    return live


def clear_notices(page_id: str) -> None:
    st.session_state.get(_NOTICES, {}).pop(page_id, None)


# --- widgets ------------------------------------------------------------------


def bound_slider(key: str, grid: SliderGrid, label: str, help: str | None) -> float:
    """A float slider on ``grid`` whose value lives in the URL under ``key``.

    A value kept from an earlier run that the grid no longer spans (the range
    of x shrank under it) moves to the nearer end rather than break the page.
    """
    kept = st.session_state.get(key)
    if isinstance(kept, int | float) and not grid.min <= kept <= grid.max:
        st.session_state[key] = min(max(float(kept), grid.min), grid.max)
    value = st.slider(
        label,
        min_value=grid.min,
        max_value=grid.max,
        value=grid.default,
        step=grid.step,
        format=grid.format,
        key=key,
        help=help,
        bind="query-params",
    )
    return fmt.clean(value)


def parameter_sliders(scenario: Scenario) -> dict[str, float]:
    """One URL-bound slider per parameter; returns the values by name."""
    values = {}
    for param in scenario.params:
        values[param.name] = bound_slider(
            param.name, param_grid(param), fmt.slider_label(param), param.help
        )
    return values


def reset_to_defaults(
    scenario: Scenario, page_id: str, your_default: float | None
) -> None:
    """Button callback: every parameter (and the user's value) back to default."""
    for param in scenario.params:
        st.session_state[param.name] = float(param.default)
    if your_default is not None:
        st.session_state[YOUR_VALUE_KEY] = your_default
    clear_notices(page_id)
