"""Ready-made typed models: the lesson's worked examples and the catalog as formulas.

Each :class:`Example` is the data a user would type: the formula, its
variable, the domain ends and the goal, with parameter values. Catalog
templates take their values from the catalog scenario's defaults, so "start
from headphone pricing" opens on the catalog's own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scenarios.errors import UnknownNameError
from scenarios.formula.build import FormulaSpec
from scenarios.model import Goal
from scenarios.registry import REGISTRY


@dataclass(frozen=True)
class Example:
    """One model to start from. ``catalog_id`` names the scenario it mirrors.

    ``names`` maps each parameter of the formula to the catalog parameter it
    stands for (catalog templates only).
    """

    key: str
    label: str
    formula: str
    variable: str
    domain: tuple[str, str]
    goal: Goal
    params: dict[str, float] = field(default_factory=dict, hash=False)
    catalog_id: str | None = None
    names: dict[str, str] = field(default_factory=dict, hash=False)

    def spec(self) -> FormulaSpec:
        """The example as a spec with default parameter ranges."""
        return FormulaSpec(
            self.formula, self.variable, self.domain, self.goal,
            tuple(self.params.items()), (),
        )  # fmt: skip


LESSON_EXAMPLES: tuple[Example, ...] = (
    Example("polynomial", "Polynomial 3x⁴ − 2x³ + 5x − 7",
            "3x^4 - 2x^3 + 5x - 7", "x", ("-1", "1.5"), "minimize"),
    Example("product", "Product rule x²·eˣ", "x^2 e^x", "x", ("-3", "1"),
            "minimize"),
    Example("quotient", "Quotient rule x²/(x + 1)", "x^2/(x + 1)", "x",
            ("-0.5", "3"), "minimize"),
    Example("chain", "Chain rule (3x + 1)⁵", "(3x + 1)^5", "x", ("-1", "1"),
            "maximize"),
    Example("x2sin", "x²·sin x", "x^2 sin(x)", "x", ("0", "2 pi"), "maximize"),
    Example("sigmoid", "Sigmoid 1/(1 + e⁻ˣ)", "1/(1 + e^(-x))", "x", ("-6", "6"),
            "maximize"),
    Example("tanh", "tanh x", "tanh(x)", "x", ("-3", "3"), "maximize"),
    Example("relu", "ReLU max(0, x)", "max(0, x)", "x", ("-2", "2"), "maximize"),
)  # fmt: skip
"""The lesson's worked examples, one click each on the "Your own model" page."""

_TEMPLATES: tuple[tuple[str, str, str, tuple[str, str], dict[str, str]], ...] = (
    ("headphone_pricing", "(p - c)(a - b p)", "p", ("c", "a/b"),
     {"c": "unit_cost", "a": "demand_intercept", "b": "demand_slope"}),
    ("uber_surge", "(p - c)(m a - b p)", "p", ("c", "m a / b"),
     {"c": "cost_per_ride", "m": "demand_multiplier", "a": "base_rides",
      "b": "price_sensitivity"}),
    ("study_time", "S(1 - e^(-k h)) - c h", "h", ("0", "24"),
     {"S": "max_score", "k": "learning_speed", "c": "fatigue_cost"}),
    ("fuel_efficiency", "s/(d s^2 + i)", "s", ("5", "120"),
     {"d": "drag_coefficient", "i": "idle_burn"}),
    ("compound_growth", "P e^(r t)", "t", ("0", "T"),
     {"P": "principal", "r": "annual_rate", "T": "horizon"}),
    ("ad_spend", "q x^2 - s x + F", "x", ("0", "20"),
     {"q": "quadratic_cost", "s": "linear_saving", "F": "fixed_cost"}),
    ("production_profit", "-q x^2 + m x - F", "x", ("0", "30"),
     {"q": "curvature", "m": "unit_margin", "F": "fixed_cost"}),
    ("study_burnout", "-q h^2 + g h + s0", "h", ("0", "15"),
     {"q": "curvature", "g": "gain", "s0": "base_score"}),
    ("recommendation_tuning", "(alpha - alpha0)^2 + e0", "alpha", ("0", "2"),
     {"alpha0": "best_alpha", "e0": "floor_error"}),
)  # fmt: skip
"""Catalog scenarios written as formulas: (id, formula, variable, domain, names)."""


def catalog_templates() -> tuple[Example, ...]:
    """Every catalog scenario that is a closed formula, as an example to edit.

    (The single neuron sums over a stored dataset, so it has no template.)
    """
    out = []
    for scenario_id, text, variable, domain, names in _TEMPLATES:
        scenario = REGISTRY.get(scenario_id)
        if scenario is None:
            continue
        defaults = scenario.defaults()
        out.append(
            Example(
                key=scenario_id,
                label=f"Start from {scenario.title.lower()}",
                formula=text,
                variable=variable,
                domain=domain,
                goal=scenario.goal,
                params={k: defaults[v] for k, v in names.items()},
                catalog_id=scenario_id,
                names=dict(names),
            )
        )
    return tuple(out)


def example(key: str) -> Example:
    """The lesson example or catalog template called ``key``; KeyError lists all."""
    for item in (*LESSON_EXAMPLES, *catalog_templates()):
        if item.key == key:
            return item
    known = ", ".join(e.key for e in (*LESSON_EXAMPLES, *catalog_templates()))
    raise UnknownNameError(f"unknown example {key!r}; known: {known}")
