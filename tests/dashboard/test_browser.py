"""The dashboard in headless Chromium: real URLs, real keyboard, real rendering.

One Streamlit server serves the whole session (see ``app_url`` in conftest).
Waits use Playwright's auto-waiting on page state, never a measured duration.
"""

from __future__ import annotations

import pytest

import scenarios
from tests.dashboard.helpers import APP_IDLE, click_tab

pytestmark = pytest.mark.browser

FIRST_METRIC = "[data-testid='stMetricValue']"
EXCEPTION = "[data-testid='stException']"


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(APP_IDLE)


def test_uber_link_with_doubled_demand_reads_201_then_a_key_press_moves_it(
    page, app_url
):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/uber_surge?demand_multiplier=2")
    price = page.locator(FIRST_METRIC).first
    # p* = (m a / b + c) / 2 = (2 * 1000 / 5 + 2) / 2 = 201
    expect(price).to_have_text("$201.00 per ride")

    # Streamlit's slider thumb is a visually hidden <input type="range">.
    thumb = page.locator(".st-key-demand_multiplier input[type='range']")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    # One step of 0.1: (2.1 * 1000 / 5 + 2) / 2 = 211
    expect(price).to_have_text("$211.00 per ride")
    expect(page).to_have_url(f"{app_url}/uber_surge?demand_multiplier=2.1")
    assert page.locator(EXCEPTION).count() == 0


def test_every_scenario_page_renders_without_an_exception(page, app_url):
    """Visit every page through the navigation menu in one tab, as a user would."""
    from playwright.sync_api import expect

    _open(page, app_url)
    for scenario_id, scenario in scenarios.REGISTRY.items():
        page.get_by_text("Scenarios", exact=True).click()
        menu = page.locator("[data-floating-ui-portal]")
        menu.get_by_text(scenario.title, exact=True).click()
        expect(page).to_have_url(f"{app_url}/{scenario_id}")
        heading = page.get_by_role("heading", name=scenario.title, exact=True)
        expect(heading).to_be_visible()
        page.wait_for_selector(APP_IDLE)
        expect(page.locator(FIRST_METRIC).first).to_be_visible()
        # The objective and its slope, at least (sensitivity adds its own).
        expect(page.locator("[data-testid='stVegaLiteChart']").nth(1)).to_be_visible()
        assert page.locator(EXCEPTION).count() == 0, scenario_id


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("cases", "Saved cases"),
        ("compare", "Compare scenarios"),
        ("derivative-lab", "Derivative lab"),
        ("gradient-descent", "Gradient descent"),
    ],
)
def test_tool_pages_render_without_an_exception(page, app_url, path, title):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/{path}")
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    page.wait_for_selector(APP_IDLE)
    assert page.locator(EXCEPTION).count() == 0, path


def test_overview_links_open_scenario_pages(page, app_url):
    from playwright.sync_api import expect

    _open(page, app_url)
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("link", name="Fuel efficiency", exact=True).first.click()
    expect(page).to_have_url(f"{app_url}/fuel_efficiency")
    page.wait_for_selector(APP_IDLE)
    expect(page.locator(FIRST_METRIC).first).to_have_text("44.72 mph")


def test_bad_link_value_shows_a_notice_not_an_error(page, app_url):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/headphone_pricing?unit_cost=lots&demand_slope=999")
    alerts = page.locator("[data-testid='stAlertContentWarning']")
    expect(alerts.filter(has_text="not a number")).to_have_count(1)
    expect(alerts.filter(has_text="outside the allowed")).to_have_count(1)
    expect(page.locator(FIRST_METRIC).first).to_have_text("$75.00")
    assert page.locator(EXCEPTION).count() == 0


def test_infeasible_link_shows_one_sentence(page, app_url):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/headphone_pricing?unit_cost=100&demand_intercept=100")
    error = page.locator("[data-testid='stAlertContentError']")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("No feasible price")
    expect(page.get_by_role("button", name="Reset to defaults")).to_be_visible()
    assert page.locator(EXCEPTION).count() == 0


def test_shared_parameter_name_does_not_carry_between_pages(page, app_url):
    """production_profit allows curvature up to 10, study_burnout only up to 5."""
    from playwright.sync_api import expect

    _open(page, f"{app_url}/production_profit")
    thumb = page.locator(".st-key-curvature input[type='range']")
    thumb.focus()
    page.keyboard.press("End")
    expect(page).to_have_url(f"{app_url}/production_profit?curvature=10")
    page.wait_for_selector(APP_IDLE)
    page.get_by_text("Scenarios", exact=True).click()
    page.locator("[data-floating-ui-portal]").get_by_text(
        "Study burnout", exact=True
    ).click()
    expect(page).to_have_url(f"{app_url}/study_burnout")
    # h* = g / (2 q) = 12 / (2 * 1), with q back at its own default
    expect(page.locator(FIRST_METRIC).first).to_have_text("6 hours per day")
    expect(page.locator(".st-key-curvature input[type='range']")).to_have_value("1")
    assert page.locator(EXCEPTION).count() == 0


# Every change of the app's script state, recorded in the page itself.
_WATCH_SCRIPT_STATE = """() => {
    window.__scriptStates = [];
    const app = document.querySelector("[data-testid='stApp']");
    new MutationObserver(() => window.__scriptStates.push(
        app.getAttribute("data-test-script-state"))
    ).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""


@pytest.mark.parametrize("scenario_id", list(scenarios.REGISTRY))
def test_hover_tangent_follows_the_pointer_without_a_rerun(page, app_url, scenario_id):
    """Moving across the main chart redraws its tangent in the browser alone."""
    from playwright.sync_api import expect

    from dashboard.charts.panels import READOUT

    _open(page, f"{app_url}/{scenario_id}")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    # The marks are drawn on a canvas, the text (the readout too) in SVG above it.
    chart.locator("canvas").first.wait_for()
    chart.locator("g.role-axis-label text").first.wait_for()
    chart.scroll_into_view_if_needed()
    # Vega-Lite names a named layer's marks "<name>_marks", an SVG class.
    readout = chart.locator(f"g.{READOUT}_marks text")
    assert readout.count() == 0  # nothing under the pointer yet
    page.evaluate(_WATCH_SCRIPT_STATE)
    box = chart.bounding_box()
    seen = []
    for share in (0.25, 0.5, 0.75):
        # Several small moves, as a hand dragging across the curve would make.
        page.mouse.move(
            box["x"] + share * box["width"], box["y"] + 0.6 * box["height"], steps=4
        )
        readout.first.wait_for()
        if seen:  # Vega redraws on the next frame: wait for the new text
            expect(readout.first).not_to_have_text(seen[-1])
        seen.append(readout.first.text_content())
    # Dragging along the curve moves it too.
    page.mouse.down()
    page.mouse.move(box["x"] + 0.4 * box["width"], box["y"] + 0.6 * box["height"])
    expect(readout.first).not_to_have_text(seen[-1])
    seen.append(readout.first.text_content())
    page.mouse.up()
    assert len(set(seen)) == 4, seen
    assert all("·" in text and "f′" in text for text in seen), seen
    assert page.evaluate("window.__scriptStates") == []
    assert (
        page.locator("[data-testid='stApp']").get_attribute("data-test-script-state")
        == "notRunning"
    )


def test_loading_a_case_from_its_fragment_moves_the_sliders_and_the_page(page, app_url):
    """Saved cases rerun only their own section, except when a case is loaded."""
    from playwright.sync_api import expect

    _open(page, f"{app_url}/headphone_pricing")
    price = page.locator(FIRST_METRIC).first
    # Lesson defaults: p* = (a / b + c) / 2 = (1300 / 10 + 20) / 2 = 75
    expect(price).to_have_text("$75.00")
    click_tab(page, "Saved cases")
    expect(page).to_have_url(f"{app_url}/headphone_pricing?view=Saved+cases")
    page.get_by_label("Case name", exact=True).fill("Lesson defaults")
    page.get_by_role("button", name="Save as case").click()
    expect(page.get_by_text("Saved case “Lesson defaults”.")).to_be_visible()
    page.wait_for_selector(APP_IDLE)

    thumb = page.locator(".st-key-unit_cost input[type='range']")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    # One step of $0.50 on the unit cost moves p* by half of it.
    expect(price).to_have_text("$75.25")
    page.wait_for_selector(APP_IDLE)

    page.get_by_role("button", name="Load into the sliders").click()
    expect(page.get_by_text("Loaded case “Lesson defaults”.")).to_be_visible()
    expect(price).to_have_text("$75.00")
    assert "unit_cost=20.5" not in page.url
    assert page.locator(EXCEPTION).count() == 0
