"""Three demand shapes fitted to sales data, compared, and priced by the engine.

Observations are (price p [$], units sold q). The models:

- ``linear``: q = A − b·p
- ``exponential``: q = A·e^(−b·p)
- ``constant_elasticity``: q = K·p^(−e)

Each is fitted by nonlinear least squares on units (not on log units), so all
three have the same kind of residual and their fit figures compare fairly.
For a unit cost c the profit-optimal price is found by the engine
(:func:`scenarios.solve`) on the scenario ``(p − c)·q(p)``. The best model is
the one with the lowest AICc (AIC when there are too few rows for AICc).
The shapes are declared in :mod:`.demand_shapes` and priced in
:mod:`.demand_pricing`; their public names are re-exported here. Nothing here
formats numbers for display.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scenarios.errors import UnknownNameError
from scenarios.fitting.demand.pricing import (
    PriceOptimum,
    optimal_price,
    profit_scenario,
)
from scenarios.fitting.demand.sales import DemandDataError, fit_demand
from scenarios.fitting.demand.shapes import (
    DEMAND_FLOOR,
    MODEL_NAMES,
    MODELS,
    DemandModel,
    model,
)
from scenarios.fitting.least_squares import FitError, ParameterFit, least_squares_fit

__all__ = [
    "DEMAND_FLOOR",
    "MODELS",
    "MODEL_NAMES",
    "OWN_MODEL_DIGITS",
    "SMALL_SAMPLE",
    "TIE_MARGIN",
    "DemandComparison",
    "DemandModel",
    "ModelFit",
    "PriceOptimum",
    "compare_models",
    "fit_model",
    "model",
    "optimal_price",
    "own_model_spec",
    "profit_scenario",
]

TIE_MARGIN = 2.0
"""Models whose AIC is within this of the best are not told apart by the data."""

SMALL_SAMPLE = 40
"""Below n / K < 40, AIC is corrected for small samples (AICc)."""


# --- Start values -------------------------------------------------------------


def _log_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """Intercept and slope of ln y against x over the rows with y > 0."""
    keep = y > 0
    if np.unique(x[keep]).size < 2:
        return None
    fit = fit_demand(x[keep], np.log(y[keep]))
    return fit.intercept, fit.slope


def _start(name: str, p: np.ndarray, q: np.ndarray) -> dict[str, float]:
    """Start values: the exact fit of the model's straight-line form."""
    if name == "linear":
        line = fit_demand(p, q)
        return {"A": line.intercept, "b": -line.slope}
    if name == "exponential":
        line = _log_line(p, q)
        if line is None:
            return {"A": float(max(q.mean(), 1.0)), "b": 1.0 / float(p.mean() or 1)}
        return {"A": math.exp(line[0]), "b": -line[1]}
    line = _log_line(np.log(p), q)
    if line is None:
        return {"K": float(max(q.mean(), 1.0)), "e": 1.0}
    return {"K": math.exp(line[0]), "e": -line[1]}


# --- Fitting and comparing ----------------------------------------------------


@dataclass(frozen=True)
class ModelFit:
    """One demand model fitted to the data, with its fit figures and best price.

    ``aic`` is n·ln(RSS/n) + 2K with K the fitted parameters plus the noise
    variance; ``aicc`` adds the small-sample correction 2K(K+1)/(n−K−1) and
    is None when n ≤ K + 1. ``fit`` is None when the model could not be
    fitted at all, and ``warnings`` then say why.
    """

    model: str
    params: dict[str, float]
    stderr: dict[str, float]
    r2: float
    rmse: float
    rss: float
    n: int
    aic: float
    aicc: float | None
    optimum: PriceOptimum
    converged: bool
    warnings: tuple[str, ...]
    fit: ParameterFit | None

    @property
    def label(self) -> str:
        return MODELS[self.model].label

    def predict(self, prices: Sequence[float] | np.ndarray) -> np.ndarray:
        """Units the fitted model expects at ``prices``."""
        theta = np.array([self.params[n] for n in MODELS[self.model].param_names])
        with np.errstate(all="ignore"):
            return MODELS[self.model].units(np.asarray(prices, dtype=float), theta)

    def criterion(self, name: str) -> float:
        """The information criterion ``"AICc"`` or ``"AIC"`` (inf if unknown)."""
        value = self.aicc if name == "AICc" else self.aic
        return math.inf if value is None or not self.converged else value


def _information(
    rss: float, n: int, k: int, scale: float
) -> tuple[float, float | None]:
    # An exact fit has RSS 0 and ln 0 = −inf; residuals at rounding level
    # stand in, so an exact fit wins by a wide but finite margin.
    floor = n * (1e-13 * max(scale, 1.0)) ** 2
    big_k = k + 1
    aic = n * math.log(max(rss, floor) / n) + 2 * big_k
    aicc = aic + 2 * big_k * (big_k + 1) / (n - big_k - 1) if n > big_k + 1 else None
    return aic, aicc


def fit_model(
    model_name: str,
    prices: Sequence[float] | np.ndarray,
    units: Sequence[float] | np.ndarray,
    unit_cost: float = 0.0,
) -> ModelFit:
    """Fit one demand model by least squares on units, and price it.

    Raises DemandDataError for data no model can use (no pairs, non-finite
    numbers, fewer distinct prices than parameters); a model that cannot be
    fitted to otherwise usable data (constant elasticity with a zero price)
    comes back with ``converged=False`` and a warning.
    """
    spec = model(model_name)
    p = np.asarray(prices, dtype=float).ravel()
    q = np.asarray(units, dtype=float).ravel()
    _check(p, q, len(spec.param_names))
    k = len(spec.param_names)
    try:
        if model_name == "constant_elasticity" and not (p > 0).all():
            raise FitError(
                "Constant elasticity needs every price above zero; this data "
                "has a zero price."
            )
        result = least_squares_fit(
            spec.units, spec.jacobian, p, q, _start(model_name, p, q)
        )
    except FitError as exc:
        return _unfitted(model_name, int(p.size), str(exc))
    aic, aicc = _information(result.rss, result.n, k, float(np.abs(q).max()))
    warnings = list(result.warnings)
    if not result.converged:
        warnings.insert(0, result.message)
        optimum = PriceOptimum(None, None, None, result.message)
    else:
        optimum = optimal_price(model_name, result.params, unit_cost)
    return ModelFit(
        model=model_name,
        params=result.params,
        stderr=result.stderr,
        r2=result.r2,
        rmse=result.rmse,
        rss=result.rss,
        n=result.n,
        aic=aic,
        aicc=aicc,
        optimum=optimum,
        converged=result.converged,
        warnings=tuple(warnings),
        fit=result,
    )


def _unfitted(model_name: str, n: int, reason: str) -> ModelFit:
    nan = dict.fromkeys(MODELS[model_name].param_names, math.nan)
    return ModelFit(
        model=model_name,
        params=nan,
        stderr=dict(nan),
        r2=math.nan,
        rmse=math.nan,
        rss=math.nan,
        n=n,
        aic=math.inf,
        aicc=None,
        optimum=PriceOptimum(None, None, None, reason),
        converged=False,
        warnings=(reason,),
        fit=None,
    )


def _check(p: np.ndarray, q: np.ndarray, k: int) -> None:
    if p.shape != q.shape:
        raise DemandDataError("Prices and units must come in pairs.")
    if p.size == 0:
        raise DemandDataError("There are no observations to fit.")
    if not (np.isfinite(p).all() and np.isfinite(q).all()):
        raise DemandDataError("Every price and every unit count must be a number.")
    distinct = int(np.unique(p).size)
    if distinct < k:
        raise DemandDataError(
            f"The data has {distinct} distinct price{'s' if distinct != 1 else ''} "
            f"and each model has {k} parameters; add sales at "
            f"{'another price' if k - distinct == 1 else 'more prices'}."
        )


@dataclass(frozen=True)
class DemandComparison:
    """Every requested model fitted to the same data, and which one wins.

    ``best`` is the model with the lowest ``criterion`` ("AICc", or "AIC" when
    there are too few rows for AICc), None when no model converged.
    ``notices`` are sentences about the comparison as a whole: models the data
    cannot tell apart, or too little data to compare at all.
    """

    fits: tuple[ModelFit, ...]
    best: str | None
    criterion: str
    unit_cost: float
    n: int
    distinct_prices: int
    notices: tuple[str, ...]

    def get(self, model_name: str) -> ModelFit:
        """The fit of ``model_name``; KeyError when it was not fitted."""
        for fit in self.fits:
            if fit.model == model_name:
                return fit
        raise UnknownNameError(model_name)

    def delta(self, model_name: str) -> float:
        """How far ``model_name``'s criterion lies above the best one's."""
        if self.best is None:
            return math.nan
        best = self.get(self.best).criterion(self.criterion)
        return self.get(model_name).criterion(self.criterion) - best


def compare_models(
    prices: Sequence[float] | np.ndarray,
    units: Sequence[float] | np.ndarray,
    unit_cost: float = 0.0,
    models: Sequence[str] = MODEL_NAMES,
) -> DemandComparison:
    """Fit each of ``models`` to the data and name the best by AICc (or AIC).

    Raises DemandDataError for data no model can use; see :func:`fit_model`.
    """
    names = [model(name).name for name in models]
    p = np.asarray(prices, dtype=float).ravel()
    q = np.asarray(units, dtype=float).ravel()
    k = max(len(MODELS[name].param_names) for name in names)
    _check(p, q, k)
    fits = tuple(fit_model(name, p, q, unit_cost) for name in names)
    n = int(p.size)
    distinct = int(np.unique(p).size)
    big_k = k + 1
    criterion = "AICc" if n > big_k + 1 and n / big_k < SMALL_SAMPLE else "AIC"
    usable = [f for f in fits if f.converged]
    best = min(usable, key=lambda f: f.criterion(criterion)).model if usable else None
    notices: list[str] = []
    if distinct == k:
        notices.append(
            f"With only {distinct} distinct prices every model passes through the "
            "data, so the data cannot choose between them; add sales at more prices."
        )
    elif best is not None and len(usable) > 1:
        top = min(f.criterion(criterion) for f in usable)
        close = [f for f in usable if f.criterion(criterion) - top < TIE_MARGIN]
        if len(close) > 1:
            listed = _join([f.label.lower() for f in close])
            notices.append(
                f"The data cannot tell {listed} apart: their {criterion} differ by "
                f"less than {TIE_MARGIN:g}."
            )
        if criterion == "AIC" and n <= big_k + 1:
            notices.append(
                f"With {n} observations the comparison is only a rough guide; "
                "add sales at more prices."
            )
    return DemandComparison(
        fits=fits,
        best=best if distinct > k else None,
        criterion=criterion,
        unit_cost=float(unit_cost),
        n=n,
        distinct_prices=distinct,
        notices=tuple(notices),
    )


def _join(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


OWN_MODEL_DIGITS = 6
"""Significant digits of a fitted parameter handed to the own-model page."""


def own_model_spec(fit: ModelFit, unit_cost: float) -> dict[str, object] | None:
    """The profit model of a fit as the own-model page takes it, or None.

    ``{"formula", "variable", "domain": (lo, hi), "goal", "params"}``, with the
    fitted parameters (rounded to :data:`OWN_MODEL_DIGITS` digits) and the
    unit cost ``c``. None when the fit did not converge or has no optimum.
    """
    if not fit.converged or fit.optimum.price is None:
        return None
    spec = MODELS[fit.model]
    params = {
        spec.formula_name(name): float(f"{value:.{OWN_MODEL_DIGITS}g}")
        for name, value in fit.params.items()
    }
    params["c"] = float(unit_cost)
    return {
        "formula": spec.profit_formula,
        "variable": "p",
        "domain": spec.price_range_formula,
        "goal": "maximize",
        "params": params,
    }
