"""Saved work: named cases and own models in SQLite or PostgreSQL.

The store only persists. ``database`` holds the URL and the tables, ``core``
the shared errors and connection handling, ``cases`` the case store and
``models`` the saved own models. Loading and reporting cases, which solve
them, live in :mod:`scenarios.reports`.
"""

from scenarios.store.cases import Case, CaseStore
from scenarios.store.core import (
    CaseNotFoundError,
    DuplicateCaseError,
    StorageError,
)
from scenarios.store.models import SavedModel

__all__ = [
    "Case",
    "CaseNotFoundError",
    "CaseStore",
    "DuplicateCaseError",
    "SavedModel",
    "StorageError",
]
