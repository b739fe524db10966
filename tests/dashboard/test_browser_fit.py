"""Fitting in headless Chromium: upload sales or scores, compare, use the fit."""

from __future__ import annotations

import numpy as np
import pytest

from tests.dashboard.helpers import APP_IDLE, click_tab

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
PRICES = [20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]
HOURS = [0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 20]


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(APP_IDLE)


def _upload(page, heading: str, path) -> None:
    from playwright.sync_api import expect

    section = page.get_by_role("heading", name=heading)
    section.scroll_into_view_if_needed()
    radio = page.get_by_text("A CSV file").last
    radio.click()
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']").last
    expect(uploader).to_be_attached()
    uploader.set_input_files(str(path))


@pytest.fixture
def sales_csv(tmp_path):
    rng = np.random.default_rng(7)
    units = np.round(1500 * np.exp(-0.02 * np.array(PRICES)) + rng.normal(0, 10, 11))
    path = tmp_path / "sales.csv"
    path.write_text(
        "price,units\n"
        + "".join(f"{p},{q:g}\n" for p, q in zip(PRICES, units, strict=True))
    )
    return path


@pytest.fixture
def study_csv(tmp_path):
    rng = np.random.default_rng(11)
    h = np.array(HOURS, dtype=float)
    scores = np.round(90 * (1 - np.exp(-0.3 * h)) + rng.normal(0, 1.5, h.size), 1)
    path = tmp_path / "study.csv"
    path.write_text(
        "hours,score\n"
        + "".join(f"{a:g},{b:g}\n" for a, b in zip(h, scores, strict=True))
    )
    return path


def test_sales_upload_compares_shapes_and_opens_the_exponential_model(
    page, app_url, sales_csv
):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/headphone_pricing")
    click_tab(page, "Fit to data")
    _upload(page, "Fit demand from your sales data", sales_csv)
    best = page.get_by_role("cell", name="Exponential (best)")
    expect(best).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Best by AICc: exponential")).to_be_visible()
    link = page.get_by_role("link", name="Use the exponential fit")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href.startswith("own-model?om_formula=")
    # The price the table shows for the exponential shape...
    row = page.get_by_role("row").filter(has_text="Exponential (best)")
    price = row.get_by_role("cell").nth(7).inner_text()
    assert page.locator(EXCEPTION).count() == 0

    # ...is the optimum the own-model page finds for the linked formula.
    _open(page, f"{app_url}/{href}")
    metric = page.locator("[data-testid='stMetricValue']").first
    expect(metric).to_have_text(price.lstrip("$"), timeout=60_000)
    click_tab(page, "Fit to data")
    expect(
        page.get_by_role("heading", name="Fit the curve to your data")
    ).to_be_attached()
    assert page.locator(EXCEPTION).count() == 0


def test_study_scores_fit_and_the_button_sets_the_sliders(page, app_url, study_csv):
    from playwright.sync_api import expect

    _open(page, f"{app_url}/study_time")
    click_tab(page, "Fit to data")
    _upload(page, "Fit the curve to your data", study_csv)
    button = page.get_by_role("button", name="Set the sliders to the fit")
    expect(button).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Residual: data minus fit.")).to_be_visible()
    button.click()
    expect(page.get_by_text("The sliders now hold the fitted values.")).to_be_visible(
        timeout=60_000
    )
    page.wait_for_selector(APP_IDLE)
    # The fitted maximum score, rounded to its slider's step of 1, is in the
    # URL (the learning speed fits to the default 0.3, which a URL omits).
    from scipy.optimize import curve_fit

    h = np.array(HOURS, dtype=float)
    scores = np.loadtxt(study_csv, delimiter=",", skiprows=1)[:, 1]
    (s, k), _ = curve_fit(
        lambda h, s, k: s * (1 - np.exp(-k * h)), h, scores, (90, 0.3)
    )
    assert f"max_score={round(s)}" in page.url
    if round(k, 2) != 0.3:
        assert f"learning_speed={round(k, 2):g}" in page.url
    assert page.locator(EXCEPTION).count() == 0


def test_a_bad_file_gets_a_sentence_and_the_page_keeps_working(page, app_url, tmp_path):
    from playwright.sync_api import expect

    bad = tmp_path / "scores.csv"
    bad.write_text("hours,score\n1,20\n")
    _open(page, f"{app_url}/study_time")
    click_tab(page, "Fit to data")
    _upload(page, "Fit the curve to your data", bad)
    expect(page.get_by_text("1 row cannot fit 2 parameters")).to_be_visible(
        timeout=60_000
    )
    expect(page.locator("[data-testid='stMetricValue']").first).to_be_visible()
    assert page.locator(EXCEPTION).count() == 0
