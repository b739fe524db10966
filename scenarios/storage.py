"""Saved cases: named parameter sets kept in a SQLite file, and their summary report.

The file is ``$SCENARIOS_DB`` when that environment variable is set, otherwise
``data/cases.sqlite3`` under the repository root; the folder is created on the
first write. Every statement is parameterised, every write runs in its own
``BEGIN IMMEDIATE`` transaction on a WAL-mode database with a busy timeout, so
several processes or threads can save at once without losing a case.

Nothing here formats numbers for display or imports Streamlit.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .model import Scenario
from .solver import solve

DB_ENV_VAR = "SCENARIOS_DB"
"""Environment variable naming the SQLite file that holds saved cases."""

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "data" / "cases.sqlite3"
"""Where cases live when ``SCENARIOS_DB`` is not set (``data/`` is git-ignored)."""

BUSY_TIMEOUT_SECONDS = 10.0
"""How long a write waits for another writer before giving up."""

MAX_NAME_LENGTH = 120
"""Longest case name accepted, in characters."""

_SCHEMA = """
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
_COLUMNS = "id, scenario_id, name, params, created_at, updated_at"


class StorageError(Exception):
    """The case file cannot be used; the message is one plain sentence."""


class DuplicateCaseError(StorageError):
    """A case with this name already exists for the scenario."""


class CaseNotFoundError(StorageError):
    """No saved case matches the id or name asked for."""


class CaseNameError(StorageError, ValueError):
    """A case name is empty, too long or spans several lines."""


@dataclass(frozen=True)
class Case:
    """One saved case as stored: ``params`` maps parameter names to numbers.

    ``created_at`` and ``updated_at`` are ISO 8601 UTC timestamps. When the
    stored parameters cannot be read as JSON, ``params`` is empty and
    ``unreadable`` is true.
    """

    id: int
    scenario_id: str
    name: str
    params: dict[str, float]
    created_at: str
    updated_at: str
    unreadable: bool = False


@dataclass(frozen=True)
class LoadedCase:
    """A case made usable for today's scenario declaration.

    ``params`` holds every current parameter, validated; ``notices`` says in
    plain sentences what had to change (unknown names dropped, values clipped
    into range, missing ones set to their default).
    """

    case: Case
    params: dict[str, float]
    notices: tuple[str, ...]


def default_path() -> Path:
    """The case file: ``$SCENARIOS_DB`` if set and not blank, else the default."""
    configured = os.environ.get(DB_ENV_VAR, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_DB_PATH


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def clean_name(name: object) -> str:
    """The name as it will be stored: outer whitespace trimmed, otherwise verbatim.

    Raises CaseNameError for a name that is not text, is empty, longer than
    ``MAX_NAME_LENGTH`` characters, or contains a line break or control
    character.
    """
    if not isinstance(name, str):
        raise CaseNameError("A case name must be text.")
    cleaned = name.strip()
    if not cleaned:
        raise CaseNameError("Give the case a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise CaseNameError(
            f"A case name can be at most {MAX_NAME_LENGTH} characters long."
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        raise CaseNameError("A case name must fit on one line.")
    return cleaned


def _params_json(params: Mapping[str, object]) -> str:
    clean: dict[str, float] = {}
    for key, value in params.items():
        if not isinstance(key, str):
            raise StorageError("Parameter names must be text.")
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise StorageError(f"Parameter {key} must be a number.") from None
        if not math.isfinite(number):
            raise StorageError(f"Parameter {key} must be a finite number.")
        clean[key] = number
    return json.dumps(clean, sort_keys=True, allow_nan=False)


def _row_to_case(row: Sequence[object]) -> Case:
    case_id, scenario_id, name, raw, created, updated = row
    params: dict[str, float] = {}
    unreadable = False
    try:
        decoded = json.loads(str(raw))
        if not isinstance(decoded, dict):
            raise ValueError
        for key, value in decoded.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError
            params[str(key)] = float(value)
    except ValueError:
        params, unreadable = {}, True
    return Case(
        int(case_id),  # type: ignore[arg-type]
        str(scenario_id),
        str(name),
        params,
        str(created),
        str(updated),
        unreadable,
    )


class CaseStore:
    """Saved cases in one SQLite file.

    Each method opens its own connection, so a store may be shared between
    threads. Reading a file that does not exist yet gives no cases and creates
    nothing; the first write creates the folder and the file.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.timeout = float(timeout)

    def __repr__(self) -> str:
        return f"CaseStore({str(self.path)!r})"

    # Connections -----------------------------------------------------------

    def _problem(self, exc: BaseException) -> StorageError:
        text = str(exc).lower()
        where = str(self.path)
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return StorageError(
                f"The case file {where} is damaged or is not a case database; "
                f"move it aside or point {DB_ENV_VAR} at another file."
            )
        if "readonly" in text or "read-only" in text:
            return StorageError(
                f"The case file {where} is read-only, so cases cannot be saved, "
                "renamed or deleted."
            )
        if "locked" in text or "busy" in text:
            return StorageError(
                f"The case file {where} stayed busy for {self.timeout:g} seconds; "
                "try again in a moment."
            )
        if "no such column" in text or "no such table" in text:
            return StorageError(
                f"The case file {where} has an unexpected layout; "
                f"point {DB_ENV_VAR} at another file."
            )
        return StorageError(f"The case file {where} cannot be opened or written.")

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[sqlite3.Connection | None]:
        """A connection with WAL and a busy timeout, or None to read a missing file."""
        if not write and not self.path.exists():
            yield None
            return
        if self.path.is_dir():
            raise StorageError(
                f"The case file {self.path} is a folder, not a file; "
                f"point {DB_ENV_VAR} at a file."
            )
        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None
            )
        except (OSError, sqlite3.Error) as exc:
            raise self._problem(exc) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            if write:
                self._prepare(conn)
            else:
                # Touch the header so a damaged file is reported now.
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            yield conn
        except sqlite3.Error as exc:
            raise self._problem(exc) from exc
        finally:
            conn.close()

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Switch to WAL and create the table, retrying while others do the same.

        SQLite does not call the busy handler for every lock these statements
        take, so several sessions creating a new file at once can see "database
        is locked" straight away; a short retry within the timeout absorbs it.
        """
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(_SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect(write=True) as conn:
            assert conn is not None
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _has_table(self, conn: sqlite3.Connection) -> bool:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases'"
        ).fetchone()
        return row is not None

    def _fetch(self, sql: str, args: Sequence[object]) -> list[Case]:
        with self._connect(write=False) as conn:
            if conn is None or not self._has_table(conn):
                return []
            rows = conn.execute(sql, tuple(args)).fetchall()
        return [_row_to_case(r) for r in rows]

    # Public API ------------------------------------------------------------

    def check(self) -> None:
        """Raise StorageError if the file exists but cannot be read as cases."""
        self._fetch(f"SELECT {_COLUMNS} FROM cases LIMIT 1", ())

    def list(self, scenario_id: str | None = None) -> list[Case]:
        """Every case, or one scenario's, by scenario then in order of saving."""
        if scenario_id is None:
            return self._fetch(
                f"SELECT {_COLUMNS} FROM cases ORDER BY scenario_id, id", ()
            )
        return self._fetch(
            f"SELECT {_COLUMNS} FROM cases WHERE scenario_id = ? ORDER BY id",
            (scenario_id,),
        )

    def get(self, case_id: int) -> Case:
        """The case with this id; CaseNotFoundError if there is none."""
        found = self._fetch(f"SELECT {_COLUMNS} FROM cases WHERE id = ?", (case_id,))
        if not found:
            raise CaseNotFoundError(f"There is no saved case number {case_id}.")
        return found[0]

    def find(self, scenario_id: str, name: str) -> Case:
        """The case called ``name`` for ``scenario_id``; CaseNotFoundError if none."""
        found = self._fetch(
            f"SELECT {_COLUMNS} FROM cases WHERE scenario_id = ? AND name = ?",
            (scenario_id, name),
        )
        if not found:
            raise CaseNotFoundError(
                f"There is no case called {name!r} for this scenario."
            )
        return found[0]

    def save(
        self,
        scenario_id: str,
        name: str,
        params: Mapping[str, object],
        *,
        replace: bool = False,
    ) -> Case:
        """Store ``params`` under ``name``.

        A name already used for this scenario raises DuplicateCaseError, unless
        ``replace`` is true, in which case that case's parameters are
        overwritten and its ``updated_at`` moves on.
        """
        name = clean_name(name)
        payload = _params_json(params)
        now = _now()
        with self._transaction() as conn:
            existing = conn.execute(
                "SELECT id FROM cases WHERE scenario_id = ? AND name = ?",
                (scenario_id, name),
            ).fetchone()
            if existing is not None and not replace:
                raise DuplicateCaseError(
                    f"A case called {name!r} already exists for this scenario; "
                    "choose another name."
                )
            if existing is not None:
                conn.execute(
                    "UPDATE cases SET params = ?, updated_at = ? WHERE id = ?",
                    (payload, now, existing[0]),
                )
                case_id = existing[0]
            else:
                try:
                    cursor = conn.execute(
                        "INSERT INTO cases "
                        "(scenario_id, name, params, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (scenario_id, name, payload, now, now),
                    )
                except sqlite3.IntegrityError:  # pragma: no cover - guarded above
                    raise DuplicateCaseError(
                        f"A case called {name!r} already exists for this scenario; "
                        "choose another name."
                    ) from None
                case_id = cursor.lastrowid
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM cases WHERE id = ?", (case_id,)
            ).fetchone()
        return _row_to_case(row)

    def rename(self, case_id: int, new_name: str) -> Case:
        """Give case ``case_id`` a new name, unique within its scenario."""
        new_name = clean_name(new_name)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT scenario_id, name FROM cases WHERE id = ?", (case_id,)
            ).fetchone()
            if row is None:
                raise CaseNotFoundError(f"There is no saved case number {case_id}.")
            if row[1] != new_name:
                clash = conn.execute(
                    "SELECT 1 FROM cases WHERE scenario_id = ? AND name = ?",
                    (row[0], new_name),
                ).fetchone()
                if clash is not None:
                    raise DuplicateCaseError(
                        f"A case called {new_name!r} already exists for this "
                        "scenario; choose another name."
                    )
                conn.execute(
                    "UPDATE cases SET name = ?, updated_at = ? WHERE id = ?",
                    (new_name, _now(), case_id),
                )
            updated = conn.execute(
                f"SELECT {_COLUMNS} FROM cases WHERE id = ?", (case_id,)
            ).fetchone()
        return _row_to_case(updated)

    def delete(self, case_id: int) -> None:
        """Remove case ``case_id``; CaseNotFoundError if it is already gone."""
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
            if cursor.rowcount == 0:
                raise CaseNotFoundError(f"There is no saved case number {case_id}.")


# Loading a case into today's declaration.


def usable_params(
    scenario: Scenario, stored: Mapping[str, object]
) -> tuple[dict[str, float], list[str]]:
    """Stored values made valid for ``scenario``, and a notice for each change.

    Unknown names are dropped, values out of range are clipped to the nearest
    end, values that are not finite numbers and missing parameters take the
    default. Never raises for bad stored values.
    """
    params = scenario.defaults()
    notices: list[str] = []
    known = set(scenario.param_names)
    for name, value in stored.items():
        if name not in known:
            notices.append(
                f"The saved parameter {name!r} no longer exists in "
                f"{scenario.title}; it was ignored."
            )
            continue
        spec = scenario.param(name)
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            notices.append(
                f"{spec.label} was saved as {value!r}, which is not a number; "
                f"the default {spec.default:g} is used."
            )
            continue
        clipped = min(max(number, spec.min), spec.max)
        if clipped != number:
            notices.append(
                f"{spec.label} was saved as {number:g}, outside today's range "
                f"{spec.min:g} to {spec.max:g}; {clipped:g} is used."
            )
        params[name] = clipped
    for name in scenario.param_names:
        if name not in stored:
            spec = scenario.param(name)
            notices.append(
                f"{spec.label} was not saved with this case; "
                f"the default {spec.default:g} is used."
            )
    return params, notices


def load_case(scenario: Scenario, case: Case) -> LoadedCase:
    """``case`` with parameters usable for ``scenario``; never raises on bad values."""
    notices: list[str] = []
    if case.scenario_id != scenario.id:
        notices.append(
            f"This case was saved for {case.scenario_id!r}, not {scenario.id!r}."
        )
    if case.unreadable:
        notices.append(
            "The saved parameters of this case could not be read; "
            "the defaults are used."
        )
    params, more = usable_params(scenario, case.params)
    if case.unreadable:
        more = [m for m in more if "was not saved" not in m]
    return LoadedCase(case, params, tuple(notices + more))


# The summary report: cases as columns, like a spreadsheet scenario manager.


@dataclass(frozen=True)
class ReportRow:
    """One line of the summary report.

    ``values`` holds one entry per case, in the report's case order: a float,
    a word (the kind), or None where the case is infeasible. ``changes`` holds
    each value minus the base case's, None where that is not a number.
    """

    key: str
    section: str  # "parameter" or "result"
    label: str
    unit: str
    values: tuple[float | str | None, ...]
    changes: tuple[float | None, ...]


@dataclass(frozen=True)
class SummaryReport:
    """Cases side by side for one scenario, with changes against ``base``."""

    scenario_id: str
    case_names: tuple[str, ...]
    base: str
    rows: tuple[ReportRow, ...]
    notices: tuple[str, ...]

    def row(self, key: str) -> ReportRow:
        """The row for a parameter name or a result key (optimum, value, kind)."""
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(f"no report row {key!r}")


INFEASIBLE = "infeasible"


def summary_report(
    scenario: Scenario, cases: Sequence[Case], base: str | None = None
) -> SummaryReport:
    """Parameters and results of ``cases`` side by side, against a base case.

    ``base`` names one of the cases (default: the first). Result rows are the
    optimum x*, the objective there, the kind (or ``"infeasible"``), whether
    x* sits at an end of its range, and the scenario's derived quantities at
    x*. A case whose parameters no longer fit is used as it would load, and
    the reason is in ``notices``.
    """
    if not cases:
        raise ValueError("There are no saved cases to report on.")
    names = tuple(c.name for c in cases)
    if base is None:
        base = names[0]
    if base not in names:
        raise ValueError(
            f"The base case {base!r} is not among the cases; "
            f"choose one of: {', '.join(names)}."
        )
    b = names.index(base)
    notices: list[str] = []
    loaded = []
    for case in cases:
        item = load_case(scenario, case)
        notices += [f"{case.name}: {n}" for n in item.notices]
        loaded.append(item.params)

    results: list[dict[str, float | str | None]] = []
    for case, params in zip(cases, loaded, strict=True):
        try:
            sol = solve(scenario, params)
        except ValueError as exc:
            notices.append(f"{case.name}: {exc}")
            results.append({"kind": INFEASIBLE})
            continue
        entry: dict[str, float | str | None] = {
            "optimum": sol.x,
            "value": sol.value,
            "kind": sol.kind,
            "on_boundary": "yes" if sol.on_boundary else "no",
        }
        for d in scenario.derived:
            entry[d.name] = float(d.fn(sol.x, **sol.params))
        results.append(entry)

    def row(key, section, label, unit, values) -> ReportRow:
        values = tuple(values)
        changes: list[float | None] = []
        for v in values:
            if isinstance(v, float) and isinstance(values[b], float):
                changes.append(v - values[b])  # type: ignore[operator]
            else:
                changes.append(None)
        return ReportRow(key, section, label, unit, values, tuple(changes))

    rows = [
        row(p.name, "parameter", p.label, p.unit, (lp[p.name] for lp in loaded))
        for p in scenario.params
    ]
    var = scenario.variable
    result_specs = [
        ("optimum", f"Best {var.label.lower()}", var.unit),
        ("value", scenario.objective_label, scenario.objective_unit),
        ("kind", "Kind", ""),
        ("on_boundary", "At an end of the range", ""),
    ] + [(d.name, f"{d.label} at the optimum", d.unit) for d in scenario.derived]
    for key, label, unit in result_specs:
        rows.append(row(key, "result", label, unit, (r.get(key) for r in results)))
    return SummaryReport(scenario.id, names, base, tuple(rows), tuple(notices))


def _unique(label: str, taken: set[str]) -> str:
    while label in taken:
        label += " "
    taken.add(label)
    return label


def change_label(name: str, base: str) -> str:
    """The heading of a change column: ``"Pessimistic − Base"``."""
    return f"{name} − {base}"


def summary_frame(report: SummaryReport) -> pd.DataFrame:
    """The report as a table: quantity, unit, one column per case, then changes.

    Column headings are the case names verbatim (made unique with trailing
    spaces in the unlikely event that a case is called "Quantity"). Change
    columns are left out for the base case itself.
    """
    taken: set[str] = set()
    data: dict[str, list[object]] = {
        _unique("Quantity", taken): [r.label for r in report.rows],
        _unique("Unit", taken): [r.unit for r in report.rows],
    }
    for i, name in enumerate(report.case_names):
        data[_unique(name, taken)] = [r.values[i] for r in report.rows]
    for i, name in enumerate(report.case_names):
        if name == report.base:
            continue
        data[_unique(change_label(name, report.base), taken)] = [
            r.changes[i] for r in report.rows
        ]
    frame = pd.DataFrame(data, index=pd.Index([r.key for r in report.rows]))
    frame.index.name = "key"
    return frame


def summary_csv(report: SummaryReport) -> str:
    """The report as CSV text: a header line, then one line per quantity.

    Numbers are written with Python's shortest round-trip form; an infeasible
    case leaves its cells empty.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    frame = summary_frame(report)
    writer.writerow(["key", *frame.columns])
    for key, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        cells = []
        for v in values:
            if v is None or (isinstance(v, float) and not np.isfinite(v)):
                cells.append("")
            elif isinstance(v, float):
                cells.append(repr(v))
            else:
                cells.append(str(v))
        writer.writerow([key, *cells])
    return buffer.getvalue()
