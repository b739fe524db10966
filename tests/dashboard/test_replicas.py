"""Real servers on PostgreSQL: two app replicas, and a database that goes away.

Two ``streamlit run`` replicas on two ports share one PostgreSQL schema, as a
team's replicas behind a load balancer would: what one saves the other shows.
The fault test runs a private, throwaway PostgreSQL cluster that it stops and
starts in the middle of a browser session, so no one else's server is touched.
Waits use Playwright's auto-waiting on page state, never a measured duration.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.engine import URL

from scenarios.store.cases import CaseStore
from tests import databases
from tests.dashboard.conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    _skip_or_fail,
    serve,
)
from tests.dashboard.helpers import APP_IDLE, click_tab, leading_number

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
METRIC = "[data-testid='stMetricValue']"
CHART = "[data-testid='stVegaLiteChart']"
TABLE = "[data-testid='stDataFrame'], [data-testid='stTable']"
ALERT = "[data-testid='stAlert']"
SAVE = "Save as case"


@contextmanager
def app_server(url: URL, name: str) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` with saved work at ``url``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SCENARIOS_DB", "SCENARIOS_DATABASE_URL")
    }
    env["SCENARIOS_DATABASE_URL"] = url.render_as_string(hide_password=False)
    with serve(env, f"streamlit-{name}") as address:
        yield address


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium through Playwright, for this module alone."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        _skip_or_fail(f"{CHROMIUM} not found; install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def tab(chromium, request):
    """A factory of fresh 1280x900 tabs (one context each, like separate users)."""
    contexts = []

    def new_tab():
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield new_tab
    report = getattr(request.node, "report_call", None)
    for i, context in enumerate(contexts):
        if report is not None and report.failed:
            for j, page in enumerate(context.pages):
                page.screenshot(
                    path=str(ARTIFACTS / f"{request.node.name}-{i}-{j}.png"),
                    full_page=True,
                )
        context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(APP_IDLE)


def _save_case(page, name: str) -> None:
    box = page.locator(".st-key-whatif_case_name input")
    box.fill(name)
    box.press("Tab")
    page.get_by_role("button", name=SAVE).click()


def _no_exceptions(page) -> None:
    assert page.locator(EXCEPTION).count() == 0


# Two replicas, one database.


def test_a_case_saved_on_one_replica_shows_on_the_other_and_a_delete_too(tab):
    from playwright.sync_api import expect

    name = "Team <b>plan</b> — O'Brien's"
    with (
        databases.fresh_schema() as url,
        app_server(url, "replica-a") as first,
        app_server(url, "replica-b") as second,
    ):
        on_first, on_second = tab(), tab()
        _open(on_second, f"{second}/cases")
        expect(on_second.get_by_text("No saved cases yet", exact=False)).to_be_visible()

        _open(on_first, f"{first}/headphone_pricing?unit_cost=30&view=Saved+cases")
        _save_case(on_first, name)
        expect(on_first.get_by_text(f"Saved case “{name}”.")).to_be_visible()
        _no_exceptions(on_first)

        on_second.reload()
        on_second.wait_for_selector(APP_IDLE)
        table = on_second.locator("[data-testid='stDataFrame']").first
        expect(table).to_be_visible()
        # The case is in the database the second replica reads.
        stored = CaseStore(url).find("headphone_pricing", name)
        assert stored.params["unit_cost"] == 30.0
        scenario_box = on_second.get_by_role("combobox", name="Scenario", exact=True)
        expect(scenario_box).to_have_value("Headphone pricing (1 case)")
        case_box = on_second.get_by_role("combobox", name="Case", exact=True)
        expect(case_box).to_have_value(name)

        # Delete on the second replica; the first no longer lists it.
        on_second.get_by_role("button", name="Delete…").click()
        on_second.get_by_role("button", name="Yes, delete").click()
        expect(on_second.get_by_text(f"Deleted “{name}”.")).to_be_visible()
        _no_exceptions(on_second)

        _open(on_first, f"{first}/cases")
        expect(on_first.get_by_text("No saved cases yet", exact=False)).to_be_visible()
        assert CaseStore(url).list() == []
        CaseStore(url).close()


# The database goes away in the middle of a session, and comes back.


def test_the_database_stopping_and_starting_mid_session(tab):
    from playwright.sync_api import expect

    with databases.private_server() as server, app_server(server.url, "fault") as app:
        page = tab()
        _open(page, f"{app}/headphone_pricing?view=Saved+cases")
        _save_case(page, "Before")
        expect(page.get_by_text("Saved case “Before”.")).to_be_visible()
        price = page.locator(METRIC).first
        expect(price).to_have_text("$75.00")

        server.stop()

        # Move a slider: the page reruns and reads the store, which is gone.
        thumb = page.locator(".st-key-unit_cost input[type='range']")
        thumb.focus()
        page.keyboard.press("ArrowRight")
        # One step of $0.50: p* = (1300 / 10 + 20.5) / 2 = 75.25.
        expect(price).to_have_text("$75.25")
        unavailable = page.get_by_text("Saved cases are unavailable", exact=False)
        expect(unavailable).to_be_visible()
        assert unavailable.inner_text().strip() == (
            "Saved cases are unavailable: the database at "
            f"127.0.0.1:{server.port}/postgres cannot be reached."
        )
        # The optimum, the charts and the tables keep working.
        assert leading_number(price.inner_text()) == 75.25
        expect(page.locator(CHART).nth(1)).to_be_visible()
        click_tab(page, "Tables")
        expect(page.locator(TABLE).first).to_be_visible()
        _no_exceptions(page)

        # A save meanwhile is refused with a message, not lost silently.
        click_tab(page, "Saved cases")
        _save_case(page, "During")
        refused = page.get_by_text("Nothing was saved", exact=False)
        expect(refused).to_be_visible()
        _no_exceptions(page)

        # The Cases page says the same in one sentence.
        _open(page, f"{app}/cases")
        expect(page.locator(ALERT)).to_have_count(1)
        expect(page.locator(ALERT)).to_contain_text("Saved cases are unavailable")
        _no_exceptions(page)

        server.start()

        # Saving works again without restarting the app.
        _open(page, f"{app}/headphone_pricing?unit_cost=40&view=Saved+cases")
        _save_case(page, "After")
        expect(page.get_by_text("Saved case “After”.")).to_be_visible()
        _open(page, f"{app}/cases")
        scenario_box = page.get_by_role("combobox", name="Scenario", exact=True)
        expect(scenario_box).to_have_value("Headphone pricing (2 cases)")
        store = CaseStore(server.url)
        assert [c.name for c in store.list()] == ["Before", "After"]
        assert store.find("headphone_pricing", "After").params["unit_cost"] == 40.0
        store.close()
