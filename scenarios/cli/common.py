"""Helpers shared by the CLI's command modules: argument parsing and output."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Mapping
from typing import Any

from scenarios import formatting
from scenarios.errors import ScenarioError
from scenarios.model import Scenario
from scenarios.registry import get


class CliError(ScenarioError):
    """Bad command-line input; main() prints it as one line and exits 2."""


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """The ``--set NAME=VALUE`` option, repeatable."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (repeatable)",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def scenario_arg(scenario_id: str) -> Scenario:
    """The scenario named on the command line, or CliError listing the known ids."""
    try:
        return get(scenario_id)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None


def parse_overrides(scenario: Scenario, overrides: list[str]) -> dict[str, float]:
    """``["a=1", "b=2"]`` to a validated, complete parameter dict."""
    raw: dict[str, str] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CliError(f"--set expects NAME=VALUE, got {item!r}")
        raw[name.strip()] = value.strip()
    return scenario.resolve(raw)


def number(text: str, what: str) -> float:
    """A finite float from the command line, or CliError naming ``what``."""
    try:
        value = float(text)
    except ValueError:
        raise CliError(f"{what} must be a number, not {text!r}") from None
    if not math.isfinite(value):
        raise CliError(f"{what} must be a finite number, not {text!r}")
    return value


def print_json(payload: Mapping[str, Any]) -> None:
    print(json.dumps(payload, indent=2, allow_nan=False))


def fmt(value: float, sig: int = 4) -> str:
    """A bare number as the dashboard writes it: ``30,250``, ``9.027``, ``−10``.

    One formatter serves both front ends (:mod:`scenarios.formatting`).
    """
    return formatting.number(value, sig)


def with_unit(value: float, unit: str, sig: int = 4) -> str:
    """A quantity as the dashboard writes it: ``$75.00``, ``$30,250``, ``9 hours``."""
    return formatting.quantity(value, unit, sig)


def plain(value: float) -> str:
    """A number as typed on the command line: ``1300``, ``-10``, ``0.051``.

    For text a user copies back into ``--set NAME=VALUE``: no separators, an
    ASCII minus, up to 10 significant digits and no float tails.
    """
    if value == 0:
        return "0"
    return f"{value:.10g}"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain aligned text table, columns two spaces apart."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *rows]
    for line in lines:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
