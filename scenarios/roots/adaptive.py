"""The adaptive search: Chebyshev pieces of g, halved until each is resolved.

Steps 1 to 3 of :mod:`scenarios.roots.engine` for a g the fast paths could
not settle. :class:`AdaptiveSearch` samples and splits, and collects what the
refinement on the true g (:mod:`scenarios.roots.refine`) starts from: every
sample, the pieces, the spans where g is zero, the fine-grid cells that hold
one root each (:class:`GridBrackets`) and the other roots of the pieces'
interpolants (:class:`Estimate`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from scenarios.roots.chebyshev import (
    Fn,
    bend_bound,
    certify_piece,
    chop_length,
    coefficient_matrix,
    crowded,
    fine_matrix,
    fine_unit,
    local_bend,
    unit_points,
    unit_roots,
)
from scenarios.roots.result import NotFiniteError
from scenarios.roots.tolerances import (
    CHECK_TOL,
    CROWD_GAP,
    FEW_UNCLEAR,
    FINE_MARGIN,
    ROUNDING_WIDTH,
    SCALE_FLOOR,
    SIZES,
    X_FLOOR,
    ZOOM_DEPTH,
    ZOOM_MIN_RADIUS,
    ZOOM_WIDEN,
)


class Estimate(NamedTuple):
    """A root of a piece's interpolant, not yet checked on the true g.

    ``scale`` is the size of g on its piece, ``imag`` how far its eigenvalue
    lies off the real axis (unit units).
    """

    x: float
    scale: float
    imag: float


class GridBrackets(NamedTuple):
    """Fine-grid cells [left[i], right[i]] of one piece, each holding one root."""

    left: np.ndarray
    right: np.ndarray
    scale: float


class AdaptiveSearch:
    """State of one adaptive search of g on [lo, hi] (samples, pieces, counters).

    ``scale`` is max |g| at the first samples, ``calls`` counts every
    evaluation of g and ``points`` the Chebyshev samples (against ``budget``);
    ``pieces`` are (a, b, degree) with degree -1 for an unresolved piece and
    ``unresolved`` says why the first of those was given up.
    """

    def __init__(
        self, g: Fn, lo: float, hi: float, budget: int, dg: Fn | None, scale: float
    ) -> None:
        self.g, self.lo, self.hi, self.budget = g, lo, hi, budget
        self.dg, self.scale = dg, scale
        self.calls = 0
        self.points = 0
        self.sample_x: list[np.ndarray] = []
        self.sample_g: list[np.ndarray] = []
        self.pieces: list[tuple[float, float, int]] = []
        self.flat: list[tuple[float, float]] = []
        self.estimates: list[Estimate] = []
        self.brackets: list[GridBrackets] = []
        self.unresolved: str = ""

    def eval(self, x: np.ndarray) -> np.ndarray:
        """g at ``x``, counted; raises NotFiniteError on NaN or an infinity."""
        with np.errstate(all="ignore"):
            y = np.asarray(self.g(x), dtype=float)
        if y.shape != x.shape:
            y = np.broadcast_to(y, x.shape)
        self.calls += x.size
        if not np.isfinite(y).all():
            raise NotFiniteError("g is not finite at some sample point")
        return y

    def keep(self, x: np.ndarray, y: np.ndarray) -> None:
        """Keep samples for the final check of every sampled sign change."""
        self.sample_x.append(x)
        self.sample_g.append(y)

    def piece(
        self,
        a: float,
        b: float,
        values: np.ndarray,
        check_x: np.ndarray,
        check_g: np.ndarray,
        depth: int,
    ) -> None:
        """Resolve g on [a, b] from its Chebyshev samples ``values``; split if needed.

        ``check_x``, ``check_g`` are the check grid inside [a, b] and g there;
        ``depth`` is how deep zoomed windows of this piece may nest already.
        """
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
                    self._add_estimates(a, b, c[:m], scale, depth)
                return
            if n < SIZES[-1]:
                t = unit_points(2 * n - 1)[1::2]
                new = self.eval(mid + half * t)
                self.points += new.size
                self.keep(mid + half * t, new)
                w = np.empty(2 * n - 1)
                w[0::2], w[1::2] = v, new
                v = w
                continue
            break
        # Not resolved at the largest size: split, unless it is hopeless.
        if half <= ROUNDING_WIDTH * max(abs(a), abs(b), self.hi - self.lo):
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

    def _grid_roots(
        self, a: float, b: float, v: np.ndarray, c: np.ndarray, scale: float, depth: int
    ) -> bool:
        """Bracket the interpolant's roots on a fine grid, certified by g''.

        Each cell of the grid must provably hold no root or exactly one (see
        :func:`certify_piece`); a few cells that stay unclear are re-solved on
        their own. False leaves the piece to the colleague matrix.
        """
        n = v.size
        p = fine_matrix(n) @ v
        if not p.all():
            return False
        h = 2.0 / (p.size - 1)
        margin = FINE_MARGIN * scale
        single, unclear = certify_piece(p, bend_bound(c) * h * h, margin)
        if unclear.size > FEW_UNCLEAR:
            # The global bound on p'' is loose where g is small: per cell.
            local = local_bend(c, "fine", n)
            single, unclear = certify_piece(p, local * h * h, margin)
            if unclear.size > FEW_UNCLEAR:
                return False
        half, mid = 0.5 * (b - a), 0.5 * (a + b)
        t = fine_unit(n)
        for i in unclear.tolist():
            za, zb = mid + half * t[i], mid + half * t[i + 1]
            if not self._zoom(za, zb, scale, max(depth, ZOOM_DEPTH - 1)):
                return False
        idx = np.flatnonzero(single)
        if idx.size:
            self.brackets.append(
                GridBrackets(mid + half * t[idx], mid + half * t[idx + 1], scale)
            )
        return True

    def _split(
        self,
        a: float,
        b: float,
        check_x: np.ndarray,
        check_g: np.ndarray,
        depth: int,
    ) -> None:
        """Sample both halves of [a, b] in one call of g and resolve each."""
        mid = 0.5 * (a + b)
        t = unit_points(SIZES[0])
        left = 0.5 * (mid + a) + 0.5 * (mid - a) * t
        right = 0.5 * (b + mid) + 0.5 * (b - mid) * t
        xs = np.concatenate([left, right])
        ys = self.eval(xs)
        self.points += xs.size
        self.keep(xs, ys)
        k = int(np.searchsorted(check_x, mid, side="right"))
        self.piece(a, mid, ys[: SIZES[0]], check_x[:k], check_g[:k], depth)
        self.piece(mid, b, ys[SIZES[0] :], check_x[k:], check_g[k:], depth)

    def _add_estimates(
        self, a: float, b: float, c: np.ndarray, scale: float, depth: int
    ) -> None:
        """The interpolant's roots on [a, b]; ill-conditioned clusters zoomed."""
        half, mid = 0.5 * (b - a), 0.5 * (a + b)
        found = unit_roots(c)
        if not found:
            return
        t = [r for r, _ in found]
        imag = [i for _, i in found]
        # Ill-conditioned clusters (near-complex or crowded roots): zoom in.
        flags = crowded(t, imag)
        if depth >= ZOOM_DEPTH or not any(flags):
            self.estimates += [
                Estimate(mid + half * tk, scale, ik)
                for tk, ik in zip(t, imag, strict=True)
            ]
            return
        i = 0
        while i < len(t):
            if not flags[i]:
                self.estimates.append(Estimate(mid + half * t[i], scale, imag[i]))
                i += 1
                continue
            j = i
            while j + 1 < len(t) and flags[j + 1] and t[j + 1] - t[j] < CROWD_GAP:
                j += 1
            spread = t[j] - t[i] + max(imag[i : j + 1])
            radius = half * max(ZOOM_WIDEN * spread, ZOOM_MIN_RADIUS)
            centre = mid + half * 0.5 * (t[i] + t[j])
            za, zb = max(a, centre - radius), min(b, centre + radius)
            wide = zb - za > ROUNDING_WIDTH * max(abs(za), abs(zb), X_FLOOR)
            if not (wide and self._zoom(za, zb, scale, depth + 1)):
                self.estimates += [
                    Estimate(mid + half * t[k], scale, imag[k]) for k in range(i, j + 1)
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
        self.keep(xs, ys)
        self.pieces.append((a, b, m - 1))
        # Estimates keep the parent's scale: "g is zero here" is judged
        # against the size of g, not of its values in this tiny window.
        self._add_estimates(a, b, c[:m], parent_scale, depth)
        return True
