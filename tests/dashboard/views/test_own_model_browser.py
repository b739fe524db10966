"""The "Your own model" page in headless Chromium: typing, links, refusals."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from tests.dashboard.helpers import APP_IDLE

pytestmark = pytest.mark.browser

METRIC = "[data-testid='stMetricValue']"
EXCEPTION = "[data-testid='stException']"
FORMULA_BOX = ".st-key-om_formula input"


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(APP_IDLE)


def _type_formula(page, text: str) -> None:
    box = page.locator(FORMULA_BOX)
    box.fill(text)
    box.press("Enter")
    page.wait_for_selector(APP_IDLE)


def test_a_shared_link_reopens_the_model_then_typing_changes_it(page, app_url):
    from playwright.sync_api import expect

    query = {
        "om_formula": "(p - c)(a - b p)", "om_variable": "p", "om_lo": "c",
        "om_hi": "a/b", "om_goal": "maximize", "a": "1300", "b": "10", "c": "25",
    }  # fmt: skip
    _open(page, f"{app_url}/own-model?{urlencode(query)}")
    best = page.locator(METRIC).first
    # p* = (a/b + c) / 2 = (130 + 25) / 2
    expect(best).to_have_text("77.5")
    expect(page.locator(FORMULA_BOX)).to_have_value("(p - c)(a - b p)")

    # a demand curve that is not a straight line: p* = c + 1/k for p e^(-kp)
    _type_formula(page, "(p - c) a e^(-p/50)")
    # (p - c) e^(-p/50) peaks where 1 - (p - c)/50 = 0: p* = c + 50 = 75
    expect(best).to_have_text("75")
    shared = parse_qs(urlparse(page.url).query)
    assert shared["om_formula"] == ["(p - c) a e^(-p/50)"]
    assert shared["om_defaults"] == ["c=25;a=1300;b=10"]  # b: in the domain a/b
    assert page.locator(EXCEPTION).count() == 0

    # the copied link opens the same model in a new tab
    other = page.context.new_page()
    _open(other, page.url)
    from playwright.sync_api import expect as expect_other

    expect_other(other.locator(METRIC).first).to_have_text("75")
    other.close()


def test_a_syntax_error_shows_a_caret_and_the_page_recovers(page, app_url):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/own-model")
    expect(page.locator(METRIC).first).to_have_text("75")
    _type_formula(page, "(p - c)(a - b p")
    alert = page.locator("[data-testid='stAlertContentError']").first
    expect(alert).to_contain_text("never closed")
    expect(page.locator("[data-testid='stCode']").first).to_contain_text("^")
    assert page.locator(EXCEPTION).count() == 0
    _type_formula(page, "(p - c)(a - b p)")
    expect(page.locator(METRIC).first).to_have_text("75")


def test_hostile_text_is_refused_in_the_browser(page, app_url):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/own-model")
    _type_formula(page, "__import__('os').system('echo hi')")
    alert = page.locator("[data-testid='stAlertContentError']").first
    expect(alert).to_contain_text("contains the character")
    assert page.locator(EXCEPTION).count() == 0
