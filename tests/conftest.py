"""Shared test settings: hypothesis profiles (deterministic under CI), and the
parametrized store fixture that runs a test on SQLite and on PostgreSQL."""

import os

import pytest
from hypothesis import HealthCheck, settings

from scenarios.store.cases import CaseStore
from tests import databases

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch):
    """An empty store's URL, SQLite then PostgreSQL, also set as the default.

    ``$SCENARIOS_DATABASE_URL`` points at it, so ``CaseStore()`` and the CLI
    use it too. The PostgreSQL half gets a schema of its own.
    """
    with databases.store_url(request.param, tmp_path) as url:
        monkeypatch.delenv("SCENARIOS_DB", raising=False)
        monkeypatch.setenv(
            "SCENARIOS_DATABASE_URL", url.render_as_string(hide_password=False)
        )
        yield url


@pytest.fixture
def store(store_url):
    """A CaseStore on the parametrized, empty database."""
    return CaseStore(store_url)
