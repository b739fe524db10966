import json

import pytest

from scenarios.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_lesson_scenario(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert "headphone_pricing" in out and "Headphone pricing" in out


def test_solve_json_has_the_documented_keys(capsys):
    code, out, _ = run(
        capsys, "solve", "uber_surge", "--set", "demand_multiplier=2", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "scenario",
        "params",
        "variable",
        "x",
        "value",
        "kind",
        "on_boundary",
        "second_derivative",
        "stationary_points",
        "notes",
    }
    assert data["notes"] == []
    assert data["x"] == pytest.approx(201.0)
    assert data["params"] == {
        "base_rides": 1000.0,
        "price_sensitivity": 5.0,
        "cost_per_ride": 2.0,
        "demand_multiplier": 2.0,
    }
    assert data["stationary_points"] == [
        {"x": pytest.approx(201.0), "value": pytest.approx(198005.0), "kind": "maximum"}
    ]


def test_solve_text_shows_the_headline(capsys):
    code, out, _ = run(capsys, "solve", "headphone_pricing")
    assert code == 0
    assert "best price: $75.00\n" in out
    assert "monthly profit there: $30,250\n" in out


def test_table_rows_for_points_and_optimum(capsys):
    code, out, _ = run(capsys, "table", "headphone_pricing", "--at", "30,100", "--json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert [r["advice"] for r in rows] == ["increase", "decrease", "optimal"]
    assert [r["gap"] for r in rows] == [20250.0, 6250.0, 0.0]
    assert rows[0]["customers"] == 1000.0


def test_seek_x_and_param(capsys):
    code, out, _ = run(capsys, "seek", "compound_growth", "--target", "20000", "--json")
    assert code == 0
    assert json.loads(out)["x"] == [pytest.approx(13.862943611198906)]
    code, out, _ = run(
        capsys,
        "seek",
        "compound_growth",
        "--target",
        "20000",
        "--param",
        "annual_rate",
        "--at",
        "10",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["param"] == "annual_rate" and data["at"] == 10.0
    assert data["value"] == pytest.approx(0.0693147180559945)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["solve", "nope"], "unknown scenario 'nope'"),
        (["solve", "headphone_pricing", "--set", "unit_cost=abc"], "must be a number"),
        (["solve", "headphone_pricing", "--set", "unit_cost=500"], "outside its range"),
        (["solve", "headphone_pricing", "--set", "colour=1"], "no parameter 'colour'"),
        (["solve", "headphone_pricing", "--set", "unit_cost"], "NAME=VALUE"),
        (
            [
                "solve",
                "headphone_pricing",
                "--set",
                "unit_cost=100",
                "--set",
                "demand_intercept=100",
            ],
            "No feasible price",
        ),
        (["seek", "headphone_pricing", "--target", "1e9"], "never reaches"),
        (["seek", "headphone_pricing", "--target", "ten"], "--target must be a number"),
        (["table", "headphone_pricing", "--at", "3,x"], "--at must be a number"),
        (["frobnicate"], "invalid choice"),
        (["solve"], "required"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err
    assert "Traceback" not in err


def test_module_entry_point_runs_in_a_fresh_interpreter():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "scenarios", "solve", "study_burnout", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["x"] == pytest.approx(6.0)
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "scenarios",
            "solve",
            "study_burnout",
            "--set",
            "gain=-1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: gain = -1 is outside its range 0 to 40"
