"""Many least-squares refits at once: one per bootstrap resample.

A bootstrap resample of n rows is the same rows counted ``w`` times each
(``w`` a row of a multinomial draw), so its least-squares fit minimises
Σ w_i r_i². :func:`refit_batch` runs Levenberg–Marquardt on every resample
together: each step is a handful of array operations over all resamples
(the k × k normal equations solved as one batch), starting from the fit to
the full data, which is already close. Nothing loops over the resamples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BatchModel = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``model(x, theta) -> (B, n)``: predictions at every x, per row of theta (B, k)."""

BatchJacobian = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``jacobian(x, theta) -> (B, n, k)``: ∂model/∂θ for each row of theta."""

MAX_STEPS = 200
"""Levenberg–Marquardt steps before a resample counts as not converged."""

STEP_TOLERANCE = 1e-10
"""A step smaller than this share of each parameter ends a resample's fit."""

DAMPING_START = 1e-3
"""The first damping factor: nearly a Gauss–Newton step from a close start."""

DAMPING_LIMIT = 1e16
"""Past this damping no step lowers the residuals: the fit is stuck."""

LIGHT_DAMPING = 1.0
"""At most this damping, a tiny step is nearly Gauss–Newton's: the fit has
reached its minimum even when rounding keeps that step from lowering it."""

RIDGE = 1e-12
"""Added to the scaled, damped diagonal so a resample whose rows cannot
separate the parameters still gives a finite step."""


@dataclass(frozen=True)
class BatchFit:
    """One fit per resample: ``theta`` (B, k), ``converged`` (B,) flags."""

    theta: np.ndarray
    converged: np.ndarray


def multinomial_weights(n: int, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """How often each of ``n`` rows appears in each of ``resamples`` resamples."""
    return rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(float)


def _cost(
    model: BatchModel, x: np.ndarray, y: np.ndarray, w: np.ndarray, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r = np.asarray(model(x, theta), dtype=float) - y
    return r, np.einsum("bn,bn->b", w, r * r)


def _step(
    jac: np.ndarray, w: np.ndarray, r: np.ndarray, damping: np.ndarray
) -> np.ndarray:
    """The damped Gauss–Newton step of every row, one batched solve.

    The normal equations are scaled to a unit diagonal first, so parameters
    of very different sizes (K ≈ 10⁵ beside e ≈ 1.6) are damped alike.
    """
    a = np.einsum("bn,bni,bnj->bij", w, jac, jac)
    g = np.einsum("bn,bni,bn->bi", w, jac, r)
    diag = np.einsum("bii->bi", a)
    scale = np.sqrt(np.where(diag > 0, diag, 1.0))
    unit = a / (scale[:, :, None] * scale[:, None, :])
    k = a.shape[1]
    damped = unit + np.eye(k)[None, :, :] * (damping + RIDGE)[:, None, None]
    step = np.linalg.solve(damped, (g / scale)[:, :, None])[:, :, 0]
    return -step / scale


def refit_batch(
    model: BatchModel,
    jacobian: BatchJacobian,
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    theta0: np.ndarray,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
) -> BatchFit:
    """Weighted least squares for every row of ``weights`` (B, n), all at once.

    Starts every resample at ``theta0`` (the full data's fit); steps that
    would leave ``[lo, hi]`` are cut back to it. A resample converges when a
    step that lowers its residuals moves every parameter by less than
    :data:`STEP_TOLERANCE` of its size; one whose damping runs past
    :data:`DAMPING_LIMIT`, or whose model stops being finite, has failed.
    """
    b, k = weights.shape[0], int(np.size(theta0))
    lo = np.full(k, -np.inf) if lo is None else np.asarray(lo, dtype=float)
    hi = np.full(k, np.inf) if hi is None else np.asarray(hi, dtype=float)
    theta = np.tile(np.asarray(theta0, dtype=float), (b, 1))
    converged = np.zeros(b, dtype=bool)
    with np.errstate(all="ignore"):
        r, cost = _cost(model, x, y, weights, theta)
        active = np.isfinite(cost)
        damping = np.full(b, DAMPING_START)
        for _ in range(MAX_STEPS):
            rows = np.flatnonzero(active)
            if rows.size == 0:
                break
            t, w = theta[rows], weights[rows]
            jac = np.asarray(jacobian(x, t), dtype=float)
            finite = np.isfinite(jac).all(axis=(1, 2))
            jac[~finite] = 0.0
            trial = np.clip(t + _step(jac, w, r[rows], damping[rows]), lo, hi)
            r_new, cost_new = _cost(model, x, y, w, trial)
            better = finite & np.isfinite(cost_new) & (cost_new <= cost[rows])
            moved = np.abs(trial - t) <= STEP_TOLERANCE * (np.abs(t) + STEP_TOLERANCE)
            # A tiny step that does not lower the residuals, from light damping,
            # is rounding at the minimum; from heavy damping it is not.
            light = damping[rows] <= LIGHT_DAMPING
            done = finite & moved.all(axis=1) & (better | light)
            kept = rows[better]
            theta[kept], r[kept], cost[kept] = (
                trial[better],
                r_new[better],
                cost_new[better],
            )
            damping[rows] = np.where(better, damping[rows] / 3, damping[rows] * 4)
            converged[rows[done]] = True
            stuck = ~finite | (damping[rows] > DAMPING_LIMIT)
            active[rows[done | stuck]] = False
    return BatchFit(theta, converged)
