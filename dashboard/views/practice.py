"""The Practice page: twenty derivatives to work out, each graded on the spot.

The exercises come from :mod:`scenarios.formula.exercises`, easiest first.
The exercise number lives in the address bar (``?exercise=3``), so a link
opens the same exercise; the answers and the score live in the session only.
Each answer is graded like the Derivation tab's "check my derivative", and
the steps are one click away.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.sections import answer_check, derivation
from scenarios import FormulaError
from scenarios.formula.check import TypedFormula
from scenarios.formula.exercises import LEVELS, Exercise, exercises

PAGE_ID = "practice"

EXERCISE_KEY = "exercise"
"""Widget key and query parameter of the open exercise's number."""

SCORE_KEY = "_practice.score"
"""Session key: exercise number -> True once solved, False while only tried."""


def _numbers() -> list[str]:
    return [str(item.number) for item in exercises()]


def _score() -> dict[int, bool]:
    return st.session_state.setdefault(SCORE_KEY, {})


def _bad_link() -> str | None:
    """The link's exercise value if it names none of them (call before the
    widget, which drops or rounds it)."""
    raw = st.query_params.get(EXERCISE_KEY)
    return None if raw is None or raw in _numbers() else raw


def _say_bad_link(raw: str, opened: Exercise) -> None:
    st.warning(
        f"The link asks for exercise “{raw[:20]}”, which is not one of 1 to "
        f"{len(exercises())}; the page opens at exercise {opened.number}.",
        icon=":material/link_off:",
    )


def _move(step: int) -> None:
    """Button callback: the previous or next exercise."""
    current = int(st.session_state.get(EXERCISE_KEY, 1))
    st.session_state[EXERCISE_KEY] = min(max(current + step, 1), len(exercises()))


def _chooser() -> tuple[Exercise, DeltaGenerator]:
    """The exercise number, previous and next; the open exercise, and the
    place where the score goes once this run has graded its answer."""
    pick, back, ahead, score = st.columns([1.2, 1, 1, 1.4], vertical_alignment="bottom")
    number = pick.number_input(
        "Exercise",
        min_value=1,
        max_value=len(exercises()),
        value=1,
        step=1,
        key=EXERCISE_KEY,
        bind="query-params",
    )
    item = exercises()[int(number) - 1]
    back.button(
        "Previous", icon=":material/arrow_back:", on_click=_move, args=(-1,),
        disabled=item.number == 1, width="stretch",
    )  # fmt: skip
    ahead.button(
        "Next", icon=":material/arrow_forward:", on_click=_move, args=(1,),
        disabled=item.number == len(exercises()), width="stretch",
    )  # fmt: skip
    return item, score.empty()


def _show_score(place: DeltaGenerator) -> None:
    score = _score()
    solved = sum(score.values())
    tried = len(score) - solved
    place.metric(
        "Solved",
        f"{solved} of {len(exercises())}",
        help="Exercises answered correctly in this session"
        + (f"; {tried} more tried but not yet solved." if tried else "."),
    )


def _task(item: Exercise) -> None:
    st.markdown(f"### Exercise {item.number} of {len(exercises())}: {item.rule}")
    st.caption(
        f"Level {item.level} of {len(LEVELS)}: {LEVELS[item.level].lower()} · "
        f"{item.source}"
    )
    st.latex(item.formula_tex)
    names = item.parameter_names
    v = item.variable
    if not names:
        st.markdown(f"Find f′({v}), the derivative with respect to {v}.")
        return
    listed = (
        names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    )
    are = "is a constant" if len(names) == 1 else "are constants"
    st.markdown(f"Find f′({v}), the derivative with respect to {v}; {listed} {are}.")


def _grade(item: Exercise, answer: str) -> None:
    formula = TypedFormula(item.formula, item.variable, {})
    key = f"practice.{item.number}"
    try:
        verdict = answer_check.graded(
            formula, answer, item.domain, dict(item.params), key
        )
    except FormulaError as exc:
        answer_check.show_refusal(exc, answer)
        return
    score = _score()
    if verdict.correct:
        score[item.number] = True
    elif item.number not in score:
        score[item.number] = False
    answer_check.show_verdict(verdict, item.variable, item.domain, dict(item.params))


def render() -> None:
    """The "Practice" page."""
    st.markdown(
        "# Practice\n\n**Twenty derivatives, from the lesson's first rules to the "
        "catalog's models. Type f′ and check it: SymPy simplifies the difference, "
        "and both are compared at 20 random points.**"
    )
    bad = _bad_link()
    item, score_place = _chooser()
    if bad is not None:
        _say_bad_link(bad, item)
    _task(item)
    answer = answer_check.answer_form(item.variable, f"practice.{item.number}")
    if answer:
        _grade(item, answer)
    _show_score(score_place)
    derivation.steps_panel(
        TypedFormula(item.formula, item.variable, {}), expanded=False
    )
