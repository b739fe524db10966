"""Discover every scenario module in ``scenarios/catalog``.

Adding a scenario means adding one file there that defines ``SCENARIO``.
"""

from __future__ import annotations

import importlib
import pkgutil

from . import catalog
from .model import Scenario


def discover() -> dict[str, Scenario]:
    """Import each catalog module and collect its SCENARIO, ordered for display."""
    found: dict[str, Scenario] = {}
    for info in pkgutil.iter_modules(catalog.__path__):
        module = importlib.import_module(f"{catalog.__name__}.{info.name}")
        scenario = getattr(module, "SCENARIO", None)
        if not isinstance(scenario, Scenario):
            continue
        if scenario.id in found:
            raise ValueError(f"two catalog modules declare the id {scenario.id!r}")
        found[scenario.id] = scenario
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


REGISTRY: dict[str, Scenario] = discover()


def get(scenario_id: str) -> Scenario:
    """The registered scenario ``scenario_id``; KeyError lists the known ids."""
    try:
        return REGISTRY[scenario_id]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise KeyError(f"unknown scenario {scenario_id!r}; known: {known}") from None
