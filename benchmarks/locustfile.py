"""Locust users that speak Streamlit's protocol: slider moves, saves, reconnects.

Each user is one browser tab's worth of :class:`benchmarks.protocol.Session`:
it opens the page, then presses a slider (and, with ``--save-every K``, saves
a case every K-th action), waiting ``--think`` seconds between actions (1-3
by default; ``0`` for the no-pause throughput mode). Every press is reported
to Locust as a ``WS slider`` request timed from ``rerun_script`` to
``script_finished``; a dropped websocket is a failure, after which the user
reconnects as a browser does and carries on.

Standalone, with Locust's own web UI, statistics, or master and workers::

    .venv/bin/python -m locust -f benchmarks/locustfile.py \\
        --host http://127.0.0.1:8500 --users 20 --spawn-rate 5

``benchmarks/load.py`` runs it headless with ``--expect-users N`` (presses
start once all N sessions are open, so opening does not mix with pressing),
``--measure-s`` (then Locust quits) and ``--record FILE`` (every user's
presses, errors, drops, reconnects and saves as JSON, for percentiles and
fault counts). Load only ever goes to ``--host``: a local server.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import User, events, task
from locust.exception import StopUser

# Locust puts benchmarks/ on sys.path; the imports below need the repository.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.protocol import ProtocolError, Session, SessionLost  # noqa: E402
from deploy.team import REPLICA_COOKIE  # noqa: E402

OPEN_LIMIT_S = 180.0
"""How long users wait for all ``--expect-users`` sessions to be open."""

_numbers = itertools.count(1)
_records: list[dict] = []
_opened = 0
_go = Event()
_went_at: list[float] = []


@events.init_command_line_parser.add_listener
def _options(parser) -> None:
    group = parser.add_argument_group("Streamlit protocol users")
    group.add_argument("--page", default="headphone_pricing", help="url path")
    group.add_argument("--query", default="", help="query string of the page")
    group.add_argument("--slider", default="unit_cost", help="key of the slider")
    group.add_argument(
        "--think", default="1-3", help="seconds between actions: LO-HI, or 0"
    )
    group.add_argument(
        "--pin",
        default="",
        help="replica cookie: empty (nginx assigns), K (all on replica K), "
        "or spread:R (user i on replica (i-1) mod R + 1)",
    )
    group.add_argument(
        "--save-every", type=int, default=0, help="every K-th action saves a case"
    )
    group.add_argument("--case-prefix", default="load", help="saved cases' names")
    group.add_argument(
        "--expect-users", type=int, default=0, help="start pressing once N are open"
    )
    group.add_argument(
        "--measure-s", type=float, default=0.0, help="then quit after S seconds"
    )
    group.add_argument("--record", default="", help="write the users' records here")


def _think(spec: str) -> tuple[float, float]:
    if "-" in spec:
        low, high = (float(v) for v in spec.split("-", 1))
        return low, high
    return float(spec), float(spec)


def _pin(spec: str, number: int) -> str:
    if spec.startswith("spread:"):
        return str((number - 1) % int(spec.split(":", 1)[1]) + 1)
    return spec


def _write_records(environment, **_kwargs) -> None:
    path = getattr(environment.parsed_options, "record", "")
    if path:
        Path(path).write_text(
            json.dumps({"went_at": _went_at[:1], "users": _records}), encoding="utf-8"
        )


events.test_stop.add_listener(_write_records)
events.quitting.add_listener(_write_records)


def _fire(environment, name: str, ms: float, size: int = 0, error=None) -> None:
    environment.events.request.fire(
        request_type="WS",
        name=name,
        response_time=ms,
        response_length=size,
        exception=error,
        context={},
    )


class StreamlitUser(User):
    """One browser tab on the dashboard, over Streamlit's websocket."""

    def wait_time(self) -> float:
        """Think time between two actions."""
        low, high = self.think
        return random.uniform(low, high) if high > 0 else 0.0

    def on_start(self) -> None:
        """Open the page (pinned to a replica if asked), then wait for the rest."""
        global _opened
        options = self.environment.parsed_options
        self.think = _think(options.think)
        self.number = next(_numbers)
        pin = _pin(options.pin, self.number)
        self.record: dict = {
            "user": self.number,
            "pinned": pin or None,
            "replica": None,
            "opened_at": None,
            "open_ms": None,
            "presses": [],
            "errors": [],
            "drops": [],
            "reconnects": [],
            "saves": [],
            "lost": False,
        }
        _records.append(self.record)
        self.session = Session(
            self.host,
            options.page,
            options.query,
            cookies={REPLICA_COOKIE: pin} if pin else None,
        )
        try:
            run = self.session.open()
        except ProtocolError as error:
            self.record["lost"] = True
            self.record["errors"].append([time.time(), "open", str(error)])
            _fire(self.environment, "open", 0.0, error=error)
            raise StopUser() from error
        self.record.update(
            opened_at=time.time(), open_ms=run.elapsed_ms, replica=self.session.replica
        )
        _fire(self.environment, "open", run.elapsed_ms, run.received_bytes)
        self._note_exceptions(run.exceptions)
        _opened += 1
        expected = options.expect_users
        if expected and _opened >= expected and not _go.is_set():
            _went_at.append(time.time())
            _go.set()
            if options.record:  # tells benchmarks/load.py that pressing began
                Path(f"{options.record}.went").write_text(str(_went_at[0]))
            if options.measure_s:
                gevent.spawn_later(options.measure_s, self.environment.runner.quit)
        if expected:
            _go.wait(timeout=OPEN_LIMIT_S)
            # Users do not all press at the same instant: each first thinks.
            gevent.sleep(self.wait_time())

    def on_stop(self) -> None:
        """Close the tab."""
        self.session.close()

    def _note_exceptions(self, exceptions: list[str]) -> None:
        for text in exceptions:
            self.record["errors"].append([time.time(), "exception", text])
            _fire(self.environment, "exception", 0.0, error=ProtocolError(text))

    def _dropped(self, error: SessionLost) -> None:
        """The websocket went: say so, and reconnect as the browser does."""
        self.record["drops"].append([time.time(), self.session.replica, str(error)])
        _fire(self.environment, "drop", 0.0, error=error)
        try:
            run = self.session.reconnect()
        except ProtocolError as failed:
            self.record["lost"] = True
            self.record["errors"].append([time.time(), "reconnect", str(failed)])
            _fire(self.environment, "reconnect", 0.0, error=failed)
            raise StopUser() from failed
        self.record["reconnects"].append(
            [time.time(), self.session.replica, run.elapsed_ms]
        )
        _fire(self.environment, "reconnect", run.elapsed_ms, run.received_bytes)
        self._note_exceptions(run.exceptions)

    @task
    def act(self) -> None:
        """A slider press, or every ``--save-every``-th time a save."""
        options = self.environment.parsed_options
        done = len(self.record["presses"]) + len(self.record["saves"])
        if options.save_every and (done + 1) % options.save_every == 0:
            self._save(f"{options.case_prefix}-{self.number}-{done + 1}")
            return
        try:
            run = self.session.press(options.slider)
        except SessionLost as error:
            self._dropped(error)
            return
        except ProtocolError as error:
            self.record["errors"].append([time.time(), "press", str(error)])
            _fire(self.environment, "slider", 0.0, error=error)
            return
        self.record["presses"].append(
            [run.sent_at, run.elapsed_ms, self.session.replica]
        )
        _fire(self.environment, "slider", run.elapsed_ms, run.received_bytes)
        self._note_exceptions(run.exceptions)

    def _save(self, name: str) -> None:
        entry = {"at": time.time(), "name": name, "outcome": None, "replica": None}
        self.record["saves"].append(entry)
        try:
            outcome, run = self.session.save_case(name)
        except SessionLost as error:
            entry["outcome"] = "dropped"
            self._dropped(error)
            return
        except ProtocolError as error:
            entry["outcome"] = "error"
            self.record["errors"].append([time.time(), "save", str(error)])
            _fire(self.environment, "save", 0.0, error=error)
            return
        entry.update(outcome=outcome, ms=run.elapsed_ms, replica=self.session.replica)
        if outcome == "unanswered":
            entry["alerts"] = run.alerts
            error = ProtocolError(f"save of {name!r}: neither saved nor refused")
            _fire(self.environment, "save", run.elapsed_ms, error=error)
        else:
            _fire(self.environment, "save", run.elapsed_ms, run.received_bytes)
        self._note_exceptions(run.exceptions)
