"""A throwaway PostgreSQL cluster for the load benchmark, which stops it at will.

``initdb`` into a temporary folder and ``pg_ctl`` on a free port, so the
benchmark's replicas share a real server that nobody else uses: the fault run
stops it for a few seconds under load. Never the shared cluster. As root
(CI), the server runs as the ``postgres`` user, since PostgreSQL refuses
root. The binaries are ``$SCENARIOS_PG_BIN`` or Debian's.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from deploy.team import free_port

PG_BIN_ENV = "SCENARIOS_PG_BIN"


def pg_bin() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``, or None without PostgreSQL."""
    configured = os.environ.get(PG_BIN_ENV, "").strip()
    candidates = [Path(configured)] if configured else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class ThrowawayServer:
    """A private PostgreSQL cluster: :meth:`start`, :meth:`stop`, :meth:`remove`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="load-pg-"))
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.url = f"postgresql+psycopg://scenarios@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str) -> None:
        command = [str(self.bindir / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        """initdb, with a superuser ``scenarios`` trusted on localhost."""
        self._run(
            "initdb", "-D", str(self.data), "-U", "scenarios", "--auth=trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        """Start it, and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop it at once, dropping every connection."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        """Stop it if it runs, and delete its folder."""
        try:
            self.stop()
        except subprocess.SubprocessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def start_throwaway() -> ThrowawayServer | None:
    """A created and started :class:`ThrowawayServer`, or None if impossible."""
    bindir = pg_bin()
    if bindir is None:
        return None
    server = ThrowawayServer(bindir)
    try:
        server.create()
        server.start()
    except (OSError, subprocess.SubprocessError):
        server.remove()
        return None
    return server
