"""Check my derivative and the Practice page in headless Chromium."""

from __future__ import annotations

import pytest

from tests.dashboard.helpers import APP_IDLE

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(APP_IDLE)


def _submit(page, label: str, text: str) -> None:
    box = page.get_by_role("textbox", name=label)
    box.fill(text)
    box.press("Enter")
    page.wait_for_selector(APP_IDLE)


def test_the_derivation_tab_shows_the_steps_and_checks_a_slip(page, app_url):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/headphone_pricing?view=Derivation")
    expect(page.get_by_text("Step by step: the rules that give f′")).to_be_visible()
    expect(page.get_by_text("1 · Product rule")).to_be_visible()
    expect(page.get_by_text("Check against SymPy")).to_be_visible()
    charts = page.locator("[data-testid='stVegaLiteChart']")
    expect(charts).to_have_count(2)
    _submit(page, "Your f′(p)", "-b")
    expect(page.get_by_text("Not correct, decided by both checks.")).to_be_visible()
    expect(
        page.get_by_text(
            "This looks like the product rule applied as the product of the derivatives"
        )
    ).to_be_visible()
    expect(charts).to_have_count(3)  # both curves, below the slip
    assert "-b" not in page.url and "answer" not in page.url
    _submit(page, "Your f′(p)", "a - 2b p + b c")
    expect(page.get_by_text("Correct, decided by both checks.")).to_be_visible()
    expect(charts).to_have_count(2)
    assert page.locator(EXCEPTION).count() == 0


def test_the_practice_page_grades_scores_and_keeps_the_number_in_the_link(
    page, app_url
):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/practice?exercise=16")
    expect(page.get_by_text("Exercise 16 of 20: Chain rule: a power")).to_be_visible()
    score = page.locator("[data-testid='stMetricValue']")
    expect(score).to_have_text("0 of 20")
    _submit(page, "Your f′(x)", "5(3x + 1)^4")
    expect(
        page.get_by_text("This looks like a missing chain-rule factor")
    ).to_be_visible()
    expect(score).to_have_text("0 of 20")
    _submit(page, "Your f′(x)", "15(3x + 1)^4")
    expect(page.get_by_text("Correct, decided by both checks.")).to_be_visible()
    expect(score).to_have_text("1 of 20")
    page.get_by_role("button", name="Next").click()
    page.wait_for_selector(APP_IDLE)
    expect(
        page.get_by_text("Exercise 17 of 20: Chain rule in a difference")
    ).to_be_visible()
    expect(page).to_have_url(f"{app_url}/practice?exercise=17")
    expect(score).to_have_text("1 of 20")
    assert page.locator(EXCEPTION).count() == 0
