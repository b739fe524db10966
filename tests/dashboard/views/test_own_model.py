"""The "Your own model" page in AppTest: typing, examples, links, saved models.

Expected optima are closed forms worked out by hand.
"""

from __future__ import annotations

import pytest

from scenarios.store import cases as storage
from tests.dashboard.helpers import (
    headings,
    leading_number,
    open_page,
    open_tab,
    switch_to,
    tab_labels,
)

PAGE = "own-model"
HEADPHONES = {
    "om_formula": "(p - c)(a - b p)",
    "om_variable": "p",
    "om_lo": "c",
    "om_hi": "a/b",
    "om_goal": "Maximize",  # as a copied link spells it
}


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("SCENARIOS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIOS_DB", str(tmp_path / "cases.sqlite3"))


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


LESSON_KEYS = {"polynomial", "product", "quotient", "chain", "x2sin", "sigmoid",
               "tanh", "relu"}  # fmt: skip


def pick(at, key):
    """Click the example pill ``key``: a lesson example or a catalog template."""
    group = "om_lesson" if key in LESSON_KEYS else "om_template"
    return at.pills(key=group).set_value(key).run()


def text_input(at, key):
    return next(t for t in at.text_input if t.key == key)


def test_first_visit_opens_the_headphone_model_at_the_lesson_optimum():
    at = open_page(PAGE)
    assert not at.exception
    shown = metrics(at)
    assert leading_number(shown["Best p"]) == 75.0
    assert leading_number(shown["f(p)"]) == 30250.0
    assert text_input(at, "om_formula").value == "(p - c)(a - b p)"
    assert [s.label for s in at.sidebar.slider][:3] == ["c", "a", "b"]
    # the whole shared page follows, the chart above and a section per tab
    assert "The curve and its slope" in headings(at)
    assert tab_labels(at) == [
        "Tables", "What if", "Goal seek", "Sensitivity", "Fit to data",
        "Uncertainty", "Saved models", "Derivation",
    ]  # fmt: skip
    for tab, section in (("Tables", "Points against the optimum"),
                         ("What if", "What if: your settings against the defaults"),
                         ("Goal seek", "Goal seek"), ("Sensitivity", "Sensitivity"),
                         ("Fit to data", "Fit the curve to your data"),
                         ("Saved models", "Saved models"),
                         ("Derivation", "How the optimum is found")):  # fmt: skip
        open_tab(at, tab)
        assert not at.exception
        assert section in headings(at), tab
    assert any("Passed" in s.value for s in at.success)


def test_typing_a_formula_redraws_the_page_for_it():
    at = open_page(PAGE)
    text_input(at, "om_formula").set_value("(x - c)^2 + 1")
    text_input(at, "om_variable").set_value("x")
    text_input(at, "om_lo").set_value("0")
    text_input(at, "om_hi").set_value("5")
    at.segmented_control(key="om_goal").set_value("minimize")
    at.run()
    assert not at.exception
    # c keeps its value from the model before (20): the best x is the end, 5
    assert leading_number(metrics(at)["Best x"]) == 5.0
    at.sidebar.slider(key="c").set_value(2.5).run()
    assert leading_number(metrics(at)["Best x"]) == 2.5
    assert leading_number(metrics(at)["f(x)"]) == 1.0


def test_a_syntax_error_is_shown_in_place_with_a_caret():
    at = open_page(PAGE)
    text_input(at, "om_formula").set_value("(p - c)(a - b p").run()
    assert not at.exception
    assert any("never closed" in e.value for e in at.error)
    caret = [c.value for c in at.code]
    assert "(p - c)(a - b p\n       ^" in caret
    # the model box and the examples still work
    pick(at, "chain")
    assert not at.error
    assert text_input(at, "om_formula").value == "(3x + 1)^5"


def test_an_unknown_function_lists_the_known_ones():
    at = open_page(PAGE)
    text_input(at, "om_formula").set_value("sinc(p)").run()
    (message,) = [e.value for e in at.error]
    assert "not a known function" in message
    assert "sin" in message and "tanh" in message and "max" in message


@pytest.mark.parametrize(
    ("key", "formula", "variable", "best"),
    [
        ("chain", "(3x + 1)^5", "x", "Best x"),
        ("relu", "max(0, x)", "x", "Best x"),
        ("study_time", "S(1 - e^(-k h)) - c h", "h", "Best h"),
    ],
)
def test_examples_fill_the_model_in_one_click(key, formula, variable, best):
    at = open_page(PAGE)
    pick(at, key)
    assert not at.exception and not at.error
    assert text_input(at, "om_formula").value == formula
    assert text_input(at, "om_variable").value == variable
    assert best in metrics(at)


def test_chain_rule_example_sits_at_the_upper_end():
    at = open_page(PAGE)
    pick(at, "chain")
    # (3x + 1)^5 rises on [-1, 1]: the best x is the upper end, f = 4^5
    assert leading_number(metrics(at)["Best x"]) == 1.0
    assert leading_number(metrics(at)["f(x)"]) == 1024.0


def test_study_time_template_finds_the_catalog_optimum():
    at = open_page(PAGE)
    pick(at, "study_time")
    # h* = ln(S k / c) / k = ln(15) / 0.3 = 9.0268
    assert leading_number(metrics(at)["Best h"]) == pytest.approx(9.027, abs=5e-4)


def test_a_shared_link_reopens_the_same_model_and_values():
    at = open_page(PAGE, {**HEADPHONES, "a": "1300", "b": "10", "c": "25"})
    assert not at.exception and not at.error
    # p* = (a/b + c) / 2 = (130 + 25) / 2
    assert leading_number(metrics(at)["Best p"]) == 77.5
    assert at.sidebar.slider(key="c").value == 25.0


def test_a_shared_link_far_from_one_keeps_its_values():
    at = open_page(PAGE, {**HEADPHONES, "a": "5000", "b": "40", "c": "50"})
    # (125 + 50) / 2
    assert leading_number(metrics(at)["Best p"]) == 87.5
    assert not at.warning


@pytest.mark.parametrize(
    "query",
    [
        {**HEADPHONES, "om_formula": "__import__('os').system('x')"},
        {**HEADPHONES, "om_formula": "x" * 5000},
        {**HEADPHONES, "om_variable": "__class__"},
        {**HEADPHONES, "om_hi": "a/b; import os"},
    ],
)
def test_a_tampered_link_gets_a_sentence_not_a_traceback(query):
    at = open_page(PAGE, query)
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.endswith(".") and "\n" not in message
    pick(at, "polynomial")
    assert not at.exception and not at.error


def test_a_tampered_goal_is_noticed():
    at = open_page(PAGE, {**HEADPHONES, "om_goal": "explode"})
    assert not at.exception
    assert any("not a goal" in w.value for w in at.warning)


def test_a_name_the_page_uses_itself_is_refused():
    at = open_page(PAGE)
    text_input(at, "om_formula").set_value("your_value p").run()
    assert any("used by the page" in e.value for e in at.error)
    text_input(at, "om_formula").set_value("view p").run()
    assert not at.exception
    assert any("The name view is used by the page" in e.value for e in at.error)


def test_sliders_run_from_a_tenth_to_ten_times_the_default():
    at = open_page(PAGE)
    a = at.sidebar.slider(key="a")
    assert (a.min, a.max, a.value) == (130.0, 13000.0, 1300.0)


def test_save_open_rename_and_delete_a_model():
    at = open_tab(open_page(PAGE), "Saved models")
    at.sidebar.slider(key="c").set_value(30.0).run()
    at.text_input(key="om_save_name").set_value("Headphones")
    at.button(key="FormSubmitter:om_save_form-Save model").click().run()
    assert not at.exception, at.exception
    assert any("Saved the model" in s.value for s in at.success)
    (saved,) = storage.list_models()
    assert saved.name == "Headphones"
    assert saved.spec["formula"] == "(p - c)(a - b p)"
    assert saved.spec["params"]["c"] == 30.0

    # open it in a fresh session, over another model
    at = open_tab(open_page(PAGE), "Saved models")
    pick(at, "chain")
    at.button(key="om_open").click().run()
    assert not at.exception
    assert text_input(at, "om_formula").value == "(p - c)(a - b p)"
    # p* = (130 + 30) / 2
    assert leading_number(metrics(at)["Best p"]) == 80.0

    at.text_input(key="om_rename_to").set_value("Headphones v2")
    at.button(key="om_rename").click().run()
    assert [m.name for m in storage.list_models()] == ["Headphones v2"]
    at.button(key="om_delete").click().run()
    assert storage.list_models() == []
    assert not at.exception


def test_a_damaged_saved_model_gets_a_sentence():
    storage.save_model("Broken", {"formula": "x"})
    at = open_tab(open_page(PAGE), "Saved models")
    at.button(key="om_open").click().run()
    assert not at.exception
    assert any("damaged" in e.value for e in at.error)


@pytest.mark.parametrize(
    ("page", "key"),
    [("derivative-lab", "lab_scenario"), ("gradient-descent", "gd_scenario")],
)
def test_the_lab_pages_offer_the_own_model_beside_the_catalog(page, key):
    at = open_page(PAGE)
    pick(at, "x2sin")
    at = switch_to(at, page)
    picker = at.sidebar.selectbox(key=key)
    assert "Your own model" in picker.options
    picker.select("Your own model").run()
    assert not at.exception
    assert not at.error


def test_compare_page_offers_the_own_model():
    at = open_page(PAGE)
    at = switch_to(at, "compare")
    chooser = at.multiselect(key="cmp_scenarios")
    assert "Your own model" in chooser.options
    chooser.select("Your own model").run()
    assert not at.exception


def test_the_neuron_section_still_comes_from_the_declaration():
    import scenarios

    assert "neuron" in scenarios.get("single_neuron").extras
    assert "neuron" not in scenarios.get("headphone_pricing").extras


def test_the_link_carries_the_defaults_so_it_reopens_the_same_values():
    at = open_page(PAGE, {**HEADPHONES, "a": "1300", "b": "10", "c": "25"})
    link = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert link["om_defaults"] == "c=25;a=1300;b=10"
    # a fresh session on only the model and its defaults: c = 25 again
    fresh = open_page(PAGE, {**HEADPHONES, "om_defaults": link["om_defaults"]})
    assert leading_number(metrics(fresh)["Best p"]) == 77.5


def test_a_link_with_edited_ranges_keeps_them():
    query = {**HEADPHONES, "om_defaults": "c=20;a=1300;b=10", "om_ranges": "c=0:50:1"}
    at = open_page(PAGE, query)
    c = at.sidebar.slider(key="c")
    assert (c.min, c.max, c.step) == (0.0, 50.0, 1.0)


def test_an_unreadable_defaults_link_gets_a_notice():
    at = open_page(PAGE, {**HEADPHONES, "om_defaults": "c=oops"})
    assert not at.exception
    assert any("cannot be read" in w.value for w in at.warning)
