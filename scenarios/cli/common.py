"""Helpers shared by the CLI's command modules: argument parsing and output."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Mapping
from typing import Any

from ..model import Scenario
from ..registry import get


class CliError(Exception):
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


def fmt(value: float) -> str:
    """A number for the terminal: up to 10 significant digits, no float tails."""
    if value == 0:
        return "0"
    return f"{value:.10g}"


def with_unit(value: float, unit: str) -> str:
    """``$75``, ``9.03 hours``, ``0.8``: the unit where a reader expects it."""
    if unit == "$":
        return f"-${fmt(-value)}" if value < 0 else f"${fmt(value)}"
    return f"{fmt(value)} {unit}".rstrip()


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain aligned text table."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
