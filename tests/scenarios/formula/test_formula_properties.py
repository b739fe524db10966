"""Property tests: SymPy's derivatives of random formulas agree with differences."""

import math

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as hst

import scenarios

LEAVES = hst.sampled_from(["x", "a", "2", "0.5", "3", "pi", "e"])
UNARY = ["sin", "cos", "exp", "tanh", "atan", "sqrt(1 + ({})^2)"]


def _combine(children):
    binary = hst.tuples(children, hst.sampled_from(["+", "-", "*", "/"]), children).map(
        lambda t: f"({t[0]}) {t[1]} ({t[2]})"
    )
    implicit = hst.tuples(children, children).map(lambda t: f"({t[0]})({t[1]})")
    power = hst.tuples(children, hst.sampled_from(["2", "3"])).map(
        lambda t: f"({t[0]})^{t[1]}"
    )
    call = hst.tuples(hst.sampled_from(UNARY), children).map(
        lambda t: t[0].format(t[1]) if "{}" in t[0] else f"{t[0]}({t[1]})"
    )
    return hst.one_of(binary, implicit, power, call)


FORMULAS = hst.recursive(LEAVES, _combine, max_leaves=6)


def _central(fn, x, h):
    """Central difference with one Richardson step: error O(h⁴), not O(h²)."""

    def d(step):
        return (fn(x + step) - fn(x - step)) / (2 * step)

    return (4 * d(h / 2) - d(h)) / 3


@given(text=FORMULAS, x=hst.floats(-2.0, 2.0), a=hst.floats(0.5, 2.0))
def test_sympy_derivatives_agree_with_central_differences(text, x, a):
    uses_a = "a" in text.replace("tanh", "").replace("atan", "")
    params = {"a": a} if uses_a else {}
    try:
        sc = scenarios.from_formula(text, domain=(-3, 3), params=params)
    except scenarios.FormulaError:
        assume(False)
    with np.errstate(all="ignore"):
        f = lambda t: float(sc.f(t, **params))  # noqa: E731
        df = lambda t: float(sc.df(t, **params))  # noqa: E731
        values = [f(x + k * 1e-3) for k in (-2, -1, 0, 1, 2)]
        assume(all(math.isfinite(v) and abs(v) < 1e6 for v in values))
        slope = df(x)
        assume(math.isfinite(slope))
        # a step relative to x, so a pole near 0 is not stepped across
        h = 1e-4 * max(abs(x), 1e-2)
        numeric = _central(f, x, h)
        scale = max(1.0, abs(slope), max(abs(v) for v in values))
        assert abs(slope - numeric) <= 1e-5 * scale
        curvature = float(sc.d2f(x, **params))
        assume(math.isfinite(curvature))
        numeric2 = _central(df, x, h)
        scale2 = max(1.0, abs(curvature), abs(slope))
        assert abs(curvature - numeric2) <= 1e-4 * scale2
