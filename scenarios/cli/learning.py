"""Learning commands: ``descend`` runs gradient descent and prints its path."""

from __future__ import annotations

import argparse
import math

from scenarios.cli.common import (
    CliError,
    add_json_option,
    add_set_option,
    fmt,
    number,
    parse_overrides,
    plain,
    print_json,
    print_table,
    scenario_arg,
    with_unit,
)
from scenarios.formatting import signed, small_quantity
from scenarios.learning import MAX_STEPS_LIMIT, WORSENING_PATIENCE, Descent, descend
from scenarios.model import Scenario

STOP_MESSAGES = {
    "small_step": "converged: the last step moved x by less than {x_tol}",
    "small_gradient": "converged: |f'| fell below {g_tol}",
    "not_finite": "diverged: the numbers overflowed; lower the learning rate",
    "worsening": (
        "diverged: the objective got worse {patience} steps in a row, "
        "each step overshooting further; lower the learning rate"
    ),
    "overshoot": (
        "diverged: a step jumped past the optimum and out of the range "
        "(to {escaped}); lower the learning rate"
    ),
    "edge": (
        "left the domain: the objective still improves past the end of the "
        "range (the step would go to {escaped}); the best value is at that end"
    ),
    "budget": "stopped after {steps} steps without meeting the tolerance",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add descend."""
    p = subparsers.add_parser(
        "descend",
        help="gradient descent (ascent for a maximisation) from a start",
    )
    p.add_argument("scenario", metavar="ID")
    p.add_argument("--start", required=True, metavar="X", help="starting x")
    p.add_argument("--lr", required=True, metavar="R", help="learning rate (> 0)")
    p.add_argument(
        "--steps", default="100", metavar="N", help="maximum steps (default 100)"
    )
    add_set_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_descend)


def _whole_number(text: str, what: str) -> int:
    value = number(text, what)
    if value != int(value) or not 1 <= value <= MAX_STEPS_LIMIT:
        raise CliError(f"{what} must be a whole number from 1 to {MAX_STEPS_LIMIT}")
    return int(value)


def stop_message(run: Descent, scenario: Scenario | None = None) -> str:
    """One line saying why the run stopped.

    With ``scenario``, numbers read as on the dashboard (``less than $0.00011``);
    without, as typed (``less than 0.00011``), which is what the JSON keeps.
    """
    if scenario is None:
        x_tol, g_tol = plain(run.x_tolerance), plain(run.gradient_tolerance)
        escaped = "" if run.escaped_to is None else plain(run.escaped_to)
        steps = str(run.iterations)
    else:
        unit = scenario.variable.unit
        x_tol = small_quantity(run.x_tolerance, unit)
        g_tol = fmt(run.gradient_tolerance, sig=2)
        escaped = "" if run.escaped_to is None else with_unit(run.escaped_to, unit)
        steps = f"{run.iterations:,}"
    return STOP_MESSAGES[run.reason].format(
        x_tol=x_tol,
        g_tol=g_tol,
        patience=WORSENING_PATIENCE,
        escaped=escaped,
        steps=steps,
    )


def run_descend(args: argparse.Namespace) -> int:
    scenario = scenario_arg(args.scenario)
    params = parse_overrides(scenario, args.overrides)
    start = number(args.start, "--start")
    rate = number(args.lr, "--lr")
    if rate <= 0:
        raise CliError(f"--lr must be positive, not {args.lr}")
    steps = _whole_number(args.steps, "--steps")
    try:
        run = descend(scenario, start, rate, params, max_steps=steps)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    escaped = run.escaped_to
    if args.json:
        print_json(
            {
                "scenario": scenario.id,
                "params": run.params,
                "variable": scenario.variable.name,
                "direction": run.direction,
                "start": run.start,
                "learning_rate": run.learning_rate,
                "max_steps": run.max_steps,
                "steps": [
                    {
                        "step": s.step,
                        "x": s.x,
                        "value": s.value,
                        "derivative": s.derivative,
                    }
                    for s in run.steps
                ],
                "status": run.status,
                "reason": run.reason,
                "x": run.final.x,
                "value": run.final.value,
                "iterations": run.iterations,
                "escaped_to": escaped
                if escaped is None or math.isfinite(escaped)
                else None,
                "message": stop_message(run),
            }
        )
        return 0
    var = scenario.variable
    start = with_unit(run.start, var.unit)
    print(
        f"{scenario.title}: gradient {run.direction} from {var.name} = {start} "
        f"at learning rate {fmt(run.learning_rate)}"
    )
    print_table(
        ["step", var.name, "f(x)", "f′(x)"],
        [
            [
                f"{s.step:,}",
                with_unit(s.x, var.unit),
                with_unit(s.value, scenario.objective_unit),
                signed(s.derivative, sig=6),
            ]
            for s in run.steps
        ],
    )
    print(f"status: {run.status}")
    print(stop_message(run, scenario))
    return 0
