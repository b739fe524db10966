"""Least-squares fits of a typed formula's parameters, checked against curve_fit."""

import math

import numpy as np
import pytest
from scipy.optimize import curve_fit

from scenarios.fitting import least_squares as fitting
from scenarios.fitting.least_squares import (
    FitError,
    fit_formula,
    formula_model,
    least_squares_fit,
)

HOURS = np.array([0.0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 20])


def study_score(h, s, k):
    return s * (1 - np.exp(-k * h))


def study_data(seed=11):
    rng = np.random.default_rng(seed)
    return study_score(HOURS, 90.0, 0.3) + rng.normal(0.0, 1.5, HOURS.size)


def tight_curve_fit(fn, x, y, p0, **kw):
    values, cov = curve_fit(
        fn, x, y, p0=p0, ftol=1e-15, xtol=1e-15, gtol=1e-15, maxfev=20000, **kw
    )
    return values, np.sqrt(np.diag(cov))


def test_desmos_style_study_fit_agrees_with_curve_fit():
    scores = study_data()
    fit = fit_formula("S(1 - exp(-k h))", "h", HOURS, scores, {"S": 50, "k": 0.1})
    values, errors = tight_curve_fit(study_score, HOURS, scores, (90, 0.3))
    assert fit.converged and fit.n == HOURS.size
    assert fit.params["S"] == pytest.approx(values[0], rel=1e-6)
    assert fit.params["k"] == pytest.approx(values[1], rel=1e-6)
    assert fit.stderr["S"] == pytest.approx(errors[0], rel=1e-5)
    assert fit.stderr["k"] == pytest.approx(errors[1], rel=1e-5)
    residual = scores - study_score(HOURS, *values)
    rss = float(residual @ residual)
    spread = scores - scores.mean()
    assert fit.rmse == pytest.approx(math.sqrt(rss / HOURS.size), rel=1e-9)
    assert fit.r2 == pytest.approx(1 - rss / float(spread @ spread), rel=1e-9)
    assert fit.residuals == pytest.approx(-residual, rel=1e-6, abs=1e-9)


def test_fixed_parameters_stay_put_and_the_rest_fit():
    # y = a x + 1 with a fitted: the slope of (y - 1) through the origin,
    # sum(x (y - 1)) / sum(x^2) = (1*1 + 2*3 + 3*5.5) / 14 = 23.5 / 14.
    fit = fit_formula("a x + b", "x", [1, 2, 3], [2, 4, 6.5], {"a": 1}, {"b": 1})
    assert fit.params == {"a": pytest.approx(23.5 / 14, rel=1e-12)}


def test_a_fit_with_bounds_stops_at_the_range_and_says_so():
    scores = study_data()
    fit = fit_formula(
        "S(1 - exp(-k h))",
        "h",
        HOURS,
        scores,
        {"S": 50, "k": 0.1},
        bounds={"S": (10, 80), "k": (0.05, 1)},
    )
    values, _ = tight_curve_fit(
        study_score, HOURS, scores, (80, 0.3), bounds=((10, 0.05), (80, 1))
    )
    assert fit.params["S"] == pytest.approx(80, rel=1e-9)
    assert fit.params["k"] == pytest.approx(values[1], rel=1e-6)
    assert fit.at_bound == ("S",)
    assert any("range" in w for w in fit.warnings)


def test_jacobian_is_the_exact_derivative():
    model = formula_model("S(1 - exp(-k h))", "h", ["S", "k"])
    h = np.array([0.0, 1.0, 5.0])
    jac = model.jacobian(h, np.array([90.0, 0.3]))
    # d/dS = 1 - e^(-k h); d/dk = S h e^(-k h).
    assert jac[:, 0] == pytest.approx(1 - np.exp(-0.3 * h), rel=1e-15)
    assert jac[:, 1] == pytest.approx(90 * h * np.exp(-0.3 * h), rel=1e-15)


def test_generic_fit_of_a_line_matches_the_normal_equations():
    x = np.array([0.0, 1.0, 2.0])
    fit = least_squares_fit(
        lambda x, t: t[0] + t[1] * x,
        lambda x, t: np.column_stack((np.ones_like(x), x)),
        x,
        [1.0, 3.0, 2.0],
        {"a": 0.0, "b": 0.0},
    )
    # By hand: slope 0.5, intercept 1.5, SS_res 1.5, s^2 = 1.5, (X'X)^-1 =
    # [[5/6, -1/2], [-1/2, 1/2]]: stderr sqrt(1.25) and sqrt(0.75).
    assert fit.params == pytest.approx({"a": 1.5, "b": 0.5}, rel=1e-12)
    assert fit.stderr["a"] == pytest.approx(math.sqrt(1.25), rel=1e-12)
    assert fit.stderr["b"] == pytest.approx(math.sqrt(0.75), rel=1e-12)
    assert fit.r2 == pytest.approx(0.25, rel=1e-12)


def test_as_many_rows_as_parameters_fit_exactly_without_standard_errors():
    fit = fit_formula("a x + b", "x", [1, 2], [3, 5], {"a": 0, "b": 0})
    assert fit.params == pytest.approx({"a": 2, "b": 1}, rel=1e-12)
    assert all(math.isnan(v) for v in fit.stderr.values())
    assert any("no standard errors" in w for w in fit.warnings)


def test_parameters_the_data_cannot_separate_have_no_standard_errors():
    fit = fit_formula("a b x", "x", [1, 2, 3], [2, 4, 6], {"a": 1, "b": 1})
    assert fit.converged
    assert all(math.isnan(v) for v in fit.stderr.values())
    assert any("cannot tell" in w for w in fit.warnings)


# --- Bad data and bad requests: one sentence each ----------------------------


@pytest.mark.parametrize(
    "x, y, match",
    [
        ([1, 2, float("nan")], [1, 2, 3], "finite"),
        ([1, 2, 3], [1, float("inf"), 3], "finite"),
        ([1], [2], "1 row cannot fit 2 parameters"),
        ([1, 2], [1], "pairs"),
    ],
)
def test_bad_data_is_refused_with_a_sentence(x, y, match):
    with pytest.raises(FitError, match=match):
        fit_formula("a x + b", "x", x, y, {"a": 1, "b": 0})


def test_unknown_and_missing_parameters_are_named():
    with pytest.raises(FitError, match="q is not a parameter.*are a, b"):
        fit_formula("a x + b", "x", [1, 2, 3], [1, 2, 3], {"q": 1})
    with pytest.raises(FitError, match="Give a value for b"):
        fit_formula("a x + b", "x", [1, 2, 3], [1, 2, 3], {"a": 1})
    with pytest.raises(FitError, match="at least one"):
        fit_formula("a x + b", "x", [1, 2, 3], [1, 2, 3], {})


def test_start_value_outside_its_range_is_refused():
    with pytest.raises(FitError, match="outside its range"):
        fit_formula("a x", "x", [1, 2], [1, 2], {"a": 5}, bounds={"a": (0, 1)})


def test_hostile_formula_text_is_refused_by_the_parser():
    for text in ("__import__('os').system('true')", "x.real", "lambda: 1", "a; b"):
        with pytest.raises(ValueError):
            fit_formula(text, "x", [1, 2, 3], [1, 2, 3], {"a": 1})


def test_a_formula_not_finite_at_the_start_values_says_so():
    with pytest.raises(FitError, match="not a finite number"):
        fit_formula("log(a x)", "x", [1, 2, 3], [1, 2, 3], {"a": -1})


def test_a_fit_that_does_not_converge_keeps_the_start_values(monkeypatch):
    monkeypatch.setattr(fitting, "MAX_EVALUATIONS", 2)
    fit = fit_formula("S(1 - exp(-k h))", "h", HOURS, study_data(), {"S": 5, "k": 3})
    assert not fit.converged
    assert fit.params == {"S": 5.0, "k": 3.0}
    assert "did not converge" in fit.message and "start values are kept" in fit.message


# --- Declarations and slider values -------------------------------------------


def test_study_time_declares_its_score_curve_and_the_fit_sets_its_sliders():
    import scenarios

    study = scenarios.get("study_time")
    declared = fitting.data_fit_of(study)
    assert declared.variable == "hours"
    assert declared.fit == ("max_score", "learning_speed")
    fit = fit_formula(
        declared.formula,
        declared.variable,
        HOURS,
        study_data(),
        {"max_score": 100.0, "learning_speed": 0.3},
        bounds={"max_score": (10, 100), "learning_speed": (0.05, 1)},
    )
    values, _ = tight_curve_fit(study_score, HOURS, study_data(), (90, 0.3))
    assert fit.params["max_score"] == pytest.approx(values[0], rel=1e-6)
    sliders = fitting.slider_values(study, fit.params)
    # Steps of 1 point and 0.01 per hour.
    assert sliders.params == {
        "max_score": round(values[0]),
        "learning_speed": round(values[1], 2),
    }


def test_slider_values_clip_to_the_range_and_skip_unknown_names():
    import scenarios

    study = scenarios.get("study_time")
    sliders = fitting.slider_values(study, {"max_score": 250.0, "q": 1.0})
    assert sliders.params == {"max_score": 100.0}
    assert any("outside the slider's range" in n for n in sliders.notices)
    assert any("q has no slider" in n for n in sliders.notices)


def test_scenarios_without_data_have_no_data_fit():
    import scenarios

    assert fitting.data_fit_of(scenarios.get("fuel_efficiency")) is None


def test_a_typed_model_fits_its_own_formula():
    import scenarios

    model = scenarios.from_formula(
        "a x^2 + b", variable="x", domain=(0, 1), params={"a": 1, "b": 2}
    )
    declared = fitting.data_fit_of(model)
    assert declared.formula == "a x^2 + b" and set(declared.fit) == {"a", "b"}


def test_evaluate_formula_draws_the_curve():
    y = fitting.evaluate_formula("a x + log(x)", "x", {"a": 2}, [1.0, -1.0])
    assert y[0] == pytest.approx(2.0, rel=1e-15) and math.isnan(y[1])
    with pytest.raises(FitError, match="Give a value for a"):
        fitting.evaluate_formula("a x", "x", {}, [1.0])
