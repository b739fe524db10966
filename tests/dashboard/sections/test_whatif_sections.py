"""The what-if sections and the Cases page, driven through Streamlit's AppTest.

``apps/whatif_app.py`` is a small multipage app whose scenario pages have
URL-bound sliders keyed by parameter name, as the dashboard's do, followed by
the what-if sections; its last page is the Cases page.
"""

from pathlib import Path

import pytest
from streamlit.navigation.page import calc_hash
from streamlit.testing.v1 import AppTest

from scenarios.store.cases import CaseStore

APP = str(Path(__file__).resolve().parents[1] / "apps" / "whatif_app.py")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "cases.sqlite3"
    monkeypatch.setenv("SCENARIOS_DB", str(path))
    return path


def app(start="headphone_pricing"):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["harness_start"] = start
    return at.run()


def go_to(at, url_path):
    # AppTest.switch_page only knows file pages; these pages are callables,
    # and Streamlit identifies a page by the hash of its url_path.
    at._page_hash = calc_hash(url_path)
    return at.run()


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


def texts(elements):
    return " ".join(str(e.value) for e in elements)


def save(at, name, replace=False):
    at.text_input(key="whatif_case_name").input(name)
    if replace:
        at.checkbox(key="whatif_case_replace").check()
    return at.button(key="FormSubmitter:whatif_save_form-Save as case").click().run()


# Save as case.


def test_save_a_case_then_see_it_listed(db):
    at = app()
    no_exceptions(at)
    at.slider(key="unit_cost").set_value(30.0).run()
    save(at, "Supplier +$10")
    no_exceptions(at)
    assert "Saved case" in texts(at.success)
    assert at.selectbox(key="whatif_load_choice").options == ["Supplier +$10"]
    stored = CaseStore(db).find("headphone_pricing", "Supplier +$10")
    assert stored.params == {
        "unit_cost": 30.0,
        "demand_intercept": 1300.0,
        "demand_slope": 10.0,
    }


def test_duplicate_name_shows_a_message_and_replace_overwrites(db):
    at = app()
    save(at, "Base")
    at.slider(key="unit_cost").set_value(25.0).run()
    save(at, "Base")
    no_exceptions(at)
    assert "already exists" in texts(at.error)
    assert CaseStore(db).find("headphone_pricing", "Base").params["unit_cost"] == 20
    save(at, "Base", replace=True)
    assert CaseStore(db).find("headphone_pricing", "Base").params["unit_cost"] == 25


def test_html_and_markdown_in_names_are_shown_as_plain_text(db):
    name = "<b>Bold</b> **x** [link](http://example.com) $y$"
    at = app()
    save(at, name)
    no_exceptions(at)
    assert all(not m.allow_html for m in at.markdown)
    assert CaseStore(db).list()[0].name == name
    # The message escapes every Markdown character; the list shows it verbatim.
    assert r"\<b\>Bold\<\/b\> \*\*x\*\*" in texts(at.success)
    assert at.selectbox(key="whatif_load_choice").options == [name]


def test_load_a_case_back_into_the_sliders_from_the_scenario_page(db):
    CaseStore(db).save(
        "headphone_pricing",
        "Cheap",
        {"unit_cost": 10, "demand_intercept": 1300, "demand_slope": 10},
    )
    at = app()
    at.slider(key="unit_cost").set_value(50.0).run()
    at.button(key="whatif_load_button").click().run()
    no_exceptions(at)
    assert at.slider(key="unit_cost").value == 10.0
    # p* = (1300/10 + 10)/2 = 70.
    assert at.metric[0].value == "70"
    assert "Loaded case" in texts(at.success)


# The Cases page.


def test_cases_page_lists_opens_into_sliders_and_url(db):
    store = CaseStore(db)
    store.save("headphone_pricing", "Base", {"unit_cost": 20})
    store.save(
        "headphone_pricing",
        "Cheap, steep",
        {"unit_cost": 10.5, "demand_slope": 12, "old_name": 3},
    )
    at = app("cases")
    no_exceptions(at)
    table = at.dataframe[0].value
    assert table["Name"].tolist() == ["Base", "Cheap, steep"]
    pick = at.selectbox(key="whatif_cases_pick_headphone_pricing")
    pick.select(store.find("headphone_pricing", "Cheap, steep").id).run()
    assert "no longer exists" in texts(at.caption)
    at.button(key="whatif_cases_open").click().run()
    no_exceptions(at)
    assert at.slider(key="unit_cost").value == 10.5
    assert at.slider(key="demand_slope").value == 12.0
    assert at.query_params["unit_cost"] == "10.5"
    assert at.query_params["demand_slope"] == "12"
    # p* = (1300/12 + 10.5)/2 = 59.41666...
    assert at.metric[0].value == "59.4167"
    assert "Loaded case" in texts(at.success)
    assert "no longer exists" in texts(at.warning)


def test_cases_page_opens_a_case_after_the_sliders_were_moved(db):
    CaseStore(db).save("headphone_pricing", "Cheap", {"unit_cost": 10})
    at = app()
    at.slider(key="unit_cost").set_value(60.0).run()
    at.slider(key="demand_intercept").set_value(2000.0).run()
    go_to(at, "cases")
    at.button(key="whatif_cases_open").click().run()
    no_exceptions(at)
    assert at.slider(key="unit_cost").value == 10.0
    assert at.slider(key="demand_intercept").value == 1300.0


def test_rename_and_delete_after_confirmation(db):
    store = CaseStore(db)
    case = store.save("study_time", "Lesson", {})
    at = app("cases")
    at.text_input(key="whatif_cases_new_name").input("Lesson numbers")
    at.button(key="FormSubmitter:whatif_cases_rename_form-Rename").click().run()
    no_exceptions(at)
    assert store.get(case.id).name == "Lesson numbers"
    assert "Renamed" in texts(at.success)

    at.button(key="whatif_cases_delete").click().run()
    assert "cannot be undone" in texts(at.warning)
    assert store.list() != []  # nothing deleted before the confirmation
    at.button(key="whatif_cases_delete_no").click().run()
    assert store.list() != []
    at.button(key="whatif_cases_delete").click().run()
    at.button(key="whatif_cases_delete_yes").click().run()
    no_exceptions(at)
    assert store.list() == []
    assert "No saved cases yet" in texts(at.info)


def test_summary_report_with_a_chosen_base_and_csv_download(db):
    store = CaseStore(db)
    store.save("headphone_pricing", "Base", {"unit_cost": 20})
    cheap = store.save("headphone_pricing", "Cheap", {"unit_cost": 10})
    at = app("cases")
    at.selectbox(key="whatif_report_base_headphone_pricing").select(cheap.id).run()
    no_exceptions(at)
    report = at.dataframe[1].value
    assert list(report.columns) == ["Quantity", "Base", "Cheap", "Base − Cheap"]
    best = report[report["Quantity"] == "Best price ($)"].iloc[0]
    # p* = 75 and 70: Base is $5 above the base case Cheap.
    assert (best["Base"], best["Cheap"], best["Base − Cheap"]) == (
        "$75.00",
        "$70.00",
        "+$5.00",
    )
    assert at.get("download_button")


def test_corrupt_database_shows_a_sentence_and_the_page_still_works(db):
    db.write_bytes(b"definitely not sqlite" * 100)
    at = app()
    no_exceptions(at)
    assert "damaged" in texts(at.error)
    assert at.metric[0].value == "75"  # the rest of the page is drawn
    save(at, "Anything")
    no_exceptions(at)
    assert "damaged" in texts(at.error)
    cases = go_to(at, "cases")
    no_exceptions(cases)
    assert "damaged" in texts(cases.error)


# Sensitivity.


@pytest.mark.parametrize("view", ["Tornado", "One-way sweep", "Two-way heatmap"])
@pytest.mark.parametrize("scenario_id", ["headphone_pricing", "study_time"])
def test_each_sensitivity_view_renders(db, scenario_id, view):
    at = app(scenario_id)
    at.segmented_control(key="whatif_sensitivity_view").set_value(view).run()
    no_exceptions(at)
    assert len(at.get("vega_lite_chart")) >= 1


def test_tornado_lists_the_local_slopes_by_hand(db):
    at = app()
    no_exceptions(at)
    slopes = at.dataframe[0].value.set_index("Step up in")
    # dp*/dc = 1/2, dp*/da = 1/(2b) = 0.05, dp*/db = -a/(2b^2) = -6.5;
    # df*/dc = -(a - b p*) = -550.
    assert slopes.loc["Unit cost +$1", "Best price"] == "+$0.50"
    assert slopes.loc["Demand intercept +1 pair", "Best price"] == "+$0.05"
    assert slopes.loc["Demand slope +1 pair per $", "Best price"] == "−$6.50"
    assert slopes.loc["Unit cost +$1", "Monthly profit"] == "−$550.00"


def test_heatmap_at_300_by_300_says_why_cells_are_blank(db):
    at = app()
    at.segmented_control(key="whatif_sensitivity_view").set_value(
        "Two-way heatmap"
    ).run()
    at.select_slider(key="whatif_two_way_points").set_value(300).run()
    no_exceptions(at)
    assert "300 × 300" in texts(at.caption)
    assert "Blank cells" in texts(at.caption)
    assert "unit cost must stay below" in texts(at.caption)


def test_infeasible_parameters_give_a_sentence_not_a_traceback(db):
    at = app()
    at.slider(key="unit_cost").set_value(100.0).run()
    at.slider(key="demand_intercept").set_value(500.0).run()
    no_exceptions(at)
    # The page states the infeasibility once; the sections add no error of their own.
    assert not at.error
    assert "Sensitivity is measured around a feasible case." in texts(at.caption)


# Demand from data.

CSV_2000_MINUS_4P = b"price,units\n10,1960\n50,1800\n90,1640\n"


def upload(at, name, data, mime="text/csv"):
    at.radio(key="whatif_fit_source").set_value("file").run()
    at.get("file_uploader")[0].set_value((name, data, mime))
    return at.run()


def models_table(at):
    return next(t.value for t in at.table if "Shape" in t.value.columns)


def test_fit_from_csv_shows_the_line_and_use_this_fit_moves_sliders(db):
    at = upload(app(), "sales.csv", CSV_2000_MINUS_4P)
    no_exceptions(at)
    linear = models_table(at).iloc[0]
    assert linear["Shape"] == "Linear (best)"
    assert linear["Parameters (± standard error)"] == "A = 2,000 ± 0, b = 4 ± 0"
    assert linear["R²"] == "1.000"
    at.button(key="whatif_fit_use").click().run()
    no_exceptions(at)
    assert at.slider(key="demand_intercept").value == 2000.0
    assert at.slider(key="demand_slope").value == 4.0
    # p* = (2000/4 + 20)/2 = 260.
    assert at.metric[0].value == "260"
    assert "now hold the fitted line" in texts(at.success)


def test_uber_fit_sets_rides_sensitivity_and_normal_demand(db):
    at = app("uber_surge")
    at.slider(key="demand_multiplier").set_value(2.0).run()
    at = upload(at, "sales.csv", CSV_2000_MINUS_4P)
    at.button(key="whatif_fit_use").click().run()
    no_exceptions(at)
    assert at.slider(key="base_rides").value == 2000.0
    assert at.slider(key="price_sensitivity").value == 4.0
    assert at.slider(key="demand_multiplier").value == 1.0


def test_bad_rows_are_listed_and_skipped(db):
    data = b"price,units\n10,1960\nabc,5\n50,-1\n90,1640\n,\n130,1480\n"
    at = upload(app(), "sales.csv", data)
    no_exceptions(at)
    warning = texts(at.warning)
    assert "Skipped 3 rows" in warning
    assert "row 3" in warning and "row 4" in warning and "row 6" in warning
    linear = models_table(at).iloc[0]
    assert linear["Parameters (± standard error)"].startswith("A = 2,000 ± ")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("sales.xlsx", b"PK\x03\x04binary", "not a CSV file"),
        ("sales.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "not CSV text"),
        ("sales.csv", b"price,units\nx,y\n", "No row holds"),
        ("sales.csv", b"1,2\n" * 300_000, "limit is 1 MB"),
    ],
)
def test_bad_uploads_show_a_message(db, name, data, message):
    at = upload(app(), name, data)
    no_exceptions(at)
    assert message in texts(at.error)


def test_one_price_or_rising_demand_warns_and_offers_no_fit(db):
    at = upload(app(), "sales.csv", b"price,units\n40,700\n40,720\n")
    no_exceptions(at)
    assert "one price" in texts(at.warning)
    assert not [b for b in at.button if b.key == "whatif_fit_use"]
    at = upload(app(), "sales.csv", b"price,units\n10,100\n20,200\n30,250\n")
    assert "not negative" in texts(at.warning)
    assert not [b for b in at.button if b.key == "whatif_fit_use"]


def test_demand_fit_is_only_on_the_pricing_scenarios(db):
    at = app("study_time")
    no_exceptions(at)
    assert not [r for r in at.radio if r.key == "whatif_fit_source"]
