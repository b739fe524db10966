"""Optimisation scenarios from a lesson on derivatives: declarations and solvers.

Pure computation: nothing in this package imports Streamlit.

>>> import scenarios
>>> sol = scenarios.solve(scenarios.get("headphone_pricing"))
>>> round(sol.x, 9), sol.kind
(75.0, 'maximum')
"""

import importlib

from scenarios.analysis import (
    Curve,
    PointReport,
    WhatIfRow,
    advice_for,
    curve,
    evaluate_points,
    reference_points,
    tangent_line,
    what_if,
)
from scenarios.checks import DerivativeCheck, DerivativeSample, check_derivatives
from scenarios.goalseek import SeekError, seek, seek_param
from scenarios.model import Derived, Param, ParamError, Reference, Scenario, Variable
from scenarios.registry import REGISTRY, adopt, discover, get
from scenarios.roots.engine import RootResult, find_roots
from scenarios.solver import (
    DomainError,
    GridSolution,
    Solution,
    StationaryPoint,
    domain_of,
    solve,
    solve_grid,
)

__all__ = [
    "REGISTRY",
    "Curve",
    "DerivativeCheck",
    "DerivativeSample",
    "Derived",
    "DomainError",
    "FormulaError",
    "GridSolution",
    "Param",
    "ParamError",
    "PointReport",
    "Reference",
    "RootResult",
    "Scenario",
    "SeekError",
    "Solution",
    "StationaryPoint",
    "Variable",
    "WhatIfRow",
    "adopt",
    "advice_for",
    "check_derivatives",
    "curve",
    "discover",
    "domain_of",
    "evaluate_points",
    "find_roots",
    "from_formula",
    "get",
    "parse_formula",
    "reference_points",
    "seek",
    "seek_param",
    "solve",
    "solve_grid",
    "tangent_line",
    "what_if",
]


_LAZY = dict.fromkeys(("FormulaError", "from_formula", "parse_formula"), "formula")
"""Names loaded on first use: typed formulas bring in SymPy, a fifth of a second
that a catalog page never needs."""


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
