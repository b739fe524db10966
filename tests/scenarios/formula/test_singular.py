"""The singular corpus through the API and the CLI: optima, kinks, one sentence."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import scenarios
from scenarios.cli import main
from tests.scenarios.formula.singular_corpus import KINKS, NOTES, OPTIMA, SENTENCES

ROOT = Path(__file__).resolve().parents[3]


def _solve(formula, domain, goal):
    sc = scenarios.from_formula(formula, domain=domain, goal=goal)
    return scenarios.solve(sc)


@pytest.mark.parametrize("row", OPTIMA, ids=[r[0] for r in OPTIMA])
def test_each_optimum_matches_its_hand_worked_value(row):
    key, formula, domain, goal, (x, f) = row
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not one numpy or SymPy warning
        solution = _solve(formula, domain, goal)
    assert solution.x == pytest.approx(x, rel=1e-12, abs=1e-12)
    assert solution.value == pytest.approx(f, rel=1e-12, abs=1e-12)
    if key in NOTES:
        assert any(NOTES[key] in note for note in solution.notes), solution.notes


@pytest.mark.parametrize("row", KINKS, ids=[r[0] for r in KINKS])
def test_a_kink_is_reported_with_its_one_sided_slopes(row, capsys):
    _, formula, domain, goal, (x, f), (left, right) = row
    solution = _solve(formula, domain, goal)
    assert solution.kind == "kink"
    assert (solution.x, solution.value) == pytest.approx((x, f), rel=1e-12)
    assert (solution.left_slope, solution.right_slope) == pytest.approx(
        (left, right), rel=1e-12
    )
    args = ["solve", "--formula", formula, "--domain", ",".join(domain)]
    assert main([*args, "--goal", goal, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["kind"] == "kink" and payload["second_derivative"] is None
    assert (payload["left_slope"], payload["right_slope"]) == pytest.approx(
        (left, right)
    )
    assert main([*args, "--goal", goal]) == 0
    text = capsys.readouterr().out
    assert "kind: kink" in text and "f″(x*) =" not in text


@pytest.mark.parametrize("row", SENTENCES, ids=[r[0] for r in SENTENCES])
def test_no_optimum_is_one_sentence_through_api_and_cli(row, capsys):
    _, formula, domain, goal, sentence = row
    with pytest.raises(scenarios.ScenarioError) as caught:
        _solve(formula, domain, goal)
    assert str(caught.value).startswith(sentence)
    args = ["solve", "--formula", formula, "--domain", ",".join(domain)]
    assert main([*args, "--goal", goal]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {sentence}")
    assert captured.err.count("\n") == 1


@pytest.mark.parametrize(
    "row", [OPTIMA[0], OPTIMA[5], SENTENCES[0], SENTENCES[3]], ids=lambda r: r[0]
)
def test_the_cli_prints_no_warning_text_in_a_fresh_process(row):
    # A fresh interpreter, with Python's default warning filters.
    _, formula, domain, goal, _ = row
    run = subprocess.run(
        [sys.executable, "-m", "scenarios", "solve", "--formula", formula,
         "--domain", ",".join(domain), "--goal", goal],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert "Warning" not in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.count("\n") <= 1
