"""Check my derivative: right answers in any form, slips named, hostile text refused.

The corpus (``answer_corpus``) is worked out by hand; see its docstring.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from scenarios.formula.check import (
    SLIP_NAMES,
    answer_curves,
    check_answer,
)
from scenarios.formula.compare import CHECK_POINTS, comparison
from scenarios.formula.parse import FormulaError, parse_expression
from scenarios.formula.rulebook import PRODUCT
from tests.scenarios.formula.answer_corpus import EQUIVALENT, HEADPHONE, SLIPS
from tests.scenarios.formula.hostile_formulas import HOSTILE

# Run in this process: the verdicts are those check_answer gets from the worker.
_EQUIVALENT = {
    row[0]: comparison(*row[1:3], row[5], row[3], row[4]) for row in EQUIVALENT
}
_SLIPS = {row[0]: comparison(*row[1:3], row[5], row[3], row[4]) for row in SLIPS}


def test_the_corpus_has_thirty_of_each():
    assert len(EQUIVALENT) == 30 and len({r[0] for r in EQUIVALENT}) == 30
    assert len(SLIPS) == 30 and len({r[0] for r in SLIPS}) == 30


@pytest.mark.parametrize("row", EQUIVALENT, ids=[r[0] for r in EQUIVALENT])
def test_an_equivalent_rewriting_is_correct(row):
    found = _EQUIVALENT[row[0]]
    assert found.symbolic != "nonzero" and found.numeric != "disagree"
    assert "zero" in (found.symbolic,) or found.numeric == "agree"
    assert found.match is None


@pytest.mark.parametrize("row", SLIPS, ids=[r[0] for r in SLIPS])
def test_a_slip_is_not_correct_and_is_named_where_expected(row):
    _id, *_rest, slip, number = row
    found = _SLIPS[row[0]]
    assert found.symbolic == "nonzero" and found.numeric == "disagree"
    if slip is None:
        assert found.match is None
    else:
        assert (found.match.slip, found.match.number) == (slip, number)


def test_at_least_twenty_slips_are_named():
    named = [r[0] for r in SLIPS if _SLIPS[r[0]].match is not None]
    assert len(named) >= 20
    assert {SLIP_NAMES[_SLIPS[n].match.slip] for n in named} >= {
        "a missing chain-rule factor",
        "a sign error",
        "the product rule applied as the product of the derivatives",
        "the power rule's exponent not lowered",
    }


# --- the verdict, through the worker ------------------------------------------------


def _headphone(answer: str):
    return check_answer("(p - c)(a - b p)", "p", answer, (20.0, 130.0), HEADPHONE)


def test_a_right_answer_is_correct_by_both_checks():
    verdict = _headphone("a - 2b p + b c")
    assert verdict.correct is True and verdict.decided_by == "both checks"
    assert verdict.headline == "Correct, decided by both checks."
    assert verdict.reasons_text == (
        "SymPy simplifies your answer minus f′ to 0.",
        f"At all {CHECK_POINTS} points of the range, drawn at random, your answer "
        "equals f′.",
    )


def test_a_slip_is_named_with_its_step():
    verdict = _headphone("-b")
    assert verdict.correct is False and verdict.decided_by == "both checks"
    assert verdict.slip == "the product rule applied as the product of the derivatives"
    assert verdict.step_number == 1 and verdict.step.rule == PRODUCT
    # f' - (-b) = a + bc - 2bp + b, so the first (leftmost) point shows it
    miss = verdict.miss
    assert miss.answer == pytest.approx(-10.0)
    assert miss.true == pytest.approx(1300 + 200 - 20 * miss.x)


def test_numbers_in_place_of_the_parameters_are_right_here_only():
    # 1300 - 20 p + 200 is f' at a = 1300, b = 10, c = 20 and no other values
    verdict = _headphone("1300 - 20p + 200")
    assert verdict.correct is False and verdict.decided_by == "the symbolic check"
    assert any("only at these parameter values" in r for r in verdict.reasons_text)


def test_a_name_the_formula_lacks_is_refused_in_one_sentence():
    with pytest.raises(FormulaError) as info:
        _headphone("a - 2b p + q")
    assert str(info.value) == (
        "Your answer uses q, which the formula does not; write it with p and the "
        "parameters a, b and c."
    )
    with pytest.raises(FormulaError, match="write it with x alone"):
        check_answer("x^2", "x", "2y", (0.0, 1.0), {})


def test_the_curves_show_both_derivatives_across_the_range():
    verdict = _headphone("-b")
    curves = answer_curves(verdict, (20.0, 130.0), HEADPHONE, samples=5)
    assert list(curves.x) == [20.0, 47.5, 75.0, 102.5, 130.0]
    # f'(p) = 1500 - 20 p
    assert np.allclose(curves.true, [1100.0, 550.0, 0.0, -550.0, -1100.0])
    assert np.allclose(curves.answer, -10.0)


def test_where_both_are_undefined_the_numeric_check_stands_aside():
    # 1/(2 sqrt(x)) is not real on [-2, -1], so only SymPy can decide
    verdict = check_answer("sqrt(x)", "x", "x^(-1/2)/2", (-2.0, -1.0), {})
    assert verdict.correct is True and verdict.decided_by == "the symbolic check"


@pytest.mark.parametrize("row", HOSTILE, ids=[r[0] for r in HOSTILE])
def test_hostile_answers_get_the_formula_boxs_refusal(row, tmp_path):
    _id, text, _variable, _domain = row
    text = text.replace("MARKER", str(tmp_path / "marker"))
    try:
        parse_expression(text, "x")
        refusal = None
    except FormulaError as exc:
        refusal = str(exc)
    start = time.monotonic()
    try:
        check_answer("x^2", "x", text, (0.0, 1.0), {})
        outcome = None
    except FormulaError as exc:
        outcome = str(exc)
        assert outcome.endswith(".") and "\n" not in outcome and len(outcome) < 300
    assert time.monotonic() - start < 20
    if refusal is not None:
        assert outcome == refusal
    assert list(tmp_path.iterdir()) == []
