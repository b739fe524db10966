import numpy as np
import pytest

import scenarios
import scenarios.analysis


def test_lesson_prices_get_the_lessons_advice():
    sc = scenarios.get("headphone_pricing")
    rows = scenarios.analysis.evaluate_points(
        sc, scenarios.analysis.reference_points(sc)
    )
    by_x = {r.x: r for r in rows}
    assert by_x[30.0].advice == "increase" and by_x[30.0].derivative == 900.0
    assert by_x[50.0].advice == "increase" and by_x[50.0].value == 24000.0
    assert by_x[100.0].advice == "decrease" and by_x[100.0].derivative == -500.0
    assert by_x[30.0].gap == 20250.0 and by_x[100.0].gap == 6250.0
    assert by_x[30.0].derived == {"customers": 1000.0, "revenue": 30000.0}
    optimum = rows[-1]
    assert optimum.label == "Optimum" and optimum.advice == "optimal"
    assert optimum.gap == 0.0 and optimum.derived["customers"] == 550.0


def test_advice_flips_for_a_minimisation():
    sc = scenarios.get("ad_spend")
    rows = scenarios.analysis.evaluate_points(sc, [3.0, 8.0])
    assert [r.advice for r in rows] == ["increase", "decrease", "optimal"]
    # C(3) = 9 - 30 + 100 = 79, four above the minimum of 75.
    assert rows[0].gap == 4.0


def test_fuel_trip_columns_match_the_lesson():
    sc = scenarios.get("fuel_efficiency")
    row = scenarios.analysis.evaluate_points(sc, [55.0], include_optimum=False)[0]
    mpg = 55 / (0.001 * 55**2 + 2)
    assert row.derived["gallons"] == pytest.approx(300 / mpg, rel=1e-15)
    assert row.derived["cost"] == pytest.approx(3.5 * 300 / mpg, rel=1e-15)
    assert row.derived["hours"] == pytest.approx(300 / 55, rel=1e-15)


def test_surge_multiplier_is_about_two_when_demand_doubles():
    sc = scenarios.get("uber_surge")
    sol = scenarios.solve(sc, {"demand_multiplier": 2})
    row = scenarios.analysis.evaluate_points(sc, [], {"demand_multiplier": 2})[0]
    assert row.derived["surge_multiplier"] == pytest.approx(201 / 101, rel=1e-15)
    assert row.derived["rides"] == pytest.approx(2000 - 5 * sol.x, rel=1e-15)


def test_curve_and_tangent():
    sc = scenarios.get("recommendation_tuning")
    c = scenarios.analysis.curve(sc, samples=5)
    assert c.x.tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert c.value == pytest.approx([0.74, 0.19, 0.14, 0.59, 1.54])
    assert c.second_derivative.tolist() == [2.0] * 5
    # Tangent at 0.2: E = 0.46, slope -1.2.
    assert scenarios.analysis.tangent_line(sc, 0.2, [0.0, 1.0]) == pytest.approx(
        [0.7, -0.5]
    )


def test_what_if_reports_parameter_and_result_changes():
    sc = scenarios.get("headphone_pricing")
    rows = {r.name: r for r in scenarios.analysis.what_if(sc, {"unit_cost": 30})}
    assert rows["unit_cost"].change == 10.0
    assert rows["optimum"].baseline == 75.0 and rows["optimum"].current == 80.0
    assert rows["optimum"].change == 5.0
    # (80 - 30)(1300 - 800) = 25000
    assert rows["value"].current == pytest.approx(25000.0)


def test_what_if_shows_an_infeasible_side_as_text():
    sc = scenarios.get("headphone_pricing")
    rows = {
        r.name: r
        for r in scenarios.analysis.what_if(
            sc, {"unit_cost": 100, "demand_intercept": 100}
        )
    }
    assert isinstance(rows["optimum"].current, str)
    assert "No feasible price" in rows["optimum"].current
    assert rows["optimum"].change is None


@pytest.mark.parametrize(
    "sc", list(scenarios.REGISTRY.values()), ids=list(scenarios.REGISTRY)
)
def test_curve_is_finite_at_defaults(sc):
    c = scenarios.analysis.curve(sc)
    assert c.x.shape == (400,)
    for arr in (c.value, c.derivative, c.second_derivative):
        assert np.all(np.isfinite(arr))
