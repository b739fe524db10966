"""The core commands: list, solve, table and seek."""

from __future__ import annotations

import argparse
import math

from scenarios.analysis import PointReport, evaluate_points
from scenarios.cli.common import (
    CliError,
    add_json_option,
    add_set_option,
    fmt,
    number,
    parse_overrides,
    print_json,
    print_table,
    scenario_arg,
    with_unit,
)
from scenarios.cli.formula import add_formula_options, formula_payload, solve_scenario
from scenarios.formatting import (
    OUTSIDE,
    advice_text,
    kink_text,
    signed,
    signed_quantity,
    slope_unit,
)
from scenarios.formatting import with_unit as label_with_unit
from scenarios.goalseek import seek, seek_param
from scenarios.model import Scenario
from scenarios.registry import REGISTRY
from scenarios.solver import UNRESOLVED_NOTE, Solution, solve


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add list, solve, table and seek."""
    p = subparsers.add_parser("list", help="scenario ids and titles")
    add_json_option(p)
    p.set_defaults(handler=run_list)

    p = subparsers.add_parser("solve", help="the optimum of one scenario")
    p.add_argument("scenario", metavar="ID", nargs="?")
    add_formula_options(p)
    add_set_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_solve)

    p = subparsers.add_parser("table", help="compare points with the optimum")
    p.add_argument("scenario", metavar="ID")
    p.add_argument("--at", required=True, metavar="X[,X...]", help="points to compare")
    add_set_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_table)

    p = subparsers.add_parser("seek", help="goal seek: x, or a parameter, for a target")
    p.add_argument("scenario", metavar="ID")
    p.add_argument("--target", required=True, metavar="V", help="objective to reach")
    p.add_argument("--param", metavar="NAME", help="solve for this parameter instead")
    p.add_argument("--at", metavar="X", help="the x at which --param is sought")
    add_set_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_seek)


def run_list(args: argparse.Namespace) -> int:
    if args.json:
        print_json(
            {"scenarios": [{"id": k, "title": s.title} for k, s in REGISTRY.items()]}
        )
    else:
        print_table(["id", "title"], [[k, s.title] for k, s in REGISTRY.items()])
    return 0


def run_solve(args: argparse.Namespace) -> int:
    scenario = solve_scenario(args)
    params = parse_overrides(scenario, args.overrides)
    sol = solve(scenario, params)
    payload = {
        "scenario": scenario.id,
        "params": sol.params,
        "variable": scenario.variable.name,
        "x": sol.x,
        "value": sol.value,
        "kind": sol.kind,
        "on_boundary": sol.on_boundary,
        "second_derivative": _plain(sol.second_derivative),
        **(
            {"left_slope": sol.left_slope, "right_slope": sol.right_slope}
            if sol.kind == "kink"
            else {}
        ),
        "stationary_points": [
            {"x": sp.x, "value": sp.value, "kind": sp.kind}
            for sp in sol.stationary_points
        ],
        "notes": list(sol.notes),
        **formula_payload(scenario),
    }
    if args.json:
        print_json(payload)
        return 0
    var = scenario.variable
    print(f"{scenario.title}: {scenario.question}")
    print(f"  best {var.label.lower()}: {with_unit(sol.x, var.unit)}")
    value = with_unit(sol.value, scenario.objective_unit)
    print(f"  {scenario.objective_label.lower()} there: {value}")
    print(f"  kind: {kind_line(sol)}")
    for note in sol.notes:
        label = "warning" if note == UNRESOLVED_NOTE else "note"
        print(f"  {label}: {note}")
    if sol.on_boundary:
        where = "upper" if sol.boundary_side == "upper" else "lower"
        if math.isfinite(sol.derivative):
            slope = signed_quantity(sol.derivative, slope_unit(scenario))
            print(f"  at the {where} end of the range; f′ there = {slope}")
        else:
            print(f"  at the {where} end of the range; f′ → {signed(sol.derivative)}")
    return 0


def kind_line(sol: Solution) -> str:
    """``maximum (f″(x*) = −2)``; a kink's one-sided slopes; f″ only where it exists."""
    if sol.kind == "kink":
        jump = kink_text(sol.left_slope, sol.right_slope)
        return f"kink ({jump}; f″ does not exist there)"
    if math.isfinite(sol.second_derivative):
        return f"{sol.kind} (f″(x*) = {fmt(sol.second_derivative)})"
    return sol.kind


def _plain(value: float) -> float | None:
    """A number for JSON: None where it is not finite (JSON has no NaN)."""
    return value if math.isfinite(value) else None


def run_table(args: argparse.Namespace) -> int:
    scenario = scenario_arg(args.scenario)
    params = parse_overrides(scenario, args.overrides)
    points = [number(x, "--at") for x in args.at.split(",") if x.strip()]
    if not points:
        raise CliError("--at needs at least one number")
    reports = evaluate_points(scenario, points, params)
    if args.json:
        print_json(
            {
                "scenario": scenario.id,
                "params": params,
                "rows": [
                    {
                        "label": r.label,
                        "x": r.x,
                        "value": r.value,
                        "derivative": r.derivative,
                        "advice": r.advice,
                        "gap": r.gap,
                        "in_domain": r.in_domain,
                        **r.derived,
                    }
                    for r in reports
                ],
            }
        )
        return 0
    print_table(*points_text(scenario, reports))
    return 0


def points_text(
    scenario: Scenario, reports: list[PointReport]
) -> tuple[list[str], list[list[str]]]:
    """The headers and cells of ``table``: the dashboard's points table, as text.

    Cells read exactly as on the page; headers are shorter, to fit a terminal.
    """
    var, unit = scenario.variable, scenario.objective_unit
    headers = [
        "point",
        var.label.lower(),
        scenario.objective_label.lower(),
        label_with_unit("f′", slope_unit(scenario)),
        "advice",
        "gap",
        *(d.label.lower() for d in scenario.derived),
    ]
    rows = [
        [
            r.label + ("" if r.in_domain else OUTSIDE),
            with_unit(r.x, var.unit),
            with_unit(r.value, unit),
            signed(r.derivative),
            advice_text(r.advice, scenario),
            with_unit(r.gap, unit),
            *(with_unit(r.derived[d.name], d.unit) for d in scenario.derived),
        ]
        for r in reports
    ]
    return headers, rows


def run_seek(args: argparse.Namespace) -> int:
    scenario = scenario_arg(args.scenario)
    params = parse_overrides(scenario, args.overrides)
    target = number(args.target, "--target")
    if args.param is not None:
        if args.at is None:
            raise CliError("--param needs --at X, the point where the target applies")
        at = number(args.at, "--at")
        value = seek_param(scenario, args.param, target, at, params)
        if args.json:
            print_json(
                {
                    "scenario": scenario.id,
                    "target": target,
                    "param": args.param,
                    "at": at,
                    "value": value,
                }
            )
        else:
            param = scenario.param(args.param)
            print(
                f"{args.param} = {with_unit(value, param.unit, sig=5)} makes "
                f"f({with_unit(at, scenario.variable.unit)}) = "
                f"{with_unit(target, scenario.objective_unit)}"
            )
        return 0
    if args.at is not None:
        raise CliError("--at goes with --param")
    xs = seek(scenario, target, params)
    if not xs:
        raise CliError(
            f"{scenario.objective_label} never reaches "
            f"{with_unit(target, scenario.objective_unit)} on the "
            f"{scenario.variable.label.lower()} range"
        )
    if args.json:
        print_json({"scenario": scenario.id, "target": target, "x": xs})
    else:
        for x in xs:
            print(with_unit(x, scenario.variable.unit, sig=5))
    return 0
