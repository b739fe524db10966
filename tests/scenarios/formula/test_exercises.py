"""The Practice page's twenty exercises: data from the lesson and the catalog."""

from __future__ import annotations

import pytest

import scenarios
from scenarios.errors import UnknownNameError
from scenarios.formula.check import check_answer
from scenarios.formula.examples import LESSON_EXAMPLES
from scenarios.formula.exercises import LEVELS, exercise, exercises
from scenarios.formula.rulebook import CHAIN, PRODUCT, QUOTIENT
from scenarios.formula.steps import derivation

ITEMS = exercises()


def test_there_are_twenty_numbered_from_one():
    assert [item.number for item in ITEMS] == list(range(1, 21))
    assert exercise(20) is ITEMS[-1]
    with pytest.raises(UnknownNameError, match="from 1 to 20"):
        exercise(21)


def test_they_come_from_the_lesson_and_the_catalog():
    lesson = {e.formula for e in LESSON_EXAMPLES}
    catalog = {sc.formula.text for sc in scenarios.REGISTRY.values() if sc.formula}
    from_lesson = [i for i in ITEMS if i.source.startswith("The lesson")]
    from_catalog = [i for i in ITEMS if i.source.startswith("The catalog")]
    assert len(from_lesson) + len(from_catalog) == 20
    assert len({i.formula for i in from_lesson} & lesson) >= 5
    assert {i.formula for i in from_catalog} <= catalog and len(from_catalog) >= 8


def test_the_levels_rise_and_each_level_uses_its_rule():
    levels = [item.level for item in ITEMS]
    assert levels == sorted(levels) and set(levels) == set(LEVELS)
    for item in ITEMS:
        rules = set(derivation(item.formula, item.variable).rules)
        if item.level <= 3:
            assert not rules & {PRODUCT, QUOTIENT, CHAIN}, item.formula
        elif item.level == 4:
            assert PRODUCT in rules and not rules & {QUOTIENT, CHAIN}, item.formula
        elif item.level == 5:
            assert CHAIN in rules and not rules & {PRODUCT, QUOTIENT}, item.formula
        else:
            assert rules & {QUOTIENT, CHAIN}, item.formula


def test_a_catalog_exercise_is_the_scenario_at_its_defaults():
    item = next(i for i in ITEMS if i.formula == "(p - c)(a - b p)")
    assert item.variable == "p" and item.domain == (20.0, 130.0)
    assert dict(item.params) == {"c": 20.0, "a": 1300.0, "b": 10.0}
    assert item.parameter_names == ("c", "a", "b")
    assert item.formula_tex == r"f(p) = \left(p - c\right) \left(a - b p\right)"


@pytest.mark.parametrize("item", ITEMS, ids=[str(i.number) for i in ITEMS])
def test_each_exercise_accepts_its_own_derivative(item):
    lo, hi = item.domain
    assert lo < hi
    answer = str(derivation(item.formula, item.variable).df)
    verdict = check_answer(
        item.formula, item.variable, answer, item.domain, item.params
    )
    assert verdict.correct is True
