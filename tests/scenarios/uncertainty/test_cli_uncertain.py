"""``uncertain`` and ``fit-demand --interval`` on the command line."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from scenarios.cli import main
from scenarios.fitting.demand.models import fit_model

OBS = "30:1000,40:905,50:800,60:690,70:560,80:500,90:420,100:300"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_uncertain_json_gives_quantiles_best_on_average_the_curve_and_the_risk(capsys):
    code, out, _ = run(
        capsys, "uncertain", "headphone_pricing",
        "--dist", "unit_cost=normal:20,2", "--dist", "demand_slope=uniform:9,11",
        "--draws", "10000", "--seed", "5", "--at", "80", "--threshold", "29000",
        "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["draws"] == 10_000 and data["seed"] == 5
    assert data["distributions"] == {
        "unit_cost": "normal:20,2",
        "demand_slope": "uniform:9,11",
    }
    assert data["params"] == {"demand_intercept": 1300.0}
    q = data["quantiles"]
    assert list(q) == ["0.05", "0.25", "0.5", "0.75", "0.95"]
    assert q["0.05"] < q["0.5"] < q["0.95"]
    # At the mean values (c = 20, b = 10) the best price is (130 + 20)/2.
    assert data["optimum_at_mean"] == {"x": 75.0, "value": 30250.0}
    best = data["best_on_average"]["x"]
    curve = data["expected_curve"]
    assert len(curve["x"]) == len(curve["mean"]) == 121
    peak = curve["x"][int(np.argmax(curve["mean"]))]
    assert abs(peak - best) <= curve["x"][1] - curve["x"][0]
    at = data["at"]
    assert at["x"] == 80.0 and at["threshold"] == 29000.0
    assert at["p_worse"] == at["p_below"] and 0 < at["p_below"] < 1
    assert at["expected_regret"] > 0


def test_uncertain_with_the_same_seed_prints_the_same_numbers(capsys):
    argv = ["uncertain", "study_time", "--dist", "fatigue_cost=triangular:3,4,6",
            "--draws", "500", "--seed", "2", "--json"]  # fmt: skip
    first = run(capsys, *argv)[1]
    assert run(capsys, *argv)[1] == first


def test_uncertain_text_writes_quantities_as_the_dashboard_does(capsys):
    code, out, _ = run(
        capsys, "uncertain", "headphone_pricing", "--dist", "unit_cost=normal:20,2",
        "--draws", "1000", "--at", "80", "--threshold", "29000",
    )  # fmt: skip
    assert code == 0
    assert out.startswith("1,000 draws (seed 0), 1,000 with a feasible price")
    assert "optimum at the mean values      $75.00 ($30,250)" in out
    assert "chance below $29,000 at $80.00" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--dist", "unit_cost=normal:20,-2"], "standard deviation cannot be negative"),
        (["--dist", "demand_slope=uniform:11,9"], "low end (11) must not be above"),
        (["--dist", "fuel=normal:1,1"], "has no parameter 'fuel'"),
        (["--dist", "unit_cost"], "--dist expects NAME=KIND:A,B"),
        (["--dist", "unit_cost=normal:20,2", "--threshold", "5"], "--threshold needs"),
        (["--dist", "unit_cost=normal:20,2", "--draws", "5"], "from 100 to 1,000,000"),
    ],
)
def test_bad_uncertain_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, "uncertain", "headphone_pricing", *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_fit_demand_interval_json_adds_both_intervals_per_model(capsys):
    code, out, _ = run(
        capsys, "fit-demand", "--obs", OBS, "--model", "all", "--cost", "20",
        "--interval", "--bootstrap", "1000", "--seed", "3", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["resamples"] == 1000 and data["seed"] == 3
    rows = {m["model"]: m for m in data["models"]}
    linear = rows["linear"]
    prices = [float(o.split(":")[0]) for o in OBS.split(",")]
    units = [float(o.split(":")[1]) for o in OBS.split(",")]
    fit = fit_model("linear", prices, units, 20)
    a, b = fit.params["A"], fit.params["b"]
    assert linear["optimal_price"] == pytest.approx((a / b + 20) / 2, rel=1e-12)
    low, high = linear["x_interval"]["delta"]
    cov = fit.fit.covariance
    g = np.array([1 / (2 * b), -a / (2 * b * b)])
    half = 1.959963984540054 * math.sqrt(g @ cov @ g)
    best = linear["optimal_price"]
    assert (low, high) == pytest.approx((best - half, best + half), rel=1e-10)
    boot = linear["x_interval"]["bootstrap"]
    assert boot[0] < linear["optimal_price"] < boot[1]
    profit = linear["profit_interval"]
    assert profit["delta"][0] < linear["profit"] < profit["delta"][1]
    assert linear["x_interval"]["level"] == 0.95
    assert rows["constant_elasticity"]["x_interval"] is None
    assert rows["constant_elasticity"]["interval_note"].startswith("With elasticity")


def test_fit_demand_interval_text_and_its_refusals(capsys):
    code, out, err = run(
        capsys, "fit-demand", "--obs", OBS, "--model", "linear", "--cost", "20",
        "--interval",
    )  # fmt: skip
    assert code == 0
    assert "95% delta" in out and "95% bootstrap" in out
    assert out.splitlines()[2].startswith("linear (best)")
    code, _, err = run(capsys, "fit-demand", "--obs", OBS, "--interval")
    assert code == 2 and "--interval needs --model" in err
    code, _, err = run(
        capsys, "fit-demand", "--obs", OBS, "--model", "linear", "--interval",
        "--bootstrap", "10",
    )  # fmt: skip
    assert code == 2 and "Ask for 200 to 100,000 bootstrap resamples" in err
