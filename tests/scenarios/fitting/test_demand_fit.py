"""Linear demand from sales data: the fit, bad rows, bad files, slider mapping."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from scenarios.fitting.demand import sales as demand_fit
from scenarios.fitting.demand.sales import (
    DemandDataError,
    fit_demand,
    fit_to_params,
    observations_from_rows,
    parse_csv,
)

PRICES = [30.0, 50.0, 70.0, 100.0, 120.0]


def exact_units(prices):
    return [1300 - 10 * p for p in prices]


def test_exact_data_from_1300_minus_10p_recovers_the_line():
    fit = fit_demand(PRICES, exact_units(PRICES))
    assert fit.intercept == pytest.approx(1300, rel=1e-12)
    assert fit.slope == pytest.approx(-10, rel=1e-12)
    assert fit.customers_lost_per_dollar == pytest.approx(10, rel=1e-12)
    assert fit.r2 == pytest.approx(1.0, rel=1e-12)
    assert fit.warnings == () and fit.usable
    assert fit.n == 5 and fit.distinct_prices == 5


def test_noisy_fit_by_hand():
    # Points (0, 1), (1, 3), (2, 2): mean p = 1, mean q = 2, slope =
    # sum(dp dq) / sum(dp^2) = (-1*-1 + 0 + 1*0) / 2 = 0.5, intercept 1.5.
    # Residuals -0.5, 1, -0.5: SS_res = 1.5, SS_tot = 2, R^2 = 0.25.
    fit = fit_demand([0, 1, 2], [1, 3, 2])
    assert fit.slope == pytest.approx(0.5) and fit.intercept == pytest.approx(1.5)
    assert fit.r2 == pytest.approx(0.25)
    assert any("not negative" in w for w in fit.warnings)
    assert not fit.usable


@settings(max_examples=60, deadline=None)
@given(
    a=hst.floats(100, 5000),
    b=hst.floats(0.5, 50),
    prices=hst.lists(hst.floats(0, 100), min_size=3, max_size=30, unique=True),
)
def test_any_exact_line_is_recovered(a, b, prices):
    if max(prices) - min(prices) < 1:
        return
    fit = fit_demand(prices, [a - b * p for p in prices])
    assert fit.intercept == pytest.approx(a, rel=1e-9, abs=1e-9)
    assert fit.slope == pytest.approx(-b, rel=1e-9)
    assert fit.r2 == pytest.approx(1.0, abs=1e-9)


def test_one_distinct_price_warns_and_cannot_be_used():
    fit = fit_demand([40, 40, 40], [700, 720, 680])
    assert math.isnan(fit.slope) and not fit.usable
    assert fit.intercept == pytest.approx(700)
    assert any("one price" in w for w in fit.warnings)
    mapped = fit_to_params("headphone_pricing", fit)
    assert mapped.params is None and "two different prices" in mapped.notices[0]


def test_rising_demand_warns_and_cannot_set_sliders():
    fit = fit_demand([10, 20, 30], [100, 200, 300])
    assert fit.slope == pytest.approx(10)
    assert any("not negative" in w for w in fit.warnings)
    assert fit_to_params("uber_surge", fit).params is None


def test_flat_units_have_undefined_r2():
    fit = fit_demand([10, 20, 30], [100, 100, 100])
    assert fit.slope == 0 and math.isnan(fit.r2)
    assert any("R²" in w for w in fit.warnings)


def test_fit_refuses_empty_or_unpaired_data():
    with pytest.raises(DemandDataError):
        fit_demand([], [])
    with pytest.raises(DemandDataError):
        fit_demand([1, 2], [3])


# Mapping a fit onto the pricing scenarios.


def test_fit_maps_onto_headphone_pricing_parameters():
    fit = fit_demand(PRICES, exact_units(PRICES))
    mapped = fit_to_params("headphone_pricing", fit)
    assert mapped.params == pytest.approx(
        {"demand_intercept": 1300, "demand_slope": 10}
    )
    assert mapped.notices == ()


def test_fit_maps_onto_uber_with_the_multiplier_at_one():
    # 2000 - 4 p.
    fit = fit_demand([10, 50, 90], [1960, 1800, 1640])
    mapped = fit_to_params("uber_surge", fit)
    assert mapped.params == pytest.approx(
        {"base_rides": 2000, "price_sensitivity": 4, "demand_multiplier": 1}
    )
    assert any("Demand multiplier" in n for n in mapped.notices)


def test_fit_outside_slider_ranges_is_clipped_with_a_notice():
    # 9000 - 100 p: intercept above 5000 and slope above 50.
    fit = fit_demand([10, 20, 30], [8000, 7000, 6000])
    mapped = fit_to_params("headphone_pricing", fit)
    assert mapped.params == {"demand_intercept": 5000.0, "demand_slope": 50.0}
    assert len(mapped.notices) == 2
    assert all("outside the slider's range" in n for n in mapped.notices)


def test_other_scenarios_have_no_demand_to_fit():
    fit = fit_demand(PRICES, exact_units(PRICES))
    with pytest.raises(ValueError, match="no demand"):
        fit_to_params("study_time", fit)
    assert demand_fit.supports_demand_fit("uber_surge")
    assert not demand_fit.supports_demand_fit("study_time")


# Reading rows and CSV files.


def test_table_rows_skip_bad_ones_by_number():
    rows = [
        {"price": 30, "units": 1000},
        {"price": None, "units": None},  # blank trailing row: silent
        {"price": "abc", "units": 5},
        {"price": 40, "units": -3},
        {"price": float("nan"), "units": 10},
        {"price": 50, "units": "800"},
    ]
    obs = observations_from_rows(rows)
    assert obs.prices.tolist() == [30, 50] and obs.units.tolist() == [1000, 800]
    assert obs.rows == (1, 6)
    assert [(b.row, b.reason) for b in obs.bad_rows] == [
        (3, "price 'abc' is not a number"),
        (4, "units -3 is negative"),
        (5, "no price"),
    ]


def test_csv_with_header_and_bad_rows_lists_them_by_line_number():
    text = "price,units\n30,1000\nfifty,800\n\n70,\n-5,100\n100,300\n"
    obs = parse_csv(text.encode(), "sales.csv")
    assert obs.prices.tolist() == [30, 100] and obs.rows == (2, 7)
    assert [b.row for b in obs.bad_rows] == [3, 4, 5, 6]
    reasons = [b.reason for b in obs.bad_rows]
    assert reasons == [
        "price 'fifty' is not a number",
        "empty",
        "no units",
        "price -5 is negative",
    ]


def test_csv_columns_found_by_name_in_any_order_and_separator():
    text = "date;units sold;price ($)\n2024-01;1000;$30\n2024-02;800;50\n"
    obs = parse_csv(text, "sales.csv")
    assert obs.prices.tolist() == [30, 50] and obs.units.tolist() == [1000, 800]


def test_csv_without_header_takes_the_first_two_columns():
    obs = parse_csv(b"30,1000\n50,800\n70,600\n", "x.csv")
    fit = fit_demand(obs.prices, obs.units)
    assert fit.intercept == pytest.approx(1300) and fit.slope == pytest.approx(-10)


def test_csv_with_thousands_separators_and_a_bom():
    data = '\ufeffprice,units\n30,"1,000"\n50,800\n'.encode()
    obs = parse_csv(data, "x.csv")
    assert obs.units.tolist() == [1000, 800]


def test_file_over_one_megabyte_is_refused():
    big = b"30,1000\n" * (demand_fit.MAX_UPLOAD_BYTES // 8 + 1)
    with pytest.raises(DemandDataError, match="limit is 1 MB"):
        parse_csv(big, "big.csv")


@pytest.mark.parametrize("name", ["sales.xlsx", "photo.png", "notes.pdf"])
def test_non_csv_file_name_is_refused(name):
    with pytest.raises(DemandDataError, match="not a CSV file"):
        parse_csv(b"30,1000\n", name)


def test_binary_content_is_refused_even_with_a_csv_name():
    with pytest.raises(DemandDataError, match="not CSV text"):
        parse_csv(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "fake.csv")


@pytest.mark.parametrize("text", ["", "\n\n", "price,units\n", "price,units\nx,y\n,\n"])
def test_file_with_no_usable_rows_is_refused(text):
    with pytest.raises(DemandDataError):
        parse_csv(text.encode(), "empty.csv")


@settings(max_examples=100, deadline=None)
@given(hst.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data):
    try:
        obs = parse_csv(data, "any.csv")
    except DemandDataError:
        return
    assert len(obs) >= 1
    assert np.all(obs.prices >= 0) and np.all(obs.units >= 0)


def test_parse_pairs_for_the_command_line():
    obs = demand_fit.parse_pairs("30:1000, 50:800")
    assert obs.prices.tolist() == [30, 50]
    with pytest.raises(DemandDataError, match="PRICE:UNITS"):
        demand_fit.parse_pairs("30-1000")
    with pytest.raises(DemandDataError, match="negative"):
        demand_fit.parse_pairs("30:-1")


def test_fitted_line_reaches_zero_demand_at_intercept_over_slope():
    # Units = 1300 - 10 p is zero at p = 130.
    fit = fit_demand([30, 50, 100], [1000, 800, 300])
    assert fit.zero_demand_price == pytest.approx(130.0)
    rising = fit_demand([10, 20], [100, 200])
    assert rising.zero_demand_price is None


# Reading (x, y) data for a formula fit, through the same parser.


def test_xy_rows_allow_negatives_and_list_bad_rows_by_number():
    rows = [
        {"x": -1, "y": -2.5},
        {"x": "abc", "y": 1},
        {"x": None, "y": None},
        {"x": 2, "y": float("inf")},
        {"x": 3, "y": ""},
        {"x": "4", "y": "8"},
    ]
    data = demand_fit.xy_from_rows(rows)
    assert data.x.tolist() == [-1, 4] and data.y.tolist() == [-2.5, 8]
    assert data.rows == (1, 6)
    assert [(b.row, b.reason) for b in data.bad_rows] == [
        (2, "x 'abc' is not a number"),
        (4, "not a finite number"),
        (5, "no y"),
    ]


def test_xy_csv_picks_columns_by_name_and_numbers_rows_as_lines():
    text = "student,hours,score\nann,2,45\nbob,four,60\ncat,6,80\n\ndan,8,nan\n"
    data = demand_fit.parse_xy_csv(text, "study.csv", x="Hours", y="score")
    assert data.names == ("hours", "score")
    assert data.x.tolist() == [2, 6] and data.y.tolist() == [45, 80]
    assert [(b.row, b.reason) for b in data.bad_rows] == [
        (3, "hours 'four' is not a number"),
        (5, "empty"),
        (6, "not a finite number"),
    ]


def test_xy_csv_without_names_takes_the_first_two_columns():
    data = demand_fit.parse_xy_csv(b"-1,2\n0,1\n1,2\n", "xy.csv")
    assert data.x.tolist() == [-1, 0, 1] and data.names == ("x", "y")
    headed = demand_fit.parse_xy_csv(b"t;v\n0;1\n", "xy.csv")
    assert headed.names == ("t", "v") and headed.y.tolist() == [1]


def test_xy_csv_unknown_column_lists_the_columns():
    with pytest.raises(DemandDataError, match="no column 'k'; its columns are h, s"):
        demand_fit.parse_xy_csv(b"h,s\n1,2\n", "xy.csv", x="k")
    with pytest.raises(DemandDataError, match="no header line"):
        demand_fit.parse_xy_csv(b"1,2\n", "xy.csv", x="h")


def test_xy_csv_follows_the_file_rules():
    with pytest.raises(DemandDataError, match="limit is 1 MB"):
        demand_fit.parse_xy_csv(
            b"1,2\n" * (demand_fit.MAX_UPLOAD_BYTES // 4 + 1), "a.csv"
        )
    with pytest.raises(DemandDataError, match="not a CSV file"):
        demand_fit.parse_xy_csv(b"1,2\n", "data.xlsx")
    with pytest.raises(DemandDataError, match="No row holds two numbers"):
        demand_fit.parse_xy_csv(b"x,y\na,b\n", "a.csv")


def test_csv_header_names_columns_and_says_which_hold_numbers():
    text = "student,hours,score\nann,2,45\n"
    assert demand_fit.csv_header(text, "a.csv") == (
        ("student", False),
        ("hours", True),
        ("score", True),
    )
    assert demand_fit.csv_header("1,2\n", "a.csv") == ()
