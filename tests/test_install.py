"""The install path, as a new user takes it: build the wheel, install it into a
fresh virtual environment outside the checkout, and run both console commands
from another folder.

Slow (a minute or two: pip fetches the dependencies from PyPI into the new
environment) but it is the only test that sees the package as users get it.
Run it alone with ``-m install``; leave it out with ``-m "not install"``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.dashboard.helpers import stop_server

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_ROOTS = ("scenarios", "dashboard")
"""The top-level packages the wheel ships; everything else stays behind."""

slow = pytest.mark.install

# A clone holds none of these; copying them would only slow the build down.
_NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    "test-artifacts",
    "data",
    "build",
    "dist",
    "*.egg-info",
)


def _run(argv: list[str | Path], cwd: Path, timeout: float, **kwargs):
    """Run a command to completion; fail the test with its output if it fails."""
    done = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,  # a hang guard, not a timing assertion
        **kwargs,
    )
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, argv))} exited {done.returncode}\n"
            f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
        )
    return done


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that points back at the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
        and not k.startswith("SCENARIOS_")
    }
    return {**env, **extra}


@dataclass(frozen=True)
class Installed:
    """A wheel and the fresh environment it was installed into."""

    wheel: Path
    bin: Path
    elsewhere: Path
    """A folder with no checkout in it, where the commands run."""

    def command(self, name: str) -> Path:
        suffix = ".exe" if os.name == "nt" else ""
        return self.bin / f"{name}{suffix}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    work = tmp_path_factory.mktemp("install")
    clone = work / "clone"
    shutil.copytree(ROOT, clone, ignore=_NOT_IN_A_CLONE)
    # Caches beside the sources make "the wheel holds no caches" a real check.
    (clone / "scenarios" / "__pycache__").mkdir(exist_ok=True)
    (clone / "scenarios" / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"")

    dist = work / "dist"
    _run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", dist, clone],
        cwd=work,
        timeout=600,
        env=_clean_env(),
    )
    (wheel,) = dist.glob("*.whl")

    venv = work / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=work, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run(
        [bin_dir / "python", "-m", "pip", "install", "--disable-pip-version-check"]
        + ["--quiet", wheel],
        cwd=work,
        timeout=1200,
        env=_clean_env(),
    )
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return Installed(wheel=wheel, bin=bin_dir, elsewhere=elsewhere)


# --- what the wheel holds --------------------------------------------------------


def _packages_in_checkout() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in PACKAGE_ROOTS
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_pyproject_lists_every_package_and_nothing_else():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    assert listed == _packages_in_checkout()
    scripts = config["project"]["scripts"]
    assert scripts == {
        "scenarios": "scenarios.cli:main",
        "scenarios-dashboard": "dashboard.launch:main",
    }


@slow
def test_the_wheel_holds_the_packages_and_no_tests_benchmarks_or_caches(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        scripts = wheel.read(entry_points).decode()
    tops = {name.split("/")[0] for name in names}
    assert tops == {*PACKAGE_ROOTS, next(t for t in tops if t.endswith(".dist-info"))}
    for name in names:
        parts = name.split("/")
        assert "__pycache__" not in parts and not name.endswith((".pyc", ".pyo")), name
        assert "tests" not in parts and "benchmarks" not in parts, name
    for package in _packages_in_checkout():
        assert f"{package.replace('.', '/')}/__init__.py" in names, package
    assert "dashboard/.streamlit/config.toml" in names
    assert "scenarios/catalog/headphone_pricing.py" in names
    assert "scenarios = scenarios.cli:main" in scripts
    assert "scenarios-dashboard = dashboard.launch:main" in scripts


# --- the scenarios command -------------------------------------------------------


@slow
def test_scenarios_solves_from_another_folder(installed):
    done = _run(
        [installed.command("scenarios"), "solve", "headphone_pricing", "--json"],
        cwd=installed.elsewhere,
        timeout=120,
        env=_clean_env(),
    )
    data = json.loads(done.stdout)
    # Lesson: p* = (a/b + c) / 2 = (1300/10 + 20) / 2 = 75, profit 55 · 550.
    assert data["x"] == pytest.approx(75.0, rel=1e-12)
    assert data["value"] == pytest.approx(30250.0, rel=1e-12)


@slow
def test_the_engine_imports_from_the_installed_wheel(installed):
    done = _run(
        [
            installed.command("python"),
            "-c",
            "import dashboard.launch, scenarios; "
            "print(scenarios.__file__); print(dashboard.launch.CONFIG.is_file())",
        ],
        cwd=installed.elsewhere,
        timeout=120,
        env=_clean_env(),
    )
    where, has_config = done.stdout.split()
    assert Path(where).is_relative_to(installed.bin.parent)
    assert has_config == "True"


@slow
def test_saved_cases_go_to_the_users_data_folder_not_site_packages(installed, tmp_path):
    data_home = tmp_path / "data-home"
    env = _clean_env(XDG_DATA_HOME=str(data_home), HOME=str(tmp_path))
    scenarios = installed.command("scenarios")
    _run(
        [scenarios, "cases", "save", "--scenario", "headphone_pricing"]
        + ["--name", "Base", "--set", "unit_cost=25"],
        cwd=installed.elsewhere,
        timeout=120,
        env=env,
    )
    listed = _run(
        [scenarios, "cases", "list", "--json"],
        cwd=installed.elsewhere,
        timeout=120,
        env=env,
    )
    (case,) = json.loads(listed.stdout)["cases"]
    assert case["params"]["unit_cost"] == 25.0
    assert (data_home / "derivative-dashboard" / "cases.sqlite3").is_file()
    venv = installed.bin.parent
    assert not [p for p in venv.rglob("cases.sqlite3")], "a case file inside the venv"


@slow
@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (
            ["solve", "uber_surge", "--set", "demand_multiplier=2"],
            ["best fare: $201.00 per ride", "profit there: $198,005"],
        ),
        (["solve", "headphone_pricing", "--set", "unit_cost=500"], []),
    ],
)
def test_scenarios_behaves_exactly_as_python_m_scenarios(installed, argv, shown):
    def run(command: list[str | Path]) -> tuple[int, str, str]:
        done = subprocess.run(
            [str(a) for a in command + argv],
            cwd=installed.elsewhere,
            capture_output=True,
            text=True,
            timeout=120,
            env=_clean_env(),
        )
        return done.returncode, done.stdout, done.stderr

    console = run([installed.command("scenarios")])
    module = run([installed.command("python"), "-m", "scenarios"])
    assert console == module
    status, out, err = console
    assert "Traceback" not in err
    assert status == (0 if shown else 2)
    for text in shown:
        assert text in out


# --- the scenarios-dashboard command ---------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return reply.read().decode()
    except OSError:
        return None


@pytest.fixture(scope="module")
def dashboard_url(installed, tmp_path_factory) -> Iterator[str]:
    """``scenarios-dashboard`` from the fresh environment, in a folder of its own."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("dashboard") / "streamlit.log"
    db = log_path.with_name("cases.sqlite3")
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                str(installed.command("scenarios-dashboard")),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
            ],
            cwd=installed.elsewhere,
            env=_clean_env(SCENARIOS_DB=str(db)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            # Readiness polling, not a timing assertion: fail only if it never starts.
            for _ in range(600):
                if server.poll() is not None or _health(url) == "ok":
                    break
                time.sleep(0.1)
            if server.poll() is not None or _health(url) != "ok":
                log.flush()
                pytest.fail(
                    f"scenarios-dashboard did not serve {url}:\n"
                    + log_path.read_text(encoding="utf-8")[-4000:]
                )
            yield url
        finally:
            stop_server(server, grace_s=15)


@slow
def test_scenarios_dashboard_answers_ok(dashboard_url):
    assert _health(dashboard_url) == "ok"


@slow
@pytest.mark.browser
def test_the_installed_dashboard_renders_with_its_theme(dashboard_url):
    """The packaged .streamlit/config.toml applies, though the folder has none."""
    from tests.dashboard.helpers import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} not found (CI=true requires the browser tests)")
        pytest.skip(f"{CHROMIUM} not found; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{dashboard_url}/headphone_pricing")
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']",
                timeout=60_000,
            )
            page.get_by_text("$30,250").first.wait_for(timeout=60_000)
            sidebar = page.evaluate(
                "getComputedStyle(document.querySelector("
                "'[data-testid=stSidebar]')).backgroundColor"
            )
            exceptions = page.locator("[data-testid='stException']").count()
        finally:
            browser.close()
    # secondaryBackgroundColor = "#f1f5f4" in dashboard/.streamlit/config.toml;
    # Streamlit's own light theme would give rgb(240, 242, 246).
    assert sidebar == "rgb(241, 245, 244)"
    assert exceptions == 0
