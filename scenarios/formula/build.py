"""Your own model: a typed formula with named parameters, as a Scenario.

>>> import scenarios
>>> sc = scenarios.from_formula(
...     "(p - c)(a - b p)", variable="p", domain=("c", "a/b"), goal="maximize",
...     params={"a": 1300, "b": 10, "c": 20},
... )
>>> sol = scenarios.solve(sc)
>>> round(sol.x, 9), round(sol.value, 6)
(75.0, 30250.0)

The text is parsed by :mod:`scenarios.formula.parse` (never evaluated), the
derivatives come from SymPy in a time-limited worker
(:mod:`scenarios.formula.derive`), and every expression is compiled to numpy
with symbol names generated here, never the user's, so the engine, the sweeps
and the charts run it like a hand-written catalog function.

For fitting a formula's parameters to data, :func:`parse_formula` gives the
SymPy expression and :func:`fit_functions` the numpy callables for f and each
∂f/∂θ.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy

from scenarios.formula.derive import (
    Derivatives,
    derive,
    formula_text,
    parameter_gradient,
)
from scenarios.formula.numeric import NumpyFn, kink_points, kinks_at, numpy_function
from scenarios.formula.parse import (
    CONSTANTS,
    FUNCTIONS,
    KNOWN_FUNCTIONS_TEXT,
    FormulaError,
    check_name,
    names_in_order,
    parse_expression,
)
from scenarios.formula.singular_points import FormulaDefinedness
from scenarios.formula.spec import FormulaSpec, default_range, finite
from scenarios.model import Goal, Param, Scenario, Variable

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "KNOWN_FUNCTIONS_TEXT",
    "Formula",
    "FormulaError",
    "FormulaSpec",
    "default_range",
    "fit_functions",
    "formula_texts",
    "from_formula",
    "from_spec",
    "kink_points",
    "numpy_function",
    "parameter_names",
    "parse_formula",
]


# --- parsed formulas -----------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its SymPy expression, variable and parameter names.

    ``expr`` uses real ``sympy.Symbol`` objects named after the variable and
    the parameters; ``param_names`` lists the parameters in the order they
    first appear in the text.
    """

    text: str
    variable: str
    expr: sympy.Expr
    param_names: tuple[str, ...]

    @property
    def symbol(self) -> sympy.Symbol:
        """The variable's SymPy symbol."""
        return sympy.Symbol(self.variable, real=True)

    @property
    def param_symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(sympy.Symbol(name, real=True) for name in self.param_names)

    def derivatives(self) -> Derivatives:
        """f' and f'' in the variable, simplified, with LaTeX (time-limited)."""
        return _derivatives(self.text, self.variable)

    def gradient(self) -> dict[str, sympy.Expr]:
        """∂f/∂θ for every parameter θ, exact (time-limited; FormulaError if not)."""
        exprs = _gradient(self.text, self.variable, self.param_names)
        return dict(zip(self.param_names, exprs, strict=True))


@lru_cache(maxsize=512)
def parse_formula(text: str, variable: str = "x") -> Formula:
    """Parse ``text`` safely; FormulaError (one sentence) if it cannot be used."""
    expr = parse_expression(text, variable)
    names = tuple(n for n in names_in_order(text) if n != variable)
    used = {s.name for s in expr.free_symbols}
    return Formula(text, variable, expr, tuple(n for n in names if n in used))


class _Cache:
    """A small thread-safe LRU that also remembers refusals."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], object]) -> object:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        try:
            value: object = compute()
        except FormulaError as exc:
            value = exc
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_DERIVATIVES = _Cache(256)


def _cached(key: tuple, compute: Callable[[], object]) -> Any:
    value = _DERIVATIVES.get(key, compute)
    if isinstance(value, FormulaError):
        raise FormulaError(str(value), value.position)
    return value


def _derivatives(text: str, variable: str) -> Derivatives:
    parse_formula(text, variable)  # refuse bad text here, without a worker
    return _cached(("derive", text, variable), lambda: derive(text, variable))


def _gradient(text: str, variable: str, names: tuple[str, ...]):
    return _cached(
        ("gradient", text, variable, names),
        lambda: parameter_gradient(text, variable, names),
    )


# --- numpy code from expressions -------------------------------------------------


def fit_functions(formula: Formula) -> tuple[NumpyFn, dict[str, NumpyFn]]:
    """numpy callables for f and each ∂f/∂θ, all ``fn(x, **params)``.

    The gradient is SymPy's exact one, worked out under the same time limit as
    f' (FormulaError if it cannot be).
    """
    names = formula.param_names
    f = numpy_function(formula.expr, formula.variable, names)
    grads = {
        name: numpy_function(expr, formula.variable, names)
        for name, expr in formula.gradient().items()
    }
    return f, grads


# --- the scenario ---------------------------------------------------------------


def _end_text(value: object, which: str) -> str:
    if isinstance(value, bool):
        raise FormulaError(f"The domain's {which} end must be a number or a formula.")
    if isinstance(value, int | float):
        finite(value, f"the domain's {which} end")
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        if not value.strip():
            raise FormulaError(f"The domain's {which} end is empty.")
        return value.strip()
    raise FormulaError(f"The domain's {which} end must be a number or a formula.")


@dataclass(frozen=True)
class _Compiled:
    """The numpy side of one formula and its domain (cached per text)."""

    f: NumpyFn
    df: NumpyFn
    d2f: NumpyFn
    lo: NumpyFn
    hi: NumpyFn
    kink_args: tuple[NumpyFn, ...]
    names: tuple[str, ...]
    domain_names: tuple[str, ...]
    derivatives: Derivatives


def _domain_end(text: str, variable: str, which: str) -> sympy.Expr:
    try:
        expr = parse_expression(text, variable)
    except FormulaError as exc:
        message = str(exc)
        raise FormulaError(
            f"The domain's {which} end cannot be used: {message[0].lower()}"
            f"{message[1:]}",
            None,
        ) from None
    if sympy.Symbol(variable, real=True) in expr.free_symbols:
        raise FormulaError(
            f"The domain's {which} end may use the parameters but not {variable}."
        )
    return expr


@lru_cache(maxsize=256)
def _compile(formula: str, variable: str, lo: str, hi: str) -> _Compiled:
    parsed = parse_formula(formula, variable)
    lo_expr = _domain_end(lo, variable, "lower")
    hi_expr = _domain_end(hi, variable, "upper")
    domain_names = [
        n for text in (lo, hi) for n in names_in_order(text) if n != variable
    ]
    names = tuple(dict.fromkeys([*parsed.param_names, *domain_names]))
    d = parsed.derivatives()
    f = numpy_function(parsed.expr, variable, names)
    return _Compiled(
        f=f,
        df=numpy_function(d.df, variable, names),
        d2f=numpy_function(d.d2f, variable, names),
        lo=numpy_function(lo_expr, variable, names),
        hi=numpy_function(hi_expr, variable, names),
        kink_args=tuple(numpy_function(g, variable, names) for g in d.kink_args),
        names=names,
        domain_names=tuple(dict.fromkeys(domain_names)),
        derivatives=d,
    )


def _params(
    names: tuple[str, ...],
    values: Mapping[str, object],
    ranges: Mapping[str, Sequence[object]],
) -> tuple[Param, ...]:
    for given in (values, ranges):
        unknown = [n for n in given if n not in names]
        if unknown:
            known = (
                f"its parameters: {', '.join(names)}"
                if names
                else "it has no parameters"
            )
            raise FormulaError(
                f"{unknown[0]} is not a parameter of this formula ({known})."
            )
    out = []
    for name in names:
        default = finite(values.get(name, 1.0), name)
        if name in ranges:
            try:
                lo, hi, step = (finite(v, name) for v in ranges[name])
            except ValueError:
                raise FormulaError(
                    f"The range for {name} needs a minimum, a maximum and a step."
                ) from None
            if not lo <= default <= hi:
                raise FormulaError(
                    f"{name} = {default:g} lies outside its range {lo:g} to {hi:g}."
                )
            if step <= 0:
                raise FormulaError(f"The step for {name} must be positive.")
        else:
            lo, hi, step = default_range(default)
        out.append(Param(name, name, "", default, lo, hi, step, f"Parameter {name}."))
    return tuple(out)


def parameter_names(
    formula: str, variable: str, domain: tuple[object, object]
) -> tuple[str, ...]:
    """The parameters a model will have, in order: the formula's, then the domain's.

    Parses only (no derivatives); FormulaError exactly as :func:`from_formula`.
    """
    if not isinstance(formula, str) or not isinstance(variable, str):
        raise FormulaError("A formula and its variable must be text.")
    lo, hi = _end_text(domain[0], "lower"), _end_text(domain[1], "upper")
    return _parameter_names(formula.strip(), variable, lo, hi)


@lru_cache(maxsize=512)
def _parameter_names(formula: str, variable: str, lo: str, hi: str):
    check_name(variable, role="variable")
    names = list(parse_formula(formula, variable).param_names)
    for text, which in ((lo, "lower"), (hi, "upper")):
        _domain_end(text, variable, which)
        names.extend(n for n in names_in_order(text) if n != variable)
    return tuple(dict.fromkeys(names))


def from_formula(
    formula: str,
    *,
    variable: str = "x",
    domain: tuple[object, object],
    goal: Goal = "maximize",
    params: Mapping[str, object] | None = None,
    ranges: Mapping[str, Sequence[object]] | None = None,
    title: str = "Your own model",
) -> Scenario:
    """A Scenario from a typed formula; FormulaError (one sentence) if it can't be.

    ``domain`` ends are numbers or formulas of the parameters; ``params`` gives
    defaults (1 for any name left out); ``ranges`` maps a parameter to
    ``(min, max, step)`` (default: a tenth to ten times the default). The
    scenario is also registered under its content-hash id, so
    ``scenarios.get(sc.id)`` finds it while it is recent.
    """
    if goal not in ("maximize", "minimize"):
        raise FormulaError(f"The goal must be maximize or minimize, not {goal!r}.")
    if not isinstance(variable, str):
        raise FormulaError("The variable must be a name.")
    check_name(variable, role="variable")  # also refuses functions and constants
    try:
        lo_raw, hi_raw = domain
    except (TypeError, ValueError):
        raise FormulaError("The domain needs two ends, lower and upper.") from None
    lo, hi = _end_text(lo_raw, "lower"), _end_text(hi_raw, "upper")
    if not isinstance(formula, str):
        raise FormulaError("A formula must be text.")
    values = tuple(dict(params or {}).items())
    bounds = tuple(
        (k, tuple(v) if isinstance(v, Sequence) and not isinstance(v, str) else v)
        for k, v in dict(ranges or {}).items()
    )
    key = (formula.strip(), variable, lo, hi, goal, values, bounds, title)
    try:
        hash(key)
    except TypeError:
        return _build(*key)
    from scenarios.registry import adopt

    return adopt(_build_cached(*key))  # adopted again: recently used


def _build(
    text: str,
    variable: str,
    lo: str,
    hi: str,
    goal: Goal,
    values: tuple,
    bounds: tuple,
    title: str,
) -> Scenario:
    compiled = _compile(text, variable, lo, hi)
    param_list = _params(compiled.names, dict(values), dict(bounds))
    spec = FormulaSpec(
        formula=text,
        variable=variable,
        domain=(lo, hi),
        goal=goal,
        params=tuple((p.name, p.default) for p in param_list),
        ranges=tuple((p.name, (p.min, p.max, p.step)) for p in param_list),
    )
    return _scenario(spec, compiled, param_list, title)


_build_cached = lru_cache(maxsize=256)(_build)
"""The same model always gives the same Scenario object, so reruns are cheap."""


def from_spec(spec: FormulaSpec | Mapping[str, Any], title: str = "Your own model"):
    """:func:`from_formula` for a saved-model spec (dict or FormulaSpec)."""
    if not isinstance(spec, FormulaSpec):
        spec = FormulaSpec.from_dict(spec)
    return from_formula(
        spec.formula,
        variable=spec.variable,
        domain=spec.domain,
        goal=spec.goal,
        params=dict(spec.params),
        ranges=dict(spec.ranges),
        title=title,
    )


def _scenario(
    spec: FormulaSpec, compiled: _Compiled, params: tuple[Param, ...], title: str
) -> Scenario:
    from scenarios.registry import adopt

    var = spec.variable
    v_tex = sympy.latex(sympy.Symbol(var))
    d = compiled.derivatives
    best = "highest" if spec.goal == "maximize" else "lowest"
    lo_fn, hi_fn = compiled.lo, compiled.hi

    def domain(**values: Any) -> tuple[Any, Any]:
        return lo_fn(0.0, **values), hi_fn(0.0, **values)

    fields: dict[str, Any] = {}
    if compiled.kink_args and "kinks" in {f.name for f in dataclasses.fields(Scenario)}:
        args, df = compiled.kink_args, compiled.df

        def kinks(**values: Any) -> list[float]:
            return kinks_at(args, df, domain, values)

        fields["kinks"] = kinks
    if "extras" in {f.name for f in dataclasses.fields(Scenario)}:
        fields["extras"] = {
            "formula": spec,
            "derivatives": d,
            "definedness": FormulaDefinedness(
                spec.formula,
                var,
                compiled.names,
                (compiled.f, compiled.df, compiled.d2f),
                d.df,
            ),
        }
    scenario = Scenario(
        id=spec.id,
        title=title,
        question=f"Which {var} gives the {best} f({var})?",
        goal=spec.goal,
        variable=Variable(var, var, ""),
        objective_label=f"f({var})",
        objective_unit="",
        f=compiled.f,
        df=compiled.df,
        d2f=compiled.d2f,
        domain=domain,
        params=params,
        domain_params=compiled.domain_names or tuple(p.name for p in params),
        domain_note=(
            f"the lower end {spec.domain[0]} must stay below the upper end "
            f"{spec.domain[1]}"
        ),
        formula_tex=f"f({v_tex}) = {d.f_tex}",
        df_tex=f"f'({v_tex}) = {d.df_tex}",
        d2f_tex=f"f''({v_tex}) = {d.d2f_tex}",
        explanation=(
            "f′ and f″ were worked out symbolically by SymPy from the formula "
            "you typed."
            + (
                " Where abs, min or max switch branch, f′ jumps: those kinks are "
                "candidates for the optimum too."
                if compiled.kink_args
                else ""
            )
        ),
        order=1000,
        tags=("formula",),
        **fields,
    )
    return adopt(scenario)


def formula_texts(scenario: Scenario) -> dict[str, str] | None:
    """f, f' and f'' of a typed-formula scenario as formula text, else None."""
    spec = scenario.extras.get("formula")
    d = scenario.extras.get("derivatives")
    if not isinstance(spec, FormulaSpec) or not isinstance(d, Derivatives):
        return None
    f = parse_formula(spec.formula, spec.variable).expr
    return {"f": formula_text(f), "df": formula_text(d.df), "d2f": formula_text(d.d2f)}
