"""Where to put point labels on a chart so that no two overlap.

Layout only: it takes the points in data units and the axis spans, estimates
each label's box in pixels on a nominal plot, and stacks labels that would
collide into further lines above or below their point. Charts pass the
result to Vega-Lite as a pixel offset (``yOffset``) per label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CHAR_WIDTH = 7.2
"""Pixels per character of a 12 px label (a little wider than average)."""
TEXT_HEIGHT = 14.0
"""Pixels a 12 px label takes up, top to bottom."""
LINE_HEIGHT = 16.0
"""Pixels between stacked labels."""
MARGIN = 2.0
"""Pixels two labels must keep between them."""
GAP = 9.0
"""Pixels between a point and the start of its label."""
NOMINAL_WIDTH = 620.0
"""Plot width assumed when measuring labels: narrower than a wide-layout page,
so the estimate errs on the side of more space between labels."""


@dataclass(frozen=True)
class LabelSpot:
    """One label: its point in data units, its text and which side it reads to."""

    x: float
    y: float
    text: str
    right_side: bool
    """True: the label ends left of its point (right-aligned)."""


def _box(
    spot: LabelSpot,
    offset: float,
    x_span: tuple[float, float],
    y_span: tuple[float, float],
    size: tuple[float, float],
) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in pixels of ``spot``'s label at ``offset``."""
    width, height = size
    (x0, x1), (y0, y1) = x_span, y_span
    px = (spot.x - x0) / (x1 - x0) * width if x1 > x0 else width / 2
    py = (y1 - spot.y) / (y1 - y0) * height if y1 > y0 else height / 2
    text_width = CHAR_WIDTH * len(spot.text)
    left = px - GAP - text_width if spot.right_side else px + GAP
    middle = py + offset
    return left, middle - TEXT_HEIGHT / 2, left + text_width, middle + TEXT_HEIGHT / 2


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    m = MARGIN
    return a[0] < b[2] + m and b[0] < a[2] + m and a[1] < b[3] + m and b[1] < a[3] + m


def label_offsets(
    spots: Sequence[LabelSpot],
    x_span: tuple[float, float],
    y_span: tuple[float, float],
    height: float,
    preferred: Sequence[float] | None = None,
    width: float = NOMINAL_WIDTH,
) -> list[float]:
    """A vertical pixel offset for each label's middle (negative is up).

    Labels are placed in the order given, so earlier ones keep their
    ``preferred`` offset (default: one line above the point). Each later label
    takes the nearest free line inside the plot, alternating above and below
    its preferred place. ``x_span`` and ``y_span`` are the axes' data ranges,
    ``height`` the plot's height in pixels.
    """
    size = (width, height)
    wanted = list(preferred) if preferred is not None else [-13.0] * len(spots)
    placed: list[tuple[float, float, float, float]] = []
    offsets: list[float] = []
    for spot, first in zip(spots, wanted, strict=True):
        chosen = first
        # Each placed label blocks at most two lines, one edge of the plot a
        # few more: enough tries to reach a free line inside.
        for step in range(2 * len(spots) + 2 * int(height // LINE_HEIGHT) + 1):
            # 0, -1, +1, -2, +2 … lines away from the preferred place.
            shift = (step + 1) // 2 * (-1 if step % 2 else 1)
            candidate = first + shift * LINE_HEIGHT
            box = _box(spot, candidate, x_span, y_span, size)
            inside = box[1] >= 0 and box[3] <= height
            if inside and not any(_overlap(box, other) for other in placed):
                chosen = candidate
                break
        placed.append(_box(spot, chosen, x_span, y_span, size))
        offsets.append(chosen)
    return offsets
