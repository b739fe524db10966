"""A client that speaks Streamlit's own protocol, as a browser tab does.

No browser: one websocket to ``/_stcore/stream`` (websocket-client) and the
protobufs of ``streamlit.proto``. :class:`Session` does what the dashboard's
JavaScript does for a user:

- it loads the page's HTML (through nginx that sets the replica cookie), asks
  ``/_stcore/health`` and ``/_stcore/host-config``, opens the websocket with
  the cookies, and sends a ``BackMsg`` ``rerun_script`` with the page's name
  and query string;
- it reads every ``ForwardMsg`` of a run: the widgets each delta draws (their
  ids and values, and the fragment they sit in), the page's script hash, the
  query string the app sets, exceptions and alerts, and the hashes of large
  elements, which it sends back as ``cached_message_hashes`` so the server
  may answer with a reference, as it does for a browser;
- a slider move sends ``rerun_script`` with the state of every widget of the
  last run (the moved slider's new value among them) and times it until
  ``script_finished``; saving a case submits the page's form in its fragment;
- when the websocket drops, :meth:`Session.reconnect` does what the browser
  does: it polls ``/_stcore/health``, opens a new websocket (offering the old
  session id) and runs the page again with the widgets it holds.

It runs in threads or under gevent (Locust patches the sockets). Static
assets are not fetched: a returning browser has them cached, and serving them
is not what the load test measures.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

RUN_TIMEOUT_S = 60.0
"""A run with no ``script_finished`` after this long is a time-out."""
RECONNECT_LIMIT_S = 30.0
"""How long :meth:`Session.reconnect` keeps polling the health endpoint."""
SAVED = "Saved case"
"""The start of the alert the dashboard shows after a save."""
REFUSED = "Nothing was saved"
"""The start of the one sentence that refuses a save."""
SAVE_BUTTON = "Save as case"
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "finished",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "finished",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: "interrupted",
}


class ProtocolError(Exception):
    """The server did something a browser would show as a failure."""


class SessionLost(ProtocolError):
    """The websocket could not be opened, or closed under the client."""


class RunTimeout(ProtocolError):
    """No ``script_finished`` within :data:`RUN_TIMEOUT_S`."""


@dataclass
class Run:
    """One script run as the client saw it."""

    status: str
    """``finished``, ``compile error`` or ``interrupted``."""
    elapsed_ms: float
    """From sending ``rerun_script`` to receiving ``script_finished``."""
    sent_at: float
    """``time.time()`` when the rerun was sent."""
    exceptions: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    received_bytes: int = 0


@dataclass
class Slider:
    """A numeric slider of the last run: what a key press needs."""

    id: str
    min: float
    max: float
    step: float
    value: float
    query_param_key: str
    direction: float = 1.0


def js_number(value: float) -> str:
    """``value`` as JavaScript's ``String(number)`` writes it (``21``, ``20.5``)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _widget_state(kind: str, element) -> WidgetState | None:
    """The state a browser holds for a widget just drawn; None for the rest.

    Only the encodings seen in a real browser's messages are reproduced; for
    any other widget the server keeps the value it has, which is the same.
    """
    state = WidgetState(id=element.id)
    if kind == "slider":
        values = element.value if element.set_value else element.default
        state.double_array_value.data.extend(values)
    elif kind == "button_group":
        if element.set_value:
            chosen = list(element.raw_values)
        else:
            chosen = [element.options[i].content for i in element.default]
        state.string_array_value.data.extend(chosen)
    elif kind == "text_input":
        state.string_value = element.value if element.set_value else element.default
    elif kind == "checkbox":
        state.bool_value = element.value if element.set_value else element.default
    else:
        return None
    return state


class Session:
    """One user's session on one page: open, move sliders, save, reconnect."""

    def __init__(
        self,
        base_url: str,
        page: str,
        query: str = "",
        *,
        cookies: Mapping[str, str] | None = None,
        timeout_s: float = RUN_TIMEOUT_S,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page.strip("/")
        self.query = query
        self.cookies: dict[str, str] = dict(cookies or {})
        self.timeout_s = timeout_s
        self.ws: websocket.WebSocket | None = None
        self.session_id = ""
        self.page_script_hash = ""
        self.replica: str | None = None
        """The ``X-Scenarios-Replica`` header of the last websocket handshake."""
        self.widgets: dict[str, WidgetState] = {}
        self.sliders: dict[str, Slider] = {}
        self.keys: dict[str, str] = {}
        """User key (``unit_cost``) -> widget id."""
        self.fragments: dict[str, str] = {}
        """Widget id -> the fragment its delta belongs to."""
        self.submit_buttons: dict[str, str] = {}
        """Label of a form's submit button -> its widget id."""
        self._form_widgets: set[str] = set()
        self._committed: set[str] = set()
        self._cache: dict[str, ForwardMsg] = {}
        self._cache_age: dict[str, int] = {}
        self._max_cache_age = 2

    # --- HTTP, as the page load does -------------------------------------------

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: Iterable[str]) -> None:
        for header in headers:
            pair = header.split(";", 1)[0]
            if "=" in pair:
                name, value = pair.split("=", 1)
                self.cookies[name.strip()] = value.strip()

    def get(self, path: str, timeout_s: float = 10.0) -> int:
        """GET ``path`` with the session's cookies, keeping those it sets."""
        request = urllib.request.Request(f"{self.base_url}{path}")
        if self.cookies:
            request.add_header("Cookie", self._cookie_header())
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as reply:
                reply.read()
                self._keep_cookies(reply.headers.get_all("Set-Cookie") or [])
                return reply.status
        except urllib.error.HTTPError as error:
            self._keep_cookies(error.headers.get_all("Set-Cookie") or [])
            return error.code

    def _page_path(self) -> str:
        return f"/{self.page}" + (f"?{self.query}" if self.query else "")

    # --- the websocket -----------------------------------------------------------

    def _connect(self, existing_session_id: str = "") -> None:
        url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        protocols = ["streamlit", self.cookies.get("_streamlit_xsrf", "")]
        if existing_session_id:
            protocols.append(existing_session_id)
        try:
            self.ws = websocket.create_connection(
                url,
                timeout=self.timeout_s,
                subprotocols=protocols,
                cookie=self._cookie_header() or None,
                enable_multithread=False,
            )
        except (websocket.WebSocketException, OSError) as error:
            raise SessionLost(f"websocket did not open: {error}") from error
        headers = self.ws.getheaders() or {}
        self.replica = headers.get("x-scenarios-replica")
        cookie = headers.get("set-cookie")
        if cookie:
            self._keep_cookies(cookie.split("\n") if "\n" in cookie else [cookie])

    def open(self) -> Run:
        """Load the page and run it once, as a new browser tab does."""
        status = self.get(self._page_path())
        if status != 200:
            raise SessionLost(f"GET {self._page_path()} answered {status}")
        self.get("/_stcore/health")
        self.get("/_stcore/host-config")
        self._connect()
        return self._rerun(self._client_state(first=True))

    def reconnect(self) -> Run:
        """After a drop: wait for a healthy server, reopen, run the page again."""
        self.close()
        deadline = time.monotonic() + RECONNECT_LIMIT_S
        while True:
            try:
                if self.get("/_stcore/health", timeout_s=2) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SessionLost("no healthy server to reconnect to")
            time.sleep(0.5)
        self._connect(existing_session_id=self.session_id)
        return self._rerun(self._client_state())

    def close(self) -> None:
        """Close the websocket (the tab closes)."""
        if self.ws is not None:
            try:
                self.ws.close(timeout=1)
            except (websocket.WebSocketException, OSError):
                pass
            self.ws = None

    # --- runs ----------------------------------------------------------------------

    def _client_state(self, *, first: bool = False, fragment: str = "") -> BackMsg:
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.widget_states.SetInParent()
        if first:
            state.page_name = self.page
        else:
            state.page_script_hash = self.page_script_hash
            for widget_id, widget in self.widgets.items():
                if widget_id not in self._form_widgets or widget_id in self._committed:
                    state.widget_states.widgets.append(widget)
            state.cached_message_hashes.extend(self._cache)
        if fragment:
            state.fragment_id = fragment
        state.context_info.CopyFrom(
            ContextInfo(
                timezone="UTC",
                timezone_offset=0,
                locale="en-US",
                url=f"{self.base_url}/{self.page}",
                is_embedded=False,
                color_scheme="light",
            )
        )
        return back

    def _rerun(self, back: BackMsg) -> Run:
        if self.ws is None:
            raise SessionLost("no websocket")
        payload = back.SerializeToString()
        sent_at = time.time()
        start = time.perf_counter()
        try:
            self.ws.send_binary(payload)
        except (websocket.WebSocketException, OSError) as error:
            raise SessionLost(f"send failed: {error}") from error
        run = Run(status="", elapsed_ms=0.0, sent_at=sent_at)
        seen: set[str] = set()
        for key in self._cache_age:
            self._cache_age[key] += 1
        deadline = time.monotonic() + self.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RunTimeout(f"no script_finished within {self.timeout_s:g} s")
            try:
                self.ws.settimeout(remaining)
                data = self.ws.recv()
            except websocket.WebSocketTimeoutException as error:
                raise RunTimeout(
                    f"no script_finished within {self.timeout_s:g} s"
                ) from error
            except (websocket.WebSocketException, OSError) as error:
                raise SessionLost(f"websocket closed: {error}") from error
            if not isinstance(data, bytes) or not data:
                raise SessionLost("websocket closed by the server")
            run.received_bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "script_finished":
                run.elapsed_ms = 1000 * (time.perf_counter() - start)
                run.status = FINISHED.get(msg.script_finished, "unknown")
                if run.status == "finished" and not back.rerun_script.fragment_id:
                    self._forget_stale(seen)
                self._expire_cache()
                return run
            self._read(msg, kind, run, seen)

    def _read(
        self, msg: ForwardMsg, kind: str | None, run: Run, seen: set[str]
    ) -> None:
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError(f"reference to an unknown message {msg.ref_hash}")
            self._cache_age[msg.ref_hash] = 0
            msg, kind = cached, cached.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
            self._cache_age[msg.hash] = 0
        if kind == "new_session":
            initialize = msg.new_session.initialize
            if initialize.session_id:
                self.session_id = initialize.session_id
            age = msg.new_session.config.max_cached_message_age
            if age:
                self._max_cache_age = age
        elif kind == "navigation":
            # The page that ran (new_session names the main script's).
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            if etype == "exception":
                run.exceptions.append(
                    f"{element.exception.type}: {element.exception.message}"
                )
            elif etype == "alert":
                run.alerts.append(element.alert.body)
            else:
                self._note_widget(etype, getattr(element, etype), msg, seen)

    def _note_widget(
        self, etype: str, element: object, msg: ForwardMsg, seen: set[str]
    ) -> None:
        widget_id = getattr(element, "id", "")
        if not widget_id or not widget_id.startswith("$$ID-"):
            return
        seen.add(widget_id)
        self.fragments[widget_id] = msg.delta.fragment_id
        key = widget_id.rsplit("-", 1)[-1]
        if key != "None":
            self.keys[key] = widget_id
        if etype == "button" and element.is_form_submitter:
            self.submit_buttons[element.label] = widget_id
        if getattr(element, "form_id", ""):
            self._form_widgets.add(widget_id)
        if widget_id in self.widgets and not getattr(element, "set_value", False):
            return  # the browser keeps its value unless the app sets one
        state = _widget_state(etype, element)
        if state is None:
            return
        self.widgets[widget_id] = state
        if etype == "slider" and len(state.double_array_value.data) == 1:
            old = self.sliders.get(key)
            self.sliders[key] = Slider(
                id=widget_id,
                min=element.min,
                max=element.max,
                step=element.step,
                value=state.double_array_value.data[0],
                query_param_key=element.query_param_key,
                direction=old.direction if old else 1.0,
            )

    def _forget_stale(self, seen: set[str]) -> None:
        for widget_id in set(self.widgets) - seen:
            del self.widgets[widget_id]
        self._committed &= seen

    def _expire_cache(self) -> None:
        for key, age in list(self._cache_age.items()):
            if age > self._max_cache_age:
                del self._cache_age[key]
                self._cache.pop(key, None)

    def _set_query_param(self, key: str, value: str) -> None:
        params = urllib.parse.parse_qsl(self.query, keep_blank_values=True)
        params = [(k, v) for k, v in params if k != key] + [(key, value)]
        self.query = urllib.parse.urlencode(params)

    # --- what a user does --------------------------------------------------------

    def press(self, key: str) -> Run:
        """One arrow-key press on slider ``key``: a step up, back down at the end."""
        slider = self.sliders.get(key)
        if slider is None:
            raise ProtocolError(f"no slider {key!r} on the page")
        value = slider.value + slider.direction * slider.step
        if not slider.min <= value <= slider.max:
            slider.direction = -slider.direction
            value = slider.value + slider.direction * slider.step
        value = round(value, 10)
        slider.value = value
        state = self.widgets[slider.id]
        del state.double_array_value.data[:]
        state.double_array_value.data.append(value)
        if slider.query_param_key:
            self._set_query_param(slider.query_param_key, js_number(value))
        return self._rerun(self._client_state())

    def save_case(self, name: str) -> tuple[str, Run]:
        """Type ``name`` into the save form and submit it.

        Returns ``saved``, ``refused`` (the one sentence that nothing was
        saved) or ``unanswered`` (neither), with the run.
        """
        box = self.keys.get("whatif_case_name")
        button = self.submit_buttons.get(SAVE_BUTTON)
        if box is None or button is None:
            raise ProtocolError(
                "no save form on the page (open it on view=Saved+cases)"
            )
        self.widgets[box].string_value = name
        self._committed |= {w for w in self._form_widgets if w in self.widgets}
        back = self._client_state(fragment=self.fragments.get(button, ""))
        back.rerun_script.widget_states.widgets.append(
            WidgetState(id=button, trigger_value=True)
        )
        run = self._rerun(back)
        # Alerts are Markdown: the app escapes the name's punctuation.
        plain = [alert.replace("\\", "") for alert in run.alerts]
        if any(a.startswith(f"{SAVED} “{name}”") for a in plain):
            return "saved", run
        if any(a.startswith(REFUSED) for a in plain):
            return "refused", run
        return "unanswered", run
