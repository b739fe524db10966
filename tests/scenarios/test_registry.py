import math

import pytest

import scenarios
import scenarios.solver
from benchmarks.closed_forms import CLOSED_FORMS
from scenarios.model import Param, ParamError, Scenario

ALL = list(scenarios.REGISTRY.values())
IDS = [sc.id for sc in ALL]

LESSON_IDS = {
    "headphone_pricing",
    "uber_surge",
    "study_time",
    "fuel_efficiency",
    "compound_growth",
    "ad_spend",
    "production_profit",
    "study_burnout",
    "recommendation_tuning",
}


def test_every_lesson_example_is_registered():
    assert LESSON_IDS <= set(scenarios.REGISTRY)


def test_every_lesson_scenario_has_a_hand_closed_form():
    assert LESSON_IDS <= set(CLOSED_FORMS)


def test_unknown_id_lists_the_known_ones():
    with pytest.raises(KeyError) as info:
        scenarios.get("headphones")
    message = info.value.args[0]
    assert "headphones" in message and "headphone_pricing" in message


@pytest.mark.parametrize("sc", ALL, ids=IDS)
def test_declaration_is_complete(sc):
    assert sc.title and sc.question.endswith("?")
    assert sc.goal in ("maximize", "minimize")
    assert sc.variable.label and sc.objective_label
    assert sc.formula_tex and sc.df_tex and sc.d2f_tex and sc.explanation
    for p in sc.params:
        assert p.label and p.help, p.name
        assert p.min <= p.default <= p.max
        assert 0 < p.step <= p.max - p.min
        # Every default sits on the slider's step grid, so the slider can show it.
        steps = (p.default - p.min) / p.step
        assert math.isclose(steps, round(steps), abs_tol=1e-6), p.name


@pytest.mark.parametrize("sc", ALL, ids=IDS)
def test_defaults_are_feasible(sc):
    lo, hi = scenarios.solver.domain_of(sc, sc.defaults())
    assert lo < hi


def test_resolve_fills_defaults_and_validates():
    sc = scenarios.get("headphone_pricing")
    assert sc.resolve({"unit_cost": 25}) == {
        "unit_cost": 25.0,
        "demand_intercept": 1300.0,
        "demand_slope": 10.0,
    }
    with pytest.raises(ParamError, match="outside its range"):
        sc.resolve({"unit_cost": 101})
    with pytest.raises(ParamError, match="must be a number"):
        sc.resolve({"unit_cost": "cheap"})
    with pytest.raises(ParamError, match="finite"):
        sc.resolve({"unit_cost": float("nan")})
    with pytest.raises(ParamError, match="known: unit_cost"):
        sc.resolve({"unit_cots": 1})


def test_param_rejects_default_outside_range():
    with pytest.raises(ValueError):
        Param("a", "A", "", 5.0, 0.0, 1.0, 0.1, "help")


def test_discovery_finds_a_new_module(tmp_path, monkeypatch):
    # A new file in the catalog folder becomes a scenario with no other edit.
    from scenarios import catalog, registry

    module = tmp_path / "zz_cubic_probe.py"
    module.write_text(
        "from scenarios.model import Scenario\n"
        "SCENARIO = Scenario.from_functions(\n"
        "    lambda x: -x**2, lambda x: -2*x, lambda x: -2 + 0*x, (-1.0, 1.0),\n"
        "    id='zz_cubic_probe')\n"
    )
    monkeypatch.setattr(catalog, "__path__", [*catalog.__path__, str(tmp_path)])
    found = registry.discover()
    assert "zz_cubic_probe" in found
    assert scenarios.solve(found["zz_cubic_probe"]).x == 0.0


def test_from_functions_asks_for_the_maximum_or_the_minimum_by_name():
    def f(x):
        return -((x - 1.0) ** 2)

    def df(x):
        return -2.0 * (x - 1.0)

    def d2f(x):
        return -2.0 + 0.0 * x

    up = Scenario.from_functions(f, df, d2f, domain=(0.0, 2.0), goal="maximize")
    down = Scenario.from_functions(f, df, d2f, domain=(0.0, 2.0), goal="minimize")
    assert up.question == "Where does f reach its maximum?"
    assert down.question == "Where does f reach its minimum?"
