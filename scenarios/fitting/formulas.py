"""Fitting a typed formula to data, and the data fits catalog scenarios declare.

:func:`fit_formula` compiles ``y ~ text`` (parsed safely, with SymPy's exact
gradient in each fitted parameter) and hands it to
:func:`~scenarios.fitting.least_squares.least_squares_fit`. :class:`DataFit`
is what a catalog scenario declares to get a "Fit to data" tab for a formula
of its own; :func:`slider_values` turns a fit into slider settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from scenarios.fitting.least_squares import (
    FitError,
    Jacobian,
    Model,
    ParameterFit,
    least_squares_fit,
)


@dataclass(frozen=True)
class FormulaModel:
    """A parsed formula y = f(x; θ) ready to fit: callables and exact Jacobian.

    ``fitted`` are the parameters fitted, in the order of θ; ``fixed`` hold
    the values of the others. ``gradient_text`` is ∂f/∂θ for each fitted
    name, as SymPy prints it.
    """

    text: str
    variable: str
    parameters: tuple[str, ...]
    fitted: tuple[str, ...]
    fixed: dict[str, float]
    model: Model = field(repr=False)
    jacobian: Jacobian = field(repr=False)
    gradient_text: dict[str, str] = field(default_factory=dict)


def formula_parameters(text: str, variable: str) -> tuple[str, ...]:
    """The parameter names of a typed formula, in the order they first appear.

    Raises FormulaError (a ValueError, one sentence) when the text cannot be
    parsed.
    """
    from scenarios.formula.build import parse_formula

    return parse_formula(text, variable).param_names


def formula_model(
    text: str,
    variable: str,
    fit: Sequence[str],
    fixed: Mapping[str, float] | None = None,
) -> FormulaModel:
    """Compile a typed formula for fitting the parameters named in ``fit``.

    The text goes through the project's formula parser (never ``eval`` or
    ``sympify``), and ∂f/∂θ is SymPy's exact derivative compiled to numpy by
    :func:`scenarios.formula.fit_functions`. Every parameter not fitted needs
    a value in ``fixed``. Raises FormulaError for text that cannot be parsed
    and FitError naming unknown or missing parameters.
    """
    from scenarios.formula.build import fit_functions, parse_formula

    formula = parse_formula(text, variable)
    names = formula.param_names
    fit = tuple(dict.fromkeys(fit))
    if not fit:
        raise FitError("Pick at least one parameter to fit.")
    known = ", ".join(names) or "none"
    for name in fit:
        if name not in names:
            raise FitError(
                f"{name} is not a parameter of this formula; its parameters are "
                f"{known}."
            )
    given = dict(fixed or {})
    missing = [n for n in names if n not in fit and n not in given]
    if missing:
        raise FitError(
            f"Give a value for {', '.join(missing)} or fit "
            f"{'it' if len(missing) == 1 else 'them'} too."
        )
    held = {n: float(given[n]) for n in names if n not in fit}
    f, grads = fit_functions(formula)

    def values(theta: np.ndarray) -> dict[str, float]:
        return {**held, **dict(zip(fit, theta.tolist(), strict=True))}

    def model(x: np.ndarray, theta: np.ndarray) -> np.ndarray:
        out = np.asarray(f(x, **values(theta)), dtype=float)
        return np.broadcast_to(out, np.shape(x))

    def jacobian(x: np.ndarray, theta: np.ndarray) -> np.ndarray:
        params = values(theta)
        columns = [
            np.broadcast_to(np.asarray(grads[n](x, **params), dtype=float), x.shape)
            for n in fit
        ]
        return np.column_stack(columns)

    gradient = formula.gradient()
    return FormulaModel(
        text=text,
        variable=variable,
        parameters=names,
        fitted=fit,
        fixed=held,
        model=model,
        jacobian=jacobian,
        gradient_text={n: str(gradient[n]) for n in fit},
    )


def fit_formula(
    text: str,
    variable: str,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    start: Mapping[str, float],
    fixed: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> ParameterFit:
    """Fit the parameters named in ``start`` of the formula ``y ~ text``.

    ``start`` gives each fitted parameter's start value, ``fixed`` the value
    of every other parameter and ``bounds`` optional ``(lo, hi)`` ranges.
    Raises FormulaError or FitError (both ValueError, one sentence) for a
    formula or data that cannot be fitted; a fit that does not converge comes
    back with ``converged=False`` and the start values.
    """
    compiled = formula_model(text, variable, tuple(start), fixed)
    return least_squares_fit(compiled.model, compiled.jacobian, x, y, start, bounds)


# --- Which curve a scenario fits to data, and slider values from a fit ---------


@dataclass(frozen=True)
class DataFit:
    """A scenario's curve over data: the formula y = f(x; θ) its data fit uses.

    Declared by a catalog scenario in ``extras["data_fit"]``. ``formula`` is
    in the own-model syntax, written with the scenario's parameter names and
    ``variable`` (the data's x), so a fit sets the scenario's sliders
    directly; ``fit`` names the parameters fitted by default.
    """

    formula: str
    variable: str
    fit: tuple[str, ...]
    x_label: str
    x_unit: str
    y_label: str
    y_unit: str
    note: str = ""


def data_fit_of(scenario: object) -> DataFit | None:
    """The scenario's declared data fit; for a typed model, its own formula."""
    extras = getattr(scenario, "extras", None) or {}
    declared = extras.get("data_fit")
    if isinstance(declared, DataFit):
        return declared
    spec = extras.get("formula")
    if spec is None:
        return None
    variable = getattr(scenario, "variable", None)
    params = tuple(getattr(p, "name", "") for p in getattr(scenario, "params", ()))
    return DataFit(
        formula=str(spec.formula),
        variable=str(spec.variable),
        fit=params,
        x_label=getattr(variable, "label", spec.variable),
        x_unit=getattr(variable, "unit", ""),
        y_label=str(getattr(scenario, "objective_label", "y")),
        y_unit=str(getattr(scenario, "objective_unit", "")),
    )


@dataclass(frozen=True)
class SliderValues:
    """Slider settings from a fit: values by name, and notices about them."""

    params: dict[str, float]
    notices: tuple[str, ...]


def slider_values(scenario: object, params: Mapping[str, float]) -> SliderValues:
    """Fitted values as the scenario's sliders can hold them.

    Each value is rounded to its slider's step and clipped to its range,
    with a notice when the range cuts it. Names the scenario has no slider
    for are left out, with a notice.
    """
    from decimal import ROUND_HALF_EVEN, Decimal

    declared = {p.name: p for p in getattr(scenario, "params", ())}
    values: dict[str, float] = {}
    notices: list[str] = []
    for name, value in params.items():
        spec = declared.get(name)
        if spec is None:
            notices.append(f"{name} has no slider here, so it is not set.")
            continue
        step = Decimal(repr(float(spec.step)))
        snapped = float(
            (Decimal(repr(float(value))) / step).to_integral_value(ROUND_HALF_EVEN)
            * step
        )
        clipped = min(max(snapped, spec.min), spec.max)
        if clipped != snapped:
            notices.append(
                f"{spec.label} from the fit is {value:.6g}, outside the slider's "
                f"range {spec.min:g} to {spec.max:g}; it is set to {clipped:g}."
            )
        values[name] = clipped
    return SliderValues(values, tuple(notices))


def evaluate_formula(
    text: str,
    variable: str,
    params: Mapping[str, float],
    x: Sequence[float] | np.ndarray,
) -> np.ndarray:
    """y = f(x) for a typed formula at ``params`` (NaN where it is not finite).

    Raises FormulaError for text that cannot be parsed, FitError when a
    parameter has no value.
    """
    from scenarios.formula.build import numpy_function, parse_formula

    formula = parse_formula(text, variable)
    missing = [n for n in formula.param_names if n not in params]
    if missing:
        raise FitError(f"Give a value for {', '.join(missing)}.")
    fn = numpy_function(formula.expr, variable, formula.param_names)
    xs = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        y = np.asarray(
            fn(xs, **{n: float(params[n]) for n in formula.param_names}), dtype=float
        )
    y = np.broadcast_to(y, xs.shape).copy()
    y[~np.isfinite(y)] = np.nan
    return y
