"""The dashboard in AppTest: every registered scenario page and the overview.

Expected optima are closed forms written out here by hand, never read from the
code under test.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst
from streamlit.testing.v1 import AppTest

import scenarios
from dashboard import format as fmt
from dashboard import state
from tests.dashboard.helpers import (
    headings,
    leading_number,
    named_data,
    open_page,
    open_tab,
    switch_to,
    tab_labels,
)

SCENARIO_IDS = list(scenarios.REGISTRY)

Params = dict[str, float]

# (parameter to move, value to move it to, x* as a closed form of the params)
CLOSED_FORMS: dict[str, tuple[str, float, Callable[[Params], float]]] = {
    "headphone_pricing": (
        "unit_cost",
        30.0,
        lambda p: (p["demand_intercept"] / p["demand_slope"] + p["unit_cost"]) / 2,
    ),
    "uber_surge": (
        "demand_multiplier",
        2.0,
        lambda p: (
            (
                p["demand_multiplier"] * p["base_rides"] / p["price_sensitivity"]
                + p["cost_per_ride"]
            )
            / 2
        ),
    ),
    "study_time": (
        "fatigue_cost",
        3.0,
        lambda p: (
            math.log(p["max_score"] * p["learning_speed"] / p["fatigue_cost"])
            / p["learning_speed"]
        ),
    ),
    "fuel_efficiency": (
        "idle_burn",
        3.0,
        lambda p: math.sqrt(p["idle_burn"] / p["drag_coefficient"]),
    ),
    "compound_growth": ("horizon", 40.0, lambda p: p["horizon"]),
    "ad_spend": (
        "linear_saving",
        14.0,
        lambda p: p["linear_saving"] / (2 * p["quadratic_cost"]),
    ),
    "production_profit": (
        "unit_margin",
        60.0,
        lambda p: p["unit_margin"] / (2 * p["curvature"]),
    ),
    "study_burnout": ("gain", 16.0, lambda p: p["gain"] / (2 * p["curvature"])),
    "recommendation_tuning": ("best_alpha", 1.2, lambda p: p["best_alpha"]),
}


def _grid_optimum(scenario: scenarios.Scenario, params: Params) -> tuple[float, float]:
    """x* by brute force over a fine grid of f, and the grid spacing.

    For scenarios added to the catalog after these tests were written: it uses
    only the declared f and domain, not the solver under test.
    """
    lo, hi = (float(v) for v in scenario.domain(**params))
    xs = np.linspace(lo, hi, 400_001)
    values = np.asarray(scenario.f(xs, **params), dtype=float)
    best = np.argmax(values) if scenario.goal == "maximize" else np.argmin(values)
    return float(xs[best]), (hi - lo) / 400_000


def _nearby_value(param: scenarios.Param, steps: int = 3) -> float:
    """A valid slider value a few steps from the default, with no float tail."""
    places = fmt.step_decimals(param.step, param.min, param.default)
    up = round(param.default + steps * param.step, places)
    return up if up <= param.max else round(param.default - steps * param.step, places)


def _texts(at) -> list[str]:
    """Every string the page shows: markdown, metrics, alerts, table cells."""
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    texts += [m.label for m in at.metric] + [m.value for m in at.metric]
    for kind in (at.warning, at.error, at.info, at.success):
        texts += [e.value for e in kind]
    for frame in at.table:
        texts += [str(v) for v in frame.value.to_numpy().ravel()]
    return texts


FLOAT_TAIL = re.compile(r"\d\.\d*(?:0{7,}|9{7,})\d|\d\.\d{10,}|\de[+-]\d")


def _assert_no_float_tails(at) -> None:
    for text in _texts(at):
        assert not FLOAT_TAIL.search(text), f"float tail in {text!r}"


def _assert_clean(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


# --- overview -------------------------------------------------------------------


def test_overview_lists_every_scenario_with_a_link_to_its_page():
    at = open_page("overview")
    _assert_clean(at)
    table = next(m.value for m in at.markdown if "| Scenario |" in m.value)
    for scenario_id, scenario in scenarios.REGISTRY.items():
        assert f'href="{scenario_id}"' in table
        assert scenario.title in table
        assert scenario.question in table
    assert "Price: $75.00" in table  # headphone p* = (1300/10 + 20) / 2
    _assert_no_float_tails(at)


# --- every scenario page -----------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_page_renders_headline_first_with_unit(scenario_id):
    scenario = scenarios.get(scenario_id)
    at = open_page(scenario_id)
    _assert_clean(at)
    first = at.metric[0]
    assert first.label == f"Best {scenario.variable.label.lower()}"
    if scenario.variable.unit and not scenario.variable.unit.startswith("$"):
        assert scenario.variable.unit in first.value
    assert at.metric[2].label == "Kind"
    assert "f″(x*)" in at.metric[2].proto.delta
    # The objective and slope charts above the tabs.
    assert len(at.get("vega_lite_chart")) >= 2
    # Table (a) in the default tab and (b) in its own, each with a CSV.
    assert tab_labels(at)[:2] == ["Tables", "What if"]
    assert len(at.get("download_button")) == 1  # the points table's
    open_tab(at, "What if")
    assert len(at.get("download_button")) == 1  # the what-if table's
    _assert_no_float_tails(at)
    # Goal seek's table (c) has one too, and the derivation its three formulas.
    open_tab(at, "Goal seek")
    _assert_clean(at)
    assert len(at.get("download_button")) >= 1
    _assert_no_float_tails(at)
    open_tab(at, "Derivation")
    _assert_clean(at)
    assert len(at.latex) == 3
    _assert_no_float_tails(at)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_parameter_has_a_url_bound_slider_from_its_declaration(scenario_id):
    scenario = scenarios.get(scenario_id)
    at = open_page(scenario_id)
    for param in scenario.params:
        slider = at.slider(key=param.name)
        assert slider.label == fmt.with_unit(param.label, param.unit)
        assert (slider.min, slider.max) == (param.min, param.max)
        assert slider.step == param.step
        assert slider.value == param.default
        assert slider.help == param.help
        assert slider.proto.query_param_key == param.name
    assert at.slider(key=state.YOUR_VALUE_KEY).proto.query_param_key == "your_value"


def test_no_parameter_name_clashes_with_the_dashboards_own_keys():
    for scenario in scenarios.REGISTRY.values():
        assert not state.RESERVED_KEYS & set(scenario.param_names), scenario.id


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_moving_a_slider_moves_the_optimum_to_the_closed_form(scenario_id):
    scenario = scenarios.get(scenario_id)
    at = open_page(scenario_id)
    params = scenario.defaults()
    if scenario_id in CLOSED_FORMS:
        name, value, closed_form = CLOSED_FORMS[scenario_id]
        params[name] = value
        expected, grid = closed_form(params), 0.0
    else:
        name = scenario.params[0].name
        value = _nearby_value(scenario.params[0])
        params[name] = value
        expected, grid = _grid_optimum(scenario, params)
    before = at.metric[0].value
    at.slider(key=name).set_value(value).run()
    _assert_clean(at)
    shown = leading_number(at.metric[0].value)
    assert at.metric[0].value != before
    # Four significant digits on screen, cents for prices.
    assert shown == pytest.approx(expected, rel=1e-3, abs=0.006 + grid)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_a_query_string_value_sets_the_slider(scenario_id):
    scenario = scenarios.get(scenario_id)
    param = scenario.params[-1]
    value = _nearby_value(param)
    at = open_page(scenario_id, {param.name: repr(value)})
    _assert_clean(at)
    assert at.slider(key=param.name).value == pytest.approx(value)
    assert not [w for w in at.warning if "link" in w.value]


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_a_non_numeric_query_value_falls_back_to_the_default_with_a_notice(
    scenario_id,
):
    param = scenarios.get(scenario_id).params[0]
    at = open_page(scenario_id, {param.name: "lots"})
    _assert_clean(at)
    assert at.slider(key=param.name).value == param.default
    notices = [w.value for w in at.warning if "“lots”" in w.value]
    assert len(notices) == 1 and "not a number" in notices[0]


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_an_out_of_range_query_value_falls_back_to_the_default_with_a_notice(
    scenario_id,
):
    param = scenarios.get(scenario_id).params[0]
    too_big = param.max + 10 * param.step
    at = open_page(scenario_id, {param.name: repr(too_big)})
    _assert_clean(at)
    assert at.slider(key=param.name).value == param.default
    assert any("outside the allowed" in w.value for w in at.warning)


def test_the_notice_stays_until_the_slider_is_moved():
    at = open_page("headphone_pricing", {"unit_cost": "abc"})
    at.slider(key="demand_slope").set_value(12.0).run()
    assert any("“abc”" in w.value for w in at.warning)
    at.slider(key="unit_cost").set_value(25.0).run()
    assert not any("“abc”" in w.value for w in at.warning)


def test_a_bad_your_value_in_the_link_gets_a_notice_too():
    at = open_page("headphone_pricing", {"your_value": "9999"})
    _assert_clean(at)
    assert any("your price" in w.value for w in at.warning)


# --- specific behaviour ------------------------------------------------------------


def test_uber_link_with_doubled_demand_opens_at_201():
    # p* = (m a / b + c) / 2 = (2 * 1000 / 5 + 2) / 2
    at = open_page("uber_surge", {"demand_multiplier": "2"})
    assert at.slider(key="demand_multiplier").value == 2.0
    assert at.metric[0].value == "$201.00 per ride"


def test_infeasible_link_shows_one_sentence_and_the_page_still_works():
    at = open_page("headphone_pricing", {"unit_cost": "100", "demand_intercept": "100"})
    _assert_clean(at)
    assert len(at.error) == 1
    assert at.error[0].value.startswith("No feasible price")
    assert not at.metric
    assert len(at.slider) == 3  # no "your price" without a range
    open_tab(at, "Derivation")
    _assert_clean(at)
    assert len(at.latex) == 3  # the derivation is still there
    reset = next(b for b in at.button if b.label == "Reset to defaults")
    reset.click().run()
    _assert_clean(at)
    assert not at.error
    assert at.metric[0].value == "$75.00"


# --- tabs below the chart --------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_tab_of_every_page_opens_cleanly_and_alone(scenario_id):
    at = open_page(scenario_id)
    labels = tab_labels(at)
    assert labels[:4] == ["Tables", "What if", "Goal seek", "Sensitivity"]
    assert labels[-2:] == ["Saved cases", "Derivation"]
    tab_headings = {
        "What if": "What if: your settings against the defaults",
        "Goal seek": "Goal seek",
        "Derivation": "How the optimum is found",
        "Tables": "Points against the optimum",
    }
    for label in labels:
        open_tab(at, label)
        _assert_clean(at)
        assert at.metric[0].label.startswith("Best")  # the headline stays
        shown = headings(at)
        assert "The curve and its slope" in shown
        for other, heading in tab_headings.items():
            if scenario_id == "compound_growth" and other == "Goal seek":
                continue
            assert (heading in shown) == (other == label), (label, shown)
        _assert_no_float_tails(at)


def test_only_pages_with_something_to_fit_get_the_fit_tab():
    assert "Fit to data" in tab_labels(open_page("headphone_pricing"))
    assert "Fit to data" in tab_labels(open_page("study_time"))
    assert "Fit to data" not in tab_labels(open_page("single_neuron"))


def test_the_open_tab_is_kept_in_the_link_and_a_tampered_one_opens_tables():
    at = open_page("headphone_pricing", {"view": "Derivation"})
    _assert_clean(at)
    assert len(at.latex) == 3
    assert at.query_params["view"] == "Derivation"
    for bad in ("derivation", "Nonsense", "", "<script>"):
        at = open_page("headphone_pricing", {"view": bad})
        _assert_clean(at)
        assert not at.latex
        assert headings(at)[1] == "Points against the optimum"
        assert "view" not in at.query_params


def test_the_open_tab_is_not_carried_to_another_scenario():
    at = open_page("headphone_pricing", {"view": "Derivation"})
    switch_to(at, "fuel_efficiency")
    _assert_clean(at)
    assert not at.latex
    assert "Points against the optimum" in headings(at)


def test_reset_restores_every_default():
    at = open_page("fuel_efficiency")
    at.slider(key="idle_burn").set_value(4.0).run()
    at.slider(key="drag_coefficient").set_value(0.002).run()
    next(b for b in at.button if b.label == "Reset to defaults").click().run()
    assert at.slider(key="idle_burn").value == 2.0
    assert at.slider(key="drag_coefficient").value == 0.001
    # s* = sqrt(i / d) = sqrt(2 / 0.001)
    assert leading_number(at.metric[0].value) == pytest.approx(math.sqrt(2000), 1e-3)


def test_compound_growth_says_there_is_no_interior_optimum_and_gives_its_figures():
    at = open_page("compound_growth")
    _assert_clean(at)
    assert at.metric[0].value == "30 years"
    assert any(w.value.startswith("No interior optimum") for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    # Doubling time ln 2 / r and the rate that doubles in 10 years, ln 2 / 10.
    assert leading_number(metrics["Doubles after"]) == pytest.approx(
        math.log(2) / 0.05, rel=1e-3
    )
    rate = metrics["Annual rate to double in 10 years"]
    assert rate.startswith(f"{100 * math.log(2) / 10:.2f}%")
    # Growth rate r P e^(r t) at the chosen year (7.5 by default).
    label = next(k for k in metrics if k.startswith("Rate of change at"))
    assert leading_number(metrics[label]) == pytest.approx(
        0.05 * 10_000 * math.exp(0.05 * 7.5), rel=1e-3
    )


def test_compound_growth_rate_that_cannot_double_in_time_is_explained():
    at = open_page("compound_growth")
    at.number_input(key="compound_growth.double_within").set_value(2.0).run()
    _assert_clean(at)
    assert any("annual rate" in i.value.lower() for i in at.info)


def test_goal_seek_lists_both_prices_that_reach_the_target():
    # (p - 20)(1300 - 10 p) = 10,000 has roots p = 30 and p = 120.
    at = open_page("headphone_pricing", {"view": "Goal seek"})
    at.number_input(key="headphone_pricing.seek_target").set_value(10_000.0).run()
    table = at.table[0].value
    assert list(table["Price"]) == ["$30.00", "$120.00"]


def test_goal_seek_out_of_reach_says_so():
    at = open_page("headphone_pricing", {"view": "Goal seek"})
    at.number_input(key="headphone_pricing.seek_target").set_value(40_000.0).run()
    assert any("$30,250" in i.value for i in at.info)


def test_points_table_scores_references_and_your_value_against_the_optimum():
    at = open_page("headphone_pricing", {"your_value": "60"})
    table = at.table[0].value
    assert list(table["Point"]) == [
        "Week 1 test",
        "Week 3 test",
        "Week 2 test",
        "Your value",
        "Optimum",
    ]
    yours = table[table["Point"] == "Your value"].iloc[0]
    # P(60) = 40 * 700 = 28,000; gap to 30,250 is 2,250; P'(60) = 1300 + 200 - 1200
    assert yours["Price"] == "$60.00"
    assert yours["Monthly profit"] == "$28,000"
    assert yours["Short of the optimum by"] == "$2,250"
    assert yours["Advice"] == "Increase price"
    assert leading_number(yours["Slope f′ ($ per $1 of price)"]) == 300


def test_what_if_table_compares_current_settings_with_defaults():
    at = open_page("headphone_pricing", {"unit_cost": "30", "view": "What if"})
    table = at.table[0].value.set_index("Quantity")
    assert table.loc["Unit cost", "Change"] == "+$10.00"
    assert table.loc["Best price", "Current"] == "$80.00"
    assert table.loc["Kind", "Change"] == "same"


# --- page switches ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "shared", "value"),
    [
        ("production_profit", "study_burnout", "curvature", 8.0),
        ("study_burnout", "production_profit", "curvature", 4.5),
        ("production_profit", "ad_spend", "fixed_cost", 900.0),
    ],
)
def test_a_shared_parameter_name_never_carries_across_pages(
    first, second, shared, value
):
    at = open_page(first)
    at.slider(key=shared).set_value(value).run()
    switch_to(at, second)
    _assert_clean(at)
    param = scenarios.get(second).param(shared)
    slider = at.slider(key=shared)
    assert (slider.min, slider.max) == (param.min, param.max)
    assert slider.value == param.default
    # ...and back again: the first page's own value is its default once more.
    switch_to(at, first)
    _assert_clean(at)


def test_your_value_is_not_carried_to_another_scenario():
    at = open_page("headphone_pricing")
    at.slider(key=state.YOUR_VALUE_KEY).set_value(120.0).run()
    switch_to(at, "compound_growth")
    _assert_clean(at)
    slider = at.slider(key=state.YOUR_VALUE_KEY)
    assert slider.min <= slider.value <= slider.max <= 30


def test_visiting_every_page_in_one_session_never_fails():
    at = open_page("overview")
    for scenario_id in [*SCENARIO_IDS, "overview", *reversed(SCENARIO_IDS)]:
        switch_to(at, scenario_id)
        _assert_clean(at)


# --- anything the URL can say --------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=hst.data())
def test_no_query_string_ever_shows_a_traceback(data):
    scenario_id = data.draw(hst.sampled_from(SCENARIO_IDS))
    scenario = scenarios.get(scenario_id)
    names = [*scenario.param_names, state.YOUR_VALUE_KEY, state.VIEW_KEY]
    values = hst.one_of(
        hst.floats(allow_nan=True, allow_infinity=True).map(repr),
        hst.sampled_from(["", "abc", "1e400", "-0", "0x10", "1_000", " 5 "]),
        hst.sampled_from(["Goal seek", "Derivation", "Fit to data", "tables"]),
        hst.integers(-(10**6), 10**6).map(str),
    )
    query = data.draw(hst.dictionaries(hst.sampled_from(names), values, max_size=3))
    at = open_page(scenario_id, query)
    _assert_clean(at)
    assert at.metric or len(at.error) == 1


@pytest.mark.parametrize("scenario_id", ["headphone_pricing", "fuel_efficiency"])
def test_every_chart_is_sent_exactly_the_datasets_it_reads(scenario_id):
    # Streamlit redraws a chart in place by swapping its named datasets; one
    # that the compiled view does not read makes the swap fail, and the chart
    # goes on showing the first run's data after every slider move.
    at = open_page(scenario_id, {"view": "Sensitivity"})
    param = scenarios.get(scenario_id).params[0]
    at.slider(key=param.name).set_value(param.min).run()
    for view in ("Tornado", "One-way sweep", "Two-way heatmap"):
        at.segmented_control(key="whatif_sensitivity_view").set_value(view).run()
        assert not at.exception
        charts = at.get("vega_lite_chart")
        assert len(charts) >= 3
        for chart in charts:
            sent = {dataset.name for dataset in chart.proto.datasets}
            assert sent == named_data(json.loads(chart.proto.spec)), view


def test_the_title_and_each_heading_are_one_element_with_their_note():
    at = open_page("headphone_pricing", {"your_value": "60"})
    blocks = [str(m.value) for m in at.markdown]
    assert blocks[0] == (
        "# Headphone pricing\n\n"
        "**Which price per pair earns the most profit each month?**"
    )
    chart_note = next(b for b in blocks if b.startswith("### The curve and its slope"))
    assert "\n\n:small[:gray[Top: monthly profit across" in chart_note
    assert headings(at)[:2] == ["The curve and its slope", "Points against the optimum"]
    assert not at.subheader and not at.caption
    # The note says nothing a slider move changes, so it is not redrawn.
    at.slider(key=state.YOUR_VALUE_KEY).set_value(90.0).run()
    at.slider(key="unit_cost").set_value(25.0).run()
    assert chart_note in [str(m.value) for m in at.markdown]


def test_a_heading_note_keeps_its_brackets_inside_the_grey_text():
    def page() -> None:
        from dashboard.sections import run as page_run

        page_run.heading("Odd units", "Measured in [kg] per [m], or ]].")

    at = AppTest.from_function(page).run()
    assert at.markdown[0].value == (
        "### Odd units\n\n:small[:gray[Measured in \\[kg\\] per \\[m\\], or \\]\\].]]"
    )


def test_the_inflection_points_are_listed_beside_the_derivation():
    # Fuel use per hour over speed bends at v = √(3·idle/drag) = √(6/0.001) mph.
    at = open_page("fuel_efficiency", {"view": "Derivation"})
    _assert_clean(at)
    assert "Inflection points" in headings(at)
    rows = at.table[-1].value
    assert list(rows.iloc[:, 0]) == [fmt.quantity(math.sqrt(6 / 0.001), "mph")]
    assert "concave down → concave up" in set(rows.iloc[0])
    at = open_page("fuel_efficiency")
    assert "Inflection points" not in headings(at)


def test_your_value_follows_a_range_that_shrinks_under_it():
    # Demand intercept 600 puts the top of the price range at 600/10 = 60;
    # at 450 it is 45, below the chosen 47.5, which moves to that end.
    at = open_page("headphone_pricing")
    at.slider(key="demand_intercept").set_value(600.0).run()
    at.slider(key=state.YOUR_VALUE_KEY).set_value(47.5).run()
    at.slider(key="demand_intercept").set_value(450.0).run()
    _assert_clean(at)
    assert at.slider(key=state.YOUR_VALUE_KEY).value == 45.0
