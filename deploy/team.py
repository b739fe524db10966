"""N dashboard replicas behind nginx on one address: ``deploy/serve-team N``.

Each replica is a headless ``streamlit run dashboard/app.py`` on a local port,
with the environment's ``SCENARIOS_DATABASE_URL`` and one shared
``server.cookieSecret``. nginx, configured from ``nginx.conf.template`` beside
this file, listens on one port in front of them: websocket upgrade on
``/_stcore/stream``, sticky sessions by the cookie :data:`REPLICA_COOKIE`, and
failover from a replica that is down to the others (see the template). nginx
runs as the current user, in the foreground, with its pid file, logs and
temporary folders in a run folder; nothing needs root.

:class:`Team` is the same thing for the load benchmark and the tests.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
REPLICA_COOKIE = "scenarios_replica"
"""The cookie that pins a browser to a replica: its number, 1 to N."""
REPLICA_HEADER = "X-Scenarios-Replica"
"""The response header that names the replica that answered."""
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
"""Streamlit's ``server.cookieSecret``, set alike on every replica."""
DATABASE_ENV = "SCENARIOS_DATABASE_URL"
DEFAULT_PORT = 8500
FAIL_TIMEOUT_S = 10
"""How long nginx holds a replica that refused a connection out of use, before
it tries it again with one request: short enough that a restarted replica is
soon used again, long enough not to retry a dead one on every request."""
START_LIMIT_S = 120.0
"""A replica or nginx that is not healthy after this long has failed to start."""
STOP_GRACE_S = 10.0
"""How long a process may take to stop after SIGTERM before it is killed."""


def nginx_binary() -> Path | None:
    """nginx on the PATH, or Debian's ``/usr/sbin/nginx``; None without one."""
    found = shutil.which("nginx")
    if found:
        return Path(found)
    debian = Path("/usr/sbin/nginx")
    return debian if debian.exists() else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_nginx_config(port: int, replica_ports: Sequence[int], run_dir: Path) -> str:
    """The nginx configuration for ``replica_ports`` behind ``127.0.0.1:port``."""
    if not replica_ports:
        raise ValueError("a team needs at least one replica")
    numbers = range(1, len(replica_ports) + 1)
    share = 100 / len(replica_ports)
    split = [f"        {share:.2f}% {n};" for n in numbers][:-1]
    split.append(f"        * {len(replica_ports)};")
    pinned = [f'        "{n}" {n};' for n in numbers]
    served = [
        f"        ~127\\.0\\.0\\.1:{p}$ {n};"
        for n, p in zip(numbers, replica_ports, strict=True)
    ]
    upstreams = []
    for n, primary in zip(numbers, replica_ports, strict=True):
        lines = [f"    upstream replica_{n} {{"]
        lines.append(
            f"        server 127.0.0.1:{primary} max_fails=1 "
            f"fail_timeout={FAIL_TIMEOUT_S}s;"
        )
        for other in replica_ports:
            if other != primary:
                lines.append(
                    f"        server 127.0.0.1:{other} backup max_fails=1 "
                    f"fail_timeout={FAIL_TIMEOUT_S}s;"
                )
        lines.append("    }")
        upstreams.append("\n".join(lines))
    fields = {
        "RUN": str(run_dir),
        "PORT": str(port),
        "COOKIE": REPLICA_COOKIE,
        "HEADER": REPLICA_HEADER,
        "FAIL_TIMEOUT": f"{FAIL_TIMEOUT_S} s",
        "TRIES": str(len(replica_ports)),
        "SPLIT": "\n".join(split),
        "PINNED": "\n".join(pinned),
        "SERVED": "\n".join(served),
        "UPSTREAMS": "\n\n".join(upstreams),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace(f"@{name}@", value)
    return text


def replica_command(port: int) -> list[str]:
    """``streamlit run dashboard/app.py``, headless on ``127.0.0.1:port``."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the process that started it goes away.

    So a crashed test or benchmark leaves no replica or nginx behind.
    """
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def _wait_healthy(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        if _healthy(url):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} was not healthy within {START_LIMIT_S:.0f} s")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Replica:
    """One ``streamlit run`` of the team."""

    number: int
    """1 to N: the value of :data:`REPLICA_COOKIE` that pins a browser here."""
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The replica's own address, past nginx."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        """Whether its process is still running."""
        return self.process is not None and self.process.poll() is None


class Team:
    """N replicas and nginx in front of them; a context manager.

    ``env`` is the replicas' environment (default: this process's), with
    ``database_url`` as ``SCENARIOS_DATABASE_URL`` when given. Logs go to
    ``run_dir`` (default: a temporary folder, removed by :meth:`stop`).
    Start and stop it from the same thread: the processes end with that
    thread, so none outlives a crash.
    """

    def __init__(
        self,
        replicas: int,
        *,
        port: int | None = None,
        database_url: str | None = None,
        cookie_secret: str | None = None,
        run_dir: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if replicas < 1:
            raise ValueError("a team needs at least one replica")
        self.port = port or free_port()
        self.replicas = [Replica(n, free_port()) for n in range(1, replicas + 1)]
        self.env = dict(os.environ if env is None else env)
        if database_url is not None:
            self.env[DATABASE_ENV] = database_url
        self.env[COOKIE_SECRET_ENV] = (
            cookie_secret
            or self.env.get(COOKIE_SECRET_ENV, "").strip()
            or secrets.token_hex(32)
        )
        self.env.setdefault("PYTHONUNBUFFERED", "1")
        self._temporary = run_dir is None
        self.run_dir = (
            Path(tempfile.mkdtemp(prefix="serve-team-")) if run_dir is None else run_dir
        )
        self.nginx: subprocess.Popen | None = None
        self._logs: list = []

    @property
    def url(self) -> str:
        """The one address: nginx."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_path(self) -> Path:
        """The nginx configuration :meth:`start` writes."""
        return self.run_dir / "nginx.conf"

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen:
        log = open(self.run_dir / log_name, "ab")  # noqa: SIM115 - closed in stop()
        self._logs.append(log)
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Out of the terminal's process group: Ctrl-C reaches serve-team
            # alone, which then stops everything in order.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def start(self) -> str:
        """Start the replicas, then nginx once they are healthy; the address."""
        nginx = nginx_binary()
        if nginx is None:
            raise RuntimeError("nginx not found; install Debian's nginx package")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        try:
            for replica in self.replicas:
                self.start_replica(replica.number, wait=False)
            for replica in self.replicas:
                _wait_healthy(replica.url, replica.process, f"replica {replica.number}")
            self.config_path.write_text(
                render_nginx_config(
                    self.port, [r.port for r in self.replicas], self.run_dir
                ),
                encoding="utf-8",
            )
            self.nginx = self._spawn(
                [
                    str(nginx),
                    "-p",
                    str(self.run_dir),
                    "-c",
                    str(self.config_path),
                    "-e",
                    str(self.run_dir / "error.log"),
                    "-g",
                    "daemon off;",
                ],
                "nginx.out",
            )
            _wait_healthy(self.url, self.nginx, "nginx")
        except BaseException:
            self.stop()
            raise
        return self.url

    def start_replica(self, number: int, wait: bool = True) -> Replica:
        """(Re)start replica ``number`` on its port; wait until healthy if asked."""
        replica = self.replicas[number - 1]
        if replica.alive:
            return replica
        replica.process = self._spawn(
            replica_command(replica.port), f"replica-{number}.log"
        )
        if wait:
            _wait_healthy(replica.url, replica.process, f"replica {number}")
        return replica

    def kill(self, number: int, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` (default: SIGKILL, a crash) to replica ``number``; reap it."""
        replica = self.replicas[number - 1]
        if replica.alive:
            replica.process.send_signal(sig)
            replica.process.wait(timeout=STOP_GRACE_S)

    def stop(self) -> None:
        """Stop nginx, then every replica; remove a temporary run folder."""
        _stop(self.nginx)
        for replica in self.replicas:
            if replica.alive:
                replica.process.terminate()
        for replica in self.replicas:
            _stop(replica.process)
        for log in self._logs:
            log.close()
        self._logs.clear()
        if self._temporary:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def keep_run_dir(self) -> None:
        """Keep the run folder (its logs) after :meth:`stop`, even a temporary one."""
        self._temporary = False

    def __enter__(self) -> Team:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- deploy/serve-team ---------------------------------------------------------


class _Stopped(Exception):
    """SIGINT or SIGTERM arrived."""


def _on_signal(signum: int, _frame: object) -> None:
    raise _Stopped(signal.Signals(signum).name)


def _describe_database(env: Mapping[str, str]) -> str:
    url = env.get(DATABASE_ENV, "").strip()
    if not url:
        return (
            f"{DATABASE_ENV} is not set: every replica uses the SQLite file "
            "($SCENARIOS_DB or data/cases.sqlite3), which works on one machine only"
        )
    from sqlalchemy.engine import make_url

    return f"database: {make_url(url).render_as_string(hide_password=True)}"


def main(argv: Sequence[str] | None = None) -> int:
    """``serve-team N``: serve until Ctrl-C or SIGTERM, then stop everything."""
    parser = argparse.ArgumentParser(
        prog="deploy/serve-team",
        description="N dashboard replicas behind nginx on one address, all on "
        f"${DATABASE_ENV}; Ctrl-C or SIGTERM stops them all.",
    )
    parser.add_argument("replicas", type=int, help="how many replicas (1 or more)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="nginx's port on 127.0.0.1"
    )
    parser.add_argument(
        "--run-dir",
        type=Path,
        help="keep the nginx configuration and every log here (default: a "
        "temporary folder, removed on exit)",
    )
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("N must be at least 1")
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    team = Team(args.replicas, port=args.port, run_dir=args.run_dir)
    try:
        print(f"starting {args.replicas} replicas and nginx ...", flush=True)
        team.start()
        print(_describe_database(team.env))
        for replica in team.replicas:
            print(
                f"replica {replica.number}: {replica.url} (pid {replica.process.pid})"
            )
        print(f"logs and nginx.conf: {team.run_dir}")
        print(f"The dashboard: {team.url}", flush=True)
        reported: set[int] = set()
        while True:
            time.sleep(1)
            for replica in team.replicas:
                if not replica.alive and replica.number not in reported:
                    reported.add(replica.number)
                    print(
                        f"replica {replica.number} exited (code "
                        f"{replica.process.returncode}); nginx sends its "
                        "browsers to the others",
                        flush=True,
                    )
            if team.nginx is not None and team.nginx.poll() is not None:
                print(f"nginx exited (code {team.nginx.returncode}); stopping")
                return 1
    except _Stopped as stop:
        print(f"{stop}: stopping nginx and the replicas", flush=True)
        return 0
    except RuntimeError as error:
        team.keep_run_dir()
        print(f"serve-team: {error} (logs in {team.run_dir})", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        team.stop()
        print("stopped", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
