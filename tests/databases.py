"""Databases for the storage tests: a SQLite file, or a fresh PostgreSQL schema.

The PostgreSQL server is ``$SCENARIOS_TEST_DATABASE_URL`` (CI exports it),
else the local development server. Each test gets its own schema, reached
through ``search_path`` in the URL, so tests never see each other's rows and
other users of the same database are never touched. Outside CI the
PostgreSQL half skips when no server answers; under ``CI=true`` it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from scenarios import database

TEST_URL_ENV_VAR = "SCENARIOS_TEST_DATABASE_URL"
LOCAL_URL = "postgresql+psycopg://scenarios:scenarios@127.0.0.1:5432/scenarios"

_reachable: dict[str, str | None] = {}


def under_ci() -> bool:
    """Whether the tests run in CI, where nothing may be skipped."""
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine; fail under CI."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true requires the PostgreSQL tests to run)")
    pytest.skip(reason)


def server_url() -> URL:
    """The PostgreSQL server the tests use."""
    return make_url(os.environ.get(TEST_URL_ENV_VAR, "").strip() or LOCAL_URL)


def require_server(url: URL | None = None) -> URL:
    """``url`` (default: the test server) if it answers, else skip or fail."""
    url = url or server_url()
    key = url.render_as_string(hide_password=False)
    if key not in _reachable:
        engine = create_engine(
            url, poolclass=NullPool, connect_args={"connect_timeout": 3}
        )
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            _reachable[key] = None
        except (SQLAlchemyError, OSError) as exc:
            _reachable[key] = str(getattr(exc, "orig", exc)).splitlines()[0]
        finally:
            engine.dispose()
    problem = _reachable[key]
    if problem is not None:
        skip_or_fail(f"no PostgreSQL server at {database.describe(url)}: {problem}")
    return url


def with_search_path(url: URL, schema: str) -> URL:
    """``url`` whose connections see only ``schema`` (psycopg's ``options``)."""
    return url.update_query_dict({"options": f"-csearch_path={schema}"})


@contextmanager
def fresh_schema(url: URL | None = None) -> Iterator[URL]:
    """A new, empty schema on the test server, dropped afterwards."""
    base = require_server(url)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = with_search_path(base, schema)
    try:
        yield scoped
    finally:
        database.dispose(scoped)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def store_url(kind: str, folder: Path) -> Iterator[URL]:
    """A URL for an empty store of ``kind`` ("sqlite" or "postgresql")."""
    if kind == "sqlite":
        url = database.sqlite_url(folder / "cases.sqlite3")
        try:
            yield url
        finally:
            database.dispose(url)
        return
    with fresh_schema() as url:
        yield url
