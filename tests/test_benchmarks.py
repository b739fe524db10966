"""Benchmarks cannot rot: every script runs in its ``--quick`` mode, here.

Each script in ``benchmarks/`` runs as a subprocess with ``--quick --out``, so
a broken import or a renamed function fails this test instead of the next
``make bench``. Nothing asserts on timings: only that the script exits 0,
writes JSON with its top-level keys, and leaves the committed full-run results
in ``benchmarks/results/`` alone. The scripts that drive Chromium are marked
``browser``: they skip without it, and fail under CI=true.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import runs

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"

KEYS = {
    "solver": {
        "benchmark",
        "draws_per_scenario",
        "overall",
        "speed_ratio_bounded_over_ours",
        "scenarios",
        "targets",
    },
    "global": {
        "benchmark",
        "problems",
        "summary",
        "fastest_peer",
        "most_accurate_peer",
        "speed_ratio_fastest_peer_over_ours",
        "problems_detail",
        "targets",
    },
    "sweep": {"grids", "heatmap_100", "targets", "met"},
    "formula": {
        "median_ms",
        "slider_rerun_runs_ms",
        "slider_rerun_ratio",
        "target_ratio",
        "target_met",
        "repeats",
    },
    "app": {
        "slider_to_settled_ms",
        "toy_presses_paired_with_each_page_ms",
        "slider_to_settled_median_ms",
        "apptest_rerun_median_ms",
        "cold_start_s",
        "ratios_to_toy",
        "target_ratio",
        "machine",
    },
    "uncertainty": {"draws", "scenarios", "page_rerun", "targets", "met"},
    "load": {
        "page",
        "levels",
        "throughput",
        "paired",
        "faults",
        "chromium",
        "targets",
        "server_rss_idle_mib",
        "machine",
    },
}
"""Each benchmark script and the top-level keys its JSON always has."""
BROWSER = {"app", "load"}
"""The scripts that need Chromium."""


def _scripts() -> set[str]:
    """Every runnable script in benchmarks/: the modules with a ``__main__`` guard."""
    return {
        path.stem
        for path in BENCHMARKS.glob("*.py")
        if '__name__ == "__main__"' in path.read_text(encoding="utf-8")
    }


def _require_chromium() -> None:
    """Skip without Chromium and Playwright, except under CI=true, which fails."""
    from benchmarks.harness import CHROMIUM

    try:
        import playwright  # noqa: F401
    except ImportError:
        reason = "the playwright package is not installed"
    else:
        if CHROMIUM.exists():
            return
        reason = f"{CHROMIUM} not found; install Debian's chromium package"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true requires the browser tests to run)")
    pytest.skip(reason)


def _run_quick(name: str, tmp_path: Path) -> dict:
    """Run ``benchmarks/<name>.py --quick``; its JSON, once it exits 0."""
    committed = runs.RESULTS / f"{name}.json"
    before = committed.read_bytes() if committed.exists() else None
    out = tmp_path / f"{name}.json"
    env = {k: v for k, v in os.environ.items() if k != "SCENARIOS_DATABASE_URL"}
    env["SCENARIOS_DB"] = str(tmp_path / "cases.sqlite3")
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{name}.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # a hang guard, not a timing assertion
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    after = committed.read_bytes() if committed.exists() else None
    assert after == before, f"a quick run rewrote {committed.relative_to(ROOT)}"
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_benchmark_script_is_run_here():
    assert _scripts() == set(KEYS)


@pytest.mark.parametrize("name", sorted(set(KEYS) - BROWSER))
def test_benchmark_runs_quick_and_writes_its_json(name, tmp_path):
    result = _run_quick(name, tmp_path)
    assert KEYS[name] <= result.keys()


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(BROWSER))
def test_browser_benchmark_runs_quick_and_writes_its_json(name, tmp_path):
    _require_chromium()
    if name == "load":  # its replicas run behind nginx
        from deploy.team import nginx_binary

        if nginx_binary() is None:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail("nginx not found (CI=true requires the load benchmark)")
            pytest.skip("nginx not found; install Debian's nginx package")
    result = _run_quick(name, tmp_path)
    assert KEYS[name] <= result.keys()
    # The browser half ran, not only its AppTest half: it timed something.
    if name == "app":
        assert all(result["cold_start_s"].values()), result["cold_start_s"]
    else:
        # The protocol users, and the Chromium sessions, at N = 1 and 2.
        assert [level["users"] for level in result["levels"]] == [1, 2]
        assert [lv["sessions"] for lv in result["chromium"]["levels"]] == [1, 2]


@pytest.mark.parametrize("name", sorted(KEYS))
def test_committed_full_results_parse_with_the_same_keys(name):
    committed = json.loads((runs.RESULTS / f"{name}.json").read_text("utf-8"))
    assert KEYS[name] <= committed.keys()


def test_a_quick_run_never_writes_over_the_committed_results(tmp_path):
    parser = runs.parser("benchmark")
    quick = runs.output_path("solver", parser.parse_args(["--quick"]))
    assert not quick.is_relative_to(runs.RESULTS)
    full = runs.output_path("solver", parser.parse_args([]))
    assert full == runs.RESULTS / "solver.json"
    chosen = parser.parse_args(["--quick", "--out", str(tmp_path / "x.json")])
    assert runs.output_path("solver", chosen) == tmp_path / "x.json"


def _imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every import in ``path``, nested too."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative, within benchmarks/
                module = ".".join(filter(None, ["benchmarks", module]))
            found += [(module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize(
    "path", sorted(BENCHMARKS.glob("*.py")), ids=lambda path: path.name
)
def test_benchmarks_import_nothing_from_tests(path):
    reaches = [m for m, _ in _imports(path) if m.split(".")[0] == "tests"]
    assert reaches == []


@pytest.mark.parametrize(
    "path", sorted(BENCHMARKS.glob("*.py")), ids=lambda path: path.name
)
def test_benchmarks_import_no_private_name(path):
    reaches = [
        f"{name} from {module}"
        for module, name in _imports(path)
        if name and name.startswith("_") and not name.startswith("__")
    ]
    assert reaches == []
