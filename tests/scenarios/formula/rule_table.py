"""Formulas and the rules their step-by-step derivation must name, in order.

Each row is (id, formula, variable, rules): the rules are a subsequence of
the derivation's rule steps, worked out by hand from the tree, parent first.
A sum's terms come in the order the steps print them: SymPy's, with the
typed order of the names breaking ties (``|x|`` before ``|x − 1|``).
"""

from scenarios.formula.rulebook import (
    ABSOLUTE,
    CHAIN,
    CONSTANT,
    CONSTANT_MULTIPLE,
    DIFFERENCE,
    EXPONENTIAL,
    GENERAL_POWER,
    HYPERBOLIC,
    IDENTITY,
    INVERSE_TRIG,
    LOGARITHM,
    MAX_MIN,
    POWER,
    PRODUCT,
    QUOTIENT,
    SUM,
    SUM_AND_DIFFERENCE,
    TRIG,
)

RULE_TABLE = [  # fmt: skip
    ("constant", "7", "x", [CONSTANT]),
    ("identity", "x", "x", [IDENTITY]),
    ("power_integer", "x^4", "x", [POWER]),
    ("power_negative", "x^-2", "x", [POWER]),
    ("power_fraction", "sqrt(x)", "x", [POWER]),
    ("constant_multiple", "3x^2", "x", [CONSTANT_MULTIPLE, POWER]),
    ("sum", "x^2 + 3x + 5", "x", [SUM, POWER, CONSTANT_MULTIPLE, IDENTITY, CONSTANT]),
    (
        "polynomial",
        "3x^4 - 2x^3 + 5x - 7",
        "x",
        [
            SUM_AND_DIFFERENCE,
            CONSTANT_MULTIPLE,
            POWER,
            CONSTANT_MULTIPLE,
            POWER,
            CONSTANT_MULTIPLE,
            IDENTITY,
            CONSTANT,
        ],
    ),
    (
        "headphone",
        "(p - c)(a - b p)",
        "p",
        [
            PRODUCT,
            DIFFERENCE,
            IDENTITY,
            CONSTANT,
            DIFFERENCE,
            CONSTANT,
            CONSTANT_MULTIPLE,
        ],
    ),
    ("quotient", "x^2/(x + 1)", "x", [QUOTIENT, POWER, SUM, IDENTITY, CONSTANT]),
    (
        "quotient_of_products",
        "x e^x / (x^2 + 1)",
        "x",
        [QUOTIENT, PRODUCT, IDENTITY, EXPONENTIAL, SUM, POWER, CONSTANT],
    ),
    (
        "chain_power",
        "(3x + 1)^5",
        "x",
        [CHAIN, SUM, CONSTANT_MULTIPLE, IDENTITY, CONSTANT],
    ),
    (
        "chain_exp",
        "S(1 - e^(-k h)) - c h",
        "h",
        [
            DIFFERENCE,
            CONSTANT_MULTIPLE,
            DIFFERENCE,
            CONSTANT,
            CHAIN,
            CONSTANT_MULTIPLE,
            IDENTITY,
            CONSTANT_MULTIPLE,
        ],
    ),
    (
        "reciprocal",
        "1/(1 + e^(-x))",
        "x",
        [CHAIN, SUM, CONSTANT, CHAIN, CONSTANT_MULTIPLE, IDENTITY],
    ),
    ("logarithm", "ln(x^2 + 1)", "x", [CHAIN, SUM, POWER, CONSTANT]),
    ("trig_product", "x^2 sin(x)", "x", [PRODUCT, POWER, TRIG]),
    ("hyperbolic_chain", "tanh(2x)", "x", [CHAIN, CONSTANT_MULTIPLE, IDENTITY]),
    ("inverse_trig", "atan(x) + asin(x)", "x", [SUM, INVERSE_TRIG, INVERSE_TRIG]),
    (
        "absolute_value",
        "abs(x - 1) + abs(x)",
        "x",
        [SUM, ABSOLUTE, CHAIN, DIFFERENCE, IDENTITY, CONSTANT],
    ),
    (
        "max_and_general_power",
        "max(0, x) + x^x + cosh(x) + log(x)",
        "x",
        [SUM, GENERAL_POWER, IDENTITY, LOGARITHM, HYPERBOLIC, MAX_MIN, CONSTANT],
    ),
]
"""Twenty formulas and the rules each must name, in order."""
