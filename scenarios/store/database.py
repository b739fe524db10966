"""Where saved work lives: the database URL, one engine per URL, and the tables.

The URL is ``$SCENARIOS_DATABASE_URL`` when set (for a team, a PostgreSQL
server such as ``postgresql+psycopg://user@host/db``). Otherwise saved work
goes to a SQLite file: ``$SCENARIOS_DB`` when that names a path, else
``data/cases.sqlite3`` under the repository root, or, for an installed package,
``cases.sqlite3`` in the user's data folder (never inside site-packages).

SQLite writes take the file's write lock at once (``BEGIN IMMEDIATE``) on a
WAL database with a busy timeout, so several processes can save together.
PostgreSQL connections are pooled and checked before use, so a server that
went away and came back is picked up again without restarting anything.

The tables keep the layout the first, hand-written SQLite store used, so a
case file from that version opens unchanged; ``models`` is simply added.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from scenarios.errors import InputError

URL_ENV_VAR = "SCENARIOS_DATABASE_URL"
"""Environment variable holding a SQLAlchemy database URL for saved work."""

DB_ENV_VAR = "SCENARIOS_DB"
"""Environment variable naming a SQLite file; used when no URL is set."""

REPO_ROOT = Path(__file__).resolve().parents[2]


def _installed_data_dir() -> Path:
    """Per-user data: ``%LOCALAPPDATA%`` on Windows, else ``$XDG_DATA_HOME``."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "derivative-dashboard"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "derivative-dashboard"


DEFAULT_DB_PATH = (
    REPO_ROOT / "data" / "cases.sqlite3"
    if (REPO_ROOT / "pyproject.toml").is_file()
    else _installed_data_dir() / "cases.sqlite3"
)
"""The SQLite file used when neither variable is set: ``data/`` (git-ignored) in
a checkout, the user's data folder once installed."""

BUSY_TIMEOUT_SECONDS = 10.0
"""How long a write waits for another writer, or a connection for the server."""

CONNECT_TIMEOUT_SECONDS = 3
"""How long to wait for a database server before saying it cannot be reached."""

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scenario_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("params", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    UniqueConstraint("scenario_id", "name"),
    sqlite_autoincrement=True,
)
"""Saved cases: ``params`` is a JSON object of numbers, timestamps ISO 8601 UTC."""

models = Table(
    "models",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("spec", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    sqlite_autoincrement=True,
)
"""Saved own models: ``spec`` is JSON text, kept as given."""

_SCHEMA_LOCK_KEY = 0x5CE7A210
"""PostgreSQL advisory lock taken while creating tables, so replicas never race."""


def default_path() -> Path:
    """The SQLite file: ``$SCENARIOS_DB`` if set and not blank, else the default."""
    configured = os.environ.get(DB_ENV_VAR, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_DB_PATH


def sqlite_url(path: str | os.PathLike[str]) -> URL:
    """The SQLAlchemy URL of a SQLite file at ``path``."""
    return URL.create("sqlite", database=str(Path(path).expanduser()))


def database_url() -> URL:
    """The configured URL: ``$SCENARIOS_DATABASE_URL``, else a SQLite file URL.

    Raises ValueError with one sentence when the variable is not a URL.
    """
    configured = os.environ.get(URL_ENV_VAR, "").strip()
    if configured:
        return parse_url(configured)
    return sqlite_url(default_path())


def parse_url(text_url: str) -> URL:
    """``text_url`` as a URL; ValueError with one sentence if it is not one."""
    try:
        return make_url(text_url)
    except ArgumentError:
        raise InputError(
            f"{URL_ENV_VAR} is not a database URL; write it like "
            "postgresql+psycopg://user@host/db or sqlite:///path/cases.sqlite3."
        ) from None


def is_sqlite(url: URL) -> bool:
    """Whether ``url`` points at SQLite (a file, or memory)."""
    return url.get_backend_name() == "sqlite"


def describe(url: URL) -> str:
    """Where ``url`` points, for a message: the file, or host:port/database."""
    if is_sqlite(url):
        return str(url.database or ":memory:")
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    return f"{host}{port}/{url.database or ''}"


_engines: dict[tuple[str, float], Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: URL, timeout: float = BUSY_TIMEOUT_SECONDS) -> Engine:
    """One engine per URL and timeout in this process, made on first request."""
    key = (url.render_as_string(hide_password=False), float(timeout))
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _make_engine(url, timeout)
            _engines[key] = engine
        return engine


def dispose(url: URL) -> None:
    """Close every pooled connection to ``url`` and forget its engines."""
    target = url.render_as_string(hide_password=False)
    with _engines_lock:
        for key in [k for k in _engines if k[0] == target]:
            engine = _engines.pop(key)
            _ready.discard(id(engine))
            engine.dispose()


def _make_engine(url: URL, timeout: float) -> Engine:
    if is_sqlite(url):
        return _sqlite_engine(url, timeout)
    args: dict[str, object] = {}
    if url.get_driver_name() in ("psycopg", "psycopg2"):
        args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=4,
        max_overflow=4,
        pool_timeout=timeout,
        pool_recycle=600,
        connect_args=args,
    )


def _sqlite_engine(url: URL, timeout: float) -> Engine:
    # A connection per use, as the first store had: nothing is held between
    # reruns, and a file replaced on disk is seen at once.
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": timeout})
    busy_ms = int(timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_conn.isolation_level = None
        dbapi_conn.execute(f"PRAGMA busy_timeout = {busy_ms}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001 - SQLAlchemy's Connection
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def create_schema(engine: Engine) -> None:
    """Create any missing table, one creator at a time."""
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
            with conn.begin():
                metadata.create_all(conn, checkfirst=True)
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY}
            )
        metadata.create_all(conn, checkfirst=True)


_ready: set[int] = set()
_ready_lock = threading.Lock()


def ensure_schema(engine: Engine) -> None:
    """Create the tables on a server once per engine; a failure is retried later."""
    if id(engine) in _ready:
        return
    with _ready_lock:
        if id(engine) in _ready:
            return
        create_schema(engine)
        _ready.add(id(engine))
