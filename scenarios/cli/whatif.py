"""What-if commands: sweep, fit-demand, and cases (list, save, export)."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

from scenarios.cli import fitting, uncertain
from scenarios.cli.common import (
    CliError,
    add_json_option,
    add_set_option,
    fmt,
    parse_overrides,
    plain,
    print_json,
    print_table,
    scenario_arg,
    with_unit,
)
from scenarios.fitting.demand.sales import (
    demand_fit_ids,
    fit_demand,
    fit_to_params,
    parse_pairs,
)
from scenarios.formatting import r_squared
from scenarios.model import Scenario
from scenarios.registry import get
from scenarios.reports import summary_csv, summary_report
from scenarios.sensitivity import MAX_GRID, MAX_POINTS, one_way, two_way
from scenarios.store.cases import CaseStore, DuplicateCaseError, StorageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add sweep, fit-demand and cases."""
    p = subparsers.add_parser(
        "sweep", help="the optimum across one parameter's range, or a grid of two"
    )
    p.add_argument("scenario", metavar="ID")
    p.add_argument(
        "--param",
        dest="params",
        action="append",
        required=True,
        metavar="NAME",
        help="parameter to sweep; give it twice for a two-way grid",
    )
    p.add_argument(
        "--points",
        type=int,
        metavar="N",
        help="points along each parameter (default 11; one-way up to "
        f"{MAX_POINTS}, two-way up to {MAX_GRID})",
    )
    p.add_argument(
        "--of",
        choices=("optimum", "value"),
        default="optimum",
        help="what a two-way text table shows: x* (default) or f(x*)",
    )
    add_set_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_sweep)

    p = subparsers.add_parser(
        "fit-demand", help="fit linear demand to observed (price, units) pairs"
    )
    p.add_argument(
        "--obs",
        required=True,
        metavar="PRICE:UNITS[,PRICE:UNITS...]",
        help="observed sales, e.g. 30:1000,50:800",
    )
    p.add_argument(
        "--scenario",
        metavar="ID",
        help=f"also print the slider values for {' or '.join(demand_fit_ids())}",
    )
    fitting.add_model_options(p)
    uncertain.add_interval_options(p)
    add_json_option(p)
    p.set_defaults(handler=run_fit_demand)

    cases = subparsers.add_parser("cases", help="saved cases: list, save or export")
    actions = cases.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="saved cases, optionally of one scenario")
    p.add_argument("--scenario", metavar="ID")
    _add_db_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_cases_list)

    p = actions.add_parser("save", help="save parameter values as a named case")
    p.add_argument("--scenario", required=True, metavar="ID")
    p.add_argument("--name", required=True, metavar="NAME")
    add_set_option(p)
    p.add_argument(
        "--replace",
        action="store_true",
        help="overwrite a case of the same name instead of refusing",
    )
    _add_db_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_cases_save)

    p = actions.add_parser("export", help="a scenario's summary report as CSV")
    p.add_argument("--scenario", required=True, metavar="ID")
    p.add_argument("--base", metavar="NAME", help="the case to compare against")
    p.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    _add_db_option(p)
    p.set_defaults(handler=run_cases_export)


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="FILE|URL",
        help="a SQLite file or a database URL (default: $SCENARIOS_DATABASE_URL, "
        "else $SCENARIOS_DB, else data/cases.sqlite3)",
    )


def _json_number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _json_array(values: np.ndarray) -> list:
    return [
        _json_array(v) if isinstance(v, np.ndarray) else _json_number(float(v))
        for v in values
    ]


def run_sweep(args: argparse.Namespace) -> int:
    """The optimum across one parameter (``--param`` once) or a grid of two."""
    scenario = scenario_arg(args.scenario)
    params = parse_overrides(scenario, args.overrides)
    names = args.params
    if len(names) > 2:
        raise CliError("--param can be given once (one-way) or twice (two-way)")
    for name in names:
        scenario.param(name)
    points = 11 if args.points is None else args.points
    if len(names) == 1:
        return _sweep_one_way(args, scenario, params, points)
    return _sweep_two_way(args, scenario, params, points)


def _sweep_one_way(
    args: argparse.Namespace,
    scenario: Scenario,
    params: dict[str, float],
    points: int,
) -> int:
    """A one-way sweep of ``args.params[0]``: as JSON or a table, one row a value."""
    name = args.params[0]
    var = scenario.variable
    sweep = one_way(scenario, name, params, points)
    if args.json:
        print_json(
            {
                "scenario": scenario.id,
                "param": sweep.param,
                "params": sweep.params,
                "variable": var.name,
                "values": _json_array(sweep.values),
                "x": _json_array(sweep.optimum),
                "value": _json_array(sweep.objective),
                "on_boundary": [bool(b) for b in sweep.on_boundary],
                "current": sweep.current,
            }
        )
        return 0
    unit = scenario.param(name).unit
    rows = []
    for theta, x, v, edge, here in zip(
        sweep.values,
        sweep.optimum,
        sweep.objective,
        sweep.on_boundary,
        sweep.values == sweep.current,
        strict=True,
    ):
        if math.isnan(x):
            rows.append([with_unit(theta, unit), "infeasible", "", "", ""])
            continue
        rows.append(
            [
                with_unit(theta, unit),
                with_unit(x, var.unit),
                with_unit(v, scenario.objective_unit),
                "range end" if edge else "",
                "current" if here else "",
            ]
        )
    print_table([name, f"best {var.name}", "f(x*)", "", ""], rows)
    return 0


def _sweep_two_way(
    args: argparse.Namespace,
    scenario: Scenario,
    params: dict[str, float],
    points: int,
) -> int:
    """A two-way grid: as JSON, or a table of x* or f(x*) (``args.of``)."""
    var = scenario.variable
    grid = two_way(scenario, args.params[0], args.params[1], params, points)
    if args.json:
        print_json(
            {
                "scenario": scenario.id,
                "params": grid.params,
                "x_param": grid.x_param,
                "y_param": grid.y_param,
                "x_values": _json_array(grid.x_values),
                "y_values": _json_array(grid.y_values),
                "x": _json_array(grid.optimum),
                "value": _json_array(grid.objective),
                "infeasible": {str(k): v for k, v in grid.reasons.items()},
            }
        )
        return 0
    table = grid.optimum if args.of == "optimum" else grid.objective
    what = f"best {var.name}" if args.of == "optimum" else "f(x*)"
    print(f"{what}: rows {grid.y_param}, columns {grid.x_param}")
    x_unit = scenario.param(grid.x_param).unit
    y_unit = scenario.param(grid.y_param).unit
    headers = [
        f"{grid.y_param} \\ {grid.x_param}",
        *(with_unit(v, x_unit) for v in grid.x_values),
    ]
    cell_unit = var.unit if args.of == "optimum" else scenario.objective_unit
    rows = [
        [
            with_unit(y, y_unit),
            *("-" if math.isnan(c) else with_unit(c, cell_unit) for c in row),
        ]
        for y, row in zip(grid.y_values, table, strict=True)
    ]
    print_table(headers, rows)
    for reason in grid.reasons.values():
        print(f"-: {reason}")
    return 0


def run_fit_demand(args: argparse.Namespace) -> int:
    if args.interval:
        return uncertain.run_fit_interval(args)
    if args.model is not None:
        return fitting.run_model_fit(args)
    if args.cost is not None:
        raise CliError("--cost needs --model")
    observations = parse_pairs(args.obs)
    fit = fit_demand(observations.prices, observations.units)
    if fit.distinct_prices < 2:
        raise CliError(fit.warnings[0])
    mapped = None
    if args.scenario is not None:
        scenario = scenario_arg(args.scenario)
        mapped = fit_to_params(scenario, fit)
    if args.json:
        payload: dict = {
            "intercept": fit.intercept,
            "slope": fit.slope,
            "r2": _json_number(fit.r2),
            "n": fit.n,
            "warnings": list(fit.warnings),
        }
        if mapped is not None:
            payload["scenario"] = args.scenario
            payload["params"] = mapped.params
            payload["notices"] = list(mapped.notices)
        print_json(payload)
        return 0
    print(f"intercept  {fmt(fit.intercept)}")
    print(f"slope      {fmt(fit.slope)}")
    print(f"r2         {r_squared(fit.r2)}")
    if mapped is not None and mapped.params is not None:
        for name, value in mapped.params.items():
            print(f"--set {name}={plain(value)}")
    for warning in fit.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if mapped is not None:
        for notice in mapped.notices:
            print(f"note: {notice}", file=sys.stderr)
    return 0


def _store(args: argparse.Namespace) -> CaseStore:
    return CaseStore(args.db) if args.db else CaseStore()


def run_cases_list(args: argparse.Namespace) -> int:
    if args.scenario is not None:
        scenario_arg(args.scenario)
    try:
        cases = _store(args).list(args.scenario)
    except StorageError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json({"cases": [_case_json(c) for c in cases]})
        return 0
    if not cases:
        print("no saved cases")
        return 0
    rows = [
        [
            str(c.id),
            c.scenario_id,
            c.name,
            c.updated_at[:19].replace("T", " "),
            " ".join(f"{k}={plain(v)}" for k, v in c.params.items()),
        ]
        for c in cases
    ]
    print_table(["id", "scenario", "name", "updated (UTC)", "params"], rows)
    return 0


def _case_json(case) -> dict:
    return {
        "id": case.id,
        "scenario": case.scenario_id,
        "name": case.name,
        "params": case.params,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def run_cases_save(args: argparse.Namespace) -> int:
    scenario = scenario_arg(args.scenario)
    params = parse_overrides(scenario, args.overrides)
    try:
        case = _store(args).save(scenario.id, args.name, params, replace=args.replace)
    except DuplicateCaseError:
        raise CliError(
            f"a case called {args.name.strip()!r} already exists for "
            f"{scenario.id}; pass --replace to overwrite it"
        ) from None
    except StorageError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json(_case_json(case))
        return 0
    print(f"saved case {case.name!r} (id {case.id}) for {case.scenario_id}")
    return 0


def run_cases_export(args: argparse.Namespace) -> int:
    scenario = scenario_arg(args.scenario)
    try:
        cases = _store(args).list(scenario.id)
    except StorageError as exc:
        raise CliError(str(exc)) from None
    if not cases:
        raise CliError(f"there are no saved cases for {scenario.id}")
    report = summary_report(get(scenario.id), cases, args.base)
    text = summary_csv(report)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    for notice in report.notices:
        print(f"note: {notice}", file=sys.stderr)
    return 0
