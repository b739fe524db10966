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


def catalog_templates() -> tuple[Example, ...]:
    """Every catalog scenario that declares its formula, as an example to edit.

    (The single neuron sums over a stored dataset, so it declares none.)
    """
    out = []
    for scenario in REGISTRY.values():
        written = scenario.formula
        if written is None:
            continue
        defaults = scenario.defaults()
        out.append(
            Example(
                key=scenario.id,
                label=f"Start from {scenario.title.lower()}",
                formula=written.text,
                variable=written.variable,
                domain=written.domain,
                goal=scenario.goal,
                params={k: defaults[v] for k, v in written.names.items()},
                catalog_id=scenario.id,
                names=dict(written.names),
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
