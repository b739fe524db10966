"""Discover every scenario module in ``scenarios/catalog``.

Adding a scenario means adding one file there that defines ``SCENARIO``.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections import OrderedDict

from scenarios import catalog
from scenarios.errors import DeclarationError, InputError, UnknownNameError
from scenarios.model import Scenario


def discover() -> dict[str, Scenario]:
    """Import each catalog module and collect its SCENARIO, ordered for display."""
    found: dict[str, Scenario] = {}
    for info in pkgutil.iter_modules(catalog.__path__):
        module = importlib.import_module(f"{catalog.__name__}.{info.name}")
        scenario = getattr(module, "SCENARIO", None)
        if not isinstance(scenario, Scenario):
            continue
        if scenario.id in found:
            raise DeclarationError(
                f"two catalog modules declare the id {scenario.id!r}"
            )
        found[scenario.id] = scenario
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


REGISTRY: dict[str, Scenario] = discover()


ADOPTED_LIMIT = 256
"""How many built scenarios (typed formulas) :func:`get` keeps, newest first."""

_ADOPTED: OrderedDict[str, Scenario] = OrderedDict()
_ADOPTED_LOCK = threading.Lock()


def adopt(scenario: Scenario) -> Scenario:
    """Make a scenario built at run time findable by :func:`get`; returns it.

    Not added to REGISTRY (which stays the catalog). A bounded LRU keeps the
    ADOPTED_LIMIT most recently adopted or looked-up ones; a catalog id can
    not be taken.
    """
    if scenario.id in REGISTRY:
        raise InputError(f"{scenario.id!r} is a catalog scenario's id")
    with _ADOPTED_LOCK:
        _ADOPTED[scenario.id] = scenario
        _ADOPTED.move_to_end(scenario.id)
        while len(_ADOPTED) > ADOPTED_LIMIT:
            _ADOPTED.popitem(last=False)
    return scenario


def get(scenario_id: str) -> Scenario:
    """The registered scenario ``scenario_id``; KeyError lists the known ids.

    Scenarios adopted at run time (see :func:`adopt`) are found too.
    """
    try:
        return REGISTRY[scenario_id]
    except KeyError:
        pass
    with _ADOPTED_LOCK:
        if scenario_id in _ADOPTED:
            _ADOPTED.move_to_end(scenario_id)
            return _ADOPTED[scenario_id]
    known = ", ".join(REGISTRY)
    raise UnknownNameError(
        f"unknown scenario {scenario_id!r}; known: {known}"
    ) from None
