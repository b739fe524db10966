"""The common ground of the store: its errors, names, connections and failures.

``StoreBase`` opens read connections and write transactions on the database
named by a URL (see ``scenarios.store.database``) and turns every failure of the
database into a StorageError whose message is one plain sentence.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Row, Select, Table, inspect
from sqlalchemy.engine import URL
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from scenarios.errors import ScenarioError
from scenarios.store import database
from scenarios.store.database import BUSY_TIMEOUT_SECONDS, DB_ENV_VAR, DEFAULT_DB_PATH

MAX_NAME_LENGTH = 120
"""Longest case or model name accepted, in characters."""


class StorageError(ScenarioError):
    """Saved work cannot be read or written; the message is one plain sentence."""


class DuplicateCaseError(StorageError):
    """A case with this name already exists for the scenario."""


class CaseNotFoundError(StorageError):
    """No saved case matches the id or name asked for."""


class CaseNameError(StorageError, ValueError):
    """A case name is empty, too long or spans several lines."""


class DuplicateModelError(StorageError):
    """A model with this name is already saved."""


class ModelNotFoundError(StorageError):
    """No saved model has the name asked for."""


class ModelNameError(StorageError, ValueError):
    """A model name is empty, too long or spans several lines, or its spec is bad."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def clean_name(name: object, what: str = "case") -> str:
    """The name as it will be stored: outer whitespace trimmed, otherwise verbatim.

    Raises CaseNameError (ModelNameError when ``what`` is ``"model"``) for a
    name that is not text, is empty, longer than ``MAX_NAME_LENGTH``
    characters, or contains a line break or control character.
    """
    error = ModelNameError if what == "model" else CaseNameError
    if not isinstance(name, str):
        raise error(f"A {what} name must be text.")
    cleaned = name.strip()
    if not cleaned:
        raise error(f"Give the {what} a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise error(f"A {what} name can be at most {MAX_NAME_LENGTH} characters long.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        raise error(f"A {what} name must fit on one line.")
    return cleaned


class StoreBase:
    """Connections and failures for one database; cases and models build on it.

    ``location`` is a SQLAlchemy URL (text or URL) or a SQLite file path; by
    default the configured URL (``scenarios.store.database.database_url``).
    """

    def __init__(
        self,
        location: str | os.PathLike[str] | URL | None = None,
        *,
        timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        self.timeout = float(timeout)
        self._config_error: str | None = None
        try:
            if location is None:
                url = database.database_url()
            elif isinstance(location, URL):
                url = location
            elif isinstance(location, str) and "://" in location:
                url = database.parse_url(location)
            else:
                url = database.sqlite_url(location)
        except ValueError as exc:
            self._config_error = str(exc)
            url = database.sqlite_url(DEFAULT_DB_PATH)
        self.url = url
        self._sqlite = database.is_sqlite(url)
        self.path: Path | None = (
            Path(url.database) if self._sqlite and url.database else None
        )

    def __repr__(self) -> str:
        shown = self.url.render_as_string(hide_password=True)
        return f"{type(self).__name__}({shown!r})"

    def close(self) -> None:
        """Close this URL's pooled connections in this process."""
        database.dispose(self.url)

    # Failures --------------------------------------------------------------

    def _problem(
        self, exc: BaseException, doing: str, what: str = "cases"
    ) -> StorageError:
        """One sentence for a failure while ``doing`` ("read", "save" or "change").

        A read failure on a server says saved ``what`` are unavailable.
        """
        orig = getattr(exc, "orig", None) or exc
        text = str(orig).lower()
        where = database.describe(self.url)
        if self._sqlite:
            return self._file_problem(text, where)
        if "column" in text and ("does not exist" in text or "undefined" in text):
            reason = f"the database at {where} holds tables of an unexpected layout"
        elif "permission denied" in text or "read-only" in text:
            reason = f"the database at {where} refused access"
        elif isinstance(exc, SQLAlchemyError) and not _is_connection_failure(exc):
            reason = f"the database at {where} could not carry out the request"
        else:
            reason = f"the database at {where} cannot be reached"
        if doing == "read":
            return StorageError(f"Saved {what} are unavailable: {reason}.")
        verb = "saved" if doing == "save" else "changed"
        return StorageError(
            f"Nothing was {verb}, because {reason}; try again in a moment."
        )

    def _file_problem(self, text: str, where: str) -> StorageError:
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

    def _check_config(self) -> None:
        if self._config_error is not None:
            raise StorageError(self._config_error)
        if self.path is not None and self.path.is_dir():
            raise StorageError(
                f"The case file {self.path} is a folder, not a file; "
                f"point {DB_ENV_VAR} at a file."
            )

    # Connections -----------------------------------------------------------

    @contextmanager
    def _reading(self, what: str = "cases") -> Iterator[Connection | None]:
        """A connection to read from, or None for a SQLite file not made yet."""
        self._check_config()
        if self.path is not None and not self.path.exists():
            yield None
            return
        engine = database.engine_for(self.url, self.timeout)
        try:
            if not self._sqlite:
                database.ensure_schema(engine)
            with engine.connect() as conn:
                if self._sqlite:
                    # Touch the header so a damaged file is reported now.
                    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master")
                yield conn
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            raise self._problem(exc, "read", what) from exc

    @contextmanager
    def _writing(self, doing: str) -> Iterator[Connection]:
        """A connection inside one write transaction, tables ready."""
        self._check_config()
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            engine = database.engine_for(self.url, self.timeout)
            if self._sqlite:
                with engine.connect().execution_options(
                    sqlite_begin="IMMEDIATE"
                ) as conn:
                    self._use_wal(conn)
                    with conn.begin():
                        database.metadata.create_all(conn, checkfirst=True)
                        yield conn
            else:
                database.ensure_schema(engine)
                with engine.begin() as conn:
                    yield conn
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            if isinstance(exc, IntegrityError):
                raise
            raise self._problem(exc, doing) from exc

    def _use_wal(self, conn: Connection) -> None:
        """WAL on the file, retrying while other new sessions do the same.

        SQLite does not call the busy handler for every lock this pragma
        takes, so several sessions creating one file can see "database is
        locked" straight away; a short retry within the timeout absorbs it.
        """
        driver = conn.connection.driver_connection
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                mode = driver.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    driver.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _rows(self, table: Table, query: Select) -> list[Row]:
        with self._reading(table.name) as conn:
            if conn is None:
                return []
            if self._sqlite and not inspect(conn).has_table(table.name):
                return []
            return list(conn.execute(query))


def _is_connection_failure(exc: SQLAlchemyError) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated
