import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst

import scenarios
import scenarios.checks
from scenarios import DomainError, Scenario

ALL = list(scenarios.REGISTRY.values())
IDS = [sc.id for sc in ALL]


@pytest.mark.parametrize("sc", ALL, ids=IDS)
def test_hand_derivatives_match_central_differences_at_defaults(sc):
    check = scenarios.checks.check_derivatives(sc)
    assert check.passed, check.describe_failures()


@pytest.mark.parametrize("sc", ALL, ids=IDS)
def test_hand_derivatives_match_across_slider_ranges(sc):
    strategy = hst.fixed_dictionaries(
        {p.name: hst.floats(p.min, p.max) for p in sc.params}
    )

    @given(strategy)
    def check(params):
        try:
            result = scenarios.checks.check_derivatives(sc, params, points=9)
        except DomainError:
            return
        assert result.passed, result.describe_failures()

    check()


def test_a_wrong_derivative_fails_naming_scenario_point_and_values():
    # f = x^3 with f' written as 3x (forgot the square).
    wrong = Scenario.from_functions(
        lambda x: x**3, lambda x: 3 * x, lambda x: 6 * x, (0.0, 2.0), id="broken_cubic"
    )
    check = scenarios.checks.check_derivatives(wrong, points=4)
    assert not check.passed
    message = check.describe_failures()
    assert "broken_cubic" in message and "f'(" in message
    first = check.failures[0]
    assert first.analytic_first == pytest.approx(3 * first.x)
    assert first.numeric_first == pytest.approx(3 * first.x**2, rel=1e-6)


def test_a_wrong_second_derivative_fails_too():
    wrong = Scenario.from_functions(
        np.sin, np.cos, lambda x: np.sin(x), (0.0, 3.0), id="sign_slip"
    )
    check = scenarios.checks.check_derivatives(wrong)
    assert not check.passed
    assert all(s.first_ok for s in check.samples)
    assert "f''(" in check.describe_failures()
