"""Typed formulas: parsed safely, differentiated by SymPy, run by numpy.

Text from a user is never evaluated: ``parse`` walks its ``ast`` under a
whitelist (names and limits in ``tokens``), ``derive`` differentiates the
SymPy tree, ``numeric`` turns it into numpy code from that tree only, and
``build`` makes a :class:`~scenarios.model.Scenario` of it. ``spec`` is the
saved form and ``examples`` the lesson's own formulas.
"""

from scenarios.formula.build import (
    Formula,
    fit_functions,
    formula_texts,
    from_formula,
    from_spec,
    parameter_names,
    parse_formula,
)
from scenarios.formula.parse import FormulaError
from scenarios.formula.spec import FormulaSpec

__all__ = [
    "Formula",
    "FormulaError",
    "FormulaSpec",
    "fit_functions",
    "formula_texts",
    "from_formula",
    "from_spec",
    "parameter_names",
    "parse_formula",
]
