"""Issues 20, 24.3, 24.4 on the command line: pasted characters, Greek names,
aliases, refusals that name the right role, and the syntax in ``--help``."""

import json

import pytest

from scenarios.cli import main
from scenarios.formula.syntax import syntax_help_text
from scenarios.formula.vocabulary import FUNCTIONS, MAX_LENGTH, MAX_NESTING


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def derived(capsys, formula, *more):
    code, out, err = run(capsys, "derive", "--formula", formula, *more, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(
    ("formula", "f", "df"),
    [
        ("x²", "x**2", "2*x"),
        ("√x", "sqrt(x)", "1/(2*sqrt(x))"),
        ("2×x", "2*x", "2"),
        ("3−x", "3 - x", "-1"),
        ("2πx", "2*pi*x", "2*pi"),
        ("x³ − 2x", "x**3 - 2*x", "3*x**2 - 2"),
        ("x⁻¹", "1/x", "-1/x**2"),
        ("arcsin(x)", "asin(x)", "1/sqrt(1 - x**2)"),
        ("arctan(x)", "atan(x)", "1/(x**2 + 1)"),
        ("E x + e", "E*x + e", "E"),
    ],
)
def test_derive_reads_pasted_characters_and_aliases(capsys, formula, f, df):
    data = derived(capsys, formula)
    assert (data["f"], data["df"]) == (f, df)


def test_derive_with_lambda_as_a_parameter_and_as_the_variable(capsys):
    data = derived(
        capsys, "A e^(-lambda t)", "--variable", "t", "--set", "lambda=0.5",
        "--set", "A=2", "--at", "0",
    )  # fmt: skip
    assert data["f"] == "A*exp(-lambda*t)"
    assert data["df"] == "-A*lambda*exp(-lambda*t)"
    assert data["at"] == [{"x": 0.0, "f": 2.0, "df": -1.0, "d2f": 0.5}]
    code, out, _ = run(capsys, "derive", "--formula", "lambda^2", "--variable=lambda")
    assert code == 0
    assert out.splitlines()[:2] == [
        "f(lambda)   = lambda**2",
        "f'(lambda)  = 2*lambda",
    ]


def test_solve_a_formula_typed_with_pasted_characters(capsys):
    code, out, _ = run(
        capsys, "solve", "--formula", "x³ − 3x", "--domain", "0,2", "--goal", "min",
        "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["x"] == pytest.approx(1.0, rel=1e-12)
    assert data["f"] == "x**3 - 3*x"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--formula", "x^2", "--variable", "print"], "cannot be the variable"),
        (["--formula", "x^2", "--variable", "lambda"], None),
        (["--formula", "2 print + x"], "cannot be a parameter"),
        (["--formula", "sine(x)"], "(did you mean sin?)"),
        (["--formula", "arcsinh(x)"], "write log(u + sqrt(u^2 + 1)) instead"),
        (["--formula", "rate(x + 1)"], "to multiply, write rate*(…)"),
        (["--formula", "\u0430 x"], "(U+0430 CYRILLIC SMALL LETTER A) at position 1"),
        (["--formula", "x — 1"], "(U+2014 EM DASH) at position 3"),
    ],
)
def test_refusals_are_one_line_naming_the_role_and_the_character(capsys, argv, words):
    code, _, err = run(capsys, "derive", *argv)
    if words is None:
        assert code == 0
        return
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1
    assert words in err


def test_derive_help_shows_the_syntax(capsys):
    with pytest.raises(SystemExit) as info:
        main(["derive", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    assert syntax_help_text() in out
    assert all(name in out for name in FUNCTIONS)
    assert f"{MAX_LENGTH} characters" in out and f"{MAX_NESTING} deep" in out
    assert "x²" in out and "√x" in out and "×" in out


def test_solve_help_points_at_the_syntax(capsys):
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    assert "derive --help" in " ".join(capsys.readouterr().out.split())
