"""The fast paths of the root engine: one piece, or dyadic pieces.

Both certify every cell of the evenly spaced check grid from samples already
taken; whatever they cannot settle goes to the adaptive engine in
:mod:`scenarios.roots.engine`.
"""

from __future__ import annotations

import math

import numpy as np

from scenarios.roots.chebyshev import (
    CHECK_POINTS,
    CHECK_TOL,
    CHOP_TOL,
    EPS,
    MAX_DEGREE,
    SCALE_FLOOR,
    SIZES,
    Fn,
    bend_bound,
    certify_piece,
    certify_rows,
    coefficient_matrix,
    derivative_matrix,
    level_tables,
    local_bend,
    second_derivative_matrix,
    unit_points,
    unit_roots,
)
from scenarios.roots.polish import confirm_closed_form, polish_cells
from scenarios.roots.result import NotFiniteError, RootResult, build

LEVELS = 5
"""Deepest halving of the dyadic path (32 pieces of 32 check cells each)."""
FAR = 1e-2
"""A coefficient tail above this fraction of the scale is far from resolved."""


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

    Samples 17, 33 or 65 Chebyshev points. The interpolant bounds g'' (the sum
    of its second derivative's coefficients), and g's second differences on the check
    grid must respect that bound. A degree of at most two gives the roots in
    closed form; otherwise the check grid locates them, certified by the same
    bound: a cell whose ends share a sign cannot hide a root when both values
    exceed the largest possible dip, and a cell with a sign change holds
    exactly one root when the rise across it exceeds what a turning point
    would allow.
    Returns None, handing the problem to the full engine, when the piece is
    not resolved at 65 points or any cell stays uncertain.
    """
    if scale == 0.0:
        return None
    n0 = SIZES[0]
    check = ys[n0:]
    v = ys[:n0]
    half, mid = 0.5 * (hi - lo), 0.5 * (lo + hi)
    calls = xs.size
    tol = CHOP_TOL * scale
    h = 2.0 / (CHECK_POINTS - 1)
    bent = None
    top_bent = 0.0
    for n in SIZES:
        if n > n0:
            t = unit_points(n)[1::2]
            new = np.asarray(g(mid + half * t), dtype=float)
            if new.shape != t.shape:
                new = np.broadcast_to(new, t.shape)
            calls += t.size
            w = np.empty(n)
            w[0::2], w[1::2] = v, new
            v = w
            if seen is not None:
                # Kept for the full engine, should this piece not do.
                seen.append((mid + half * t, new, v))
            top = float(np.abs(new).max())
            if not math.isfinite(top):
                raise NotFiniteError("g is not finite at some sample point")
            if top > scale:
                scale, tol = top, CHOP_TOL * top
        c = coefficient_matrix(n) @ v
        a = np.abs(c).tolist()
        if max(a[-max(4, n // 4) :]) > tol:
            if seen is not None and max(a[-max(4, n // 4) :]) > FAR * scale:
                # Far from rounding level: no single piece will do, so the
                # dyadic path starts two halvings down (None marks this).
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
        if bent is None:
            rise = check[1:] - check[:-1]
            bent = np.abs(rise[1:] - rise[:-1])
            top_bent = float(MAX_DEGREE(bent))
        if top_bent <= bend * h * h + margin:
            break
    else:
        return None
    xtol = 2 * EPS * max(1.0, abs(lo), abs(hi))
    roots: list[tuple] = []
    values: list[float] | None = []
    if m <= 3:
        if m == 2:  # a line: its root in closed form
            t0 = -float(c[0]) / float(c[1])
            found = [(min(max(t0, -1.0), 1.0), 0.0)] if abs(t0) <= 1 + 1e-8 else []
        else:
            found = unit_roots(c[:m])
            for i in range(len(found) - 1):
                if found[i + 1][0] - found[i][0] < 1e-3:
                    return None
            if any(i > 1e-7 for _, i in found):
                return None
        # Each sampled sign change must hold a root found above; a product
        # that is not positive also flags exact zeros (and rare underflows),
        # so every zero on the check grid is an end of a flagged cell.
        flagged = ((check[:-1] * check[1:]) <= 0).nonzero()[0].tolist()
        ends = [(check.item(i), check.item(i + 1)) for i in flagged]
        exact = [] if v.all() else xs[:n0][ys[:n0] == 0].tolist()
        for i, (ca, cb) in zip(flagged, ends, strict=True):
            if ca == 0:
                exact.append(xs.item(n0 + i))
            if cb == 0:
                exact.append(xs.item(n0 + i + 1))
        cx = [mid + half * t for t, _ in found]
        if exact:
            # An exact zero at a sample beats a polished root next to it.
            exact = sorted(set(exact))
            cx = [x for x in cx if all(abs(x - e) > xtol for e in exact)]
        if cx:
            confirmed = confirm_closed_form(g, lo, hi, cx, xtol)
            if confirmed is None:
                return None
            roots, values, used = confirmed
            calls += used
        if exact:
            if values is not None:
                values = values + [0.0] * len(exact)  # g is 0 there
            roots += [(x, "exact at a sample", False, None) for x in exact]
            if len(roots) > len(exact):
                order = sorted(range(len(roots)), key=lambda i: roots[i][0])
                roots = [roots[i] for i in order]
                if values is not None:
                    values = [values[i] for i in order]
        rx = [r[0] for r in roots]
        for i, (ca, cb) in zip(flagged, ends, strict=True):
            if ca == 0 or cb == 0 or (ca < 0) == (cb < 0):
                continue
            p, q = xs.item(n0 + i), xs.item(n0 + i + 1)
            for r in rx:
                if p <= r <= q:
                    break
            else:
                return None
    else:
        # Certify the check grid: every cell either holds no root or one.
        single, unclear = certify_piece(check, bend * h * h, margin)
        if unclear.size:
            # The global bound on g'' is loose where g is small: per cell.
            local = local_bend(c[:m], "check", n)
            single, unclear = certify_piece(check, local * h * h, margin)
            if unclear.size:
                return None
        idx = np.flatnonzero(single)
        roots, used, values = polish_cells(g, dg, xs[n0:], check, idx, xtol)
        calls += used
    return _resolved(
        lo,
        hi,
        roots,
        values,
        calls,
        pieces=1,
        degrees=(max(m - 1, 0),),
        points=n,
        scale=scale,
        breaks=(),
        ends=(float(v[0]), float(v[-1])),
    )


def _resolved(
    lo: float,
    hi: float,
    roots: list,
    values: list | None,
    calls: int,
    **shape: object,
) -> RootResult:
    """The result of a fast path that found every root in simple cells.

    ``roots`` are (x, how refined, touching, bracket) rows, ``values`` g at
    each (or None), ``shape`` the pieces, degrees, points, scale, breaks and
    ends of the interpolant the path used.
    """
    k = len(roots)
    return build(
        RootResult,
        lo=lo,
        hi=hi,
        roots=tuple([r[0] for r in roots]),
        refined_by=tuple([r[1] for r in roots]),
        touching=(False,) * k,
        brackets=tuple([r[3] for r in roots]),
        function_calls=calls,
        resolved=True,
        flag="resolved",
        check_points=CHECK_POINTS,
        jumps=(),
        flat=(),
        values=tuple(values) if values is not None and len(values) == k else (),
        **shape,
    )


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

    The whole interval is halved level by level; a piece stays when its
    coefficients fall to rounding level, its check points bend no more than
    its interpolant allows (as in :func:`quick_path`) and every check cell in it is
    certified to hold none or one root. Each piece is a run of the check grid,
    so the samples already taken there do the certifying. A resolved piece
    with an uncertain cell is halved too: its own scale, and so the rounding
    margin, is then smaller (as for e^x, tiny at one end). Returns None,
    leaving g to the full engine, when some piece is still open at
    ``LEVELS``, g is zero on a piece, or g is not resolved there.
    """
    n0, n = SIZES[0], SIZES[-1]
    total = CHECK_POINTS - 1
    gx, gv = xs[n0:], ys[n0:]
    floor = SCALE_FLOOR * scale
    matrix = coefficient_matrix(n)
    d2 = second_derivative_matrix(n)
    d1 = derivative_matrix(n)
    keep = np.arange(n)
    taken = sum(item[0].size for item in seen if item is not None)
    calls = xs.size + taken
    points = n0 + taken
    first = 2 if seen[-1] is None else 1
    # Check-grid index where each open piece starts.
    starts = np.arange(1 << first) * (total >> first)
    done: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # starts, degrees
    single_cells: list[np.ndarray] = []
    for level in range(first, LEVELS + 1):
        cells = total >> level
        table, unit = level_tables(cells)
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
        calls += pv.size
        points += pv.size
        pv = pv.reshape(px.shape)
        run = gv[starts[:, None] + np.arange(cells + 1)[None, :]]
        piece_scale = np.maximum(np.abs(pv).max(axis=1), np.abs(run).max(axis=1))
        if not piece_scale.all():
            return None
        tol = CHOP_TOL * np.maximum(piece_scale, floor)
        c = pv @ matrix.T
        big = np.abs(c) > tol[:, None]
        chopped = ~big[:, -max(4, n // 4) :].any(axis=1)
        if not chopped.any():
            open_ = starts  # nothing resolved at this level: halve them all
        else:
            if not chopped.all():
                # Only the resolved pieces are checked and certified.
                c, big, run = c[chopped], big[chopped], run[chopped]
                piece_scale = piece_scale[chopped]
            here = starts[chopped]
            m = np.where(big.any(axis=1), n - np.argmax(big[:, ::-1], axis=1), 1)
            c = np.where(keep[None, :] < m[:, None], c, 0.0)
            c2 = c @ d2.T
            h2 = (2.0 / cells) ** 2
            bend_h2 = np.abs(c2).sum(axis=1) * h2
            margin = CHECK_TOL * np.maximum(piece_scale, floor)
            rise = run[:, 1:] - run[:, :-1]
            bent = np.abs(rise[:, 1:] - rise[:, :-1]).max(axis=1)
            ok = bent <= bend_h2 + margin
            # Certify every cell of the pieces that are resolved.
            single, unclear = certify_rows(run, rise, bend_h2[:, None], margin)
            loose = ok & unclear.any(axis=1)
            if loose.any():
                ends = np.abs(c2[loose] @ table)
                top3 = np.abs(c2[loose] @ d1.T).sum(axis=1)
                local = np.maximum(ends[:, :-1], ends[:, 1:])
                local += (2.0 / cells) * top3[:, None]
                bound = np.broadcast_to(bend_h2[:, None], single.shape).copy()
                bound[loose] = local * h2
                single, unclear = certify_rows(run, rise, bound, margin)
            settled = ok & ~unclear.any(axis=1)
            if settled.any():
                done.append((here[settled], m[settled] - 1))
                rows, cols = np.nonzero(single[settled])
                single_cells.append(here[settled][rows] + cols)
            open_ = (
                np.concatenate([starts[~chopped], here[~settled]])
                if not chopped.all()
                else here[~settled]
            )
        if not open_.size:
            break
        if level == LEVELS:
            return None
        starts = np.concatenate([open_, open_ + (cells >> 1)])
    else:
        return None
    piece_starts = np.concatenate([d[0] for d in done])
    degrees = np.concatenate([d[1] for d in done])
    order = np.argsort(piece_starts)
    piece_starts, degrees = piece_starts[order], degrees[order]
    idx = np.sort(np.concatenate(single_cells))
    xtol = 2 * EPS * max(1.0, abs(lo), abs(hi))
    roots, used, values = polish_cells(g, dg, gx, gv, idx, xtol)
    calls += used
    return _resolved(
        lo,
        hi,
        roots,
        values,
        calls,
        pieces=int(piece_starts.size),
        degrees=tuple(degrees.tolist()),
        points=points,
        scale=max(scale, float(MAX_DEGREE(np.abs(gv)))),
        breaks=tuple(gx[piece_starts[1:]].tolist()),
        ends=(float(ys[0]), float(ys[n0 - 1])),
    )
