"""Loading saved cases into today's declarations, and the summary report.

The cases come from the parametrized store, so each test runs on SQLite and on
PostgreSQL; the expected optima are worked out by hand from the lesson.
"""

import csv
import io
import json

import pytest
from sqlalchemy import update

import scenarios
from scenarios import reports
from scenarios.reports import load_case, summary_csv, summary_report
from scenarios.store import database

HEADPHONES = scenarios.get("headphone_pricing")


def _raw_case(store, scenario_id, name, params_text):
    """A case whose stored parameters are exactly ``params_text``."""
    store.save(scenario_id, "placeholder", {})
    with database.engine_for(store.url).begin() as conn:
        conn.execute(
            update(database.cases)
            .where(database.cases.c.name == "placeholder")
            .values(name=name, params=params_text)
        )
    return store.find(scenario_id, name)


def test_loading_a_case_with_renamed_and_out_of_range_params_gives_notices(store):
    case = _raw_case(
        store,
        "headphone_pricing",
        "Old",
        json.dumps({"unit_cost": 250.0, "intercept": 900.0, "demand_slope": 12.0}),
    )
    loaded = load_case(HEADPHONES, case)
    # unit_cost clipped to its maximum 100; intercept unknown; a missing
    # demand_intercept takes its default 1300.
    assert loaded.params == {
        "unit_cost": 100.0,
        "demand_intercept": 1300.0,
        "demand_slope": 12.0,
    }
    text = " ".join(loaded.notices)
    assert "'intercept' no longer exists" in text
    assert "outside today's range" in text and "100 is used" in text
    assert "Demand intercept was not saved" in text


def test_loading_a_case_with_unreadable_params_uses_defaults(store):
    case = _raw_case(store, "headphone_pricing", "Broken", "{not json")
    assert case.unreadable and case.params == {}
    loaded = load_case(HEADPHONES, case)
    assert loaded.params == HEADPHONES.defaults()
    assert any("could not be read" in n for n in loaded.notices)


def test_an_unreadable_model_spec_is_flagged_not_raised(store):
    store.save_model("M", {"formula": "x"})
    with database.engine_for(store.url).begin() as conn:
        conn.execute(update(database.models).values(spec="[1, 2"))
    model = store.get_model("M")
    assert model.unreadable and model.spec == {}


def test_non_numeric_stored_value_falls_back_to_default():
    params, notices = reports.usable_params(HEADPHONES, {"unit_cost": "cheap"})
    assert params["unit_cost"] == 20.0
    assert any("not a number" in n for n in notices)


def _three_cases(store):
    base = store.save(
        "headphone_pricing",
        "Base",
        {"unit_cost": 20, "demand_intercept": 1300, "demand_slope": 10},
    )
    cheap = store.save(
        "headphone_pricing",
        "Cheap",
        {"unit_cost": 10, "demand_intercept": 1300, "demand_slope": 10},
    )
    dead = store.save(
        "headphone_pricing",
        "Dead",
        {"unit_cost": 100, "demand_intercept": 100, "demand_slope": 10},
    )
    return [base, cheap, dead]


def test_summary_report_puts_cases_in_columns_with_changes_to_the_base(store):
    report = summary_report(HEADPHONES, _three_cases(store), base="Base")
    assert report.case_names == ("Base", "Cheap", "Dead")
    keys = [r.key for r in report.rows]
    assert keys[:3] == ["unit_cost", "demand_intercept", "demand_slope"]
    assert keys[3:6] == ["optimum", "value", "kind"]
    # By hand: p* = (a/b + c)/2 -> 75 and 70; profit (p - c)(a - b p) ->
    # 55 * 550 = 30250 and 60 * 600 = 36000.
    optimum = report.row("optimum")
    assert optimum.values[:2] == pytest.approx((75.0, 70.0), rel=1e-12)
    assert optimum.changes[1] == pytest.approx(-5.0, rel=1e-12)
    assert report.row("value").values[:2] == pytest.approx((30250.0, 36000.0))
    assert report.row("value").changes[1] == pytest.approx(5750.0, rel=1e-12)
    assert report.row("unit_cost").changes == (0.0, -10.0, 80.0)
    # Unit cost 100 above a/b = 10: no feasible price.
    assert report.row("kind").values == ("maximum", "maximum", "infeasible")
    assert optimum.values[2] is None and optimum.changes[2] is None
    assert any(n.startswith("Dead: No feasible price") for n in report.notices)


def test_summary_report_base_defaults_to_the_first_and_must_exist(store):
    cases = _three_cases(store)
    assert summary_report(HEADPHONES, cases).base == "Base"
    with pytest.raises(ValueError, match="not among"):
        summary_report(HEADPHONES, cases, base="Nope")
    with pytest.raises(ValueError):
        summary_report(HEADPHONES, [], base=None)


def test_summary_csv_has_cases_as_columns_and_change_columns(store):
    report = summary_report(HEADPHONES, _three_cases(store)[:2], base="Cheap")
    rows = list(csv.reader(io.StringIO(summary_csv(report))))
    assert rows[0] == ["key", "Quantity", "Unit", "Base", "Cheap", "Base − Cheap"]
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["unit_cost"][3:] == ["20.0", "10.0", "10.0"]
    assert float(by_key["optimum"][5]) == pytest.approx(5.0, rel=1e-12)
    assert by_key["kind"][3:] == ["maximum", "maximum", ""]


def test_summary_csv_keeps_awkward_names_intact(store):
    weird = 'Say "hi", <b>world</b>'
    store.save("headphone_pricing", weird, {})
    store.save("headphone_pricing", "Quantity", {"unit_cost": 30})
    report = summary_report(HEADPHONES, store.list("headphone_pricing"))
    header = next(csv.reader(io.StringIO(summary_csv(report))))
    assert header[3] == weird
    assert header[4].strip() == "Quantity" and header[4] != header[1]
