"""Faults under load, through nginx: a replica killed, the database stopped.

Protocol users (``benchmarks/protocol.py``, one thread each) work on a
scenario page's save form: they move a slider and save a case every third
action. The test moves from one phase to the next when every user has done
enough in the current one (counts, never durations), so it is reliable on a
busy machine. The database fault uses a private, throwaway PostgreSQL
cluster (``tests/databases.py``), never the shared one.
"""

from __future__ import annotations

import threading
import time

import pytest

from benchmarks.protocol import ProtocolError, Session, SessionLost
from deploy.team import REPLICA_COOKIE, Team
from scenarios.store.cases import CaseStore, StorageError
from tests import databases
from tests.deploy.conftest import team_env

PAGE, QUERY = "headphone_pricing", "view=Saved+cases"
SAVE_EVERY = 3
PER_PHASE = 4
"""Actions every user does in each phase before the test moves on."""
PHASES = ("before", "down", "after")
"""The database test's phases; an action across two of them counts in none."""
HANG_GUARD_S = 180.0
"""A phase that never completes fails the test instead of hanging it."""


class User(threading.Thread):
    """One protocol user pinned to a replica, acting until told to stop."""

    def __init__(self, url: str, number: int, pin: str, phase: list[str]) -> None:
        super().__init__(daemon=True)
        self.number, self.pin, self.phase = number, pin, phase
        self.session = Session(url, PAGE, QUERY, cookies={REPLICA_COOKIE: pin})
        self.actions: list[tuple[str, str, str, str | None]] = []
        """(phase, press or save, outcome, replica) for each action."""
        self.saves: list[tuple[str, str, str, list[str]]] = []
        """(phase, name, outcome, alerts) for each save."""
        self.errors: list[str] = []
        self.drops: list[str] = []
        self.reconnects: list[str | None] = []
        self.stop = threading.Event()

    def done_in(self, phase: str) -> int:
        return sum(1 for a in self.actions if a[0] == phase)

    def run(self) -> None:
        try:
            run = self.session.open()
            self.errors += run.exceptions
            count = 0
            while not self.stop.is_set():
                count += 1
                phase = self.phase[0]  # the phase the action starts in
                try:
                    if count % SAVE_EVERY == 0:
                        name = f"fault-{self.number}-{count}"
                        outcome, run = self.session.save_case(name)
                        kind = "save"
                    else:
                        run, kind, outcome = (
                            self.session.press("unit_cost"),
                            "press",
                            "ok",
                        )
                except SessionLost as lost:
                    self.drops.append(str(lost))
                    self.reconnects.append(None)
                    self.errors += self.session.reconnect().exceptions
                    self.reconnects[-1] = self.session.replica
                    continue
                self.errors += run.exceptions
                if self.phase[0] != phase:
                    phase = "between"  # it straddled a change of phase
                if kind == "save":
                    self.saves.append((phase, name, outcome, run.alerts))
                self.actions.append((phase, kind, outcome, self.session.replica))
                time.sleep(0.05)
        except ProtocolError as error:
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            self.session.close()


def _until(users: list[User], phase: str, count: int = PER_PHASE) -> None:
    """Wait until every user has done ``count`` actions in ``phase``."""
    deadline = time.monotonic() + HANG_GUARD_S
    while any(u.done_in(phase) < count for u in users):
        stuck = [u for u in users if not u.is_alive()]
        assert not stuck, [u.errors for u in stuck]
        if time.monotonic() > deadline:
            pytest.fail(f"phase {phase!r} never completed: {[u.errors for u in users]}")
        time.sleep(0.05)


def _stop(users: list[User]) -> None:
    for user in users:
        user.stop.set()
    for user in users:
        user.join(timeout=HANG_GUARD_S)


RECOVERY_S = 1.0
"""Settling time after the restarted server first answers: a save in flight
on a replica may still be on a connection from before the stop."""


def _reachable(url, within: float = HANG_GUARD_S) -> None:
    """Wait until the restarted server answers a read."""
    deadline = time.monotonic() + within
    while True:
        try:
            _stored(url)
            return
        except StorageError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _stored(url) -> set[str]:
    store = CaseStore(url)
    try:
        return {c.name for c in store.list()}
    finally:
        store.close()


def test_killing_a_replica_moves_its_users_to_the_other_and_loses_no_case(team):
    team, url = team
    phase = ["before"]
    users = [User(team.url, n, str(n % 2 + 1), phase) for n in range(6)]
    for user in users:
        user.start()
    try:
        _until(users, "before")
        team.kill(2)
        phase[0] = "after"
        _until(users, "after")
    finally:
        _stop(users)

    survivors = [u for u in users if u.pin == "1"]
    moved = [u for u in users if u.pin == "2"]
    for user in survivors:  # the users of the other replica see nothing at all
        assert (user.errors, user.drops) == ([], [])
        assert {a[3] for a in user.actions} == {"1"}
    for user in moved:  # the killed replica's users reconnect and carry on
        assert user.errors == []
        assert user.drops and user.reconnects == ["1"] * len(user.drops)
        after = [a for a in user.actions if a[0] == "after"]
        assert len(after) >= PER_PHASE and {a[3] for a in after} == {"1"}
    saves = [s for u in users for s in u.saves]
    confirmed = {name for _, name, outcome, _ in saves if outcome == "saved"}
    assert {outcome for _, _, outcome, _ in saves} <= {"saved"}
    assert confirmed and confirmed <= _stored(url)  # not one saved case lost


def test_the_database_stopping_under_load_refuses_saves_and_pages_keep_serving(
    nginx, tmp_path
):
    with (
        databases.private_server() as server,
        Team(
            2,
            database_url=server.url.render_as_string(hide_password=False),
            run_dir=tmp_path / "team",
            env=team_env(),
        ) as team,
    ):
        phase = ["before"]
        users = [User(team.url, n, str(n % 2 + 1), phase) for n in range(4)]
        for user in users:
            user.start()
        try:
            _until(users, "before")
            phase[0] = "between"  # stopping: an action now counts in no phase
            server.stop()
            phase[0] = "down"
            _until(users, "down")
            phase[0] = "between"  # restarting: saves now count in no phase
            server.start()
            _reachable(server.url)
            time.sleep(RECOVERY_S)
            phase[0] = "after"
            _until(users, "after")
        finally:
            _stop(users)
        stored = _stored(server.url)

    sentence = (
        f"Nothing was saved, because the database at 127.0.0.1:{server.port}/"
        "postgres cannot be reached; try again in a moment."
    )
    for user in users:
        assert (user.errors, user.drops) == ([], [])  # the pages kept serving
        assert all(a[2] == "ok" for a in user.actions if a[1] == "press")
    saves = [s for u in users for s in u.saves]
    by_phase = {p: [(n, o, a) for ph, n, o, a in saves if ph == p] for p in PHASES}
    assert by_phase["down"], "no save was tried while the database was down"
    for name, outcome, alerts in by_phase["down"]:
        assert outcome == "refused", (name, alerts)
        assert sentence in [a.replace("\\", "") for a in alerts]
        assert name not in stored  # refused, and indeed not stored
    before, after = by_phase["before"], by_phase["after"]
    assert before and all(o == "saved" for _, o, _ in before)
    # Saving works again after: each user's last save there is stored. One made
    # as the replicas' pools reconnect may still be refused, never silently.
    assert after
    for user in users:
        mine = [(n, o, a) for ph, n, o, a in user.saves if ph == "after"]
        assert mine and mine[-1][1] == "saved", mine
    for name, outcome, alerts in after:
        if outcome == "saved":
            assert name in stored
        else:
            assert sentence in [a.replace("\\", "") for a in alerts]
