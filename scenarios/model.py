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
    extras: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Scenario-specific data for pages (a dataset, a formula spec), by name."""

    def __post_init__(self) -> None:
        if self.goal not in ("maximize", "minimize"):
            raise DeclarationError(f"{self.id}: goal must be 'maximize' or 'minimize'")
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise DeclarationError(f"{self.id}: duplicate parameter names")

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
