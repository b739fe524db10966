"""Where an objective can be computed: its pieces, holes, poles and overflows.

:func:`analyse` looks at f and f' as numpy computes them on [lo, hi] (what
the solver will evaluate, so a formula SymPy calls continuous, such as
x^(1/3) for x < 0, is still undefined where numpy gives NaN). Break points
come from the caller (zeros of the arguments of log, sqrt, division, tan, ...
for a typed formula) and from a grid where f or f' stops being finite, each
located by bisection. Between two break points f is defined or not as a whole;
at each break point the one-sided limits of f, f' and f'' are taken from the
caller's ``exact`` limits (SymPy, for a typed formula) or estimated here by
walking towards the point a decade at a time.

Nothing here decides an optimum or writes a sentence: that is
:mod:`scenarios.singular`, for :func:`scenarios.solver.solve`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

Fn = Callable[[np.ndarray], np.ndarray]
"""f, f' or f'' of x alone (the parameters already bound)."""

GRID = 1025
"""Evenly spaced points at which f and f' are first looked at, and at which
each zero-finding argument is sampled for sign changes."""

INSIDE = (0.1, 0.3, 0.5, 0.7, 0.9)
"""Fractions of a stretch between break points at which f must be finite for
the stretch to count as defined."""

DECADES = 15
"""Steps, a factor of ten each, by which a one-sided limit walks towards its
point: from half the room beside it down to about 1e-15 of it."""

TINY = 1e-300
"""Closest approach to x = 0 of a one-sided limit (x·log x, sin(x)/x)."""

GROWTH = 0.98
"""A limit is infinite when its last steps all move the same way, each at
least this share of the one before (a pole grows tenfold a decade, a log by
a constant; a convergent power such as x^0.3 shrinks its steps by half)."""

SAME = 1e-9
"""Merge tolerance, as a share of the width: break points closer than this
are one point (a zero found by brentq and the same edge found by bisection)."""

SAME_LIMIT = 1e-9
"""Two one-sided limits agree when they differ by less than this share of
their size: the point is then a removable hole, not a jump."""


@dataclass(frozen=True)
class Side:
    """f, f' and f'' as x approaches a break point from one side (NaN: unknown)."""

    limit: float
    slope: float
    curvature: float


@dataclass(frozen=True)
class Edge:
    """A break point: f there (NaN where undefined) and the limits beside it.

    ``below``/``above`` are None where that side lies outside [lo, hi] or f is
    undefined there. ``overflow`` is +1 (or -1) when f beyond this point is
    too large (or too negative) for a double rather than undefined.
    """

    x: float
    value: float
    below: Side | None
    above: Side | None
    overflow: int = 0

    @property
    def sides(self) -> tuple[Side, ...]:
        return tuple(s for s in (self.below, self.above) if s is not None)

    @property
    def filled(self) -> float:
        """f here, or the one limit both defined sides agree on (NaN if none)."""
        if math.isfinite(self.value):
            return self.value
        limits = [s.limit for s in self.sides]
        if not limits or not all(map(math.isfinite, limits)):
            return math.nan
        top = max(abs(v) for v in limits)
        if max(limits) - min(limits) <= SAME_LIMIT * max(1.0, top):
            return limits[0]
        return math.nan


@dataclass(frozen=True)
class Stretch:
    """The open interval between two neighbouring break points.

    ``defined``: f is finite there; ``sloped``: f' is finite there too;
    ``overflow``: f is ±inf there (+1 or -1) rather than NaN.
    """

    lo: float
    hi: float
    defined: bool
    sloped: bool
    overflow: int = 0


@dataclass(frozen=True)
class Definedness:
    """f on [lo, hi] as stretches between break points (``edges``, in order).

    ``edges[0]`` is lo and ``edges[-1]`` is hi; stretch i runs from edge i to
    edge i + 1. ``exact`` says whether SymPy gave the limits;
    ``slope_scale`` is the largest finite |f'| on the first grid.
    """

    lo: float
    hi: float
    edges: tuple[Edge, ...]
    stretches: tuple[Stretch, ...]
    exact: bool = False
    slope_scale: float = 1.0

    def pieces(self, overflow: bool = False) -> list[tuple[float, float, bool, bool]]:
        """Where f is defined, holes filled: (a, b, a open, b open), in order.

        With ``overflow``, a stretch where f overflows counts as defined.
        """
        out: list[tuple[float, float, bool, bool]] = []
        start, start_open = self.lo, False
        usable = [s.defined or (overflow and bool(s.overflow)) for s in self.stretches]
        for i, edge in enumerate(self.edges):
            here = math.isfinite(edge.filled) or (overflow and bool(edge.overflow))
            before = i > 0 and usable[i - 1]
            after = i < len(usable) and usable[i]
            if before:
                if here and after:
                    continue
                out.append((start, edge.x, start_open, not here))
            if after:
                start, start_open = edge.x, not here
            elif here and not before:
                out.append((edge.x, edge.x, False, False))  # an isolated point
        return out


def analyse(
    f: Fn,
    df: Fn,
    d2f: Fn,
    lo: float,
    hi: float,
    zeros: Sequence[float] = (),
    exact: Callable[[tuple[float, ...]], Mapping[float, tuple]] | None = None,
) -> Definedness | None:
    """f on [lo, hi] as pieces and break points; None when nothing is singular.

    ``zeros`` are candidate break points (where an argument of log, sqrt, a
    division, tan ... vanishes). ``exact(points)``, where given, maps each
    point it can handle to ``(below, above)`` Sides worked out exactly. None
    means f and f' are finite on the whole grid and at every candidate point
    with matching limits, so the smooth solver applies as it is.
    """
    width = hi - lo
    xs = np.linspace(lo, hi, GRID)
    fv, dv = _at(f, xs), _at(df, xs)
    ok_f, ok_d = np.isfinite(fv), np.isfinite(dv)
    inner = sorted({float(z) for z in zeros if lo <= z <= hi})
    if ok_f.all() and ok_d.all() and not inner:
        return None
    points = inner + _transitions(f, xs, ok_f) + _transitions(df, xs, ok_f & ok_d)
    cuts = _merged([lo, *points, hi], SAME * width)
    stretches = tuple(
        _stretch(f, df, a, b) for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    )
    limits = exact(tuple(cuts)) if exact is not None else {}
    edges = tuple(
        _edge(f, df, d2f, cuts, stretches, i, limits.get(x)) for i, x in enumerate(cuts)
    )
    finite = np.abs(dv[ok_d])
    scale = float(finite.max()) if finite.size else 1.0
    shape = Definedness(lo, hi, edges, stretches, bool(limits), scale)
    return None if _regular(shape) else shape


def _at(fn: Fn, xs: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        y = np.asarray(fn(xs), dtype=float)
    return np.broadcast_to(y, xs.shape) if y.shape != xs.shape else y


def _one(fn: Fn, x: float) -> float:
    return float(_at(fn, np.array([x]))[0])


def _transitions(fn: Fn, xs: np.ndarray, ok: np.ndarray) -> list[float]:
    """Where ``fn`` stops or starts being finite between grid points.

    Each change is bisected to neighbouring doubles and the point where fn is
    not finite is kept; a single non-finite grid point is kept as it is.
    """
    out: list[float] = []
    for i in np.flatnonzero(ok[:-1] != ok[1:]).tolist():
        a, b = float(xs[i]), float(xs[i + 1])
        if not ok[i] and i > 0 and ok[i - 1]:
            out.append(a)  # an isolated bad sample: bisecting would lose it
            continue
        if not ok[i + 1] and i + 2 < ok.size and ok[i + 2]:
            out.append(b)
            continue
        good_a = bool(ok[i])
        while True:
            m = 0.5 * (a + b)
            if not a < m < b:
                break
            if math.isfinite(_one(fn, m)) == good_a:
                a = m
            else:
                b = m
        out.append(b if good_a else a)
    return out


def _merged(points: list[float], tol: float) -> list[float]:
    """Sorted points, each cluster closer than ``tol`` kept once.

    The ends stay exactly; inside a cluster the first point given wins (the
    caller's zeros come before bisected ones).
    """
    lo, hi = points[0], points[-1]
    kept: list[float] = [lo, hi]
    for x in points[1:-1]:
        if all(abs(x - k) > tol for k in kept):
            kept.append(x)
    return sorted(kept)


def _stretch(f: Fn, df: Fn, a: float, b: float) -> Stretch:
    xs = a + (b - a) * np.array(INSIDE)
    fv = _at(f, xs)
    defined = bool(np.isfinite(fv).all())
    sloped = defined and bool(np.isfinite(_at(df, xs)).all())
    overflow = 0
    if not defined and np.isinf(fv).all() and abs(np.sign(fv).sum()) == fv.size:
        overflow = int(np.sign(fv[0]))
    return Stretch(a, b, defined, sloped, overflow)


def _edge(
    f: Fn,
    df: Fn,
    d2f: Fn,
    cuts: list[float],
    stretches: tuple[Stretch, ...],
    i: int,
    known: tuple | None,
) -> Edge:
    """Break point i: f there and, on each defined side, the limits beside it.

    Where f and f' are finite at the point they are its limits too; beside an
    overflow the values near the point stand for them (they only grow to the
    largest double); otherwise :func:`_approach` estimates each limit.
    """
    x = cuts[i]
    here = (_one(f, x), _one(df, x), _one(d2f, x))
    adjacent = [stretches[j] for j in (i - 1, i) if 0 <= j < len(stretches)]
    overflow = next((s.overflow for s in adjacent if s.overflow), 0)
    sides: list[Side | None] = [None, None]
    for k, j in ((0, i - 1), (1, i)):
        if not 0 <= j < len(stretches) or not stretches[j].defined:
            continue
        direction = -1.0 if k == 0 else 1.0
        room = stretches[j].hi - stretches[j].lo
        if known is not None and known[k] is not None:
            sides[k] = known[k]
        elif math.isfinite(here[0]) and math.isfinite(here[1]):
            sides[k] = Side(*here)
        elif overflow:
            near = x + direction * SAME * room
            sides[k] = Side(_one(f, near), _one(df, near), _one(d2f, near))
        else:
            limit = here[0]
            if not math.isfinite(limit):
                limit = _approach(f, x, direction, room)
            slope = _approach(df, x, direction, room)
            sides[k] = Side(limit, slope, _approach(d2f, x, direction, room))
    # At a pole f(x) may still be finite in doubles (tan at the double
    # nearest π/2): the limits say it is a hole.
    pole = any(s is not None and math.isinf(s.limit) for s in sides)
    value = here[0] if math.isfinite(here[0]) and not pole else math.nan
    return Edge(x, value, sides[0], sides[1], overflow)


def _approach(fn: Fn, x: float, direction: float, room: float) -> float:
    """The limit of ``fn`` at ``x`` from one side, estimated decade by decade.

    Infinite (with its sign) when the last steps keep one direction without
    shrinking (see ``GROWTH``); otherwise the value where the steps stop
    shrinking, before rounding noise takes over. Towards 0 the walk goes on
    to ``TINY``, as doubles are dense there.
    """
    floor = 8 * np.finfo(float).eps * abs(x) if x else TINY
    decades = DECADES if x else int(math.log10(0.5 * room / TINY))
    hs = 0.5 * room * 10.0 ** -np.arange(decades)
    hs = hs[hs > floor]
    v = _at(fn, x + direction * hs)
    v = v[np.isfinite(v)]
    if v.size < 4:
        return math.nan
    d = np.diff(v)
    tail = d[-6:]
    signs = np.sign(tail)
    if (
        tail.size >= 5
        and signs[0] != 0
        and (signs == signs[0]).all()
        and (np.abs(tail[1:]) >= GROWTH * np.abs(tail[:-1])).all()
    ):
        return math.copysign(math.inf, float(tail[-1]))
    size = np.abs(d)
    rising = np.flatnonzero(size[1:] > size[:-1])
    return float(v[int(rising[0]) + 1 if rising.size else -1])


def _regular(shape: Definedness) -> bool:
    """True when nothing is singular: one stretch after another, all finite."""
    if not all(s.defined and s.sloped for s in shape.stretches):
        return False
    for edge in shape.edges:
        if not math.isfinite(edge.value):
            return False
        slopes = [s.slope for s in edge.sides]
        if not all(map(math.isfinite, slopes)):
            return False
    return True


def zeros_of(fn: Fn, lo: float, hi: float) -> list[float]:
    """Zeros of ``fn`` on [lo, hi]: exact zeros on the grid and sign changes.

    Each sign change is refined by brentq to full precision; a zero where fn
    only touches 0 counts when a grid point lands on it.
    """
    xs = np.linspace(lo, hi, GRID)
    v = _at(fn, xs)
    found = xs[v == 0].tolist()
    s = np.sign(v)
    for i in np.flatnonzero(s[:-1] * s[1:] < 0).tolist():
        a, b = float(xs[i]), float(xs[i + 1])
        found.append(float(brentq(lambda t: _one(fn, t), a, b, xtol=1e-300)))
    return sorted(set(found))


def trusted_gap(df: Fn, x: float, direction: float, width: float, room: float) -> float:
    """How far from a break point the search for f' = 0 may start.

    From a billionth of the width, ten times further each time, until f' on
    the next stretch of that size is smooth rather than rounding noise (0/0
    near a removable hole cancels digits); at most a quarter of ``room``.
    """
    gap = 1e-9 * width
    top = 0.25 * room
    t = np.linspace(1.0, 2.0, 17)
    while gap < top:
        s = np.arctan(_at(df, x + direction * gap * t))
        d1 = np.diff(s)
        d2 = np.diff(d1)
        if np.isfinite(s).all() and (
            np.abs(d2).max() <= 0.25 * np.abs(d1).max() or np.abs(d2).max() < 1e-13
        ):
            return gap
        gap *= 10.0
    return top
