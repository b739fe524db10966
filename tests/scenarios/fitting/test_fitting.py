"""Least-squares fits of a typed formula's parameters, checked against curve_fit."""

import math
import warnings

import numpy as np
import pytest
from scipy.optimize import curve_fit

from scenarios.fitting import formulas
from scenarios.fitting import least_squares as fitting
from scenarios.fitting.formulas import fit_formula, formula_model
from scenarios.fitting.least_squares import FitError, least_squares_fit

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
    declared = formulas.data_fit_of(study)
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
    sliders = formulas.slider_values(study, fit.params)
    # Steps of 1 point and 0.01 per hour.
    assert sliders.params == {
        "max_score": round(values[0]),
        "learning_speed": round(values[1], 2),
    }


def test_slider_values_clip_to_the_range_and_skip_unknown_names():
    import scenarios

    study = scenarios.get("study_time")
    sliders = formulas.slider_values(study, {"max_score": 250.0, "q": 1.0})
    assert sliders.params == {"max_score": 100.0}
    assert any("outside the slider's range" in n for n in sliders.notices)
    assert any("q has no slider" in n for n in sliders.notices)


def test_scenarios_without_data_have_no_data_fit():
    import scenarios

    assert formulas.data_fit_of(scenarios.get("fuel_efficiency")) is None


def test_a_typed_model_fits_its_own_formula():
    import scenarios

    model = scenarios.from_formula(
        "a x^2 + b", variable="x", domain=(0, 1), params={"a": 1, "b": 2}
    )
    declared = formulas.data_fit_of(model)
    assert declared.formula == "a x^2 + b" and set(declared.fit) == {"a", "b"}


def test_evaluate_formula_draws_the_curve():
    y = formulas.evaluate_formula("a x + log(x)", "x", {"a": 2}, [1.0, -1.0])
    assert y[0] == pytest.approx(2.0, rel=1e-15) and math.isnan(y[1])
    with pytest.raises(FitError, match="Give a value for a"):
        formulas.evaluate_formula("a x", "x", {}, [1.0])


# --- A fit that fails from its start values: further starts -------------------

# NIST StRD BoxBOD: y = b1 (1 - exp(-b2 x)). From start 1 (b1 = b2 = 1) the
# rate runs off and the curve goes flat at the mean of y; the certified fit
# (reached from start 2, b1 = 100, b2 = 0.75) has b1 = 213.80940889,
# b2 = 0.54723748542 and a residual sum of squares of 1.1680088766E+03.
BOXBOD_X = [1, 2, 3, 5, 7, 10]
BOXBOD_Y = [109, 149, 149, 191, 213, 224]
BOXBOD = "b1*(1-exp(-b2*x))"


def test_boxbod_from_start_1_reaches_the_certified_fit_from_further_starts():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_formula(BOXBOD, "x", BOXBOD_X, BOXBOD_Y, {"b1": 1, "b2": 1})
    assert fit.converged
    assert fit.params["b1"] == pytest.approx(213.80940889, rel=1e-6)
    assert fit.params["b2"] == pytest.approx(0.54723748542, rel=1e-6)
    assert fit.rss == pytest.approx(1.1680088766e03, rel=1e-9)
    assert fit.start == {"b1": 1.0, "b2": 1.0}
    assert fit.starts == 1 + fitting.RETRY_STARTS
    assert fit.warnings[0] == (
        "The fit from your start values stayed flat; the best of "
        f"{fitting.RETRY_STARTS} other starts is shown."
    )


def test_a_good_fit_is_not_tried_again():
    fit = fit_formula(BOXBOD, "x", BOXBOD_X, BOXBOD_Y, {"b1": 100, "b2": 0.75})
    assert fit.params["b1"] == pytest.approx(213.80940889, rel=1e-6)
    assert fit.starts == 1 and fit.warnings == ()


def test_a_fit_that_does_not_converge_is_tried_from_further_starts():
    # NIST StRD MGH09 from 3 times its start 1 (25, 39, 41.5, 39): the
    # optimiser runs out of evaluations; certified b1 = 1.9280693458E-01,
    # b2 = 1.9128232873E-01, b3 = 1.2305650693E-01, b4 = 1.3606233068E-01.
    x = [4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625]
    y = [0.1957, 0.1947, 0.1735, 0.16, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323,
         0.0235, 0.0246]  # fmt: skip
    start = {"b1": 75, "b2": 117, "b3": 124.5, "b4": 117}
    fit = fit_formula("b1*(x^2+x*b2)/(x^2+x*b3+b4)", "x", x, y, start)
    certified = {"b1": 0.19280693458, "b2": 0.19128232873, "b3": 0.12305650693,
                 "b4": 0.13606233068}  # fmt: skip
    assert fit.converged
    assert fit.params == pytest.approx(certified, rel=1e-5)
    assert "did not converge; the best of" in fit.warnings[0]


def test_further_starts_spread_over_a_parameter_range():
    # A bump of height a at x = c, started 45 away from the data: the curve
    # is 0 at every row, no better than a flat line, until a start within
    # the range 0 to 100 lands near the peak.
    x = np.linspace(0.0, 10.0, 21)
    y = 3.0 * np.exp(-((x - 5.0) ** 2))
    fit = fit_formula(
        "a exp(-(x - c)^2)",
        "x",
        x,
        y,
        {"a": 1.0, "c": 50.0},
        bounds={"a": (0.1, 10), "c": (0, 100)},
    )
    assert fit.params == pytest.approx({"a": 3.0, "c": 5.0}, rel=1e-9)
    assert fit.starts > 1 and "stayed flat" in fit.warnings[0]
    starts = fitting.spread_starts(
        np.array([1.0, 50.0]), np.array([0.1, 0.0]), np.array([10.0, 100.0])
    )
    assert starts.shape == (fitting.RETRY_STARTS, 2)
    assert ((starts >= [0.1, 0.0]) & (starts <= [10.0, 100.0])).all()
    # Log-spaced over 0.1 to 10, linear over 0 to 100: both ends reached.
    assert starts[:, 0].min() < 0.3 and starts[:, 0].max() > 3
    assert starts[:, 1].min() < 20 and starts[:, 1].max() > 80


def test_further_starts_without_a_range_spread_over_scales_around_the_start():
    starts = fitting.spread_starts(
        np.array([2.0, -5.0, 0.0]), np.full(3, -np.inf), np.full(3, np.inf)
    )
    assert (starts[:, 0] > 0).all() and (starts[:, 1] < 0).all()
    assert (starts[:, 2] < 0).any() and (starts[:, 2] > 0).any()
    ratio = np.log10(np.abs(starts[:, :2]) / [2.0, 5.0])
    assert (np.abs(ratio) <= fitting.SPREAD_DECADES).all()
    assert ratio.min() < -1 and ratio.max() > 1
    again = fitting.spread_starts(
        np.array([2.0, -5.0, 0.0]), np.full(3, -np.inf), np.full(3, np.inf)
    )
    assert (starts == again).all()


def test_a_fit_no_start_can_make_says_it_failed_in_one_sentence():
    # A bump of height 1 cannot reach data between 109 and 224: wherever it
    # sits, the curve is no better than the flat line at the mean of y.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_formula("exp(-(x - c)^2)", "x", BOXBOD_X, BOXBOD_Y, {"c": 100})
    assert not fit.converged
    assert fit.params == {"c": 100.0}
    assert fit.message == (
        "The fit failed from these start values (the curve stayed flat, no "
        "better than a constant at the mean of y) and from "
        f"{fitting.RETRY_STARTS} other starts; try other start values or "
        "another formula."
    )


def test_a_flat_fit_to_constant_data_has_not_failed():
    fit = fit_formula("a x + b", "x", [1, 2, 3, 4], [5, 5, 5, 5], {"a": 1, "b": 0})
    assert fit.converged and fit.starts == 1 and math.isnan(fit.r2)
    assert fit.params == pytest.approx({"a": 0.0, "b": 5.0}, abs=1e-12)
