"""Rows of the singular corpus on the own-model page, in AppTest and Chromium.

The page must show what the CLI says, cleanly: the note beside an optimum
found on part of the domain or at an end where f' is unbounded, a kink's two
slopes in place of f''(x*), and a pole's one sentence with no optimum at all;
no exception, and not one numpy warning raised while the page runs.
"""

from __future__ import annotations

import warnings
from urllib.parse import urlencode

import pytest

from scenarios.formatting import number
from tests.dashboard.helpers import APP_IDLE, leading_number, open_page, open_tab
from tests.scenarios.formula.singular_corpus import ROWS, Row

PAGE = "own-model"


def _row(formula: str, goal: str) -> Row:
    return next(r for r in ROWS if r.formula == formula and r.goal == goal)


SQRT_END = _row("sqrt(x)*(10 - x)", "maximize")
PARTIAL = _row("log(x - 5)", "maximize")
KINK = _row("abs(x - 3) + 0.5x", "minimize")
POLE = _row("1/(x - 2)", "maximize")


def _query(row: Row) -> dict[str, str]:
    return {
        "om_formula": row.formula,
        "om_variable": row.variable,
        "om_lo": row.domain[0],
        "om_hi": row.domain[1],
        "om_goal": row.goal.capitalize(),  # as a copied link spells it
    }


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("SCENARIOS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIOS_DB", str(tmp_path / "cases.sqlite3"))


def _open(row: Row):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        at = open_page(PAGE, _query(row))
        for tab in ("Tables", "Goal seek", "Derivation"):
            open_tab(at, tab)
    assert not at.exception, [e.value for e in at.exception]
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []
    return at


def _metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


@pytest.mark.parametrize("row", [SQRT_END, PARTIAL], ids=lambda r: r.id)
def test_an_optimum_on_part_of_the_domain_shows_its_note(row: Row):
    at = _open(row)
    shown = _metrics(at)
    assert leading_number(shown["Best x"][0]) == float(number(row.x))
    assert leading_number(shown["f(x)"][0]) == float(number(row.value))
    warnings_shown = [w.value for w in at.warning]
    for note in row.notes:
        assert note in warnings_shown
    assert not at.error


def test_a_kink_shows_its_two_slopes_instead_of_f_second():
    at = _open(KINK)
    value, delta = _metrics(at)["Kind"]
    assert value == "Kink"
    assert delta == "f′ jumps from −0.5 to 1.5"
    assert leading_number(_metrics(at)["Best x"][0]) == 3.0


def test_a_pole_gets_its_one_sentence_and_no_optimum():
    at = _open(POLE)
    assert [e.value for e in at.error] == [POLE.refusal]
    assert "Best x" not in _metrics(at)


@pytest.mark.browser
def test_the_browser_shows_the_note_the_slopes_and_the_sentence(page, app_url):
    from playwright.sync_api import expect

    warning = page.locator("[data-testid='stAlertContentWarning']")
    error = page.locator("[data-testid='stAlertContentError']")
    metric = page.locator("[data-testid='stMetricValue']")
    for row in (PARTIAL, KINK, POLE):
        page.goto(f"{app_url}/own-model?{urlencode(_query(row))}")
        page.wait_for_selector(APP_IDLE)
        assert page.locator("[data-testid='stException']").count() == 0
        if row is PARTIAL:
            expect(metric.first).to_have_text("10")
            expect(warning.filter(has_text=row.notes[0])).to_have_count(1)
        elif row is KINK:
            expect(metric.first).to_have_text("3")
            delta = page.locator("[data-testid='stMetricDelta']")
            expect(delta.filter(has_text="f′ jumps from −0.5 to 1.5")).to_have_count(1)
        else:
            expect(error.filter(has_text=row.refusal)).to_have_count(1)
            expect(metric).to_have_count(0)
        body = page.locator("body").inner_text()
        assert "RuntimeWarning" not in body and "lambdifygenerated" not in body
