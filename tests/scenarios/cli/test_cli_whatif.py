"""The what-if commands: sweep, fit-demand, cases list and export."""

import csv
import io
import json

import pytest

from scenarios.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "cases.sqlite3"
    monkeypatch.setenv("SCENARIOS_DB", str(path))
    return path


def test_one_way_sweep_json_follows_half_the_unit_cost(capsys):
    code, out, _ = run(
        capsys,
        "sweep",
        "headphone_pricing",
        "--param",
        "unit_cost",
        "--points",
        "5",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    # 0, 25, 50, 75, 100 plus the current 20.
    assert data["values"] == [0, 20, 25, 50, 75, 100]
    assert data["x"] == pytest.approx([(130 + c) / 2 for c in data["values"]])
    assert data["current"] == 20


def test_one_way_sweep_text_marks_the_current_value(capsys):
    code, out, _ = run(capsys, "sweep", "headphone_pricing", "--param", "unit_cost")
    assert code == 0
    line = next(row for row in out.splitlines() if "current" in row)
    assert line.split()[:3] == ["$20.00", "$75.00", "$30,250"]


def test_one_way_sweep_honours_set(capsys):
    code, out, _ = run(
        capsys,
        "sweep",
        "uber_surge",
        "--param",
        "cost_per_ride",
        "--set",
        "demand_multiplier=2",
        "--points",
        "2",
        "--json",
    )
    assert code == 0
    # m a / b = 400: p* = (400 + c)/2 at c = 0 and 50.
    assert json.loads(out)["x"] == pytest.approx([200, 201, 225])


def test_two_way_sweep_json_has_a_grid_with_nulls_where_infeasible(capsys):
    code, out, _ = run(
        capsys,
        "sweep",
        "headphone_pricing",
        "--param",
        "unit_cost",
        "--param",
        "demand_slope",
        "--points",
        "3",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["x_values"] == [0, 50, 100]
    assert data["y_values"] == [0.5, 25.25, 50]
    # Row b = 0.5, column c = 0: (1300 / 0.5 + 0) / 2 = 1300.
    assert data["x"][0][0] == pytest.approx(1300)
    # b = 50, c = 50: 1300 / 50 = 26 < 50, so no feasible price.
    assert data["x"][2][1] is None
    assert "1" in data["infeasible"]


def test_two_way_sweep_text_shows_blanks_and_why(capsys):
    code, out, _ = run(
        capsys,
        "sweep",
        "headphone_pricing",
        "--param",
        "unit_cost",
        "--param",
        "demand_slope",
        "--points",
        "3",
    )
    assert code == 0
    assert "No feasible price" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "nope", "--param", "x"],
        ["sweep", "headphone_pricing", "--param", "nope"],
        ["sweep", "headphone_pricing", "--param", "unit_cost", "--points", "1"],
        ["sweep", "headphone_pricing", "--param", "unit_cost", "--points", "x"],
        [
            "sweep",
            "headphone_pricing",
            "--param",
            "unit_cost",
            "--param",
            "demand_slope",
            "--points",
            "301",
        ],
        ["sweep", "headphone_pricing", "--param", "a", "--param", "b", "--param", "c"],
        [
            "sweep",
            "headphone_pricing",
            "--param",
            "unit_cost",
            "--set",
            "unit_cost=500",
        ],
        ["sweep", "headphone_pricing"],
    ],
)
def test_bad_sweep_input_exits_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error:")


def test_fit_demand_prints_intercept_slope_and_r2(capsys):
    code, out, _ = run(capsys, "fit-demand", "--obs", "30:1000,50:800,100:300")
    assert code == 0
    lines = dict(line.split() for line in out.splitlines())
    assert lines == {"intercept": "1,300", "slope": "\u221210", "r2": "1.000"}


def test_fit_demand_json_with_scenario_mapping(capsys):
    code, out, _ = run(
        capsys,
        "fit-demand",
        "--obs",
        "10:1960,50:1800,90:1640",
        "--scenario",
        "uber_surge",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["intercept"] == pytest.approx(2000)
    assert data["slope"] == pytest.approx(-4)
    assert data["r2"] == pytest.approx(1)
    assert data["params"] == pytest.approx(
        {"base_rides": 2000, "price_sensitivity": 4, "demand_multiplier": 1}
    )


def test_fit_demand_warns_on_a_rising_line(capsys):
    code, out, err = run(capsys, "fit-demand", "--obs", "10:100,20:200")
    assert code == 0
    assert "slope      10" in out
    assert "not negative" in err


@pytest.mark.parametrize(
    "obs", ["30:1000", "30:1000,30:900", "30-1000", "x:1", "30:-5", ""]
)
def test_fit_demand_bad_input_exits_2(capsys, obs):
    code, out, err = run(capsys, "fit-demand", "--obs", obs)
    assert code == 2 and out == "" and err.count("\n") == 1


def test_cases_list_and_export(capsys, store):
    store.save("headphone_pricing", "Base", {"unit_cost": 20})
    store.save("headphone_pricing", 'Cheap "supplier"', {"unit_cost": 10})
    store.save("uber_surge", "Rush", {"demand_multiplier": 2})

    code, out, _ = run(capsys, "cases", "list", "--json")
    assert code == 0
    listed = json.loads(out)["cases"]
    assert [c["name"] for c in listed] == ["Base", 'Cheap "supplier"', "Rush"]
    assert set(listed[0]) == {
        "id",
        "scenario",
        "name",
        "params",
        "created_at",
        "updated_at",
    }
    assert listed[2]["scenario"] == "uber_surge"
    assert listed[2]["params"] == {"demand_multiplier": 2.0}

    code, out, _ = run(capsys, "cases", "list", "--scenario", "uber_surge")
    assert code == 0 and "Rush" in out and "Base" not in out

    code, out, _ = run(
        capsys,
        "cases",
        "export",
        "--scenario",
        "headphone_pricing",
        "--base",
        'Cheap "supplier"',
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][3:] == ["Base", 'Cheap "supplier"', 'Base − Cheap "supplier"']
    optimum = next(r for r in rows if r[0] == "optimum")
    # p* = (130 + c)/2: 75 and 70; the change is +5.
    assert [float(v) for v in optimum[3:]] == pytest.approx([75, 70, 5])


def test_cases_export_to_a_file(capsys, store, tmp_path):
    store.save("study_time", "Lesson", {})
    target = tmp_path / "report.csv"
    code, out, _ = run(
        capsys, "cases", "export", "--scenario", "study_time", "--output", str(target)
    )
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("key,Quantity,Unit,Lesson")


def test_cases_with_nothing_saved(capsys, store):
    code, out, _ = run(capsys, "cases", "list")
    assert code == 0 and "no saved cases" in out
    code, _, err = run(capsys, "cases", "export", "--scenario", "study_time")
    assert code == 2 and "no saved cases" in err


def test_cases_on_a_corrupt_file_exit_2_with_a_sentence(capsys, db):
    db.write_bytes(b"garbage" * 500)
    code, out, err = run(capsys, "cases", "list")
    assert code == 2 and out == ""
    assert "damaged" in err and err.count("\n") == 1


def test_cases_export_bad_base_exits_2(capsys, store):
    store.save("study_time", "Lesson", {})
    code, _, err = run(
        capsys, "cases", "export", "--scenario", "study_time", "--base", "Nope"
    )
    assert code == 2 and "not among" in err


def test_cases_save_stores_every_parameter_with_the_overrides(capsys, store):
    code, out, err = run(
        capsys,
        "cases",
        "save",
        "--scenario",
        "headphone_pricing",
        "--name",
        "<b>Supplier</b> +$10",
        "--set",
        "unit_cost=30",
    )
    assert code == 0 and err == ""
    assert "<b>Supplier</b> +$10" in out
    saved = store.find("headphone_pricing", "<b>Supplier</b> +$10")
    # The rest take the lesson's defaults: intercept 1300, slope 10.
    assert saved.params == {
        "unit_cost": 30.0,
        "demand_intercept": 1300.0,
        "demand_slope": 10.0,
    }
    code, out, _ = run(capsys, "cases", "list", "--json")
    listed = json.loads(out)["cases"]
    assert [(c["name"], c["scenario"], c["params"]) for c in listed] == [
        ("<b>Supplier</b> +$10", "headphone_pricing", saved.params)
    ]


def test_cases_save_refuses_a_duplicate_unless_replace(capsys, store):
    argv = ["cases", "save", "--scenario", "study_time", "--name", "Plan"]
    assert run(capsys, *argv)[0] == 0
    code, out, err = run(capsys, *argv, "--set", "fatigue_cost=3.5")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "already exists" in err and "--replace" in err
    assert store.find("study_time", "Plan").params["fatigue_cost"] == 2.0
    code, out, _ = run(
        capsys, *argv, "--set", "fatigue_cost=3.5", "--replace", "--json"
    )
    assert code == 0
    assert json.loads(out)["params"]["fatigue_cost"] == 3.5
    assert [c.params["fatigue_cost"] for c in store.list()] == [3.5]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--name", ""], "Give the case a name"),
        (["--name", "x", "--set", "unit_cost=oops"], "unit_cost"),
        (["--name", "x", "--set", "nope=1"], "nope"),
    ],
)
def test_cases_save_bad_input_exits_2_with_one_line(capsys, store, extra, message):
    argv = ["cases", "save", "--scenario", "headphone_pricing", *extra]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err
    assert store.list() == []


def test_cases_save_to_an_unreachable_server_exits_2(capsys):
    code, _, err = run(
        capsys,
        "cases",
        "save",
        "--scenario",
        "study_time",
        "--name",
        "x",
        "--db",
        "postgresql+psycopg://nobody@127.0.0.1:9/cases",
    )
    assert code == 2 and err.count("\n") == 1 and "cannot be reached" in err
