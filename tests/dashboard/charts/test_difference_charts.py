"""The derivative lab's secant and step-size charts, compiled once and fed data."""

from __future__ import annotations

import altair as alt
import pytest

import scenarios
import scenarios.analysis
from dashboard.charts import difference as difference_charts
from dashboard.charts import vega
from scenarios.learning import secant_slopes, step_size_study
from tests.dashboard.helpers import named_data

IDS = list(scenarios.REGISTRY)


def _secant(scenario_id: str, x: float | None = None, window=None) -> dict:
    scenario = scenarios.get(scenario_id)
    lo, hi = scenarios.solve(scenario).domain
    x = (lo + 0.3 * (hi - lo)) if x is None else x
    curve = scenarios.analysis.curve(scenario, samples=400)
    table = secant_slopes(scenario, x)
    return difference_charts.secant_chart(scenario, curve, table, window or (lo, hi))


@pytest.mark.parametrize("scenario_id", IDS)
def test_both_charts_are_valid_vega_lite_with_their_data(scenario_id):
    # The page compiles them without validation; this is where a bad spec or
    # a dataset with the wrong shape would be caught.
    scenario = scenarios.get(scenario_id)
    lo, hi = scenarios.solve(scenario).domain
    x = lo + 0.3 * (hi - lo)
    names = difference_charts.secant_names(secant_slopes(scenario, x))
    difference_charts.secant_layers(scenario, names).to_dict(validate=True)
    difference_charts.step_error_layers().to_dict(validate=True)
    alt.LayerChart.from_dict(_secant(scenario_id))
    study = step_size_study(scenario, x)
    alt.LayerChart.from_dict(difference_charts.step_error_chart(study))


@pytest.mark.parametrize("scenario_id", IDS)
def test_each_chart_is_sent_exactly_the_datasets_it_reads(scenario_id):
    # A dataset the drawn view does not know makes the in-place update fail.
    scenario = scenarios.get(scenario_id)
    lo, hi = scenarios.solve(scenario).domain
    study = step_size_study(scenario, lo + 0.3 * (hi - lo))
    for spec in (_secant(scenario_id), difference_charts.step_error_chart(study)):
        assert set(spec["datasets"]) == named_data(spec)
        assert set(vega.sendable(spec)["datasets"]) == set(spec["datasets"])


def test_moving_x_changes_only_the_data():
    # Same spec, so the browser swaps the datasets instead of embedding anew.
    first, second = (
        _secant("headphone_pricing", 40.0),
        _secant("headphone_pricing", 90.0),
    )
    assert {k: v for k, v in first.items() if k != "datasets"} == {
        k: v for k, v in second.items() if k != "datasets"
    }
    assert first["datasets"] != second["datasets"]


def test_headphone_secants_close_in_on_the_tangent_inside_the_window():
    # Profit (p - 20)(1300 - 10p) on [20, 130]: f(50) = 30 · 800 = 24,000 and
    # f'(p) = 1500 - 20p, so the tangent at $50 has slope 500. The curve runs
    # from 0 at both ends to 30,250 at $75; the window adds 8% of that above
    # and below.
    spec = _secant("headphone_pricing", 50.0)
    data = spec["datasets"]
    frame = data["secant_frame"]
    assert [r["x"] for r in frame] == [20.0, 130.0]
    assert frame[0]["f"] == pytest.approx(-0.08 * 30250, rel=1e-4)
    assert frame[1]["f"] == pytest.approx(1.08 * 30250, rel=1e-5)
    assert data["secant_here"] == [
        {"x": 50.0, "f": pytest.approx(24000, rel=1e-12), "label": "x = $50.00"}
    ]
    names = [f"Secant h = {h}" for h in ("10", "1", "0.1", "0.01", "0.001", "0.0001")]
    assert spec["layer"][2]["encoding"]["color"]["scale"]["domain"] == [
        *names,
        difference_charts.TANGENT,
    ]
    tangent = [
        r for r in data["secant_lines"] if r["line"] == difference_charts.TANGENT
    ]
    assert len(tangent) == 2
    for row in tangent:
        assert row["f"] == pytest.approx(24000 + 500 * (row["x"] - 50), rel=1e-12)
        assert frame[0]["f"] - 1e-9 <= row["f"] <= frame[1]["f"] + 1e-9
    # The tangent leaves the window's top before $130: it is cut there.
    assert tangent[1]["f"] == pytest.approx(frame[1]["f"], rel=1e-12)
    assert tangent[1]["x"] == pytest.approx(50 + (frame[1]["f"] - 24000) / 500)
    # The secant with h = 10 reaches $60: f(60) = 40 · 700 = 28,000, slope 400.
    wide = [r for r in data["secant_lines"] if r["line"] == names[0]]
    assert wide[0]["slope"] == "400"
    assert data["secant_ends"][0] == {"x": 60.0, "f": pytest.approx(28000)}


def test_a_zoomed_window_cuts_the_curve_and_the_ends_to_it():
    spec = _secant("headphone_pricing", 50.0, window=(35.0, 65.0))
    data = spec["datasets"]
    xs = [r["x"] for r in data["secant_curve"]]
    assert 35.0 <= min(xs) and max(xs) <= 65.0
    assert [r["x"] for r in data["secant_frame"]] == [35.0, 65.0]
    assert all(35.0 <= r["x"] <= 65.0 for r in data["secant_lines"])


def test_step_chart_leaves_exact_zeros_off_its_log_axis():
    # A parabola's central difference is exact up to rounding, so some of its
    # errors are exactly zero; none may reach the log-scaled chart.
    scenario = scenarios.get("headphone_pricing")
    study = step_size_study(scenario, 50.0)
    data = difference_charts.step_error_chart(study)["datasets"]
    zeros = sum(
        1 for r in study.rows for e in (r.forward_error, r.central_error) if e == 0
    )
    shown = len(data["step_errors"])
    assert shown == 2 * len(study.rows) - zeros
    assert all(r["error"] > 0 for r in data["step_errors"])
    assert {r["method"] for r in data["step_guides"]} == {
        "Forward difference",
        "Central difference",
    }
