"""Typed formulas on the command line: ``derive``, and ``solve --formula``."""

from __future__ import annotations

import argparse

import numpy as np

from scenarios.cli.common import (
    CliError,
    add_json_option,
    add_set_option,
    fmt,
    number,
    print_json,
    print_table,
    scenario_arg,
)
from scenarios.formula.build import (
    formula_texts,
    from_formula,
    numpy_function,
    parse_formula,
)
from scenarios.formula.check import steps_of
from scenarios.formula.derive import formula_text
from scenarios.formula.syntax import syntax_help_text
from scenarios.model import Scenario


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``derive``; ``solve`` gets its --formula options from core."""
    p = subparsers.add_parser(
        "derive",
        help="f, f' and f'' of a typed formula",
        epilog=syntax_help_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--formula", required=True, metavar="TEXT", help="e.g. '(3x+1)^5'")
    p.add_argument("--variable", default="x", metavar="NAME", help="default x")
    p.add_argument("--at", metavar="X[,X...]", help="points to evaluate at")
    p.add_argument("--steps", action="store_true", help="also show f' rule by rule")
    add_set_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_derive)


def add_formula_options(parser: argparse.ArgumentParser) -> None:
    """--formula, --variable, --domain and --goal for ``solve``."""
    parser.add_argument(
        "--formula",
        metavar="TEXT",
        help="solve a typed formula (what you can type: derive --help)",
    )
    parser.add_argument("--variable", default="x", metavar="NAME", help="default x")
    parser.add_argument(
        "--domain", metavar="LO,HI", help="ends: numbers or formulas of the parameters"
    )
    parser.add_argument(
        "--goal",
        type=_goal,
        choices=("maximize", "minimize"),
        default="maximize",
        help="maximize (or max) / minimize (or min)",
    )


GOAL_ALIASES = {"max": "maximize", "min": "minimize"}
"""Short goal names the command line accepts beside the full ones."""


def _goal(text: str) -> str:
    return GOAL_ALIASES.get(text.strip().lower(), text.strip().lower())


def split_top_level(text: str) -> list[str]:
    """``"0, min(a, b)"`` -> ``["0", "min(a, b)"]``: commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _set_values(overrides: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--set expects NAME=VALUE, got {item!r}")
        values[name.strip()] = number(value.strip(), name.strip())
    return values


def solve_scenario(args: argparse.Namespace) -> Scenario:
    """The scenario ``solve`` works on: a catalog id, or a typed --formula."""
    if args.formula is None:
        if args.scenario is None:
            raise CliError("solve: a scenario ID or --formula TEXT is required")
        if args.domain is not None:
            raise CliError("--domain goes with --formula")
        return scenario_arg(args.scenario)
    if args.scenario is not None:
        raise CliError("give a scenario ID or --formula, not both")
    if args.domain is None:
        raise CliError("--formula needs --domain LO,HI")
    ends = split_top_level(args.domain)
    if len(ends) != 2 or not all(ends):
        raise CliError(f"--domain expects LO,HI, got {args.domain!r}")
    return from_formula(
        args.formula,
        variable=args.variable,
        domain=(ends[0], ends[1]),
        goal=args.goal,
        params=_set_values(args.overrides),
    )


def formula_payload(scenario: Scenario) -> dict[str, str]:
    """The extra JSON keys of ``solve --formula``: f, df and d2f as text."""
    return formula_texts(scenario) or {}


def run_derive(args: argparse.Namespace) -> int:
    parsed = parse_formula(args.formula, args.variable)
    given = _set_values(args.overrides)
    unknown = [n for n in given if n not in parsed.param_names]
    if unknown:
        known = ", ".join(parsed.param_names) or "none"
        raise CliError(
            f"{unknown[0]} is not a parameter of the formula (known: {known})"
        )
    params = {name: given.get(name, 1.0) for name in parsed.param_names}
    d = parsed.derivatives()
    texts = {
        "f": parsed.expr,
        "df": d.df,
        "d2f": d.d2f,
    }
    points = []
    if args.at is not None:
        points = [number(x, "--at") for x in args.at.split(",") if x.strip()]
        if not points:
            raise CliError("--at needs at least one number")
    fns = {
        key: numpy_function(expr, parsed.variable, parsed.param_names)
        for key, expr in texts.items()
    }
    rows = []
    with np.errstate(all="ignore"):
        for x in points:
            row = {"x": x}
            for key, fn in fns.items():
                value = float(fn(x, **params))
                row[key] = value if np.isfinite(value) else None
            rows.append(row)
    shown = {key: formula_text(expr) for key, expr in texts.items()}
    steps = steps_of(args.formula, args.variable).lines() if args.steps else None
    if args.json:
        print_json({**shown, "at": rows, **({"steps": steps} if steps else {})})
        return 0
    v = parsed.variable
    print(f"f({v})   = {shown['f']}")
    print(f"f'({v})  = {shown['df']}")
    print(f"f''({v}) = {shown['d2f']}")
    if steps:
        print("\nStep by step:")
        print("\n".join(steps))
    if rows:
        print()
        print_table(
            [v, "f", "f'", "f''"],
            [[fmt(r["x"])] + [_cell(r[k]) for k in ("f", "df", "d2f")] for r in rows],
        )
    return 0


def _cell(value: float | None) -> str:
    return "undefined" if value is None else fmt(value)
