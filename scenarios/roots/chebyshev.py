"""Chebyshev interpolation on [-1, 1]: sample tables, chopping, bounds, roots.

The numerical kernel of :mod:`scenarios.roots.engine`: values at Chebyshev points to
coefficients, the length that matters (chop), bounds on p'' that certify a
grid cell holds no root or one, and the roots of a piece from its colleague
matrix. Its thresholds live in :mod:`scenarios.roots.tolerances`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np

from scenarios.roots.tolerances import (
    CHECK_POINTS,
    CHOP_TOL,
    CROWD_GAP,
    CROWD_IMAG,
    FINE_DENSITY,
    IMAG_TOL,
    SIZES,
    UNIT_SLACK,
    chop_tail,
)

Fn = Callable[[np.ndarray], np.ndarray]
"""g: a numpy array of x to the values of g, of the same shape."""
largest = np.maximum.reduce
"""The largest entry of an array: ``np.max`` without its wrapper's overhead."""


@cache
def unit_points(n: int) -> np.ndarray:
    """n Chebyshev points of the second kind on [-1, 1], ascending."""
    return -np.cos(np.pi * np.arange(n) / (n - 1))


@cache
def coefficient_matrix(n: int) -> np.ndarray:
    """Maps values at ``unit_points(n)`` to Chebyshev coefficients (a DCT-I)."""
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
    """Rows of barycentric weights: values at ``unit_points(n)`` -> p(t)."""
    nodes, w = unit_points(n), _bary_weights(n)
    diff = t[:, None] - nodes[None, :]
    exact = diff == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        q = w / diff
        q /= q.sum(axis=1, keepdims=True)
    hit = exact.any(axis=1)
    q[hit] = exact[hit].astype(float)
    return q


def chop_length(c: np.ndarray, scale: float) -> int | None:
    """Length of ``c`` that matters, or None when its tail is not yet negligible."""
    a = np.abs(c)
    tol = CHOP_TOL * scale
    if a[-chop_tail(len(c)) :].max() > tol:
        return None
    big = np.flatnonzero(a > tol)
    return int(big[-1]) + 1 if big.size else 1


def unit_roots(c: np.ndarray) -> list[tuple[float, float]]:
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
        if abs(z.imag) <= IMAG_TOL and abs(z.real) <= 1 + UNIT_SLACK
    ]
    return sorted(out)


def crowded(t: list[float], imag: list[float]) -> list[bool]:
    """Which of a piece's sorted unit roots are ill-conditioned.

    Those nearly complex (|imag| above ``CROWD_IMAG``) and both of every pair
    closer than ``CROWD_GAP``: their eigenvalues lose accuracy.
    """
    flags = [i > CROWD_IMAG for i in imag]
    for i in range(len(t) - 1):
        if t[i + 1] - t[i] < CROWD_GAP:
            flags[i] = flags[i + 1] = True
    return flags


@cache
def first_unit() -> np.ndarray:
    """The first samples of an interval: 17 Chebyshev points, then the check grid."""
    return np.concatenate([unit_points(SIZES[0]), _check_unit()])


def second_derivative_matrix(n: int) -> np.ndarray:
    """Maps n Chebyshev coefficients to those of the second derivative."""
    return derivative_matrix(n, 2)


def bend_bound(c: np.ndarray) -> float:
    """An upper bound on |p''| over [-1, 1]: the sum of |coefficients of p''|."""
    return float(np.abs(second_derivative_matrix(c.size) @ c).sum())


@cache
def derivative_matrix(n: int, order: int = 1) -> np.ndarray:
    """Maps n Chebyshev coefficients to those of the ``order``-th derivative."""
    d = np.zeros((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        dd = np.polynomial.chebyshev.chebder(e, order)
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
        t = fine_unit(n)
    return np.cos(np.arange(n)[:, None] * np.arccos(np.clip(t, -1.0, 1.0))[None, :])


def local_bend(c: np.ndarray, grid: str, n: int) -> np.ndarray:
    """An upper bound on |p''| over each cell of a unit grid, cell by cell.

    The larger |p''| at the cell's two ends, plus the cell width times a bound
    on the third derivative (the sum of the sizes of its coefficients).
    Tighter than :func:`bend_bound` wherever p is small, as for a decaying
    oscillation.
    """
    m = c.size
    c2 = second_derivative_matrix(m) @ c
    top3 = float(np.abs(derivative_matrix(m) @ c2).sum())
    ends = np.abs(c2 @ _chebyshev_values(grid, 0 if grid == "check" else n)[:m])
    h = 2.0 / (ends.size - 1)
    return np.maximum(ends[:-1], ends[1:]) + h * top3


@cache
def fine_unit(n: int) -> np.ndarray:
    """The fine grid of a piece sampled at n Chebyshev points, on [-1, 1]."""
    return np.linspace(-1.0, 1.0, FINE_DENSITY * n + 1)


@cache
def fine_matrix(n: int) -> np.ndarray:
    """Interpolation matrix from n Chebyshev values to the fine grid."""
    return _bary_matrix(fine_unit(n), n)


def certify_piece(
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


@cache
def level_tables(cells: int) -> tuple[np.ndarray, np.ndarray]:
    """T_k (k < 65) at a piece's ``cells + 1`` check points, and its unit points."""
    t = np.linspace(-1.0, 1.0, cells + 1)
    n = SIZES[-1]
    table = np.cos(np.arange(n)[:, None] * np.arccos(t)[None, :])
    return table, unit_points(n)


def certify_rows(
    run: np.ndarray, rise: np.ndarray, bound: np.ndarray, margin: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`certify_piece` for many pieces at once, one piece's check run a row."""
    left, right = run[:, :-1], run[:, 1:]
    crossing = (left < 0) != (right < 0)
    monotone = np.abs(rise) > bound + margin[:, None]
    deep = np.minimum(np.abs(left), np.abs(right)) > bound / 8 + margin[:, None]
    single = crossing & monotone
    return single, ~(single | (~crossing & (deep | monotone)))
