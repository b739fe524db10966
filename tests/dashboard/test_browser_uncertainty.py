"""The Uncertainty tab in headless Chromium: pick a distribution, keep the link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.dashboard.helpers import APP_IDLE, click_tab

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
METRIC = "[data-testid='stMetric']"


def _best_on_average(page) -> str:
    from playwright.sync_api import expect

    card = page.locator(METRIC).filter(has_text="Best price on average")
    expect(card).to_be_visible(timeout=60_000)
    return card.locator("[data-testid='stMetricValue']").inner_text()


def test_a_distribution_and_a_seed_go_in_the_link_and_reopen_the_same_run(
    page, app_url
):
    from playwright.sync_api import expect

    page.goto(f"{app_url}/headphone_pricing")
    page.wait_for_selector(APP_IDLE)
    click_tab(page, "Uncertainty")
    expect(page.get_by_text("Pick a distribution for at least one")).to_be_visible()
    kind = page.locator(".st-key-whatif_mc_unit_cost")
    kind.get_by_role("combobox").click()
    page.get_by_role("option", name="Normal", exact=True).click()
    page.wait_for_selector(APP_IDLE)
    first = _best_on_average(page)
    seed = page.locator(".st-key-whatif_mc_seed").get_by_role("spinbutton")
    seed.fill("5")
    seed.press("Enter")
    page.wait_for_selector(APP_IDLE)
    expect(page.get_by_text("draws with seed 5; the link keeps both")).to_be_visible(
        timeout=60_000
    )
    query = parse_qs(urlsplit(page.url).query)
    assert query["view"] == ["Uncertainty"]
    assert query["whatif_mc_unit_cost"] == ["Normal"]
    assert query["whatif_mc_seed"] == ["5"]
    shown = _best_on_average(page)
    assert shown.startswith("$") and first.startswith("$")
    assert page.locator(EXCEPTION).count() == 0

    # The copied link opens the same run in a fresh tab.
    other = page.context.new_page()
    other.goto(page.url)
    other.wait_for_selector(APP_IDLE)
    assert _best_on_average(other) == shown
    assert other.locator(EXCEPTION).count() == 0
    other.close()
