"""Saved work: named cases (parameter sets) and own models, in one database.

The database is SQLite by default and PostgreSQL for a team; see
``scenarios.store.database`` for the URL and the tables. The store only persists:
loading a case into today's declaration and the summary report, which solve
cases, live in ``scenarios.reports``.

Every statement is parameterised. A write runs in one transaction, and a name
is unique by a constraint in the database, so two writers racing on one name
save it exactly once. Every failure of the database itself is a StorageError
whose message is one plain sentence. Nothing here imports Streamlit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from scenarios.store import database
from scenarios.store.core import (
    MAX_NAME_LENGTH,
    CaseNameError,
    CaseNotFoundError,
    DuplicateCaseError,
    DuplicateModelError,
    ModelNameError,
    ModelNotFoundError,
    StorageError,
    clean_name,
    utc_now,
)
from scenarios.store.database import (
    BUSY_TIMEOUT_SECONDS,
    DB_ENV_VAR,
    DEFAULT_DB_PATH,
    REPO_ROOT,
    URL_ENV_VAR,
    default_path,
)
from scenarios.store.models import MAX_SPEC_LENGTH, ModelStore, SavedModel

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "DB_ENV_VAR",
    "DEFAULT_DB_PATH",
    "MAX_NAME_LENGTH",
    "MAX_SPEC_LENGTH",
    "REPO_ROOT",
    "URL_ENV_VAR",
    "Case",
    "CaseNameError",
    "CaseNotFoundError",
    "CaseStore",
    "DuplicateCaseError",
    "DuplicateModelError",
    "ModelNameError",
    "ModelNotFoundError",
    "SavedModel",
    "StorageError",
    "clean_name",
    "default_path",
    "delete_model",
    "get_model",
    "list_models",
    "rename_model",
    "save_model",
]


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


def _row_to_case(row: Row) -> Case:
    params: dict[str, float] = {}
    unreadable = False
    try:
        decoded = json.loads(str(row.params))
        if not isinstance(decoded, dict):
            raise ValueError
        for key, value in decoded.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError
            params[str(key)] = float(value)
    except ValueError:
        params, unreadable = {}, True
    return Case(
        int(row.id),
        str(row.scenario_id),
        str(row.name),
        params,
        str(row.created_at),
        str(row.updated_at),
        unreadable,
    )


def _case_exists(name: str) -> DuplicateCaseError:
    return DuplicateCaseError(
        f"A case called {name!r} already exists for this scenario; choose another name."
    )


def _no_case(case_id: int) -> CaseNotFoundError:
    return CaseNotFoundError(f"There is no saved case number {case_id}.")


_C = database.cases.c


class CaseStore(ModelStore):
    """Saved cases and own models in one database.

    ``location`` is a SQLAlchemy URL (text or URL) or a SQLite file path; by
    default the configured URL (``scenarios.store.database.database_url``). The
    store may be shared between threads. Reading a SQLite file that does not
    exist yet gives nothing and creates nothing; the first write creates the
    folder, the file and the tables. On a server, the tables are created on
    first use.
    """

    # Cases -----------------------------------------------------------------

    def check(self) -> None:
        """Raise StorageError if the store exists but cannot be read as cases."""
        self._rows(database.cases, select(database.cases).limit(1))

    def list(self, scenario_id: str | None = None) -> list[Case]:
        """Every case, or one scenario's, by scenario then in order of saving."""
        query = select(database.cases)
        if scenario_id is None:
            query = query.order_by(_C.scenario_id, _C.id)
        else:
            query = query.where(_C.scenario_id == scenario_id).order_by(_C.id)
        return [_row_to_case(r) for r in self._rows(database.cases, query)]

    def get(self, case_id: int) -> Case:
        """The case with this id; CaseNotFoundError if there is none."""
        query = select(database.cases).where(_C.id == case_id)
        rows = self._rows(database.cases, query)
        if not rows:
            raise _no_case(case_id)
        return _row_to_case(rows[0])

    def find(self, scenario_id: str, name: str) -> Case:
        """The case called ``name`` for ``scenario_id``; CaseNotFoundError if none."""
        query = select(database.cases).where(
            _C.scenario_id == scenario_id, _C.name == name
        )
        rows = self._rows(database.cases, query)
        if not rows:
            raise CaseNotFoundError(
                f"There is no case called {name!r} for this scenario."
            )
        return _row_to_case(rows[0])

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
        for attempt in (1, 2):
            try:
                with self._writing("save") as conn:
                    return self._save_case(conn, scenario_id, name, payload, replace)
            except IntegrityError:
                # Another writer saved the name between our look and our insert.
                if not replace or attempt == 2:
                    raise _case_exists(name) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _save_case(
        self, conn: Connection, scenario_id: str, name: str, payload: str, replace: bool
    ) -> Case:
        now = utc_now()
        existing = conn.execute(
            select(_C.id).where(_C.scenario_id == scenario_id, _C.name == name)
        ).scalar()
        if existing is not None and not replace:
            raise _case_exists(name)
        if existing is not None:
            conn.execute(
                update(database.cases)
                .where(_C.id == existing)
                .values(params=payload, updated_at=now)
            )
            case_id = existing
        else:
            case_id = conn.execute(
                insert(database.cases)
                .values(
                    scenario_id=scenario_id,
                    name=name,
                    params=payload,
                    created_at=now,
                    updated_at=now,
                )
                .returning(_C.id)
            ).scalar_one()
        return _row_to_case(
            conn.execute(select(database.cases).where(_C.id == case_id)).one()
        )

    def rename(self, case_id: int, new_name: str) -> Case:
        """Give case ``case_id`` a new name, unique within its scenario."""
        new_name = clean_name(new_name)
        try:
            with self._writing("change") as conn:
                row = conn.execute(
                    select(database.cases).where(_C.id == case_id)
                ).first()
                if row is None:
                    raise _no_case(case_id)
                if row.name != new_name:
                    conn.execute(
                        update(database.cases)
                        .where(_C.id == case_id)
                        .values(name=new_name, updated_at=utc_now())
                    )
                return _row_to_case(
                    conn.execute(select(database.cases).where(_C.id == case_id)).one()
                )
        except IntegrityError:
            raise _case_exists(new_name) from None

    def delete(self, case_id: int) -> None:
        """Remove case ``case_id``; CaseNotFoundError if it is already gone."""
        with self._writing("change") as conn:
            result = conn.execute(delete(database.cases).where(_C.id == case_id))
            if result.rowcount == 0:
                raise _no_case(case_id)


# Own models through the configured store, for callers that keep no store.


def save_model(
    name: str, spec: Mapping[str, Any], *, replace: bool = False
) -> SavedModel:
    """``CaseStore().save_model``: store a model in the configured database."""
    return CaseStore().save_model(name, spec, replace=replace)


def list_models() -> list[SavedModel]:
    """``CaseStore().list_models``: every model in the configured database."""
    return CaseStore().list_models()


def get_model(name: str) -> SavedModel:
    """``CaseStore().get_model``: one model from the configured database."""
    return CaseStore().get_model(name)


def rename_model(old: str, new: str) -> SavedModel:
    """``CaseStore().rename_model`` on the configured database."""
    return CaseStore().rename_model(old, new)


def delete_model(name: str) -> None:
    """``CaseStore().delete_model`` on the configured database."""
    CaseStore().delete_model(name)
