"""Polishing roots on the true g: brentq, vectorised Newton, regula falsi."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import brentq

from scenarios.roots.chebyshev import Fn, largest
from scenarios.roots.result import Candidate, Refinement
from scenarios.roots.tolerances import (
    BRENTQ_MAXITER,
    FEW_CELLS,
    ILLINOIS_STEPS,
    LEAN_NEWTON_STEPS,
    NEWTON_SETTLED,
    NEWTON_STEPS,
    ROUNDING_GAP,
    RTOL,
    TIGHT,
)

Floats = np.ndarray | Sequence[float]
"""Bracket ends or values: an array, or a list of floats."""
Polished = tuple[list[Candidate], int, list[float] | None]
"""(roots, evaluations of g, g at each root or None)."""


class Unrepeatable(Exception):
    """g gave different signs at the same x (noise, not a function)."""


def polish_newton(
    g: Fn, dg: Fn, a: Floats, b: Floats, ga: Floats, gb: Floats, xtol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Refine many sign-change brackets at once by safeguarded Newton steps.

    Each step is one vectorised call of g and one of g'; a step that leaves
    its bracket is replaced by the bracket's midpoint, and every bracket keeps
    its sign change. A root counts only when g changes sign one tolerance
    either side of it. Returns (roots, bracket starts, bracket ends,
    confirmed, evaluations); the unconfirmed are left to a scalar solver.
    """
    a, b, ga, gb = (np.array(v, dtype=float) for v in (a, b, ga, gb))
    a0, b0 = a.copy(), b.copy()
    tiny = np.maximum(xtol, NEWTON_SETTLED * (b - a))
    with np.errstate(all="ignore"):
        x = b - gb * (b - a) / (gb - ga)
    x = np.where((x > a) & (x < b), x, 0.5 * (a + b))
    calls = 0
    active = np.ones(x.size, dtype=bool)
    for _ in range(NEWTON_STEPS):
        with np.errstate(all="ignore"):
            gx = np.asarray(g(x), dtype=float)
            sx = np.asarray(dg(x), dtype=float)
        if gx.shape != x.shape:
            gx = np.broadcast_to(gx, x.shape)
        if sx.shape != x.shape:
            sx = np.broadcast_to(sx, x.shape)
        calls += 2 * int(active.sum())
        same = (gx < 0) == (ga < 0)
        a = np.where(active & same, x, a)
        ga = np.where(active & same, gx, ga)
        b = np.where(active & ~same, x, b)
        gb = np.where(active & ~same, gx, gb)
        with np.errstate(all="ignore"):
            new = x - gx / sx
        inside = np.isfinite(new) & (new >= a) & (new <= b)
        # Newton converges quadratically: after a step a millionth of the
        # bracket, the next one is below rounding, so it is taken as the last
        # (the sign test below confirms it, or brentq takes over).
        done = (gx == 0) | (inside & (np.abs(new - x) <= tiny))
        new = np.where(inside, new, 0.5 * (a + b))
        x = np.where(active & (gx != 0), new, x)
        active &= ~done
        if not active.any():
            break
    lo_x = np.maximum(x - xtol, a0)
    hi_x = np.minimum(x + xtol, b0)
    both = np.asarray(g(np.concatenate([lo_x, hi_x])), dtype=float)
    k = x.size
    calls += 2 * k
    ca, cb = both[:k], both[k:]
    ok = (ca <= 0) & (cb >= 0) | (ca >= 0) & (cb <= 0)
    return x, lo_x, hi_x, ok, calls


def polish_many(
    g: Fn, a: Floats, b: Floats, ga: Floats, gb: Floats, xtol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Refine many sign-change brackets at once (Illinois regula falsi).

    Every step is one vectorised call of g; each bracket keeps its sign change,
    so it converges like any bracketing method. Returns (roots, bracket
    starts, bracket ends, evaluations).
    """
    a, b, ga, gb = (np.array(v, dtype=float) for v in (a, b, ga, gb))
    kept = np.zeros(a.size)  # +1: b kept last step, -1: a kept last step
    calls = 0
    for _ in range(ILLINOIS_STEPS):
        open_ = (b - a) > xtol + RTOL * np.maximum(np.abs(a), np.abs(b))
        open_ &= (ga != 0) & (gb != 0)
        if not open_.any():
            break
        with np.errstate(all="ignore"):
            x = b - gb * (b - a) / (gb - ga)
        x = np.where((x > a) & (x < b), x, 0.5 * (a + b))
        x = np.where(open_, x, a)
        gx = np.asarray(g(x), dtype=float)
        gx = np.broadcast_to(gx, x.shape)
        calls += int(open_.sum())
        same_as_a = (gx < 0) == (ga < 0)
        move_a = open_ & same_as_a & (gx != 0)
        move_b = open_ & ~same_as_a & (gx != 0)
        hit = open_ & (gx == 0)
        # Illinois: halve the value at an end kept twice in a row.
        gb = np.where(move_a & (kept > 0), 0.5 * gb, gb)
        ga = np.where(move_b & (kept < 0), 0.5 * ga, ga)
        a, ga = (
            np.where(move_a | hit, x, a),
            np.where(move_a, gx, np.where(hit, 0.0, ga)),
        )
        b, gb = (
            np.where(move_b | hit, x, b),
            np.where(move_b, gx, np.where(hit, 0.0, gb)),
        )
        kept = np.where(move_a, 1.0, np.where(move_b, -1.0, kept))
    root = np.where(
        ga == 0, a, np.where(gb == 0, b, np.where(np.abs(ga) <= np.abs(gb), a, b))
    )
    return root, a, b, calls


def confirm_closed_form(
    g: Fn, lo: float, hi: float, cx: list[float], xtol: float
) -> tuple[list[Candidate], list[float] | None, int] | None:
    """Confirm closed-form roots of a degree-1 or -2 interpolant on the true g.

    The interpolant's root usually is g's root to rounding, so a sign change
    one tolerance either side confirms it at once (g at the root itself comes
    in the same call, as its residual); otherwise one secant step in a
    ``TIGHT`` bracket comes first. Returns (roots, g at each root or None,
    evaluations), or None when neither confirms.
    """
    k = len(cx)
    if k == 1:
        x = cx[0]
        xa, xb = [max(x - xtol, lo)], [min(x + xtol, hi)]
        z = np.array((xa[0], xb[0], x))
    else:
        xa = [x - xtol if x - xtol > lo else lo for x in cx]
        xb = [x + xtol if x + xtol < hi else hi for x in cx]
        z = np.array(xa + xb + cx)
    conf = np.asarray(g(z), dtype=float)
    if conf.shape != z.shape:
        conf = np.broadcast_to(conf, z.shape)
    conf = conf.tolist()
    calls = 3 * k
    out = []
    values: list[float] | None = []
    retry = []
    for i in range(k):
        ca, cb = conf[i], conf[k + i]
        if (ca <= 0 <= cb) or (cb <= 0 <= ca):
            out.append(Candidate(cx[i], Refinement.CLOSED_FORM, (xa[i], xb[i])))
            values.append(conf[2 * k + i])
        else:
            retry.append(cx[i])
    if retry:
        values = None
        d = max(TIGHT * (hi - lo), ROUNDING_GAP * max(1.0, abs(lo), abs(hi)))
        lo_d = [max(x - d, lo) for x in retry]
        hi_d = [min(x + d, hi) for x in retry]
        r = len(retry)
        probe = np.asarray(g(np.array(lo_d + hi_d)), dtype=float).tolist()
        calls += 4 * r
        x1 = []
        for i in range(r):
            p, q, gp, gq = lo_d[i], hi_d[i], probe[i], probe[r + i]
            if not ((gp <= 0 <= gq) or (gq <= 0 <= gp)):
                return None
            if gp == 0 or gq == 0:
                x1.append(p if gp == 0 else q)
            else:
                x1.append(min(max(p - gp * (q - p) / (gq - gp), p), q))
        xa = [max(x - xtol, lo) for x in x1]
        xb = [min(x + xtol, hi) for x in x1]
        conf = np.asarray(g(np.array(xa + xb)), dtype=float).tolist()
        for i in range(r):
            ca, cb = conf[i], conf[r + i]
            if not ((ca <= 0 <= cb) or (cb <= 0 <= ca)):
                return None
            out.append(Candidate(x1[i], Refinement.SECANT, (xa[i], xb[i])))
        out.sort()
    return out, values, calls


def _newton_lean(
    g: Fn,
    dg: Fn,
    a: np.ndarray,
    b: np.ndarray,
    ga: np.ndarray,
    gb: np.ndarray,
    xtol: float,
) -> Polished | None:
    """Plain vectorised Newton from the secant point of each certified cell.

    Each cell holds exactly one root and g is monotone across it, so Newton
    from inside converges fast; it stops once every step is a millionth of
    its cell (the next would be below rounding). The result stands only when
    every root stays in its cell and g changes sign one tolerance either
    side of it; otherwise None, and the safeguarded :func:`polish_newton`
    takes over. Returns (roots, evaluations) like :func:`polish_cells`.
    """
    with np.errstate(all="ignore"):
        x = b - gb * (b - a) / (gb - ga)
        tiny = largest(np.maximum(xtol, NEWTON_SETTLED * (b - a)))
        calls = 0
        for _ in range(LEAN_NEWTON_STEPS):
            step = np.asarray(g(x), dtype=float) / np.asarray(dg(x), dtype=float)
            calls += 2 * x.size
            x = x - step
            if largest(np.abs(step)) <= tiny:
                break
        else:
            return None
    k = x.size
    lo_x = np.maximum(x - xtol, a)
    hi_x = np.minimum(x + xtol, b)
    # g at the roots comes in the same call, as their residuals.
    both = np.asarray(g(np.concatenate([lo_x, hi_x, x])), dtype=float)
    calls += 3 * k
    ca, cb = both[:k], both[k : 2 * k]
    if not (((ca <= 0) & (cb >= 0) | (ca >= 0) & (cb <= 0)) & (lo_x <= hi_x)).all():
        return None
    roots = [
        Candidate(r, Refinement.NEWTON, (p, q))
        for r, p, q in zip(x.tolist(), lo_x.tolist(), hi_x.tolist(), strict=True)
    ]
    return roots, calls, both[2 * k :].tolist()


def polish_cells(
    g: Fn, dg: Fn | None, gx: np.ndarray, gv: np.ndarray, idx: np.ndarray, xtol: float
) -> Polished:
    """Polish the roots in certified cells ``[gx[i], gx[i + 1]]``, i in ``idx``.

    ``gv`` is the true g at ``gx``, so every cell's sign change is already
    known: safeguarded Newton (with g') for two or more, Illinois regula falsi
    for many without g', brentq otherwise. Returns (roots, evaluations, g at
    the roots or None).
    """
    calls = 0
    roots: list[Candidate] = []
    if idx.size > 1 and dg is not None:
        lean = _newton_lean(g, dg, gx[idx], gx[idx + 1], gv[idx], gv[idx + 1], xtol)
        if lean is not None:
            return lean
        root, ra, rb, ok, used = polish_newton(
            g, dg, gx[idx], gx[idx + 1], gv[idx], gv[idx + 1], xtol
        )
        calls += used
        roots = [
            Candidate(r, Refinement.NEWTON, (p, q))
            for r, p, q, good in zip(
                root.tolist(), ra.tolist(), rb.tolist(), ok.tolist(), strict=True
            )
            if good
        ]
        rest = idx[~ok].tolist()
    elif idx.size > FEW_CELLS:
        root, ra, rb, used = polish_many(
            g, gx[idx], gx[idx + 1], gv[idx], gv[idx + 1], xtol
        )
        calls += used
        return (
            [
                Candidate(r, Refinement.ILLINOIS, (p, q))
                for r, p, q in zip(root.tolist(), ra.tolist(), rb.tolist(), strict=True)
            ],
            calls,
            None,
        )
    else:
        rest = idx.tolist()
    if rest:

        def g1(x: float) -> float:
            return float(g(np.float64(x)))

        for i in rest:
            r, used, bracket = polish_root(
                g1, float(gx[i]), float(gx[i + 1]), float(gv[i]), float(gv[i + 1]), xtol
            )
            calls += used
            roots.append(Candidate(r, Refinement.BRENTQ, bracket))
        roots.sort()
    return roots, calls, None


def polish_root(
    g1: Callable[[float], float],
    a: float,
    b: float,
    ga: float,
    gb: float,
    xtol: float,
) -> tuple[float, int, tuple[float, float] | None]:
    """brentq on [a, b] where g1 changes sign: (root, evaluations, bracket).

    An end where g1 is zero is the root itself (no bracket). Raises
    :class:`Unrepeatable` when g1 no longer changes sign there.
    """
    if ga == 0:
        return a, 0, None
    if gb == 0:
        return b, 0, None
    try:
        root, info = brentq(
            g1,
            a,
            b,
            xtol=xtol,
            rtol=RTOL,
            maxiter=BRENTQ_MAXITER,
            full_output=True,
            disp=False,
        )
    except ValueError:
        # The signs seen a moment ago are gone: g is not a function of x alone.
        raise Unrepeatable from None
    return float(root), info.function_calls, (a, b)
