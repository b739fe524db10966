"""Least-squares fits of a model's parameters to (x, y) data.

:func:`least_squares_fit` is the one fitting routine: the demand models of
:mod:`scenarios.fitting.demand.models` and any typed formula (:func:`fit_formula`)
both go through it. It minimises the sum of squared residuals ``model - y``
with ``scipy.optimize.least_squares`` and an exact Jacobian, and reports
standard errors from the Jacobian at the solution (the same covariance
``scipy.optimize.curve_fit`` reports with ``absolute_sigma=False``).

A fit that fails from the given start values (it does not converge, or its
curve explains none of y's spread, R² ≤ :data:`FAILED_R2`) is tried again
from :data:`RETRY_STARTS` starts spread over the parameters' ranges, and the
best of those is shown with a warning saying so; a fit that fails from every
start keeps its start values and says so. Bad data raises :class:`FitError`,
a ValueError carrying one sentence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from scenarios.errors import ScenarioError

Model = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``model(x, theta) -> y``: predictions for every x at parameter vector theta."""

Jacobian = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``jacobian(x, theta) -> (len(x), len(theta))`` array of ∂model/∂theta."""

TOLERANCE = 1e-14
"""ftol, xtol and gtol of least_squares: converge to rounding, not to 1e-8."""

MAX_EVALUATIONS = 2000
"""Model evaluations allowed before a fit is declared not converged."""

MAX_ROWS = 200_000
"""Most rows a fit accepts (a 1 MB CSV holds fewer)."""

FAILED_R2 = 1e-9
"""The failure criterion, with non-convergence: a fit to varying y whose R²
is at most this explains none of y's spread (no better than the flat line at
its mean, to rounding), so it has failed from its start values."""

RETRY_STARTS = 16
"""Further starts tried after a failed fit: enough to cover two or three
parameters' scales, few enough to stay quick; a power of two keeps the Sobol
points balanced."""

SPREAD_DECADES = 3.0
"""An unbounded parameter's further starts lie within this many powers of
ten either side of its start value."""

SPREAD_SEED = 24
"""Seed of the further starts' Sobol points: fixed, so a fit is repeatable."""

FLAT = "the curve stayed flat, no better than a constant at the mean of y"
"""Why a fit that meets the R² criterion failed."""


class FitError(ScenarioError, ValueError):
    """The data or the parameters cannot be fitted; the message is one sentence."""


@dataclass(frozen=True)
class ParameterFit:
    """The result of a least-squares fit, and how much to trust it.

    ``params`` and ``stderr`` are keyed by parameter name. A standard error
    is NaN when it cannot be estimated (as many rows as parameters, or
    parameters the data cannot separate). ``r2`` is NaN when y never varies.
    When ``converged`` is False, ``params`` are the start values and
    ``message`` says why. ``at_bound`` names the parameters that ended on an
    end of their range; their standard errors mean little. ``starts`` counts
    the start vectors tried: more than 1 when the fit from ``start`` failed
    and the best of further starts is shown (a warning says so).
    """

    params: dict[str, float]
    stderr: dict[str, float]
    start: dict[str, float]
    r2: float
    rmse: float
    rss: float
    n: int
    converged: bool
    message: str
    evaluations: int
    fitted: np.ndarray = field(repr=False)
    residuals: np.ndarray = field(repr=False)
    at_bound: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    starts: int = 1
    covariance: np.ndarray | None = field(default=None, repr=False, compare=False)
    """s² (JᵀJ)⁻¹ in the order of ``params`` (NaN where unknown); None unfitted."""

    @property
    def dof(self) -> int:
        """Rows minus fitted parameters: the residual degrees of freedom."""
        return self.n - len(self.params)


def _as_data(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray):
    xs = np.asarray(x, dtype=float).ravel()
    ys = np.asarray(y, dtype=float).ravel()
    if xs.shape != ys.shape:
        raise FitError("x and y must come in pairs.")
    if xs.size > MAX_ROWS:
        raise FitError(f"{xs.size} rows is more than the {MAX_ROWS:,} a fit accepts.")
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise FitError("Every x and y must be a finite number (no NaN or infinity).")
    return xs, ys


def _covariance(jac: np.ndarray, rss: float, dof: int) -> tuple[np.ndarray, bool]:
    """s² (JᵀJ)⁻¹ by SVD; the flag is False when JᵀJ is singular.

    A Jacobian that is not finite everywhere gives NaN and no verdict (True).
    """
    k = jac.shape[1]
    if dof <= 0 or not np.isfinite(jac).all():
        return np.full((k, k), np.nan), True
    _, s, vt = np.linalg.svd(jac, full_matrices=False)
    threshold = np.finfo(float).eps * max(jac.shape) * (s[0] if s.size else 0.0)
    if s.size < k or s[-1] <= threshold:
        return np.full((k, k), np.nan), False
    inv = (vt.T / s**2) @ vt
    return inv * (rss / dof), True


@dataclass(frozen=True)
class _Problem:
    """Checked data, start values and ranges, with the residual to minimise."""

    names: tuple[str, ...]
    xs: np.ndarray
    ys: np.ndarray
    theta0: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    model: Model
    jacobian: Jacobian

    @property
    def bounded(self) -> bool:
        return bool(np.isfinite(self.lo).any() or np.isfinite(self.hi).any())

    def residual(self, theta: np.ndarray) -> np.ndarray:
        return np.asarray(self.model(self.xs, theta), dtype=float) - self.ys

    def jac(self, theta: np.ndarray) -> np.ndarray:
        k = len(self.names)
        return np.asarray(self.jacobian(self.xs, theta), dtype=float).reshape(
            self.xs.size, k
        )


@dataclass(frozen=True)
class _Attempt:
    """One run of the optimiser: where it stopped, or why it stopped short."""

    theta: np.ndarray
    fitted: np.ndarray
    rss: float
    evaluations: int
    failure: str = ""


def least_squares_fit(
    model: Model,
    jacobian: Jacobian,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    start: Mapping[str, float],
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> ParameterFit:
    """Fit the parameters named in ``start`` so that ``model(x, θ)`` matches y.

    ``start`` gives each parameter's start value, in the order of the vector
    ``θ`` that ``model`` and ``jacobian`` receive. ``bounds`` optionally gives
    a ``(lo, hi)`` range per name (missing names are unbounded).

    The steps: check the data, the start values and their ranges (FitError
    for non-finite data, fewer rows than parameters, start values outside
    their bounds or a model not finite at them); minimise from the start
    values; if that fit failed (it did not converge, or R² ≤
    :data:`FAILED_R2`), minimise again from :data:`RETRY_STARTS` starts
    spread over each parameter's range (:func:`spread_starts`) and keep the
    lowest residual sum of squares; then estimate standard errors and collect
    the warnings. A fit that fails from every start keeps its start values,
    with ``converged=False`` and ``message`` saying so.
    """
    problem = _problem(model, jacobian, x, y, start, bounds)
    r0 = _start_residuals(problem)
    first = _minimise(problem, problem.theta0)
    failure = _failure(problem, first)
    if not failure:
        return _summary(problem, first)
    best, tried = _best_of_starts(problem)
    if best is None:
        message = _failed_message(failure, tried)
        return _not_converged(problem, r0, message, tried + 1)
    note = _rescued_note(failure, tried)
    return _summary(problem, best, note, tried + 1)


def _problem(
    model: Model,
    jacobian: Jacobian,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    start: Mapping[str, float],
    bounds: Mapping[str, tuple[float, float]] | None,
) -> _Problem:
    """The checked data, start values and ranges; FitError says what is wrong."""
    xs, ys = _as_data(x, y)
    names = tuple(start)
    k = len(names)
    if k == 0:
        raise FitError("Pick at least one parameter to fit.")
    if xs.size < k:
        raise FitError(
            f"{xs.size} row{'s' if xs.size != 1 else ''} cannot fit {k} "
            f"parameters; add rows or fit fewer parameters."
        )
    theta0 = np.array([float(start[n]) for n in names])
    if not np.isfinite(theta0).all():
        raise FitError("Every start value must be a finite number.")
    lo = np.full(k, -np.inf)
    hi = np.full(k, np.inf)
    for i, name in enumerate(names):
        if bounds and name in bounds:
            lo[i], hi[i] = (float(v) for v in bounds[name])
            if not lo[i] < hi[i]:
                raise FitError(f"The range of {name} must have its low end first.")
            if not lo[i] <= theta0[i] <= hi[i]:
                raise FitError(
                    f"The start value {theta0[i]:g} of {name} is outside its "
                    f"range {lo[i]:g} to {hi[i]:g}."
                )
    return _Problem(names, xs, ys, theta0, lo, hi, model, jacobian)


def _minimise(problem: _Problem, theta0: np.ndarray) -> _Attempt:
    """One run of ``least_squares`` from ``theta0``, numpy warnings silenced."""
    nan = np.full_like(problem.ys, np.nan)
    try:
        with np.errstate(all="ignore"):
            # Levenberg-Marquardt where it can (no bounds, enough rows), as
            # curve_fit does; the trust-region method honours bounds.
            result = least_squares(
                problem.residual,
                theta0,
                jac=problem.jac,
                bounds=(problem.lo, problem.hi),
                method="trf" if problem.bounded else "lm",
                x_scale="jac",
                ftol=TOLERANCE,
                xtol=TOLERANCE,
                gtol=TOLERANCE,
                max_nfev=MAX_EVALUATIONS,
            )
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        return _Attempt(theta0, nan, math.nan, 0, str(exc) or type(exc).__name__)
    theta = np.asarray(result.x, dtype=float)
    fitted = problem.ys + np.asarray(result.fun, dtype=float)
    with np.errstate(all="ignore"):
        residuals = fitted - problem.ys
        rss = float(np.dot(residuals, residuals))
    if result.status <= 0 or not (np.isfinite(theta).all() and math.isfinite(rss)):
        reason = (
            f"did not converge within {MAX_EVALUATIONS} evaluations"
            if result.status == 0
            else "did not converge"
        )
        return _Attempt(theta0, nan, math.nan, int(result.nfev), reason)
    return _Attempt(theta, fitted, rss, int(result.nfev))


def _summary(
    problem: _Problem,
    attempt: _Attempt,
    note: str = "",
    starts: int = 1,
) -> ParameterFit:
    """The converged fit with standard errors, bounds reached and warnings."""
    names, xs, ys = problem.names, problem.xs, problem.ys
    k = len(names)
    theta, fitted, rss = attempt.theta, attempt.fitted, attempt.rss
    residuals = fitted - ys
    with np.errstate(all="ignore"):
        cov, separable = _covariance(problem.jac(theta), rss, xs.size - k)
        stderr = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    span = np.maximum(1.0, np.abs(theta)) * 1e-9
    at_bound = tuple(
        name
        for i, name in enumerate(names)
        if abs(theta[i] - problem.lo[i]) <= span[i]
        or abs(theta[i] - problem.hi[i]) <= span[i]
    )
    warnings = [note] if note else []
    warnings += _warnings(k, int(xs.size), separable, at_bound)
    return ParameterFit(
        params=dict(zip(names, theta.tolist(), strict=True)),
        stderr=dict(zip(names, stderr.tolist(), strict=True)),
        start=dict(zip(names, problem.theta0.tolist(), strict=True)),
        r2=_r2(ys, rss),
        rmse=math.sqrt(rss / xs.size),
        rss=rss,
        n=int(xs.size),
        converged=True,
        message="",
        evaluations=attempt.evaluations,
        fitted=fitted,
        residuals=residuals,
        at_bound=at_bound,
        warnings=tuple(warnings),
        starts=starts,
        covariance=cov,
    )


def _warnings(k: int, n: int, separable: bool, at_bound: tuple[str, ...]) -> list[str]:
    """What a converged fit's numbers cannot tell, one sentence each."""
    warnings: list[str] = []
    if n == k:
        warnings.append(
            f"{k} rows fit {k} parameters exactly, so there are no standard "
            "errors; add rows."
        )
    elif not separable:
        warnings.append(
            "The data cannot tell some of these parameters apart, so their "
            "standard errors are unknown; add rows over a wider range of x."
        )
    if at_bound:
        warnings.append(
            f"{', '.join(at_bound)} ended at the end of "
            f"{'its' if len(at_bound) == 1 else 'their'} range; widen the range "
            "if the data points beyond it."
        )
    return warnings


# --- When a fit has failed, and the further starts tried then -----------------


def _failure(problem: _Problem, attempt: _Attempt) -> str:
    """Why this fit failed, or "" when it has not: the one retry criterion.

    A fit has failed when the optimiser stopped without converging (the
    attempt says why), or when y varies and R² is at most :data:`FAILED_R2`.
    A curve stuck on a constant (a rate run off to infinity, say) always has
    R² ≤ 0; constant y has no R², and a flat fit to it has not failed.
    """
    if attempt.failure:
        return attempt.failure
    r2 = _r2(problem.ys, attempt.rss)
    return FLAT if math.isfinite(r2) and r2 <= FAILED_R2 else ""


def _failed_message(failure: str, tried: int) -> str:
    """The one sentence for a fit that failed from every start tried."""
    if failure.startswith("did not converge"):
        return (
            f"The fit {failure} from these start values or {tried} others, so "
            "the start values are kept; try start values closer to the data."
        )
    return (
        f"The fit failed from these start values ({failure}) and from {tried} "
        "other starts; try other start values or another formula."
    )


def _rescued_note(failure: str, tried: int) -> str:
    """The warning on a fit that failed from its start values but not others."""
    if failure == FLAT:
        how = "stayed flat"
    elif failure.startswith("did not converge"):
        how = "did not converge"
    else:
        how = "failed"
    return (
        f"The fit from your start values {how}; the best of {tried} other starts "
        "is shown."
    )


def _start_residuals(problem: _Problem) -> np.ndarray:
    """Residuals at the start values; FitError when they are not all finite."""
    try:
        with np.errstate(all="ignore"):
            r0 = problem.residual(problem.theta0)
    except (ValueError, ArithmeticError) as exc:
        raise FitError(
            f"The formula cannot be evaluated at the start values ({exc}); try "
            "other start values."
        ) from None
    if not np.isfinite(r0).all():
        raise FitError(
            "The formula is not a finite number at every row for the "
            "start values; try other start values."
        )
    return r0


def spread_starts(
    theta0: np.ndarray, lo: np.ndarray, hi: np.ndarray, count: int = RETRY_STARTS
) -> np.ndarray:
    """``count`` start vectors spread over each parameter's range, one a row.

    A parameter with a finite range gets points across it (log-spaced when
    the range is positive and spans a factor of 10 or more); one without
    gets magnitudes log-spaced :data:`SPREAD_DECADES` powers of ten either
    side of its start value, keeping its sign (both signs for a start of 0),
    clipped into a half-open range. The points are a scrambled Sobol
    sequence with a fixed seed, so the same fit gives the same answer.
    """
    from scipy.stats import qmc

    k = theta0.size
    u = qmc.Sobol(d=k, scramble=True, seed=SPREAD_SEED).random(count)
    starts = np.empty((count, k))
    for i in range(k):
        starts[:, i] = _spread(float(theta0[i]), float(lo[i]), float(hi[i]), u[:, i])
    return starts


def _spread(start: float, lo: float, hi: float, u: np.ndarray) -> np.ndarray:
    """One parameter's starts from points ``u`` in [0, 1)."""
    if math.isfinite(lo) and math.isfinite(hi):
        if lo > 0 and hi / lo >= 10:
            return lo * (hi / lo) ** u
        return lo + u * (hi - lo)
    if start == 0:
        sign = np.where(u < 0.5, -1.0, 1.0)
        u = 2 * u % 1.0
        magnitude = 1.0
    else:
        sign = math.copysign(1.0, start)
        magnitude = abs(start)
    values = sign * magnitude * 10.0 ** (SPREAD_DECADES * (2 * u - 1))
    return np.clip(values, lo, hi)


def _best_of_starts(problem: _Problem) -> tuple[_Attempt | None, int]:
    """The lowest-RSS fit that has not failed from :func:`spread_starts`.

    Returns it (None when every start failed) and how many starts were tried.
    """
    starts = spread_starts(problem.theta0, problem.lo, problem.hi)
    best: _Attempt | None = None
    for theta in starts:
        try:
            with np.errstate(all="ignore"):
                finite = np.isfinite(problem.residual(theta)).all()
        except (ValueError, ArithmeticError):
            finite = False
        if not finite:
            continue
        attempt = _minimise(problem, theta)
        if _failure(problem, attempt):
            continue
        if best is None or attempt.rss < best.rss:
            best = attempt
    return best, len(starts)


def _r2(ys: np.ndarray, rss: float) -> float:
    spread = ys - ys.mean()
    ss_tot = float(np.dot(spread, spread))
    return 1.0 - rss / ss_tot if ss_tot > 0 else math.nan


def _not_converged(
    problem: _Problem, r0: np.ndarray, message: str, starts: int
) -> ParameterFit:
    """A failed fit: the start values and their residuals ``r0``, and why."""
    xs, ys = problem.xs, problem.ys
    start = dict(zip(problem.names, problem.theta0.tolist(), strict=True))
    with np.errstate(all="ignore"):
        rss = float(np.dot(r0, r0))
    return ParameterFit(
        params=dict(start),
        stderr={n: math.nan for n in problem.names},
        start=dict(start),
        r2=_r2(ys, rss),
        rmse=math.sqrt(rss / xs.size),
        rss=rss,
        n=int(xs.size),
        converged=False,
        message=message,
        evaluations=0,
        fitted=ys + r0,
        residuals=r0,
        starts=starts,
    )
