"""Uncertainty commands: ``uncertain`` (Monte Carlo) and ``fit-demand --interval``.

``uncertain SCENARIO --dist NAME=KIND:A,B ...`` draws the named parameters,
solves every draw at once and prints x*'s quantiles, the best x on average
and, with ``--at X``, the risk at X. ``fit-demand`` lives in :mod:`.whatif`;
with ``--interval`` it hands over to :func:`run_fit_interval` here, which adds
each shape's best price and profit with a 95% interval (delta method and
bootstrap).
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from scenarios.cli import fitting
from scenarios.cli.common import (
    CliError,
    add_json_option,
    add_set_option,
    number,
    parse_overrides,
    print_json,
    print_table,
    scenario_arg,
    with_unit,
)
from scenarios.fitting.demand import models as demand_models
from scenarios.uncertainty import (
    DEFAULT_DRAWS,
    LEVEL,
    RESAMPLES,
    Interval,
    MonteCarloResult,
    OptimumInterval,
    demand_intervals,
    monte_carlo,
    parse_distribution,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``uncertain``."""
    p = subparsers.add_parser(
        "uncertain",
        help="Monte Carlo over uncertain parameters: x*'s spread, the best on average",
    )
    p.add_argument("scenario", metavar="ID")
    p.add_argument(
        "--dist",
        dest="dists",
        action="append",
        required=True,
        metavar="NAME=KIND:A,B",
        help="a parameter's distribution: normal:MEAN,SD, uniform:LOW,HIGH, "
        "triangular:LOW,MODE,HIGH or fixed:VALUE (repeatable)",
    )
    p.add_argument(
        "--draws", type=int, default=DEFAULT_DRAWS, metavar="N", help="default 10000"
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="default 0")
    p.add_argument("--at", metavar="X", help="also the risk at this x")
    p.add_argument(
        "--threshold", metavar="T", help="with --at: the chance f(X) is worse than T"
    )
    add_set_option(p)
    add_json_option(p)
    p.set_defaults(handler=run_uncertain)


def add_interval_options(parser: argparse.ArgumentParser) -> None:
    """``--interval``, ``--bootstrap`` and ``--seed`` for ``fit-demand --model``."""
    parser.add_argument(
        "--interval",
        action="store_true",
        help="with --model: each best price and profit with a 95%% interval",
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=RESAMPLES,
        metavar="N",
        help=f"bootstrap resamples for --interval (default {RESAMPLES})",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="seed of the resamples"
    )


# --- uncertain ---------------------------------------------------------------


def _dists(items: list[str]) -> dict[str, Any]:
    out = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--dist expects NAME=KIND:A,B, got {item!r}")
        out[name.strip()] = parse_distribution(text)
    return out


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def uncertain_payload(result: MonteCarloResult) -> dict[str, Any]:
    """``uncertain --json``: plain numbers, the curve as lists."""
    curve = result.curve
    payload: dict[str, Any] = {
        "scenario": result.scenario_id,
        "draws": result.draws,
        "seed": result.seed,
        "feasible_draws": result.feasible,
        "distributions": {n: d.text() for n, d in result.distributions.items()},
        "params": result.params,
        "quantiles": {f"{q:g}": x for q, x in result.quantiles.items()},
        "mean": result.mean_x,
        "sd": _number(result.sd_x),
        "optimum_at_mean": {"x": result.at_mean[0], "value": result.at_mean[1]},
        "best_on_average": {
            "x": result.best_on_average[0],
            "expected_value": result.best_on_average[1],
        },
        "expected_curve": {
            "x": curve.x.tolist(),
            "mean": curve.mean.tolist(),
            "low": curve.low.tolist(),
            "high": curve.high.tolist(),
        },
        "notes": list(result.notes),
    }
    risk = result.risk
    if risk is not None:
        payload["at"] = {
            "x": risk.x,
            "expected_value": risk.expected,
            "quantiles": {f"{q:g}": v for q, v in risk.quantiles.items()},
            "threshold": risk.threshold,
            "p_below": risk.p_below,
            "p_above": risk.p_above,
            "p_worse": risk.p_worse,
            "expected_regret": risk.expected_regret,
        }
    return payload


def run_uncertain(args: argparse.Namespace) -> int:
    """``uncertain``: Monte Carlo of the named parameters' distributions."""
    scenario = scenario_arg(args.scenario)
    params = parse_overrides(scenario, args.overrides)
    at = None if args.at is None else number(args.at, "--at")
    if args.threshold is not None and at is None:
        raise CliError("--threshold needs --at")
    threshold = None
    if args.threshold is not None:
        threshold = number(args.threshold, "--threshold")
    result = monte_carlo(
        scenario,
        _dists(args.dists),
        params,
        draws=args.draws,
        seed=args.seed,
        at=at,
        threshold=threshold,
    )
    if args.json:
        print_json(uncertain_payload(result))
        return 0
    _print_uncertain(scenario, result)
    return 0


def _print_uncertain(scenario, result: MonteCarloResult) -> None:
    var, unit = scenario.variable, scenario.objective_unit
    print(
        f"{result.draws:,} draws (seed {result.seed}), "
        f"{result.feasible:,} with a feasible {var.label.lower()}"
    )
    rows = [
        [f"{q:.0%} quantile of best {var.name}", with_unit(x, var.unit)]
        for q, x in result.quantiles.items()
    ]
    x, f = result.at_mean
    shown = f"{with_unit(x, var.unit)} ({with_unit(f, unit)})"
    rows.append(["optimum at the mean values", shown])
    x, f = result.best_on_average
    rows.append(
        [
            "best on average",
            f"{with_unit(x, var.unit)} (expected {with_unit(f, unit)})",
        ]
    )
    risk = result.risk
    if risk is not None:
        at = with_unit(risk.x, var.unit)
        rows.append([f"expected at {at}", with_unit(risk.expected, unit)])
        rows.append([f"expected regret at {at}", with_unit(risk.expected_regret, unit)])
        if risk.threshold is not None and risk.p_worse is not None:
            side = "below" if scenario.goal == "maximize" else "above"
            rows.append(
                [
                    f"chance {side} {with_unit(risk.threshold, unit)} at {at}",
                    f"{risk.p_worse:.1%}",
                ]
            )
    print_table(["", "value"], rows)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)


# --- fit-demand --interval ----------------------------------------------------


def _interval(iv: Interval | None) -> list[float] | None:
    return None if iv is None else [iv.low, iv.high]


def interval_payload(result: OptimumInterval | str) -> dict[str, Any]:
    """The ``x_interval`` and ``profit_interval`` keys of one model's row."""
    if isinstance(result, str):
        return {"x_interval": None, "profit_interval": None, "interval_note": result}
    return {
        "x_interval": {
            "level": result.level,
            "delta": _interval(result.x_delta),
            "bootstrap": _interval(result.x_bootstrap),
        },
        "profit_interval": {
            "level": result.level,
            "delta": _interval(result.value_delta),
            "bootstrap": _interval(result.value_bootstrap),
        },
        "resamples_used": result.usable,
        "interval_note": result.disagreement,
        "interval_notes": list(result.notes),
    }


def run_fit_interval(args: argparse.Namespace) -> int:
    """``fit-demand --model NAME|all --interval``: the fits with their intervals."""
    if args.model is None:
        raise CliError("--interval needs --model")
    observations, comparison = fitting.compared_models(args)
    intervals = demand_intervals(
        comparison,
        observations.prices,
        observations.units,
        resamples=args.bootstrap,
        seed=args.seed,
    )
    if args.json:
        models = [
            {**fitting.model_payload(f), **interval_payload(intervals[f.model])}
            for f in comparison.fits
        ]
        print_json(
            {
                "models": models,
                "best": comparison.best,
                "criterion": comparison.criterion,
                "unit_cost": comparison.unit_cost,
                "n": comparison.n,
                "resamples": args.bootstrap,
                "seed": args.seed,
                "notices": list(comparison.notices),
            }
        )
        return 0
    _print_intervals(comparison, intervals)
    return 0


def _span(iv: Interval | None, unit: str) -> str:
    if iv is None:
        return "—"
    return f"{with_unit(iv.low, unit)}–{with_unit(iv.high, unit)}"


def _print_intervals(
    comparison: demand_models.DemandComparison,
    intervals: dict[str, OptimumInterval | str],
) -> None:
    rows = []
    for fit in comparison.fits:
        result = intervals[fit.model]
        name = fit.model + (" (best)" if fit.model == comparison.best else "")
        if isinstance(result, str):
            rows.append([name, "—", "—", "—", "—", "—", "—"])
            continue
        rows.append(
            [
                name,
                with_unit(result.x, "$"),
                _span(result.x_delta, "$"),
                _span(result.x_bootstrap, "$"),
                with_unit(result.value, "$"),
                _span(result.value_delta, "$"),
                _span(result.value_bootstrap, "$"),
            ]
        )
    level = f"{LEVEL:.0%}"
    print_table(
        [
            "model",
            f"best price (cost {with_unit(comparison.unit_cost, '$')})",
            f"{level} delta",
            f"{level} bootstrap",
            "profit there",
            f"{level} delta",
            f"{level} bootstrap",
        ],
        rows,
    )
    for fit in comparison.fits:
        result = intervals[fit.model]
        if isinstance(result, str):
            print(f"note: {fit.model}: {result}", file=sys.stderr)
            continue
        for sentence in (*result.notes, result.disagreement or ""):
            if sentence:
                print(f"note: {fit.model}: {sentence}", file=sys.stderr)
