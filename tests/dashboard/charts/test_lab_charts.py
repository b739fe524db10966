"""The gradient-descent page's charts, compiled once and fed named datasets."""

from __future__ import annotations

import altair as alt
import pytest

import scenarios
import scenarios.analysis
from dashboard.charts import lab as lab_charts
from dashboard.charts import vega
from scenarios.learning import descend, descent_settings, learning_rate_finder
from tests.dashboard.helpers import named_data

IDS = list(scenarios.REGISTRY)


def _descent(scenario_id: str, params: dict | None = None) -> dict:
    scenario = scenarios.get(scenario_id)
    settings = descent_settings(scenario, params)
    run = descend(scenario, settings.start, settings.learning_rate, params, 30)
    curve = scenarios.analysis.curve(scenario, params, samples=400)
    return lab_charts.descent_chart(scenario, curve, run)


def _finder(scenario_id: str, params: dict | None = None) -> dict:
    finder = learning_rate_finder(scenarios.get(scenario_id), params=params)
    return lab_charts.finder_chart(finder)


@pytest.mark.parametrize("scenario_id", IDS)
def test_descent_and_finder_charts_are_valid_vega_lite(scenario_id):
    # The page compiles them without validation; this is where a bad spec or
    # a dataset of the wrong shape would be caught.
    lab_charts.descent_layers(scenarios.get(scenario_id)).to_dict(validate=True)
    lab_charts.finder_layers((0.01, 0.1), 200, True).to_dict(validate=True)
    for spec in (_descent(scenario_id), _finder(scenario_id)):
        alt.LayerChart.from_dict(spec)
        # A dataset the drawn view does not know makes the in-place update fail.
        assert set(spec["datasets"]) == named_data(spec)
        assert set(vega.sendable(spec)["datasets"]) == set(spec["datasets"])


def test_headphone_descent_window_is_the_range_and_the_curve_plus_8_percent():
    # Profit (p - 20)(1300 - 10p) on [20, 130]: 0 at both ends, 30,250 at $75.
    data = _descent("headphone_pricing")["datasets"]
    low, high = data["descent_frame"]
    assert (low["x"], high["x"]) == (20.0, 130.0)
    assert low["f"] == pytest.approx(-0.08 * 30250, rel=1e-4)
    assert high["f"] == pytest.approx(1.08 * 30250, rel=1e-5)
    path, labels = data["descent_path"], data["descent_labels"]
    assert [r["step"] for r in path] == list(range(len(path)))
    assert [r["label"] for r in labels] == ["start", f"step {len(path) - 1}"]


def test_headphone_finder_marks_the_bound_two_over_twenty():
    # f''(p) = -20 everywhere, so the bound is 2/20 = 0.1 and the rates run
    # 1-2-5 from 0.1/100 to 0.1·5; the x window reaches 1.5 times past both.
    spec = _finder("headphone_pricing")
    rates = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
    data = spec["datasets"]
    assert [r["rate"] for r in data["finder_trials"]] == rates
    assert data["finder_bound"] == [{"rate": 0.1, "label": "2/|f″(x*)| = 0.1"}]
    frame = [r["rate"] for r in data["finder_frame"]]
    assert frame == pytest.approx([0.001 / 1.5, 0.75], rel=1e-12)


def test_moving_a_parameter_changes_only_the_data():
    # Unit cost leaves f'' = -20 alone: same rates, so the same spec and an
    # in-place redraw in the browser.
    for chart in (_descent, _finder):
        first = chart("headphone_pricing", {"unit_cost": 20.0})
        second = chart("headphone_pricing", {"unit_cost": 35.0})
        assert {k: v for k, v in first.items() if k != "datasets"} == {
            k: v for k, v in second.items() if k != "datasets"
        }
        assert first["datasets"] != second["datasets"]


def _compare(scenario_id: str, params: dict | None = None, unit: bool = False):
    from scenarios.learning import unit_curve

    scenario = scenarios.get(scenario_id)
    solution = scenarios.solve(scenario, params)
    curve = scenarios.analysis.curve(scenario, params, samples=400)
    shares = unit_curve(curve, solution) if unit else None
    return lab_charts.compare_chart(scenario, curve, solution, shares)


@pytest.mark.parametrize("scenario_id", IDS)
@pytest.mark.parametrize("unit", [False, True])
def test_compare_chart_is_valid_vega_lite_in_both_views(scenario_id, unit):
    spec = _compare(scenario_id, unit=unit)
    alt.LayerChart.from_dict(spec)
    assert set(spec["datasets"]) == named_data(spec)
    lab_charts.compare_layers(scenarios.get(scenario_id), unit, "left").to_dict(
        validate=True
    )


def test_headphone_compare_marks_the_maximum_at_75_dollars_mid_range():
    # Optimum at (20 + 130) / 2 = $75, profit 55 · 550 = 30,250: halfway along
    # [20, 130], so the label is centred, and at the top of the shared scale.
    plain = _compare("headphone_pricing")
    (best,) = plain["datasets"]["compare_best"]
    assert best["label"] == "Maximum at $75.00"
    assert best["f"] == pytest.approx(30250, rel=1e-12)
    assert plain["layer"][2]["mark"]["align"] == "center"
    (share,) = _compare("headphone_pricing", unit=True)["datasets"]["compare_best"]
    assert share["x"] == pytest.approx(0.5, rel=1e-12)
    assert share["f"] == 1.0
    # Another unit cost moves the optimum but keeps it mid-range: same spec.
    other = _compare("headphone_pricing", {"unit_cost": 40.0})
    assert {k: v for k, v in other.items() if k != "datasets"} == {
        k: v for k, v in plain.items() if k != "datasets"
    }
