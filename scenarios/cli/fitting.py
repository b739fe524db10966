"""Fitting commands: ``fit`` (any formula) and ``fit-demand --model``.

``fit-demand`` itself lives in :mod:`.whatif`; with ``--model`` it hands over
to :func:`run_model_fit` here, which fits and compares the demand shapes of
:mod:`scenarios.fitting.demand.models`.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from scenarios.cli.common import (
    CliError,
    add_json_option,
    fmt,
    number,
    plain,
    print_json,
    print_table,
    with_unit,
)
from scenarios.fitting.data import Observations
from scenarios.fitting.demand import models as demand_models
from scenarios.fitting.demand.sales import (
    MAX_UPLOAD_BYTES,
    DemandDataError,
    parse_pairs,
    parse_xy_csv,
)
from scenarios.fitting.formulas import fit_formula
from scenarios.fitting.least_squares import FitError
from scenarios.formatting import r_squared

MODEL_CHOICES = (*demand_models.MODEL_NAMES, "all")
"""What ``fit-demand --model`` accepts."""


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """``--model`` and ``--cost`` for ``fit-demand``."""
    parser.add_argument(
        "--model",
        choices=MODEL_CHOICES,
        help="fit this demand shape (or all three) by nonlinear least squares",
    )
    parser.add_argument(
        "--cost",
        metavar="C",
        help="unit cost [$] for the profit-optimal price (default 0; with --model)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``fit``."""
    p = subparsers.add_parser(
        "fit", help="fit a formula's parameters to (x, y) data in a CSV file"
    )
    p.add_argument(
        "--formula", required=True, metavar="TEXT", help="e.g. 'S(1 - exp(-k h))'"
    )
    p.add_argument("--variable", default="x", metavar="V", help="the x of the data")
    p.add_argument("--data", required=True, metavar="FILE.csv", help="at most 1 MB")
    p.add_argument("--x", dest="x_column", metavar="COL", help="column of x")
    p.add_argument("--y", dest="y_column", metavar="COL", help="column of y")
    p.add_argument(
        "--start",
        required=True,
        metavar="NAME=V[,NAME=V...]",
        help="the parameters to fit, each with its start value",
    )
    p.add_argument(
        "--set",
        dest="fixed",
        default="",
        metavar="NAME=V[,NAME=V...]",
        help="parameters held fixed at these values",
    )
    add_json_option(p)
    p.set_defaults(handler=run_fit)


def _json_number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _assignments(text: str, option: str) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"{option} expects NAME=VALUE pairs, got {item!r}")
        values[name.strip()] = number(value.strip(), f"{option} {name.strip()}")
    return values


# --- fit-demand --model -------------------------------------------------------


def model_payload(fit: demand_models.ModelFit) -> dict[str, Any]:
    """One model's row of ``fit-demand --model ... --json``."""
    optimum = fit.optimum
    return {
        "model": fit.model,
        "equation": demand_models.MODELS[fit.model].equation,
        "params": {k: _json_number(v) for k, v in fit.params.items()},
        "stderr": {k: _json_number(v) for k, v in fit.stderr.items()},
        "r2": _json_number(fit.r2),
        "rmse": _json_number(fit.rmse),
        "aic": _json_number(fit.aic),
        "aicc": _json_number(fit.aicc),
        "optimal_price": _json_number(optimum.price),
        "profit": _json_number(optimum.profit),
        "note": optimum.reason,
        "warnings": list(fit.warnings),
    }


def compared_models(
    args: argparse.Namespace,
) -> tuple[Observations, demand_models.DemandComparison]:
    """The sales rows of ``--obs`` and the fits of ``--model`` at ``--cost``."""
    if args.scenario is not None:
        raise CliError("--scenario works only without --model")
    cost = 0.0 if args.cost is None else number(args.cost, "--cost")
    if cost < 0:
        raise CliError(f"--cost must not be negative, got {args.cost}")
    observations = parse_pairs(args.obs)
    names = demand_models.MODEL_NAMES if args.model == "all" else (args.model,)
    try:
        comparison = demand_models.compare_models(
            observations.prices, observations.units, cost, names
        )
    except DemandDataError as exc:
        raise CliError(str(exc)) from None
    return observations, comparison


def run_model_fit(args: argparse.Namespace) -> int:
    """``fit-demand --model NAME|all``: fit, compare and price the demand shapes."""
    observations, comparison = compared_models(args)
    if args.json:
        print_json(
            {
                "models": [model_payload(f) for f in comparison.fits],
                "best": comparison.best,
                "criterion": comparison.criterion,
                "unit_cost": comparison.unit_cost,
                "n": comparison.n,
                "notices": list(comparison.notices),
            }
        )
        return 0
    rows = []
    for fit in comparison.fits:
        params = "  ".join(
            f"{k}={fmt(v)} ± {fmt(fit.stderr[k])}" for k, v in fit.params.items()
        )
        price = fit.optimum.price
        rows.append(
            [
                fit.model + (" (best)" if fit.model == comparison.best else ""),
                params,
                r_squared(fit.r2),
                fmt(fit.criterion(comparison.criterion)),
                "—" if price is None else with_unit(price, "$"),
                "—"
                if fit.optimum.profit is None
                else with_unit(fit.optimum.profit, "$"),
            ]
        )
    headers = [
        "model",
        "parameters ± standard error",
        "R²",
        comparison.criterion,
        f"best price (cost {with_unit(comparison.unit_cost, '$')})",
        "profit there",
    ]
    print_table(headers, rows)
    for fit in comparison.fits:
        for warning in fit.warnings:
            print(f"warning: {fit.model}: {warning}", file=sys.stderr)
        if fit.converged and fit.optimum.reason:
            print(f"note: {fit.model}: {fit.optimum.reason}", file=sys.stderr)
    for notice in comparison.notices:
        print(f"note: {notice}", file=sys.stderr)
    return 0


# --- fit ----------------------------------------------------------------------


def _read_data(path: str) -> bytes:
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            megabytes = size / 1024 / 1024
            raise CliError(f"{file.name} is {megabytes:.1f} MB; the limit is 1 MB")
        return file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None


def run_fit(args: argparse.Namespace) -> int:
    """``fit``: a formula's parameters fitted to a CSV file's (x, y) columns."""
    start = _assignments(args.start, "--start")
    fixed = _assignments(args.fixed, "--set")
    data = _read_data(args.data)
    try:
        table = parse_xy_csv(data, Path(args.data).name, args.x_column, args.y_column)
    except DemandDataError as exc:
        raise CliError(str(exc)) from None
    if table.bad_rows:
        first = table.bad_rows[0]
        more = len(table.bad_rows) - 1
        raise CliError(
            f"row {first.row}: {first.reason}"
            + (f" (and {more} more bad row{'s' if more != 1 else ''})" if more else "")
        )
    try:
        result = fit_formula(
            args.formula, args.variable, table.x, table.y, start, fixed
        )
    except (FitError, ValueError) as exc:
        raise CliError(str(exc)) from None
    if not result.converged:
        raise CliError(result.message)
    if args.json:
        print_json(
            {
                "params": {k: _json_number(v) for k, v in result.params.items()},
                "stderr": {k: _json_number(v) for k, v in result.stderr.items()},
                "r2": _json_number(result.r2),
                "rmse": _json_number(result.rmse),
                "n": result.n,
                "starts": result.starts,
                "warnings": list(result.warnings),
            }
        )
        return 0
    width = max(len(name) for name in result.params)
    for name, value in result.params.items():
        print(f"{name.ljust(width)}  {plain(value)} ± {fmt(result.stderr[name])}")
    print(f"{'r2'.ljust(width)}  {fmt(result.r2)}")
    print(f"{'rmse'.ljust(width)}  {fmt(result.rmse)}")
    print(f"{'n'.ljust(width)}  {result.n}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
