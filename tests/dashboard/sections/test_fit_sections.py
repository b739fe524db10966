"""Fitting sections in the real app (AppTest): demand shapes and a formula fit."""

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
import streamlit as st
from scipy.optimize import curve_fit

from scenarios.fitting import least_squares as fitting
from tests.dashboard.helpers import leading_number, open_page, open_tab

PRICES = np.array([20.0, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120])
HOURS = np.array([0.0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 20])


def tight(fn, x, y, p0):
    values, cov = curve_fit(fn, x, y, p0=p0, ftol=1e-15, xtol=1e-15, gtol=1e-15)
    return values, np.sqrt(np.diag(cov))


def exponential_sales():
    rng = np.random.default_rng(7)
    units = np.round(1500 * np.exp(-0.02 * PRICES) + rng.normal(0, 10, PRICES.size))
    text = "price,units\n" + "".join(
        f"{p:g},{q:g}\n" for p, q in zip(PRICES, units, strict=True)
    )
    return text.encode(), units


def study_scores(seed=11):
    rng = np.random.default_rng(seed)
    scores = np.round(
        90 * (1 - np.exp(-0.3 * HOURS)) + rng.normal(0, 1.5, HOURS.size), 1
    )
    text = "student,hours,score\n" + "".join(
        f"s{i},{h:g},{s:g}\n"
        for i, (h, s) in enumerate(zip(HOURS, scores, strict=True))
    )
    return text.encode(), scores


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("SCENARIOS_DB", str(tmp_path / "cases.sqlite3"))
    st.cache_data.clear()


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


def texts(elements):
    return " ".join(str(e.value) for e in elements)


def upload(at, data, name="data.csv", source_key="whatif_fit_source"):
    open_tab(at, "Fit to data")
    at.radio(key=source_key).set_value("file").run()
    uploader = at.get("file_uploader")[-1]
    uploader.set_value((name, data, "text/csv"))
    return at.run()


def models_table(at):
    return next(t.value for t in at.table if "Shape" in t.value.columns)


def fit_table(at):
    return next(t.value for t in at.table if "Parameter" in t.value.columns)


# --- demand shapes on the pricing pages ---------------------------------------


def test_headphone_page_compares_three_shapes_and_names_the_exponential_best():
    data, units = exponential_sales()
    at = upload(open_page("headphone_pricing"), data)
    no_exceptions(at)
    table = models_table(at).set_index("Shape")
    assert list(table.index) == ["Linear", "Exponential (best)", "Constant elasticity"]
    (a, b), _ = tight(lambda p, a, b: a * np.exp(-b * p), PRICES, units, (1500, 0.02))
    # Unit cost 20 at the defaults: the exponential optimum is c + 1/b.
    best = leading_number(table.loc["Exponential (best)", "Best price"])
    assert best == pytest.approx(20 + 1 / b, abs=0.005)
    assert table.loc["Exponential (best)", "Parameters (± standard error)"].startswith(
        f"A = {a:,.0f} ± "
    )
    assert "Best by AICc: exponential" in texts(at.markdown)


def test_use_this_fit_links_the_exponential_to_the_own_model_page():
    data, _ = exponential_sales()
    at = upload(open_page("headphone_pricing"), data)
    (link,) = [b for b in at.get("link_button") if "exponential" in b.proto.label]
    url = urlsplit(link.proto.url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "own-model"
    assert query["om_formula"] == "(p - c) A exp(-b p)"
    assert query["om_variable"] == "p" and query["c"] == "20.0"
    own = open_page("own-model", query)
    no_exceptions(own)
    best = next(m for m in own.metric if m.label.startswith("Best"))
    table = models_table(upload(open_page("headphone_pricing"), data))
    price = table.set_index("Shape").loc["Exponential (best)", "Best price"]
    assert leading_number(best.value) == pytest.approx(leading_number(price), abs=0.01)


def test_linear_use_this_fit_still_fills_the_sliders():
    at = upload(open_page("uber_surge"), b"price,units\n10,1960\n50,1800\n90,1640\n")
    at.button(key="whatif_fit_use").click().run()
    no_exceptions(at)
    assert at.slider(key="base_rides").value == 2000.0
    assert at.slider(key="price_sensitivity").value == 4.0
    assert "now hold the fitted line" in texts(at.success)


def test_inelastic_constant_elasticity_says_there_is_no_best_price():
    data, _ = exponential_sales()
    at = upload(open_page("headphone_pricing"), data)
    table = models_table(at).set_index("Shape")
    assert table.loc["Constant elasticity", "Best price"] == "—"
    assert "no finite best price" in texts(at.caption)


def test_two_prices_cannot_choose_between_the_shapes():
    at = upload(
        open_page("headphone_pricing"), b"price,units\n20,900\n20,880\n60,500\n"
    )
    no_exceptions(at)
    assert "cannot choose" in texts(at.info)
    assert all("(best)" not in s for s in models_table(at)["Shape"])


# --- a formula fitted on study_time --------------------------------------------


def test_study_time_fits_score_against_hours_and_sets_the_sliders():
    data, scores = study_scores()
    at = upload(open_page("study_time"), data, "study.csv", "fit_source")
    no_exceptions(at)
    assert at.selectbox(key="fit_xcol").value == "hours"
    assert at.selectbox(key="fit_ycol").value == "score"
    (s, k), (s_err, _) = tight(
        lambda h, s, k: s * (1 - np.exp(-k * h)), HOURS, scores, (90, 0.3)
    )
    table = fit_table(at).set_index("Parameter")
    assert leading_number(table.loc["Maximum score (max_score)", "Fitted"]) == (
        pytest.approx(s, abs=0.01)
    )
    assert leading_number(
        table.loc["Maximum score (max_score)", "± standard error"]
    ) == (pytest.approx(s_err, rel=0.01))
    assert {m.label for m in at.metric} >= {"R²", "RMSE", "Rows"}
    at.button(key="fit_use").click().run()
    no_exceptions(at)
    assert at.slider(key="max_score").value == round(s)
    assert at.slider(key="learning_speed").value == pytest.approx(round(k, 2))
    assert "now hold the fitted values" in texts(at.success)


@pytest.mark.parametrize(
    ("name", "data", "where", "message"),
    [
        ("s.csv", b"hours,score\n1,20\ntwo,30\n3,50\n4,\n6,70\n", "warning", "row 3"),
        ("s.csv", b"hours,score\n1,20\n", "error", "1 row cannot fit 2 parameters"),
        ("s.xlsx", b"PK\x03\x04", "error", "not a CSV file"),
        ("s.csv", b"1,2\n" * 300_000, "error", "limit is 1 MB"),
        ("s.csv", b"hours,score\ninf,3\nnan,4\n", "error", "No row holds two numbers"),
    ],
)
def test_bad_data_gets_a_sentence_and_the_page_keeps_working(
    name, data, where, message
):
    at = upload(open_page("study_time"), data, name, "fit_source")
    no_exceptions(at)
    assert message in texts(getattr(at, where))
    # The rest of the page still answers.
    assert any(m.label.startswith("Best") for m in at.metric)


def test_a_fit_that_does_not_converge_keeps_the_start_values(monkeypatch):
    monkeypatch.setattr(fitting, "MAX_EVALUATIONS", 1)
    data, _ = study_scores(seed=12)
    at = upload(open_page("study_time"), data, "study.csv", "fit_source")
    no_exceptions(at)
    assert "did not converge" in texts(at.warning)
    table = fit_table(at).set_index("Parameter")
    assert table.loc["Maximum score (max_score)", "Fitted"] == "100 points"
    assert not [b for b in at.button if b.key == "fit_use"]


def test_own_model_page_offers_the_formula_fit():
    at = open_page(
        "own-model",
        {
            "om_formula": "S(1 - exp(-k h))",
            "om_variable": "h",
            "om_lo": "0",
            "om_hi": "24",
            "om_goal": "maximize",
            "S": "50",
            "k": "0.1",
        },
    )
    no_exceptions(at)
    data, scores = study_scores()
    at = upload(
        at, data.replace(b"hours", b"h").replace(b"score", b"y"), "s.csv", "fit_source"
    )
    no_exceptions(at)
    table = fit_table(at).set_index("Parameter")
    (s, _), _ = tight(
        lambda h, s, k: s * (1 - np.exp(-k * h)), HOURS, scores, (90, 0.3)
    )
    assert leading_number(table.loc["S", "Fitted"]) == pytest.approx(s, abs=0.01)
