"""Global optima on the root corpus: our solver against scipy's global optimisers.

Problems: every row of ``scenarios/roots/problems.py`` OPTIMUM_CASES (the
constant objective is left out: every x is optimal there). Peers, with default
options unless noted, all minimising sign * f on the same bounds:

- ``shgo``, ``direct``, ``differential_evolution`` (seeded), ``dual_annealing``
  (seeded), and ``brute`` (20 points) polished by ``fmin``.

A problem counts as found at a tolerance when |x - x*| / max(1, |x*|) is within
it for some global optimiser x* (several rows have tied optima). Time is the
median wall time of five calls, for every method alike; the calls take turns
(one of each method per round), so a change in machine load falls on all.

Run: ``.venv/bin/python benchmarks/global.py``; writes benchmarks/results/global.json.
``--quick`` times one call per method on the first three problems and writes to
a temporary file (or ``--out``).
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import optimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scenarios  # noqa: E402
from benchmarks import runs  # noqa: E402
from scenarios import Scenario  # noqa: E402
from scenarios.roots.problems import OPTIMUM_CASES  # noqa: E402

SEED = 20261201
TOLERANCES = (1e-6, 1e-10)
REPEATS = 5
QUICK_PROBLEMS, QUICK_REPEATS = 3, 1
OURS = "ours (root engine)"


def _objective(case):
    lo, hi = case["domain"]
    sign = -1.0 if case["goal"] == "maximize" else 1.0
    f = case["f"]

    def objective(x):
        x = float(np.clip(np.ravel(x)[0], lo, hi))
        return sign * float(f(x))

    return objective, [(lo, hi)]


def ours(case: dict) -> float:
    """Our solver's x*, on the case as a Scenario."""
    sc = Scenario.from_functions(
        case["f"], case["df"], case["d2f"], case["domain"], goal=case["goal"]
    )
    return scenarios.solve(sc).x


def shgo(case: dict) -> float:
    """``shgo``'s x*."""
    fn, bounds = _objective(case)
    return optimize.shgo(fn, bounds).x[0]


def direct(case: dict) -> float:
    """``direct``'s x*."""
    fn, bounds = _objective(case)
    return optimize.direct(fn, bounds).x[0]


def differential_evolution(case: dict) -> float:
    """Seeded ``differential_evolution``'s x*."""
    fn, bounds = _objective(case)
    return optimize.differential_evolution(fn, bounds, seed=SEED).x[0]


def dual_annealing(case: dict) -> float:
    """Seeded ``dual_annealing``'s x*."""
    fn, bounds = _objective(case)
    return optimize.dual_annealing(fn, bounds, seed=SEED).x[0]


def brute(case: dict) -> float:
    """``brute`` on 20 points, polished by ``fmin``, clipped to the bounds."""
    fn, bounds = _objective(case)
    (lo, hi) = bounds[0]
    x = optimize.brute(fn, ((lo, hi),), Ns=20, finish=optimize.fmin, disp=False)
    return float(np.clip(np.ravel(x)[0], lo, hi))


METHODS = {
    OURS: ours,
    "shgo": shgo,
    "direct": direct,
    "differential_evolution": differential_evolution,
    "dual_annealing": dual_annealing,
    "brute + fmin": brute,
}


def error(case: dict, x: float) -> float:
    """Relative distance from ``x`` to the nearest of the case's optima."""
    return min(abs(x - xs) / max(1.0, abs(xs)) for xs in case["optima"])


def run(case: dict, repeats: int = REPEATS) -> dict[str, tuple[float, float]]:
    """(x, median ms) of every method on one problem, the calls interleaved."""
    times: dict[str, list[float]] = {name: [] for name in METHODS}
    found: dict[str, float] = {}
    for _ in range(repeats):
        for name, method in METHODS.items():
            start = time.perf_counter()
            x = method(case)
            times[name].append(time.perf_counter() - start)
            found[name] = float(x)
    return {n: (found[n], statistics.median(t) * 1000) for n, t in times.items()}


def main(problems: int | None = None, repeats: int = REPEATS) -> dict:
    """Every method on the first ``problems`` corpus rows (all by default)."""
    cases = list(OPTIMUM_CASES)[:problems]
    rows = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in cases:
            row = {}
            for name, (x, ms) in run(case, repeats).items():
                row[name] = {"x": x, "rel_err": error(case, x), "ms": ms}
            rows[case["id"]] = row
    summary = {}
    for name in METHODS:
        errs = [rows[c["id"]][name]["rel_err"] for c in cases]
        times = [rows[c["id"]][name]["ms"] for c in cases]
        summary[name] = {
            "found_1e-6": sum(e <= 1e-6 for e in errs),
            "found_1e-10": sum(e <= 1e-10 for e in errs),
            "share_1e-6": sum(e <= 1e-6 for e in errs) / len(cases),
            "share_1e-10": sum(e <= 1e-10 for e in errs) / len(cases),
            "median_ms": statistics.median(times),
        }
    peers = [n for n in METHODS if n != OURS]
    fastest = min(peers, key=lambda n: summary[n]["median_ms"])
    best = max(
        peers, key=lambda n: (summary[n]["found_1e-6"], -summary[n]["median_ms"])
    )
    ours_ms = summary[OURS]["median_ms"]
    return {
        "benchmark": "global",
        "problems": len(cases),
        "seed": SEED,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "summary": summary,
        "fastest_peer": fastest,
        "most_accurate_peer": best,
        "speed_ratio_fastest_peer_over_ours": summary[fastest]["median_ms"] / ours_ms,
        "problems_detail": rows,
        "targets": {
            "ours_finds_all_to_1e-10": summary[OURS]["found_1e-10"] == len(cases),
            "ours_median_below_fastest_peer": ours_ms < summary[fastest]["median_ms"],
        },
    }


def print_report(result: dict) -> None:
    """The summary table, then every problem's error per method."""
    names = list(METHODS)
    n = result["problems"]
    print(f"global optimum on {n} corpus problems (relative error in x)")
    print(f"{'method':26s}{'found 1e-6':>12s}{'found 1e-10':>13s}{'median ms':>11s}")
    for name in names:
        s = result["summary"][name]
        print(
            f"{name:26s}{s['found_1e-6']:>6d} / {n:<3d}{s['found_1e-10']:>7d} / {n:<3d}"
            f"{s['median_ms']:>11.2f}"
        )
    print()
    print(f"{'problem':24s}" + "".join(f"{m[:12]:>13s}" for m in names))
    for pid, row in result["problems_detail"].items():
        cells = "".join(f"{row[m]['rel_err']:13.1e}" for m in names)
        print(f"{pid:24s}{cells}")
    fastest = result["fastest_peer"]
    print(
        f"fastest peer ({fastest}) takes "
        f"{result['speed_ratio_fastest_peer_over_ours']:.1f}x our median time"
    )
    for target, met in result["targets"].items():
        print(f"target {target}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    args = runs.parser(__doc__.splitlines()[0]).parse_args()
    result = main(QUICK_PROBLEMS, QUICK_REPEATS) if args.quick else main()
    print_report(result)
    runs.write_json(result, runs.output_path("global", args))
