"""Issue 20's corpus through the API and the CLI: optima, kinks, one sentence.

Every row of :mod:`tests.scenarios.formula.singular_corpus` is solved by
``from_formula`` + ``solve`` with every warning turned into an error, then by
``scenarios.cli.main`` (text and ``--json``), whose stderr must hold exactly
the one sentence and nothing else; a few rows also run in a fresh
interpreter with Python's default warning filters.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import scenarios
from scenarios.cli import main
from scenarios.formatting import number
from tests.scenarios.formula.singular_corpus import OPTIMA, REFUSALS, ROWS, Row

ROOT = Path(__file__).resolve().parents[3]
TOL = 1e-12
"""Closed forms are met to 1e-12 relative (absolute where they are 0)."""


def _solve(row: Row) -> scenarios.Solution:
    sc = scenarios.from_formula(
        row.formula,
        variable=row.variable,
        domain=row.domain,
        goal=row.goal,
        params=dict(row.params),
    )
    return scenarios.solve(sc)


def _args(row: Row) -> list[str]:
    args = ["solve", "--formula", row.formula, "--domain", ",".join(row.domain)]
    args += ["--goal", row.goal[:3], "--variable", row.variable]
    for name, value in row.params:
        args += ["--set", f"{name}={value:g}"]
    return args


def _close(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=TOL, abs_tol=TOL)


def test_the_corpus_covers_the_issue():
    typed = {r.formula for r in ROWS}
    assert {"sqrt(x)*(10 - x)", "log(x - 5)", "exp(exp(exp(exp(x))))"} <= typed
    assert {"abs(x - 3) + 0.5x", "min(x, 4 - x)", "max(x, 2 - x)"} <= typed
    assert {"1/(x - 2)", "tan(x)", "sin(x)/x", "x^0.5", "x*log(x)"} <= typed
    assert {"e^x", "exp(x)", "x² − 4x", "2×x", "3−x", "2πx"} <= typed
    assert any("defined nowhere" in r.refusal for r in REFUSALS)
    assert any(name == "lambda" for r in ROWS for name, _ in r.params)


@pytest.mark.parametrize("row", OPTIMA, ids=lambda r: r.id)
def test_each_optimum_matches_its_hand_worked_value(row: Row):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not one numpy or SymPy warning
        sol = _solve(row)
    assert _close(sol.x, row.x) and _close(sol.value, row.value), (sol.x, sol.value)
    assert sol.kind == row.kind
    assert sol.notes == row.notes
    if row.slopes is not None:
        assert _close(sol.left_slope, row.slopes[0])
        assert _close(sol.right_slope, row.slopes[1])
        assert math.isnan(sol.second_derivative)  # f'' does not exist at a kink
    else:
        assert math.isnan(sol.left_slope) and math.isnan(sol.right_slope)


@pytest.mark.parametrize("row", REFUSALS, ids=lambda r: r.id)
def test_no_optimum_is_one_sentence(row: Row):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(scenarios.DomainError) as info:
            _solve(row)
    assert str(info.value) == row.refusal


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_the_cli_prints_the_optimum_or_exactly_one_sentence(row: Row, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status = main(_args(row))
    out, err = capsys.readouterr()
    if row.refusal:
        assert (status, out, err) == (2, "", f"error: {row.refusal}\n")
        return
    assert status == 0 and err == ""
    lines = out.splitlines()
    for note in row.notes:
        assert f"  note: {note}" in lines
    if row.slopes is not None:
        jump = f"f′ jumps from {number(row.slopes[0])} to {number(row.slopes[1])}"
        assert f"  kind: kink ({jump}; f″ does not exist there)" in lines
        assert "f″(x*)" not in out
    else:
        assert any(line.startswith(f"  kind: {row.kind}") for line in lines)


@pytest.mark.parametrize("row", OPTIMA, ids=lambda r: r.id)
def test_the_json_carries_the_kind_the_slopes_and_the_notes(row: Row, capsys):
    assert main([*_args(row), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    payload = json.loads(out)
    assert _close(payload["x"], row.x) and _close(payload["value"], row.value)
    assert payload["kind"] == row.kind and payload["notes"] == list(row.notes)
    if row.slopes is not None:
        assert payload["second_derivative"] is None
        assert _close(payload["left_slope"], row.slopes[0])
        assert _close(payload["right_slope"], row.slopes[1])
    else:
        assert "left_slope" not in payload


FRESH = [
    next(r for r in ROWS if r.formula == f and r.goal == g)
    for f, g in (
        ("sqrt(x)*(10 - x)", "maximize"),
        ("sin(x)/x", "maximize"),
        ("1/(x - 2)", "maximize"),
        ("exp(exp(exp(exp(x))))", "maximize"),
        ("log(x - 5)", "maximize"),
    )
]


@pytest.mark.parametrize("row", FRESH, ids=lambda r: r.id)
def test_a_fresh_process_prints_no_warning_text(row: Row):
    # Python's default warning filters: a numpy RuntimeWarning would print.
    run = subprocess.run(
        [sys.executable, "-m", "scenarios", *_args(row)],
        capture_output=True, text=True, cwd=ROOT, timeout=180,
    )  # fmt: skip
    if row.refusal:
        assert (run.returncode, run.stdout) == (2, "")
        assert run.stderr == f"error: {row.refusal}\n"
    else:
        assert (run.returncode, run.stderr) == (0, "")
        assert all(f"note: {note}" in run.stdout for note in row.notes)


def test_no_parameters_no_empty_list_in_a_refusal():
    # "adjust ." named an empty list of parameters; a formula without any
    # says where f fails instead.
    sc = scenarios.Scenario.from_functions(
        lambda x: x * math.nan, lambda x: x * math.nan, lambda x: x * math.nan,
        (0.0, 1.0),
    )  # fmt: skip
    with pytest.raises(scenarios.DomainError) as info:
        scenarios.solve(sc)
    assert "adjust" not in str(info.value)
    assert str(info.value).endswith(".") and " ." not in str(info.value)
