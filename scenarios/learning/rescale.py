"""Scenarios on one footing: a curve and its optimum rescaled to [0, 1]."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from scenarios.analysis import Curve
from scenarios.solver import Solution

# --- comparing scenarios -----------------------------------------------------


@dataclass(frozen=True)
class UnitCurve:
    """A curve and its optimum rescaled so that both axes run from 0 to 1.

    x is measured as the share of the way across the domain, f as the share of
    the way from the curve's lowest to its highest sampled value (0.5 for a
    flat curve). Shapes of different scenarios can then share one chart.
    """

    x: np.ndarray
    value: np.ndarray
    optimum_x: float
    optimum_value: float


def unit_scale(values: ArrayLike, lo: float, hi: float) -> np.ndarray:
    """(values - lo) / (hi - lo); 0.5 everywhere when hi == lo."""
    values = np.asarray(values, dtype=float)
    if not hi > lo:
        return np.full(values.shape, 0.5)
    return (values - lo) / (hi - lo)


def unit_curve(curve: Curve, solution: Solution) -> UnitCurve:
    """Rescale a :class:`~scenarios.analysis.Curve` and its matching Solution.

    The f range spans the samples and the optimum, which a sample grid can
    miss: a maximum then sits exactly at 1 and a minimum at 0.
    """
    lo, hi = solution.domain
    values = curve.value
    low = min(float(np.min(values)), float(solution.value))
    high = max(float(np.max(values)), float(solution.value))
    return UnitCurve(
        x=unit_scale(curve.x, lo, hi),
        value=unit_scale(curve.value, low, high),
        optimum_x=float(unit_scale(solution.x, lo, hi)),
        optimum_value=float(unit_scale(solution.value, low, high)),
    )
