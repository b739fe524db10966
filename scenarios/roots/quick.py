"""The root engine's first fast path: the whole interval as one piece.

Certifies every cell of the evenly spaced check grid from samples already
taken; whatever it cannot settle goes to :mod:`scenarios.roots.dyadic`, then
to the adaptive search in :mod:`scenarios.roots.adaptive`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from scenarios.roots.chebyshev import (
    Fn,
    bend_bound,
    certify_piece,
    coefficient_matrix,
    crowded,
    largest,
    local_bend,
    unit_points,
    unit_roots,
)
from scenarios.roots.polish import confirm_closed_form, polish_cells
from scenarios.roots.result import (
    Candidate,
    NotFiniteError,
    Refinement,
    RootResult,
    fast_result,
)
from scenarios.roots.tolerances import (
    CHECK_POINTS,
    CHECK_TOL,
    CHOP_TOL,
    FAR,
    SIZES,
    UNIT_SLACK,
    chop_tail,
    xtol_for,
)

CHECK_STEP = 2.0 / (CHECK_POINTS - 1)
"""Spacing of the check grid in the unit variable of the whole interval."""

Found = tuple[list[Candidate], list[float] | None, int]
"""(roots, g at each root or None, evaluations of g)."""


class OnePiece(NamedTuple):
    """g on the whole interval as one interpolant, as :func:`quick_path` found it.

    ``v`` are g at the ``n`` Chebyshev points and ``c`` their coefficients, of
    which the first ``m`` matter; ``bend`` bounds p'' on [-1, 1], ``margin``
    is the rounding allowance on the check grid and ``calls`` counts every
    evaluation of g so far.
    """

    v: np.ndarray
    c: np.ndarray
    m: int
    n: int
    scale: float
    bend: float
    margin: float
    calls: int


def quick_path(
    g: Fn,
    lo: float,
    hi: float,
    xs: np.ndarray,
    ys: np.ndarray,
    scale: float,
    dg: Fn | None = None,
    seen: list | None = None,
) -> RootResult | None:
    """The whole interval as one piece: the common smooth, low-degree g.

    1. Sample 17, 33 or 65 Chebyshev points until the coefficients chop and
       g's second differences on the check grid respect the interpolant's
       bound on g'' (the sum of its second derivative's coefficients);
    2. a degree of at most two gives the roots in closed form;
    3. otherwise the check grid locates them, certified by the same bound: a
       cell whose ends share a sign cannot hide a root when both values exceed
       the largest possible dip, and a cell with a sign change holds exactly
       one root when the rise across it exceeds what a turning point allows.

    ``xs``, ``ys`` are the first 17 Chebyshev points then the check grid, and
    g there. Returns None, handing the problem to the full engine, when the
    piece is not resolved at 65 points or any cell stays uncertain.
    """
    if scale == 0.0:
        return None
    piece = _one_piece(g, lo, hi, ys, scale, seen)
    if piece is None:
        return None
    xtol = xtol_for(lo, hi)
    if piece.m <= 3:
        found = _closed_form(g, lo, hi, xs, ys, piece, xtol)
    else:
        found = _certified(g, dg, xs, ys, piece, xtol)
    if found is None:
        return None
    roots, values, used = found
    return fast_result(
        lo,
        hi,
        roots,
        values,
        piece.calls + used,
        pieces=1,
        degrees=(max(piece.m - 1, 0),),
        points=piece.n,
        scale=piece.scale,
        breaks=(),
        ends=(float(piece.v[0]), float(piece.v[-1])),
    )


def _one_piece(
    g: Fn, lo: float, hi: float, ys: np.ndarray, scale: float, seen: list | None
) -> OnePiece | None:
    """Step 1 of :func:`quick_path`: one interpolant of g on [lo, hi], or None.

    Each new size's samples go into ``seen`` (for the full engine, should this
    piece not do); a None there says the tail was far from rounding level, so
    no single piece will do and the dyadic path starts two halvings down.
    """
    n0 = SIZES[0]
    check = ys[n0:]
    v = ys[:n0]
    half, mid = 0.5 * (hi - lo), 0.5 * (lo + hi)
    calls = ys.size
    tol = CHOP_TOL * scale
    bent_top = None
    for n in SIZES:
        if n > n0:
            t = unit_points(n)[1::2]
            x_new = mid + half * t
            new = np.asarray(g(x_new), dtype=float)
            if new.shape != t.shape:
                new = np.broadcast_to(new, t.shape)
            calls += t.size
            w = np.empty(n)
            w[0::2], w[1::2] = v, new
            v = w
            if seen is not None:
                seen.append((x_new, new, v))
            top = float(np.abs(new).max())
            if not math.isfinite(top):
                raise NotFiniteError("g is not finite at some sample point")
            if top > scale:
                scale, tol = top, CHOP_TOL * top
        c = coefficient_matrix(n) @ v
        a = np.abs(c).tolist()
        tail = max(a[-chop_tail(n) :])
        if tail > tol:
            if seen is not None and tail > FAR * scale:
                seen.append(None)
                return None
            continue
        m = n
        while m and a[m - 1] <= tol:
            m -= 1
        # g on the check grid may bend no more than the interpolant can
        # (Markov's bound on its second derivative); a narrow feature the
        # Chebyshev points missed (or aliased) shows up as a larger second
        # difference, and more points are tried.
        bend = 4.0 * a[2] if m == 3 else 0.0 if m < 3 else bend_bound(c[:m])
        margin = CHECK_TOL * scale
        if bent_top is None:
            rise = check[1:] - check[:-1]
            bent_top = float(largest(np.abs(rise[1:] - rise[:-1])))
        if bent_top <= bend * CHECK_STEP * CHECK_STEP + margin:
            return OnePiece(v, c, m, n, scale, bend, margin, calls)
    return None


def _closed_form(
    g: Fn,
    lo: float,
    hi: float,
    xs: np.ndarray,
    ys: np.ndarray,
    piece: OnePiece,
    xtol: float,
) -> Found | None:
    """Step 2 of :func:`quick_path`: the roots of a degree-1 or -2 piece.

    1. the interpolant's roots, directly (None when they crowd);
    2. exact zeros at the samples, which beat a root right beside them;
    3. the rest confirmed on g by :func:`confirm_closed_form`;
    4. every sign change on the check grid must hold one of them.
    """
    n0 = SIZES[0]
    check = ys[n0:]
    half, mid = 0.5 * (hi - lo), 0.5 * (lo + hi)
    found = _low_degree_roots(piece.c, piece.m)
    if found is None:
        return None
    # A product that is not positive flags each sampled sign change and also
    # exact zeros (and rare underflows), so every zero on the check grid is
    # an end of a flagged cell.
    flagged = ((check[:-1] * check[1:]) <= 0).nonzero()[0].tolist()
    ends = [(check.item(i), check.item(i + 1)) for i in flagged]
    exact = _exact_zeros(xs, ys, piece.v, flagged, ends)
    cx = [mid + half * t for t, _ in found]
    if exact:
        cx = [x for x in cx if all(abs(x - e) > xtol for e in exact)]
    roots: list[Candidate] = []
    values: list[float] | None = []
    calls = 0
    if cx:
        confirmed = confirm_closed_form(g, lo, hi, cx, xtol)
        if confirmed is None:
            return None
        roots, values, calls = confirmed
    if exact:
        roots, values = _with_exact(roots, values, exact)
    if not _holds_every_crossing(xs[n0:], flagged, ends, [r.x for r in roots]):
        return None
    return roots, values, calls


def _low_degree_roots(c: np.ndarray, m: int) -> list[tuple[float, float]] | None:
    """Unit roots of a line or parabola as (real, |imag|); None when they crowd."""
    if m == 2:
        t0 = -float(c[0]) / float(c[1])
        return [(min(max(t0, -1.0), 1.0), 0.0)] if abs(t0) <= 1 + UNIT_SLACK else []
    found = unit_roots(c[:m])
    if any(crowded([t for t, _ in found], [i for _, i in found])):
        return None
    return found


def _exact_zeros(
    xs: np.ndarray,
    ys: np.ndarray,
    v: np.ndarray,
    flagged: list[int],
    ends: list[tuple[float, float]],
) -> list[float]:
    """Sorted sample points where g is exactly zero (first samples, check grid)."""
    n0 = SIZES[0]
    exact = [] if v.all() else xs[:n0][ys[:n0] == 0].tolist()
    for i, (ca, cb) in zip(flagged, ends, strict=True):
        if ca == 0:
            exact.append(xs.item(n0 + i))
        if cb == 0:
            exact.append(xs.item(n0 + i + 1))
    return sorted(set(exact)) if exact else []


def _with_exact(
    roots: list[Candidate], values: list[float] | None, exact: list[float]
) -> tuple[list[Candidate], list[float] | None]:
    """``roots`` and the exact zeros, sorted by x (g at an exact zero is 0)."""
    if values is not None:
        values = values + [0.0] * len(exact)
    roots = roots + [Candidate(x, Refinement.EXACT_AT_SAMPLE) for x in exact]
    if len(roots) > len(exact):
        order = sorted(range(len(roots)), key=lambda i: roots[i].x)
        roots = [roots[i] for i in order]
        if values is not None:
            values = [values[i] for i in order]
    return roots, values


def _holds_every_crossing(
    grid: np.ndarray,
    flagged: list[int],
    ends: list[tuple[float, float]],
    rx: list[float],
) -> bool:
    """Whether each strict sign change between check points holds a root."""
    for i, (ca, cb) in zip(flagged, ends, strict=True):
        if ca == 0 or cb == 0 or (ca < 0) == (cb < 0):
            continue
        p, q = grid.item(i), grid.item(i + 1)
        if not any(p <= r <= q for r in rx):
            return False
    return True


def _certified(
    g: Fn,
    dg: Fn | None,
    xs: np.ndarray,
    ys: np.ndarray,
    piece: OnePiece,
    xtol: float,
) -> Found | None:
    """Step 3 of :func:`quick_path`: every check cell certified, roots polished."""
    n0 = SIZES[0]
    check = ys[n0:]
    h = CHECK_STEP
    single, unclear = certify_piece(check, piece.bend * h * h, piece.margin)
    if unclear.size:
        # The global bound on g'' is loose where g is small: per cell.
        local = local_bend(piece.c[: piece.m], "check", piece.n)
        single, unclear = certify_piece(check, local * h * h, piece.margin)
        if unclear.size:
            return None
    idx = np.flatnonzero(single)
    roots, used, values = polish_cells(g, dg, xs[n0:], check, idx, xtol)
    return roots, values, used
