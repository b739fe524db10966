"""The data behind the main chart: the curve, the pointer's snap targets, the
marked points with their label offsets, f′'s zero crossings and the tangent.

Plain pandas frames of numbers and preformatted text, one per named dataset of
the compiled panels in :mod:`dashboard.charts.panels`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard import format as fmt
from dashboard.charts.label_layout import LabelSpot, label_offsets
from dashboard.engine import TANGENT_SHARE
from scenarios import Scenario, Solution
from scenarios.analysis import Curve, PointReport

OBJECTIVE_HEIGHT = 300
SLOPE_HEIGHT = 170
ABOVE, BELOW = -13.0, 13.0
"""A label's preferred offset from its point, in pixels to the label's middle."""
HOVER_STRIDE = 4
"""The pointer snaps to every fourth curve sample, 100 across the range.

Each snap target is an SVG symbol plus a Voronoi cell that the browser redraws
on every slider move; all 400 samples would double the chart's DOM.
"""


def curve_frame(scenario: Scenario, curve: Curve) -> pd.DataFrame:
    """The sampled curve, numbers only: both panels draw their line from it."""
    return pd.DataFrame({"x": curve.x, "f": curve.value, "df": curve.derivative})


def hover_frame(scenario: Scenario, curve: Curve) -> pd.DataFrame:
    """Every :data:`HOVER_STRIDE`-th sample, with all the pointer draws there.

    Per row: the sample, its text, the readout, and the ends of the tangent
    at that sample (``tx0, tf0`` to ``tx1, tf1``), at most
    :data:`TANGENT_SHARE` of the width either side and cut where it would
    leave the curve's own x or y range, so it never stretches the scales.
    Worked out here once per parameter set, the browser only filters rows.
    """
    x, f, df = curve.x, curve.value, curve.derivative
    (x_lo, x_hi), y_range = (x.min(), x.max()), (float(f.min()), float(f.max()))
    keep = slice(1, None, HOVER_STRIDE)
    x, f, df = x[keep], f[keep], df[keep]
    # tangent_span for every sample at once, then cut like the user's tangent.
    h = TANGENT_SHARE * (x_hi - x_lo)
    x0, x1 = np.maximum(x - h, x_lo), np.minimum(x + h, x_hi)
    with np.errstate(all="ignore"):  # f or f' is not finite where f is undefined
        tx0, tf0, tx1, tf1, _ = cut_to_range(
            x0, f + df * (x0 - x), x1, f + df * (x1 - x), y_range
        )
    var, unit = scenario.variable, scenario.objective_unit
    slope = fmt.with_unit("slope f′", fmt.slope_unit(scenario))
    readout = [
        f"{var.label} {fmt.quantity(a, var.unit)} · {scenario.objective_label} "
        f"{fmt.quantity(b, unit)} · {slope} {fmt.signed(c)}"
        for a, b, c in zip(x.tolist(), f.tolist(), df.tolist(), strict=True)
    ]
    return pd.DataFrame(
        {
            "x": x,
            "f": f,
            "df": df,
            "readout": readout,
            "tx0": tx0,
            "tf0": tf0,
            "tx1": tx1,
            "tf1": tf1,
        }
    )


def _role(label: str, yours: str) -> str:
    if label == "Optimum":
        return "Optimum"
    return "Your value" if label == yours else "Reference"


def _placed(
    rows: list[dict],
    x_span: tuple[float, float],
    y_span: tuple[float, float],
    height: float,
    y_field: str,
    order: Sequence[int],
) -> list[dict]:
    """``rows`` with ``label_dy``: pixel offsets that keep their labels apart.

    Labels are placed in ``order`` (the first keeps its preferred line); the
    user's value prefers the line below its point, every other label above.
    """
    # Vega's "nice" y axis reaches past the data; widening the span the same way
    # keeps the estimate of how close two points sit on screen from being low.
    pad = 0.12 * (y_span[1] - y_span[0])
    y_span = (y_span[0] - pad, y_span[1] + pad)
    spots = [
        LabelSpot(
            rows[i]["x"], rows[i][y_field], rows[i]["label"], rows[i]["right_half"]
        )
        for i in order
    ]
    preferred = [BELOW if rows[i].get("role") == "Your value" else ABOVE for i in order]
    offsets = label_offsets(spots, x_span, y_span, height, preferred)
    for i, dy in zip(order, offsets, strict=True):
        rows[i]["label_dy"] = dy
    return rows


_ROLE_ORDER = {"Optimum": 0, "Your value": 1, "Reference": 2}


def point_frame(
    scenario: Scenario,
    reports: Sequence[PointReport],
    yours: str,
    domain: tuple[float, float],
    y_range: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The marked points inside the domain, with their text and label placement.

    ``y_range`` is the plotted curve's y extent (default: the points' own);
    labels that would overlap are stacked (``label_dy``, in pixels).
    """
    var, unit = scenario.variable, scenario.objective_unit
    middle = (domain[0] + domain[1]) / 2
    rows = [
        {
            "x": r.x,
            "f": r.value,
            "df": r.derivative,
            "role": _role(r.label, yours),
            "label": f"{r.label}: {fmt.quantity(r.x, var.unit)}",
            "right_half": bool(r.x > middle),
            "x_text": fmt.quantity(r.x, var.unit),
            "f_text": fmt.quantity(r.value, unit),
            "df_text": fmt.signed(r.derivative),
        }
        for r in reports
        if r.in_domain
    ]
    if rows:
        ys = [r["f"] for r in rows]
        span = y_range or (min(ys), max(ys))
        order = sorted(range(len(rows)), key=lambda i: _ROLE_ORDER[rows[i]["role"]])
        rows = _placed(rows, domain, span, OBJECTIVE_HEIGHT, "f", order)
    columns = ["x", "f", "df", "role", "label", "right_half", "label_dy"]
    return pd.DataFrame(rows, columns=[*columns, "x_text", "f_text", "df_text"])


def crossing_frame(scenario: Scenario, solution: Solution) -> pd.DataFrame:
    """Where f' crosses zero (the stationary points)."""
    lo, hi = solution.domain
    middle = (lo + hi) / 2
    rows = [
        {
            "x": sp.x,
            "df": 0.0,
            "label": f"f′ = 0 at {fmt.quantity(sp.x, scenario.variable.unit)}",
            "right_half": bool(sp.x > middle),
        }
        for sp in solution.stationary_points
    ]
    if rows:
        # Every crossing sits on the zero line: only their x decides overlaps.
        order = range(len(rows))
        rows = _placed(rows, (lo, hi), (-1.0, 1.0), SLOPE_HEIGHT, "df", order)
    return pd.DataFrame(rows, columns=["x", "df", "label", "right_half", "label_dy"])


def cut_to_range(
    x0: np.ndarray,
    y0: np.ndarray,
    x1: np.ndarray,
    y1: np.ndarray,
    y_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Segments (x0, y0) to (x1, y1), each cut where it leaves ``y_range``.

    Returns the cut ends and which segments keep any length. A tangent drawn
    whole would stretch the shared y scale and flatten the curve.
    """
    low, high = y_range
    dy = y1 - y0
    inside = (low <= y0) & (y0 <= high)
    # A huge or zero dy gives an infinite t, which the clamps below handle.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Parameters t in [0, 1] along each segment where y stays in range.
        t_a, t_b = (low - y0) / dy, (high - y0) / dy
    moving = dy != 0
    t0 = np.where(moving, np.maximum(0.0, np.minimum(t_a, t_b)), 1.0 - inside)
    t1 = np.where(moving, np.minimum(1.0, np.maximum(t_a, t_b)), 0.0 + inside)
    dx = x1 - x0
    return x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy, t1 > t0


def tangent_frame(
    xs: np.ndarray, ys: np.ndarray, y_range: tuple[float, float]
) -> pd.DataFrame:
    """The tangent segment, cut where it leaves the curve's own y range."""
    ends = [np.asarray([float(v)]) for v in (xs[0], ys[0], xs[1], ys[1])]
    xa, ya, xb, yb, keep = cut_to_range(*ends, y_range)
    if not keep[0]:
        return pd.DataFrame({"x": [], "f": []})
    return pd.DataFrame({"x": [xa[0], xb[0]], "f": [ya[0], yb[0]]})
