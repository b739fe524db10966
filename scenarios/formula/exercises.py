"""Twenty derivatives to practise, from the lesson's rules to the catalog's models.

The list is data: each row names a formula from the lesson (its rule table
and worked examples, :data:`~scenarios.formula.examples.LESSON_EXAMPLES`) or a
catalog scenario, in increasing difficulty: each has a level
(:data:`LEVELS`: single rules, sums with parameters, functions, products, the
chain rule, quotients) and the list runs through the levels in order. A
catalog row takes its formula, range and parameter values from the scenario
itself, so the exercise is the model its page solves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import sympy

from scenarios.errors import UnknownNameError
from scenarios.formula.examples import LESSON_EXAMPLES
from scenarios.formula.notation import Notation
from scenarios.formula.parse import names_in_order, parse_expression
from scenarios.registry import REGISTRY

LESSON = "lesson"
CATALOG = "catalog"

LEVELS: dict[int, str] = {
    1: "One rule at a time",
    2: "Sums with parameters",
    3: "Exponentials, logarithms and trig",
    4: "The product rule",
    5: "The chain rule",
    6: "Quotients and reciprocals",
}
"""Difficulty levels, easiest first; each exercise has one."""

# (level, rule practised, where it comes from, then the lesson example's key
# or the catalog id, or for the lesson's rule table formula, variable, range)
_ROWS: tuple[tuple[int, str, str, str | tuple[str, str, tuple[float, float]]], ...] = (
    (1, "Power rule", LESSON, ("x^3", "x", (-2.0, 2.0))),
    (1, "Constant multiple rule", LESSON, ("3x^2", "x", (-2.0, 2.0))),
    (1, "Sum rule", LESSON, ("x^2 + 3x + 5", "x", (-3.0, 3.0))),
    (1, "A negative exponent", LESSON, ("x^-1", "x", (0.5, 4.0))),
    (1, "Polynomial", LESSON, "polynomial"),
    (2, "Sum rule with parameters", CATALOG, "study_burnout"),
    (2, "Sum rule with parameters", CATALOG, "ad_spend"),
    (3, "Sine and cosine", LESSON, ("sin(x) + cos(x)", "x", (0.0, 6.0))),
    (3, "Exponential and logarithm", LESSON, ("e^x + ln(x)", "x", (0.5, 3.0))),
    (4, "Product rule", CATALOG, "headphone_pricing"),
    (4, "Product rule", CATALOG, "uber_surge"),
    (4, "Product rule", LESSON, "product"),
    (4, "Product rule with a sine", LESSON, "x2sin"),
    (5, "Chain rule: a square", CATALOG, "recommendation_tuning"),
    (5, "Chain rule: an exponential", CATALOG, "compound_growth"),
    (5, "Chain rule: a power", LESSON, "chain"),
    (5, "Chain rule in a difference", CATALOG, "study_time"),
    (6, "Quotient rule", LESSON, "quotient"),
    (6, "Quotient rule with parameters", CATALOG, "fuel_efficiency"),
    (6, "A reciprocal: the sigmoid", LESSON, "sigmoid"),
)
"""The exercises in order. A tuple in the last place is from the rule table."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: differentiate ``formula`` in ``variable``.

    ``params`` gives each parameter the value the numeric check uses, and
    ``domain`` the range it draws points from.
    """

    number: int
    level: int
    rule: str
    source: str
    formula: str
    variable: str
    domain: tuple[float, float]
    params: Mapping[str, float] = field(default_factory=dict, hash=False)

    @property
    def formula_tex(self) -> str:
        """f(x) = … in LaTeX, in the formula's typed order."""
        notation = Notation(self.variable, list(names_in_order(self.formula)))
        expr = parse_expression(self.formula, self.variable)
        v = notation.tex(notation.x)
        return f"f({v}) = {notation.tex(expr)}"

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """The formula's parameters, in the order they are typed."""
        return tuple(n for n in names_in_order(self.formula) if n in self.params)


def _number(text: str) -> float:
    """A range end of a lesson example (``"2 pi"``) as a float."""
    return float(sympy.N(parse_expression(text, "x")))


def _from_lesson(number: int, level: int, rule: str, key: str) -> Exercise:
    item = next(e for e in LESSON_EXAMPLES if e.key == key)
    domain = (_number(item.domain[0]), _number(item.domain[1]))
    source = f"The lesson's worked example: {item.label}"
    return Exercise(number, level, rule, source, item.formula, item.variable, domain)


def _from_catalog(number: int, level: int, rule: str, scenario_id: str) -> Exercise:
    scenario = REGISTRY[scenario_id]
    written = scenario.formula
    if written is None:
        raise UnknownNameError(f"{scenario_id} declares no formula to practise on")
    defaults = scenario.defaults()
    lo, hi = scenario.domain(**defaults)
    params = {symbol: defaults[name] for symbol, name in written.names.items()}
    source = f"The catalog: {scenario.title}"
    return Exercise(
        number, level, rule, source, written.text, written.variable,
        (float(lo), float(hi)), params,
    )  # fmt: skip


@lru_cache(maxsize=1)
def exercises() -> tuple[Exercise, ...]:
    """All twenty exercises, easiest first, numbered from 1."""
    out = []
    for number, (level, rule, source, what) in enumerate(_ROWS, start=1):
        if isinstance(what, tuple):
            formula, variable, domain = what
            table = "The lesson's rule table"
            out.append(Exercise(number, level, rule, table, formula, variable, domain))
        elif source == LESSON:
            out.append(_from_lesson(number, level, rule, what))
        else:
            out.append(_from_catalog(number, level, rule, what))
    return tuple(out)


def exercise(number: int) -> Exercise:
    """Exercise ``number`` (1 to 20); UnknownNameError for any other."""
    items = exercises()
    if not 1 <= number <= len(items):
        raise UnknownNameError(f"no exercise {number}; they run from 1 to {len(items)}")
    return items[number - 1]
