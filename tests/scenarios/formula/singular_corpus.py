"""Issue 20's corpus: typed formulas with singular ends, holes, poles, kinks.

One row per case: the formula as typed, its variable, the domain, the goal,
then either the optimum (x*, f(x*), the kind, and the notes the solver adds)
or the one sentence it refuses with. Every expected value is worked out by
hand in the comment above its row; the tests run each row through the API
(``from_formula`` + ``solve``), the command line and (three rows) the page.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One case. ``refusal`` set: no optimum, that sentence instead."""

    formula: str
    domain: tuple[str, str]
    goal: str
    x: float = math.nan
    value: float = math.nan
    kind: str = ""
    notes: tuple[str, ...] = ()
    slopes: tuple[float, float] | None = None
    refusal: str = ""
    variable: str = "x"
    params: tuple[tuple[str, float], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.formula} on [{', '.join(self.domain)}] {self.goal[:3]}"


OVERFLOW_X = math.log(math.log(math.log(math.log(sys.float_info.max))))
"""exp(exp(exp(exp(x)))) is the largest double where e^e^e^e^x = DBL_MAX:
x = ln ln ln ln(1.797…×10³⁰⁸) = 0.63220…, written "about 0.6322"."""

UNBOUNDED_END = (
    "f′ is unbounded at x = 0, an end of the range, so that end is a candidate "
    "and f′ = 0 was searched on (0, {hi}]."
)

ROWS = (
    # f = 10√x − x^(3/2), f' = 5/√x − (3/2)√x: zero where 10 = 3x, x* = 10/3;
    # f(10/3) = √(10/3)·(20/3). f'(0) = +∞: the end is a candidate, f(0) = 0.
    Row(
        "sqrt(x)*(10 - x)", ("0", "10"), "maximize",
        x=10 / 3, value=math.sqrt(10 / 3) * 20 / 3, kind="maximum",
        notes=(UNBOUNDED_END.format(hi="10"),),
    ),
    # log(x − 5) needs x > 5; f' = 1/(x − 5) > 0, so the maximum is f(10) = ln 5.
    Row(
        "log(x - 5)", ("0", "10"), "maximize", x=10.0, value=math.log(5),
        kind="maximum",
        notes=("f is defined only for x > 5 on [0, 10]; searched (5, 10].",),
    ),
    # ... and as x → 5⁺, log(x − 5) → −∞: no minimum.
    Row(
        "log(x - 5)", ("0", "10"), "minimize",
        refusal="f has no minimum on [0, 10]: it is defined only for x > 5 there, "
        "and falls without bound as x → 5 from the right.",
    ),
    # The same with the 5 as a parameter a = 5.
    Row(
        "log(x - a)", ("0", "10"), "maximize", x=10.0, value=math.log(5),
        kind="maximum", params=(("a", 5.0),),
        notes=("f is defined only for x > 5 on [0, 10]; searched (5, 10].",),
    ),
    # Increasing, and past OVERFLOW_X beyond every double: no maximum to compute.
    Row(
        "exp(exp(exp(exp(x))))", ("0", "1"), "maximize",
        refusal="f overflows a double (it is above 1.8×10³⁰⁸) for x above about "
        "0.6322, so its maximum on [0, 1] cannot be computed.",
    ),
    # The minimum of an increasing f is f(0) = e^(e^(e^1)) = e^(e^e).
    Row(
        "exp(exp(exp(exp(x))))", ("0", "1"), "minimize", x=0.0,
        value=math.exp(math.exp(math.e)), kind="minimum",
        notes=(
            "f overflows a double (it is above 1.8×10³⁰⁸) for x above about "
            "0.6322; searched [0, 0.6322].",
        ),
    ),
    # f = 3 − x/2 left of 3, x·3/2 − 3 right of it: slopes −0.5 and 1.5, so the
    # minimum is the kink x = 3, f = 0 + 1.5.
    Row(
        "abs(x - 3) + 0.5x", ("0", "10"), "minimize", x=3.0, value=1.5,
        kind="kink", slopes=(-0.5, 1.5),
    ),
    # min(x, 4 − x) rises with slope 1 to x = 2, then falls with slope −1.
    Row(
        "min(x, 4 - x)", ("0", "4"), "maximize", x=2.0, value=2.0, kind="kink",
        slopes=(1.0, -1.0),
    ),
    # max(x, 2 − x) falls with slope −1 to x = 1, then rises with slope 1.
    Row(
        "max(x, 2 - x)", ("0", "3"), "minimize", x=1.0, value=1.0, kind="kink",
        slopes=(-1.0, 1.0),
    ),
    # 1/(x − 2) → +∞ as x → 2⁺ and −∞ as x → 2⁻.
    Row(
        "1/(x - 2)", ("0", "4"), "maximize",
        refusal="f has no maximum on [0, 4]: it grows without bound as x → 2 "
        "from the right.",
    ),
    Row(
        "1/(x - 2)", ("0", "4"), "minimize",
        refusal="f has no minimum on [0, 4]: it falls without bound as x → 2 "
        "from the left.",
    ),
    # tan x → +∞ as x → π/2⁻ (π/2 = 1.5708 shows as 1.571), −∞ from the right.
    Row(
        "tan(x)", ("0", "3"), "maximize",
        refusal="f has no maximum on [0, 3]: it grows without bound as x → 1.571 "
        "from the left.",
    ),
    Row(
        "tan(x)", ("0", "3"), "minimize",
        refusal="f has no minimum on [0, 3]: it falls without bound as x → 1.571 "
        "from the right.",
    ),
    # 1/(x − 2)² → +∞ from both sides, which a minimum does not mind: it is at
    # an end, f(0) = f(4) = 1/4, and the lower end comes first.
    Row(
        "1/(x - 2)^2", ("0", "4"), "minimize", x=0.0, value=0.25, kind="minimum",
        notes=("f is defined only for x ≠ 2 on [0, 4]; searched [0, 2) and (2, 4].",),
    ),
    # sin x / x is 0/0 at 0 and tends to 1, its largest value (|sin x| < |x|
    # elsewhere); f'' → −1/3 there (sin x / x = 1 − x²/6 + ...).
    Row(
        "sin(x)/x", ("-10", "10"), "maximize", x=0.0, value=1.0, kind="maximum",
        notes=(
            "f is undefined at x = 0 but tends to 1 there, which is taken as "
            "f(0).",
        ),
    ),
    # (x² − 4)/(x − 2) = x + 2 away from 2, a hole at 2 (f → 4); max f(4) = 6.
    Row(
        "(x^2 - 4)/(x - 2)", ("0", "4"), "maximize", x=4.0, value=6.0,
        kind="maximum",
        notes=(
            "f is undefined at x = 2 but tends to 4 there, which is taken as "
            "f(2).",
        ),
    ),
    # x^0.5 increases from f(0) = 0, where f' = 1/(2√x) is +∞.
    Row(
        "x^0.5", ("0", "1"), "minimize", x=0.0, value=0.0, kind="minimum",
        notes=(UNBOUNDED_END.format(hi="1"),),
    ),
    # ... and its maximum on [0, 4] is f(4) = √4 = 2.
    Row(
        "x^0.5", ("0", "4"), "maximize", x=4.0, value=2.0, kind="maximum",
        notes=(UNBOUNDED_END.format(hi="4"),),
    ),
    # x^0.3 increases: its maximum is f(1) = 1; f'(0) = +∞.
    Row(
        "x^0.3", ("0", "1"), "maximize", x=1.0, value=1.0, kind="maximum",
        notes=(UNBOUNDED_END.format(hi="1"),),
    ),
    # (x ln x)' = ln x + 1 = 0 at x = 1/e, f = −1/e; x ln x → 0 as x → 0⁺ while
    # f' → −∞.
    Row(
        "x*log(x)", ("0", "1"), "minimize", x=1 / math.e, value=-1 / math.e,
        kind="minimum",
        notes=(
            "f is undefined at x = 0 but tends to 0 there, which is taken as "
            "f(0); f′ is unbounded there, an end of the range, so that end is a "
            "candidate and f′ = 0 was searched on (0, 1].",
        ),
    ),
    # The maximum of x ln x on [0, 0.5] is that limit at 0 (f(0.5) = −0.347).
    Row(
        "x*log(x)", ("0", "0.5"), "maximize", x=0.0, value=0.0, kind="maximum",
        notes=(
            "f is undefined at x = 0 but tends to 0 there, which is taken as "
            "f(0); f′ is unbounded there, an end of the range, so that end is a "
            "candidate and f′ = 0 was searched on (0, 0.5].",
        ),
    ),
    # √(4 − x²) is defined on [−2, 2] only, largest at 0 (f = 2); f' = ∓∞ at ±2.
    Row(
        "sqrt(4 - x^2)", ("-3", "3"), "maximize", x=0.0, value=2.0, kind="maximum",
        notes=(
            "f is defined only for −2 ≤ x ≤ 2 on [−3, 3]; searched [−2, 2].",
            "f′ is unbounded at x = −2, an end of where f is defined, so that end "
            "is a candidate and f′ = 0 was searched on (−2, 2].",
            "f′ is unbounded at x = 2, an end of where f is defined, so that end "
            "is a candidate and f′ = 0 was searched on [−2, 2).",
        ),
    ),
    # f = √(x − 1)(3 − x) for x ≥ 1: f' = (3 − x)/(2√(x − 1)) − √(x − 1) = 0
    # where 3 − x = 2(x − 1), x* = 5/3, f = √(2/3)·4/3.
    Row(
        "sqrt(x - 1)*(3 - x)", ("0", "3"), "maximize", x=5 / 3,
        value=math.sqrt(2 / 3) * 4 / 3, kind="maximum",
        notes=(
            "f is defined only for x ≥ 1 on [0, 3]; searched [1, 3].",
            "f′ is unbounded at x = 1, an end of where f is defined, so that end "
            "is a candidate and f′ = 0 was searched on (1, 3].",
        ),
    ),
    # log(x² − 1) needs |x| > 1; it grows with |x|, so both ends give ln 8 and
    # the lower end comes first.
    Row(
        "log(x^2 - 1)", ("-3", "3"), "maximize", x=-3.0, value=math.log(8),
        kind="maximum",
        notes=(
            "f is defined only for x < −1 or x > 1 on [−3, 3]; searched [−3, −1) "
            "and (1, 3].",
        ),
    ),
    # Defined nowhere: √x and ln x of a negative x.
    Row(
        "sqrt(x)", ("-5", "-1"), "maximize",
        refusal="f is defined nowhere on [−5, −1]: no x there gives it a real value.",
    ),
    Row(
        "sqrt(x - 20)", ("0", "10"), "maximize",
        refusal="f is defined nowhere on [0, 10]: no x there gives it a real value.",
    ),
    Row(
        "log(x)", ("-5", "-1"), "minimize",
        refusal="f is defined nowhere on [−5, −1]: no x there gives it a real value.",
    ),
    # e^x, spelt both ways, increases: max f(2) = e², min f(0) = 1.
    Row("e^x", ("0", "2"), "maximize", x=2.0, value=math.e**2, kind="maximum"),
    Row("exp(x)", ("0", "2"), "minimize", x=0.0, value=1.0, kind="minimum"),
    # Pasted from a document: the first row with √, · and − (U+2212).
    Row(
        "√x·(10 − x)", ("0", "10"), "maximize",
        x=10 / 3, value=math.sqrt(10 / 3) * 20 / 3, kind="maximum",
        notes=(UNBOUNDED_END.format(hi="10"),),
    ),
    # x² − 4x = (x − 2)² − 4: minimum −4 at x = 2.
    Row("x² − 4x", ("0", "5"), "minimize", x=2.0, value=-4.0, kind="minimum"),
    # 2×x rises: f(1) = 2; 3−x falls: its minimum is f(1) = 2; 2πx: f(1) = 2π.
    Row("2×x", ("0", "1"), "maximize", x=1.0, value=2.0, kind="maximum"),
    Row("3−x", ("0", "1"), "minimize", x=1.0, value=2.0, kind="minimum"),
    Row("2πx", ("0", "1"), "maximize", x=1.0, value=2 * math.pi, kind="maximum"),
    # lambda at its default 1: λx − x² peaks at x = λ/2 = 0.5, f = λ²/4 = 0.25.
    Row("lambda x - x^2", ("0", "10"), "maximize", x=0.5, value=0.25, kind="maximum"),
    # lambda as a parameter: x(λ − x) peaks at x = λ/2 = 2, f = λ²/4 = 4.
    Row(
        "x*(lambda - x)", ("0", "10"), "maximize", x=2.0, value=4.0,
        kind="maximum", params=(("lambda", 4.0),),
    ),
)  # fmt: skip

OPTIMA = tuple(r for r in ROWS if not r.refusal)
REFUSALS = tuple(r for r in ROWS if r.refusal)
