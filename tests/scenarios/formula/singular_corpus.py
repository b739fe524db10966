"""Own models as people type them: singular ends, partial domains, poles, kinks.

Each row: (id, formula, domain, goal, expected). ``expected`` is either
``(x*, f(x*))`` worked out by hand, or the start of the one sentence the
solver must give instead. ``kink`` rows carry their one-sided slopes too.
"""

from __future__ import annotations

import math

OPTIMA = (
    # f' = (10 - x)/(2 sqrt x) - sqrt x = 0  ->  x = 10/3, f = (20/3) sqrt(10/3).
    ("sqrt_end", "sqrt(x)*(10 - x)", ("0", "10"), "maximize",
     (10 / 3, 20 / 3 * math.sqrt(10 / 3))),
    # Pasted: the same model with √ and the minus sign U+2212.
    ("sqrt_pasted", "√x·(10 − x)", ("0", "10"), "maximize",
     (10 / 3, 20 / 3 * math.sqrt(10 / 3))),
    # x^0.5 rises on [0, 4]: its minimum is the end 0, where f' is infinite.
    ("power_half_min", "x^0.5", ("0", "4"), "minimize", (0.0, 0.0)),
    ("power_half_max", "x^0.5", ("0", "4"), "maximize", (4.0, 2.0)),
    # (x log x)' = log x + 1 = 0  ->  x = 1/e, f = -1/e; f -> 0 at the end 0.
    ("xlogx", "x*log(x)", ("0", "2"), "minimize", (1 / math.e, -1 / math.e)),
    # log(x - 5) is defined for x > 5 only; it rises, so x* = 10, f = ln 5.
    ("log_partial", "log(x - 5)", ("0", "10"), "maximize", (10.0, math.log(5))),
    # sqrt(4 - x^2) is defined on [-2, 2]; its top is x = 0, f = 2.
    ("sqrt_partial", "sqrt(4 - x^2)", ("-3", "3"), "maximize", (0.0, 2.0)),
    # sin(x)/x tends to 1 at 0, its largest value.
    ("sinc", "sin(x)/x", ("-10", "10"), "maximize", (0.0, 1.0)),
    ("exp_caret", "e^x", ("0", "1"), "maximize", (1.0, math.e)),
    ("exp_call", "exp(x)", ("0", "1"), "maximize", (1.0, math.e)),
    # Pasted characters: x² − 4x has its minimum at 2, f = -4.
    ("superscript", "x² − 4x", ("0", "5"), "minimize", (2.0, -4.0)),
    ("times_sign", "2×x", ("0", "1"), "maximize", (1.0, 2.0)),
    ("minus_sign", "3−x", ("0", "1"), "minimize", (1.0, 2.0)),
    ("pi_char", "2πx", ("0", "1"), "maximize", (1.0, 2 * math.pi)),
    # lambda as a parameter (default 1): x - x^2 peaks at x = 1/2, f = 1/4.
    ("lambda_param", "lambda x - x^2", ("0", "10"), "maximize", (0.5, 0.25)),
)  # fmt: skip

KINKS = (
    # |x - 3| + x/2: slopes -1 + 1/2 left of 3 and 1 + 1/2 right of it.
    ("abs_kink", "abs(x - 3) + 0.5x", ("0", "10"), "minimize", (3.0, 1.5), (-0.5, 1.5)),
    ("max_kink", "max(x, 2 - x)", ("0", "3"), "minimize", (1.0, 1.0), (-1.0, 1.0)),
    ("min_kink", "min(x, 4 - x)", ("0", "4"), "maximize", (2.0, 2.0), (1.0, -1.0)),
)  # fmt: skip

SENTENCES = (
    ("pole_max", "1/(x - 2)", ("0", "4"), "maximize",
     "f has no maximum on [0, 4]: it grows without bound as x → 2 from the right."),
    ("pole_min", "1/(x - 2)", ("0", "4"), "minimize", "f has no minimum on [0, 4]"),
    ("tan_pole", "tan(x)", ("0", "3"), "maximize", "f has no maximum on [0, 3]"),
    ("overflow", "exp(exp(exp(exp(x))))", ("0", "1"), "maximize",
     "f overflows a double"),
    ("nowhere", "sqrt(x - 20)", ("0", "10"), "maximize",
     "f is defined nowhere on [0, 10]"),
)  # fmt: skip

NOTES = {
    "sqrt_end": "f′ is unbounded at x = 0",
    "log_partial": "f is defined only for x > 5 on [0, 10]; searched (5, 10].",
    "sinc": "f is undefined at x = 0 but tends to 1 there",
}
"""A note each of these rows' solutions must carry."""
