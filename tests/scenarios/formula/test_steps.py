"""The derivative step by step: rules, their order, and the end in SymPy's f′.

Expected lines are worked out by hand: (p − c)(a − b p) is a product, so
(1)(a − b p) + (p − c)(−b) = a + bc − 2bp; S(1 − e^(−kh)) − ch gives
S·k e^(−kh) − c through the chain rule on e^(−kh).
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

import scenarios
from scenarios.cli import main
from scenarios.formula.check import steps_of, typed_formula
from scenarios.formula.numeric import numpy_function
from scenarios.formula.parse import FormulaError, parse_expression
from scenarios.formula.rulebook import (
    ABSOLUTE,
    CHAIN,
    CHECK,
    MAX_RECORDED_STEPS,
    POWER,
    PRODUCT,
    QUOTIENT,
    SIMPLIFY,
)
from scenarios.formula.steps import derivation
from tests.scenarios.formula.hostile_formulas import HOSTILE
from tests.scenarios.formula.rule_table import RULE_TABLE

HEADPHONE_LINES = [
    "Product rule: d/dp[(p − c)(a − b p)] = (1)(a − b p) + (p − c)(−b)",
    "  Difference rule: d/dp[p − c] = 1 − 0 = 1",
    "    Identity rule: d/dp p = 1",
    "    Constant rule: d/dp c = 0",
    "  Difference rule: d/dp[a − b p] = 0 − b = −b",
    "    Constant rule: d/dp a = 0",
    "    Constant multiple rule: d/dp[b p] = b · 1 = b",
    "Simplify: f′(p) = (1)(a − b p) + (p − c)(−b) = a + b c − 2b p",
    "Check against SymPy: f′(p) − SymPy's d/dp f(p) = 0 (after expansion)",
]

STUDY_TIME_LINES = [
    "Difference rule: d/dh[S(1 − e^(−k h)) − c h] = S k e^(−k h) − c",
    "  Constant multiple rule: d/dh[S(1 − e^(−k h))] = S · k e^(−k h) = S k e^(−k h)",
    "    Difference rule: d/dh[1 − e^(−k h)] = 0 − (−k e^(−k h)) = k e^(−k h)",
    "      Constant rule: d/dh 1 = 0",
    "      Chain rule: d/dh e^(−k h) = e^(−k h) · (−k) = −k e^(−k h)",
    "        Constant multiple rule: d/dh[−k h] = −k · 1 = −k",
    "          Identity rule: d/dh h = 1",
    "  Constant multiple rule: d/dh[c h] = c · 1 = c",
    "Simplify: f′(h) = S k e^(−k h) − c",
    "Check against SymPy: f′(h) − SymPy's d/dh f(h) = 0 (identical)",
]


def test_the_product_rule_reads_as_the_lesson_writes_it():
    assert derivation("(p - c)(a - b p)", "p").lines() == HEADPHONE_LINES


def test_the_chain_rule_reads_as_the_lesson_writes_it():
    assert derivation("S(1 - e^(-k h)) - c h", "h").lines() == STUDY_TIME_LINES


def test_the_command_line_prints_the_steps_one_a_line(capsys):
    code = main(["derive", "--formula", "(p - c)(a - b p)", "--variable", "p",
                 "--steps"])  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[out.index("Step by step:") + 1 :] == HEADPHONE_LINES


def test_the_command_line_gives_the_steps_in_json_too(capsys):
    import json

    main(["derive", "--formula", "S(1 - e^(-k h)) - c h", "--variable", "h",
          "--steps", "--json"])  # fmt: skip
    assert json.loads(capsys.readouterr().out)["steps"] == STUDY_TIME_LINES


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        # n x^(n-1) with n = 4, -2 and 1/2
        ("x^4", ["Power rule: d/dx x^4 = 4 x^(4 − 1)",
                 "Simplify: f′(x) = 4 x^(4 − 1) = 4x^3"]),
        ("x^-2", ["Power rule: d/dx x^(−2) = (−2) x^(−2 − 1)",
                  "Simplify: f′(x) = (−2) x^(−2 − 1) = −2/x^3"]),
        ("sqrt(x)", ["Power rule: d/dx sqrt(x) = 1/2 x^(1/2 − 1)",
                     "Simplify: f′(x) = 1/2 x^(1/2 − 1) = 1/(2 sqrt(x))"]),
    ],
)  # fmt: skip
def test_the_power_rule_lowers_integer_negative_and_fractional_exponents(text, lines):
    found = derivation(text, "x")
    assert found.lines()[:2] == lines
    assert found.rules == (POWER, SIMPLIFY, CHECK)


def test_a_quotient_is_recognised_in_its_product_form():
    # x^2/(x + 1) is Mul(x^2, (x + 1)^-1) to SymPy; (2x(x+1) - x^2)/(x+1)^2
    found = derivation("x^2/(x + 1)", "x")
    assert found.steps[0].rule == QUOTIENT
    assert found.steps[0].text == (
        "Quotient rule: d/dx[x^2/(x + 1)] = ((2x)(x + 1) − (x^2)(1))/(x + 1)^2"
    )
    assert found.lines()[-2].endswith("= x(x + 2)/(x + 1)^2")
    x = sympy.Symbol("x", real=True)
    assert sympy.simplify(found.df - (x**2 + 2 * x) / (x + 1) ** 2) == 0


def test_abs_is_a_kink_whose_slope_is_the_sign():
    found = derivation("abs(x - 1)", "x")
    top = found.steps[0]
    assert top.rule == CHAIN and "undefined where x − 1 = 0: a kink" in top.note
    assert top.after_text == "sgn(x − 1) · (1)"
    assert derivation("abs(x)", "x").steps[0].rule == ABSOLUTE


def _in_order(wanted: list[str], rules: tuple[str, ...]) -> bool:
    remaining = iter(rules)
    return all(any(rule == seen for seen in remaining) for rule in wanted)


@pytest.mark.parametrize(
    ("text", "variable", "rules"),
    [row[1:] for row in RULE_TABLE],
    ids=[row[0] for row in RULE_TABLE],
)
def test_each_rule_fires_where_expected(text, variable, rules):
    found = derivation(text, variable)
    assert _in_order(rules, found.rules[:-2]), found.rules
    assert found.rules[-2:] == (SIMPLIFY, CHECK)


def test_the_rule_table_has_twenty_formulas_covering_every_rule():
    from scenarios.formula import rulebook

    assert len(RULE_TABLE) == 20
    named = {rule for row in RULE_TABLE for rule in row[3]}
    every = {
        value
        for name, value in vars(rulebook).items()
        if name.isupper() and isinstance(value, str) and value.endswith(" rule")
    }
    assert named == every


def test_a_step_carries_sympy_expressions_and_latex():
    found = derivation("x^2 e^x", "x")
    x = sympy.Symbol("x", real=True)
    top = found.steps[0]
    assert top.rule == PRODUCT and top.before == x**2 * sympy.exp(x)
    assert sympy.simplify(top.after - (2 * x * sympy.exp(x) + x**2 * sympy.exp(x))) == 0
    assert top.before_tex == r"\frac{d}{dx}\left[x^{2} e^{x}\right]"
    assert r"\left(2 x\right) \left(e^{x}\right)" in top.after_tex
    assert found.steps[-2].after == found.df
    assert found.steps[-1].after == 0


def test_the_users_own_symbols_are_shown():
    found = derivation("(alpha - alpha0)^2 + e0", "alpha")
    assert found.steps[0].before_text == "d/dalpha[(alpha − alpha0)^2 + e0]"
    assert r"\alpha_{0}" in found.steps[0].before_tex


def test_a_long_formula_is_worked_out_in_full_and_written_out_in_part():
    # (x + 1)(x + 2)…(x + 33): a product rule step, then a sum rule step and
    # a constant rule step per factor (d/dx x = 1 is written out once)
    text = "".join(f"(x + {k})" for k in range(1, 34))
    found = derivation(text, "x")
    assert found.omitted == 1 + 1 + 2 * 33 - MAX_RECORDED_STEPS
    assert len(found.steps) == MAX_RECORDED_STEPS + 2
    assert found.lines()[-3] == f"… and {found.omitted} more steps"
    assert found.lines()[-2] == "Simplify: f′(x) = (too long to show)"
    assert found.checked_by


# --- every catalog scenario ------------------------------------------------------

CATALOG = [sc for sc in scenarios.REGISTRY.values() if sc.formula is not None]


@pytest.mark.parametrize("scenario", CATALOG, ids=[sc.id for sc in CATALOG])
def test_a_catalog_formula_steps_to_sympys_derivative_and_the_hand_written_one(
    scenario,
):
    written = scenario.formula
    found = derivation(written.text, written.variable)
    x = sympy.Symbol(written.variable, real=True)
    f = parse_expression(written.text, written.variable)
    assert found.checked_by
    assert sympy.simplify(found.df - sympy.diff(f, x)) == 0
    # numerically against the hand-written df, at the defaults
    defaults = scenario.defaults()
    symbols = {s: defaults[p] for s, p in written.names.items()}
    lo, hi = scenario.domain(**defaults)
    xs = np.linspace(float(lo), float(hi), 9)
    ours = numpy_function(found.df, written.variable, tuple(symbols))(xs, **symbols)
    theirs = scenario.df(xs, **defaults)
    assert np.allclose(ours, theirs, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("scenario", CATALOG, ids=[sc.id for sc in CATALOG])
def test_a_catalog_formula_matches_the_hand_written_df_symbolically_where_it_can(
    scenario,
):
    written = scenario.formula
    x = sympy.Symbol(written.variable, real=True)
    by_param = {p: sympy.Symbol(s, real=True) for s, p in written.names.items()}
    args = {
        p: by_param.get(p, sympy.Symbol(p, real=True)) for p in scenario.param_names
    }
    try:
        hand = scenario.df(x, **args)
    except TypeError:  # numpy's exp and friends take no SymPy symbols
        pytest.skip("the hand-written df uses numpy functions of symbols")
    hand = sympy.nsimplify(sympy.sympify(hand), rational=True)
    found = derivation(written.text, written.variable)
    assert sympy.simplify(found.df - hand) == 0


def test_the_single_neuron_has_no_formula_to_step_through():
    assert typed_formula(scenarios.get("single_neuron")) is None


# --- random formulas from the parser's grammar -------------------------------------

LEAVES = hst.sampled_from(["x", "a", "2", "0.5", "3", "pi", "e"])
UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "atan", "cosh"]


def _combine(children):
    binary = hst.tuples(
        children, hst.sampled_from(["+", "-", "*", "/", "^"]), children
    ).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})")
    implicit = hst.tuples(children, children).map(lambda t: f"({t[0]})({t[1]})")
    power = hst.tuples(children, hst.sampled_from(["2", "3", "-1", "1/2"])).map(
        lambda t: f"({t[0]})^({t[1]})"
    )
    call = hst.tuples(hst.sampled_from(UNARY), children).map(
        lambda t: f"{t[0]}({t[1]})"
    )
    extreme = hst.tuples(hst.sampled_from(["max", "min"]), children, children).map(
        lambda t: f"{t[0]}({t[1]}, {t[2]})"
    )
    return hst.one_of(binary, implicit, power, call, extreme)


FORMULAS = hst.recursive(LEAVES, _combine, max_leaves=5)


def _equal(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Zero after simplification, or (for what simplify cannot settle) at points."""
    difference = a - b
    if difference == 0 or sympy.simplify(difference) == 0:
        return True
    symbols = sorted(difference.free_symbols, key=str)
    usable = 0
    for k in range(12):
        values = {s: sympy.Float(0.3 + 0.137 * k + 0.05 * i, 30) for i, s in
                  enumerate(symbols)}  # fmt: skip
        value = difference.xreplace(values).evalf(30)
        if value.is_Number and value.is_extended_real and value.is_finite:
            usable += 1
            assert abs(value) < 1e-12 * max(1, abs(a.xreplace(values).evalf(30)))
    return usable > 0


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(text=FORMULAS)
def test_the_steps_of_a_random_formula_end_in_sympys_derivative(text):
    try:
        found = derivation(text, "x")
    except FormulaError:
        return  # refused by the parser (a constant that is undefined, say)
    assert found.rules[-2:] == (SIMPLIFY, CHECK)
    assert found.checked_by, text
    x = sympy.Symbol("x", real=True)
    truth = sympy.diff(parse_expression(text, "x"), x)
    truth = truth.replace(lambda e: isinstance(e, sympy.DiracDelta), lambda e: 0)
    assert _equal(found.df, truth), text
    assert all(step.rule and step.tex and step.text for step in found.steps)


# --- in the worker ------------------------------------------------------------------


def test_steps_of_runs_the_same_walk_in_the_time_limited_worker():
    assert steps_of("(p - c)(a - b p)", "p").lines() == HEADPHONE_LINES


@pytest.mark.parametrize("row", HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_text_gets_the_parsers_sentence_or_steps_promptly(row, tmp_path):
    _id, text, variable, _domain = row
    text = text.replace("MARKER", str(tmp_path / "marker"))
    try:
        parse_expression(text, variable)
        refusal = None
    except FormulaError as exc:
        refusal = str(exc)
    start = time.monotonic()
    try:
        steps_of(text, variable)
        outcome = None
    except FormulaError as exc:
        outcome = str(exc)
        assert outcome.endswith(".") and "\n" not in outcome
    assert time.monotonic() - start < 20
    if refusal is not None:
        assert outcome == refusal
    assert list(tmp_path.iterdir()) == []
