"""The CLI writes every quantity exactly as the dashboard does: one formatter.

Expected text comes from hand-worked lesson values, and, for every registered
scenario, from the dashboard's own formatting functions applied to values the
test computes itself with the engine.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import scenarios
import scenarios.analysis
import scenarios.solver
from dashboard import format as fmt
from dashboard.sections import tables
from scenarios import formatting
from scenarios.cli import main

MINUS = "\u2212"
SCENARIOS_DIR = Path(scenarios.__file__).parent


def run(capsys, *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    return out


def cells(line: str) -> list[str]:
    """The cells of one line of the CLI's aligned table (two spaces between)."""
    return re.split(r" {2,}", line.strip())


# --- hand-worked lesson values ----------------------------------------------------


def test_uber_surge_doubled_demand_reads_like_the_dashboard(capsys):
    # a = 1000, b = 5, c = 2, m = 2: p* = (m·a/b + c) / 2 = (400 + 2) / 2 = 201
    # dollars per ride; profit (201 − 2)(2000 − 5·201) = 199 · 995 = 198,005.
    out = run(capsys, "solve", "uber_surge", "--set", "demand_multiplier=2")
    assert "  best fare: $201.00 per ride\n" in out
    assert "  profit there: $198,005\n" in out
    assert f"(f″(x*) = {MINUS}10)" in out


def test_headphone_solve_reads_like_the_dashboard(capsys):
    out = run(capsys, "solve", "headphone_pricing")
    assert out.splitlines()[1:] == [
        "  best price: $75.00",
        "  monthly profit there: $30,250",
        f"  kind: maximum (f″(x*) = {MINUS}20)",
    ]


def test_headphone_table_reads_like_the_dashboard(capsys):
    # p = 30: 1300 − 10·30 = 1000 pairs, profit (30 − 20)·1000 = 10,000,
    # f' = 1300 + 10·20 − 20·30 = 900, gap 30,250 − 10,000 = 20,250.
    out = run(capsys, "table", "headphone_pricing", "--at", "30,100")
    lines = out.splitlines()
    assert cells(lines[0]) == [
        "point",
        "price",
        "monthly profit",
        "f′ ($ per $1 of price)",
        "advice",
        "gap",
        "customers",
        "revenue",
    ]
    assert [cells(line) for line in lines[2:]] == [
        ["x = 30", "$30.00", "$10,000", "+900", "Increase price", "$20,250"]
        + ["1,000 pairs", "$30,000"],
        ["x = 100", "$100.00", "$24,000", f"{MINUS}500", "Decrease price", "$6,250"]
        + ["300 pairs", "$30,000"],
        ["Optimum", "$75.00", "$30,250", "0", "At the optimum", "$0.00"]
        + ["550 pairs", "$41,250"],
    ]


def test_a_point_outside_the_range_is_marked_as_on_the_dashboard(capsys):
    out = run(capsys, "table", "headphone_pricing", "--at", "500")
    row = cells(out.splitlines()[2])
    # 1300 − 5000 = −3,700 pairs; (500 − 20)(−3700) = −1,776,000.
    assert row[:3] == ["x = 500 (outside the range)", "$500.00", f"{MINUS}$1,776,000"]


def test_seek_prints_each_x_with_its_unit(capsys):
    # 10,000·e^(0.05 t) = 20,000 at t = ln 2 / 0.05 = 13.8629 years.
    out = run(capsys, "seek", "compound_growth", "--target", "20000")
    assert out == "13.863 years\n"
    out = run(
        capsys,
        "seek",
        "compound_growth",
        "--target",
        "20000",
        "--param",
        "annual_rate",
        "--at",
        "10",
    )
    # r = ln 2 / 10 = 0.0693147.
    assert out == "annual_rate = 0.069315 per year makes f(10 years) = $20,000\n"


def test_fit_demand_set_lines_can_be_typed_back(capsys):
    out = run(
        capsys,
        "fit-demand",
        "--obs",
        "30:1000,50:800,100:300",
        "--scenario",
        "headphone_pricing",
    )
    settings = [line for line in out.splitlines() if line.startswith("--set ")]
    assert settings == ["--set demand_intercept=1300", "--set demand_slope=10"]
    argv = ["solve", "headphone_pricing", "--json"]
    for line in settings:
        argv += line.split(" ", 1)
    assert json.loads(run(capsys, *argv))["x"] == pytest.approx(75.0, rel=1e-12)


def test_json_stays_numeric(capsys):
    data = json.loads(
        run(capsys, "solve", "uber_surge", "--set", "demand_multiplier=2", "--json")
    )
    assert data["x"] == pytest.approx(201.0, rel=1e-12)
    assert data["value"] == pytest.approx(198005.0, rel=1e-12)
    rows = json.loads(run(capsys, "table", "headphone_pricing", "--at", "30", "--json"))
    assert rows["rows"][0]["value"] == 10000.0


# --- every scenario: the dashboard's formatting of the same values ---------------


SCENARIO_IDS = sorted(scenarios.REGISTRY)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_solve_text_matches_the_dashboard_for_every_scenario(capsys, scenario_id):
    sc = scenarios.get(scenario_id)
    sol = scenarios.solve(sc)
    var = sc.variable
    expected = [
        f"{sc.title}: {sc.question}",
        f"  best {var.label.lower()}: {fmt.quantity(sol.x, var.unit)}",
        f"  {sc.objective_label.lower()} there: "
        f"{fmt.quantity(sol.value, sc.objective_unit)}",
        f"  kind: {sol.kind} (f″(x*) = {fmt.number(sol.second_derivative)})",
    ]
    if sol.on_boundary:
        slope = fmt.signed_quantity(sol.derivative, fmt.slope_unit(sc))
        expected.append(
            f"  at the {sol.boundary_side} end of the range; f′ there = {slope}"
        )
    assert run(capsys, "solve", scenario_id).splitlines() == expected


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_solve_text_matches_the_dashboard_away_from_the_defaults(capsys, scenario_id):
    sc = scenarios.get(scenario_id)
    params = {p.name: (p.min + p.max) / 2 for p in sc.params}
    sol = scenarios.solve(sc, params)
    argv = ["solve", scenario_id]
    for name, value in params.items():
        argv += ["--set", f"{name}={value!r}"]
    lines = run(capsys, *argv).splitlines()
    var = sc.variable
    assert lines[1] == f"  best {var.label.lower()}: {fmt.quantity(sol.x, var.unit)}"
    assert lines[2].endswith(f" there: {fmt.quantity(sol.value, sc.objective_unit)}")


def _points(sc: scenarios.Scenario) -> list[float]:
    """The declaration's reference points, the middle of the range, one beyond it."""
    lo, hi = scenarios.solver.domain_of(sc, sc.defaults())
    return [x for _, x in scenarios.analysis.reference_points(sc)] + [
        (lo + hi) / 2,
        hi + (hi - lo) / 4,
    ]


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_table_text_matches_the_dashboard_for_every_scenario(capsys, scenario_id):
    sc = scenarios.get(scenario_id)
    points = _points(sc)
    out = run(capsys, "table", scenario_id, "--at", ",".join(map(repr, points)))
    shown = [cells(line) for line in out.splitlines()[2:]]

    reports = scenarios.analysis.evaluate_points(sc, points)
    page = tables.points_table(sc, reports).display
    assert shown == page.astype(str).values.tolist()

    for row, r in zip(shown, reports, strict=True):
        assert row[1] == fmt.quantity(r.x, sc.variable.unit)
        assert row[2] == fmt.quantity(r.value, sc.objective_unit)
        assert row[3] == fmt.signed(r.derivative)
        assert row[4] == fmt.advice_text(r.advice, sc)
        assert row[5] == fmt.quantity(r.gap, sc.objective_unit)
        assert row[6:] == [fmt.quantity(r.derived[d.name], d.unit) for d in sc.derived]


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_table_headers_carry_the_slope_unit(capsys, scenario_id):
    sc = scenarios.get(scenario_id)
    out = run(capsys, "table", scenario_id, "--at", repr(_points(sc)[-2]))
    header = cells(out.splitlines()[0])
    assert header[3] == fmt.with_unit("f′", fmt.slope_unit(sc))
    assert len(header) == 6 + len(sc.derived)


# --- one formatter ------------------------------------------------------------


def test_the_dashboard_formats_through_the_shared_module():
    for name in formatting.__dict__:
        if not name.startswith("_") and callable(getattr(formatting, name)):
            if name in fmt.__all__:
                assert getattr(fmt, name) is getattr(formatting, name), name
    assert fmt.quantity is formatting.quantity
    assert fmt.MINUS == formatting.MINUS


def test_no_computing_module_imports_the_formatter():
    for path in SCENARIOS_DIR.rglob("*.py"):
        relative = path.relative_to(SCENARIOS_DIR)
        if relative.parts[0] == "cli" or path.name == "formatting.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                module = node.module or ""
                assert "formatting" not in module.split(".") and (
                    module or "formatting" not in names
                ), f"{relative} imports the display formatter"


def test_small_quantities_never_round_to_zero():
    assert formatting.small_quantity(1.1e-4, "$") == "$0.00011"
    fare = formatting.small_quantity(-1.1e-4, "$ per ride")
    assert fare == f"{MINUS}$0.00011 per ride"
    assert formatting.small_quantity(3e-8, "mph") == "3×10⁻⁸ mph"
    assert formatting.r_squared(0.98765) == "0.988"
    assert formatting.r_squared(float("nan")) == "—"
