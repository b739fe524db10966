"""deploy/: the nginx configuration, and ``deploy/serve-team`` started and stopped.

The script runs as a user would run it, as a subprocess; each test checks
that once it has stopped, not one of its processes is left.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from deploy.team import (
    REPLICA_COOKIE,
    REPLICA_HEADER,
    ROOT,
    free_port,
    nginx_binary,
    render_nginx_config,
)
from tests import databases
from tests.deploy.conftest import team_env

SERVE_TEAM = ROOT / "deploy" / "serve-team"


def test_each_replica_is_the_primary_of_its_group_and_a_backup_in_the_others():
    text = render_nginx_config(8500, [9001, 9002, 9003], Path("/run/x"))
    assert "@" not in re.sub(r"#.*", "", text)  # every field filled in
    for number, port in ((1, 9001), (2, 9002), (3, 9003)):
        group = re.search(rf"upstream replica_{number} \{{(.*?)\}}", text, re.S)[1]
        assert re.search(rf"server 127\.0\.0\.1:{port} max_fails", group)
        backups = re.findall(r"server 127\.0\.0\.1:(\d+) backup", group)
        assert sorted(backups) == sorted({"9001", "9002", "9003"} - {str(port)})
        assert f'"{number}" {number};' in text  # the cookie value that pins here
    assert f"$cookie_{REPLICA_COOKIE}" in text
    assert "location = /_stcore/stream" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text


def test_nginx_accepts_the_configuration(nginx, tmp_path):
    config = tmp_path / "nginx.conf"
    config.write_text(render_nginx_config(free_port(), [free_port()] * 2, tmp_path))
    done = subprocess.run(
        [str(nginx_binary()), "-t", "-p", str(tmp_path), "-c", str(config)]
        + ["-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def _get(url: str, replica: str | None = None) -> tuple[int, str | None, str]:
    request = urllib.request.Request(url)
    if replica:
        request.add_header("Cookie", f"{REPLICA_COOKIE}={replica}")
    with urllib.request.urlopen(request, timeout=10) as reply:
        return (
            reply.status,
            reply.headers.get(REPLICA_HEADER),
            "\n".join(reply.headers.get_all("Set-Cookie") or []),
        )


def _mentioning(text: str) -> list[int]:
    """Live processes whose command line mentions ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if text in cmdline and _alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended; only its parent has not reaped it yet.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize(
    "stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"]
)
def test_serve_team_serves_one_address_and_stops_everything(nginx, tmp_path, stop):
    with databases.fresh_schema() as url:
        env = team_env()
        env["SCENARIOS_DATABASE_URL"] = url.render_as_string(hide_password=False)
        port = free_port()
        run_dir = tmp_path / "run"
        script = subprocess.Popen(
            [str(SERVE_TEAM), "2", "--port", str(port), "--run-dir", str(run_dir)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        try:
            for line in script.stdout:
                lines.append(line)
                if line.startswith("The dashboard:") or "serve-team:" in line:
                    break
            output = "".join(lines)
            address = f"http://127.0.0.1:{port}"
            assert f"The dashboard: {address}" in output, output
            assert "***" in output and "scenarios:scenarios@" not in output
            pids = [int(p) for p in re.findall(r"\(pid (\d+)\)", output)]
            nginx_pid = int((run_dir / "nginx.pid").read_text())
            assert len(pids) == 2 and all(_alive(p) for p in pids + [nginx_pid])

            # One address; the cookie chooses the replica, the header says it.
            for replica in ("1", "2"):
                status, served_by, cookie = _get(f"{address}/_stcore/health", replica)
                assert (status, served_by) == (200, replica)
                assert f"{REPLICA_COOKIE}={replica};" in cookie
            status, served_by, cookie = _get(f"{address}/headphone_pricing")
            assert status == 200 and served_by in ("1", "2")
            assert f"{REPLICA_COOKIE}={served_by};" in cookie
        finally:
            script.send_signal(stop)
            rest, _ = script.communicate(timeout=60)
        assert script.returncode == 0, rest
        assert rest.strip().endswith("stopped")
        # serve-team waits for each before it says "stopped": none is left.
        assert not [p for p in pids + [nginx_pid] if _alive(p)]
        assert _mentioning(str(run_dir)) == []  # nginx's workers too
