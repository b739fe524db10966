"""Steps and answer checks for pages and the command line, time-limited.

- :func:`steps_of` gives the rule-by-rule derivation of a formula text (see
  :mod:`scenarios.formula.steps`), worked out in the derive worker under a
  processor-time limit and remembered per text;
- :func:`check_answer` grades a learner's f′ (see
  :mod:`scenarios.formula.compare`) and words the verdict: correct or not,
  which check decided, and the slip with the step where it happens;
- :func:`answer_curves` samples both derivatives for a chart;
- :func:`typed_formula` finds a scenario's formula text, catalog or typed.

The answer text is parsed here first, so hostile text gets the parser's own
one-sentence refusal at once; it is never stored or run as code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy

from scenarios.formula.compare import (
    AGREE,
    CHECK_POINTS,
    DISAGREE,
    NONZERO,
    ZERO,
    Comparison,
    Miss,
    parse_answer,
)
from scenarios.formula.derive import run_job
from scenarios.formula.notation import Notation
from scenarios.formula.numeric import numpy_function
from scenarios.formula.parse import FormulaError, names_in_order, parse_expression
from scenarios.formula.rulebook import (
    CONSTANT_DROPPED,
    CONSTANT_KEPT,
    EXPONENT_NOT_LOWERED,
    MISSING_CHAIN,
    PARTIAL_CHAIN,
    PRODUCT_MINUS,
    PRODUCT_OF_DERIVATIVES,
    QUOTIENT_AS_RATIO,
    QUOTIENT_NOT_SQUARED,
    QUOTIENT_PLUS,
    SIGN,
    Step,
)
from scenarios.formula.spec import FormulaSpec
from scenarios.formula.steps import Derivation
from scenarios.model import Scenario

STEPS_SECONDS = 1.5
"""Processor time for one step-by-step job: the walk, then two budgets of 0.3 s
for simplifying and checking, with room for a long formula's printing [s]."""

COMPARE_SECONDS = 2.5
"""Processor time for one answer check: the steps, then 0.4 s of simplifying
and 0.5 s of trying slips, with room to spare [s]."""

CURVE_SAMPLES = 201
"""Points across the range at which both derivatives are drawn."""

SLIP_NAMES: dict[str, str] = {
    MISSING_CHAIN: "a missing chain-rule factor",
    PARTIAL_CHAIN: "a missing chain-rule factor (only its sign was kept)",
    SIGN: "a sign error",
    PRODUCT_MINUS: "a sign error: a minus between the product rule's terms",
    PRODUCT_OF_DERIVATIVES: "the product rule applied as the product of the "
    "derivatives",
    EXPONENT_NOT_LOWERED: "the power rule's exponent not lowered",
    QUOTIENT_NOT_SQUARED: "the quotient rule's denominator not squared",
    QUOTIENT_AS_RATIO: "the quotient rule applied as the ratio of the derivatives",
    QUOTIENT_PLUS: "a sign error: a plus in the quotient rule's numerator",
    CONSTANT_DROPPED: "a constant factor dropped",
    CONSTANT_KEPT: "a constant term kept",
}
"""Each slip as the verdict names it."""

SLIP_HINTS: dict[str, str] = {
    MISSING_CHAIN: "the chain rule multiplies the outside's derivative by the "
    "derivative of the inside",
    PARTIAL_CHAIN: "the chain rule multiplies by the whole derivative of the "
    "inside, not only its sign",
    SIGN: "one sign there is the other way round",
    PRODUCT_MINUS: "the product rule adds its two terms: (f g)′ = f′ g + f g′",
    PRODUCT_OF_DERIVATIVES: "(f g)′ = f′ g + f g′, not f′ g′",
    EXPONENT_NOT_LOWERED: "the power rule lowers the exponent by one: (xⁿ)′ = n xⁿ⁻¹",
    QUOTIENT_NOT_SQUARED: "the quotient rule divides by the denominator squared",
    QUOTIENT_AS_RATIO: "(f/g)′ = (f′ g − f g′)/g², not f′/g′",
    QUOTIENT_PLUS: "the quotient rule subtracts: (f/g)′ = (f′ g − f g′)/g²",
    CONSTANT_DROPPED: "a constant factor stays: (c f)′ = c f′",
    CONSTANT_KEPT: "a constant term's derivative is 0",
}
"""What each slip gets wrong, in one clause."""


# --- a scenario's formula ------------------------------------------------------


@dataclass(frozen=True)
class TypedFormula:
    """A scenario's objective as formula text; ``names`` maps each formula
    symbol to the scenario parameter it stands for."""

    text: str
    variable: str
    names: Mapping[str, str] = field(default_factory=dict, hash=False)

    def values(self, params: Mapping[str, float]) -> dict[str, float]:
        """The formula's symbols at the scenario's parameter values."""
        return {
            symbol: float(params[name])
            for symbol, name in self.names.items()
            if name in params
        }


def typed_formula(scenario: Scenario) -> TypedFormula | None:
    """The catalog declaration or the typed spec; None for the single neuron."""
    if scenario.formula is not None:
        written = scenario.formula
        return TypedFormula(written.text, written.variable, dict(written.names))
    spec = scenario.extras.get("formula")
    if isinstance(spec, FormulaSpec):
        names = {name: name for name, _ in spec.params}
        return TypedFormula(spec.formula, spec.variable, names)
    return None


# --- the steps ---------------------------------------------------------------------


@lru_cache(maxsize=256)
def _steps(text: str, variable: str) -> Derivation | FormulaError:
    try:
        return run_job("steps", text, variable, seconds=STEPS_SECONDS)
    except FormulaError as exc:
        return exc


def steps_of(text: str, variable: str) -> Derivation:
    """The formula's derivative rule by rule; FormulaError (one sentence) if not.

    Text the parser refuses is refused here, without a worker.
    """
    parse_expression(text, variable)
    found = _steps(text, variable)
    if isinstance(found, FormulaError):
        raise FormulaError(str(found), found.position)
    return found


# --- the verdict -------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """A graded answer. ``correct`` is None when neither check could decide.

    ``reasons`` are sentences in Markdown with ``$…$`` LaTeX, ``reasons_text``
    the same in plain text; ``slip`` names the slip found (or is empty) and
    ``step`` is the step where it happens, numbered ``step_number``.
    """

    correct: bool | None
    decided_by: str
    reasons: tuple[str, ...]
    reasons_text: tuple[str, ...]
    comparison: Comparison
    slip: str = ""
    slip_hint: str = ""
    step: Step | None = None
    step_number: int = 0

    @property
    def miss(self) -> Miss | None:
        """The first point where the two differ, if the numeric check found one."""
        return self.comparison.miss

    @property
    def headline(self) -> str:
        """Correct, not correct or undecided, and which check decided."""
        if self.correct is None:
            return "Undecided: neither check could settle it."
        word = "Correct" if self.correct else "Not correct"
        return f"{word}, decided by {self.decided_by}."


class _Words:
    """Sentences in Markdown (LaTeX in ``$…$``) and in plain text at once."""

    def __init__(self, notation: Notation) -> None:
        self.n = notation
        self.md: list[str] = []
        self.text: list[str] = []

    def say(self, *parts: str | sympy.Expr) -> None:
        md = "".join(p if isinstance(p, str) else f"${self.n.tex(p)}$" for p in parts)
        text = "".join(p if isinstance(p, str) else self.n.text(p) for p in parts)
        self.md.append(md)
        self.text.append(text)


def _decide(symbolic: str, numeric: str) -> tuple[bool | None, str]:
    if symbolic == ZERO:
        return True, "both checks" if numeric == AGREE else "the symbolic check"
    if symbolic == NONZERO:
        return False, "both checks" if numeric == DISAGREE else "the symbolic check"
    if numeric == AGREE:
        return True, "the numeric check"
    if numeric == DISAGREE:
        return False, "the numeric check"
    return None, ""


def _reasons(found: Comparison, words: _Words) -> None:
    if found.symbolic == ZERO:
        words.say("SymPy simplifies your answer minus f′ to 0.")
    elif found.symbolic == NONZERO and found.difference is not None:
        words.say(
            "SymPy simplifies your answer minus f′ to ", found.difference, ", not 0."
        )
    else:
        words.say("SymPy could not simplify your answer minus f′ to 0 in time.")
    where = (
        f"all {found.usable} points"
        if found.usable == CHECK_POINTS
        else f"all {found.usable} points where both are defined"
    )
    if found.numeric == AGREE:
        words.say(f"At {where} of the range, drawn at random, your answer equals f′.")
        if found.symbolic == NONZERO:
            words.say(
                "So it matches f′ only at these parameter values or on this "
                "range: write it for any values."
            )
    elif found.numeric == DISAGREE:
        words.say(
            f"At {found.usable - found.agreeing} of {found.usable} points of the "
            "range, drawn at random, they differ."
        )
    else:
        words.say(
            "Too few points of the range have both defined to compare them there."
        )


def _verdict(found: Comparison, notation: Notation) -> Verdict:
    correct, decided_by = _decide(found.symbolic, found.numeric)
    words = _Words(notation)
    _reasons(found, words)
    match = found.match
    if correct is not False or match is None:
        return Verdict(correct, decided_by, tuple(words.md), tuple(words.text), found)
    return Verdict(
        correct,
        decided_by,
        tuple(words.md),
        tuple(words.text),
        found,
        slip=SLIP_NAMES[match.slip],
        slip_hint=SLIP_HINTS[match.slip],
        step=match.step,
        step_number=match.number,
    )


def check_answer(
    formula: str,
    variable: str,
    answer: str,
    domain: tuple[float, float],
    params: Mapping[str, float],
) -> Verdict:
    """Grade ``answer`` as f′ of ``formula`` on ``domain`` at ``params``.

    ``params`` maps the formula's own symbols to values. FormulaError (one
    sentence) for text that cannot be used: the parser's refusals, a name
    the formula does not have, or a check that runs out of time.
    """
    f = parse_expression(formula, variable)
    parse_answer(answer, variable, f)
    lo, hi = float(domain[0]), float(domain[1])
    values = tuple(sorted((str(k), float(v)) for k, v in params.items()))
    # Not cached: an answer is kept nowhere beyond the caller's session.
    found = _compare(formula, variable, answer, (lo, hi), values)
    if isinstance(found, FormulaError):
        raise FormulaError(str(found), found.position)
    notation = Notation(variable, list(names_in_order(formula)))
    return _verdict(found, notation)


def _compare(
    formula: str,
    variable: str,
    answer: str,
    domain: tuple[float, float],
    values: tuple[tuple[str, float], ...],
) -> Comparison | FormulaError:
    try:
        return run_job(
            "compare", formula, variable, answer, domain, dict(values),
            seconds=COMPARE_SECONDS,
        )  # fmt: skip
    except FormulaError as exc:
        return exc


# --- the chart's data -----------------------------------------------------------


@dataclass(frozen=True)
class Curves:
    """f′ and the answer sampled across the range (NaN where undefined)."""

    x: np.ndarray
    true: np.ndarray
    answer: np.ndarray


def answer_curves(
    verdict: Verdict,
    domain: tuple[float, float],
    params: Mapping[str, float],
    samples: int = CURVE_SAMPLES,
) -> Curves:
    """Both derivatives at ``samples`` points of ``domain``, for a chart."""
    found = verdict.comparison
    variable = found.derivation.variable
    names = tuple(
        sorted(s.name for s in found.derivation.f.free_symbols if s.name != variable)
    )
    values = {name: float(params.get(name, 1.0)) for name in names}
    x = np.linspace(float(domain[0]), float(domain[1]), samples)
    out = []
    for expr in (found.derivation.sympy_df, found.answer):
        fn = numpy_function(expr, variable, names)
        with np.errstate(all="ignore"):
            y = np.asarray(fn(x, **values), dtype=float)
        out.append(np.where(np.isfinite(y), y, np.nan))
    return Curves(x, out[0], out[1])
