"""The learner's f′ beside the true one, for "check my derivative".

Two lines over the range: f′ solid, the answer dashed. Where the answer runs
far off the true curve's scale, the chart keeps f′ readable and clips the
answer at the edge rather than flattening f′ into a line.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from scenarios.formula.check import Curves

TRUE = "#1f2933"
ANSWER = "#c2410c"

SERIES = ("True f′", "Your answer")
"""The legend's two entries, in order."""

HEADROOM = 1.0
"""The window reaches this many times f′'s own span beyond it, each way."""


def _window(curves: Curves) -> tuple[float, float]:
    true = curves.true[np.isfinite(curves.true)]
    both = np.concatenate([true, curves.answer[np.isfinite(curves.answer)]])
    if both.size == 0:
        return -1.0, 1.0
    lo, hi = float(np.min(both)), float(np.max(both))
    if true.size:
        t_lo, t_hi = float(np.min(true)), float(np.max(true))
        span = max(t_hi - t_lo, abs(t_hi), 1e-9)
        lo = max(lo, t_lo - HEADROOM * span)
        hi = min(hi, t_hi + HEADROOM * span)
    if hi <= lo:
        lo, hi = lo - 1.0, hi + 1.0
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def answer_chart(curves: Curves, variable: str) -> alt.LayerChart:
    """Both derivatives across the range, f′ solid and the answer dashed."""
    frame = pd.concat(
        [
            pd.DataFrame({"x": curves.x, "y": curves.true, "series": SERIES[0]}),
            pd.DataFrame({"x": curves.x, "y": curves.answer, "series": SERIES[1]}),
        ]
    ).dropna()
    lo, hi = _window(curves)
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=list(SERIES), range=[TRUE, ANSWER]),
        legend=alt.Legend(orient="bottom"),
    )
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=list(SERIES), range=[[1, 0], [6, 4]]),
        legend=None,
    )
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2, clip=True)
        .encode(
            x=alt.X("x:Q", title=variable, scale=alt.Scale(nice=False)),
            y=alt.Y("y:Q", title=f"f′({variable})", scale=alt.Scale(domain=[lo, hi])),
            color=colour,
            strokeDash=dash,
            detail="series:N",
        )
    )
    zero = (
        alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#94a3b8").encode(y="y:Q")
    )
    return alt.layer(zero, lines).properties(height=260)
