"""The single sigmoid neuron: data, loss, derivatives and numerical safety.

Expected values are worked out here with plain Python from the dataset as
printed in the module (copied below), never with the module's functions.
"""

import ast
import inspect
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst

import scenarios
import scenarios.checks
from scenarios.catalog import single_neuron
from scenarios.catalog.single_neuron import (
    neuron_points,
    saturation_edge,
    sigmoid,
    sigmoid_slope,
)

SC = scenarios.get("single_neuron")

# The dataset as stored in the module, copied by hand.
XS = [-2.73, -2.71, -2.68, -2.64, -1.59, -1.29, -0.70, -0.65, -0.55, -0.39,
      -0.04, 0.09, 0.91, 1.06, 1.83, 1.85, 2.07, 2.39, 2.85, 3.00]  # fmt: skip
YS = [0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1]


def _sigma(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _slope_by_hand(w: float, b: float, lam: float) -> float:
    pulls = [(_sigma(w * x + b) - y) * x for x, y in zip(XS, YS, strict=True)]
    return sum(pulls) / len(XS) + 2 * lam * w


def _bisect(fn, lo: float, hi: float) -> float:
    for _ in range(200):
        mid = (lo + hi) / 2
        if (fn(lo) < 0) == (fn(mid) < 0):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def test_dataset_is_twenty_literal_points_with_both_labels():
    assert single_neuron.FEATURES.tolist() == XS
    assert single_neuron.LABELS.tolist() == YS
    assert 0 < sum(YS) < len(YS)


def test_module_draws_no_random_numbers_at_import():
    tree = ast.parse(inspect.getsource(single_neuron))
    names = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
    } | {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert "random" not in names and "default_rng" not in names


def test_untrained_neuron_costs_ln_2_whatever_the_data():
    # w = 0, b0 = 0: every prediction is 1/2, each point costs -ln(1/2) = ln 2.
    assert SC.f(0.0, bias=0.0, l2_penalty=0.5) == pytest.approx(math.log(2), rel=1e-15)


def test_slope_at_zero_is_the_chain_rule_by_hand():
    # σ(0) = 1/2, so L'(0) = mean((1/2 - y) x) + 0.
    expected = sum((0.5 - y) * x for x, y in zip(XS, YS, strict=True)) / 20
    assert SC.df(0.0, bias=0.0, l2_penalty=0.01) == pytest.approx(expected, rel=1e-14)
    assert expected == pytest.approx(-0.6225, abs=1e-12)


def test_curvature_at_zero_is_a_quarter_of_mean_square_plus_two_lambda():
    expected = sum(0.25 * x * x for x in XS) / 20 + 2 * 0.3
    assert SC.d2f(0.0, bias=0.0, l2_penalty=0.3) == pytest.approx(expected, rel=1e-14)


@given(
    w=hst.floats(-10, 10),
    b=hst.floats(-3, 3),
    lam=hst.floats(0.001, 1),
)
def test_slope_matches_the_hand_formula_everywhere(w, b, lam):
    assert SC.df(w, bias=b, l2_penalty=lam) == pytest.approx(
        _slope_by_hand(w, b, lam), rel=1e-9, abs=1e-12
    )


def test_optimum_at_defaults_matches_a_hand_bisection():
    by_hand = _bisect(lambda w: _slope_by_hand(w, 0.0, 0.01), -10, 10)
    sol = scenarios.solve(SC)
    assert sol.kind == "minimum" and not sol.on_boundary
    assert sol.x == pytest.approx(by_hand, abs=1e-10)
    assert sol.x == pytest.approx(0.98624, abs=1e-5)


def test_derivatives_pass_the_central_difference_check_at_defaults():
    check = scenarios.checks.check_derivatives(SC)
    assert check.passed, check.describe_failures()


_BIAS = SC.param("bias")
_L2 = SC.param("l2_penalty")
slider_bias = hst.integers(0, round((_BIAS.max - _BIAS.min) / _BIAS.step)).map(
    lambda k: round(_BIAS.min + k * _BIAS.step, 10)
)
slider_l2 = hst.integers(0, round((_L2.max - _L2.min) / _L2.step)).map(
    lambda k: round(_L2.min + k * _L2.step, 10)
)


@given(b=slider_bias, lam=slider_l2)
def test_every_slider_setting_solves_and_passes_the_derivative_check(b, lam):
    params = {"bias": b, "l2_penalty": lam}
    check = scenarios.checks.check_derivatives(SC, params)
    assert check.passed, check.describe_failures()
    sol = scenarios.solve(SC, params)
    assert -10 < sol.x < 10 and not sol.on_boundary
    assert sol.second_derivative > 0
    assert _slope_by_hand(sol.x, b, lam) == pytest.approx(0, abs=1e-9)


def test_penalty_range_starts_above_zero():
    assert _L2.min > 0


@given(w=hst.floats(-10, 10), b=hst.floats(-3, 3), lam=hst.floats(0.001, 1))
def test_curvature_is_positive_so_the_optimum_is_unique(w, b, lam):
    assert SC.d2f(w, bias=b, l2_penalty=lam) >= 2 * lam


# Underflow to 0 (e^-1000) is exact enough and numpy's default; the rest must not
# happen.
STRICT = {"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}


@pytest.mark.parametrize("b", [-3.0, 0.0, 3.0])
@pytest.mark.parametrize("w", [-1e6, -1e3, -50.0, -10.0, 10.0, 50.0, 1e3, 1e6])
def test_extreme_weights_give_finite_numbers_and_no_overflow(w, b):
    with np.errstate(**STRICT):
        values = [
            SC.f(w, bias=b, l2_penalty=0.001),
            SC.df(w, bias=b, l2_penalty=0.001),
            SC.d2f(w, bias=b, l2_penalty=0.001),
        ]
    assert all(math.isfinite(float(v)) for v in values)


@pytest.mark.parametrize("w", [-1e300, 1e300])
def test_absurd_weights_give_no_nan(w):
    # λ w² exceeds the largest float, so the loss is +inf, but never NaN.
    with np.errstate(over="ignore"):
        values = [SC.f(w, 0.0, 0.01), SC.df(w, 0.0, 0.01), SC.d2f(w, 0.0, 0.01)]
    assert not any(math.isnan(float(v)) for v in values)
    assert float(values[0]) == math.inf


def test_stable_sigmoid_has_exact_limits_and_no_overflow():
    with np.errstate(**STRICT):
        values = sigmoid(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]))
        slopes = sigmoid_slope(np.array([-1000.0, 0.0, 1000.0]))
    assert values[0] == 0.0 and values[-1] == 1.0 and values[2] == 0.5
    assert values[1] == pytest.approx(math.exp(-40), rel=1e-12)
    assert slopes.tolist() == [0.0, 0.25, 0.0]


def test_loss_is_vectorised_over_weights_and_parameters():
    ws = np.array([[-1.0], [0.0], [1.0]])
    bias = np.array([0.0, 1.0])
    out = SC.f(ws, bias=bias, l2_penalty=0.01)
    assert out.shape == (3, 2)
    assert out[1, 0] == pytest.approx(math.log(2))


def test_neuron_points_at_zero_weight():
    points = neuron_points(0.0, 0.0)
    assert points.predictions.tolist() == [0.5] * 20
    assert points.sigmoid_slopes.tolist() == [0.25] * 20
    # Squared error carries σ' = 1/4 and a factor 2: half the cross-entropy pull.
    assert points.squared_error_gradient == pytest.approx(
        points.cross_entropy_gradient / 2
    )
    assert points.saturated_share == 0.0


def test_squared_error_gradient_vanishes_where_cross_entropy_does_not():
    points = neuron_points(-8.0, 0.0)
    assert points.saturated_share >= 0.5
    assert abs(points.cross_entropy_gradient) > 1.0
    assert abs(points.squared_error_gradient) < 0.01 * abs(
        points.cross_entropy_gradient
    )


def test_saturation_edge_is_where_sigmoid_slope_is_one_hundredth():
    edge = saturation_edge(0.01)
    s = _sigma(edge)
    assert s * (1 - s) == pytest.approx(0.01, rel=1e-12)
    assert saturation_edge(0.25) == 0.0
    with pytest.raises(ValueError):
        saturation_edge(0.3)
