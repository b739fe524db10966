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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

import numpy as np
from scipy.optimize import brentq

EPS = float(np.finfo(float).eps)
SIZES = (17, 33, 65)
"""Chebyshev sample counts tried on a piece before it is split."""
CHECK_POINTS = 1025
"""Evenly spaced points at which every interpolant is checked against g."""
BUDGET = 2**16
"""Most Chebyshev samples spent before g counts as unresolved."""
CHOP_TOL = 1e-12
"""Coefficients below this fraction of the piece's scale are rounding noise."""
CHECK_TOL = 1e-10
"""Largest disagreement (fraction of scale) between g and an accepted piece."""
SCALE_FLOOR = 1e-20
"""Pieces whose values stay below this fraction of max |g| count as zero."""
TOUCH_TOL = 1e-13
"""|g| at a touching root, as a fraction of the piece's scale."""
IMAG_TOL = 1e-3
"""Eigenvalues further than this from the real axis (unit units) are not roots."""
ZOOM_DEPTH = 4

Fn = Callable[[np.ndarray], np.ndarray]
T = TypeVar("T")
_MAX = np.maximum.reduce


class NotFiniteError(ValueError):
    """g returned NaN or an infinity at a sample point."""


class _Unrepeatable(Exception):
    """g gave different signs at the same x (noise, not a function)."""


@dataclass(frozen=True)
class RootResult:
    """Every root of g on [lo, hi] and how it was found (like scipy's RootResults).

    ``roots`` are sorted; ``refined_by[i]`` says how root i was polished and
    ``touching[i]`` is True where g touches zero without changing sign, and
    ``brackets[i]`` is the sign-change interval it was refined in (None for
    an exact zero or a touching root).
    ``jumps`` are sign changes where g does not vanish (a discontinuity);
    ``flat`` are intervals on which g is zero at every sample. ``resolved`` is
    False when some piece could not be resolved within the budget; ``flag``
    then says why. ``points`` counts Chebyshev samples, ``check_points`` the
    evenly spaced check samples, ``function_calls`` every evaluation of g.
    ``values[i]`` is g at root i where the engine evaluated it there (empty
    when it did not) and ``ends`` is (g(lo), g(hi)), so a caller needs no
    second evaluation for a residual.
    """

    lo: float
    hi: float
    roots: tuple[float, ...]
    refined_by: tuple[str, ...]
    touching: tuple[bool, ...]
    brackets: tuple[tuple[float, float] | None, ...]
    function_calls: int
    resolved: bool
    flag: str
    pieces: int
    degrees: tuple[int, ...]
    points: int
    check_points: int
    scale: float
    breaks: tuple[float, ...] = ()
    jumps: tuple[float, ...] = ()
    flat: tuple[tuple[float, float], ...] = field(default=())
    values: tuple[float, ...] = ()
    ends: tuple[float, float] | None = None

    @property
    def identically_zero(self) -> bool:
        """True when g was zero at every sample of the whole interval."""
        return len(self.flat) == 1 and self.flat[0] == (self.lo, self.hi)

    @property
    def max_degree(self) -> int:
        return max(self.degrees, default=0)

    def uniform_points(self) -> int:
        """Evenly spaced points at least as fine as the finest piece needed.

        Two points per degree of freedom of the piece, spread over the whole
        interval at that piece's density.
        """
        edges = (self.lo, *self.breaks, self.hi)
        density = max(
            (
                2 * (max(d, 0) + 1) / (b - a)
                for a, b, d in zip(edges[:-1], edges[1:], self.degrees, strict=True)
                if b > a
            ),
            default=0.0,
        )
        return int(math.ceil(density * (self.hi - self.lo))) + 1


def build(cls: type[T], **fields: object) -> T:
    """A frozen dataclass from all its fields, without its generated __init__.

    The generated __init__ of a frozen class sets each field through
    ``object.__setattr__``, which costs more than the rest of a low-degree
    solve; the object built here is the same (equal, hashable, immutable).
    Every field must be given.
    """
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


# Precomputed unit-interval tables, one per sample count.


@cache
def _unit_points(n: int) -> np.ndarray:
    """n Chebyshev points of the second kind on [-1, 1], ascending."""
    return -np.cos(np.pi * np.arange(n) / (n - 1))


@cache
def _coefficient_matrix(n: int) -> np.ndarray:
    """Maps values at ``_unit_points(n)`` to Chebyshev coefficients (a DCT-I)."""
    d = n - 1
    theta = np.pi * (d - np.arange(n)) / d  # t_j = cos(theta_j)
    k = np.arange(n)[:, None]
    m = np.cos(k * theta[None, :]) * (2.0 / d)
    m[:, [0, -1]] *= 0.5
    m[[0, -1], :] *= 0.5
    return m


@cache
def _bary_weights(n: int) -> np.ndarray:
    w = (-1.0) ** np.arange(n)
    w[[0, -1]] *= 0.5
    return w


@cache
def _check_unit() -> np.ndarray:
    return np.linspace(-1.0, 1.0, CHECK_POINTS)


@cache
def _check_matrix(n: int) -> np.ndarray:
    """Interpolation matrix from n Chebyshev values to the unit check grid."""
    return _bary_matrix(_check_unit(), n)


def _bary_matrix(t: np.ndarray, n: int) -> np.ndarray:
    """Rows of barycentric weights: values at ``_unit_points(n)`` -> p(t)."""
    nodes, w = _unit_points(n), _bary_weights(n)
    diff = t[:, None] - nodes[None, :]
    exact = diff == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        q = w / diff
        q /= q.sum(axis=1, keepdims=True)
    hit = exact.any(axis=1)
    q[hit] = exact[hit].astype(float)
    return q


def _chop(c: np.ndarray, scale: float) -> int | None:
    """Length of ``c`` that matters, or None when its tail is not yet negligible."""
    a = np.abs(c)
    tol = CHOP_TOL * scale
    if a[-max(4, len(c) // 4) :].max() > tol:
        return None
    big = np.flatnonzero(a > tol)
    return int(big[-1]) + 1 if big.size else 1


def _unit_roots(c: np.ndarray) -> list[tuple[float, float]]:
    """Near-real roots in [-1, 1] of sum c_k T_k, as sorted (real, |imag|) pairs."""
    m = len(c)
    if m <= 1:
        return []
    if m == 2:
        found = [complex(-c[0] / c[1])]
    elif m == 3:
        # 2 c2 t^2 + c1 t + (c0 - c2) = 0, in the cancellation-free form.
        qa, qb, qc = 2.0 * float(c[2]), float(c[1]), float(c[0] - c[2])
        disc = qb * qb - 4.0 * qa * qc
        if disc >= 0:
            q = -0.5 * (qb + math.copysign(math.sqrt(disc), qb))
            found = [complex(q / qa)] + ([complex(qc / q)] if q != 0 else [])
        else:
            found = [complex(-qb / (2 * qa), math.sqrt(-disc) / (2 * abs(qa)))]
    else:
        # Colleague matrix: t T = A T + T_d e_last / 2, with T_d eliminated.
        d = m - 1
        a = np.zeros((d, d))
        idx = np.arange(d - 1)
        a[idx, idx + 1] = 0.5
        a[idx + 1, idx] = 0.5
        a[0, 1] = 1.0
        a[-1, :] -= c[:d] / (2.0 * c[d])
        found = np.linalg.eigvals(a).tolist()
    out = [
        (min(max(z.real, -1.0), 1.0), abs(z.imag))
        for z in found
        if abs(z.imag) <= IMAG_TOL and abs(z.real) <= 1 + 1e-8
    ]
    return sorted(out)


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
            c = _coefficient_matrix(n) @ v
            m = _chop(c, max(scale, floor))
            if m is not None and check_g.size >= 3:
                # The check points inside the piece are evenly spaced: their
                # second differences may not exceed what the interpolant's
                # g'' allows, or a feature slipped between the samples.
                h = (check_x[1] - check_x[0]) / half
                allowed = _bend_bound(c[:m]) * h * h + CHECK_TOL * max(scale, floor)
                if np.abs(np.diff(check_g, 2)).max() > allowed:
                    m = None
            if m is not None:
                self.pieces.append((a, b, m - 1))
                if scale > floor and not self._grid_roots(a, b, v, c[:m], scale, depth):
                    self._add_candidates(a, b, c[:m], scale, depth)
                return
            if n < SIZES[-1]:
                t = _unit_points(2 * n - 1)[1::2]
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
        :func:`_certify`); a few cells that stay unclear are re-solved on their
        own. False leaves the piece to the colleague matrix.
        """
        n = v.size
        p = _fine_matrix(n) @ v
        if not p.all():
            return False
        h = 2.0 / (p.size - 1)
        margin = 4 * CHOP_TOL * scale
        single, unclear = _certify(p, _bend_bound(c) * h * h, margin)
        if unclear.size > 2:
            # The global bound on p'' is loose where g is small: per cell.
            local = _local_bend(c, "fine", n)
            single, unclear = _certify(p, local * h * h, margin)
            if unclear.size > 2:
                return False
        half, mid = 0.5 * (b - a), 0.5 * (a + b)
        t = _fine_unit(n)
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
        t = _unit_points(SIZES[0])
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
        found = _unit_roots(c)
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
            t = _unit_points(n)
            xs, ys = mid + half * t, self.eval(mid + half * t)
            self.points += n
            scale = float(np.abs(ys).max())
            if scale == 0.0:
                return False
            c = _coefficient_matrix(n) @ ys
            m = _chop(c, scale)
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


@cache
def _first_unit() -> np.ndarray:
    return np.concatenate([_unit_points(SIZES[0]), _check_unit()])


@cache
def _second_derivative_matrix(n: int) -> np.ndarray:
    """Maps n Chebyshev coefficients to those of the second derivative."""
    d = np.zeros((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        dd = np.polynomial.chebyshev.chebder(e, 2)
        d[: dd.size, j] = dd
    return d


def _bend_bound(c: np.ndarray) -> float:
    """An upper bound on |p''| over [-1, 1]: the sum of |coefficients of p''|."""
    return float(np.abs(_second_derivative_matrix(c.size) @ c).sum())


@cache
def _derivative_matrix(n: int) -> np.ndarray:
    """Maps n Chebyshev coefficients to those of the first derivative."""
    d = np.zeros((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        dd = np.polynomial.chebyshev.chebder(e)
        d[: dd.size, j] = dd
    return d


@cache
def _chebyshev_values(grid: str, n: int) -> np.ndarray:
    """T_k at the points of a unit grid, one row per k ("check", or "fine" for n).

    Rows, so the first m of them are one contiguous block; the check grid
    shares one table for every sample count.
    """
    if grid == "check":
        t, n = _check_unit(), SIZES[-1]
    else:
        t = _fine_unit(n)
    return np.cos(np.arange(n)[:, None] * np.arccos(np.clip(t, -1.0, 1.0))[None, :])


def _local_bend(c: np.ndarray, grid: str, n: int) -> np.ndarray:
    """An upper bound on |p''| over each cell of a unit grid, cell by cell.

    The larger |p''| at the cell's two ends, plus the cell width times a bound
    on the third derivative (the sum of the sizes of its coefficients).
    Tighter than :func:`_bend_bound` wherever p is small, as for a decaying
    oscillation.
    """
    m = c.size
    c2 = _second_derivative_matrix(m) @ c
    top3 = float(np.abs(_derivative_matrix(m) @ c2).sum())
    ends = np.abs(c2 @ _chebyshev_values(grid, 0 if grid == "check" else n)[:m])
    h = 2.0 / (ends.size - 1)
    return np.maximum(ends[:-1], ends[1:]) + h * top3


@cache
def _fine_unit(n: int) -> np.ndarray:
    return np.linspace(-1.0, 1.0, 4 * n + 1)


@cache
def _fine_matrix(n: int) -> np.ndarray:
    return _bary_matrix(_fine_unit(n), n)


def _certify(
    values: np.ndarray, bend_h2: float, margin: float
) -> tuple[np.ndarray, np.ndarray]:
    """Which cells of an even grid hold exactly one root, and which are unclear.

    ``bend_h2`` bounds |g''| times the squared cell width. A cell without a
    sign change holds no root when both ends clear the deepest possible dip
    (bend_h2 / 8), or when g rises or falls across it by more than a turning
    point would allow (bend_h2): then g is monotone there. A cell with a sign
    change holds exactly one root under that same monotone test.
    """
    left, right = values[:-1], values[1:]
    crossing = (left < 0) != (right < 0)
    monotone = np.abs(right - left) > bend_h2 + margin
    deep = np.minimum(np.abs(left), np.abs(right)) > bend_h2 / 8 + margin
    clear = ~crossing & (deep | monotone)
    single = crossing & monotone
    return single, np.flatnonzero(~(clear | single))


def _polish_newton(g: Fn, dg: Fn, a, b, ga, gb, xtol: float):
    """Refine many sign-change brackets at once by safeguarded Newton steps.

    Each step is one vectorised call of g and one of g'; a step that leaves
    its bracket is replaced by the bracket's midpoint, and every bracket keeps
    its sign change. A root counts only when g changes sign one tolerance
    either side of it. Returns (roots, brackets, evaluations) for the
    confirmed ones and the indices of those left to a scalar solver.
    """
    a, b, ga, gb = (np.array(v, dtype=float) for v in (a, b, ga, gb))
    a0, b0 = a.copy(), b.copy()
    tiny = np.maximum(xtol, 1e-6 * (b - a))
    with np.errstate(all="ignore"):
        x = b - gb * (b - a) / (gb - ga)
    x = np.where((x > a) & (x < b), x, 0.5 * (a + b))
    calls = 0
    active = np.ones(x.size, dtype=bool)
    for _ in range(12):
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


def _polish_many(g: Fn, a, b, ga, gb, xtol: float):
    """Refine many sign-change brackets at once (Illinois regula falsi).

    Every step is one vectorised call of g; each bracket keeps its sign change,
    so it converges like any bracketing method. Returns roots and brackets.
    """
    a, b, ga, gb = (np.array(v, dtype=float) for v in (a, b, ga, gb))
    kept = np.zeros(a.size)  # +1: b kept last step, -1: a kept last step
    calls = 0
    for _ in range(200):
        open_ = (b - a) > xtol + 4 * EPS * np.maximum(np.abs(a), np.abs(b))
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


def _confirm_closed_form(g, lo, hi, cx, xtol):
    """Confirm closed-form roots of a degree-1 or -2 interpolant on the true g.

    The interpolant's root usually is g's root to rounding, so a sign change
    one tolerance either side confirms it at once (g at the root itself comes
    in the same call, as its residual); otherwise one secant step in a 1e-9
    bracket comes first. Returns (roots, g at each root or None, evaluations),
    or None when neither confirms.
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
            out.append(
                (cx[i], "closed form, sign change confirmed", False, (xa[i], xb[i]))
            )
            values.append(conf[2 * k + i])
        else:
            retry.append(cx[i])
    if retry:
        values = None
        d = max(1e-9 * (hi - lo), 4 * EPS * max(1.0, abs(lo), abs(hi)))
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
            out.append((x1[i], "secant in a tight bracket", False, (xa[i], xb[i])))
        out.sort()
    return out, values, calls


def _quick(
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
            t = _unit_points(n)[1::2]
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
        c = _coefficient_matrix(n) @ v
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
        bend = 4.0 * a[2] if m == 3 else 0.0 if m < 3 else _bend_bound(c[:m])
        margin = CHECK_TOL * scale
        if bent is None:
            rise = check[1:] - check[:-1]
            bent = np.abs(rise[1:] - rise[:-1])
            top_bent = float(_MAX(bent))
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
            found = _unit_roots(c[:m])
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
            confirmed = _confirm_closed_form(g, lo, hi, cx, xtol)
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
        single, unclear = _certify(check, bend * h * h, margin)
        if unclear.size:
            # The global bound on g'' is loose where g is small: per cell.
            local = _local_bend(c[:m], "check", n)
            single, unclear = _certify(check, local * h * h, margin)
            if unclear.size:
                return None
        idx = np.flatnonzero(single)
        roots, used, values = _polish_cells(g, dg, xs[n0:], check, idx, xtol)
        calls += used
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
        pieces=1,
        degrees=(max(m - 1, 0),),
        points=n,
        check_points=CHECK_POINTS,
        scale=scale,
        breaks=(),
        jumps=(),
        flat=(),
        values=tuple(values) if values is not None and len(values) == k else (),
        ends=(float(v[0]), float(v[-1])),
    )


def _newton_lean(g: Fn, dg: Fn, a, b, ga, gb, xtol: float):
    """Plain vectorised Newton from the secant point of each certified cell.

    Each cell holds exactly one root and g is monotone across it, so Newton
    from inside converges fast; it stops once every step is a millionth of
    its cell (the next would be below rounding). The result stands only when
    every root stays in its cell and g changes sign one tolerance either
    side of it; otherwise None, and the safeguarded :func:`_polish_newton`
    takes over. Returns (roots, evaluations) like :func:`_polish_cells`.
    """
    with np.errstate(all="ignore"):
        x = b - gb * (b - a) / (gb - ga)
        tiny = _MAX(np.maximum(xtol, 1e-6 * (b - a)))
        calls = 0
        for _ in range(6):
            step = np.asarray(g(x), dtype=float) / np.asarray(dg(x), dtype=float)
            calls += 2 * x.size
            x = x - step
            if _MAX(np.abs(step)) <= tiny:
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
    how = "Newton on g, sign change confirmed"
    roots = [
        (r, how, False, (p, q))
        for r, p, q in zip(x.tolist(), lo_x.tolist(), hi_x.tolist(), strict=True)
    ]
    return roots, calls, both[2 * k :].tolist()


def _polish_cells(
    g: Fn, dg: Fn | None, gx: np.ndarray, gv: np.ndarray, idx: np.ndarray, xtol: float
) -> tuple[list[tuple], int]:
    """Polish the roots in certified cells ``[gx[i], gx[i + 1]]``, i in ``idx``.

    ``gv`` is the true g at ``gx``, so every cell's sign change is already
    known: safeguarded Newton (with g') for two or more, Illinois regula falsi
    for many without g', brentq otherwise. Returns (roots, evaluations, g at
    the roots or None).
    """
    calls = 0
    roots: list[tuple] = []
    if idx.size > 1 and dg is not None:
        lean = _newton_lean(g, dg, gx[idx], gx[idx + 1], gv[idx], gv[idx + 1], xtol)
        if lean is not None:
            return lean
        root, ra, rb, ok, used = _polish_newton(
            g, dg, gx[idx], gx[idx + 1], gv[idx], gv[idx + 1], xtol
        )
        calls += used
        roots = [
            (r, "Newton on g, sign change confirmed", False, (p, q))
            for r, p, q, good in zip(
                root.tolist(), ra.tolist(), rb.tolist(), ok.tolist(), strict=True
            )
            if good
        ]
        rest = idx[~ok].tolist()
        how = "brentq on g"
    elif idx.size > 6:
        root, ra, rb, used = _polish_many(
            g, gx[idx], gx[idx + 1], gv[idx], gv[idx + 1], xtol
        )
        calls += used
        return (
            [
                (r, "Illinois regula falsi on g", False, (p, q))
                for r, p, q in zip(root.tolist(), ra.tolist(), rb.tolist(), strict=True)
            ],
            calls,
            None,
        )
    else:
        rest = idx.tolist()
        how = "brentq on g"
    if rest:

        def g1(x: float) -> float:
            return float(g(np.float64(x)))

        for i in rest:
            r, used, bracket = _polish(
                g1, float(gx[i]), float(gx[i + 1]), float(gv[i]), float(gv[i + 1]), xtol
            )
            calls += used
            roots.append((r, how, False, bracket))
        roots.sort()
    return roots, calls, None


LEVELS = 5
FAR = 1e-2
"""A coefficient tail above this fraction of the scale is far from resolved."""
"""Deepest halving of the dyadic path (32 pieces of 32 check cells each)."""


@cache
def _level_tables(cells: int) -> tuple[np.ndarray, np.ndarray]:
    """T_k (k < 65) at a piece's ``cells + 1`` check points, and its unit points."""
    t = np.linspace(-1.0, 1.0, cells + 1)
    n = SIZES[-1]
    table = np.cos(np.arange(n)[:, None] * np.arccos(t)[None, :])
    return table, _unit_points(n)


def _certify_rows(
    run: np.ndarray, rise: np.ndarray, bound: np.ndarray, margin: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_certify` for many pieces at once, one piece's check run a row."""
    left, right = run[:, :-1], run[:, 1:]
    crossing = (left < 0) != (right < 0)
    monotone = np.abs(rise) > bound + margin[:, None]
    deep = np.minimum(np.abs(left), np.abs(right)) > bound / 8 + margin[:, None]
    single = crossing & monotone
    return single, ~(single | (~crossing & (deep | monotone)))


def _dyadic(
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
    its interpolant allows (as in :func:`_quick`) and every check cell in it is
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
    matrix = _coefficient_matrix(n)
    d2 = _second_derivative_matrix(n)
    d1 = _derivative_matrix(n)
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
        table, unit = _level_tables(cells)
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
            single, unclear = _certify_rows(run, rise, bend_h2[:, None], margin)
            loose = ok & unclear.any(axis=1)
            if loose.any():
                ends = np.abs(c2[loose] @ table)
                top3 = np.abs(c2[loose] @ d1.T).sum(axis=1)
                local = np.maximum(ends[:, :-1], ends[:, 1:])
                local += (2.0 / cells) * top3[:, None]
                bound = np.broadcast_to(bend_h2[:, None], single.shape).copy()
                bound[loose] = local * h2
                single, unclear = _certify_rows(run, rise, bound, margin)
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
    roots, used, values = _polish_cells(g, dg, gx, gv, idx, xtol)
    calls += used
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
        pieces=int(piece_starts.size),
        degrees=tuple(degrees.tolist()),
        points=points,
        check_points=CHECK_POINTS,
        scale=max(scale, float(_MAX(np.abs(gv)))),
        breaks=tuple(gx[piece_starts[1:]].tolist()),
        jumps=(),
        flat=(),
        values=tuple(values) if values is not None else (),
        ends=(float(ys[0]), float(ys[n0 - 1])),
    )


def _polish(
    g1: Callable[[float], float],
    a: float,
    b: float,
    ga: float,
    gb: float,
    xtol: float,
) -> tuple[float, int, tuple[float, float] | None]:
    if ga == 0:
        return a, 0, None
    if gb == 0:
        return b, 0, None
    try:
        root, info = brentq(
            g1, a, b, xtol=xtol, rtol=4 * EPS, maxiter=200, full_output=True, disp=False
        )
    except ValueError:
        # The signs seen a moment ago are gone: g is not a function of x alone.
        raise _Unrepeatable from None
    return float(root), info.function_calls, (a, b)


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
        return _find_roots(g, lo, hi, dg, budget)
    except _Unrepeatable:
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


def _find_roots(g: Fn, lo: float, hi: float, dg: Fn | None, budget: int) -> RootResult:
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got [{lo}, {hi}]")
    half, mid = 0.5 * (hi - lo), 0.5 * (lo + hi)
    n0 = SIZES[0]
    xs = _first_unit() * half
    xs += mid
    xs[0] = xs[n0] = lo
    xs[n0 - 1] = xs[-1] = hi
    ys = np.asarray(g(xs), dtype=float)
    if ys.shape != xs.shape:
        ys = np.broadcast_to(ys, xs.shape)
    scale = float(_MAX(np.abs(ys)))
    if not math.isfinite(scale):
        raise NotFiniteError("g is not finite at some sample point")
    seen: list = []
    quick = _quick(g, lo, hi, xs, ys, scale, dg, seen)
    if quick is not None:
        return quick
    if len(seen) == len(SIZES) - 1 or (seen and seen[-1] is None):
        pieces = _dyadic(g, lo, hi, xs, ys, scale, dg, seen)
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
            root, calls, _ = _polish(g1, a, b, float(ys[i]), float(ys[i + 1]), xtol)
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
            root, calls, bracket = _polish(
                g1, float(xa[i]), float(xb[i]), float(ga[i]), float(gb[i]), xtol
            )
            eng.calls += calls
            out.append((root, "brentq on g", False, bracket))
        return out
    if eng.dg is not None:
        root, a, b, ok, calls = _polish_newton(
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
            root1, used, bracket = _polish(
                g1, float(xa[i]), float(xb[i]), float(ga[i]), float(gb[i]), xtol
            )
            eng.calls += used
            out.append((root1, "brentq on g", False, bracket))
        return out
    root, a, b, calls = _polish_many(eng.g, xa[idx], xb[idx], ga[idx], gb[idx], xtol)
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
            found = _polish(g1, lo_d[i], hi_d[i], g_lo[i], g_hi[i], xtol)
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
                    found = _polish(g1, a, b, ga, gb, xtol)
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
                root, calls, _ = _polish(slope, a, b, sa, sb, xtol)
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
        x, calls, bracket = _polish(g1, a, b, below, above, xtol)
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
