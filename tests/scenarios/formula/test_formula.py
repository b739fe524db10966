"""Typed formulas: parsing, exact derivatives, the scenario they become."""

import math

import numpy as np
import pytest
import sympy

import scenarios
import scenarios.checks
import scenarios.formula
import scenarios.grid
from scenarios.formula.build import (
    FormulaSpec,
    default_range,
    fit_functions,
    from_spec,
    kink_points,
    numpy_function,
)
from scenarios.formula.parse import FormulaError, parse_expression

X = sympy.Symbol("x", real=True)


def derivatives_at(text, x, variable="x", **params):
    """f, f', f'' of a typed formula at x, through the scenario it becomes."""
    sc = scenarios.from_formula(
        text, variable=variable, domain=(-10, 10), params=params
    )
    p = sc.resolve()
    return float(sc.f(x, **p)), float(sc.df(x, **p)), float(sc.d2f(x, **p))


# --- the lesson's worked examples, derivatives worked out by hand ---------------

WORKED = [
    # (formula, x, f, f', f'')
    ("(3x + 1)^5", 2.0, 16807.0, 36015.0, 61740.0),  # 15(3x+1)^4, 180(3x+1)^3
    ("3x^4 - 2x^3 + 5x - 7", 2.0, 35.0, 77.0, 120.0),  # 12x³-6x²+5, 36x²-12x
    ("3x^4 - 2x^3 + 5x - 7", 1.0, -1.0, 11.0, 24.0),
    ("x^2 e^x", 1.0, math.e, 3 * math.e, 7 * math.e),  # (x²+2x)eˣ, (x²+4x+2)eˣ
    ("x^2/(x + 1)", 1.0, 0.5, 0.75, 0.25),  # (x²+2x)/(x+1)², 2/(x+1)³
    ("x^2 sin(x)", math.pi, 0.0, -(math.pi**2), -4 * math.pi),
    ("1/(1 + e^(-x))", 0.0, 0.5, 0.25, 0.0),  # σ(1-σ) and σ(1-σ)(1-2σ)
    ("1/(1 + e^(-x))", math.log(3), 0.75, 3 / 16, -3 / 32),
    ("tanh(x)", math.log(3) / 2, 0.5, 0.75, -0.75),  # 1-t², -2t(1-t²)
    ("x^2", 3.0, 9.0, 6.0, 2.0),
    ("x^2 - 10x + 100", 4.0, 76.0, -2.0, 2.0),
    ("x^2 - 10x + 100", 6.0, 76.0, 2.0, 2.0),
    ("max(0, x)", 2.0, 2.0, 1.0, 0.0),
    ("max(0, x)", -2.0, 0.0, 0.0, 0.0),
    ("abs(x - 1)", -1.0, 2.0, -1.0, 0.0),
    ("sqrt(x)", 4.0, 2.0, 0.25, -1 / 32),  # x^-1/2 / 2, -x^-3/2 / 4
    ("ln(x) + log(x)", math.e, 2.0, 2 / math.e, -2 / math.e**2),
]


@pytest.mark.parametrize(("text", "x", "f", "df", "d2f"), WORKED)
def test_worked_example_derivatives_match_hand_results(text, x, f, df, d2f):
    got = derivatives_at(text, x)
    assert got == pytest.approx((f, df, d2f), rel=1e-12, abs=1e-12)


def test_chain_rule_example_at_two_is_36015():
    assert derivatives_at("(3x+1)^5", 2.0)[1] == 36015.0


def test_derivatives_are_simplified_sympy_results():
    sc = scenarios.from_formula("(3x + 1)^5", domain=(0, 1))
    assert sc.df_tex == "f'(x) = 15 \\left(3 x + 1\\right)^{4}"
    parsed = scenarios.formula.parse_formula("x^2 e^x")
    d = parsed.derivatives()
    assert sympy.simplify(d.df - (X**2 + 2 * X) * sympy.exp(X)) == 0
    assert sympy.simplify(d.d2f - (X**2 + 4 * X + 2) * sympy.exp(X)) == 0


# --- the example and the catalog typed in -------------------------------


def test_headphone_formula_solves_to_75_and_30250():
    sc = scenarios.from_formula(
        "(p - c)(a - b p)",
        variable="p",
        domain=("c", "a/b"),
        goal="maximize",
        params={"a": 1300, "b": 10, "c": 20},
    )
    sol = scenarios.solve(sc)
    assert sol.x == pytest.approx(75.0, rel=1e-12)
    assert sol.value == pytest.approx(30250.0, rel=1e-12)
    assert sol.kind == "maximum" and not sol.on_boundary


# (catalog id, formula, variable, domain, {formula name: catalog param name})
CATALOG_FORMULAS = [
    ("headphone_pricing", "(p - c)(a - b p)", "p", ("c", "a/b"),
     {"c": "unit_cost", "a": "demand_intercept", "b": "demand_slope"}),
    ("uber_surge", "(p - c)(m a - b p)", "p", ("c", "m a / b"),
     {"c": "cost_per_ride", "m": "demand_multiplier", "a": "base_rides",
      "b": "price_sensitivity"}),
    ("study_time", "S(1 - e^(-k h)) - c h", "h", ("0", "24"),
     {"S": "max_score", "k": "learning_speed", "c": "fatigue_cost"}),
    ("fuel_efficiency", "s / (d s^2 + i)", "s", ("5", "120"),
     {"d": "drag_coefficient", "i": "idle_burn"}),
    ("compound_growth", "P e^(r t)", "t", ("0", "T"),
     {"P": "principal", "r": "annual_rate", "T": "horizon"}),
    ("ad_spend", "q x^2 - s x + F", "x", ("0", "20"),
     {"q": "quadratic_cost", "s": "linear_saving", "F": "fixed_cost"}),
    ("production_profit", "-q x^2 + m x - F", "x", ("0", "30"),
     {"q": "curvature", "m": "unit_margin", "F": "fixed_cost"}),
    ("study_burnout", "-q h^2 + g h + s0", "h", ("0", "15"),
     {"q": "curvature", "g": "gain", "s0": "base_score"}),
    ("recommendation_tuning", "(alpha - alpha0)^2 + e0", "alpha", ("0", "2"),
     {"alpha0": "best_alpha", "e0": "floor_error"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("scenario_id", "text", "variable", "domain", "names"),
    CATALOG_FORMULAS,
    ids=[row[0] for row in CATALOG_FORMULAS],
)
def test_catalog_formula_typed_in_finds_the_catalog_optimum(
    scenario_id, text, variable, domain, names
):
    catalog = scenarios.get(scenario_id)
    for values in (catalog.defaults(), _other_values(catalog)):
        typed = scenarios.from_formula(
            text,
            variable=variable,
            domain=domain,
            goal=catalog.goal,
            params={k: values[v] for k, v in names.items()},
        )
        want, got = scenarios.solve(catalog, values), scenarios.solve(typed)
        assert got.x == pytest.approx(want.x, rel=1e-12, abs=1e-12)
        assert got.value == pytest.approx(want.value, rel=1e-12, abs=1e-12)
        assert got.on_boundary == want.on_boundary


def _other_values(scenario):
    """Each parameter a third of the way up its range: a second check point."""
    return {p.name: p.min + (p.max - p.min) / 3 for p in scenario.params}


def test_typed_model_runs_in_the_vectorised_sweep():
    sc = scenarios.from_formula(
        "(p - c)(a - b p)", variable="p", domain=("c", "a/b"),
        params={"a": 1300, "b": 10, "c": 20},
    )  # fmt: skip
    costs = np.array([[10.0], [20.0], [30.0]])
    slopes = np.array([5.0, 10.0])
    grid = scenarios.grid.solve_grid(sc, {"c": costs, "b": slopes})
    # p* = (a/b + c) / 2, the lesson's closed form
    assert grid.x == pytest.approx((1300 / slopes + costs) / 2, rel=1e-12)


def test_derivative_check_passes_on_a_typed_model():
    sc = scenarios.from_formula("x^2 sin(x) + e^(x/3)", domain=(-4, 4))
    assert scenarios.checks.check_derivatives(sc).passed


def test_typed_scenario_is_found_by_id_but_not_listed_in_the_registry():
    sc = scenarios.from_formula("x (1 - x)", domain=(0, 1))
    assert scenarios.get(sc.id) is sc
    assert sc.id not in scenarios.REGISTRY
    again = scenarios.from_formula("x (1 - x)", domain=(0, 1))
    assert again.id == sc.id


# --- syntax ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2x", 2 * X),
        ("3(x+1)", 3 * (X + 1)),
        ("(x+1)(x-1)", (X + 1) * (X - 1)),
        ("2 sin(x)", 2 * sympy.sin(X)),
        ("x^2", X**2),
        ("x**2", X**2),
        ("1e-3 x", X / 1000),
        ("2.5e2", sympy.Integer(250)),
        ("pi x", sympy.pi * X),
        ("e^x", sympy.exp(X)),
        ("x − 1", X - 1),
        ("2 × x", 2 * X),
        ("-x^2", -(X**2)),
        ("2^-x", 2 ** (-X)),
    ],
)
def test_syntax_reads_like_the_lesson(text, expected):
    assert sympy.simplify(parse_expression(text, "x") - expected) == 0


def test_names_are_whole_identifiers_and_multiply_when_spaced():
    a, b, ab, p = (sympy.Symbol(n, real=True) for n in ("a", "b", "ab", "p"))
    assert parse_expression("ab p", "p") == ab * p
    assert parse_expression("b p", "p") == b * p
    assert parse_expression("a(p+1)", "p") == a * (p + 1)


def test_every_other_name_is_a_parameter_in_order_of_appearance():
    parsed = scenarios.formula.parse_formula("(p - c)(a - b p)", "p")
    assert parsed.param_names == ("c", "a", "b")
    assert parsed.variable == "p"
    assert parsed.symbol == sympy.Symbol("p", real=True)


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("x + * 2", 4, "follows"),
        ("(x + 1", 0, "never closed"),
        ("x + 1)", 5, "no matching"),
        ("x^", 1, "ends too soon"),
        ("sinc(x)", 0, "known functions: sin, cos"),
        ("sin x", 0, "parentheses"),
        ("2 3", 2, "Two numbers"),
        ("x $ 2", 2, "“$”"),
        ("1/0", 2, "divides by zero"),
        ("log(0)", 0, "undefined"),
        ("sqrt(-4)", 0, "not a real number"),
        ("min(x)", 0, "at least two"),
    ],
)
def test_bad_syntax_is_one_sentence_with_a_position(text, position, words):
    with pytest.raises(FormulaError) as info:
        scenarios.from_formula(text, domain=(0, 1))
    message = str(info.value)
    assert info.value.position == position
    assert words in message
    assert "\n" not in message and message.endswith(".")


def test_formula_error_is_a_value_error():
    assert issubclass(scenarios.FormulaError, ValueError)


# --- domain and parameters ------------------------------------------------------


def test_empty_domain_is_the_usual_domain_error_naming_the_parameters():
    sc = scenarios.from_formula(
        "(p - c)(a - b p)", variable="p", domain=("c", "a/b"),
        params={"a": 100, "b": 10, "c": 20},
    )  # fmt: skip
    with pytest.raises(scenarios.DomainError) as info:
        scenarios.solve(sc)
    assert set(info.value.params) == {"c", "a", "b"}
    assert "c" in str(info.value) and "a/b" in str(info.value)


def test_domain_ends_may_not_use_the_variable():
    with pytest.raises(FormulaError, match="not x"):
        scenarios.from_formula("x", domain=(0, "x + 1"))


def test_parameters_default_to_one_with_a_tenth_to_ten_times_range():
    sc = scenarios.from_formula("a x - b x^2", domain=(0, 10), params={"b": -20})
    a, b = sc.param("a"), sc.param("b")
    assert (a.default, a.min, a.max) == (1.0, 0.1, 10.0)
    assert (b.default, b.min, b.max) == (-20.0, -200.0, -2.0)


def test_default_ranges_for_zero_and_round_values():
    assert default_range(0.0) == (-10.0, 10.0, 0.1)
    assert default_range(1300.0) == (130.0, 13000.0, 10.0)
    assert default_range(0.05) == (0.005, 0.5, 0.0001)


def test_explicit_ranges_are_checked():
    sc = scenarios.from_formula(
        "a x", domain=(0, 1), params={"a": 2}, ranges={"a": (0, 5, 0.5)}
    )
    assert (sc.param("a").min, sc.param("a").max, sc.param("a").step) == (0, 5, 0.5)
    with pytest.raises(FormulaError, match="outside its range"):
        scenarios.from_formula(
            "a x", domain=(0, 1), params={"a": 9}, ranges={"a": (0, 5, 0.5)}
        )
    with pytest.raises(FormulaError, match="not a parameter"):
        scenarios.from_formula("a x", domain=(0, 1), params={"z": 1})


def test_spec_round_trips_through_the_saved_model_format():
    sc = scenarios.from_formula(
        "(p - c)(a - b p)", variable="p", domain=("c", "a/b"),
        params={"a": 1300, "b": 10, "c": 20},
    )  # fmt: skip
    spec = sc.extras["formula"].to_dict()
    assert spec["formula"] == "(p - c)(a - b p)" and spec["domain"] == ["c", "a/b"]
    assert spec["params"] == {"c": 20.0, "a": 1300.0, "b": 10.0}
    assert set(spec) == {"formula", "variable", "domain", "goal", "params", "ranges"}
    assert from_spec(spec).id == sc.id
    with pytest.raises(FormulaError, match="damaged"):
        FormulaSpec.from_dict({"formula": "x"})


# --- kinks ----------------------------------------------------------------------


def test_kinks_of_abs_min_and_max_are_reported_as_candidates():
    relu = scenarios.from_formula("max(0, x) - x/2", domain=(-2, 2), goal="minimize")
    assert kink_points(relu) == [0.0]
    v = scenarios.from_formula("abs(x - c)", domain=(-3, 3), params={"c": 1.5})
    assert kink_points(v) == [1.5]
    tent = scenarios.from_formula("min(x, 2 - x)", domain=(-2, 4))
    assert kink_points(tent) == [1.0]
    assert kink_points(scenarios.from_formula("x^2", domain=(-1, 1))) == []


# --- the API for fitting ----------------------------------------------------------


def test_fit_functions_give_f_and_the_exact_parameter_gradient():
    parsed = scenarios.formula.parse_formula("a e^(-k t)", "t")
    f, grads = fit_functions(parsed)
    t = np.array([0.0, 1.0, 2.0])
    assert f(t, a=2.0, k=0.5) == pytest.approx(2 * np.exp(-0.5 * t), rel=1e-15)
    assert grads["a"](t, a=2.0, k=0.5) == pytest.approx(np.exp(-0.5 * t))
    assert grads["k"](t, a=2.0, k=0.5) == pytest.approx(-2 * t * np.exp(-0.5 * t))
    assert set(parsed.gradient()) == {"a", "k"}


def test_numpy_function_never_sees_the_users_names():
    n = sympy.Symbol("numpy", real=True)
    fn = numpy_function(n * sympy.sin(X), "x", ["numpy"])
    assert fn(np.pi / 2, numpy=3.0) == pytest.approx(3.0)
    with pytest.raises(FormulaError):
        numpy_function(sympy.Symbol("__class__") * X, "x", ["__class__"])


def test_constant_objective_still_returns_arrays():
    sc = scenarios.from_formula("7", domain=(0, 1))
    assert sc.f(np.zeros(3)).shape == (3,)
    assert sc.d2f(np.zeros(4)).shape == (4,)


def test_scalar_calls_follow_numpy_rules_like_the_catalog():
    sc = scenarios.from_formula("a/x + x^0.5", domain=(1, 2))
    with np.errstate(all="ignore"):
        assert np.isinf(sc.f(0.0, a=1.0))
        assert np.isnan(sc.f(-1.0, a=1.0))


def test_every_lesson_example_builds_and_solves():
    from scenarios.formula.examples import LESSON_EXAMPLES

    for item in LESSON_EXAMPLES:
        sol = scenarios.solve(from_spec(item.spec()))
        assert math.isfinite(sol.x) and math.isfinite(sol.value), item.key


def test_every_catalog_template_lands_on_the_catalog_optimum():
    from scenarios.formula.examples import catalog_templates

    templates = catalog_templates()
    assert {t.catalog_id for t in templates} == {row[0] for row in CATALOG_FORMULAS}
    for item in templates:
        want = scenarios.solve(scenarios.get(item.catalog_id))
        got = scenarios.solve(from_spec(item.spec()))
        assert got.x == pytest.approx(want.x, rel=1e-12), item.key
        assert got.value == pytest.approx(want.value, rel=1e-12), item.key
