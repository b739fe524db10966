"""The SQLite file: where it lives, WAL, a file from the first version, damage."""

import multiprocessing
import sqlite3

import pytest

from scenarios.store.cases import CaseStore, StorageError

# The schema the first, hand-written sqlite3 store created (git history:
# scenarios/storage.py before SQLAlchemy). Its files must open unchanged.
FIRST_VERSION_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario_id TEXT NOT NULL,
    name TEXT NOT NULL,
    params TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (scenario_id, name)
)
"""

FIRST_VERSION_ROWS = [
    (
        "headphone_pricing",
        "Base",
        '{"demand_intercept": 1300.0, "demand_slope": 10.0, "unit_cost": 20.0}',
        "2026-11-02T09:15:00.000001+00:00",
        "2026-11-02T09:15:00.000001+00:00",
    ),
    (
        "headphone_pricing",
        "O'Brien's <b>\"cheap\"</b>",
        '{"unit_cost": 12.5}',
        "2026-11-03T10:00:00.000000+00:00",
        "2026-11-04T11:30:00.500000+00:00",
    ),
    (
        "uber_surge",
        "'); DROP TABLE cases; --",
        '{"demand_multiplier": 2.0}',
        "2026-11-05T08:00:00.000000+00:00",
        "2026-11-05T08:00:00.000000+00:00",
    ),
]


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "nested" / "cases.sqlite3"
    monkeypatch.delenv("SCENARIOS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIOS_DB", str(path))
    return path


def _first_version_file(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(FIRST_VERSION_SCHEMA)
        conn.executemany(
            "INSERT INTO cases (scenario_id, name, params, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            FIRST_VERSION_ROWS,
        )
        conn.execute("DELETE FROM cases WHERE name = 'Base'")  # ids are not 1..n
        conn.execute(
            "INSERT INTO cases (scenario_id, name, params, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            FIRST_VERSION_ROWS[0],
        )
    conn.close()


def test_a_file_from_the_first_version_opens_and_keeps_every_case(db):
    _first_version_file(db)
    store = CaseStore()
    cases = store.list()
    assert [(c.id, c.scenario_id, c.name) for c in cases] == [
        (2, "headphone_pricing", "O'Brien's <b>\"cheap\"</b>"),
        (4, "headphone_pricing", "Base"),
        (3, "uber_surge", "'); DROP TABLE cases; --"),
    ]
    assert cases[1].params == {
        "demand_intercept": 1300.0,
        "demand_slope": 10.0,
        "unit_cost": 20.0,
    }
    assert cases[0].updated_at == "2026-11-04T11:30:00.500000+00:00"
    # It keeps working: new cases get new ids, duplicates are still refused,
    # models are added beside the cases, and every old case is still there.
    new = store.save("headphone_pricing", "New", {"unit_cost": 30})
    assert new.id == 5
    with pytest.raises(StorageError, match="already exists"):
        store.save("headphone_pricing", "Base", {})
    store.save_model("Mine", {"formula": "x"})
    assert len(store.list()) == 4
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"cases", "models"} <= tables


def test_reading_a_missing_file_creates_nothing(db):
    assert CaseStore().list() == []
    assert CaseStore().list_models() == []
    assert not db.exists() and not db.parent.exists()


def test_first_save_creates_the_folder_and_a_wal_database(db):
    case = CaseStore().save("headphone_pricing", "Base", {"unit_cost": 20})
    assert db.exists()
    assert case.name == "Base" and case.params == {"unit_cost": 20.0}
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
    conn.close()
    assert columns == [
        "id",
        "scenario_id",
        "name",
        "params",
        "created_at",
        "updated_at",
    ]


@pytest.mark.parametrize("name", ["", "x" * 121, None])
def test_a_refused_name_creates_no_file(db, name):
    with pytest.raises(StorageError):
        CaseStore().save("headphone_pricing", name, {})
    assert not db.exists()


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
    with pytest.raises(StorageError, match="damaged"):
        CaseStore().list_models()


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
    conn.close()
    with pytest.raises(StorageError, match="unexpected layout"):
        CaseStore().list()
