"""Check my derivative: the learner types f′ and is told whether it is right.

Shared by the Derivation tab and the Practice page. The answer goes through
the formula parser like any typed text (see :mod:`scenarios.formula.check`);
it lives in the session only, never in the address bar or the store. A wrong
answer gets both curves, the first point where they differ, and the slip
with the step where it happens.
"""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from scenarios import FormulaError
from scenarios.formula.check import (
    TypedFormula,
    Verdict,
    answer_curves,
    check_answer,
)

MAX_SHOWN_CHARS = 500
"""Longest answer shown back with a caret under a refusal (the parser's limit)."""


def graded(
    formula: TypedFormula,
    answer: str,
    domain: tuple[float, float],
    values: dict[str, float],
    key: str,
) -> Verdict:
    """The verdict on ``answer``, kept in the session while nothing changes."""
    asked = (
        formula.text,
        formula.variable,
        answer,
        tuple(domain),
        tuple(values.items()),
    )
    memo = st.session_state.get(f"{key}.verdict")
    if memo is not None and memo[0] == asked:
        return memo[1]
    verdict = check_answer(formula.text, formula.variable, answer, domain, values)
    st.session_state[f"{key}.verdict"] = (asked, verdict)
    return verdict


def show_refusal(exc: FormulaError, text: str) -> None:
    """The parser's sentence, with a caret under the position when there is one."""
    st.error(fmt.plain(str(exc)), icon=":material/error:")
    if exc.position is not None and len(text) <= MAX_SHOWN_CHARS:
        shown = text.replace("\t", " ")
        st.code(f"{shown}\n{' ' * exc.position}^", language=None)


def _where_they_differ(
    verdict: Verdict, variable: str, domain: tuple[float, float], values: dict
) -> None:
    from dashboard.charts import answer as answer_charts

    miss = verdict.miss
    if miss is not None:
        st.markdown(
            f"At {variable} = {fmt.number(miss.x)}, f′ is {fmt.number(miss.true)} "
            f"but your answer gives {fmt.number(miss.answer)}."
        )
    if verdict.step is not None:
        st.markdown(
            f"**This looks like {verdict.slip}**, at step {verdict.step_number} "
            f"({verdict.step.rule.lower()}): {verdict.slip_hint}. That step "
            f"reads:\n\n$${verdict.step.tex}$$"
        )
    else:
        st.markdown(
            "No single typical slip explains the difference; compare your "
            "working with the steps, from the first."
        )
    curves = answer_curves(verdict, domain, values)
    st.altair_chart(answer_charts.answer_chart(curves, variable), width="stretch")


def show_verdict(
    verdict: Verdict, variable: str, domain: tuple[float, float], values: dict
) -> None:
    """Correct or not, which check decided, and why; where a wrong one differs."""
    if verdict.correct:
        st.success(verdict.headline, icon=":material/check_circle:")
    elif verdict.correct is False:
        st.error(verdict.headline, icon=":material/cancel:")
    else:
        st.warning(verdict.headline, icon=":material/help:")
    st.markdown("\n".join(f"- {reason}" for reason in verdict.reasons))
    if verdict.correct is False:
        _where_they_differ(verdict, variable, domain, values)


def answer_form(variable: str, key: str, label: str = "") -> str:
    """The answer box and its Check button; the answer typed so far."""
    with st.form(f"{key}.answer_form", border=False, enter_to_submit=True):
        st.text_input(
            label or f"Your f′({variable})",
            key=f"{key}.answer",
            placeholder="e.g. 2x + 3",
            help="The same syntax as a formula: + - * / ^, 2x and b p multiply, "
            "functions such as exp, ln, sin and sqrt.",
        )
        st.form_submit_button("Check", icon=":material/task_alt:")
    return str(st.session_state.get(f"{key}.answer") or "").strip()


def check_box(
    formula: TypedFormula,
    values: dict[str, float],
    domain: tuple[float, float] | None,
    key: str,
) -> None:
    """The "check my derivative" box for one formula, on its range at ``values``."""
    with st.container(border=True, key=f"{key}.check_box"):
        st.markdown(
            "**Check my derivative** :small[:gray[Type the f′ you worked out. "
            "It is compared with the true f′ twice: SymPy simplifies the "
            "difference, and both are evaluated at 20 random points of the "
            "range. Your answer stays in this browser session.]]"
        )
        answer = answer_form(formula.variable, key)
        if not answer:
            return
        if domain is None:
            st.markdown("The check runs once the parameters give a feasible range.")
            return
        try:
            verdict = graded(formula, answer, domain, values, key)
        except FormulaError as exc:
            show_refusal(exc, answer)
            return
        show_verdict(verdict, formula.variable, domain, values)
