"""Saved cases in SQLite: round trips, names, concurrency, damage, the report."""

import csv
import io
import json
import multiprocessing
import sqlite3
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

import scenarios
from scenarios import storage
from scenarios.storage import (
    CaseNameError,
    CaseNotFoundError,
    CaseStore,
    DuplicateCaseError,
    StorageError,
    load_case,
    summary_csv,
    summary_report,
)

HEADPHONES = scenarios.get("headphone_pricing")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "nested" / "cases.sqlite3"
    monkeypatch.setenv("SCENARIOS_DB", str(path))
    return path


def test_path_comes_from_the_environment_variable(db):
    assert CaseStore().path == db
    assert storage.default_path() == db


def test_default_path_is_under_data_in_the_repo(monkeypatch):
    monkeypatch.delenv("SCENARIOS_DB", raising=False)
    assert storage.default_path() == storage.REPO_ROOT / "data" / "cases.sqlite3"


def test_reading_a_missing_file_creates_nothing(db):
    assert CaseStore().list() == []
    assert not db.exists() and not db.parent.exists()


def test_first_save_creates_the_folder_and_a_wal_database(db):
    case = CaseStore().save("headphone_pricing", "Base", {"unit_cost": 20})
    assert db.exists()
    assert case.name == "Base" and case.params == {"unit_cost": 20.0}
    assert case.created_at == case.updated_at
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
    assert columns == [
        "id",
        "scenario_id",
        "name",
        "params",
        "created_at",
        "updated_at",
    ]


def test_save_list_get_find_rename_delete_round_trip(db):
    store = CaseStore()
    a = store.save("headphone_pricing", "Base", {"unit_cost": 20})
    b = store.save("headphone_pricing", "Cheap supplier", {"unit_cost": 12.5})
    c = store.save("uber_surge", "Rush hour", {"demand_multiplier": 2})
    assert [x.name for x in store.list()] == ["Base", "Cheap supplier", "Rush hour"]
    assert [x.name for x in store.list("uber_surge")] == ["Rush hour"]
    assert store.get(b.id).params == {"unit_cost": 12.5}
    assert store.find("uber_surge", "Rush hour").id == c.id
    renamed = store.rename(a.id, "Lesson numbers")
    assert renamed.name == "Lesson numbers" and renamed.created_at == a.created_at
    assert renamed.updated_at > a.updated_at
    store.delete(b.id)
    assert [x.name for x in store.list("headphone_pricing")] == ["Lesson numbers"]
    with pytest.raises(CaseNotFoundError):
        store.get(b.id)
    with pytest.raises(CaseNotFoundError):
        store.delete(b.id)


def test_duplicate_name_in_one_scenario_is_refused_with_a_message(db):
    store = CaseStore()
    store.save("headphone_pricing", "Base", {"unit_cost": 20})
    with pytest.raises(DuplicateCaseError, match="already exists"):
        store.save("headphone_pricing", "Base", {"unit_cost": 30})
    # The same name in another scenario is a different case.
    store.save("uber_surge", "Base", {})
    assert store.find("headphone_pricing", "Base").params == {"unit_cost": 20.0}


def test_replace_overwrites_and_moves_updated_at(db):
    store = CaseStore()
    first = store.save("headphone_pricing", "Base", {"unit_cost": 20})
    second = store.save("headphone_pricing", "Base", {"unit_cost": 30}, replace=True)
    assert second.id == first.id and second.params == {"unit_cost": 30.0}
    assert second.updated_at > first.updated_at
    assert len(store.list()) == 1


def test_rename_onto_an_existing_name_is_refused(db):
    store = CaseStore()
    store.save("headphone_pricing", "A", {})
    b = store.save("headphone_pricing", "B", {})
    with pytest.raises(DuplicateCaseError):
        store.rename(b.id, "A")
    assert store.get(b.id).name == "B"


@pytest.mark.parametrize(
    "name",
    [
        "O'Brien's \"best\" case",
        "<script>alert('x')</script>",
        "<b>bold</b> & <i>",
        "'); DROP TABLE cases; --",
        "Robert'); DELETE FROM cases WHERE ('1'='1",
        "**not bold** [link](http://example.com) $x^2$ :red[hi]",
        "Prix réduit — 20 % moins cher ✓ 价格",
    ],
)
def test_names_with_quotes_html_and_sql_are_stored_verbatim(db, name):
    store = CaseStore()
    store.save("headphone_pricing", "Other", {})
    saved = store.save("headphone_pricing", name, {"unit_cost": 1})
    assert saved.name == name
    assert store.find("headphone_pricing", name).name == name
    assert sorted(c.name for c in store.list()) == sorted(["Other", name])


@settings(max_examples=40, deadline=None)
@given(hst.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_one_line_name_round_trips(tmp_path_factory, name):
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name.strip()):
        with pytest.raises(CaseNameError):
            storage.clean_name(name)
        return
    store = CaseStore(tmp_path_factory.mktemp("names") / "c.sqlite3")
    saved = store.save("headphone_pricing", name, {})
    assert saved.name == name.strip()
    assert store.list()[0].name == name.strip()


@pytest.mark.parametrize("name", ["", "   ", "two\nlines", "x" * 121, None])
def test_unusable_names_are_refused(db, name):
    with pytest.raises(CaseNameError):
        CaseStore().save("headphone_pricing", name, {})
    assert not db.exists()


def test_params_must_be_finite_numbers(db):
    with pytest.raises(StorageError, match="finite"):
        CaseStore().save("headphone_pricing", "x", {"unit_cost": float("nan")})
    with pytest.raises(StorageError, match="number"):
        CaseStore().save("headphone_pricing", "x", {"unit_cost": "cheap"})


# Concurrency: two browser sessions saving at once lose nothing.


def test_threads_saving_at_once_lose_nothing(db):
    store = CaseStore()
    errors = []
    start = threading.Barrier(8)

    def worker(k):
        try:
            start.wait()
            for i in range(25):
                store.save("headphone_pricing", f"t{k}-{i}", {"unit_cost": i})
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = {c.name for c in store.list()}
    assert names == {f"t{k}-{i}" for k in range(8) for i in range(25)}


def _save_many(path, prefix, count):
    store = CaseStore(path)
    for i in range(count):
        store.save("uber_surge", f"{prefix}-{i}", {"demand_multiplier": 1 + i / 100})


def test_processes_saving_at_once_lose_nothing(db):
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_save_many, args=(str(db), f"p{k}", 30)) for k in range(4)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    cases = CaseStore(db).list("uber_surge")
    assert len(cases) == 120
    assert len({c.id for c in cases}) == 120


def test_racing_on_one_name_saves_it_exactly_once(db):
    store = CaseStore()
    outcomes = []
    start = threading.Barrier(6)

    def worker():
        start.wait()
        try:
            store.save("headphone_pricing", "Same", {"unit_cost": 5})
            outcomes.append("saved")
        except DuplicateCaseError:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["duplicate"] * 5 + ["saved"]


# Damaged, unreadable and unwritable files.


def test_corrupt_file_gives_a_clear_error(db):
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StorageError) as info:
        CaseStore().list()
    message = str(info.value)
    assert "damaged" in message and str(db) in message
    assert "\n" not in message and "Traceback" not in message
    with pytest.raises(StorageError, match="damaged"):
        CaseStore().save("headphone_pricing", "x", {})


def test_file_that_is_a_folder_gives_a_clear_error(db):
    db.mkdir(parents=True)
    with pytest.raises(StorageError, match="folder"):
        CaseStore().save("headphone_pricing", "x", {})
    with pytest.raises(StorageError, match="folder"):
        CaseStore().list()


def test_unwritable_location_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    store = CaseStore(blocker / "sub" / "cases.sqlite3")
    with pytest.raises(StorageError, match="cannot be opened or written"):
        store.save("headphone_pricing", "x", {})


def test_table_with_an_unexpected_layout_gives_a_clear_error(db):
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, other TEXT)")
    with pytest.raises(StorageError, match="unexpected layout"):
        CaseStore().list()


# Loading a case whose parameters no longer fit.


def _raw_case(db, scenario_id, name, params_text):
    CaseStore().save(scenario_id, "placeholder", {})
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE cases SET name = ?, params = ? WHERE name = 'placeholder'",
            (name, params_text),
        )
    return CaseStore().find(scenario_id, name)


def test_loading_a_case_with_renamed_and_out_of_range_params_gives_notices(db):
    case = _raw_case(
        db,
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


def test_loading_a_case_with_unreadable_params_uses_defaults(db):
    case = _raw_case(db, "headphone_pricing", "Broken", "{not json")
    assert case.unreadable and case.params == {}
    loaded = load_case(HEADPHONES, case)
    assert loaded.params == HEADPHONES.defaults()
    assert any("could not be read" in n for n in loaded.notices)


def test_non_numeric_stored_value_falls_back_to_default():
    params, notices = storage.usable_params(HEADPHONES, {"unit_cost": "cheap"})
    assert params["unit_cost"] == 20.0
    assert any("not a number" in n for n in notices)


# The summary report.


def _three_cases():
    store = CaseStore()
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


def test_summary_report_puts_cases_in_columns_with_changes_to_the_base(db):
    report = summary_report(HEADPHONES, _three_cases(), base="Base")
    assert report.case_names == ("Base", "Cheap", "Dead")
    keys = [r.key for r in report.rows]
    assert keys[:3] == ["unit_cost", "demand_intercept", "demand_slope"]
    assert keys[3:6] == ["optimum", "value", "kind"]
    # By hand: p* = (a/b + c)/2 -> 75 and 70; profit (p - c)(a - b p) ->
    # 55 * 550 = 30250 and 60 * 600 = 36000.
    optimum = report.row("optimum")
    assert optimum.values[:2] == pytest.approx((75.0, 70.0), rel=1e-12)
    assert optimum.changes[1] == pytest.approx(-5.0, rel=1e-12)
    assert report.row("value").changes[1] == pytest.approx(5750.0, rel=1e-12)
    assert report.row("unit_cost").changes == (0.0, -10.0, 80.0)
    # Unit cost 100 above a/b = 10: no feasible price.
    assert report.row("kind").values == ("maximum", "maximum", "infeasible")
    assert optimum.values[2] is None and optimum.changes[2] is None
    assert any(n.startswith("Dead: No feasible price") for n in report.notices)


def test_summary_report_base_defaults_to_the_first_and_must_exist(db):
    cases = _three_cases()
    assert summary_report(HEADPHONES, cases).base == "Base"
    with pytest.raises(ValueError, match="not among"):
        summary_report(HEADPHONES, cases, base="Nope")
    with pytest.raises(ValueError):
        summary_report(HEADPHONES, [], base=None)


def test_summary_csv_has_cases_as_columns_and_change_columns(db):
    report = summary_report(HEADPHONES, _three_cases()[:2], base="Cheap")
    rows = list(csv.reader(io.StringIO(summary_csv(report))))
    assert rows[0] == ["key", "Quantity", "Unit", "Base", "Cheap", "Base − Cheap"]
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["unit_cost"][3:] == ["20.0", "10.0", "10.0"]
    assert float(by_key["optimum"][5]) == pytest.approx(5.0, rel=1e-12)
    assert by_key["kind"][3:] == ["maximum", "maximum", ""]


def test_summary_csv_keeps_awkward_names_intact(db):
    store = CaseStore()
    weird = 'Say "hi", <b>world</b>'
    store.save("headphone_pricing", weird, {})
    store.save("headphone_pricing", "Quantity", {"unit_cost": 30})
    report = summary_report(HEADPHONES, store.list("headphone_pricing"))
    header = next(csv.reader(io.StringIO(summary_csv(report))))
    assert header[3] == weird
    assert header[4].strip() == "Quantity" and header[4] != header[1]
