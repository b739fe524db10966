"""Databases for the storage tests: a SQLite file, or a fresh PostgreSQL schema.

The PostgreSQL server is ``$SCENARIOS_TEST_DATABASE_URL`` (CI exports it),
else the local development server. Each test gets its own schema, reached
through ``search_path`` in the URL, so tests never see each other's rows and
other users of the same database are never touched. Outside CI the
PostgreSQL half skips when no server answers; under ``CI=true`` it fails.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from scenarios.store import database

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


# A private PostgreSQL server, for tests that stop and start it.


def pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: ``$SCENARIOS_PG_BIN`` or Debian's."""
    configured = os.environ.get("SCENARIOS_PG_BIN", "").strip()
    candidates = [Path(configured)] if configured else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateServer:
    """A throwaway PostgreSQL cluster in a temporary folder, on its own port.

    Nobody else uses it, so a test may stop and start it at will. As root
    (CI), the server runs as the ``postgres`` user, since PostgreSQL refuses
    to run as root; elsewhere it runs as the current user.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="scenarios-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.url = make_url(
            f"postgresql+psycopg://scenarios@127.0.0.1:{self.port}/postgres"
        )

    def _run(self, *argv: str) -> None:
        command = [str(self.bindir / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        """initdb with a superuser ``scenarios`` trusted on localhost."""
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "scenarios",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=40"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server at once, dropping every connection."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    """A started PrivateServer, removed afterwards; skips or fails without one."""
    bindir = pg_bin()
    if bindir is None:
        skip_or_fail("PostgreSQL's initdb and pg_ctl were not found")
    server = PrivateServer(bindir)
    try:
        server.create()
        server.start()
    except (OSError, subprocess.SubprocessError) as exc:
        server.remove()
        detail = getattr(exc, "stderr", b"") or b""
        skip_or_fail(f"could not start a private PostgreSQL: {exc} {detail[-300:]!r}")
    try:
        yield server
    finally:
        server.remove()
