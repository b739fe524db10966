"""The learning lab's pages: compare, derivative lab and gradient descent.

AppTest runs each page on its own (``apps/lab_*.py``) for every registered
scenario. One browser test at the end drives the compare page's URL state in
headless Chromium through a small harness with all three pages.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import scenarios
from tests.dashboard.helpers import APP_IDLE

APPS = Path(__file__).resolve().parents[1] / "apps"
IDS = list(scenarios.REGISTRY)
TITLES = {sid: sc.title for sid, sc in scenarios.REGISTRY.items()}


def _app(name: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APPS / f"lab_{name}.py"), default_timeout=60)
    at.query_params.update(query or {})
    return at.run()


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.success]
    parts += [e.value for e in at.error] + [e.value for e in at.info]
    parts += [e.value for e in at.warning] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


# --- derivative lab ------------------------------------------------------------


@pytest.fixture(scope="module")
def lab() -> AppTest:
    return _app("derivative")


@pytest.mark.parametrize("scenario_id", IDS)
def test_derivative_lab_renders_every_scenario(lab, scenario_id):
    lab.selectbox(key="lab_scenario").set_value(scenario_id).run()
    _no_exception(lab)
    assert not lab.error, [e.value for e in lab.error]
    # Secant table, and the step-size table in its expander.
    assert len(lab.dataframe) == 2
    # Every shipped derivative is right, so the gradient check passes.
    assert any(s.value.startswith("Pass") for s in lab.success)


def test_secant_table_for_recommendation_closes_in_on_minus_1_2():
    at = _app("derivative", {"lab_scenario": TITLES["recommendation_tuning"]})
    _no_exception(at)
    table = at.dataframe[0].value
    # Slope over h from 0.2 is -1.2 + h: -0.2, -1.1, -1.19, ...
    assert table["Secant slope"].tolist()[:3] == ["−0.2", "−1.1", "−1.19"]
    assert table["Secant slope"].tolist()[-1] == "−1.2"


def test_derivative_lab_point_follows_a_moving_domain():
    # Headphone prices start at the unit cost: raise it past the chosen point.
    at = _app("derivative")
    at.slider(key="lab_headphone_pricing_x").set_value(25.0).run()
    at.slider(key="lab_headphone_pricing_unit_cost").set_value(50.0).run()
    _no_exception(at)
    assert at.slider(key="lab_headphone_pricing_x").value >= 50.0


def test_infeasible_link_shows_the_reason_not_a_traceback():
    at = _app(
        "derivative",
        {
            "lab_headphone_pricing_unit_cost": "100",
            "lab_headphone_pricing_demand_intercept": "100",
        },
    )
    _no_exception(at)
    assert any("No feasible" in e.value for e in at.error)


@pytest.mark.parametrize(
    "page, query, sentence",
    [
        # Unit cost runs $0 to $100 in the catalog, default $20; the point x
        # runs over the price range [20, 130] and starts at the $30 test.
        (
            "derivative",
            {"lab_headphone_pricing_unit_cost": "-5"},
            "The link sets unit cost to −$5.00, outside the allowed $0.00 to "
            "$100.00; so unit cost starts at its default, $20.00.",
        ),
        (
            "derivative",
            {"lab_headphone_pricing_x": "9999"},
            "The link sets point x: price to $9,999, outside the allowed $20.00 "
            "to $130.00; so point x: price starts at its default, $30.00.",
        ),
        (
            "descent",
            {"gd_headphone_pricing_start": "abc"},
            "The link sets start: price to “abc”, which is not a number; so "
            "start: price starts at its default, $30.00.",
        ),
        # The suggested rate is a quarter of 2/|f''| = 2/20, rounded down to
        # 0.02; the budget is 50 steps, at most 1,000.
        (
            "descent",
            {"gd_headphone_pricing_lr": "abc"},
            "The link sets the learning rate to “abc”, which is not a number; so "
            "the learning rate starts at its default, 0.02.",
        ),
        (
            "descent",
            {"gd_headphone_pricing_steps": "0"},
            "The link sets maximum steps to 0, outside the allowed 1 to 1,000; so "
            "maximum steps starts at its default, 50.",
        ),
        (
            "compare",
            {"cmp_headphone_pricing_unit_cost": "1e9"},
            "The link sets unit cost to $1,000,000,000, outside the allowed $0.00 "
            "to $100.00; so unit cost starts at its default, $20.00.",
        ),
    ],
)
def test_a_link_value_a_tool_slider_cannot_use_gets_a_sentence(page, query, sentence):
    at = _app(page, query)
    _no_exception(at)
    assert [w.value for w in at.warning] == [sentence]
    # The page still draws, at the default.
    assert at.get("vega_lite_chart")


# --- gradient descent ------------------------------------------------------------


@pytest.fixture(scope="module")
def descent() -> AppTest:
    return _app("descent")


@pytest.mark.parametrize("scenario_id", IDS)
def test_descent_page_renders_every_scenario(descent, scenario_id):
    descent.selectbox(key="gd_scenario").set_value(scenario_id).run()
    _no_exception(descent)
    assert not descent.error, [e.value for e in descent.error]
    assert len(descent.dataframe) >= 2  # steps and the finder's table


def test_recommendation_descent_uses_the_lessons_defaults():
    at = _app("descent", {"gd_scenario": TITLES["recommendation_tuning"]})
    _no_exception(at)
    assert at.number_input(key="gd_recommendation_tuning_lr").value == 0.1
    assert at.number_input(key="gd_recommendation_tuning_steps").value == 10
    assert at.slider(key="gd_recommendation_tuning_start").value == 0.2
    assert any(i.value.startswith("Stopped after 10 steps") for i in at.info)
    steps = at.dataframe[0].value
    # α_10 = 0.8 - 0.6 · 0.8¹⁰ = 0.7356 to four significant digits.
    assert len(steps) == 11 and steps.iloc[-1]["Alpha"] == "0.7356"
    finder = at.dataframe[1].value
    outcome = dict(zip(finder["Learning rate"], finder["Outcome"], strict=True))
    assert outcome["0.5"] == "Converged"
    assert outcome["1"] == "Oscillated"
    assert outcome["2"] == "Diverged"
    assert "2/|f″(x\\*)| = 1 overshoot" in _text(at)


def test_too_large_a_rate_says_diverged():
    at = _app(
        "descent",
        {
            "gd_scenario": TITLES["recommendation_tuning"],
            "gd_recommendation_tuning_lr": "1.5",
        },
    )
    _no_exception(at)
    assert any(e.value.startswith("Diverged") for e in at.error)


def test_compound_growth_says_it_left_the_range():
    at = _app("descent", {"gd_scenario": TITLES["compound_growth"]})
    _no_exception(at)
    assert any(w.value.startswith("Left the range") for w in at.warning)


def test_single_neuron_explains_the_vanishing_gradient():
    at = _app("descent", {"gd_scenario": TITLES["single_neuron"]})
    _no_exception(at)
    text = _text(at)
    assert "vanishing gradient" in " ".join(h.value for h in at.subheader).lower()
    assert "squared error" in text and "Cross-entropy" in text


# --- compare -------------------------------------------------------------------


def _chunks(ids: list[str], size: int) -> list[list[str]]:
    groups = [ids[i : i + size] for i in range(0, len(ids), size)]
    if len(groups[-1]) < 2:  # every group needs two to four scenarios
        groups[-1] = [*groups[-2][-1:], *groups[-1]]
    return groups


@pytest.mark.parametrize("normalise", [False, True])
@pytest.mark.parametrize("group", _chunks(IDS, 4), ids=lambda g: "+".join(g))
def test_compare_page_renders_every_scenario(group, normalise):
    query = {"cmp_scenarios": [TITLES[s] for s in group]}
    if normalise:
        query["cmp_normalise"] = "true"
    at = _app("compare", query)
    _no_exception(at)
    assert at.multiselect(key="cmp_scenarios").value == group
    table = at.table[0].value
    assert list(table.columns) == [TITLES[s] for s in group]
    assert list(table.index) == [
        "Question",
        "Variable",
        "Optimum x*",
        "Objective there",
        "f″(x*)",
        "Kind",
        "On boundary",
        "Evaluations used",
    ]


def test_compare_table_has_the_hand_optimum_and_curvature():
    at = _app("compare")
    table = at.table[0].value
    # Headphones: p* = 75, profit 30,250, f'' = -2 b = -20.
    head = table["Headphone pricing"]
    assert head["Optimum x*"] == "$75.00"
    assert head["Objective there"].startswith("$30,250")
    assert head["f″(x*)"] == "−$20.00 per $²"
    assert head["Kind"] == "Maximum" and head["On boundary"].startswith("No")
    rec = table["Recommendation tuning"]
    assert rec["Optimum x*"] == "0.8" and rec["f″(x*)"] == "+2"


def test_compare_parameter_keys_cannot_clash_with_scenario_pages():
    at = _app("compare", {"cmp_scenarios": [TITLES[s] for s in IDS[:4]]})
    keys = [s.key for s in at.slider]
    assert keys and all(k.startswith("cmp_") for k in keys)
    names = {p.name for sc in scenarios.REGISTRY.values() for p in sc.params}
    assert not names & set(keys)


def test_compare_state_round_trips_through_the_url():
    # A session picks scenarios, moves a parameter and normalises...
    first = _app("compare")
    first.multiselect(key="cmp_scenarios").select("fuel_efficiency").run()
    first.slider(key="cmp_fuel_efficiency_idle_burn").set_value(3.0).run()
    first.toggle(key="cmp_normalise").set_value(True).run()
    _no_exception(first)
    # ...its bound widgets become the link (keys and values as the browser
    # writes them)...
    query = {
        "cmp_scenarios": [
            TITLES[s] for s in first.multiselect(key="cmp_scenarios").value
        ],
        "cmp_normalise": "true",
        "cmp_fuel_efficiency_idle_burn": "3",
    }
    # ...and a fresh session opened on that link shows the same state.
    second = _app("compare", query)
    _no_exception(second)
    assert second.multiselect(key="cmp_scenarios").value == [
        "headphone_pricing",
        "recommendation_tuning",
        "fuel_efficiency",
    ]
    assert second.toggle(key="cmp_normalise").value is True
    assert second.slider(key="cmp_fuel_efficiency_idle_burn").value == 3.0
    assert second.table[0].value.equals(first.table[0].value)
    # s* = √(i / d) = √(3 / 0.001) = 54.77 mph
    assert second.table[0].value["Fuel efficiency"]["Optimum x*"] == "54.77 mph"


def test_compare_asks_for_two_scenarios():
    at = _app("compare", {"cmp_scenarios": [TITLES["study_time"]]})
    _no_exception(at)
    assert any("at least two" in i.value for i in at.info)


# --- in a real browser ---------------------------------------------------------


@pytest.fixture(scope="module")
def lab_tab(browser, app_url):
    """A tab in the suite's shared Chromium (one Playwright per process)."""
    tab = browser.new_page(viewport={"width": 1280, "height": 800})
    yield tab
    tab.close()


@pytest.mark.browser
def test_compare_link_restores_state_and_a_key_press_updates_the_link(lab_tab, app_url):
    from playwright.sync_api import expect

    query = urllib.parse.urlencode(
        [
            ("cmp_scenarios", "Headphone pricing"),
            ("cmp_scenarios", "Fuel efficiency"),
            ("cmp_fuel_efficiency_idle_burn", "3"),
        ]
    )
    lab_tab.goto(f"{app_url}/compare?{query}")
    lab_tab.wait_for_selector(APP_IDLE)
    table = lab_tab.locator("[data-testid='stTable']")
    # s* = √(i / d) = √(3 / 0.001) = 54.77 mph from the link's idle burn of 3.
    expect(table).to_contain_text("54.77 mph")
    assert lab_tab.locator("[data-testid='stException']").count() == 0
    # Open the fuel parameters and nudge the idle burn up one step of 0.1.
    lab_tab.get_by_text("Parameters").nth(1).click()
    thumb = lab_tab.locator(".st-key-cmp_fuel_efficiency_idle_burn input[type='range']")
    thumb.focus()
    lab_tab.keyboard.press("ArrowRight")
    expect(lab_tab).to_have_url(re.compile(r"cmp_fuel_efficiency_idle_burn=3\.1"))
    link = urllib.parse.parse_qs(urllib.parse.urlparse(lab_tab.url).query)
    assert link["cmp_scenarios"] == ["Headphone pricing", "Fuel efficiency"]
    # Reloading the link keeps the state.
    # s* = √(3.1 / 0.001) = 55.68 mph
    expect(table).to_contain_text("55.68 mph")
    lab_tab.reload()
    lab_tab.wait_for_selector(APP_IDLE)
    expect(thumb).to_have_value("3.1")
    expect(table).to_contain_text("55.68 mph")


@pytest.mark.browser
@pytest.mark.parametrize("path", ["derivative-lab", "gradient-descent"])
def test_lab_pages_render_in_the_browser(lab_tab, app_url, path):
    from playwright.sync_api import expect

    lab_tab.goto(f"{app_url}/{path}")
    lab_tab.wait_for_selector(APP_IDLE)
    expect(lab_tab.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    assert lab_tab.locator("[data-testid='stException']").count() == 0
