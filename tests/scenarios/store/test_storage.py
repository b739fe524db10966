"""The store on SQLite and PostgreSQL: round trips, names, models, failures.

Every test taking ``store`` runs twice, once per database (tests/conftest.py).
"""

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst
from sqlalchemy import delete

from scenarios.store import cases as storage
from scenarios.store import database
from scenarios.store.cases import (
    CaseNameError,
    CaseNotFoundError,
    CaseStore,
    DuplicateCaseError,
    DuplicateModelError,
    ModelNameError,
    ModelNotFoundError,
    SavedModel,
    StorageError,
)


def test_the_url_comes_from_the_environment(store_url):
    assert CaseStore().url == store_url


def test_scenarios_db_names_a_sqlite_file_when_no_url_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("SCENARIOS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIOS_DB", str(tmp_path / "x" / "cases.sqlite3"))
    store = CaseStore()
    assert store.path == tmp_path / "x" / "cases.sqlite3"
    assert str(store.url) == f"sqlite:///{tmp_path}/x/cases.sqlite3"


def test_the_default_is_a_sqlite_file_under_data_in_the_repo(monkeypatch):
    monkeypatch.delenv("SCENARIOS_DATABASE_URL", raising=False)
    monkeypatch.delenv("SCENARIOS_DB", raising=False)
    expected = storage.REPO_ROOT / "data" / "cases.sqlite3"
    assert storage.default_path() == expected
    assert CaseStore().path == expected
    assert CaseStore().url.get_backend_name() == "sqlite"


def test_a_url_that_is_not_a_url_gives_one_sentence_on_use(monkeypatch):
    monkeypatch.setenv("SCENARIOS_DATABASE_URL", "not a url at all")
    store = CaseStore()  # never raises: the page that made it must still draw
    with pytest.raises(StorageError, match="is not a database URL") as info:
        store.list()
    assert "\n" not in str(info.value)


def test_save_list_get_find_rename_delete_round_trip(store):
    a = store.save("headphone_pricing", "Base", {"unit_cost": 20})
    b = store.save("headphone_pricing", "Cheap supplier", {"unit_cost": 12.5})
    c = store.save("uber_surge", "Rush hour", {"demand_multiplier": 2})
    assert a.created_at == a.updated_at
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
    with pytest.raises(CaseNotFoundError):
        store.rename(b.id, "Anything")


def test_a_second_store_on_the_same_url_sees_the_same_cases(store, store_url):
    store.save("study_time", "Lesson", {"burnout_rate": 0.5})
    other = CaseStore(store_url.render_as_string(hide_password=False))
    assert [(c.name, c.params) for c in other.list()] == [
        ("Lesson", {"burnout_rate": 0.5})
    ]


def test_duplicate_name_in_one_scenario_is_refused_with_a_message(store):
    store.save("headphone_pricing", "Base", {"unit_cost": 20})
    with pytest.raises(DuplicateCaseError, match="already exists"):
        store.save("headphone_pricing", "Base", {"unit_cost": 30})
    # The same name in another scenario is a different case.
    store.save("uber_surge", "Base", {})
    assert store.find("headphone_pricing", "Base").params == {"unit_cost": 20.0}
    assert len(store.list()) == 2


def test_replace_overwrites_and_moves_updated_at(store):
    first = store.save("headphone_pricing", "Base", {"unit_cost": 20})
    second = store.save("headphone_pricing", "Base", {"unit_cost": 30}, replace=True)
    assert second.id == first.id and second.params == {"unit_cost": 30.0}
    assert second.created_at == first.created_at
    assert second.updated_at > first.updated_at
    assert len(store.list()) == 1


def test_rename_onto_an_existing_name_is_refused(store):
    store.save("headphone_pricing", "A", {})
    b = store.save("headphone_pricing", "B", {})
    with pytest.raises(DuplicateCaseError):
        store.rename(b.id, "A")
    assert store.get(b.id).name == "B"


NASTY_NAMES = [
    "O'Brien's \"best\" case",
    "<script>alert('x')</script>",
    "<b>bold</b> & <i>",
    "'); DROP TABLE cases; --",
    "Robert'); DELETE FROM cases WHERE ('1'='1",
    "**not bold** [link](http://example.com) $x^2$ :red[hi]",
    "Prix réduit — 20 % moins cher ✓ 价格",
    "back\\slash %s %(name)s :name ?",
]


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_names_with_quotes_html_and_sql_are_stored_verbatim(store, name):
    store.save("headphone_pricing", "Other", {})
    saved = store.save("headphone_pricing", name, {"unit_cost": 1})
    assert saved.name == name
    assert store.find("headphone_pricing", name).name == name
    assert sorted(c.name for c in store.list()) == sorted(["Other", name])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(hst.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_one_line_name_round_trips(store, name):
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name.strip()):
        with pytest.raises(CaseNameError):
            storage.clean_name(name)
        return
    store.save("headphone_pricing", "keep", {})  # makes the tables
    with database.engine_for(store.url).begin() as conn:
        conn.execute(delete(database.cases))
    saved = store.save("headphone_pricing", name, {})
    assert saved.name == name.strip()
    assert [c.name for c in store.list()] == [name.strip()]


@pytest.mark.parametrize("name", ["", "   ", "two\nlines", "x" * 121, None])
def test_unusable_names_are_refused(store, name):
    with pytest.raises(CaseNameError):
        store.save("headphone_pricing", name, {})
    assert store.list() == []


def test_params_must_be_finite_numbers(store):
    with pytest.raises(StorageError, match="finite"):
        store.save("headphone_pricing", "x", {"unit_cost": float("nan")})
    with pytest.raises(StorageError, match="number"):
        store.save("headphone_pricing", "x", {"unit_cost": "cheap"})
    assert store.list() == []


def test_threads_saving_at_once_lose_nothing(store):
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


@pytest.mark.parametrize("replace", [False, True])
def test_racing_on_one_name_saves_it_exactly_once(store, replace):
    outcomes = []
    start = threading.Barrier(6)

    def worker(k):
        start.wait()
        try:
            store.save("headphone_pricing", "Same", {"unit_cost": k}, replace=replace)
            outcomes.append("saved")
        except DuplicateCaseError:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = ["saved"] * 6 if replace else ["duplicate"] * 5 + ["saved"]
    assert sorted(outcomes) == expected
    assert [c.name for c in store.list()] == ["Same"]


# Own models: a name and a spec kept as JSON, never interpreted.

SPEC = {
    "formula": "(p - c) * (a - b * p)",
    "variable": "p",
    "domain": ["c", "a / b"],
    "goal": "maximize",
    "params": {"a": 1300.0, "b": 10.0, "c": 20.0},
    "ranges": {"a": [100.0, 3000.0, 10.0], "b": [1.0, 50.0, 0.5]},
}


def test_a_model_round_trips_its_spec_exactly(store):
    saved = store.save_model("Headphones by hand", SPEC)
    assert isinstance(saved, SavedModel)
    assert saved.name == "Headphones by hand" and saved.spec == SPEC
    assert saved.created == saved.updated
    got = store.get_model("Headphones by hand")
    assert got.spec == SPEC and got.spec is not SPEC
    assert [m.name for m in store.list_models()] == ["Headphones by hand"]
    # Models and cases are separate: a model is not a case.
    assert store.list() == []


def test_model_duplicates_replace_rename_and_delete(store):
    first = store.save_model("M", SPEC)
    with pytest.raises(DuplicateModelError, match="already saved"):
        store.save_model("M", {"formula": "x"})
    assert store.get_model("M").spec == SPEC
    replaced = store.save_model("M", {"formula": "x"}, replace=True)
    assert replaced.spec == {"formula": "x"} and replaced.updated > first.updated
    assert replaced.created == first.created
    store.save_model("N", SPEC)
    with pytest.raises(DuplicateModelError):
        store.rename_model("N", "M")
    renamed = store.rename_model("M", "<b>M'; DROP TABLE models; --</b>")
    assert renamed.name == "<b>M'; DROP TABLE models; --</b>"
    assert [m.name for m in store.list_models()] == [renamed.name, "N"]
    store.delete_model(renamed.name)
    assert [m.name for m in store.list_models()] == ["N"]
    for call in (
        lambda: store.get_model("M"),
        lambda: store.delete_model("M"),
        lambda: store.rename_model("M", "Z"),
    ):
        with pytest.raises(ModelNotFoundError, match="no saved model called 'M'"):
            call()


@pytest.mark.parametrize(
    "spec", [{"x": float("nan")}, {"x": object()}, ["not", "a", "mapping"]]
)
def test_a_spec_that_is_not_plain_json_is_refused(store, spec):
    with pytest.raises(ModelNameError):
        store.save_model("Bad", spec)
    assert store.list_models() == []


def test_model_names_follow_the_case_name_rules(store):
    with pytest.raises(ModelNameError, match="model"):
        store.save_model("  ", SPEC)
    assert store.save_model("  padded  ", SPEC).name == "padded"


def test_module_functions_use_the_configured_store(store_url):
    storage.save_model("Via module", SPEC)
    assert storage.get_model("Via module").spec == SPEC
    storage.rename_model("Via module", "Renamed")
    assert [m.name for m in storage.list_models()] == ["Renamed"]
    storage.delete_model("Renamed")
    assert storage.list_models() == []


def test_racing_on_one_model_name_saves_it_exactly_once(store):
    outcomes = []
    start = threading.Barrier(4)

    def worker():
        start.wait()
        try:
            store.save_model("Raced", SPEC)
            outcomes.append("saved")
        except DuplicateModelError:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["duplicate"] * 3 + ["saved"]


# A server that cannot be reached: one sentence, nothing pretends to work.


def test_an_unreachable_server_gives_one_sentence_per_action():
    # Port 9 on localhost: nothing listens there, the refusal is immediate.
    store = CaseStore("postgresql+psycopg://nobody:secret@127.0.0.1:9/cases")
    with pytest.raises(StorageError) as read:
        store.list()
    assert str(read.value) == (
        "Saved cases are unavailable: the database at 127.0.0.1:9/cases "
        "cannot be reached."
    )
    with pytest.raises(StorageError) as write:
        store.save("headphone_pricing", "x", {})
    assert str(write.value).startswith("Nothing was saved, because the database")
    with pytest.raises(StorageError, match="Saved models are unavailable"):
        store.list_models()
    for error in (read.value, write.value):
        assert "secret" not in str(error) and "\n" not in str(error)
