"""The fitting commands: fit-demand --model and fit."""

import json

import numpy as np
import pytest
from scipy.optimize import curve_fit

from scenarios.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def obs_text(prices, units):
    return ",".join(
        f"{float(p)!r}:{float(q)!r}" for p, q in zip(prices, units, strict=True)
    )


PRICES = np.linspace(20.0, 120.0, 15)


def exponential_sales():
    rng = np.random.default_rng(7)
    return np.round(1500 * np.exp(-0.02 * PRICES) + rng.normal(0, 10, PRICES.size), 1)


def test_fit_demand_model_all_json_lists_every_model_and_the_best(capsys):
    units = exponential_sales()
    code, out, _ = run(
        capsys,
        "fit-demand",
        "--obs",
        obs_text(PRICES, units),
        "--model",
        "all",
        "--cost",
        "15",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["best"] == "exponential"
    assert [m["model"] for m in data["models"]] == [
        "linear",
        "exponential",
        "constant_elasticity",
    ]
    for row in data["models"]:
        assert {
            "model",
            "params",
            "stderr",
            "r2",
            "aic",
            "optimal_price",
            "profit",
        } <= set(row)
    exp = data["models"][1]
    assert set(exp["params"]) == {"A", "b"} and set(exp["stderr"]) == {"A", "b"}
    values, _ = curve_fit(
        lambda p, a, b: a * np.exp(-b * p),
        PRICES,
        units,
        p0=(1500, 0.02),
        ftol=1e-15,
        xtol=1e-15,
        gtol=1e-15,
    )
    assert exp["params"]["A"] == pytest.approx(values[0], rel=1e-6)
    assert exp["params"]["b"] == pytest.approx(values[1], rel=1e-6)
    # The engine's optimum is the closed form c + 1/b.
    assert exp["optimal_price"] == pytest.approx(15 + 1 / exp["params"]["b"], rel=1e-12)
    assert set(data["models"][2]["params"]) == {"K", "e"}


def test_fit_demand_one_model_on_the_lesson_data(capsys):
    code, out, _ = run(
        capsys,
        "fit-demand",
        "--obs",
        "30:1000,50:800,100:300",
        "--model",
        "linear",
        "--cost",
        "20",
        "--json",
    )
    assert code == 0
    (row,) = json.loads(out)["models"]
    assert row["params"] == pytest.approx({"A": 1300, "b": 10}, rel=1e-12)
    assert row["optimal_price"] == pytest.approx(75, rel=1e-12)
    assert row["profit"] == pytest.approx(30250, rel=1e-12)


def test_fit_demand_model_text_table_marks_the_best(capsys):
    code, out, err = run(
        capsys, "fit-demand", "--obs", "30:1000,50:800,100:300", "--model", "all"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("model") and "AIC" in lines[0]
    assert any(line.startswith("linear (best)") for line in lines)
    # Without a cost, constant elasticity has no finite best price.
    assert "constant_elasticity" in err and "no finite best price" in err


def test_fit_demand_without_model_keeps_its_output(capsys):
    code, out, _ = run(capsys, "fit-demand", "--obs", "30:1000,50:800,100:300")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "intercept",
        "slope",
        "r2",
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ["--obs", "30:1000", "--model", "all"],
        ["--obs", "30:1000,30:900", "--model", "exponential"],
        ["--obs", "30:1000,50:800", "--model", "quadratic"],
        ["--obs", "30:1000,50:800", "--model", "all", "--cost", "abc"],
        ["--obs", "30:1000,50:800", "--model", "all", "--cost", "-1"],
        ["--obs", "30:1000,50:800", "--cost", "5"],
        ["--obs", "30:1000,50:800", "--model", "all", "--scenario", "uber_surge"],
    ],
)
def test_fit_demand_model_bad_input_exits_2(capsys, argv):
    code, out, err = run(capsys, "fit-demand", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1


# --- fit ----------------------------------------------------------------------


HOURS = np.array([0.0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 20])


@pytest.fixture
def study_csv(tmp_path):
    rng = np.random.default_rng(11)
    scores = 90 * (1 - np.exp(-0.3 * HOURS)) + rng.normal(0, 1.5, HOURS.size)
    scores = np.round(scores, 2)
    path = tmp_path / "study.csv"
    lines = ["student,hours,score"] + [
        f"s{i},{h:g},{s:g}" for i, (h, s) in enumerate(zip(HOURS, scores, strict=True))
    ]
    path.write_text("\n".join(lines) + "\n")
    return path, scores


def test_fit_formula_json_agrees_with_curve_fit(capsys, study_csv):
    path, scores = study_csv
    code, out, _ = run(
        capsys,
        "fit",
        "--formula",
        "S(1 - exp(-k h))",
        "--variable",
        "h",
        "--data",
        str(path),
        "--x",
        "hours",
        "--y",
        "score",
        "--start",
        "S=50,k=0.1",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    values, cov = curve_fit(
        lambda h, s, k: s * (1 - np.exp(-k * h)),
        HOURS,
        scores,
        p0=(90, 0.3),
        ftol=1e-15,
        xtol=1e-15,
        gtol=1e-15,
    )
    assert data["params"]["S"] == pytest.approx(values[0], rel=1e-6)
    assert data["params"]["k"] == pytest.approx(values[1], rel=1e-6)
    assert data["stderr"]["k"] == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-5)
    assert data["n"] == HOURS.size
    assert 0.99 < data["r2"] <= 1 and data["rmse"] > 0


def test_fit_formula_text_output(capsys, study_csv):
    path, _ = study_csv
    code, out, _ = run(
        capsys,
        "fit",
        "--formula",
        "S(1 - exp(-k h))",
        "--variable",
        "h",
        "--data",
        str(path),
        "--x",
        "hours",
        "--y",
        "score",
        "--start",
        "S=50,k=0.1",
    )
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names == ["S", "k", "r2", "rmse", "n"]


@pytest.mark.parametrize(
    "change",
    [
        {"--formula": "S(1 - exp(-k h)"},
        {"--formula": "__import__('os')"},
        {"--start": "S=50"},
        {"--start": "S=abc,k=1"},
        {"--start": "S"},
        {"--x": "minutes"},
        {"--data": "missing.csv"},
        {"--data": "notes.txt.pdf"},
    ],
)
def test_fit_bad_input_exits_2_with_one_line(capsys, study_csv, change, tmp_path):
    path, _ = study_csv
    args = {
        "--formula": "S(1 - exp(-k h))",
        "--variable": "h",
        "--data": str(path),
        "--x": "hours",
        "--y": "score",
        "--start": "S=50,k=0.1",
    }
    args.update(change)
    if args["--data"] == "notes.txt.pdf":
        (tmp_path / "notes.txt.pdf").write_text("hours,score\n1,2\n")
        args["--data"] = str(tmp_path / "notes.txt.pdf")
    elif args["--data"] == "missing.csv":
        args["--data"] = str(tmp_path / "missing.csv")
    argv = [item for pair in args.items() for item in pair]
    code, out, err = run(capsys, "fit", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error:")


def test_fit_refuses_a_file_with_bad_rows_naming_the_first(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("h,s\n1,10\n2,twenty\n3,\n4,40\n")
    code, out, err = run(
        capsys,
        "fit",
        "--formula",
        "a h",
        "--variable",
        "h",
        "--data",
        str(path),
        "--start",
        "a=1",
    )
    assert code == 2 and out == ""
    assert "row 3" in err and "1 more bad row" in err and err.count("\n") == 1


def test_fit_refuses_a_file_over_one_megabyte(capsys, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"1,2\n" * (1024 * 1024 // 4 + 1))
    code, _, err = run(
        capsys, "fit", "--formula", "a x", "--data", str(path), "--start", "a=1"
    )
    assert code == 2 and "limit is 1 MB" in err


def test_fit_with_a_parameter_named_x(tmp_path, capsys):
    # Least squares by hand: slope Sxy/Sxx = 20.1/10 = 2.01, intercept
    # 5.04 - 2.01 * 2 = 1.02.
    data = tmp_path / "line.csv"
    data.write_text("t,y\n0,1\n1,3.1\n2,4.9\n3,7.2\n4,9\n")
    code = main(
        ["fit", "--formula", "x*t + b", "--variable", "t", "--data", str(data),
         "--start", "x=1,b=0", "--json"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    fitted = json.loads(out)["params"]
    assert fitted["x"] == pytest.approx(2.01, rel=1e-9)
    assert fitted["b"] == pytest.approx(1.02, rel=1e-9)


# NIST StRD BoxBOD, y = b1 (1 - exp(-b2 x)); certified b1 = 213.80940889,
# b2 = 0.54723748542 (reached from start 2, b1 = 100, b2 = 0.75).
BOXBOD_CSV = "x,y\n1,109\n2,149\n3,149\n5,191\n7,213\n10,224\n"


def test_fit_boxbod_from_start_1_says_more_starts_were_tried(capsys, tmp_path):
    path = tmp_path / "boxbod.csv"
    path.write_text(BOXBOD_CSV)
    argv = ["fit", "--formula", "b1*(1-exp(-b2*x))", "--data", str(path),
            "--start", "b1=1,b2=1"]  # fmt: skip
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    values = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    assert float(values["b1"]) == pytest.approx(213.80940889, rel=1e-6)
    assert float(values["b2"]) == pytest.approx(0.54723748542, rel=1e-6)
    assert err == (
        "warning: The fit from your start values stayed flat; the best of 16 "
        "other starts is shown.\n"
    )
    code, out, err = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert data["params"]["b1"] == pytest.approx(213.80940889, rel=1e-6)
    assert data["params"]["b2"] == pytest.approx(0.54723748542, rel=1e-6)
    assert data["starts"] == 17 and "best of 16 other starts" in data["warnings"][0]


def test_fit_no_start_can_make_exits_2_with_one_sentence(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "boxbod.csv"
    path.write_text(BOXBOD_CSV)
    done = subprocess.run(
        [sys.executable, "-m", "scenarios", "fit", "--formula", "exp(-(x - c)^2)",
         "--data", str(path), "--start", "c=100"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "error: The fit failed from these start values (the curve stayed flat, "
        "no better than a constant at the mean of y) and from 16 other starts; "
        "try other start values or another formula.\n"
    )
