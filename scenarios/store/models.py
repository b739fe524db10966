"""Saved own models: a name and a JSON spec the store keeps without reading it.

A spec looks like ``{"formula": str, "variable": str, "domain": [lo, hi],
"goal": str, "params": {name: float}, "ranges": {name: [min, max, step]}}``;
whoever builds models checks it, the store only round-trips it as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from scenarios.store import database
from scenarios.store.core import (
    DuplicateModelError,
    ModelNameError,
    ModelNotFoundError,
    StoreBase,
    clean_name,
    utc_now,
)

MAX_SPEC_LENGTH = 20_000
"""Longest model spec accepted, in characters of JSON."""


@dataclass(frozen=True)
class SavedModel:
    """One saved own model: ``spec`` is the JSON object it was saved with.

    ``created`` and ``updated`` are ISO 8601 UTC timestamps. The store never
    interprets ``spec``; when the stored text is not a JSON object, ``spec``
    is empty and ``unreadable`` is true.
    """

    name: str
    spec: dict[str, Any] = field(hash=False)
    created: str
    updated: str
    unreadable: bool = False


def _spec_json(spec: Mapping[str, Any]) -> str:
    if not isinstance(spec, Mapping):
        raise ModelNameError("A model's description must be a mapping of fields.")
    try:
        payload = json.dumps(dict(spec), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError):
        raise ModelNameError(
            "A model's description must hold only text, finite numbers, lists "
            "and mappings."
        ) from None
    if len(payload) > MAX_SPEC_LENGTH:
        raise ModelNameError(
            f"A model's description can be at most {MAX_SPEC_LENGTH} characters."
        )
    return payload


def _row_to_model(row: Row) -> SavedModel:
    try:
        spec = json.loads(str(row.spec))
        unreadable = not isinstance(spec, dict)
    except ValueError:
        unreadable = True
    if unreadable:
        spec = {}
    return SavedModel(
        str(row.name), spec, str(row.created_at), str(row.updated_at), unreadable
    )


def _model_exists(name: str) -> DuplicateModelError:
    return DuplicateModelError(
        f"A model called {name!r} is already saved; choose another name."
    )


def _no_model(name: str) -> ModelNotFoundError:
    return ModelNotFoundError(f"There is no saved model called {name!r}.")


_M = database.models.c


class ModelStore(StoreBase):
    """Saved own models, on the connections of StoreBase."""

    def list_models(self) -> list[SavedModel]:
        """Every saved model, in order of saving."""
        query = select(database.models).order_by(_M.id)
        return [_row_to_model(r) for r in self._rows(database.models, query)]

    def get_model(self, name: str) -> SavedModel:
        """The model called ``name``; ModelNotFoundError if there is none."""
        query = select(database.models).where(_M.name == name)
        rows = self._rows(database.models, query)
        if not rows:
            raise _no_model(name)
        return _row_to_model(rows[0])

    def save_model(
        self, name: str, spec: Mapping[str, Any], *, replace: bool = False
    ) -> SavedModel:
        """Store ``spec`` (as JSON text) under ``name``.

        A name already saved raises DuplicateModelError, unless ``replace`` is
        true, in which case that model's spec is overwritten and ``updated``
        moves on.
        """
        name = clean_name(name, "model")
        payload = _spec_json(spec)
        for attempt in (1, 2):
            try:
                with self._writing("save") as conn:
                    return self._save_model(conn, name, payload, replace)
            except IntegrityError:
                if not replace or attempt == 2:
                    raise _model_exists(name) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _save_model(
        self, conn: Connection, name: str, payload: str, replace: bool
    ) -> SavedModel:
        now = utc_now()
        existing = conn.execute(select(_M.id).where(_M.name == name)).scalar()
        if existing is not None and not replace:
            raise _model_exists(name)
        if existing is not None:
            conn.execute(
                update(database.models)
                .where(_M.id == existing)
                .values(spec=payload, updated_at=now)
            )
        else:
            conn.execute(
                insert(database.models).values(
                    name=name, spec=payload, created_at=now, updated_at=now
                )
            )
        return _row_to_model(
            conn.execute(select(database.models).where(_M.name == name)).one()
        )

    def rename_model(self, old: str, new: str) -> SavedModel:
        """Give model ``old`` the name ``new``, which must not be taken."""
        new = clean_name(new, "model")
        try:
            with self._writing("change") as conn:
                row = conn.execute(select(_M.id).where(_M.name == old)).first()
                if row is None:
                    raise _no_model(old)
                if old != new:
                    conn.execute(
                        update(database.models)
                        .where(_M.id == row.id)
                        .values(name=new, updated_at=utc_now())
                    )
                return _row_to_model(
                    conn.execute(select(database.models).where(_M.id == row.id)).one()
                )
        except IntegrityError:
            raise _model_exists(new) from None

    def delete_model(self, name: str) -> None:
        """Remove model ``name``; ModelNotFoundError if it is already gone."""
        with self._writing("change") as conn:
            result = conn.execute(delete(database.models).where(_M.name == name))
            if result.rowcount == 0:
                raise _no_model(name)
