"""``python -m scenarios descend``: the path, the status, and clean failures."""

import json
import subprocess
import sys

import pytest

from scenarios.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_descend_json_gives_the_hand_path_for_recommendation(capsys):
    code, out, err = run(
        capsys,
        "descend",
        "recommendation_tuning",
        "--start",
        "0.2",
        "--lr",
        "0.1",
        "--steps",
        "10",
        "--json",
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["status"] == "max_steps"
    assert data["direction"] == "descent"
    assert len(data["steps"]) == 11
    for n, step in enumerate(data["steps"]):
        assert set(step) == {"step", "x", "value", "derivative"}
        gap = 0.6 * 0.8**n  # α_n = 0.8 - 0.6 · 0.8ⁿ
        assert step["step"] == n
        assert step["x"] == pytest.approx(0.8 - gap, rel=1e-12)
        assert step["value"] == pytest.approx(gap**2 + 0.1, rel=1e-12)
        assert step["derivative"] == pytest.approx(-2 * gap, rel=1e-12)


def test_descend_text_prints_a_table_and_the_status(capsys):
    code, out, _ = run(
        capsys, "descend", "recommendation_tuning", "--start", "0.2", "--lr", "0.1"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split() == ["step", "alpha", "f(x)", "f\u2032(x)"]
    assert lines[3].split()[:2] == ["0", "0.2"]
    assert lines[4].split()[:2] == ["1", "0.32"]
    assert "status: converged" in out


def test_descend_reports_divergence(capsys):
    # Rate 1.25: α₁ = 0.2 + 1.25 · 1.2 = 1.7, α₂ = 1.7 - 1.25 · 1.8 = -0.55: out.
    code, out, _ = run(
        capsys,
        "descend",
        "recommendation_tuning",
        "--start",
        "0.2",
        "--lr",
        "1.25",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["status"] == "diverged"
    assert [s["x"] for s in data["steps"]] == [0.2, pytest.approx(1.7)]
    assert data["escaped_to"] == pytest.approx(-0.55)
    assert "lower the learning rate" in data["message"]


def test_descend_reports_leaving_the_domain(capsys):
    code, out, _ = run(
        capsys, "descend", "compound_growth", "--start", "10", "--lr", "0.002"
    )
    assert code == 0
    assert "status: left_domain" in out


def test_descend_ascends_for_a_maximisation_and_takes_overrides(capsys):
    # Unit cost 30: f' = 1300 + 10·30 - 20 p = 1600 - 20 p, peak at 80.
    code, out, _ = run(
        capsys,
        "descend",
        "headphone_pricing",
        "--start",
        "40",
        "--lr",
        "0.05",
        "--set",
        "unit_cost=30",
        "--json",
    )
    data = json.loads(out)
    assert data["direction"] == "ascent"
    assert data["status"] == "converged"
    assert data["x"] == pytest.approx(80.0)
    assert data["params"]["unit_cost"] == 30.0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["descend", "nope", "--start", "1", "--lr", "1"], "unknown scenario"),
        (
            ["descend", "recommendation_tuning", "--start", "5", "--lr", "0.1"],
            "outside the range",
        ),
        (
            ["descend", "recommendation_tuning", "--start", "0.2", "--lr", "-1"],
            "--lr must be positive",
        ),
        (
            ["descend", "recommendation_tuning", "--start", "0.2", "--lr", "fast"],
            "--lr must be a number",
        ),
        (
            ["descend", "recommendation_tuning", "--start", "nan", "--lr", "0.1"],
            "--start must be a finite number",
        ),
        (
            ["descend", "recommendation_tuning", "--start", "0.2", "--lr", "0.1"]
            + ["--steps", "0"],
            "--steps must be a whole number",
        ),
        (
            ["descend", "recommendation_tuning", "--start", "0.2", "--lr", "0.1"]
            + ["--steps", "2.5"],
            "--steps must be a whole number",
        ),
        (["descend", "recommendation_tuning", "--start", "0.2"], "--lr"),
        (
            ["descend", "recommendation_tuning", "--start", "0.2", "--lr", "0.1"]
            + ["--set", "best_alpha=9"],
            "outside its range",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert message in err


def test_descend_runs_as_a_module_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "scenarios", "descend", "single_neuron"]
        + ["--start", "0", "--lr", "1e308", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "diverged"
    assert "Traceback" not in result.stderr
