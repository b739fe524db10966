"""Formatting: units, separators and no float tails, ever."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as hst

import scenarios
import scenarios.analysis
from dashboard import format as fmt
from dashboard import state
from dashboard.format import MINUS
from dashboard.sections import tables


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.30000000000000004, "0.3"),
        (49.999999999999986, "50"),
        (75.0, "75"),
        (30250.0, "30,250"),
        (162754791419.2, "162,754,791,419"),
        (9.02720, "9.027"),
        (-1234.5, f"{MINUS}1,234"),
        (1.4e-14, "0"),
        (2.5e-5, "2.5×10⁻⁵"),
        (float("nan"), "—"),
    ],
)
def test_number(value, text):
    assert fmt.number(value) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (75.0, "$", "$75.00"),
        (30250.0, "$", "$30,250"),
        (-1200.0, "$", f"{MINUS}$1,200"),
        (201.0, "$ per ride", "$201.00 per ride"),
        (100.0, "$1000s", "$100k"),
        (40.0, "$1000s per thousand units", "$40k per thousand units"),
        (550.0, "pairs", "550 pairs"),
        (1.99, "×", "1.99×"),
        (0.8, "", "0.8"),
        (44.721359549995796, "mph", "44.72 mph"),
    ],
)
def test_quantity(value, unit, text):
    assert fmt.quantity(value, unit) == text


def test_signed_quantity_shows_the_direction():
    assert fmt.signed_quantity(10.0, "$") == "+$10.00"
    assert fmt.signed_quantity(-2.0, "pairs") == f"{MINUS}2 pairs"
    assert fmt.signed_quantity(0.0, "pairs") == "0 pairs"


def test_slope_units_read_naturally():
    units = {sc.id: fmt.slope_unit(sc) for sc in scenarios.REGISTRY.values()}
    assert units["headphone_pricing"] == "$ per $1 of price"
    assert units["study_time"] == "points per hour"
    assert units["compound_growth"] == "$ per year"
    assert units["ad_spend"] == "$1000s per $1,000 of ad spend"


def test_slider_formats_show_each_step_and_thousands():
    unit_cost = scenarios.get("headphone_pricing").param("unit_cost")
    principal = scenarios.get("compound_growth").param("principal")
    rate = scenarios.get("compound_growth").param("annual_rate")
    assert fmt.slider_format(unit_cost) == "%,.1f"
    assert fmt.slider_format(principal) == "%,d"
    assert fmt.slider_format(rate) == "%,.3f"


TAIL = re.compile(r"\d\.\d*(?:0{7,}|9{7,})\d|\de[+-]?\d")


@given(
    hst.floats(allow_nan=False, allow_infinity=False, min_value=-1e14, max_value=1e14)
)
def test_number_never_shows_a_float_tail_and_keeps_four_digits(value):
    text = fmt.number(value)
    assert not TAIL.search(text)
    if abs(value) >= 1e-4 and text != "0":
        shown = float(text.replace(",", "").replace(MINUS, "-"))
        assert shown == pytest.approx(value, rel=5e-4 + 1e-12)


@given(hst.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_money_is_cents_below_a_thousand_and_dollars_above(value):
    text = fmt.money(value)
    digits = text.replace(MINUS, "").removeprefix("$")
    if abs(value) < 999.995:
        assert re.fullmatch(r"\d{1,3}\.\d\d", digits), text
    else:
        assert re.fullmatch(r"\d{1,3}(,\d{3})*", digits), text


@given(hst.floats(min_value=1e-12, max_value=1e12))
def test_clean_drops_binary_tails_only(value):
    assert fmt.clean(value) == pytest.approx(value, rel=1e-11)
    assert fmt.clean(0.051000000000000004) == 0.051


# --- slider grids for "your value" -------------------------------------------


@given(
    lo=hst.floats(min_value=-1e6, max_value=1e6),
    width=hst.floats(min_value=1e-3, max_value=1e6),
)
def test_value_grid_stays_inside_the_domain_on_round_numbers(lo, width):
    hi = lo + width
    if not hi > lo:
        return
    grid = state.value_grid(lo, hi)
    assert lo <= grid.min <= grid.default <= grid.max <= hi
    assert grid.step > 0
    for v in (grid.min, grid.max, grid.step, grid.default):
        assert len(repr(v)) <= 20, v  # no 0.30000000000000004


def test_value_grid_examples():
    assert state.value_grid(20.0, 130.0) == state.SliderGrid(20.0, 130.0, 0.5, 47.5)
    grid = state.value_grid(20.0, 1300 / 10.5)
    assert (grid.min, grid.max, grid.step) == (20.0, 123.5, 0.5)
    assert state.value_grid(0.0, 30.0).default == 7.5


# --- tables ---------------------------------------------------------------------


def test_what_if_table_marks_infeasible_results_plainly():
    sc = scenarios.get("headphone_pricing")
    rows = scenarios.analysis.what_if(sc, {"unit_cost": 100, "demand_intercept": 100})
    table = tables.what_if_table(rows)
    current = dict(
        zip(table.display["Quantity"], table.display["Current"], strict=True)
    )
    assert current["Best price"] == tables.NO_RANGE
    assert current["Unit cost"] == "$100.00"
    csv = table.csv_bytes().decode()
    assert csv.splitlines()[0] == "quantity,label,unit,default,current,change"


def test_points_csv_keeps_numbers_as_numbers():
    sc = scenarios.get("headphone_pricing")
    reports = scenarios.analysis.evaluate_points(
        sc, scenarios.analysis.reference_points(sc)
    )
    csv = tables.points_table(sc, reports).csv
    assert csv["Price ($)"].tolist() == [30.0, 50.0, 100.0, 75.0]
    assert math.isclose(csv["Monthly profit ($)"].iloc[-1], 30250.0)
