"""Adding a scenario is one file: every page, template and CLI command finds it.

Two catalog modules are written into a temporary folder that joins the
catalog's package path, and the registry is rebuilt in place, so every module
that holds ``REGISTRY`` sees them. Expected values are worked out by hand.
"""

from __future__ import annotations

import json
import math
import sys

import pytest

import scenarios
from benchmarks.harness import open_page
from scenarios import catalog, registry
from scenarios.cli import main
from scenarios.formula.examples import catalog_templates
from tests.dashboard.helpers import open_tab, switch_to

LEMONADE = '''
"""A lemonade stand: profit (p - c)(a - b p) in the price p of a cup."""
from scenarios.model import FitTarget, FormulaText, Param, Scenario, Variable


def profit(p, unit_cost, cups_at_zero, cups_lost):
    return (p - unit_cost) * (cups_at_zero - cups_lost * p)


def slope(p, unit_cost, cups_at_zero, cups_lost):
    return cups_at_zero + cups_lost * unit_cost - 2 * cups_lost * p


def curvature(p, unit_cost, cups_at_zero, cups_lost):
    return -2 * cups_lost + 0 * p


SCENARIO = Scenario(
    id="zz_lemonade",
    title="Lemonade stand",
    question="Which price per cup earns the most?",
    goal="maximize",
    variable=Variable("price", "Price", "$"),
    objective_label="Daily profit",
    objective_unit="$",
    f=profit,
    df=slope,
    d2f=curvature,
    domain=lambda unit_cost, cups_at_zero, cups_lost: (
        unit_cost, cups_at_zero / cups_lost
    ),
    domain_params=("unit_cost", "cups_at_zero", "cups_lost"),
    params=(
        Param("unit_cost", "Unit cost", "$", 0.5, 0.0, 2.0, 0.05, "Per cup."),
        Param("cups_at_zero", "Cups at zero", "cups", 200.0, 50.0, 500.0, 1.0, "."),
        Param("cups_lost", "Cups lost", "cups per $", 40.0, 5.0, 100.0, 1.0, "."),
    ),
    formula=FormulaText(
        "(p - c)(a - b p)", "p", ("c", "a/b"),
        {"c": "unit_cost", "a": "cups_at_zero", "b": "cups_lost"},
    ),
    demand_fit=FitTarget("cups_at_zero", "cups_lost", cost_param="unit_cost"),
    order=1000,
)
'''

SAVINGS = '''
"""Savings growing as P e^(r t): no interior optimum, growth figures instead."""
import numpy as np

from scenarios.model import FormulaText, GrowthFigures, Param, Scenario, Variable


def value(t, principal, rate, years):
    return principal * np.exp(rate * t)


def value_slope(t, principal, rate, years):
    return rate * principal * np.exp(rate * t)


def value_curvature(t, principal, rate, years):
    return rate**2 * principal * np.exp(rate * t)


SCENARIO = Scenario(
    id="zz_savings",
    title="Savings pot",
    question="When is the pot largest?",
    goal="maximize",
    variable=Variable("t", "Year", "years"),
    objective_label="Pot",
    objective_unit="$",
    f=value,
    df=value_slope,
    d2f=value_curvature,
    domain=lambda principal, rate, years: (0.0, years),
    domain_params=("years",),
    params=(
        Param("principal", "Principal", "$", 1000.0, 100.0, 5000.0, 100.0, "."),
        Param("rate", "Annual rate", "per year", 0.04, 0.01, 0.2, 0.01, "."),
        Param("years", "Horizon", "years", 20.0, 5.0, 50.0, 1.0, "."),
    ),
    formula=FormulaText(
        "P e^(r t)", "t", ("0", "T"), {"P": "principal", "r": "rate", "T": "years"}
    ),
    growth=GrowthFigures("rate"),
    order=1001,
)
'''

NEW = ("zz_lemonade", "zz_savings")

# p* = (a/b + c) / 2 = (200/40 + 0.5) / 2; profit there (2.75 - 0.5)(200 - 110).
LEMONADE_X = 2.75
LEMONADE_F = 202.5


@pytest.fixture(scope="module")
def new_catalog(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalog")
    (folder / "zz_lemonade.py").write_text(LEMONADE)
    (folder / "zz_savings.py").write_text(SAVINGS)
    saved_path = list(catalog.__path__)
    saved = dict(registry.REGISTRY)
    catalog.__path__.append(str(folder))
    registry.REGISTRY.clear()
    registry.REGISTRY.update(registry.discover())
    yield folder
    catalog.__path__[:] = saved_path
    registry.REGISTRY.clear()
    registry.REGISTRY.update(saved)
    for sid in NEW:
        sys.modules.pop(f"{catalog.__name__}.{sid}", None)


def test_the_registry_and_the_templates_pick_up_the_new_files(new_catalog):
    assert set(NEW) <= set(scenarios.REGISTRY)
    templates = {t.key: t for t in catalog_templates()}
    assert templates["zz_lemonade"].formula == "(p - c)(a - b p)"
    assert templates["zz_lemonade"].params == {"c": 0.5, "a": 200.0, "b": 40.0}
    assert templates["zz_savings"].label == "Start from savings pot"


def test_the_new_scenario_solves_to_its_closed_form(new_catalog):
    solution = scenarios.solve(scenarios.get("zz_lemonade"))
    assert solution.x == pytest.approx(LEMONADE_X, rel=1e-12)
    assert solution.value == pytest.approx(LEMONADE_F, rel=1e-12)


def test_every_cli_command_knows_the_new_scenario(new_catalog, capsys):
    assert main(["list", "--json"]) == 0
    ids = [s["id"] for s in json.loads(capsys.readouterr().out)["scenarios"]]
    assert set(NEW) <= set(ids)

    assert main(["solve", "zz_lemonade", "--json"]) == 0
    solved = json.loads(capsys.readouterr().out)
    assert solved["x"] == pytest.approx(LEMONADE_X, rel=1e-12)

    # (p - 0.5)(200 - 40 p) = 180 is 2 p² - 11 p + 14 = 0: p = 2 or 3.5.
    assert main(["seek", "zz_lemonade", "--target", "180", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["x"] == pytest.approx([2.0, 3.5])

    # (2 - 0.5)(200 - 80) = 180 and (3 - 0.5)(200 - 120) = 200.
    assert main(["table", "zz_lemonade", "--at", "2,3"]) == 0
    table = capsys.readouterr().out
    assert "180" in table and "200" in table
    assert main(["sweep", "zz_lemonade", "--param", "unit_cost", "--points", "3"]) == 0
    capsys.readouterr()
    assert main(["descend", "zz_lemonade", "--start", "1", "--lr", "0.005"]) == 0
    capsys.readouterr()

    # Sales on the line cups = 200 - 40 p set the demand sliders of this scenario.
    obs = "1:160,2:120,3:80"
    assert main(["fit-demand", "--obs", obs, "--scenario", "zz_lemonade"]) == 0
    out = capsys.readouterr().out
    assert "cups_at_zero" in out and "200" in out


def test_every_page_shows_the_new_scenarios(new_catalog):
    at = open_page("zz_lemonade")
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value.startswith("$2.75")
    open_tab(at, "Fit to data")
    assert any("Fit demand" in h.value for h in at.subheader)

    at = open_page("zz_savings")
    assert not at.exception
    assert any(h.value == "Growth figures" for h in at.subheader)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Doubles after"].startswith(f"{math.log(2) / 0.04:.1f}")

    switch_to(at, "overview")
    shown = " ".join(m.value for m in at.markdown)
    assert "Lemonade stand" in shown and "Savings pot" in shown

    switch_to(at, "own-model")
    templates = at.pills(key="om_template")
    assert "Start from lemonade stand" in templates.options

    switch_to(at, "compare")
    assert "Lemonade stand" in at.multiselect[0].options
