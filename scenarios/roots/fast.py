"""The fast paths of the root engine: one piece, or dyadic pieces.

Both certify every cell of the evenly spaced check grid from samples already
taken; whatever they cannot settle goes to the adaptive search in
:mod:`scenarios.roots.adaptive`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from scenarios.roots.chebyshev import (
    Fn,
    bend_bound,
    certify_piece,
    certify_rows,
    coefficient_matrix,
    crowded,
    derivative_matrix,
    largest,
    level_tables,
    local_bend,
    second_derivative_matrix,
    unit_points,
    unit_roots,
)
from scenarios.roots.polish import confirm_closed_form, polish_cells
from scenarios.roots.result import (
    Candidate,
    NotFiniteError,
    Refinement,
    RootResult,
    build,
    root_fields,
)
from scenarios.roots.tolerances import (
    CHECK_POINTS,
    CHECK_TOL,
    CHOP_TOL,
    FAR,
    LEVELS,
    SCALE_FLOOR,
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
    return _resolved(
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


def _resolved(
    lo: float,
    hi: float,
    roots: list[Candidate],
    values: list[float] | None,
    calls: int,
    **shape: object,
) -> RootResult:
    """The result of a fast path that found every root in simple cells.

    ``values`` are g at each root (or None), ``shape`` the pieces, degrees,
    points, scale, breaks and ends of the interpolant the path used.
    """
    k = len(roots)
    return build(
        RootResult,
        lo=lo,
        hi=hi,
        **root_fields(roots),
        function_calls=calls,
        resolved=True,
        flag="resolved",
        check_points=CHECK_POINTS,
        jumps=(),
        flat=(),
        values=tuple(values) if values is not None and len(values) == k else (),
        **shape,
    )


class Level(NamedTuple):
    """One level of :func:`dyadic_path`: which pieces settled, which stay open.

    All are check-grid indices where a piece starts: ``still_open`` are to be
    halved, ``starts`` and ``degrees`` are the settled pieces, ``singles`` the
    check cells among them that hold one root each; ``calls`` counts
    evaluations of g.
    """

    still_open: np.ndarray
    starts: np.ndarray
    degrees: np.ndarray
    singles: np.ndarray
    calls: int


def dyadic_path(
    g: Fn,
    lo: float,
    hi: float,
    xs: np.ndarray,
    ys: np.ndarray,
    scale: float,
    dg: Fn | None,
    seen: list,
) -> RootResult | None:
    """Dyadic pieces at 65 points, every piece of one level in one call of g.

    1. The whole interval is halved level by level (:func:`dyadic_level`); a
       piece stays when its coefficients fall to rounding level, its check
       points bend no more than its interpolant allows (as in
       :func:`quick_path`) and every check cell in it is certified to hold
       none or one root. Each piece is a run of the check grid, so the samples
       already taken there do the certifying. A resolved piece with an
       uncertain cell is halved too: its own scale, and so the rounding
       margin, is then smaller (as for e^x, tiny at one end);
    2. the single-root cells are polished on g.

    Returns None, leaving g to the full engine, when some piece is still open
    at ``LEVELS``, g is zero on a piece, or g is not resolved there.
    """
    n0 = SIZES[0]
    gx, gv = xs[n0:], ys[n0:]
    taken = sum(item[0].size for item in seen if item is not None)
    first = 2 if seen[-1] is None else 1
    pieces = _dyadic_pieces(g, gx, gv, SCALE_FLOOR * scale, first)
    if pieces is None:
        return None
    starts, degrees, idx, sampled = pieces
    roots, used, values = polish_cells(g, dg, gx, gv, idx, xtol_for(lo, hi))
    return _resolved(
        lo,
        hi,
        roots,
        values,
        xs.size + taken + sampled + used,
        pieces=int(starts.size),
        degrees=tuple(degrees.tolist()),
        points=n0 + taken + sampled,
        scale=max(scale, float(largest(np.abs(gv)))),
        breaks=tuple(gx[starts[1:]].tolist()),
        ends=(float(ys[0]), float(ys[n0 - 1])),
    )


def _dyadic_pieces(
    g: Fn, gx: np.ndarray, gv: np.ndarray, floor: float, first: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int] | None:
    """Step 1 of :func:`dyadic_path`: (piece starts, degrees, single cells, calls).

    Starts at ``first`` halvings; None when a piece is still open at ``LEVELS``.
    """
    total = CHECK_POINTS - 1
    # Check-grid index where each open piece starts.
    starts = np.arange(1 << first) * (total >> first)
    done: list[Level] = []
    calls = 0
    for level in range(first, LEVELS + 1):
        cells = total >> level
        found = dyadic_level(g, gx, gv, starts, cells, floor)
        if found is None:
            return None
        calls += found.calls
        if found.starts.size:
            done.append(found)
        if not found.still_open.size:
            break
        if level == LEVELS:
            return None
        halves = found.still_open
        starts = np.concatenate([halves, halves + (cells >> 1)])
    else:
        return None
    piece_starts = np.concatenate([d.starts for d in done])
    degrees = np.concatenate([d.degrees for d in done])
    order = np.argsort(piece_starts)
    idx = np.sort(np.concatenate([d.singles for d in done]))
    return piece_starts[order], degrees[order], idx, calls


def dyadic_level(
    g: Fn,
    gx: np.ndarray,
    gv: np.ndarray,
    starts: np.ndarray,
    cells: int,
    floor: float,
) -> Level | None:
    """Sample, chop, check and certify every piece of one dyadic level.

    The pieces begin at check-grid indices ``starts`` and span ``cells``
    check cells each; g at their 65 Chebyshev points comes in one call.
    None when g is zero on a whole piece.
    """
    n = SIZES[-1]
    _, unit = level_tables(cells)
    a, b = gx[starts], gx[starts + cells]
    half, mid = 0.5 * (b - a), 0.5 * (a + b)
    px = mid[:, None] + half[:, None] * unit[None, :]
    px[:, 0], px[:, -1] = a, b
    flat_x = px.ravel()
    with np.errstate(all="ignore"):
        pv = np.asarray(g(flat_x), dtype=float)
    if pv.shape != flat_x.shape:
        pv = np.broadcast_to(pv, flat_x.shape)
    if not np.isfinite(pv).all():
        raise NotFiniteError("g is not finite at some sample point")
    pv = pv.reshape(px.shape)
    run = gv[starts[:, None] + np.arange(cells + 1)[None, :]]
    piece_scale = np.maximum(np.abs(pv).max(axis=1), np.abs(run).max(axis=1))
    if not piece_scale.all():
        return None
    tol = CHOP_TOL * np.maximum(piece_scale, floor)
    c = pv @ coefficient_matrix(n).T
    big = np.abs(c) > tol[:, None]
    chopped = ~big[:, -chop_tail(n) :].any(axis=1)
    none = np.empty(0, dtype=starts.dtype)
    if not chopped.any():
        # Nothing resolved at this level: halve them all.
        return Level(starts, none, none, none, pv.size)
    if not chopped.all():
        # Only the resolved pieces are checked and certified.
        c, big, run = c[chopped], big[chopped], run[chopped]
        piece_scale = piece_scale[chopped]
    here = starts[chopped]
    m, single, settled = _settle(c, big, run, piece_scale, floor, cells)
    rows, cols = np.nonzero(single[settled])
    still = here[~settled]
    return Level(
        np.concatenate([starts[~chopped], still]) if not chopped.all() else still,
        here[settled],
        m[settled] - 1,
        here[settled][rows] + cols,
        pv.size,
    )


def _settle(
    c: np.ndarray,
    big: np.ndarray,
    run: np.ndarray,
    piece_scale: np.ndarray,
    floor: float,
    cells: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which chopped pieces of a level are settled: (lengths, single cells, settled).

    A piece settles when its check run bends no more than its interpolant
    allows and every cell is certified, by the global bound on p'' or, where
    that is loose, cell by cell.
    """
    n = SIZES[-1]
    m = np.where(big.any(axis=1), n - np.argmax(big[:, ::-1], axis=1), 1)
    c = np.where(np.arange(n)[None, :] < m[:, None], c, 0.0)
    c2 = c @ second_derivative_matrix(n).T
    h2 = (2.0 / cells) ** 2
    bend_h2 = np.abs(c2).sum(axis=1) * h2
    margin = CHECK_TOL * np.maximum(piece_scale, floor)
    rise = run[:, 1:] - run[:, :-1]
    bent = np.abs(rise[:, 1:] - rise[:, :-1]).max(axis=1)
    ok = bent <= bend_h2 + margin
    single, unclear = certify_rows(run, rise, bend_h2[:, None], margin)
    loose = ok & unclear.any(axis=1)
    if loose.any():
        # The global bound on p'' is loose where g is small: per cell.
        table, _ = level_tables(cells)
        ends = np.abs(c2[loose] @ table)
        top3 = np.abs(c2[loose] @ derivative_matrix(n).T).sum(axis=1)
        local = np.maximum(ends[:, :-1], ends[:, 1:])
        local += (2.0 / cells) * top3[:, None]
        bound = np.broadcast_to(bend_h2[:, None], single.shape).copy()
        bound[loose] = local * h2
        single, unclear = certify_rows(run, rise, bound, margin)
    return m, single, ok & ~unclear.any(axis=1)
