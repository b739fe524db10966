"""One session each, Chromium and the protocol client, on one idle server.

The check that :mod:`benchmarks.protocol` loads the server as a browser does.
A Chromium tab and a protocol :class:`~benchmarks.protocol.Session` are open
on the same page of the same replica; they press the same slider in turns,
in blocks (browser, protocol, browser, protocol) so a slower spell of the
machine hits both. The server runs on a core of its own meanwhile, so the
check compares the work each client gives it, not how much of the machine
Chromium takes (:func:`measure` can also share the cores, to show that
cost). Both reach the replica through :class:`Relay`, a small
TCP relay beside it that reads the websocket frames going through: the
server's part of a press is the time from the ``rerun_script`` frame
reaching the relay to the ``script_finished`` frame leaving the server, the
same point for both clients. The relay runs in a process of its own and
reads the server's socket in a thread apart from the one that writes to the
client, so neither Playwright's event handling nor a browser that is slow to
read (it draws meanwhile) delays what it times. Also per press:

- the browser: slider key press to the settled page (end to end), and the
  time Chromium's network stack saw between the two frames (DevTools
  timestamps), which includes Chromium's own delays in reading the socket
  while it draws;
- the protocol client: its own ``rerun_script`` sent to ``script_finished``
  received;
- for both: the server's CPU time per press (utime + stime from
  ``/proc/PID/stat`` over the block, less the idle rate measured with both
  sessions open): the work each client's presses cost the server.
"""

from __future__ import annotations

import base64
import os
import queue
import socket
import statistics
import struct
import threading
import time
from pathlib import Path

from benchmarks.browser_load import SETTLED, SLIDER, WATCHED
from benchmarks.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS
from benchmarks.protocol import Session

PAUSE_S = 0.4
"""Between two presses: the previous run's last messages are in."""
IDLE_S = 3.0
"""How long the idle CPU rate is measured, both sessions open."""


class Relay:
    """A TCP relay to ``127.0.0.1:port`` that times Streamlit's runs in passing.

    Bytes go through unchanged as soon as they arrive, except that a
    websocket handshake loses its ``Sec-WebSocket-Extensions`` header, so
    frames are not compressed and can be read. Per websocket, in order of
    opening, :meth:`runs_ms` lists each ``rerun_script`` to ``script_finished``.
    """

    def __init__(self, port: int, cpus: set[int] | None = None) -> None:
        self.upstream = port
        self.cpus = cpus
        """The cores the relay's threads run on: the server's, if it has its own."""
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._sockets: list[dict] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        """The relay's address, for the clients."""
        return f"http://127.0.0.1:{self.port}"

    def runs_ms(self, index: int) -> list[float]:
        """Milliseconds of each completed run on websocket ``index``."""
        with self._lock:
            return list(self._sockets[index]["runs"])

    def all_runs_ms(self) -> list[list[float]]:
        """:meth:`runs_ms` of every websocket so far."""
        with self._lock:
            return [list(state["runs"]) for state in self._sockets]

    def close(self) -> None:
        """Stop accepting connections."""
        self._closed = True
        self._listener.close()

    def _on_its_cores(self) -> None:
        if self.cpus:
            os.sched_setaffinity(0, self.cpus)  # this thread only

    def _accept(self) -> None:
        self._on_its_cores()
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._on_its_cores()
        server = socket.create_connection(("127.0.0.1", self.upstream))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(65536)
            if not chunk:
                client.close()
                server.close()
                return
            head += chunk
        head, rest = head.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        upgrade = any(line.lower() == b"upgrade: websocket" for line in lines)
        if upgrade:
            lines = [
                line
                for line in lines
                if not line.lower().startswith(b"sec-websocket-extensions:")
            ]
        server.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + rest)
        if not upgrade:
            threading.Thread(
                target=self._pipe, args=(server, client, None), daemon=True
            ).start()
            self._pipe(client, server, None)
            return
        state = {"sent": None, "runs": []}
        with self._lock:
            self._sockets.append(state)

        def to_server(payload: bytes, at: float) -> None:
            msg = BackMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "rerun_script":
                state["sent"] = at

        def to_client(payload: bytes, at: float) -> None:
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "script_finished" and state["sent"]:
                with self._lock:
                    state["runs"].append(1000 * (at - state["sent"]))
                state["sent"] = None

        frames = _Frames(to_server)
        if rest:
            frames.feed(rest, time.perf_counter())
        threading.Thread(
            target=self._pipe,
            args=(server, client, _Frames(to_client, skip_head=True)),
            daemon=True,
        ).start()
        self._pipe(client, server, frames)

    def _pipe(self, source: socket.socket, sink: socket.socket, frames) -> None:
        """Copy ``source`` to ``sink``, timing frames as they are read.

        Reading and writing are separate threads, so a slow reader on the far
        side (a busy browser) never holds up reading from the server.
        """
        self._on_its_cores()
        chunks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        threading.Thread(target=self._write, args=(chunks, sink), daemon=True).start()
        try:
            while True:
                chunk = source.recv(65536)
                at = time.perf_counter()
                if not chunk:
                    break
                chunks.put(chunk)
                if frames is not None:
                    frames.feed(chunk, at)
        except OSError:
            pass
        finally:
            chunks.put(None)

    def _write(self, chunks: queue.SimpleQueue, sink: socket.socket) -> None:
        self._on_its_cores()
        try:
            while (chunk := chunks.get()) is not None:
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Frames:
    """Websocket frames from a byte stream; ``on_binary(payload, time)`` each."""

    def __init__(self, on_binary, skip_head: bool = False) -> None:
        self.on_binary = on_binary
        self.buffer = b""
        self.skip_head = skip_head
        """The server's side starts with the HTTP 101 answer."""
        self.parts: list[bytes] = []

    def feed(self, data: bytes, at: float) -> None:
        self.buffer += data
        if self.skip_head:
            if b"\r\n\r\n" not in self.buffer:
                return
            self.buffer = self.buffer.split(b"\r\n\r\n", 1)[1]
            self.skip_head = False
        while True:
            frame = self._next()
            if frame is None:
                return
            fin, opcode, payload = frame
            if opcode in (0, 2):
                self.parts.append(payload)
                if fin:
                    whole, self.parts = b"".join(self.parts), []
                    self.on_binary(whole, at)

    def _next(self):
        buf = self.buffer
        if len(buf) < 2:
            return None
        fin, opcode = buf[0] & 0x80, buf[0] & 0x0F
        masked, length = buf[1] & 0x80, buf[1] & 0x7F
        offset = 2
        if length == 126:
            if len(buf) < 4:
                return None
            (length,) = struct.unpack("!H", buf[2:4])
            offset = 4
        elif length == 127:
            if len(buf) < 10:
                return None
            (length,) = struct.unpack("!Q", buf[2:10])
            offset = 10
        mask = b""
        if masked:
            mask = buf[offset : offset + 4]
            offset += 4
        if len(buf) < offset + length:
            return None
        payload = buf[offset : offset + length]
        if masked:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.buffer = buf[offset + length :]
        return bool(fin), opcode, payload


def _relay_process(port: int, cpus: set[int] | None, pipe) -> None:
    """In a process of its own: run a :class:`Relay`, answer ``runs`` requests."""
    relay = Relay(port, cpus)
    pipe.send(relay.port)
    while True:
        request = pipe.recv()
        if request == "stop":
            relay.close()
            return
        pipe.send(relay.all_runs_ms())


class RelayProcess:
    """A :class:`Relay` in a process of its own, so that nothing this process
    does (Playwright's event handling holds its GIL) delays its timestamps."""

    def __init__(self, port: int, cpus: set[int] | None = None) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._pipe, theirs = context.Pipe()
        self._process = context.Process(
            target=_relay_process, args=(port, cpus, theirs), daemon=True
        )
        self._process.start()
        self.port = self._pipe.recv()

    @property
    def url(self) -> str:
        """The relay's address, for the clients."""
        return f"http://127.0.0.1:{self.port}"

    def runs_ms(self, index: int) -> list[float]:
        """Milliseconds of each completed run on websocket ``index``."""
        self._pipe.send("runs")
        return self._pipe.recv()[index]

    def close(self) -> None:
        """Stop the relay's process."""
        if self._process.is_alive():
            self._pipe.send("stop")
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) process ``pid`` has used, in milliseconds.

    It counts the threads that have already ended, such as the script threads
    of earlier reruns (per-thread counters would lose them).
    """
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return 1000 * ticks / os.sysconf("SC_CLK_TCK")


class _Wire:
    """rerun_script sent -> script_finished received, from DevTools events."""

    def __init__(self, page) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._back, self._forward = BackMsg, ForwardMsg
        self.sent: list[float] = []
        self.finished: list[float] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameSent", self._on_sent)
        cdp.on("Network.webSocketFrameReceived", self._on_received)

    def _decode(self, event, kind):
        response = event["response"]
        if response.get("opcode") != 2:
            return None
        msg = kind()
        msg.ParseFromString(base64.b64decode(response["payloadData"]))
        return msg

    def _on_sent(self, event) -> None:
        msg = self._decode(event, self._back)
        if msg is not None and msg.WhichOneof("type") == "rerun_script":
            self.sent.append(event["timestamp"])

    def _on_received(self, event) -> None:
        msg = self._decode(event, self._forward)
        if msg is not None and msg.WhichOneof("type") == "script_finished":
            self.finished.append(event["timestamp"])

    def clear(self) -> None:
        self.sent.clear()
        self.finished.clear()

    def last_ms(self) -> float | None:
        if not self.sent or not self.finished or self.finished[-1] < self.sent[0]:
            return None
        return 1000 * (self.finished[-1] - self.sent[0])


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def pin_threads(pid: int, cpus: set[int]) -> None:
    """Restrict every thread of process ``pid`` (and those it starts) to ``cpus``."""
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(task), cpus)
        except OSError:
            pass  # a thread that just ended


def measure(url: str, pid: int, presses: int, *, apart: bool = True) -> dict:
    """``presses`` presses each (in two blocks each) on the server at ``url``.

    ``apart``: the server's threads (and the relay's, which time the runs
    where they meet the server) on the first core, this process and Chromium
    (started from it) on the others, so neither client's own work slows the
    server or its timing; without it, everything shares every core.
    """
    everything = os.sched_getaffinity(0)
    apart = apart and len(everything) >= 2
    if apart:
        first = min(everything)
        pin_threads(pid, {first})
        os.sched_setaffinity(0, everything - {first})
    try:
        result = _measure(url, pid, presses, {first} if apart else None)
    finally:
        if apart:
            os.sched_setaffinity(0, everything)
            pin_threads(pid, everything)
    result["server_on_its_own_core"] = apart
    return result


def _measure(url: str, pid: int, presses: int, server_cpus: set[int] | None) -> dict:
    from urllib.parse import urlsplit

    from playwright.sync_api import sync_playwright

    relay = RelayProcess(urlsplit(url).port, server_cpus)
    out: dict = {"presses_each": presses}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            wire = _Wire(page)
            page.goto(f"{relay.url}/headphone_pricing", timeout=120_000)
            page.wait_for_selector(SLIDER, state="attached", timeout=120_000)
            page.wait_for_selector(APP_IDLE, timeout=120_000)
            thumb = page.locator(SLIDER).first
            client = Session(relay.url, "headphone_pricing")
            client.open()  # the relay's second websocket
            # Warm-up: the first presses of each compile and fill caches.
            for _ in range(3):
                _browser_press(page, thumb, wire)
                client.press("unit_cost")
                time.sleep(PAUSE_S)
            warm = (len(relay.runs_ms(0)), len(relay.runs_ms(1)))
            start = cpu_ms(pid)
            time.sleep(IDLE_S)
            idle_rate = (cpu_ms(pid) - start) / IDLE_S
            e2e: list[float] = []
            on_wire: list[float] = []
            protocol: list[float] = []
            cpu = {"browser": [0.0, 0.0, 0], "protocol": [0.0, 0.0, 0]}
            for block in range(2):
                count = presses // 2 if block == 0 else presses - presses // 2
                t0, c0 = time.perf_counter(), cpu_ms(pid)
                for _ in range(count):
                    settled, wire_ms = _browser_press(page, thumb, wire)
                    e2e.append(settled)
                    if wire_ms is not None:
                        on_wire.append(wire_ms)
                _add(cpu["browser"], cpu_ms(pid) - c0, time.perf_counter() - t0, count)
                t0, c0 = time.perf_counter(), cpu_ms(pid)
                for _ in range(count):
                    protocol.append(client.press("unit_cost").elapsed_ms)
                    time.sleep(PAUSE_S)
                _add(cpu["protocol"], cpu_ms(pid) - c0, time.perf_counter() - t0, count)
            client.close()
            at_server = {
                "browser": relay.runs_ms(0)[warm[0] :],
                "protocol": relay.runs_ms(1)[warm[1] :],
            }
        finally:
            browser.close()
            relay.close()
    per_press = {
        who: max(0.0, (spent - idle_rate * seconds) / count) if count else None
        for who, (spent, seconds, count) in cpu.items()
    }
    server_part = _median(at_server["browser"])
    protocol_median = _median(protocol)
    out.update(
        browser_slider_to_settled_ms=e2e,
        browser_wire_ms=on_wire,
        protocol_ms=protocol,
        at_server_ms=at_server,
        browser_slider_to_settled_median_ms=_median(e2e),
        browser_wire_median_ms=_median(on_wire),
        protocol_median_ms=protocol_median,
        protocol_at_server_median_ms=_median(at_server["protocol"]),
        browser_server_part_ms=server_part,
        server_cpu_per_press_ms=per_press,
        server_idle_cpu_ms_per_s=idle_rate,
        protocol_over_browser_server_part=(
            protocol_median / server_part if protocol_median and server_part else None
        ),
    )
    return out


def _add(total: list, spent: float, seconds: float, count: int) -> None:
    total[0] += spent
    total[1] += seconds
    total[2] += count


def _browser_press(page, thumb, wire: _Wire) -> tuple[float, float | None]:
    """One ArrowRight (ArrowLeft at the top): ms to settled, and on the wire."""
    before = page.evaluate(WATCHED)
    key = "ArrowLeft" if thumb.evaluate("e => +e.value >= +e.max") else "ArrowRight"
    thumb.focus()
    wire.clear()
    start = time.perf_counter()
    page.keyboard.press(key)
    page.wait_for_function(SETTLED, arg=[before], timeout=60_000)
    settled = 1000 * (time.perf_counter() - start)
    page.wait_for_timeout(1000 * PAUSE_S)
    return settled, wire.last_ms()
