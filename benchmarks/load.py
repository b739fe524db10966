"""Load: Streamlit-protocol users on replicas behind nginx, and Chromium end to end.

Run from the repository root with ``.venv/bin/python benchmarks/load.py``.
Prints a table with its targets and writes ``benchmarks/results/load.json``;
``--quick`` (seconds per phase, N = 1 and 2) writes to a temporary file
instead (or ``--out``). A script, not a test: nothing here asserts on
timings. The load only ever goes to servers this script started on
127.0.0.1.

The deployment under load is ``deploy/team.py``'s: two ``streamlit run``
replicas behind nginx, on a throwaway PostgreSQL cluster of the script's own
(``benchmarks/pgserver.py``; without PostgreSQL, a SQLite file, and no
database fault). The protocol users are Locust users
(``benchmarks/locustfile.py``, run as ``python -m locust``) that speak
Streamlit's websocket protocol (``benchmarks/protocol.py``): one press is a
``rerun_script`` timed until ``script_finished``.

1. **Paired** (``benchmarks/paired.py``): one Chromium tab and one protocol
   session press the same slider in turns on replica 1, through a relay that
   times each run where it meets the server, with the server on a core of
   its own. The protocol median is checked against the browser's server
   part (rerun_script to script_finished at the server); the server's CPU
   per press for each, Chromium's end-to-end time, and the same pairing with
   browser and server sharing both cores are reported beside it.
2. **Levels**: N = 1, 10, 20, 50 protocol users, each thinking 1-3 s between
   presses, all pinned to replica 1 through nginx (one server's figures):
   p50 and p95 press to finished, errors, lost sessions, the replica's peak
   RSS. Presses start once all N sessions are open.
3. **Throughput**: 6 users with no pause, pinned to replica 1, then spread
   over both replicas by the nginx cookie: sustained reruns per second, and
   the cores each replica, nginx and Locust used meanwhile.
4. **Faults**, 20 users with think time saving a case every few actions:
   replica 2 is killed (SIGKILL) mid-run, then the database is stopped for
   5 s mid-run. Counted: errors on the surviving replica, users of the
   killed one who reconnected through nginx and carried on, saves the app
   confirmed against cases in the database, and saves refused with the one
   sentence while the database was down.
5. **Chromium** (``benchmarks/browser_load.py``), last: N = 1, 5, 10, 20
   browser sessions on replica 1, 20 presses each, slider to settled page:
   the end-to-end figure, browsers and server on the same two cores.
"""

from __future__ import annotations

import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit  # noqa: E402

from benchmarks import browser_load, paired, pgserver, runs  # noqa: E402
from benchmarks.browser_load import MemorySampler, percentile, rss_mib  # noqa: E402
from benchmarks.harness import CHROMIUM  # noqa: E402
from deploy.team import FAIL_TIMEOUT_S, Team, nginx_binary  # noqa: E402

LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"
PAGE = "headphone_pricing"
SAVE_QUERY = "view=Saved+cases"
"""The scenario page opened on its save form, for the fault runs."""
THINK = "1-3"
"""Seconds a user thinks between two actions (uniform)."""
SAVE_EVERY = 3
"""In the fault runs, every third action of a user saves a case."""
LOCUST_SLACK_S = 300
"""Locust's own --run-time past the measured window: a hang guard only."""

TARGET_P95_OVER_P50 = 2.0
"""With think time, p95 at 20 users over p50 at 1 user: queueing stays small."""
TARGET_LEVEL = 20
TARGET_SCALING = 1.6
"""Two replicas' throughput over one's: each process is mostly bound to one
core by the GIL, so a second replica should use the second core."""
TARGET_LOST_AT = 50
"""At this many users, no session may be lost."""
TARGET_PAIRED = 0.20
"""The protocol median within this share of the browser's server part."""


@dataclass(frozen=True)
class Plan:
    """How long and how large each phase is."""

    levels: tuple[int, ...]
    single_s: float
    """The measured window at N = 1 (few presses per second)."""
    level_s: float
    throughput_users: int
    throughput_s: float
    paired_presses: int
    fault_users: int
    kill_s: float
    kill_at_s: float
    pg_s: float
    pg_stop_at_s: float
    pg_down_s: float
    chromium_levels: tuple[int, ...]
    chromium_presses: int


FULL = Plan(
    levels=(1, 10, 20, 50),
    single_s=60,
    level_s=40,
    throughput_users=6,
    throughput_s=30,
    paired_presses=20,
    fault_users=20,
    kill_s=40,
    kill_at_s=15,
    pg_s=30,
    pg_stop_at_s=10,
    pg_down_s=5,
    chromium_levels=(1, 5, 10, 20),
    chromium_presses=20,
)
QUICK = Plan(
    levels=(1, 2),
    single_s=4,
    level_s=4,
    throughput_users=2,
    throughput_s=4,
    paired_presses=4,
    fault_users=4,
    kill_s=10,
    kill_at_s=3,
    pg_s=14,
    pg_stop_at_s=3,
    pg_down_s=5,
    chromium_levels=(1, 2),
    chromium_presses=2,
)


# --- Locust ----------------------------------------------------------------------


class LocustRun:
    """``python -m locust`` headless with the protocol users, in the background."""

    def __init__(
        self,
        url: str,
        users: int,
        measure_s: float,
        folder: Path,
        name: str,
        *,
        think: str = THINK,
        pin: str = "1",
        save_every: int = 0,
        query: str = "",
        prefix: str = "load",
    ) -> None:
        self.record = folder / f"{name}.json"
        self.measure_s = measure_s
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "--users", str(users), "--spawn-rate", str(users),
            "--run-time", f"{int(measure_s + LOCUST_SLACK_S)}s",
            "--host", url, "--only-summary", "--loglevel", "WARNING",
            "--page", PAGE, "--query", query, "--think", think, "--pin", pin,
            "--save-every", str(save_every), "--case-prefix", prefix,
            "--expect-users", str(users), "--measure-s", str(measure_s),
            "--record", str(self.record),
        ]  # fmt: skip
        self._log = open(folder / f"{name}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT
        )

    def went_at(self) -> float:
        """When every session was open and pressing began (``time.time()``)."""
        marker = Path(f"{self.record}.went")
        while not marker.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"locust exited early; see {self._log.name}")
            time.sleep(0.05)
        time.sleep(0.01)
        return float(marker.read_text())

    def wait(self) -> dict:
        """Wait for Locust to quit; every user's record."""
        import json

        try:
            self.process.wait(timeout=self.measure_s + LOCUST_SLACK_S + 60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
        if not self.record.exists():
            raise RuntimeError(f"locust wrote no record; see {self._log.name}")
        return json.loads(self.record.read_text(encoding="utf-8"))


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def summarize(data: dict, measure_s: float) -> dict:
    """Percentiles, errors and lost sessions of one Locust run's records."""
    went = data["went_at"][0] if data["went_at"] else float("inf")
    users = data["users"]
    times = [ms for u in users for at, ms, _ in u["presses"] if at >= went]
    kinds = [kind for u in users for _, kind, _ in u["errors"]]
    errors = {
        "exceptions": kinds.count("exception"),
        "failed_presses": kinds.count("press") + kinds.count("save"),
        "failed_opens": kinds.count("open"),
        "failed_reconnects": kinds.count("reconnect"),
    }
    lost = [u for u in users if u["lost"] or u["drops"]]
    return {
        "users": len(users),
        "presses": len(times),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times) if times else None,
        "reruns_per_s": len(times) / measure_s,
        "open_p50_ms": percentile([u["open_ms"] for u in users if u["open_ms"]], 50),
        "errors": errors,
        "error_total": sum(errors.values()),
        "lost_sessions": len(lost),
        "measure_s": measure_s,
    }


# --- the phases --------------------------------------------------------------------


def run_levels(team: Team, plan: Plan, folder: Path) -> list[dict]:
    """Protocol users with think time, all on replica 1 through nginx."""
    pid = team.replicas[0].process.pid
    memory = MemorySampler(pid)
    results = []
    try:
        for n in plan.levels:
            seconds = plan.single_s if n == 1 else plan.level_s
            before = rss_mib(pid)
            memory.reset()
            load = os.getloadavg()[0]
            data = LocustRun(team.url, n, seconds, folder, f"level-{n}").wait()
            level = summarize(data, seconds)
            level.update(
                rss_before_mib=before,
                rss_peak_mib=memory.peak(),
                load_average_1min=load,
            )
            results.append(level)
            print(
                f"  protocol N={n:>2}: {level['presses']} presses, "
                f"{level['error_total']} errors, {level['lost_sessions']} lost",
                flush=True,
            )
    finally:
        memory.close()
    return results


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _cores_used(team: Team, locust_pid: int, start: float, end: float) -> dict:
    """Cores each process used from ``start`` to ``end`` (``time.time()``)."""
    nginx = [team.nginx.pid, *_children(team.nginx.pid)]
    pids = {
        **{f"replica {r.number}": [r.process.pid] for r in team.replicas},
        "nginx": nginx,
        "locust": [locust_pid],
    }

    def sample() -> dict[str, float]:
        return {
            name: sum(paired.cpu_ms(p) for p in group) for name, group in pids.items()
        }

    _sleep_until(start)
    first = sample()
    _sleep_until(end)
    last = sample()
    return {name: (last[name] - first[name]) / 1000 / (end - start) for name in pids}


def run_throughput(team: Team, plan: Plan, folder: Path) -> dict:
    """No pause: one replica (all pinned to 1), then both (spread by cookie).

    Also the cores each process used meanwhile: the load generator and nginx
    take their share of the same two cores.
    """
    out = {"users": plan.throughput_users, "measure_s": plan.throughput_s}
    for name, pin in (("one_replica", "1"), ("two_replicas", "spread:2")):
        load = os.getloadavg()[0]
        run = LocustRun(
            team.url,
            plan.throughput_users,
            plan.throughput_s,
            folder,
            f"throughput-{name}",
            think="0",
            pin=pin,
        )
        went, span = run.went_at(), plan.throughput_s
        cores = _cores_used(team, run.process.pid, went + 0.1 * span, went + 0.9 * span)
        data = run.wait()
        out[name] = {
            **summarize(data, plan.throughput_s),
            "load_average_1min": load,
            "cores_used": cores,
        }
        print(f"  throughput {name}: {out[name]['reruns_per_s']:.1f}/s", flush=True)
    one, two = out["one_replica"]["reruns_per_s"], out["two_replicas"]["reruns_per_s"]
    out["scaling"] = two / one if one else None
    return out


def _stored_names(database_url: str, prefix: str) -> set[str]:
    from scenarios.store.cases import CaseStore

    store = CaseStore(database_url)
    try:
        return {c.name for c in store.list() if c.name.startswith(prefix)}
    finally:
        store.close()


def _save_counts(saves: list[dict], stored: set[str]) -> dict:
    by = {}
    for save in saves:
        outcome = save["outcome"] or "cut off"
        by[outcome] = by.get(outcome, 0) + 1
    confirmed = [s["name"] for s in saves if s["outcome"] == "saved"]
    refused = [s["name"] for s in saves if s["outcome"] == "refused"]
    return {
        "attempted": len(saves),
        "by_outcome": by,
        "confirmed": len(confirmed),
        "confirmed_in_database": sum(1 for n in confirmed if n in stored),
        "confirmed_but_lost": sum(1 for n in confirmed if n not in stored),
        "refused_but_stored": sum(1 for n in refused if n in stored),
        "unconfirmed_in_database": sum(
            1 for s in saves if s["outcome"] != "saved" and s["name"] in stored
        ),
    }


def kill_fault(team: Team, database_url: str, plan: Plan, folder: Path) -> dict:
    """Users spread over both replicas; replica 2 is killed mid-run."""
    prefix = f"kill-{secrets.token_hex(3)}"
    run = LocustRun(
        team.url,
        plan.fault_users,
        plan.kill_s,
        folder,
        "fault-kill",
        pin="spread:2",
        save_every=SAVE_EVERY,
        query=SAVE_QUERY,
        prefix=prefix,
    )
    went = run.went_at()
    _sleep_until(went + plan.kill_at_s)
    killed_at = time.time()
    team.kill(2)
    data = run.wait()
    users = data["users"]
    survivors = [u for u in users if u["pinned"] == "1"]
    killed = [u for u in users if u["pinned"] == "2"]

    def carried_on(user: dict) -> bool:
        if not user["reconnects"]:
            return False
        back = user["reconnects"][-1][0]
        return any(at > back for at, _, _ in user["presses"])

    saves = [s for u in users for s in u["saves"]]
    stored = _stored_names(database_url, prefix)
    team.start_replica(2)
    time.sleep(FAIL_TIMEOUT_S)  # until nginx tries replica 2 again
    return {
        "users": len(users),
        "killed_after_s": killed_at - went,
        "measure_s": plan.kill_s,
        "surviving_replica": {
            "users": len(survivors),
            "errors": sum(len(u["errors"]) for u in survivors),
            "dropped_sessions": sum(1 for u in survivors if u["drops"]),
            "presses_after_the_kill": sum(
                1 for u in survivors for at, _, _ in u["presses"] if at > killed_at
            ),
        },
        "killed_replica": {
            "users": len(killed),
            "dropped": sum(1 for u in killed if u["drops"]),
            "reconnected_to_the_other": sum(
                1 for u in killed if any(r[1] == "1" for r in u["reconnects"])
            ),
            "carried_on": sum(1 for u in killed if carried_on(u)),
            "lost": sum(1 for u in killed if u["lost"]),
            "reconnect_ms": [r[2] for u in killed for r in u["reconnects"]],
        },
        "saves": _save_counts(saves, stored),
    }


def database_fault(
    team: Team, server: pgserver.ThrowawayServer, plan: Plan, folder: Path
) -> dict:
    """Users spread over both replicas; the database stops for a while."""
    prefix = f"pg-{secrets.token_hex(3)}"
    run = LocustRun(
        team.url,
        plan.fault_users,
        plan.pg_s,
        folder,
        "fault-database",
        pin="spread:2",
        save_every=SAVE_EVERY,
        query=SAVE_QUERY,
        prefix=prefix,
    )
    went = run.went_at()
    _sleep_until(went + plan.pg_stop_at_s)
    stopped_at = time.time()
    server.stop()
    _sleep_until(stopped_at + plan.pg_down_s)
    server.start()
    back_at = time.time()
    data = run.wait()
    users = data["users"]
    saves = [s for u in users for s in u["saves"]]
    stored = _stored_names(server.url, prefix)
    during = [s for s in saves if stopped_at <= s["at"] < back_at]
    after = [s for s in saves if s["at"] >= back_at]
    before = [s for s in saves if went <= s["at"] < stopped_at]
    window_presses = [
        ms for u in users for at, ms, _ in u["presses"] if stopped_at <= at < back_at
    ]
    window_errors = [
        e for u in users for e in u["errors"] if stopped_at <= e[0] < back_at
    ]
    return {
        "users": len(users),
        "stopped_after_s": stopped_at - went,
        "down_s": back_at - stopped_at,
        "pages_while_down": {
            "presses_served": len(window_presses),
            "p50_ms": percentile(window_presses, 50),
            "errors": len(window_errors),
            "dropped_sessions": sum(
                1 for u in users for d in u["drops"] if stopped_at <= d[0] < back_at
            ),
        },
        "saves_before": _save_counts(before, stored),
        "saves_while_down": _save_counts(during, stored),
        "saves_after": _save_counts(after, stored),
        "errors_total": sum(len(u["errors"]) for u in users),
    }


# --- the report --------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def targets(levels: list[dict], throughput: dict, pair: dict | None) -> dict:
    """Each target, its measured value and whether it is met."""
    by_n = {level["users"]: level for level in levels}
    single, at = by_n.get(1), by_n.get(TARGET_LEVEL)
    ratio = (
        at["p95_ms"] / single["p50_ms"]
        if single and at and single["p50_ms"] and at["p95_ms"]
        else None
    )
    lost_at = by_n.get(TARGET_LOST_AT)
    paired_ratio = pair.get("protocol_over_browser_server_part") if pair else None
    return {
        "p95_at_20_over_p50_at_1": {
            "value": ratio,
            "errors_at_20": at["error_total"] if at else None,
            "goal": f"<= {TARGET_P95_OVER_P50:g} with 0 errors",
            "met": ratio is not None
            and ratio <= TARGET_P95_OVER_P50
            and at["error_total"] == 0,
        },
        "two_replicas_over_one": {
            "value": throughput.get("scaling"),
            "goal": f">= {TARGET_SCALING:g}",
            "met": (throughput.get("scaling") or 0) >= TARGET_SCALING,
        },
        "lost_sessions_at_50": {
            "value": lost_at["lost_sessions"] if lost_at else None,
            "goal": "0",
            "met": bool(lost_at) and lost_at["lost_sessions"] == 0,
        },
        "protocol_over_browser_server_part": {
            "value": paired_ratio,
            "goal": f"within {TARGET_PAIRED:.0%} of 1",
            "met": paired_ratio is not None and abs(paired_ratio - 1) <= TARGET_PAIRED,
        },
    }


def print_report(payload: dict) -> None:
    """The tables and the targets, as the README shows them."""
    print()
    print(
        f"Protocol users (Locust), think time {THINK} s, on one replica through nginx"
    )
    header = (
        f"{'N':>3}  {'presses':>7}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}  "
        f"{'errors':>6}  {'lost':>4}  {'server RSS MiB':>14}  {'load avg':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in payload["levels"]:
        print(
            f"{r['users']:>3}  {r['presses']:>7}  {_fmt(r['p50_ms']):>7}  "
            f"{_fmt(r['p95_ms']):>7}  {_fmt(r['max_ms']):>7}  {r['error_total']:>6}  "
            f"{r['lost_sessions']:>4}  {_fmt(r['rss_peak_mib'], 1):>14}  "
            f"{r['load_average_1min']:>8.1f}"
        )
    t = payload["throughput"]
    print()
    print(
        f"Throughput, {t['users']} users with no pause: 1 replica "
        f"{t['one_replica']['reruns_per_s']:.1f} reruns/s "
        f"(p50 {_fmt(t['one_replica']['p50_ms'])} ms), 2 replicas behind nginx "
        f"{t['two_replicas']['reruns_per_s']:.1f} reruns/s "
        f"(p50 {_fmt(t['two_replicas']['p50_ms'])} ms) = "
        f"{_fmt(t['scaling'], 2)}x"
    )
    for name in ("one_replica", "two_replicas"):
        cores = t[name].get("cores_used", {})
        print(
            f"  cores used, {name.replace('_', ' ')}: "
            + ", ".join(f"{who} {used:.2f}" for who, used in cores.items())
        )
    pair = payload["paired"]
    if pair:
        cpu = pair["server_cpu_per_press_ms"]
        print(
            "One session each, in turns on replica 1 (on a core of its own): "
            "protocol median "
            f"{_fmt(pair['protocol_median_ms'], 1)} ms; browser's server part "
            f"{_fmt(pair['browser_server_part_ms'], 1)} ms (at the server; its CPU "
            f"per press {_fmt(cpu['browser'], 1)} ms for the browser's, "
            f"{_fmt(cpu['protocol'], 1)} ms for the protocol's); Chromium "
            f"end to end {_fmt(pair['browser_slider_to_settled_median_ms'])} ms, "
            f"on its wire {_fmt(pair['browser_wire_median_ms'])} ms"
        )
    shared = payload.get("paired_sharing_cores")
    if shared:
        print(
            "The same with browser and server sharing both cores: protocol "
            f"{_fmt(shared['protocol_median_ms'], 1)} ms; browser's server part "
            f"{_fmt(shared['browser_server_part_ms'], 1)} ms (Chromium drawing "
            "while the server runs slows the server)"
        )
    chromium = payload["chromium"]
    if chromium:
        print()
        print("Chromium sessions on one replica, slider to settled page (end to end)")
        header = (
            f"{'N':>3}  {'presses':>7}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}  "
            f"{'errors':>6}  {'lost':>4}  {'server RSS MiB':>14}"
        )
        print(header)
        print("-" * len(header))
        for r in chromium["levels"]:
            e = r["errors"]
            print(
                f"{r['sessions']:>3}  {r['presses']:>7}  {_fmt(r['p50_ms']):>7}  "
                f"{_fmt(r['p95_ms']):>7}  {_fmt(r['max_ms']):>7}  "
                f"{e['page_exceptions'] + e['timeouts']:>6}  "
                f"{e['lost_sessions']:>4}  {_fmt(r['rss_peak_mib'], 1):>14}"
            )
    faults = payload["faults"]
    print()
    kill = faults.get("kill_replica")
    if kill:
        s, k, c = kill["surviving_replica"], kill["killed_replica"], kill["saves"]
        print(
            f"Replica 2 killed under {kill['users']} users: on replica 1, "
            f"{s['errors']} errors and {s['dropped_sessions']} dropped sessions; "
            f"of {k['users']} on replica 2, {k['dropped']} dropped, "
            f"{k['reconnected_to_the_other']} reconnected to replica 1, "
            f"{k['carried_on']} carried on, {k['lost']} lost; saves confirmed "
            f"{c['confirmed']}, in the database {c['confirmed_in_database']}, "
            f"lost {c['confirmed_but_lost']}"
        )
    db = faults.get("database_stop")
    if db:
        w, d, a = db["pages_while_down"], db["saves_while_down"], db["saves_after"]
        print(
            f"Database stopped {db['down_s']:.1f} s under {db['users']} users: "
            f"{w['presses_served']} presses served meanwhile with {w['errors']} "
            f"errors; saves meanwhile {d['attempted']}: refused "
            f"{d['by_outcome'].get('refused', 0)}, saved {d['confirmed']}, "
            f"unanswered {d['by_outcome'].get('unanswered', 0)}, refused but "
            f"stored {d['refused_but_stored']}; after: {a['confirmed']} of "
            f"{a['attempted']} saved, confirmed but lost "
            f"{d['confirmed_but_lost'] + a['confirmed_but_lost']}"
        )
    elif faults.get("database_stop_skipped"):
        print(f"Database fault skipped: {faults['database_stop_skipped']}")
    print()
    print("Targets (measured in this run):")
    for name, target in payload["targets"].items():
        value = target["value"]
        shown = "-" if value is None else f"{value:.2f}"
        verdict = "met" if target["met"] else "NOT met"
        print(f"  {name.replace('_', ' ')}: {shown} (goal {target['goal']}): {verdict}")
    m = payload["machine"]
    print(
        f"load average (1 min) before {m['load_average_1_5_15_before'][0]:.1f}, "
        f"after {m['load_average_1_5_15_after'][0]:.1f} on {m['cpus']} CPUs "
        "(shared with other work)"
    )


def _versions() -> dict:
    # Not `import locust`: it patches this process's sockets and threads (gevent).
    from importlib.metadata import version as installed

    nginx = nginx_binary()
    version = None
    if nginx:
        done = subprocess.run([str(nginx), "-v"], capture_output=True, text=True)
        version = done.stderr.strip().split("/")[-1]
    return {
        "locust": installed("locust"),
        "websocket-client": installed("websocket-client"),
        "nginx": version,
    }


def main() -> int:
    """Measure every phase, print the report and write the JSON."""
    parser = runs.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--no-chromium", action="store_true", help="skip the browser phases"
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    if nginx_binary() is None:
        print("nginx not found: nothing measured (install Debian's nginx)")
        return 1
    chromium_ok = CHROMIUM.exists() and not args.no_chromium
    if not chromium_ok:
        print(f"{CHROMIUM} not found or --no-chromium: browser phases skipped")
    load_before = os.getloadavg()
    pg = pgserver.start_throwaway()
    payload: dict = {
        "what": "Streamlit-protocol users on replicas behind nginx, and Chromium",
        "page": f"/{PAGE}",
        "think_time_s": THINK,
        "plan": asdict(plan),
    }
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        folder = Path(tmp)
        if pg is not None:
            database_url = pg.url
            print(f"database: throwaway PostgreSQL on port {pg.port}")
        else:
            database_url = f"sqlite:///{folder / 'cases.sqlite3'}"
            print("database: a SQLite file (no PostgreSQL binaries found)")
        env = {k: v for k, v in os.environ.items() if k != "SCENARIOS_DB"}
        team = Team(2, database_url=database_url, run_dir=folder / "team", env=env)
        try:
            team.start()
            print(f"team: {team.url} -> " + ", ".join(r.url for r in team.replicas))
            first = team.replicas[0]
            payload["server_rss_idle_mib"] = rss_mib(first.process.pid)
            payload["paired"] = payload["paired_sharing_cores"] = None
            if chromium_ok:
                pid = first.process.pid
                payload["paired"] = paired.measure(first.url, pid, plan.paired_presses)
                payload["paired_sharing_cores"] = paired.measure(
                    first.url, pid, plan.paired_presses, apart=False
                )
            print("  paired presses done", flush=True)
            payload["levels"] = run_levels(team, plan, folder)
            payload["throughput"] = run_throughput(team, plan, folder)
            faults: dict = {
                "kill_replica": kill_fault(team, database_url, plan, folder)
            }
            print("  replica fault done", flush=True)
            if pg is not None:
                faults["database_stop"] = database_fault(team, pg, plan, folder)
                print("  database fault done", flush=True)
            else:
                faults["database_stop_skipped"] = "no PostgreSQL binaries"
            payload["faults"] = faults
            # Last: its twenty browsers load the machine for a while after.
            chromium = None
            if chromium_ok:
                start_rss, levels = browser_load.measure(
                    first.url,
                    first.process.pid,
                    plan.chromium_levels,
                    plan.chromium_presses,
                )
                chromium = {
                    "presses_per_session": plan.chromium_presses,
                    "server_rss_after_warmup_mib": start_rss,
                    "levels": levels,
                }
            payload["chromium"] = chromium
        finally:
            team.stop()
            if pg is not None:
                pg.remove()
    payload["targets"] = targets(
        payload["levels"], payload["throughput"], payload["paired"]
    )
    payload["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        **_versions(),
        "platform": platform.platform(),
        # The machine is shared: other work slows every phase alike; say how much.
        "load_average_1_5_15_before": list(load_before),
        "load_average_1_5_15_after": list(os.getloadavg()),
    }
    print_report(payload)
    runs.write_json(payload, runs.output_path("load", args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
