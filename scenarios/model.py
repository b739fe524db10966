"""Declarations: a scenario is data (frozen dataclasses), not behaviour.

Every callable in a declaration takes the decision variable first and the
parameters as keyword arguments, ``f(x, **params)``, and is written with numpy
so that ``x`` and any parameter may be arrays that broadcast together.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from scenarios.errors import DeclarationError, ScenarioError

Goal = Literal["maximize", "minimize"]

SHOWCASE = "showcase"
"""The tag of the scenarios pages open with: the compare page's first choice,
and (the first of them that declares a formula) the own-model page's start."""
Number = float | np.ndarray
Objective = Callable[..., Number]
DomainFn = Callable[..., tuple[Number, Number]]


class ParamError(ScenarioError, ValueError):
    """A parameter name is unknown, or its value is not a number in its range."""


@dataclass(frozen=True)
class Param:
    """One slider: a named model parameter with its unit and allowed range."""

    name: str
    label: str
    unit: str
    default: float
    min: float
    max: float
    step: float
    help: str

    def __post_init__(self) -> None:
        if not (self.min <= self.default <= self.max):
            raise DeclarationError(f"{self.name}: default {self.default} outside range")
        if self.step <= 0:
            raise DeclarationError(f"{self.name}: step must be positive")

    def validate(self, value: object) -> float:
        """Return ``value`` as a float, or raise ParamError naming the problem."""
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ParamError(f"{self.name} must be a number, not {value!r}") from None
        if not math.isfinite(number):
            raise ParamError(f"{self.name} must be a finite number, not {value!r}")
        if not (self.min <= number <= self.max):
            raise ParamError(
                f"{self.name} = {number:g} is outside its range "
                f"{self.min:g} to {self.max:g}"
            )
        return number


@dataclass(frozen=True)
class Variable:
    """The decision variable: what the user chooses."""

    name: str
    label: str
    unit: str


@dataclass(frozen=True)
class Reference:
    """A value of the decision variable a user has already tried."""

    x: float
    label: str


@dataclass(frozen=True)
class Derived:
    """An extra quantity computed from x and the parameters, ``fn(x, **params)``."""

    name: str
    label: str
    unit: str
    fn: Objective


@dataclass(frozen=True)
class FormulaText:
    """The objective as a formula a person would type, in the parser's syntax.

    It feeds the step-by-step derivation and the own-model template "start from
    this scenario". ``domain`` gives the ends as formula text in the formula's
    own symbols; ``names`` maps each formula symbol to the scenario parameter
    it stands for (``{"c": "unit_cost"}``).
    """

    text: str
    variable: str
    domain: tuple[str, str]
    names: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class FitTarget:
    """Which parameters a demand fit sets, for a pricing scenario.

    ``fixed`` are parameters the fit pins (uber_surge's demand multiplier is 1,
    so base rides are the fitted intercept as it stands). ``cost_param`` is
    the unit cost [$] that prices every fitted demand shape.
    """

    intercept_param: str
    slope_param: str
    fixed: tuple[tuple[str, float], ...] = ()
    cost_param: str = ""


@dataclass(frozen=True)
class GrowthFigures:
    """Growth figures for a scenario with no interior optimum.

    ``rate_param`` is the parameter solved for "doubles within N";
    ``within_default`` is N at first; ``percent`` shows that rate as a
    percentage as well.
    """

    rate_param: str
    within_default: float = 10.0
    percent: bool = True


@dataclass(frozen=True)
class DescentSettings:
    """Starting point, learning rate and step budget for a scenario's descent."""

    start: float
    learning_rate: float
    steps: int


@dataclass(frozen=True)
class Scenario:
    """A one-variable optimisation problem with its analytic derivatives.

    ``f``, ``df`` and ``d2f`` are the objective and its first and second
    derivatives in x, written by hand. ``domain(**params)`` returns the closed
    interval ``(lo, hi)`` that x may take; ``domain_params`` names the
    parameters it depends on and ``domain_note`` says in words why it can be
    empty, for the error a user sees.
    """

    id: str
    title: str
    question: str
    goal: Goal
    variable: Variable
    objective_label: str
    objective_unit: str
    f: Objective
    df: Objective
    d2f: Objective
    domain: DomainFn
    params: tuple[Param, ...] = ()
    references: tuple[Reference, ...] = ()
    derived: tuple[Derived, ...] = ()
    domain_params: tuple[str, ...] = ()
    domain_note: str = ""
    formula_tex: str = ""
    df_tex: str = ""
    d2f_tex: str = ""
    explanation: str = ""
    order: int = 100
    tags: tuple[str, ...] = field(default=())
    kinks: Callable[..., Sequence[float]] | None = None
    """``kinks(**params)``: x values where f' jumps (abs, min, max), or None."""
    formula: FormulaText | None = None
    """The objective as typed text, for steps and templates; None for a sum
    over stored data (the single neuron)."""
    demand_fit: FitTarget | None = None
    """Set for a pricing scenario whose demand line a sales fit can set."""
    growth: GrowthFigures | None = None
    """Set for a growth scenario: the page adds doubling figures."""
    descent: DescentSettings | None = None
    """The lesson's own gradient-descent run, where it gives one."""
    extras: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Scenario-specific data for pages (a dataset, a formula spec), by name."""

    def __post_init__(self) -> None:
        if self.goal not in ("maximize", "minimize"):
            raise DeclarationError(f"{self.id}: goal must be 'maximize' or 'minimize'")
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise DeclarationError(f"{self.id}: duplicate parameter names")
        unknown = sorted(set(self._declared_params()) - set(names))
        if unknown:
            raise DeclarationError(
                f"{self.id}: declarations name unknown parameters: "
                + ", ".join(unknown)
            )

    def _declared_params(self) -> list[str]:
        """Parameter names the formula, demand-fit and growth declarations use."""
        used: list[str] = []
        if self.formula is not None:
            used += self.formula.names.values()
        if self.demand_fit is not None:
            t = self.demand_fit
            used += [t.intercept_param, t.slope_param, t.cost_param]
            used += [name for name, _ in t.fixed]
        if self.growth is not None:
            used.append(self.growth.rate_param)
        return [name for name in used if name]

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def param(self, name: str) -> Param:
        """The Param called ``name``; unknown names raise ParamError listing all."""
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(self.param_names) or "(none)"
        raise ParamError(f"{self.id} has no parameter {name!r}; known: {known}")

    def defaults(self) -> dict[str, float]:
        """Every parameter at its default value."""
        return {p.name: float(p.default) for p in self.params}

    def resolve(self, params: Mapping[str, object] | None = None) -> dict[str, float]:
        """Defaults overridden by ``params``, each validated against its range."""
        values = self.defaults()
        for name, value in (params or {}).items():
            values[name] = self.param(name).validate(value)
        return values

    @classmethod
    def from_functions(
        cls,
        f: Objective,
        df: Objective,
        d2f: Objective,
        domain: tuple[float, float] | DomainFn,
        *,
        id: str = "custom",
        goal: Goal = "maximize",
        title: str | None = None,
        params: tuple[Param, ...] = (),
        **fields: object,
    ) -> Scenario:
        """Build a scenario in code from f, f', f'' and a domain.

        ``domain`` may be a fixed ``(lo, hi)`` pair or a function of the params.
        """
        if callable(domain):
            domain_fn = domain
        else:
            lo, hi = float(domain[0]), float(domain[1])

            def domain_fn(**_: Number) -> tuple[float, float]:
                return lo, hi

        extreme = "maximum" if goal == "maximize" else "minimum"
        fields.setdefault("question", f"Where does f reach its {extreme}?")
        fields.setdefault("variable", Variable("x", "x", ""))
        fields.setdefault("objective_label", "f(x)")
        fields.setdefault("objective_unit", "")
        return cls(
            id=id,
            title=title or id,
            goal=goal,
            f=f,
            df=df,
            d2f=d2f,
            domain=domain_fn,
            params=params,
            **fields,  # type: ignore[arg-type]
        )
