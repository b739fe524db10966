"""Typed models against the catalog, measured in one run.

Run from the repository root with ``.venv/bin/python benchmarks/formula.py``.
Prints a table and writes ``benchmarks/results/formula.json``; ``--quick``
takes few repeats and writes to a temporary file (or ``--out``). A script, not
a test: nothing asserts on the timings. The peer is the same model from the
catalog, headphone pricing, measured beside it:

- **Formula to model**: ``scenarios.from_formula`` on a formula it has not
  seen (parse, SymPy derivatives in the worker, numpy code), against
  ``scenarios.get`` of the catalog scenario.
- **Solve**: ``scenarios.solve`` on the typed model and on the catalog one, so
  lambdified numpy is compared with the hand-written functions.
- **First drawn page**: AppTest's first run of a fresh session opening the
  typed model from a link (a formula new to the process each time) against
  the catalog page.
- **Slider rerun**: median AppTest rerun after moving the unit-cost slider, on
  the typed model and on the catalog page. Target: at most
  :data:`TARGET_RATIO` times the catalog's.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scenarios  # noqa: E402
from benchmarks import runs  # noqa: E402
from benchmarks.harness import open_page  # noqa: E402

TARGET_RATIO = 1.2
"""Slider rerun on the typed model, at most this many times the catalog's."""

FORMULA = "(p - c)(a - b p)"
LINK = {
    "om_formula": FORMULA,
    "om_variable": "p",
    "om_lo": "c",
    "om_hi": "a/b",
    "om_goal": "maximize",
    "a": "1300",
    "b": "10",
    "c": "20",
}
CATALOG = "headphone_pricing"


def _ms(seconds: list[float]) -> float:
    return 1000 * statistics.median(seconds)


def formula_to_model(repeats: int) -> tuple[float, float]:
    """Median ms: a new formula to a Scenario, and the catalog's lookup."""
    typed, catalog = [], []
    for k in range(repeats):
        text = f"(p - c)(a - b p) + {k + 1}/{10**6}"  # new to every cache
        start = time.perf_counter()
        scenarios.from_formula(
            text, variable="p", domain=("c", "a/b"),
            params={"a": 1300, "b": 10, "c": 20},
        )  # fmt: skip
        typed.append(time.perf_counter() - start)
        start = time.perf_counter()
        scenarios.get(CATALOG)
        catalog.append(time.perf_counter() - start)
    return _ms(typed), _ms(catalog)


def solve_times(repeats: int) -> tuple[float, float]:
    """Median ms of one solve, typed model and catalog, same parameters."""
    sc = scenarios.from_formula(
        FORMULA, variable="p", domain=("c", "a/b"),
        params={"a": 1300, "b": 10, "c": 20},
    )  # fmt: skip
    catalog = scenarios.get(CATALOG)
    typed_t, catalog_t = [], []
    for k in range(repeats):
        cost = 10 + k % 50
        start = time.perf_counter()
        scenarios.solve(sc, {"c": cost})
        typed_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        scenarios.solve(catalog, {"unit_cost": cost})
        catalog_t.append(time.perf_counter() - start)
    return _ms(typed_t), _ms(catalog_t)


def first_page(repeats: int) -> tuple[float, float]:
    """Median ms of a fresh session's first run: typed link vs catalog page."""
    typed, catalog = [], []
    for k in range(repeats):
        link = dict(LINK, om_formula=f"{FORMULA} + {k + 1}/{10**7}")
        start = time.perf_counter()
        at = open_page("own-model", link)
        typed.append(time.perf_counter() - start)
        assert not at.exception and not at.error, [e.value for e in at.error]
        start = time.perf_counter()
        at = open_page(CATALOG)
        catalog.append(time.perf_counter() - start)
        assert not at.exception
    return _ms(typed), _ms(catalog)


def slider_rerun(page: str, query: dict, key: str, reruns: int) -> float:
    """Median ms of a rerun after moving the slider ``key`` to a new value."""
    at = open_page(page, query)
    slider = at.sidebar.slider(key=key)
    value, step = float(slider.value), float(slider.step)
    times = []
    for k in range(1, reruns + 1):
        start = time.perf_counter()
        at.sidebar.slider(key=key).set_value(round(value + k * step, 10)).run()
        times.append(time.perf_counter() - start)
    assert not at.exception, [e.value for e in at.exception]
    return _ms(times)


def main() -> None:
    """Measure, print the table and write the JSON."""
    args = runs.parser(__doc__.splitlines()[0]).parse_args()
    model_reps, solve_reps, page_reps, reruns, rounds = (
        (3, 100, 1, 3, 1) if args.quick else (15, 1000, 4, 20, 3)
    )
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SCENARIOS_DB"] = str(Path(tmp) / "cases.sqlite3")
        os.environ.pop("SCENARIOS_DATABASE_URL", None)
        scenarios.from_formula("x", domain=(0, 1))  # start the worker
        model = formula_to_model(model_reps)
        solve = solve_times(solve_reps)
        page = first_page(page_reps)
        # Interleave the two pages so load on the machine hits both alike.
        typed_runs, catalog_runs = [], []
        for _ in range(rounds):
            typed_runs.append(slider_rerun("own-model", LINK, "c", reruns))
            catalog_runs.append(slider_rerun(CATALOG, {}, "unit_cost", reruns))
        rerun = (statistics.median(typed_runs), statistics.median(catalog_runs))

    rows = [
        ("formula to model", model, "ms"),
        ("solve", solve, "ms"),
        ("first drawn page (AppTest)", page, "ms"),
        ("slider rerun (AppTest)", rerun, "ms"),
    ]
    header = ("measure", "typed model", "catalog", "× catalog")
    table = [
        (name, f"{t:.3f} {u}" if t < 10 else f"{t:.1f} {u}",
         f"{c:.3f} {u}" if c < 10 else f"{c:.1f} {u}", f"{t / c:.2f}×")
        for name, (t, c), u in rows
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(4)]
    line = "  ".join(
        f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths)
    )
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for row in table:
        print(line.format(*row))
    ratio = rerun[0] / rerun[1]
    verdict = "met" if ratio <= TARGET_RATIO else "missed"
    print(
        f"\nslider rerun on the typed model: {ratio:.2f}× the catalog page "
        f"(target ≤ {TARGET_RATIO}×, {verdict})"
    )
    runs.write_json(
        {
            "formula": FORMULA,
            "catalog": CATALOG,
            "median_ms": {name: {"typed": t, "catalog": c} for name, (t, c), _ in rows},
            "slider_rerun_runs_ms": {"typed": typed_runs, "catalog": catalog_runs},
            "slider_rerun_ratio": ratio,
            "target_ratio": TARGET_RATIO,
            "target_met": ratio <= TARGET_RATIO,
            "repeats": {
                "model": model_reps,
                "solve": solve_reps,
                "page": page_reps,
                "reruns": reruns,
            },
            "python": platform.python_version(),
            "machine": platform.machine(),
        },
        runs.output_path("formula", args),
    )


if __name__ == "__main__":
    main()
