"""A worker process started by ``multiprocessing``'s spawn, with a wall clock.

Where ``os.fork`` and ``resource`` are missing (Windows), a job cannot run in
a forked child with a processor-time limit. This worker is the fallback: one
spawned process that keeps SymPy loaded and does one job at a time. The
parent waits a wall-clock limit for each reply and kills the process past it;
the next job starts a fresh one. The process's own loop (``serve``) is given
by the caller, so this module knows nothing about the jobs it runs.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from scenarios.errors import ScenarioError

START_SECONDS = 120.0
"""Wall time a new worker may take to start (import SymPy, warm up) [s]:
generous, since a cold start on a slow disk takes a good part of a minute."""

READY = "ready"
"""What ``serve`` sends once, when it is warm and waiting for jobs."""


class WorkerTimeout(ScenarioError):
    """A job ran past its wall-clock limit; the worker was killed."""


class WorkerUnavailable(ScenarioError):
    """The worker could not be started, or died without replying."""


class SpawnWorker:
    """One spawned process running ``serve(connection)``; one job at a time.

    ``serve`` must be a module-level function (spawn imports it by name in
    the new process); it sends :data:`READY`, then answers each object it
    receives with one object.
    """

    def __init__(self, serve: Callable[[Connection], None]) -> None:
        self._serve = serve
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Connection | None = None

    def _start(self) -> Connection:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=self._serve, args=(child,), daemon=True)
        process.start()
        child.close()
        self._process, self._connection = process, parent
        try:
            ready = parent.poll(START_SECONDS) and parent.recv() == READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._stop()
            raise WorkerUnavailable("The worker process did not start.")
        return parent

    def _stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._process = None

    def stop(self) -> None:
        """End the worker process, if one is running."""
        with self._lock:
            self._stop()

    def request(self, message: object, wall_seconds: float) -> object:
        """The worker's reply to ``message``, waiting at most ``wall_seconds``.

        WorkerTimeout past the limit (the process is killed);
        WorkerUnavailable if it cannot be started or dies.
        """
        with self._lock:
            alive = self._process is not None and self._process.is_alive()
            connection = self._connection if alive else None
            if connection is None:
                self._stop()
                connection = self._start()
            try:
                connection.send(message)
                if not connection.poll(wall_seconds):
                    self._stop()
                    raise WorkerTimeout(f"No reply within {wall_seconds:g} s.")
                return connection.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._stop()
                raise WorkerUnavailable("The worker process died.") from None
