"""Optimisation scenarios from a lesson on derivatives: declarations and solvers.

Pure computation: nothing in this package imports Streamlit. ``__all__`` is
the scripting API (the README shows each name at work); everything else is
reached through its own module: ``scenarios.analysis``, ``scenarios.solver``,
``scenarios.checks``, ``scenarios.store`` and the rest.

>>> import scenarios
>>> sol = scenarios.solve(scenarios.get("headphone_pricing"))
>>> round(sol.x, 9), sol.kind
(75.0, 'maximum')
"""

import importlib

from scenarios.errors import ScenarioError
from scenarios.goalseek import SeekError, seek, seek_param
from scenarios.model import Param, ParamError, Scenario
from scenarios.registry import REGISTRY, get
from scenarios.roots import NotFiniteError, RootResult, find_roots
from scenarios.sensitivity import local_sensitivity, one_way, tornado, two_way
from scenarios.solver import DomainError, Solution, solve

__all__ = [
    "REGISTRY",
    "DomainError",
    "FitError",
    "FormulaError",
    "FormulaSpec",
    "NotFiniteError",
    "Param",
    "ParamError",
    "RootResult",
    "Scenario",
    "ScenarioError",
    "SeekError",
    "Solution",
    "find_roots",
    "fit_formula",
    "from_formula",
    "from_spec",
    "get",
    "local_sensitivity",
    "one_way",
    "seek",
    "seek_param",
    "solve",
    "tornado",
    "two_way",
]


_LAZY = {
    **dict.fromkeys(("FormulaError", "FormulaSpec", "from_formula", "from_spec"),
                    "formula"),
    **dict.fromkeys(("FitError", "fit_formula"), "fitting"),
}  # fmt: skip
"""Names loaded on first use: typed formulas bring in SymPy, a fifth of a second
that a catalog page never needs."""


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
