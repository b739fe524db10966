"""Chromium through nginx in front of two replicas on one PostgreSQL schema.

Each browser context is pinned to a replica by the cookie nginx reads, the
way any browser is once nginx has set it; the response header nginx adds
says which replica answered. Waits use Playwright's auto-waiting on page
state, never a measured duration.
"""

from __future__ import annotations

import pytest

from benchmarks.harness import APP_IDLE
from deploy.team import REPLICA_COOKIE, REPLICA_HEADER
from scenarios.store.cases import CaseStore

pytestmark = pytest.mark.browser

METRIC = "[data-testid='stMetricValue']"
EXCEPTION = "[data-testid='stException']"
SLIDER = ".st-key-unit_cost input[type='range']"


@pytest.fixture
def context(chromium, team):
    """A factory of browser contexts pinned to a replica (or not), closed after."""
    opened = []
    address = team[0].url

    def new(replica: str | None):
        ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
        if replica is not None:
            ctx.add_cookies(
                [{"name": REPLICA_COOKIE, "value": replica, "url": address}]
            )
        opened.append(ctx)
        return ctx.new_page()

    yield new
    for ctx in opened:
        ctx.close()


def _open(page, url: str) -> str | None:
    """Load ``url``; the replica that answered."""
    response = page.goto(url)
    page.wait_for_selector("[data-testid='stMain']")
    page.wait_for_selector(APP_IDLE)
    return response.headers.get(REPLICA_HEADER.lower())


def _press_right(page) -> None:
    page.locator(SLIDER).focus()
    page.keyboard.press("ArrowRight")


def test_through_nginx_a_slider_a_save_the_other_replica_and_a_dead_one(team, context):
    from playwright.sync_api import expect

    team, url = team
    first = context("1")
    assert _open(first, f"{team.url}/headphone_pricing?view=Saved+cases") == "1"
    price = first.locator(METRIC).first
    expect(price).to_have_text("$75.00")
    _press_right(first)  # one step of $0.50: p* = (1300 / 10 + 20.5) / 2
    expect(price).to_have_text("$75.25")

    box = first.locator(".st-key-whatif_case_name input")
    box.fill("Through nginx")
    box.press("Tab")
    first.get_by_role("button", name="Save as case").click()
    expect(first.get_by_text("Saved case “Through nginx”.")).to_be_visible()
    assert first.locator(EXCEPTION).count() == 0

    # A second user, pinned to the other replica, sees the case.
    second = context("2")
    assert _open(second, f"{team.url}/cases") == "2"
    scenario_box = second.get_by_role("combobox", name="Scenario", exact=True)
    expect(scenario_box).to_have_value("Headphone pricing (1 case)")
    case_box = second.get_by_role("combobox", name="Case", exact=True)
    expect(case_box).to_have_value("Through nginx")
    store = CaseStore(url)
    assert store.find("headphone_pricing", "Through nginx").params["unit_cost"] == 20.5
    store.close()

    # Replica 1 dies: a new session pinned to it is served by replica 2,
    # whose number the cookie then carries.
    team.kill(1)
    third = context("1")
    assert _open(third, f"{team.url}/headphone_pricing") == "2"
    cookies = {c["name"]: c["value"] for c in third.context.cookies()}
    assert cookies[REPLICA_COOKIE] == "2"
    third_price = third.locator(METRIC).first
    expect(third_price).to_have_text("$75.00")
    _press_right(third)
    expect(third_price).to_have_text("$75.25")
    assert third.locator(EXCEPTION).count() == 0

    # The first user's page reconnects, through nginx, to replica 2.
    _press_right(first)
    expect(price).to_have_text("$75.50")
    assert first.locator(EXCEPTION).count() == 0
