"""Every root of a smooth function on an interval: one engine for the package.

:func:`find_roots` serves the optimum (g = f'), goal seek (g = f - target),
the parameter seek and the inflection points (g = f''). The method follows
Chebfun's ideas, written here from scratch with numpy:

1. sample g at 17, 33, 65 Chebyshev points of a piece until its Chebyshev
   coefficients fall to rounding level relative to g's size on that piece;
   a piece that needs more than about 50 coefficients is split in half;
2. check every piece against g at ``CHECK_POINTS`` evenly spaced points of the
   whole interval, so a feature narrower than the Chebyshev samples (a narrow
   well or spike) forces a split instead of slipping through; most smooth g
   are settled on dyadic pieces (halves, quarters, ...) whose check points,
   already sampled, certify every cell, all pieces of a level sampled in one
   call of g; the rest go to the adaptive splitting below;
3. the roots of each piece's interpolant are bracketed on a fine grid, each
   cell certified by a bound on p'' (global, or cell by cell where that is
   loose) to hold none or one; otherwise they are the eigenvalues of its
   colleague matrix, and close clusters are re-solved on a zoomed window;
4. every candidate is polished on the true g to full double precision:
   ``brentq`` for a few, safeguarded vectorised Newton steps (with g') or
   Illinois regula falsi for many, each kept only with a sign change one
   tolerance either side; a candidate where g touches zero without crossing
   (a double root) is polished as a root of g' and kept when g vanishes there;
5. any sign change between neighbouring samples that still holds no root is
   bracketed and refined too, so no sampled crossing is ever dropped.

When g cannot be resolved within ``BUDGET`` samples, or a piece shrinks to
rounding level (a jump, noise), the result says so with ``resolved=False``.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from scenarios.errors import InputError
from scenarios.roots.chebyshev import (
    CHECK_POINTS,
    CHECK_TOL,
    CHOP_TOL,
    MAX_DEGREE,
    SCALE_FLOOR,
    SIZES,
    Fn,
    bend_bound,
    certify_piece,
    chop_length,
    coefficient_matrix,
    fine_matrix,
    fine_unit,
    first_unit,
    local_bend,
    unit_points,
    unit_roots,
)
from scenarios.roots.chebyshev import EPS as EPS  # re-exported
from scenarios.roots.fast import dyadic_path, quick_path
from scenarios.roots.polish import Unrepeatable, polish_many, polish_newton, polish_root
from scenarios.roots.result import NotFiniteError as NotFiniteError  # re-exported
from scenarios.roots.result import RootResult as RootResult  # re-exported
from scenarios.roots.result import build as build  # re-exported

BUDGET = 2**16
"""Most Chebyshev samples spent before g counts as unresolved."""
TOUCH_TOL = 1e-13
"""|g| at a touching root, as a fraction of the piece's scale."""
ZOOM_DEPTH = 4


class _Engine:
    """State of one :func:`find_roots` call (samples, pieces, counters)."""

    def __init__(self, g: Fn, lo: float, hi: float, budget: int) -> None:
        self.g, self.lo, self.hi, self.budget = g, lo, hi, budget
        self.calls = 0
        self.points = 0
        self.sample_x: list[np.ndarray] = []
        self.sample_g: list[np.ndarray] = []
        self.pieces: list[tuple[float, float, int]] = []
        self.flat: list[tuple[float, float]] = []
        self.candidates: list[tuple[float, float, float]] = []  # x, scale, imag
        self.brackets: list[tuple[np.ndarray, np.ndarray, float]] = []
        self.unresolved: str = ""

    def eval(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            y = np.asarray(self.g(x), dtype=float)
        if y.shape != x.shape:
            y = np.broadcast_to(y, x.shape)
        self.calls += x.size
        if not np.isfinite(y).all():
            raise NotFiniteError("g is not finite at some sample point")
        return y

    def piece(
        self,
        a: float,
        b: float,
        values: np.ndarray,
        check_x: np.ndarray,
        check_g: np.ndarray,
        check_fast: bool,
        depth: int,
    ) -> None:
        """Resolve g on [a, b] from its 17 samples ``values``; split if needed."""
        half, mid = 0.5 * (b - a), 0.5 * (a + b)
        v = values
        check_scale = float(np.abs(check_g).max()) if check_g.size else 0.0
        while True:
            n = v.size
            scale = max(float(np.abs(v).max()), check_scale)
            floor = SCALE_FLOOR * self.scale
            if scale == 0.0:
                self.flat.append((a, b))
                self.pieces.append((a, b, 0))
                return
            c = coefficient_matrix(n) @ v
            m = chop_length(c, max(scale, floor))
            if m is not None and check_g.size >= 3:
                # The check points inside the piece are evenly spaced: their
                # second differences may not exceed what the interpolant's
                # g'' allows, or a feature slipped between the samples.
                h = (check_x[1] - check_x[0]) / half
                allowed = bend_bound(c[:m]) * h * h + CHECK_TOL * max(scale, floor)
                if np.abs(np.diff(check_g, 2)).max() > allowed:
                    m = None
            if m is not None:
                self.pieces.append((a, b, m - 1))
                if scale > floor and not self._grid_roots(a, b, v, c[:m], scale, depth):
                    self._add_candidates(a, b, c[:m], scale, depth)
                return
            if n < SIZES[-1]:
                t = unit_points(2 * n - 1)[1::2]
                new = self.eval(mid + half * t)
                self.points += new.size
                self._keep(mid + half * t, new)
                w = np.empty(2 * n - 1)
                w[0::2], w[1::2] = v, new
                v = w
                continue
            break
        # Not resolved at the largest size: split, unless it is hopeless.
        if half <= 64 * EPS * max(abs(a), abs(b), self.hi - self.lo):
            self.unresolved = self.unresolved or (
                f"g varies faster than rounding allows near x = {mid:.6g}"
            )
            self.pieces.append((a, b, -1))
            return
        if self.points + 2 * SIZES[0] > self.budget:
            self.unresolved = self.unresolved or (
                f"{self.budget} samples were not enough to resolve g"
            )
            self.pieces.append((a, b, -1))
            return
        self._split(a, b, check_x, check_g, depth)

    def _grid_roots(self, a, b, v, c, scale, depth) -> bool:
        """Bracket the interpolant's roots on a fine grid, certified by g''.

        Each cell of the grid must provably hold no root or exactly one (see
        :func:`certify_piece`); a few cells that stay unclear are re-solved on their
        own. False leaves the piece to the colleague matrix.
        """
        n = v.size
        p = fine_matrix(n) @ v
        if not p.all():
            return False
        h = 2.0 / (p.size - 1)
        margin = 4 * CHOP_TOL * scale
        single, unclear = certify_piece(p, bend_bound(c) * h * h, margin)
        if unclear.size > 2:
            # The global bound on p'' is loose where g is small: per cell.
            local = local_bend(c, "fine", n)
            single, unclear = certify_piece(p, local * h * h, margin)
            if unclear.size > 2:
                return False
        half, mid = 0.5 * (b - a), 0.5 * (a + b)
        t = fine_unit(n)
        for i in unclear.tolist():
            za, zb = mid + half * t[i], mid + half * t[i + 1]
            if not self._zoom(za, zb, scale, max(depth, ZOOM_DEPTH - 1)):
                return False
        idx = np.flatnonzero(single)
        if idx.size:
            self.brackets.append((mid + half * t[idx], mid + half * t[idx + 1], scale))
        return True

    def _split(self, a, b, check_x, check_g, depth) -> None:
        mid = 0.5 * (a + b)
        t = unit_points(SIZES[0])
        left = 0.5 * (mid + a) + 0.5 * (mid - a) * t
        right = 0.5 * (b + mid) + 0.5 * (b - mid) * t
        xs = np.concatenate([left, right])
        ys = self.eval(xs)
        self.points += xs.size
        self._keep(xs, ys)
        k = int(np.searchsorted(check_x, mid, side="right"))
        self.piece(a, mid, ys[: SIZES[0]], check_x[:k], check_g[:k], False, depth)
        self.piece(mid, b, ys[SIZES[0] :], check_x[k:], check_g[k:], False, depth)

    def _keep(self, x: np.ndarray, y: np.ndarray) -> None:
        self.sample_x.append(x)
        self.sample_g.append(y)

    def _add_candidates(self, a, b, c, scale, depth) -> None:
        half, mid = 0.5 * (b - a), 0.5 * (a + b)
        found = unit_roots(c)
        if not found:
            return
        t = [r for r, _ in found]
        imag = [i for _, i in found]
        # Ill-conditioned clusters (near-complex or crowded roots): zoom in.
        crowded = [i > 1e-7 for i in imag]
        for i in range(len(t) - 1):
            if t[i + 1] - t[i] < 1e-3:
                crowded[i] = crowded[i + 1] = True
        if depth >= ZOOM_DEPTH or not any(crowded):
            self.candidates += [
                (mid + half * tk, scale, ik) for tk, ik in zip(t, imag, strict=True)
            ]
            return
        i = 0
        while i < len(t):
            if not crowded[i]:
                self.candidates.append((mid + half * t[i], scale, imag[i]))
                i += 1
                continue
            j = i
            while j + 1 < len(t) and crowded[j + 1] and t[j + 1] - t[j] < 1e-3:
                j += 1
            spread = t[j] - t[i] + max(imag[i : j + 1])
            radius = half * max(4 * spread, 1e-9)
            centre = mid + half * 0.5 * (t[i] + t[j])
            za, zb = max(a, centre - radius), min(b, centre + radius)
            wide = zb - za > 64 * EPS * max(abs(za), abs(zb), 1e-300)
            if not (wide and self._zoom(za, zb, scale, depth + 1)):
                self.candidates += [
                    (mid + half * t[k], scale, imag[k]) for k in range(i, j + 1)
                ]
            i = j + 1

    def _zoom(self, a: float, b: float, parent_scale: float, depth: int) -> bool:
        """Re-solve a root cluster on [a, b] at its own scale.

        False (nothing kept) when g is not resolved there: its values are then
        rounding noise (as for f - target near a peak), not structure.
        """
        xs = ys = np.empty(0)
        half, mid = 0.5 * (b - a), 0.5 * (a + b)
        for n in SIZES:
            t = unit_points(n)
            xs, ys = mid + half * t, self.eval(mid + half * t)
            self.points += n
            scale = float(np.abs(ys).max())
            if scale == 0.0:
                return False
            c = coefficient_matrix(n) @ ys
            m = chop_length(c, scale)
            if m is not None:
                break
        else:
            return False
        self._keep(xs, ys)
        self.pieces.append((a, b, m - 1))
        # Candidates keep the parent's scale: "g is zero here" is judged
        # against the size of g, not of its values in this tiny window.
        self._add_candidates(a, b, c[:m], parent_scale, depth)
        return True

    scale: float = 0.0
    dg: Fn | None = None


def find_roots(
    g: Fn,
    lo: float,
    hi: float,
    *,
    dg: Fn | None = None,
    budget: int = BUDGET,
) -> RootResult:
    """Every root of ``g`` on the closed interval [lo, hi], in increasing order.

    ``g`` must accept a numpy array of x and return values of the same shape;
    ``dg`` (g', optional) polishes roots where g touches zero without crossing,
    and many sign-change brackets at once by safeguarded Newton steps.
    Requires lo < hi, both finite. Raises NotFiniteError when g is NaN or
    infinite at a sample point. A g that gives different values at the same x
    comes back unresolved with no roots.
    """
    try:
        return _with_exact_ends(_find_roots(g, lo, hi, dg, budget))
    except Unrepeatable:
        return RootResult(
            lo=float(lo),
            hi=float(hi),
            roots=(),
            refined_by=(),
            touching=(),
            brackets=(),
            function_calls=0,
            resolved=False,
            flag="g gave different values at the same x",
            pieces=0,
            degrees=(),
            points=0,
            check_points=CHECK_POINTS,
            scale=math.nan,
        )


def _with_exact_ends(result: RootResult) -> RootResult:
    """``result`` with an end of the interval where g is exactly zero as a root.

    The search paths look for sign changes and touching points inside the
    interval; an end where g(x) == 0 holds is a root all the same (g = f - target
    at a domain end that meets the target, f' = 0 at an end).
    """
    if result.ends is None:
        return result
    roots = list(result.roots)
    extra = [
        x
        for x, v in zip((result.lo, result.hi), result.ends, strict=True)
        if v == 0.0 and x not in roots and not any(a <= x <= b for a, b in result.flat)
    ]
    if not extra:
        return result
    rows = list(
        zip(roots, result.refined_by, result.touching, result.brackets, strict=True)
    )
    values = list(result.values)
    keep_values = len(values) == len(roots)
    for x in extra:
        rows.append((x, "exact", False, None))
        values.append(0.0)
    order = sorted(range(len(rows)), key=lambda i: rows[i][0])
    rows = [rows[i] for i in order]
    return replace(
        result,
        roots=tuple(r[0] for r in rows),
        refined_by=tuple(r[1] for r in rows),
        touching=tuple(r[2] for r in rows),
        brackets=tuple(r[3] for r in rows),
        values=tuple(values[i] for i in order) if keep_values else result.values,
    )


def _find_roots(g: Fn, lo: float, hi: float, dg: Fn | None, budget: int) -> RootResult:
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise InputError(f"need finite lo < hi, got [{lo}, {hi}]")
    half, mid = 0.5 * (hi - lo), 0.5 * (lo + hi)
    n0 = SIZES[0]
    xs = first_unit() * half
    xs += mid
    xs[0] = xs[n0] = lo
    xs[n0 - 1] = xs[-1] = hi
    ys = np.asarray(g(xs), dtype=float)
    if ys.shape != xs.shape:
        ys = np.broadcast_to(ys, xs.shape)
    scale = float(MAX_DEGREE(np.abs(ys)))
    if not math.isfinite(scale):
        raise NotFiniteError("g is not finite at some sample point")
    seen: list = []
    quick = quick_path(g, lo, hi, xs, ys, scale, dg, seen)
    if quick is not None:
        return quick
    if len(seen) == len(SIZES) - 1 or (seen and seen[-1] is None):
        pieces = dyadic_path(g, lo, hi, xs, ys, scale, dg, seen)
        if pieces is not None:
            return pieces
    ends = (float(ys[0]), float(ys[n0 - 1]))
    eng = _Engine(g, lo, hi, budget)
    eng.dg = dg
    eng.calls = xs.size
    eng.scale = scale
    eng.points = n0
    v, check_g = ys[:n0], ys[n0:]
    eng._keep(xs[:n0], v)
    eng._keep(xs[n0:], check_g)
    # The whole interval starts from the samples the quick path already took.
    for x_new, g_new, v_all in filter(None, seen):
        eng.calls += x_new.size
        eng.points += x_new.size
        eng._keep(x_new, g_new)
        v = v_all
    eng.piece(lo, hi, v, xs[n0:], check_g, True, 0)

    xtol = 2 * EPS * max(1.0, abs(lo), abs(hi))

    def g1(x: float) -> float:
        return float(eng.g(np.float64(x)))

    roots: list[tuple] = []
    if len(eng.sample_x) == 2:
        # First pass only: one sorted run each for the Chebyshev and check points.
        runs = [(xs, ys)]
        skip = n0 - 1  # the pair (hi, lo) where the two runs meet
    else:
        xs = np.concatenate(eng.sample_x)
        ys = np.concatenate(eng.sample_g)
        order = np.argsort(xs, kind="stable")
        runs, skip = [(xs[order], ys[order])], -1
    ((xs, ys),) = runs
    if not ys.all():
        roots += [
            (x, "exact at a sample", False, None)
            for x in np.unique(xs[ys == 0]).tolist()
            if not any(a <= x <= b for a, b in eng.flat)
        ]
    if eng.brackets:
        roots += _polish_brackets(eng, g1, xtol)
    if eng.candidates:
        roots += _polish_candidates(eng, g1, dg, xtol)
    extra_calls = 0

    # Safety net: every sampled sign change must hold a root.
    neg = ys < 0
    change = np.flatnonzero(neg[1:] != neg[:-1])
    jumps: list[float] = []
    if change.size:
        change = change[(change != skip) & (ys[change] != 0) & (ys[change + 1] != 0)]
    if change.size:
        roots.sort()
        rx = np.array([r[0] for r in roots])
        a_all, b_all = (
            np.minimum(xs[change], xs[change + 1]),
            np.maximum(xs[change], xs[change + 1]),
        )
        held = np.searchsorted(rx, b_all, "right") - np.searchsorted(rx, a_all, "left")
        for i in change[held == 0].tolist():
            a, b = float(xs[i]), float(xs[i + 1])
            if a == b:
                continue
            root, calls, _ = polish_root(g1, a, b, float(ys[i]), float(ys[i + 1]), xtol)
            value = g1(root)
            extra_calls += calls + 1
            if abs(value) > 1e-6 * eng.scale:
                jumps.append(root)
            else:
                roots.append((root, "brentq on a sampled sign change", False, (a, b)))
    roots.sort()
    merged: list[tuple] = []
    for r in roots:
        if merged and r[0] - merged[-1][0] <= xtol:
            if r[1].startswith("exact") and not merged[-1][1].startswith("exact"):
                merged[-1] = r  # an exact zero beats a polished root beside it
            continue
        merged.append(r)

    resolved = not eng.unresolved and not jumps
    flag = "resolved"
    if jumps:
        flag = f"g jumps across zero near x = {jumps[0]:.6g}"
    if eng.unresolved:
        flag = eng.unresolved
    pieces = sorted(eng.pieces)
    return RootResult(
        lo=lo,
        hi=hi,
        roots=tuple(r[0] for r in merged),
        refined_by=tuple(r[1] for r in merged),
        touching=tuple(r[2] for r in merged),
        brackets=tuple(r[3] for r in merged),
        function_calls=eng.calls + extra_calls,
        resolved=resolved,
        flag=flag,
        pieces=len(pieces),
        degrees=tuple(p[2] for p in pieces),
        points=eng.points,
        check_points=CHECK_POINTS,
        scale=eng.scale,
        breaks=tuple(p[0] for p in pieces[1:]),
        jumps=tuple(jumps),
        flat=_merge(eng.flat),
        ends=ends,
    )


def _polish_brackets(eng: _Engine, g1, xtol: float) -> list:
    """Refine the grid brackets on the true g; unconfirmed ones become candidates."""
    xa = np.concatenate([br[0] for br in eng.brackets])
    xb = np.concatenate([br[1] for br in eng.brackets])
    scales = np.concatenate([np.full(br[0].size, br[2]) for br in eng.brackets])
    k = xa.size
    ends = eng.eval(np.concatenate([xa, xb]))
    ga, gb = ends[:k], ends[k:]
    sign_change = ((ga < 0) != (gb < 0)) & (ga != 0) & (gb != 0)
    for i in np.flatnonzero(~sign_change).tolist():
        # No strict sign change on the true g (or an exact zero at an end,
        # which may be a touching root): the candidate path decides.
        x = xa[i] if ga[i] == 0 else xb[i] if gb[i] == 0 else 0.5 * (xa[i] + xb[i])
        eng.candidates.append((float(x), float(scales[i]), 0.0))
    idx = np.flatnonzero(sign_change)
    if idx.size == 0:
        return []
    if idx.size <= 3:
        out = []
        for i in idx.tolist():
            root, calls, bracket = polish_root(
                g1, float(xa[i]), float(xb[i]), float(ga[i]), float(gb[i]), xtol
            )
            eng.calls += calls
            out.append((root, "brentq on g", False, bracket))
        return out
    if eng.dg is not None:
        root, a, b, ok, calls = polish_newton(
            eng.g, eng.dg, xa[idx], xb[idx], ga[idx], gb[idx], xtol
        )
        eng.calls += calls
        out = [
            (r, "Newton on g, sign change confirmed", False, (p, q))
            for r, p, q, good in zip(
                root.tolist(), a.tolist(), b.tolist(), ok.tolist(), strict=True
            )
            if good
        ]
        for i in idx[~ok].tolist():
            root1, used, bracket = polish_root(
                g1, float(xa[i]), float(xb[i]), float(ga[i]), float(gb[i]), xtol
            )
            eng.calls += used
            out.append((root1, "brentq on g", False, bracket))
        return out
    root, a, b, calls = polish_many(eng.g, xa[idx], xb[idx], ga[idx], gb[idx], xtol)
    eng.calls += calls
    return [
        (float(r), "Illinois regula falsi on g", False, (float(p), float(q)))
        for r, p, q in zip(root, a, b, strict=True)
    ]


def _polish_candidates(eng: _Engine, g1, dg, xtol: float) -> list:
    """Polish the interpolant's roots on the true g; drop those that are not."""
    lo, hi = eng.lo, eng.hi
    cand: list[tuple[float, float, float]] = []
    for c in sorted(eng.candidates):
        if cand and c[0] - cand[-1][0] <= 4 * EPS * max(1.0, abs(c[0])):
            continue
        cand.append(c)
    cx = [c[0] for c in cand]
    k = len(cx)
    mids = [0.5 * (a + b) for a, b in zip(cx[:-1], cx[1:], strict=True)]
    left, right = [lo, *mids], [*mids, hi]
    tight = 1e-9 * (hi - lo)
    lo_d, hi_d = [], []
    for x, a, b in zip(cx, left, right, strict=True):
        d = max(min(tight, 0.5 * (x - a), 0.5 * (b - x)), 4 * EPS * max(1.0, abs(x)))
        lo_d.append(max(x - d, lo))
        hi_d.append(min(x + d, hi))
    probe = eng.eval(np.array(lo_d + hi_d)).tolist()
    g_lo, g_hi = probe[:k], probe[k:]
    # A secant step inside the tight bracket is exact to rounding for a smooth
    # g; a sign change one tolerance either side of it confirms the root.
    x1: list[float] = []
    crossing: list[int] = []
    for i in range(k):
        a, b, ga, gb = lo_d[i], hi_d[i], g_lo[i], g_hi[i]
        if (ga <= 0 <= gb) or (gb <= 0 <= ga):
            crossing.append(i)
            if ga == 0:
                x1.append(a)
            elif gb == 0:
                x1.append(b)
            else:
                x1.append(min(max(a - ga * (b - a) / (gb - ga), a), b))
    confirmed: set[int] = set()
    touched: set[int] = set()
    if crossing:
        xa = [max(x - xtol, lo) for x in x1]
        xb = [min(x + xtol, hi) for x in x1]
        conf = eng.eval(np.array(xa + xb)).tolist()
        n = len(crossing)
        for j, i in enumerate(crossing):
            ca, cb = conf[j], conf[n + j]
            if (ca <= 0 <= cb) or (cb <= 0 <= ca):
                confirmed.add(i)
            elif g_lo[i] == 0 or g_hi[i] == 0:
                touched.add(i)  # an exact zero with one sign either side
    roots_of = dict(zip(crossing, x1, strict=True))
    out: list[tuple] = []
    for i in range(k):
        if i in confirmed:
            x = roots_of[i]
            bracket = (max(x - xtol, lo), min(x + xtol, hi))
            out.append((x, "secant in a tight bracket", False, bracket))
            continue
        if i in touched:
            out.append((roots_of[i], "exact zero where g touches zero", True, None))
            continue
        found = None
        if i in roots_of:
            found = polish_root(g1, lo_d[i], hi_d[i], g_lo[i], g_hi[i], xtol)
        else:
            # Same sign either side: first ask whether g touches zero here
            # (only plausible where g is already tiny), then look for a
            # crossing the interpolant misplaced.
            tiny = min(abs(g_lo[i]), abs(g_hi[i])) <= 1e-8 * cand[i][1]
            touch = (
                _touching(eng, g1, dg, cx[i], left[i], right[i], xtol, cand[i][1])
                if tiny
                else None
            )
            if touch is not None:
                out.append(touch)
                continue
            ends = eng.eval(np.array([left[i], right[i]])).tolist()
            for a, b, ga, gb in (
                (left[i], lo_d[i], ends[0], g_lo[i]),
                (hi_d[i], right[i], g_hi[i], ends[1]),
            ):
                if ((ga <= 0 <= gb) or (gb <= 0 <= ga)) and a < b:
                    found = polish_root(g1, a, b, ga, gb, xtol)
                    break
        if found is not None:
            eng.calls += found[1]
            out.append((found[0], "brentq on g", False, found[2]))
    return out


def _merge(spans: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)


def _touching(eng, g1, dg, x, left, right, xtol, scale):
    """Polish a candidate where g does not cross zero as a root of g'."""
    if dg is not None:

        def slope(t: float) -> float:
            with np.errstate(all="ignore"):
                return float(dg(np.float64(t)))

        width = right - left
        steps = np.array([1e-7, 1e-5, 1e-3, 0.5]) * width
        ends = np.concatenate(
            [np.maximum(left, x - steps), np.minimum(right, x + steps)]
        )
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(dg(ends), dtype=float), ends.shape)
        eng.calls += ends.size
        for k in range(steps.size):
            a, b = float(ends[k]), float(ends[steps.size + k])
            sa, sb = float(values[k]), float(values[steps.size + k])
            if (sa <= 0 <= sb) or (sb <= 0 <= sa):
                root, calls, _ = polish_root(slope, a, b, sa, sb, xtol)
                eng.calls += calls
                break
        else:
            return None
        how = "touches zero: brentq on g'"
    else:
        from scipy.optimize import minimize_scalar

        res = minimize_scalar(
            lambda t: abs(g1(t)),
            bounds=(left, right),
            method="bounded",
            options={"xatol": xtol},
        )
        eng.calls += res.nfev
        root = float(res.x)
        how = "touches zero: minimum of |g|"
    value = g1(root)
    eng.calls += 1
    if abs(value) > TOUCH_TOL * scale:
        return None
    step = max(1e-9 * (right - left), 4 * xtol)
    a, b = max(root - step, left), min(root + step, right)
    below, above = g1(a), g1(b)
    eng.calls += 2
    if (below < 0) != (above < 0) and below != 0 and above != 0:
        # A crossing after all: polish it as one, to full precision.
        x, calls, bracket = polish_root(g1, a, b, below, above, xtol)
        eng.calls += calls
        return (x, "brentq on g", False, bracket)
    return (root, how, True, None)


def find_roots_between(
    g: Fn,
    lo: float,
    hi: float,
    breaks: list[float] | tuple[float, ...] = (),
    *,
    dg: Fn | None = None,
    budget: int = BUDGET,
) -> RootResult:
    """:func:`find_roots` searched separately between declared break points.

    ``breaks`` are points where g may jump (the kinks of abs, min or max in f
    make f' jump): each smooth stretch between them is resolved on its own,
    stopping a few rounding units short of every break so g is never sampled
    on the wrong side of its jump. The break points themselves are not roots;
    the caller judges them as candidates. With no break inside (lo, hi) this is
    exactly :func:`find_roots`.
    """
    lo, hi = float(lo), float(hi)
    width = hi - lo
    inner = sorted({float(b) for b in breaks if lo < b < hi}) if breaks else ()
    if not inner:
        return find_roots(g, lo, hi, dg=dg, budget=budget)
    edges = [lo, *inner, hi]
    parts = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if a != lo:
            a += 32 * EPS * max(1.0, abs(a), width)
        if b != hi:
            b -= 32 * EPS * max(1.0, abs(b), width)
        if b > a:
            parts.append(find_roots(g, a, b, dg=dg, budget=budget))
    return _join(lo, hi, parts)


def _join(lo: float, hi: float, parts: list[RootResult]) -> RootResult:
    """One :class:`RootResult` for consecutive searches covering [lo, hi]."""
    unresolved = [p for p in parts if not p.resolved]
    starts: list[float] = []
    for p in parts:
        starts += [p.lo, *p.breaks]
    return RootResult(
        lo=lo,
        hi=hi,
        roots=tuple(r for p in parts for r in p.roots),
        refined_by=tuple(r for p in parts for r in p.refined_by),
        touching=tuple(r for p in parts for r in p.touching),
        brackets=tuple(r for p in parts for r in p.brackets),
        function_calls=sum(p.function_calls for p in parts),
        resolved=not unresolved,
        flag=unresolved[0].flag if unresolved else "resolved",
        pieces=sum(p.pieces for p in parts),
        degrees=tuple(d for p in parts for d in p.degrees),
        points=sum(p.points for p in parts),
        check_points=sum(p.check_points for p in parts),
        scale=max(p.scale for p in parts),
        breaks=tuple(starts[1:]),
        jumps=tuple(j for p in parts for j in p.jumps),
        flat=_merge_touching([s for p in parts for s in p.flat], parts),
        values=tuple(v for p in parts for v in p.values)
        if all(len(p.values) == len(p.roots) for p in parts)
        else (),
        ends=(parts[0].ends[0], parts[-1].ends[1])
        if parts[0].ends and parts[-1].ends and parts[0].lo == lo and parts[-1].hi == hi
        else None,
    )


def _merge_touching(spans, parts) -> tuple[tuple[float, float], ...]:
    """Flat spans, joined across the rounding gaps left at the break points."""
    gaps = {p.hi: q.lo for p, q in zip(parts[:-1], parts[1:], strict=True)}
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and (a <= out[-1][1] or gaps.get(out[-1][1]) == a):
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)
