"""The Uncertainty tab and the fitted intervals, in the real app (AppTest)."""

from __future__ import annotations

import json
import re

import altair as alt
import numpy as np
import pytest
import streamlit as st

import scenarios
from dashboard import format as fmt
from dashboard.charts import uncertainty as uncertainty_charts
from dashboard.sections import uncertainty_inputs as tab
from scenarios.fitting.demand.models import compare_models
from scenarios.uncertainty import demand_intervals, monte_carlo
from tests.dashboard.helpers import (
    headings,
    leading_number,
    named_data,
    open_page,
    open_tab,
)

PRICES = np.array([20.0, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120])
HOURS = np.array([0.0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 20])
FLOAT_TAIL = re.compile(r"\d\.\d*(?:0{7,}|9{7,})\d|\d\.\d{10,}|\de[+-]\d")
LINK = {
    "view": "Uncertainty",
    tab.kind_key("unit_cost"): "Normal",
    tab.number_key("unit_cost", "mean"): "20",
    tab.number_key("unit_cost", "sd"): "2",
    tab.kind_key("demand_slope"): "Uniform",
    tab.number_key("demand_slope", "low"): "9",
    tab.number_key("demand_slope", "high"): "11",
    tab.SEED_KEY: "7",
}


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("SCENARIOS_DB", str(tmp_path / "cases.sqlite3"))
    st.cache_data.clear()


def unescaped(text: object) -> str:
    """Markdown text as the reader sees it: ``\\$75\\.00`` is ``$75.00``."""
    return re.sub(r"\\(.)", r"\1", str(text))


def texts(at) -> list[str]:
    """Every string the page shows, unescaped: markdown, metrics, alerts."""
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    shown += [m.label for m in at.metric] + [m.value for m in at.metric]
    shown += [str(m.delta or "") for m in at.metric]
    for kind in (at.warning, at.error, at.info, at.success):
        shown += [e.value for e in kind]
    return [unescaped(t) for t in shown]


def clean(at) -> None:
    assert [e.value for e in at.exception] == []
    for text in texts(at):
        assert not FLOAT_TAIL.search(text), text
        assert "[]" not in text and "nan" not in text.lower().split(), text


def metrics(at) -> dict[str, object]:
    return {m.label: m for m in at.metric}


def test_a_link_with_distributions_reproduces_the_engines_monte_carlo():
    at = open_page("headphone_pricing", LINK)
    clean(at)
    assert "The best price when the assumptions are uncertain" in headings(at)
    expected = monte_carlo(
        scenarios.get("headphone_pricing"),
        {"unit_cost": "normal:20,2", "demand_slope": "uniform:9,11"},
        draws=10_000,
        seed=7,
    )
    shown = metrics(at)
    best = shown["Best price on average"]
    assert best.value == fmt.quantity(expected.best_on_average[0], "$")
    assert shown["Optimum at the mean values"].value == "$75.00"
    q = expected.quantiles
    middle = shown["Best price, middle 90% of draws"].value
    assert middle == f"{fmt.quantity(q[0.05], '$')}–{fmt.quantity(q[0.95], '$')}"
    assert any("10,000 draws with seed 7; the link keeps both." in t for t in texts(at))
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4  # the page's two, the tab's two
    for chart in charts:
        sent = {dataset.name for dataset in chart.proto.datasets}
        assert sent == named_data(json.loads(chart.proto.spec))


def test_the_tabs_charts_validate_against_the_vega_lite_schema():
    specs = [
        uncertainty_charts.histogram_spec("fuel_efficiency"),
        uncertainty_charts.expected_spec("fuel_efficiency"),
        uncertainty_charts.interval_spec(
            "Price ($)", "Profit ($)", "$", "$", ("Linear", "Exponential"),
            ("#e4572e", "#17bebb"),
        ),
    ]  # fmt: skip
    for spec in specs:
        alt.LayerChart.from_dict(spec, validate=True)


def test_the_risk_at_your_price_follows_the_sidebar_and_the_threshold():
    at = open_page("headphone_pricing", {**LINK, "your_value": "80"})
    at.number_input(key=tab.THRESHOLD_KEY).set_value(29_000.0).run()
    clean(at)
    result = monte_carlo(
        scenarios.get("headphone_pricing"),
        {"unit_cost": "normal:20,2", "demand_slope": "uniform:9,11"},
        draws=10_000,
        seed=7,
        at=80.0,
        threshold=29_000.0,
    )
    shown = metrics(at)
    chance = shown["Chance below $29,000"].value
    assert chance == fmt.percent(result.risk.p_worse, 1)
    regret = shown["Expected regret"].value
    assert leading_number(regret) == pytest.approx(result.risk.expected_regret, 0.01)
    assert shown["Expected monthly profit"].value == fmt.quantity(
        result.risk.expected, "$"
    )


def test_with_every_parameter_fixed_the_tab_asks_for_a_distribution():
    at = open_page("study_time", {"view": "Uncertainty"})
    clean(at)
    assert [i.value for i in at.info] == [
        "Pick a distribution for at least one parameter to see how far the best "
        "study time can move."
    ]
    assert [s.value for s in at.selectbox if s.key.startswith(tab.PREFIX)][:3] == [
        "fixed",
        "fixed",
        "fixed",
    ]


def test_picking_a_distribution_starts_it_at_the_slider_and_a_link_reopens_it():
    at = open_page("headphone_pricing", {"view": "Uncertainty", "unit_cost": "30"})
    at.selectbox(key=tab.kind_key("unit_cost")).set_value("normal").run()
    clean(at)
    assert at.number_input(key=tab.number_key("unit_cost", "mean")).value == 30.0
    assert at.number_input(key=tab.number_key("unit_cost", "sd")).value == 3.0
    at.number_input(key=tab.SEED_KEY).set_value(12).run()
    # With a = 1300, b = 10 and c around 30 the best price is (130 + 30)/2.
    assert metrics(at)["Optimum at the mean values"].value == "$80.00"
    shown = metrics(at)["Best price on average"].value
    # The link these choices write (the browser test reads it from the
    # address bar) opens the same run in a fresh session.
    link = {
        "view": "Uncertainty",
        "unit_cost": "30",
        tab.kind_key("unit_cost"): "Normal",
        tab.number_key("unit_cost", "mean"): "30.0",
        tab.number_key("unit_cost", "sd"): "3.0",
        tab.SEED_KEY: "12",
    }
    again = open_page("headphone_pricing", link)
    assert metrics(again)["Best price on average"].value == shown


def test_a_uniform_whose_low_end_passes_its_high_end_is_one_sentence():
    bad = {**LINK, tab.number_key("demand_slope", "low"): "12"}
    at = open_page("headphone_pricing", bad)
    assert [e.value for e in at.exception] == []
    assert [unescaped(e.value) for e in at.error] == [
        "Demand slope: A uniform distribution's low end (12) must not be above "
        "its high end (11)."
    ]
    assert "Best price on average" not in metrics(at)


def exponential_sales() -> tuple[bytes, np.ndarray]:
    rng = np.random.default_rng(7)
    units = np.round(1500 * np.exp(-0.02 * PRICES) + rng.normal(0, 10, PRICES.size))
    text = "price,units\n" + "".join(
        f"{p:g},{q:g}\n" for p, q in zip(PRICES, units, strict=True)
    )
    return text.encode(), units


def upload(at, data: bytes, source_key: str):
    open_tab(at, "Fit to data")
    at.radio(key=source_key).set_value("file").run()
    at.get("file_uploader")[-1].set_value(("data.csv", data, "text/csv"))
    return at.run()


def test_the_fit_tab_gives_each_shapes_best_price_with_both_intervals():
    data, units = exponential_sales()
    at = upload(open_page("headphone_pricing"), data, "whatif_fit_source")
    clean(at)
    assert "How sure is the best price?" in headings(at)
    comparison = compare_models(PRICES, units, 20.0)
    expected = demand_intervals(comparison, PRICES, units, seed=0)["exponential"]

    def span(iv):
        return f"{fmt.quantity(iv.low, '$')}–{fmt.quantity(iv.high, '$')}"

    sentence = (
        f"Best price {fmt.quantity(expected.x, '$')}, 95% interval "
        f"{span(expected.x_delta)} (delta) / {span(expected.x_bootstrap)} (bootstrap)"
    )
    lead = f"**Exponential**: best{sentence[4:]}."
    assert any(t.startswith(lead) for t in texts(at)), sentence
    # The fit leaves its demand estimates for the Uncertainty tab's defaults.
    open_tab(at, "Uncertainty")
    clean(at)
    kinds = {s.key: s.value for s in at.selectbox if s.key.startswith(tab.PREFIX)}
    assert kinds[tab.kind_key("demand_intercept")] == "normal"
    assert kinds[tab.kind_key("unit_cost")] == "fixed"
    assert "Best price on average" in metrics(at)


def test_study_time_and_the_own_model_page_show_the_fitted_optimums_interval():
    rng = np.random.default_rng(11)
    noise = rng.normal(0, 1.5, HOURS.size)
    scores = np.round(90 * (1 - np.exp(-0.3 * HOURS)) + noise, 1)
    data = ("hours,score\n" + "".join(
        f"{h:g},{s:g}\n" for h, s in zip(HOURS, scores, strict=True)
    )).encode()  # fmt: skip
    at = upload(open_page("study_time"), data, "fit_source")
    clean(at)
    assert "How sure is the best study time?" in headings(at)
    line = next(t for t in texts(at) if t.startswith("Best study time "))
    assert "interval" in line and "hours (delta) / " in line
    own = open_page(
        "own-model",
        {"om_formula": "S(1 - exp(-k h)) - 4 h", "om_variable": "h", "om_lo": "0",
         "om_hi": "24", "om_goal": "maximize", "S": "90", "k": "0.3"},
    )  # fmt: skip
    net = scores - 4 * HOURS
    own_data = ("h,y\n" + "".join(
        f"{h:g},{y:g}\n" for h, y in zip(HOURS, net, strict=True)
    )).encode()  # fmt: skip
    own = upload(own, own_data, "fit_source")
    clean(own)
    assert "How sure is the best h?" in headings(own)
    line = next(t for t in texts(own) if t.startswith("Best h "))
    assert " (delta) / " in line and line.endswith("(bootstrap).")
