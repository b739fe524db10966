"""The Practice page in AppTest: exercises in the link, grading, the score."""

from __future__ import annotations

import pytest

from tests.dashboard.helpers import ROOT, open_page

PAGE = "practice"


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("SCENARIOS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIOS_DB", str(tmp_path / "cases.sqlite3"))


def heading(at) -> str:
    return next(str(m.value) for m in at.markdown if str(m.value).startswith("### "))


def solved(at) -> str:
    return next(m.value for m in at.metric if m.label == "Solved")


def answer(at, number: int, text: str):
    at.text_input(key=f"practice.{number}.answer").input(text)
    next(b for b in at.button if b.label == "Check").click()
    return at.run()


def test_the_page_is_in_the_tools_menu():
    source = (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8")
    assert 'partial(render_tool, "practice")' in source
    assert 'url_path="practice"' in source


def test_a_first_visit_opens_exercise_one_with_no_score():
    at = open_page(PAGE)
    assert not at.exception
    assert heading(at) == "### Exercise 1 of 20: Power rule"
    assert [x.value for x in at.latex] == ["$$\nf(x) = x^{3}\n$$"]
    assert solved(at) == "0 of 20"


def test_the_link_keeps_the_exercise_number():
    at = open_page(PAGE, {"exercise": "17"})
    assert heading(at) == "### Exercise 17 of 20: Chain rule in a difference"
    assert at.latex[0].value == "$$\nf(h) = S \\left(1 - e^{- k h}\\right) - c h\n$$"
    assert "S, k and c are constants" in " ".join(str(m.value) for m in at.markdown)


@pytest.mark.parametrize(
    ("raw", "opened"), [("99", 1), ("0", 1), ("abc", 1), ("3.5", 3)]
)
def test_a_link_to_no_exercise_says_which_one_opens(raw, opened):
    at = open_page(PAGE, {"exercise": raw})
    assert not at.exception
    assert heading(at).startswith(f"### Exercise {opened} of 20")
    assert [w.value for w in at.warning] == [
        f"The link asks for exercise “{raw}”, which is not one of 1 to 20; the "
        f"page opens at exercise {opened}."
    ]


def test_a_right_answer_scores_and_a_wrong_one_does_not():
    at = open_page(PAGE)
    answer(at, 1, "x^2")  # 3x^2 with the coefficient left out
    assert [e.value for e in at.error] == ["Not correct, decided by both checks."]
    assert solved(at) == "0 of 20"
    answer(at, 1, "3 x^2")
    assert [s.value for s in at.success] == ["Correct, decided by both checks."]
    assert solved(at) == "1 of 20"


def test_next_and_previous_move_through_the_list_and_keep_the_score():
    at = open_page(PAGE)
    answer(at, 1, "3x^2")
    next(b for b in at.button if b.label == "Next").click().run()
    assert heading(at) == "### Exercise 2 of 20: Constant multiple rule"
    assert solved(at) == "1 of 20"
    answer(at, 2, "2x")  # the 3 dropped
    slip = next(str(m.value) for m in at.markdown if "This looks like" in str(m.value))
    assert "a constant factor dropped" in slip
    next(b for b in at.button if b.label == "Previous").click().run()
    assert heading(at).startswith("### Exercise 1 of 20")
    assert next(b for b in at.button if b.label == "Previous").disabled


def test_the_last_exercise_grades_the_sigmoid():
    at = open_page(PAGE, {"exercise": "20"})
    assert next(b for b in at.button if b.label == "Next").disabled
    answer(at, 20, "e^(-x)/(1 + e^(-x))^2")
    assert [s.value for s in at.success] == ["Correct, decided by both checks."]


def test_a_hostile_answer_gets_the_parsers_sentence():
    at = open_page(PAGE)
    answer(at, 1, "__import__('os')")
    assert not at.exception
    assert len(at.error) == 1 and "position 12" in at.error[0].value
    assert solved(at) == "0 of 20"


def test_the_steps_are_one_click_away():
    at = open_page(PAGE, {"exercise": "11"})
    block = next(
        str(m.value) for m in at.markdown if "Check against SymPy" in str(m.value)
    )
    assert block.startswith("- **1 · Product rule**")
