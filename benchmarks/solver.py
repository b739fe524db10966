"""Speed and accuracy of the optimiser against two peers, on every scenario.

Peers, run in the same process on the same parameter draws:
- ``scipy.optimize.minimize_scalar(method="bounded")`` on f (default options),
- a 1000-point grid search of f over the domain.

Each scenario is solved at its defaults and at 200 random draws across its
slider ranges (seeded). Error is relative to the hand-derived closed form in
``benchmarks/closed_forms.py``: |x - x_cf| / max(1, |x_cf|).

Run: ``.venv/bin/python benchmarks/solver.py``; writes benchmarks/results/solver.json.
``--quick`` takes 10 draws per scenario and writes to a temporary file (or
``--out``).
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import scipy
from scipy.optimize import minimize_scalar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scenarios  # noqa: E402
import scenarios.solver  # noqa: E402
from benchmarks import runs  # noqa: E402
from benchmarks.closed_forms import CLOSED_FORMS  # noqa: E402
from scenarios import DomainError, Scenario  # noqa: E402

DRAWS = 200
QUICK_DRAWS = 10
GRID_POINTS = 1000
SEED = 20261126


def ours(sc: Scenario, params: dict[str, float]) -> float:
    """The optimiser's x*."""
    return scenarios.solve(sc, params).x


def bounded(sc: Scenario, params: dict[str, float]) -> float:
    """Bounded ``minimize_scalar``'s x*, or the better end."""
    lo, hi = scenarios.solver.domain_of(sc, params)
    sign = -1.0 if sc.goal == "maximize" else 1.0
    res = minimize_scalar(
        lambda x: sign * sc.f(x, **params), bounds=(lo, hi), method="bounded"
    )
    # Like the optimiser, compare the interior answer with both ends.
    ends = [(lo, sign * sc.f(lo, **params)), (hi, sign * sc.f(hi, **params))]
    return min([(res.x, res.fun), *ends], key=lambda c: c[1])[0]


def grid(sc: Scenario, params: dict[str, float]) -> float:
    """The best of ``GRID_POINTS`` evenly spaced x."""
    lo, hi = scenarios.solver.domain_of(sc, params)
    xs = np.linspace(lo, hi, GRID_POINTS)
    values = sc.f(xs, **params)
    i = np.argmax(values) if sc.goal == "maximize" else np.argmin(values)
    return float(xs[i])


METHODS = {
    "derivative root-finding (ours)": ours,
    "minimize_scalar bounded": bounded,
    "grid search 1000 points": grid,
}


def draws(
    sc: Scenario, rng: np.random.Generator, count: int
) -> Iterator[dict[str, float]]:
    """The defaults, then ``count`` uniform draws across the slider ranges."""
    yield sc.defaults()
    for _ in range(count):
        yield {p.name: float(rng.uniform(p.min, p.max)) for p in sc.params}


def main(count: int = DRAWS) -> dict:
    """Every method on every scenario, at its defaults and ``count`` draws."""
    rng = np.random.default_rng(SEED)
    per_scenario = {}
    all_times = {m: [] for m in METHODS}
    all_errors = {m: [] for m in METHODS}
    for sc in scenarios.REGISTRY.values():
        closed = CLOSED_FORMS.get(sc.id)
        times = {m: [] for m in METHODS}
        errors = {m: [] for m in METHODS}
        for params in draws(sc, rng, count):
            params = sc.resolve(params)
            try:
                scenarios.solver.domain_of(sc, params)
            except DomainError:
                continue
            expected = closed(params) if closed else None
            for name, method in METHODS.items():
                start = time.perf_counter_ns()
                x = method(sc, params)
                times[name].append((time.perf_counter_ns() - start) / 1000)
                if expected is not None:
                    errors[name].append(abs(x - expected) / max(1.0, abs(expected)))
        per_scenario[sc.id] = {
            m: {
                "median_us": statistics.median(times[m]),
                "max_rel_err": max(errors[m]) if errors[m] else None,
                "solves": len(times[m]),
            }
            for m in METHODS
        }
        for m in METHODS:
            all_times[m] += times[m]
            all_errors[m] += errors[m]
    overall = {
        m: {
            "median_us": statistics.median(all_times[m]),
            "max_rel_err": max(all_errors[m]),
            "solves": len(all_times[m]),
        }
        for m in METHODS
    }
    ours_name, peer = "derivative root-finding (ours)", "minimize_scalar bounded"
    return {
        "benchmark": "solver",
        "draws_per_scenario": count + 1,
        "seed": SEED,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "overall": overall,
        "speed_ratio_bounded_over_ours": overall[peer]["median_us"]
        / overall[ours_name]["median_us"],
        "scenarios": per_scenario,
        "targets": {
            "ours_max_rel_err_le_1e-12": overall[ours_name]["max_rel_err"] <= 1e-12,
            "ours_median_no_slower_than_bounded": overall[ours_name]["median_us"]
            <= overall[peer]["median_us"],
        },
    }


def print_report(result: dict) -> None:
    """The table: median time and largest error per scenario and method."""
    names = list(METHODS)
    head = f"{'scenario':24s}" + "".join(f"{n[:26]:>28s}" for n in names)
    print("median µs per solve | max relative error vs closed form")
    print(head)
    for sid, row in result["scenarios"].items():
        cells = []
        for n in names:
            err = row[n]["max_rel_err"]
            err_text = "  n/a  " if err is None else f"{err:7.1e}"
            cells.append(f"{row[n]['median_us']:10.1f} µs | {err_text}   ")
        print(f"{sid:24s}" + "".join(f"{c:>28s}" for c in cells))
    print("-" * len(head))
    cells = [
        f"{result['overall'][n]['median_us']:10.1f} µs | "
        f"{result['overall'][n]['max_rel_err']:7.1e}   "
        for n in names
    ]
    print(f"{'all scenarios':24s}" + "".join(f"{c:>28s}" for c in cells))
    print(
        f"minimize_scalar takes {result['speed_ratio_bounded_over_ours']:.2f}x "
        "the optimiser's median time"
    )
    for target, met in result["targets"].items():
        print(f"target {target}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    args = runs.parser(__doc__.splitlines()[0]).parse_args()
    result = main(QUICK_DRAWS if args.quick else DRAWS)
    print_report(result)
    runs.write_json(result, runs.output_path("solver", args))
