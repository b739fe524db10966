"""``solve --formula`` and ``derive`` on the command line."""

import json

import pytest

from scenarios.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_solve_formula_json_has_the_solve_keys_plus_formula_text(capsys):
    code, out, _ = run(
        capsys, "solve", "--formula", "(p - c)(a - b p)", "--variable", "p",
        "--domain", "c,a/b", "--set", "a=1300", "--set", "b=10", "--set", "c=20",
        "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    _, catalog_out, _ = run(capsys, "solve", "headphone_pricing", "--json")
    assert set(data) == set(json.loads(catalog_out)) | {"f", "df", "d2f"}
    assert data["x"] == pytest.approx(75.0, rel=1e-12)
    assert data["value"] == pytest.approx(30250.0, rel=1e-12)
    assert data["variable"] == "p" and data["kind"] == "maximum"
    assert data["params"] == {"c": 20.0, "a": 1300.0, "b": 10.0}
    assert data["d2f"] == "-2*b"


def test_solve_formula_minimize_with_formula_domain_ends(capsys):
    code, out, _ = run(
        capsys, "solve", "--formula", "q x^2 - s x + F", "--domain", "0, min(20, 2 s)",
        "--goal", "minimize", "--set", "q=1", "--set", "s=10", "--set", "F=100",
        "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["x"] == pytest.approx(5.0) and data["value"] == 75.0


def test_derive_json_at_points(capsys):
    code, out, _ = run(
        capsys, "derive", "--formula", "(3x+1)^5", "--at", "0,2", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"f", "df", "d2f", "at"}
    assert data["df"] == "15*(3*x + 1)**4"
    assert data["at"][1] == {"x": 2.0, "f": 16807.0, "df": 36015.0, "d2f": 61740.0}
    assert data["at"][0]["df"] == 15.0


def test_derive_with_parameters_and_text_output(capsys):
    code, out, _ = run(
        capsys, "derive", "--formula", "a t^2 e^(-t)", "--variable", "t",
        "--set", "a=2", "--at", "1",
    )  # fmt: skip
    assert code == 0
    assert "f'(t)" in out and "f''(t)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "--formula", "x +", "--domain", "0,1"],
        ["solve", "--formula", "x", "--domain", "0"],
        ["solve", "--formula", "x"],
        ["solve"],
        ["solve", "headphone_pricing", "--formula", "x", "--domain", "0,1"],
        ["solve", "--formula", "x", "--domain", "1,0"],
        ["solve", "--formula", "a x", "--domain", "0,1", "--set", "a=zz"],
        ["derive", "--formula", "eval(x)"],
        ["derive", "--formula", "x", "--at", "one"],
        ["derive", "--formula", "a x", "--set", "b=1"],
        ["derive", "--formula", "9^9^9^9"],
    ],
)
def test_bad_formula_input_exits_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1


def test_a_parameter_named_x_works_when_the_variable_is_another_name(capsys):
    # f(k) = k x^2 / 2 with x = 3: on [0, 10] the maximum is at k = 10, f = 45.
    code, out, err = run(
        capsys, "solve", "--formula", "1/2*k*x^2", "--variable", "k",
        "--domain", "0,10", "--set", "x=3", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["x"] == pytest.approx(10.0, rel=1e-12)
    assert data["value"] == pytest.approx(45.0, rel=1e-12)
    assert data["params"] == {"x": 3.0}


def test_derive_at_a_point_with_a_parameter_named_x(capsys):
    # f(t) = a x t: f'(t) = a x = 2 * 5 = 10 at every t.
    code, out, err = run(
        capsys, "derive", "--formula", "a*x*t", "--variable", "t", "--at", "1",
        "--set", "a=2", "--set", "x=5", "--json",
    )  # fmt: skip
    assert code == 0, err
    point = json.loads(out)["at"][0]
    assert (point["f"], point["df"], point["d2f"]) == (10.0, 10.0, 0.0)


@pytest.mark.parametrize(
    "argv",
    [
        ["--formula", "-x^2+3x", "--domain", "-3,3"],
        ["--formula=-x^2+3x", "--domain=-3,3"],
        ["--formula", "-x^2+3x", "--domain=-3,3"],
    ],
)
def test_a_value_may_start_with_a_minus_in_either_form(capsys, argv):
    # f = -x^2 + 3x: f' = -2x + 3 = 0 at x = 3/2, f = -9/4 + 9/2 = 9/4.
    code, out, err = run(capsys, "solve", *argv, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["x"] == pytest.approx(1.5, rel=1e-12)
    assert data["value"] == pytest.approx(2.25, rel=1e-12)


def test_a_negative_domain_end_is_the_end_searched(capsys):
    # -x^2 is lowest at the ends of [-3, 3], both -9; the lower end is reported.
    code, out, err = run(
        capsys, "solve", "--formula", "-x^2", "--domain", "-3,3",
        "--goal", "minimize", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert (data["x"], data["value"], data["on_boundary"]) == (-3.0, -9.0, True)


def test_derive_takes_a_formula_and_a_point_that_start_with_a_minus(capsys):
    # f = -x^3: f'(-2) = -3 * 4 = -12.
    code, out, err = run(capsys, "derive", "--formula", "-x^3", "--at", "-2", "--json")
    assert code == 0, err
    point = json.loads(out)["at"][0]
    assert (point["x"], point["f"], point["df"]) == (-2.0, 8.0, -12.0)


def test_an_option_after_an_option_is_still_a_missing_value(capsys):
    code, _, err = run(capsys, "solve", "--formula", "--json")
    assert code == 2
    assert "--formula: expected one argument" in err


@pytest.mark.parametrize(
    ("goal", "x", "value"),
    [("max", 3.0, 3.0), ("min", 1.0, -1.0), ("MAXIMIZE", 3.0, 3.0)],
)
def test_goal_takes_max_and_min_beside_the_full_words(capsys, goal, x, value):
    # x^2 - 2x on [0, 3]: lowest at x = 1 (f = -1), highest at the end 3 (f = 3).
    code, out, err = run(
        capsys, "solve", "--formula", "x^2-2x", "--domain", "0,3",
        "--goal", goal, "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert (data["x"], data["value"]) == pytest.approx((x, value), rel=1e-12)
