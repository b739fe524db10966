"""Optima of objectives with holes, poles, overflows and kinks: the pieces.

:func:`scenarios.solver.solve` uses this module when
:mod:`scenarios.definedness` finds f singular on the domain. Here are the
sentences a user reads (where f is defined, why there is no optimum, what
happens at an end where f' is unbounded), the intervals on which f' = 0 is
searched, the break points that compete as candidates, and the one-sided
slopes at a kink. Every sentence names the points and intervals it is about.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scenarios.definedness import Definedness, Edge, analyse, trusted_gap
from scenarios.roots.engine import find_roots_on
from scenarios.roots.result import NotFiniteError, RootResult

Fn = Callable[[np.ndarray], np.ndarray]

KINK_STEP = 1e-6
"""One-sided slopes at a kink are f' this share of the width away (and half
as far), extrapolated to the point: far enough that f' is on its branch,
near enough that the extrapolation error (h² f''') is below 1e-12."""

SAME_SLOPE = 1e-9
"""Exact one-sided slopes closer than this (relative) are one slope: no kink."""

ROUGH_SLOPE = 1e-6
"""Estimated one-sided slopes (walked towards the point, see
:mod:`scenarios.definedness`) agree to this share of f's largest slope."""

ZERO_BELOW = 1e-9
"""Magnitudes below this are written 0 (residuals and estimated limits)."""


def number_text(value: float) -> str:
    """A point as sentences write it: four significant digits, a real minus.

    Below ``ZERO_BELOW`` it is 0, as the dashboard's formatter writes it.
    """
    if math.isinf(value):
        return "−∞" if value < 0 else "∞"
    if abs(value) < ZERO_BELOW:
        return "0"
    text = format(float(value), ".4g")
    if "e" in text:
        mantissa, power = text.split("e")
        text = f"{mantissa}×10^{int(power)}"
    return text.replace("-", "−")


def interval_text(a: float, b: float, a_open: bool = False, b_open: bool = False):
    """``(5, 10]``: an interval with its open or closed ends."""
    if a == b:
        return f"{{{number_text(a)}}}"
    return (
        f"{'(' if a_open else '['}{number_text(a)}, {number_text(b)}"
        f"{')' if b_open else ']'}"
    )


def domain_text(shape: Definedness) -> str:
    return interval_text(shape.lo, shape.hi)


def _piece_phrase(piece: tuple[float, float, bool, bool], lo, hi, var: str) -> str:
    a, b, a_open, b_open = piece
    if a == b:
        return f"{var} = {number_text(a)}"
    left = f"{var} {'>' if a_open else '≥'} {number_text(a)}"
    right = f"{var} {'<' if b_open else '≤'} {number_text(b)}"
    if a == lo and not a_open:
        return right
    if b == hi and not b_open:
        return left
    return f"{number_text(a)} {'<' if a_open else '≤'} {var} {right[len(var) + 1 :]}"


def defined_phrase(shape: Definedness, var: str) -> str | None:
    """``x > 5``: where f is defined, or None when it is defined everywhere."""
    pieces = shape.pieces(overflow=True)
    lo, hi = shape.lo, shape.hi
    if pieces == [(lo, hi, False, False)]:
        return None
    holes = [
        a
        for (_, a, _, a_open), (b, _, b_open, _) in zip(
            pieces[:-1], pieces[1:], strict=True
        )
        if a == b and a_open and b_open
    ]
    first, last = pieces[0], pieces[-1]
    whole = first[0] == lo and not first[2] and last[1] == hi and not last[3]
    if whole and len(holes) == len(pieces) - 1:
        points = [number_text(x) for x in holes]
        listed = points[0] if len(points) == 1 else ", ".join(points[:-1])
        if len(points) > 1:
            listed += f" and {points[-1]}"
        return f"{var} ≠ {listed}"
    return " or ".join(_piece_phrase(p, lo, hi, var) for p in pieces)


def searched_text(shape: Definedness) -> str:
    """The pieces f is searched on, as intervals joined by "and"."""
    return " and ".join(interval_text(*p) for p in shape.pieces())


def refusal(shape: Definedness, goal: str, var: str) -> str | None:
    """The one sentence why there is no optimum to report, or None.

    f defined nowhere; f unbounded in the goal's direction near a point; f
    overflowing a double where the goal lies.
    """
    domain = domain_text(shape)
    if not shape.pieces(overflow=True):
        return (
            f"f is defined nowhere on {domain}: no {var} there gives it a real value."
        )
    extreme = "maximum" if goal == "maximize" else "minimum"
    sign = 1 if goal == "maximize" else -1
    spill = [s for s in shape.stretches if s.overflow == sign]
    if spill:
        spilled = overflow_phrase(shape, spill[0], var)
        return f"{spilled}, so its {extreme} on {domain} cannot be computed."
    near = [_approach_phrase(e, var, sign) for e in shape.edges if not e.overflow]
    near = [phrase for phrase in near if phrase]
    if not near:
        return None
    where = defined_phrase(shape, var)
    verb = "grows" if sign > 0 else "falls"
    holes = where is None or " ≠ " in where  # the poles themselves: said below
    lead = "it " if holes else f"it is defined only for {where} there, and "
    return (
        f"f has no {extreme} on {domain}: {lead}{verb} without bound "
        f"{' and '.join(near)}."
    )


def _approach_phrase(edge: Edge, var: str, sign: int) -> str:
    towards = [
        name
        for name, side in (("left", edge.below), ("right", edge.above))
        if side is not None and side.limit == sign * math.inf
    ]
    if not towards:
        return ""
    how = "either side" if len(towards) == 2 else f"the {towards[0]}"
    return f"as {var} → {number_text(edge.x)} from {how}"


def overflow_phrase(shape: Definedness, stretch, var: str) -> str:
    """``f overflows a double for x above about 0.6322``."""
    towards = "above 1.8×10³⁰⁸" if stretch.overflow > 0 else "below −1.8×10³⁰⁸"
    if stretch.hi == shape.hi and stretch.lo > shape.lo:
        where = f"for {var} above about {number_text(stretch.lo)}"
    elif stretch.lo == shape.lo and stretch.hi < shape.hi:
        where = f"for {var} below about {number_text(stretch.hi)}"
    elif stretch.lo == shape.lo:
        where = f"everywhere on {domain_text(shape)}"
    else:
        where = (
            f"for {var} between about {number_text(stretch.lo)} and "
            f"{number_text(stretch.hi)}"
        )
    return f"f overflows a double (it is {towards}) {where}"


def notes(shape: Definedness, var: str) -> list[str]:
    """Sentences for a solution found on the pieces: where f is defined, what
    was taken as f at a hole, where f' is unbounded."""
    out: list[str] = []
    where = defined_phrase(shape, var)
    searched = searched_text(shape)
    spill = [s for s in shape.stretches if s.overflow]
    if spill:
        out.append(f"{overflow_phrase(shape, spill[0], var)}; searched {searched}.")
    elif where:
        out.append(
            f"f is defined only for {where} on {domain_text(shape)}; "
            f"searched {searched}."
        )
    for edge in shape.edges:
        text = _edge_note(shape, edge, var)
        if text:
            out.append(text)
    return out


def _edge_note(shape: Definedness, edge: Edge, var: str) -> str:
    """What happens at one break point inside a piece, or ""."""
    if edge.overflow or not math.isfinite(edge.filled):
        return ""
    at = f"{var} = {number_text(edge.x)}"
    parts = []
    if not math.isfinite(edge.value):
        parts.append(
            f"f is undefined at {at} but tends to {number_text(edge.filled)} "
            f"there, which is taken as f({number_text(edge.x)})"
        )
    if any(math.isinf(s.slope) for s in edge.sides):
        subject = "f′ is unbounded " + ("there" if parts else f"at {at}")
        if len(edge.sides) == 1:
            piece = next(p for p in shape.pieces() if p[0] <= edge.x <= p[1])
            a, b, a_open, b_open = piece
            beside = interval_text(a, b, a_open or a == edge.x, b_open or b == edge.x)
            end = (
                "the range" if edge.x in (shape.lo, shape.hi) else "where f is defined"
            )
            parts.append(
                f"{subject}, an end of {end}, so that end is a candidate and "
                f"f′ = 0 was searched on {beside}"
            )
        else:
            parts.append(
                f"{subject}, so that point is a candidate and f′ = 0 was searched "
                "on either side of it"
            )
    if not parts:
        return ""
    return "; ".join(parts) + "."


def search_intervals(shape: Definedness, df: Fn) -> list[tuple[float, float]]:
    """Closed intervals for the search for f' = 0: every stretch where f' is
    finite, kept clear of each end where f' is not (see ``trusted_gap``)."""
    width = shape.hi - shape.lo
    out = []
    for s in shape.stretches:
        if not s.sloped:
            continue
        a, b = s.lo, s.hi
        room = b - a
        if not _finite_at(df, a):
            a += trusted_gap(df, a, 1.0, width, room)
        if not _finite_at(df, b):
            b -= trusted_gap(df, b, -1.0, width, room)
        if a < b:
            out.append((a, b))
    return out


def _finite_at(fn: Fn, x: float) -> bool:
    with np.errstate(all="ignore"):
        return math.isfinite(float(np.asarray(fn(np.array([x])), dtype=float)[0]))


@dataclass(frozen=True)
class EdgeCandidate:
    """A break point that competes for the optimum, with f there (or its limit)
    and the slopes and curvature either side (NaN where a side is missing).

    ``kink``: both slopes are known and differ; ``stationary``: both tend to 0.
    """

    x: float
    value: float
    left_slope: float
    right_slope: float
    curvature: float
    kink: bool
    stationary: bool

    def reading(self, kind: str) -> tuple[str, float, float, tuple[float, float]]:
        """(kind, f', f'', slopes) when this point is the optimum of ``kind``.

        A kink: f'' is NaN and the slopes are its two; otherwise f' is the
        one-sided slope (their mean at a stationary hole) and the slopes NaN.
        """
        slopes = (self.left_slope, self.right_slope)
        known = [s for s in slopes if not math.isnan(s)] or [math.nan]
        if self.kink:
            return "kink", known[0], math.nan, slopes
        slope = 0.5 * sum(slopes) if self.stationary else known[0]
        return kind, slope, self.curvature, (math.nan, math.nan)

    @property
    def curvature_sign(self) -> int:
        """1 for a maximum (f'' < 0), -1 for a minimum, 0 when f'' is 0 or unknown."""
        c = self.curvature
        return 1 if c < 0 else -1 if c > 0 else 0


def same_slope(shape: Definedness, a: float, b: float) -> bool:
    """Two finite one-sided slopes that agree: no kink between them.

    Exact limits agree to ``SAME_SLOPE``; estimated ones to ``ROUGH_SLOPE``
    of f's largest slope on the domain.
    """
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    if shape.exact:
        return abs(a - b) <= SAME_SLOPE * (1.0 + abs(a) + abs(b))
    return abs(a - b) <= ROUGH_SLOPE * (shape.slope_scale + abs(a) + abs(b))


def edge_candidates(shape: Definedness, goal: str) -> list[EdgeCandidate]:
    """Every break point where f has a value: f itself, the limit both sides
    agree on, or the better one-sided limit (a jump or the side of a pole)."""
    better = max if goal == "maximize" else min
    out = []
    for edge in shape.edges:
        value = edge.filled
        if not math.isfinite(value):
            limits = [s.limit for s in edge.sides if math.isfinite(s.limit)]
            if not limits or edge.overflow:
                continue
            value = better(limits)
        left = edge.below.slope if edge.below is not None else math.nan
        right = edge.above.slope if edge.above is not None else math.nan
        curv = [s.curvature for s in edge.sides if math.isfinite(s.curvature)]
        both = edge.below is not None and edge.above is not None
        out.append(
            EdgeCandidate(
                edge.x,
                value,
                left,
                right,
                curv[0] if curv else math.nan,
                kink=both and not same_slope(shape, left, right),
                stationary=both
                and same_slope(shape, left, 0.0)
                and same_slope(shape, right, 0.0),
            )
        )
    return out


def slopes_at(df: Fn, x: float, lo: float, hi: float) -> tuple[float, float]:
    """f' just left and just right of a kink at ``x`` (NaN outside [lo, hi]).

    Richardson's extrapolation of f'(x ± h) and f'(x ± h/2) to h = 0, with
    h = ``KINK_STEP`` times the width.
    """
    h = KINK_STEP * (hi - lo)
    out = []
    for direction in (-1.0, 1.0):
        far, near = x + direction * h, x + direction * 0.5 * h
        if not lo <= far <= hi:
            out.append(math.nan)
            continue
        with np.errstate(all="ignore"):
            v = np.asarray(df(np.array([far, near])), dtype=float)
        v = np.broadcast_to(v, (2,))
        out.append(float(2.0 * v[1] - v[0]))
    return out[0], out[1]


def search_slope(
    df: Fn,
    d2f: Fn | None,
    lo: float,
    hi: float,
    intervals: list[tuple[float, float]],
    declared: list[float],
) -> RootResult:
    """Every root of f' on ``intervals``, found as the roots of atan(f').

    atan keeps every root and sign of f' but bounds it, so the engine resolves
    f' up to the edge of a pole instead of chasing its size. ``d2f`` (or
    None) is f'', for Newton steps.
    """

    def g(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.arctan(df(x))

    def dg(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            s = df(x)
            return d2f(x) / (1.0 + s * s)

    return find_roots_on(g, lo, hi, intervals, declared, dg=dg if d2f else None)


def roots_where_finite(g: Fn, lo: float, hi: float) -> RootResult:
    """Every root of ``g`` on the stretches of [lo, hi] where it is finite.

    For goal seek (g = f - target) and inflections (g = f'') where f has a
    hole, a pole or an overflow; NotFiniteError when g is finite nowhere.
    """

    def quiet(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(g(x), dtype=float)

    shape = analyse(quiet, quiet, quiet, lo, hi)
    intervals = search_intervals(shape, quiet) if shape is not None else []
    if not intervals:
        raise NotFiniteError("g is not finite on any stretch of the interval")
    return search_slope(quiet, None, lo, hi, intervals, [])
