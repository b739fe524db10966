"""The Derivation tab in AppTest: the step-by-step panel and "check my derivative"."""

from __future__ import annotations

import ast
import inspect
import re

import pytest

import scenarios
from dashboard import format as fmt
from dashboard.sections import derivation as derivation_sections
from scenarios.formula.steps import derivation
from tests.dashboard.helpers import open_page

SCENARIO_IDS = list(scenarios.REGISTRY)
FLOAT_TAIL = re.compile(r"\d\.\d*(?:0{7,}|9{7,})\d|\d\.\d{10,}")


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("SCENARIOS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIOS_DB", str(tmp_path / "cases.sqlite3"))


def _texts(at) -> list[str]:
    texts = [str(m.value) for m in at.markdown] + [c.value for c in at.caption]
    for kind in (at.warning, at.error, at.info, at.success):
        texts += [e.value for e in kind]
    return texts


def _steps_block(at) -> str | None:
    return next(
        (
            str(m.value)
            for m in at.markdown
            if "**Check against SymPy**" in str(m.value)
        ),
        None,
    )


def check(at, key: str, answer: str):
    """Type ``answer`` in the box ``key`` and press Check, as a learner would."""
    at.text_input(key=f"{key}.answer").input(answer)
    next(b for b in at.button if b.label == "Check").click()
    return at.run()


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_scenario_shows_its_steps_or_says_why_not(scenario_id):
    scenario = scenarios.get(scenario_id)
    at = open_page(scenario_id, {"view": "Derivation"})
    assert not at.exception
    block = _steps_block(at)
    if scenario.formula is None:
        assert block is None
        assert derivation_sections.NO_STEPS in _texts(at)
        return
    found = derivation(scenario.formula.text, scenario.formula.variable)
    assert f"**1 · {found.steps[0].rule}** ${found.steps[0].tex}$" in block
    assert block.count("- **") == len(found.steps) - 2
    assert not any(FLOAT_TAIL.search(t) for t in _texts(at))
    assert "Symbol(" not in block and "**2" not in block.replace("**2 ·", "")


def test_the_own_model_page_shows_the_steps_of_the_typed_formula():
    at = open_page(
        "own-model",
        {"om_formula": "x^2 sin(x)", "om_variable": "x", "om_lo": "0", "om_hi": "3",
         "view": "Derivation"},
    )  # fmt: skip
    assert not at.exception
    block = _steps_block(at)
    assert "**1 · Product rule**" in block and "**3 · Trig rule**" in block


def test_a_right_answer_is_correct_and_says_which_check_decided():
    at = open_page("headphone_pricing", {"view": "Derivation"})
    check(at, "headphone_pricing", "a - 2 b p + b c")
    assert not at.exception
    assert "Correct, decided by both checks." in [s.value for s in at.success]
    assert len(at.get("vega_lite_chart")) == 2  # only the objective and slope


def test_a_slip_gets_both_curves_and_the_step_where_it_departs():
    at = open_page("headphone_pricing", {"view": "Derivation"})
    check(at, "headphone_pricing", "-b")
    assert "Not correct, decided by both checks." in [e.value for e in at.error]
    texts = _texts(at)
    slip = next(t for t in texts if t.startswith("**This looks like"))
    assert "the product rule applied as the product of the derivatives" in slip
    assert "at step 1 (product rule)" in slip
    assert any(re.match(r"At p = [\d.]+, f′ is ", t) for t in texts)
    assert len(at.get("vega_lite_chart")) == 3  # objective, slope, answer
    assert not any(FLOAT_TAIL.search(t) for t in texts)


def test_the_answer_is_never_put_in_the_address_bar():
    at = open_page("headphone_pricing", {"view": "Derivation"})
    check(at, "headphone_pricing", "-b")
    assert all("-b" not in value for value in at.query_params.values())
    assert set(at.query_params) <= {"view"} | set(
        scenarios.get("headphone_pricing").param_names
    )


@pytest.mark.parametrize(
    "text",
    ["__import__('os').system('echo')", "x.__class__", "9^9^9^9", "system(x)"],
)
def test_hostile_text_gets_the_formula_boxs_own_sentence(text):
    own = open_page("own-model")
    own.text_input(key="om_formula").input(text).run()
    formula_box = [e.value for e in own.error]
    at = open_page("own-model", {"view": "Derivation"})
    check(at, at.session_state["_own_model.last_id"], text)
    assert not at.exception
    assert [e.value for e in at.error] == formula_box
    assert len(formula_box) == 1


def test_every_function_of_the_tab_is_under_eighty_lines():
    tree = ast.parse(inspect.getsource(derivation_sections))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert node.end_lineno - node.lineno < 80, node.name


def test_a_refused_steps_job_gets_its_one_sentence(monkeypatch):
    def refuse(text, variable):
        raise scenarios.FormulaError("The formula is too large to work with.")

    monkeypatch.setattr(derivation_sections, "steps_of", refuse)
    at = open_page("headphone_pricing", {"view": "Derivation"})
    assert not at.exception
    assert [i.value for i in at.info][0] == fmt.plain(
        "The formula is too large to work with."
    )
    assert _steps_block(at) is None
