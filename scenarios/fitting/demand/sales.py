"""Linear demand fitted to observed sales, and its mapping onto the pricing scenarios.

Observations are (price, units sold) pairs. The fit is ordinary least squares
of ``units = intercept + slope × price``; a demand curve that falls with price
has a negative ``slope``, and the scenarios' "customers lost per dollar" is
``-slope``. Reading rows and CSV files is :mod:`.data_rows`, whose names are
re-exported here. Nothing here formats numbers for display.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scenarios.errors import InputError
from scenarios.fitting.data import (
    CSV_SUFFIXES,
    MAX_UPLOAD_BYTES,
    BadRow,
    DemandDataError,
    Observations,
    XYData,
    csv_header,
    observations_from_rows,
    parse_csv,
    parse_pairs,
    parse_xy_csv,
    xy_from_rows,
)
from scenarios.model import FitTarget, Scenario
from scenarios.registry import REGISTRY, get

__all__ = [
    "CSV_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "SLIDER_DIGITS",
    "BadRow",
    "DemandDataError",
    "DemandFit",
    "FitParams",
    "FitTarget",
    "Observations",
    "XYData",
    "csv_header",
    "fit_demand",
    "demand_fit_ids",
    "fit_to_params",
    "observations_from_rows",
    "parse_csv",
    "parse_pairs",
    "parse_xy_csv",
    "supports_demand_fit",
    "xy_from_rows",
]


@dataclass(frozen=True)
class DemandFit:
    """Least-squares line ``units = intercept + slope × price``.

    ``r2`` is the share of the variation in units the line explains (NaN when
    units never vary). ``warnings`` are plain sentences; ``usable`` is False
    when the line cannot serve as a demand curve (fewer than two distinct
    prices, or a slope that is not negative).
    """

    intercept: float
    slope: float
    r2: float
    n: int
    distinct_prices: int
    warnings: tuple[str, ...]

    @property
    def usable(self) -> bool:
        return (
            self.distinct_prices >= 2
            and math.isfinite(self.slope)
            and self.slope < 0
            and math.isfinite(self.intercept)
        )

    @property
    def customers_lost_per_dollar(self) -> float:
        """``-slope``: the scenarios' demand slope, positive for falling demand."""
        return -self.slope

    @property
    def zero_demand_price(self) -> float | None:
        """The price [$] at which the fitted line reaches zero units, if it does."""
        if self.slope < 0 and self.intercept > 0:
            return self.intercept / -self.slope
        return None

    def predict(self, prices: Sequence[float] | np.ndarray) -> np.ndarray:
        """Units the fitted line expects at ``prices``."""
        return self.intercept + self.slope * np.asarray(prices, dtype=float)


def fit_demand(
    prices: Sequence[float] | np.ndarray, units: Sequence[float] | np.ndarray
) -> DemandFit:
    """Fit linear demand to paired observations by least squares.

    With fewer than two distinct prices no slope can be fitted: the intercept
    is then the mean of units, the slope NaN, and a warning says so. Raises
    DemandDataError when there are no observations or the two lists differ
    in length or hold non-finite numbers.
    """
    p = np.asarray(prices, dtype=float).ravel()
    q = np.asarray(units, dtype=float).ravel()
    if p.shape != q.shape:
        raise DemandDataError("Prices and units must come in pairs.")
    if p.size == 0:
        raise DemandDataError("There are no observations to fit.")
    if not (np.all(np.isfinite(p)) and np.all(np.isfinite(q))):
        raise DemandDataError("Every price and every unit count must be a number.")
    distinct = int(np.unique(p).size)
    warnings: list[str] = []
    if distinct < 2:
        warnings.append(
            "All observations share one price, so the slope cannot be fitted; "
            "add sales at at least one other price."
        )
        return DemandFit(
            float(np.mean(q)), math.nan, math.nan, int(p.size), 1, tuple(warnings)
        )
    # Centring keeps the normal equations well conditioned for large prices.
    pm, qm = float(np.mean(p)), float(np.mean(q))
    dp, dq = p - pm, q - qm
    slope = float(np.dot(dp, dq) / np.dot(dp, dp))
    intercept = qm - slope * pm
    residual = q - (intercept + slope * p)
    ss_res = float(np.dot(residual, residual))
    ss_tot = float(np.dot(dq, dq))
    if ss_tot == 0:
        r2 = math.nan
        warnings.append("Units sold are the same at every price, so R² is undefined.")
    else:
        r2 = 1.0 - ss_res / ss_tot
    if not slope < 0:
        warnings.append(
            "The fitted slope is not negative: in this data, sales do not fall as "
            "the price rises, so it cannot be used as a demand curve."
        )
    elif intercept <= 0:
        warnings.append("The fitted line predicts no sales even at a price of zero.")
    if p.size == 2:
        warnings.append("Two observations always fit a line exactly; add more.")
    return DemandFit(intercept, slope, r2, int(p.size), distinct, tuple(warnings))


# From a fit to scenario parameters.


SLIDER_DIGITS = 4
"""Significant digits kept when a fit sets a slider: 1,309.86 becomes 1,310."""


@dataclass(frozen=True)
class FitParams:
    """Slider values from a fit: ``params`` is None when the fit cannot be used."""

    params: dict[str, float] | None
    notices: tuple[str, ...]


def supports_demand_fit(scenario: Scenario | str) -> bool:
    """True for the scenarios whose demand line a fit can set."""
    if isinstance(scenario, str):
        scenario = get(scenario)
    return scenario.demand_fit is not None


def demand_fit_ids() -> tuple[str, ...]:
    """The catalog scenarios that declare a demand fit, in display order."""
    return tuple(sid for sid, sc in REGISTRY.items() if sc.demand_fit is not None)


def fit_to_params(scenario: Scenario | str, fit: DemandFit) -> FitParams:
    """The slider values a fit implies for a pricing scenario.

    Values are rounded to ``SLIDER_DIGITS`` significant digits (a slider and
    a link need no more), then clipped to the slider's range with a notice.
    An unusable fit (see :attr:`DemandFit.usable`) gives ``params=None``.
    """
    if isinstance(scenario, str):
        scenario = get(scenario)
    target = scenario.demand_fit
    if target is None:
        known = ", ".join(demand_fit_ids())
        raise InputError(f"{scenario.id} has no demand to fit; only {known} do.")
    if not fit.usable:
        reason = (
            "it needs at least two different prices"
            if fit.distinct_prices < 2
            else "its slope is not negative"
        )
        return FitParams(None, (f"This fit cannot set the sliders: {reason}.",))
    wanted = [
        (target.intercept_param, fit.intercept),
        (target.slope_param, fit.customers_lost_per_dollar),
        *target.fixed,
    ]
    params: dict[str, float] = {}
    notices: list[str] = []
    for name, value in wanted:
        spec = scenario.param(name)
        value = float(f"{float(value):.{SLIDER_DIGITS}g}")
        clipped = min(max(value, spec.min), spec.max)
        if clipped != value:
            notices.append(
                f"{spec.label} from the fit is {value:.6g}, outside the slider's "
                f"range {spec.min:g} to {spec.max:g}; it is set to {clipped:g}."
            )
        params[name] = clipped
    for name, value in target.fixed:
        spec = scenario.param(name)
        notices.append(f"{spec.label} is set to {value:g}: the data is normal demand.")
    return FitParams(params, tuple(notices))
