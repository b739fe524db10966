"""Three rows of the singular corpus on the own-model page, in AppTest and Chromium."""

from __future__ import annotations

import pytest

from tests.dashboard.helpers import APP_IDLE, leading_number, open_page

PAGE = "own-model"


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("SCENARIOS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIOS_DB", str(tmp_path / "cases.sqlite3"))


def _typed(formula: str, lo: str, hi: str, goal: str):
    at = open_page(PAGE)
    for key, value in (("om_formula", formula), ("om_variable", "x"),
                       ("om_lo", lo), ("om_hi", hi)):  # fmt: skip
        next(t for t in at.text_input if t.key == key).set_value(value)
    at.segmented_control(key="om_goal").set_value(goal)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in (at.warning, at.error, at.info, at.success):
        parts += [e.value for e in kind]
    parts += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    return "\n".join(parts)


def test_a_square_root_end_is_a_candidate_and_says_so():
    at = _typed("sqrt(x)*(10 - x)", "0", "10", "maximize")
    best = {m.label: m.value for m in at.metric}["Best x"]
    assert leading_number(best) == pytest.approx(10 / 3, rel=1e-3)
    assert "f′ is unbounded at x = 0" in _shown(at)
    assert "RuntimeWarning" not in _shown(at)


def test_a_pole_gets_one_sentence_and_no_optimum():
    at = _typed("1/(x - 2)", "0", "4", "maximize")
    errors = [e.value for e in at.error]
    assert any("f has no maximum on [0, 4]" in e for e in errors), errors
    assert not any(m.label == "Best x" for m in at.metric)


def test_a_kink_shows_its_two_slopes():
    at = _typed("abs(x - 3) + 0.5x", "0", "10", "minimize")
    shown = _shown(at)
    assert leading_number({m.label: m.value for m in at.metric}["Best x"]) == 3.0
    assert "kink" in shown.lower()
    assert "−0.5" in shown and "1.5" in shown


@pytest.mark.browser
def test_the_browser_shows_the_pole_sentence_then_recovers(page, app_url):
    page.goto(f"{app_url}/own-model")
    page.wait_for_selector(APP_IDLE)
    for key, value in (("om_variable", "x"), ("om_lo", "0"), ("om_hi", "4"),
                       ("om_formula", "1/(x - 2)")):  # fmt: skip
        box = page.locator(f".st-key-{key} input")
        box.fill(value)
        box.press("Enter")
        page.wait_for_selector(APP_IDLE)
    alert = page.locator("[data-testid='stAlert']", has_text="f has no maximum")
    alert.first.wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    box = page.locator(".st-key-om_formula input")
    box.fill("sqrt(x)*(10 - x)")
    box.press("Enter")
    page.wait_for_selector(APP_IDLE)
    page.locator(".st-key-om_hi input").fill("10")
    page.locator(".st-key-om_hi input").press("Enter")
    page.wait_for_selector(APP_IDLE)
    value = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert value.startswith("3.33")
