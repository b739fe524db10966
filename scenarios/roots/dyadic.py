"""The root engine's second fast path: dyadic pieces at 65 points.

Every piece of one level is sampled in one call of g, and every cell of the
evenly spaced check grid is certified from samples already taken; whatever
it cannot settle goes to the adaptive search in :mod:`scenarios.roots.adaptive`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from scenarios.roots.chebyshev import (
    Fn,
    certify_rows,
    coefficient_matrix,
    derivative_matrix,
    largest,
    level_tables,
    second_derivative_matrix,
)
from scenarios.roots.polish import polish_cells
from scenarios.roots.result import NotFiniteError, RootResult, fast_result
from scenarios.roots.tolerances import (
    CHECK_POINTS,
    CHECK_TOL,
    CHOP_TOL,
    LEVELS,
    SCALE_FLOOR,
    SIZES,
    chop_tail,
    xtol_for,
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
       :func:`~scenarios.roots.quick.quick_path`) and every check cell in it
       is certified to hold none or one root. Each piece is a run of the
       check grid, so the samples already taken there do the certifying. A
       resolved piece with an uncertain cell is halved too: its own scale,
       and so the rounding margin, is then smaller (as for e^x, tiny at one
       end);
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
    return fast_result(
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
