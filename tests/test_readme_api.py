"""The README's scripting examples run as written and give the values it shows.

Each expected value is worked out by hand for headphone pricing at its
defaults (c = 20, a = 1300, b = 10): p* = (a/b + c) / 2.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import scenarios

README = Path(__file__).resolve().parents[1] / "README.md"


def _api_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.fixture(scope="module")
def namespace() -> dict[str, object]:
    names: dict[str, object] = {}
    for block in _api_blocks():
        exec(compile(block, str(README), "exec"), names)  # our own README text
    return names


def test_the_readme_shows_one_example_of_each_part_of_the_api():
    code = "\n".join(_api_blocks())
    for call in ("solve(", "seek(", "find_roots(", "from_formula(", "fit_formula("):
        assert f"scenarios.{call}" in code
    assert "local_sensitivity(" in code and "tornado(" in code


def test_every_name_in_all_is_in_the_readme_table():
    text = README.read_text(encoding="utf-8")
    table = text.split("## Python API", 1)[1].split("**Solve**", 1)[0]
    for name in scenarios.__all__:
        assert f"`{name}`" in table, name
        assert getattr(scenarios, name) is not None


def test_the_examples_give_the_values_shown(namespace):
    sol = namespace["sol"]
    # c = 25: p* = (130 + 25) / 2 = 77.5, profit 52.5 x 525.
    assert (sol.x, sol.value, sol.kind) == (77.5, 27562.5, "maximum")
    # (p - 20)(1300 - 10 p) = 24000 is p² - 150 p + 5000 = 0.
    sc = namespace["sc"]
    assert scenarios.seek(sc, 24000) == pytest.approx([50.0, 100.0], rel=1e-12)
    # (75 - c)(1300 - 750) = 22000 gives c = 35.
    assert scenarios.seek_param(sc, "unit_cost", 22000, at=75) == pytest.approx(35.0)
    assert namespace["res"].roots == pytest.approx(
        [math.pi / 2, 3 * math.pi / 2, 5 * math.pi / 2], rel=1e-14
    )
    assert scenarios.solve(namespace["own"]).x == pytest.approx(75.0, rel=1e-12)
    # The data are 100 (1 - e^(-h/2)) to three figures.
    fit = namespace["fit"].params
    assert fit["S"] == pytest.approx(100, rel=1e-3)
    assert fit["k"] == pytest.approx(0.5, rel=1e-2)
    # dx*/dc = 1/2, dx*/da = 1/(2b), dx*/db = -a/(2b²).
    slopes = [s.optimum_slope for s in scenarios.local_sensitivity(sc)]
    assert slopes == pytest.approx([0.5, 0.05, -6.5], rel=1e-6)


def test_every_error_the_api_names_is_a_scenario_error():
    for name in scenarios.__all__:
        value = getattr(scenarios, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, scenarios.ScenarioError), name
