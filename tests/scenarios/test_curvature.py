"""Inflection points and concavity regions, against points found by hand."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst

import scenarios
import scenarios.solver
from scenarios import Scenario
from scenarios.curvature import concavity_regions, curvature, inflection_points

ALL = list(scenarios.REGISTRY.values())


def test_fuel_efficiency_inflects_where_d_s_squared_is_three_i():
    # E'' ∝ -s (3 i - d s²): zero at s = √(3 i / d) = √(3 · 2 / 0.001) = √6000.
    sc = scenarios.get("fuel_efficiency")
    points = inflection_points(sc)
    assert len(points) == 1
    assert points[0].x == pytest.approx(math.sqrt(6000), rel=1e-12)
    assert points[0].x == pytest.approx(77.46, abs=0.005)
    assert (points[0].before, points[0].after) == ("down", "up")
    # E(s) = s / (d s² + i) there: √6000 / (6 + 2) mpg.
    assert points[0].value == pytest.approx(math.sqrt(6000) / 8, rel=1e-12)


@given(
    d=hst.integers(2, 50).map(lambda k: k / 10000),
    i=hst.integers(5, 50).map(lambda k: k / 10),
)
def test_fuel_inflection_follows_the_parameters(d, i):
    sc = scenarios.get("fuel_efficiency")
    params = {"drag_coefficient": d, "idle_burn": i}
    s = math.sqrt(3 * i / d)
    points = inflection_points(sc, params)
    if 5 < s < 120:
        assert [p.x for p in points] == [pytest.approx(s, rel=1e-10)]
    elif not (4.99 < s < 5.01 or 119.99 < s < 120.01):
        assert points == ()


def test_cubic_inflects_at_zero_from_down_to_up():
    # f = x³ - 3x: f'' = 6x changes sign at 0, where f' = -3 and f''' = 6.
    cubic = Scenario.from_functions(
        lambda x: x**3 - 3 * x,
        lambda x: 3 * x**2 - 3,
        lambda x: 6 * x,
        (-2.0, 3.0),
        id="cubic",
    )
    result = curvature(cubic)
    (point,) = result.inflections
    assert point.x == pytest.approx(0, abs=1e-12)
    assert point.slope == pytest.approx(-3)
    assert point.third_derivative == pytest.approx(6, rel=1e-6)
    assert [(r.start, r.end, r.concavity) for r in result.regions] == [
        (-2.0, pytest.approx(0, abs=1e-12), "down"),
        (pytest.approx(0, abs=1e-12), 3.0, "up"),
    ]


def test_shifted_cubic_inflects_at_its_centre():
    # f = (x - 1.5)³: f'' = 6 (x - 1.5), zero at 1.5.
    sc = Scenario.from_functions(
        lambda x: (x - 1.5) ** 3,
        lambda x: 3 * (x - 1.5) ** 2,
        lambda x: 6 * (x - 1.5),
        (0.0, 4.0),
    )
    assert [p.x for p in inflection_points(sc)] == [pytest.approx(1.5, rel=1e-14)]


def test_an_inflection_on_a_sample_point_is_found_once():
    # On [-1, 1] the samples include the midpoint 0, where f'' = 0 exactly.
    sc = Scenario.from_functions(
        lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x, (-1.0, 1.0)
    )
    points = inflection_points(sc)
    assert [p.x for p in points] == [0.0]
    assert points[0].bracket is None


def test_sine_inflects_at_each_multiple_of_pi():
    sc = Scenario.from_functions(
        np.sin, np.cos, lambda x: -np.sin(x), (0.5, 10.0), goal="maximize"
    )
    xs = [p.x for p in inflection_points(sc)]
    assert xs == [pytest.approx(k * math.pi, rel=1e-12) for k in (1, 2, 3)]
    kinds = [r.concavity for r in concavity_regions(sc)]
    assert kinds == ["down", "up", "down", "up"]


def test_touching_zero_is_not_an_inflection():
    # f = x⁴: f'' = 12 x² is zero at 0 but never negative.
    sc = Scenario.from_functions(
        lambda x: x**4, lambda x: 4 * x**3, lambda x: 12 * x**2, (-1.0, 1.0)
    )
    result = curvature(sc)
    assert result.inflections == ()
    assert [r.concavity for r in result.regions] == ["up"]


def test_a_straight_line_is_flat():
    sc = Scenario.from_functions(
        lambda x: 2 * x, lambda x: 2 + 0 * x, lambda x: 0 * x, (0.0, 1.0)
    )
    result = curvature(sc)
    assert result.inflections == ()
    assert [r.concavity for r in result.regions] == ["flat"]


@pytest.mark.parametrize(
    "scenario_id, concavity",
    [
        ("headphone_pricing", "down"),
        ("recommendation_tuning", "up"),
        ("study_time", "down"),
        ("single_neuron", "up"),
    ],
)
def test_one_signed_scenarios_have_one_region_and_no_inflection(scenario_id, concavity):
    result = curvature(scenarios.get(scenario_id))
    assert result.inflections == ()
    assert [r.concavity for r in result.regions] == [concavity]


@pytest.mark.parametrize("sc", ALL, ids=[sc.id for sc in ALL])
def test_regions_tile_the_domain_and_match_the_sign_of_f2(sc):
    result = curvature(sc)
    lo, hi = scenarios.solver.domain_of(sc, sc.defaults())
    assert result.regions[0].start == lo and result.regions[-1].end == hi
    for left, right in zip(result.regions, result.regions[1:], strict=False):
        assert left.end == right.start
        assert left.concavity != right.concavity
    p = sc.defaults()
    for region in result.regions:
        inner = np.linspace(region.start, region.end, 9)[1:-1]
        signs = np.sign(np.broadcast_to(sc.d2f(inner, **p), inner.shape))
        expected = {"up": 1, "down": -1, "flat": 0}[region.concavity]
        assert set(signs.tolist()) == {expected}, sc.id
    assert len(result.inflections) == len(result.regions) - 1
