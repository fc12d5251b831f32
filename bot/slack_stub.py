"""A local stand-in for the Slack Web API, for `pulse console` (in-process) and tests (over HTTP).

Point a WebClient at `SlackStub().api_url` (what SLACK_API_URL is set to). The stub answers the
methods Pulse uses like Slack does, records every call for inspection, and can inject failures per
route (a Web API method, or RESPONSE_URL for response_url posts): rate limits with Retry-After, server
errors before or after the call took effect, `ok: false` errors, slow answers, dropped connections,
a seeded share of flaky calls, and an outage of everything until it is ended. Channel canvases keep their
current markdown per canvas id (`canvas`, `channel_canvas`, `delete_canvas`); `canvas_refusal` makes every canvas
method answer as Slack does for a workspace whose plan lacks canvases.
Tokens are checked for presence, kept out of recorded headers and never logged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast, overload
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.logsafe import redact

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
TEAM_ID = "T0PULSE01"
TEAM_NAME = "Pulse Stub"
TEAM_URL = "https://pulse-stub.slack.com/"
BOT_USER_ID = "U0PULSEBOT"
BOT_ID = "B0PULSEBOT"
FIRST_TS_MICROS = 1_700_000_000_000_100
TS_STEP_MICROS = 100
# Fields Slack accepts JSON-encoded inside a form body (slack_sdk encodes dicts and lists this way).
JSON_FORM_FIELDS = frozenset(
    {
        "attachments",
        "blocks",
        "metadata",
        "unfurls",
        "user_auth_blocks",
        "view",
        "user_auth_message",
        "files",
        "changes",
        "criteria",
        "document_content",
    }
)
ERROR_FOR_STATUS = {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}
RESPONSE_URL = "response_url"  # the route name of posts to response_url(...) for `fail` and `flaky`
DROPPED = 0  # the status recorded for a call whose connection was closed without an answer
CANVAS_METHODS = frozenset({"conversations.canvases.create", "canvases.edit", "canvases.sections.lookup"})
HEADER = re.compile(r"^(#{1,3}) ")

Payload = dict[str, Any]
Responder = Mapping[str, Any] | Callable[[Payload], Mapping[str, Any]]


@dataclass(frozen=True)
class Call:
    """One Web API call the stub received, and what it answered."""

    method: str
    payload: Payload
    headers: dict[str, str]  # lower-cased names; Authorization value redacted
    time: float  # time.time() when the call arrived
    status: int
    response: Payload
    token: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """Whether Slack would count this as a success (HTTP 200 and `"ok": true`)."""
        return self.status == 200 and self.response.get("ok") is True


@dataclass(frozen=True)
class ResponsePost:
    """One post to a `response_url` the stub handed out."""

    name: str
    payload: Payload
    headers: dict[str, str]
    time: float


@dataclass(frozen=True)
class SharedFile:
    """A file uploaded with files.getUploadURLExternal, its upload URL and files.completeUploadExternal."""

    id: str
    filename: str
    title: str
    content: bytes = field(repr=False)
    channel: str | None  # where completeUploadExternal shared it (None: not shared)
    thread_ts: str | None


Event = Call | ResponsePost


@dataclass
class _Canvas:
    channel: str
    markdown: str
    deleted: bool = False


@dataclass
class _Fault:
    status: int | None  # None: the normal answer (only slowed down or dropped)
    error: str
    retry_after: int | None
    remaining: int | None  # None: until cleared
    accept: bool = False  # the call takes effect (recorded, posted) before the failure answer
    delay: float = 0.0  # seconds before answering
    drop: bool = False  # close the connection instead of answering


@dataclass
class _Flaky:
    share: float
    status: int
    error: str
    retry_after: int | None
    rng: random.Random


@dataclass(frozen=True)
class _Failure:
    status: int | None
    body: Payload
    headers: dict[str, str]
    accept: bool = False
    delay: float = 0.0
    drop: bool = False


def _redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): (REDACTED if k.lower() == "authorization" else v) for k, v in headers.items()}


def _bearer_token(headers: Mapping[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _parse_body(raw: bytes, content_type: str) -> Payload:
    """Parse a JSON or form body; JSON-encoded form fields such as `blocks` are decoded."""
    if not raw:
        return {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        parsed = json.loads(raw.decode("utf-8"))
        if not isinstance(parsed, dict):
            raise ValueError("the JSON body is not an object")
        return cast(Payload, parsed)
    if kind in ("application/x-www-form-urlencoded", ""):
        return _decode_form_fields(dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True)))
    raise ValueError(f"unsupported content type {kind!r}")


def _decode_form_fields(fields: Mapping[str, str]) -> Payload:
    payload: Payload = dict(fields)
    for name in JSON_FORM_FIELDS & payload.keys():
        with contextlib.suppress(ValueError):  # else left as sent, as Slack would answer invalid_blocks & co.
            payload[name] = json.loads(payload[name])
    return payload


def _ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _tz_offset(tz_name: str) -> int:
    try:
        offset = dt.datetime.now(ZoneInfo(tz_name)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset else 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 makes bursts of concurrent clients wait for SYN retransmits

    def __init__(self, stub: SlackStub, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.stub = stub


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def do_POST(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        headers = dict(self.headers.items())
        content_type = self.headers.get("Content-Type", "")
        stub = self.server.stub
        if parts.path.startswith("/api/") and len(parts.path) > len("/api/"):
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            status, body, extra = stub._handle_api(parts.path[len("/api/") :], raw, content_type, headers, query)
            if status == DROPPED:
                self.close_connection = True
                return
            self._send(status, json.dumps(body).encode("utf-8"), "application/json; charset=utf-8", extra)
        elif parts.path.startswith("/upload/") and self.command == "POST":
            status, text = stub._handle_upload(unquote(parts.path[len("/upload/") :]), raw)
            self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8", {})
        elif parts.path.startswith("/response/") and self.command == "POST":
            status, text = stub._handle_response_post(
                unquote(parts.path[len("/response/") :]), raw, content_type, headers
            )
            if status == DROPPED:
                self.close_connection = True
                return
            self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8", {})
        else:
            self._send(404, b"not_found", "text/plain; charset=utf-8", {})

    def _send(self, status: int, body: bytes, content_type: str, extra: Mapping[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug("slack stub: %s %s -> %s", self.command, urlsplit(self.path).path, code)  # no query, no headers

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("slack stub: %s", redact(format % args))


class SlackStub:
    """A Slack Web API stub on 127.0.0.1 that records calls and can inject failures (thread-safe)."""

    def __init__(self, *, autostart: bool = True, clock_ts: bool = False) -> None:
        """Create the stub; it starts serving right away unless `autostart` is False.

        Message `ts` values count up from 1700000000.000100 by default; with `clock_ts` they follow
        `time.time()` (still unique and increasing), as Slack's do, so `oldest`/`latest` filters of
        `conversations.history` compare them with real (or time-travelled) instants.
        """
        self.users: dict[str, dict[str, Any]] = {}
        """User directory for `users.info`: `stub.users["U1"] = {"tz": "Europe/Paris", "real_name": "Ada"}`."""
        self.team_id = TEAM_ID
        self.bot_user_id = BOT_USER_ID
        self.bot_id = BOT_ID
        self._cond = threading.Condition(threading.RLock())  # re-entrant: predicates may inspect the stub
        self._calls: list[Call] = []
        self._posts: list[ResponsePost] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._outage: _Fault | None = None
        self._flaky: dict[str, _Flaky] = {}
        self._overrides: dict[str, Responder] = {}
        self._next_ts = FIRST_TS_MICROS
        self._clock_ts = clock_ts
        self._history: dict[str, list[Payload]] = {}  # channel -> messages posted there, oldest first
        self._next_view = 1
        self._next_file = 1
        self._pending_files: dict[str, dict[str, Any]] = {}  # file id -> filename, length, uploaded bytes
        self._files: list[SharedFile] = []
        self._canvases: dict[str, _Canvas] = {}  # canvas id -> its channel and current markdown
        self._next_canvas = 1
        self.canvas_refusal: str | None = None
        """An error every canvas method answers, as Slack does for a workspace whose plan lacks canvases
        (e.g. `team_tier_cannot_create_channel_canvases`); None: canvases work."""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        if autostart:
            self.start()

    # ------------------------------------------------------------------ lifecycle

    def start(self, port: int = 0) -> Self:
        """Serve on `port` (a free one by default) in a daemon thread (no-op when already serving)."""
        if self._server is None:
            server = _Server(self, port)
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-stub", daemon=True
            )
            thread.start()
            self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving and release the port (no-op when stopped)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` of the running stub."""
        if self._server is None:
            raise RuntimeError("the Slack stub is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """The Web API base URL, `http://127.0.0.1:<port>/api/` (what SLACK_API_URL is set to)."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str) -> str:
        """A response_url on this stub; posts to it are recorded under `name` (see `responses`)."""
        return f"{self.base_url}/response/{quote(name, safe='')}"

    # ------------------------------------------------------------------ configuration

    def on(self, method: str, response: Responder) -> None:
        """Answer `method` with `response`: a dict, or a callable taking the parsed payload and returning one."""
        with self._cond:
            self._overrides[method] = response

    def fail(
        self,
        method: str,
        status: int | None = None,
        *,
        error: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        accept: bool = False,
        delay: float = 0.0,
        drop: bool = False,
    ) -> None:
        """Fail the next `times` calls of `method` (None: every call until `clear_faults`).

        `method` is a Web API method or RESPONSE_URL (posts to any response_url). `status` 429 answers
        `{"ok": false, "error": "ratelimited"}` with `Retry-After: retry_after` (default 1); 500/503 answer
        internal_error/service_unavailable. With only `error`, the call gets HTTP 200 and
        `{"ok": false, "error": error}`, as Slack does for e.g. channel_not_found. With `accept` the call
        takes effect first (the message is posted and recorded), then fails: the sender cannot tell.
        `delay` answers that many seconds late; `drop` closes the connection instead of answering (after
        the call took effect when `accept`). `delay` or `drop` alone keep the normal answer's effect
        only with `accept`; `delay` alone answers normally, late.
        Faults queue up in order: `fail(m, 429)` then `fail(m, 500, times=2)` fails three calls.
        """
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every call)")
        code = self._fault_status(status, error, delay=delay, drop=drop)
        if code == 429 and retry_after is None:
            retry_after = 1
        error_code = error or ERROR_FOR_STATUS.get(code or 500, "internal_error")
        fault = _Fault(code, error_code, retry_after, times, accept, delay, drop)
        with self._cond:
            self._faults.setdefault(method, []).append(fault)

    @staticmethod
    def _fault_status(status: int | None, error: str | None, *, delay: float, drop: bool) -> int | None:
        if status is not None:
            return status
        if error:
            return 200
        return None if (delay or drop) else 500

    def outage(self, status: int = 503, *, drop: bool = False) -> None:
        """Fail every call and response_url post (`status`, or dropped connections) until `end_outage`."""
        with self._cond:
            error = ERROR_FOR_STATUS.get(status, "internal_error")
            self._outage = _Fault(None if drop else status, error, None, None, drop=drop)

    def end_outage(self) -> None:
        """Slack answers again."""
        with self._cond:
            self._outage = None

    def flaky(
        self,
        method: str,
        share: float = 0.3,
        status: int = 500,
        *,
        seed: int = 0,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Fail a `share` of `method` calls, picked by `random.Random(seed)` so runs repeat exactly.

        Queued `fail` faults take precedence; `share=0` or `clear_faults` turns it off.
        """
        if not 0.0 <= share <= 1.0:
            raise ValueError("share must be between 0 and 1")
        if status == 429 and retry_after is None:
            retry_after = 1
        rule = _Flaky(
            share, status, error or ERROR_FOR_STATUS.get(status, "internal_error"), retry_after, random.Random(seed)
        )
        with self._cond:
            self._flaky[method] = rule

    def clear_faults(self, method: str | None = None) -> None:
        """Drop injected failures for `method`, or for every method."""
        with self._cond:
            if method is None:
                self._faults.clear()
                self._flaky.clear()
                self._outage = None
            else:
                self._faults.pop(method, None)
                self._flaky.pop(method, None)

    def reset(self) -> None:
        """Forget recorded calls and response posts, faults and `on` overrides (users, ts and channel history stay)."""
        with self._cond:
            self._calls.clear()
            self._posts.clear()
            self._faults.clear()
            self._flaky.clear()
            self._outage = None
            self._overrides.clear()

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded Web API calls, oldest first, optionally only those of `method`."""
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def called(self, method: str) -> bool:
        """Whether `method` was called at least once."""
        return self.call_count(method) > 0

    def call_count(self, method: str) -> int:
        """How many times `method` was called (failed attempts and retries included)."""
        return len(self.calls(method))

    def payloads(self, method: str) -> list[Payload]:
        """The parsed payloads of every call of `method`, oldest first."""
        return [c.payload for c in self.calls(method)]

    def history(self, channel: str) -> list[Payload]:
        """Messages in `channel` (a C/G/D id, or a user id for the DM with them), oldest first, as
        `conversations.history` and `conversations.replies` see them: what chat.postMessage accepted,
        with later chat.update edits applied."""
        with self._cond:
            return [dict(m) for m in self._history.get(self._channel_for(channel), [])]

    def files(self, channel: str | None = None) -> list[SharedFile]:
        """Files shared by files.completeUploadExternal, oldest first, optionally only those in `channel`."""
        with self._cond:
            return [f for f in self._files if channel is None or f.channel == channel]

    def channel_canvas(self, channel: str) -> str | None:
        """The id of `channel`'s channel canvas (None: it has none, or it was deleted)."""
        with self._cond:
            return next((i for i, c in self._canvases.items() if c.channel == channel and not c.deleted), None)

    def canvas(self, canvas_id: str | None) -> str | None:
        """The current markdown of a canvas, every canvases.edit applied (None: no such canvas, or deleted)."""
        with self._cond:
            found = self._canvases.get(canvas_id or "")
            return None if found is None or found.deleted else found.markdown

    def delete_canvas(self, canvas_id: str) -> None:
        """Someone deletes the canvas in Slack (as canvases.delete does)."""
        with self._cond:
            self._canvases[canvas_id].deleted = True

    def default_answer(self, method: str, payload: Payload) -> Payload:
        """What the stub answers `method` with when no `on` override is set (for overrides that wrap it)."""
        return self._default(method, payload)

    def responses(self, name: str | None = None) -> list[ResponsePost]:
        """Recorded response_url posts, oldest first, optionally only those to `response_url(name)`."""
        with self._cond:
            return [p for p in self._posts if name is None or p.name == name]

    def shown(self, name: str) -> list[Payload]:
        """What the user sees of the replies posted to `response_url(name)`: a post with
        `replace_original: true` replaces the one before it (the ack's, when it is the first)."""
        visible: list[Payload] = []
        for post in self.responses(name):
            if post.payload.get("replace_original") in (True, "true") and visible:
                visible[-1] = post.payload
            else:
                visible.append(post.payload)
        return visible

    @overload
    def wait_for(self, target: str, count: int = 1, timeout: float = 5.0) -> list[Call]: ...
    @overload
    def wait_for(self, target: Callable[[Event], bool], count: int = 1, timeout: float = 5.0) -> list[Event]: ...

    def wait_for(
        self, target: str | Callable[[Event], bool], count: int = 1, timeout: float = 5.0
    ) -> list[Call] | list[Event]:
        """Block until `count` calls of method `target` (or events matching predicate `target`) were recorded.

        A predicate sees every Call and ResponsePost. Returns the matches; raises AssertionError
        listing what was recorded when `timeout` seconds pass first.
        """
        if isinstance(target, str):
            method = target
            with self._cond:
                if self._cond.wait_for(lambda: len(self._matching_calls(method)) >= count, timeout):
                    return self._matching_calls(method)
                recorded = self._describe()
            raise AssertionError(f"timed out after {timeout}s waiting for {count} {method} call(s); {recorded}")
        predicate = target
        with self._cond:
            if self._cond.wait_for(lambda: len(self._matching_events(predicate)) >= count, timeout):
                return self._matching_events(predicate)
            recorded = self._describe()
        raise AssertionError(f"timed out after {timeout}s waiting for {count} matching event(s); {recorded}")

    def wait_for_response(self, name: str | None = None, count: int = 1, timeout: float = 5.0) -> list[ResponsePost]:
        """Block until `count` response_url posts (to `name`, if given) were recorded; see `wait_for`."""
        events = self.wait_for(
            lambda e: isinstance(e, ResponsePost) and (name is None or e.name == name), count, timeout
        )
        return [e for e in events if isinstance(e, ResponsePost)]

    def _matching_calls(self, method: str) -> list[Call]:
        return [c for c in self._calls if c.method == method]

    def _matching_events(self, predicate: Callable[[Event], bool]) -> list[Event]:
        return [e for e in self._events() if predicate(e)]

    def _events(self) -> Iterator[Event]:
        yield from self._calls
        yield from self._posts

    def _describe(self) -> str:
        lines = [
            f"  {c.method} -> {c.status} {c.response.get('error') or 'ok'} {c.payload!r:.200}" for c in self._calls
        ]
        lines += [f"  response_url {p.name}: {p.payload!r:.200}" for p in self._posts]
        return "recorded:\n" + "\n".join(lines) if lines else "nothing was recorded"

    # ------------------------------------------------------------------ request handling (server threads)

    def _handle_api(
        self, method: str, raw: bytes, content_type: str, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> tuple[int, Payload, dict[str, str]]:
        arrived = time.time()
        token = _bearer_token(headers)
        try:
            payload = {**_decode_form_fields(query), **_parse_body(raw, content_type)}
            if "token" in payload:  # Slack also takes token= in the body (slack_sdk moves it to the header)
                payload["token"] = REDACTED
        except ValueError:
            payload, status, body, extra = {}, 200, {"ok": False, "error": "invalid_json"}, dict[str, str]()
        else:
            status, body, extra = self._answer(method, payload, token)
        call = Call(method, payload, _redact_headers(headers), arrived, status, body, token)
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        return status, body, extra

    def _answer(self, method: str, payload: Payload, token: str | None) -> tuple[int, Payload, dict[str, str]]:
        if token is None:
            return 200, {"ok": False, "error": "not_authed"}, {}
        failure = self._take_failure(method)
        if failure is None:
            return self._take_effect(method, payload)
        if failure.delay:
            time.sleep(failure.delay)
        if failure.accept or failure.status is None:
            normal = self._take_effect(method, payload)
            if failure.status is None and not failure.drop:
                return normal
        if failure.drop:
            return DROPPED, {}, {}
        assert failure.status is not None
        return failure.status, failure.body, failure.headers

    def _take_effect(self, method: str, payload: Payload) -> tuple[int, Payload, dict[str, str]]:
        """The normal answer; what a successful call posted is kept as channel history."""
        status, body, extra = self._normal_answer(method, payload)
        if status == 200 and body.get("ok") is True:
            with self._cond:
                self._remember(method, body)
        return status, body, extra

    def _normal_answer(self, method: str, payload: Payload) -> tuple[int, Payload, dict[str, str]]:
        with self._cond:
            override = self._overrides.get(method)
        try:
            if override is None:
                return 200, self._default(method, payload), {}
            answer = override(payload) if callable(override) else override
            return 200, json.loads(json.dumps(dict(answer))), {}  # a deep copy, so calls never share state
        except Exception:
            log.exception("slack stub: answering %s failed", method)
            return 500, {"ok": False, "error": "internal_error"}, {}

    def _take_failure(self, method: str) -> _Failure | None:
        with self._cond:
            queue = self._faults.get(method)
            if self._outage is not None:
                outage = self._outage
                return _Failure(outage.status, {"ok": False, "error": outage.error}, {}, drop=outage.drop)
            if queue:
                fault = queue[0]
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        queue.pop(0)
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                body = {"ok": False, "error": fault.error}
                return _Failure(fault.status, body, headers, fault.accept, fault.delay, fault.drop)
            rule = self._flaky.get(method)
            if rule is None or rule.rng.random() >= rule.share:
                return None
        headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
        return _Failure(rule.status, {"ok": False, "error": rule.error}, headers)

    def _handle_response_post(
        self, name: str, raw: bytes, content_type: str, headers: Mapping[str, str]
    ) -> tuple[int, str]:
        arrived = time.time()
        try:
            payload = _parse_body(raw, content_type or "application/json")
            if set(payload) == {"payload"} and isinstance(payload["payload"], str):  # form `payload=<json>`
                payload = _parse_body(payload["payload"].encode("utf-8"), "application/json")
        except ValueError:
            return 400, "invalid_payload"
        failure = self._take_failure(RESPONSE_URL)
        if failure is not None and failure.delay:
            time.sleep(failure.delay)
        if failure is None or failure.accept or failure.status is None:
            post = ResponsePost(name, payload, _redact_headers(headers), arrived)
            with self._cond:
                self._posts.append(post)
                self._cond.notify_all()
        if failure is None or (failure.status is None and not failure.drop):
            return 200, "ok"
        if failure.drop:
            return DROPPED, ""
        assert failure.status is not None
        return failure.status, str(failure.body.get("error", "internal_error"))

    def _handle_upload(self, file_id: str, raw: bytes) -> tuple[int, str]:
        """A file's bytes POSTed to the URL files.getUploadURLExternal handed out (Slack answers 200 "OK")."""
        with self._cond:
            pending = self._pending_files.get(file_id)
            if pending is None:
                return 404, "unknown upload URL"
            if len(raw) != pending["length"]:
                return 400, f"expected {pending['length']} bytes, got {len(raw)}"
            pending["content"] = raw
            self._cond.notify_all()
        return 200, f"OK - {len(raw)}"

    # ------------------------------------------------------------------ default answers

    def _default(self, method: str, payload: Payload) -> Payload:
        if self.canvas_refusal is not None and method in CANVAS_METHODS:
            return {"ok": False, "error": self.canvas_refusal}
        handler = self._DEFAULTS.get(method)
        return handler(self, payload) if handler is not None else {"ok": True}

    def _new_ts(self) -> str:
        with self._cond:
            if self._clock_ts:
                self._next_ts = max(self._next_ts, int(time.time() * 1_000_000))
            micros, self._next_ts = self._next_ts, self._next_ts + TS_STEP_MICROS
        return _ts(micros)

    def _remember(self, method: str, body: Payload) -> None:
        """Keep what a successful chat.postMessage posted (and chat.update edits) as channel history."""
        message = body.get("message")
        channel = str(body.get("channel") or "")
        if not isinstance(message, dict) or not channel:
            return
        if method == "chat.postMessage":
            self._history.setdefault(channel, []).append(dict(message))
        elif method == "chat.update":
            for index, old in enumerate(self._history.get(channel, [])):
                if old.get("ts") == message.get("ts"):
                    kept = {k: v for k, v in old.items() if k in ("thread_ts", "metadata")}
                    self._history[channel][index] = {**message, **kept, "edited": {"user": self.bot_user_id}}

    def dm_channel(self, *users: str) -> str:
        """The D-channel id `conversations.open` returns for this set of users (stable, order-free)."""
        digest = hashlib.sha256(",".join(sorted(set(users))).encode("utf-8")).hexdigest()
        return "D" + digest[:10].upper()

    def _channel_for(self, channel: str) -> str:
        return self.dm_channel(channel) if channel[:1] in {"U", "W"} else channel

    def _message(self, payload: Payload, ts: str) -> Payload:
        message: Payload = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "ts": ts,
            "team": self.team_id,
            "text": payload.get("text", ""),
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in payload:
                message[key] = payload[key]
        return message

    def _auth_test(self, payload: Payload) -> Payload:
        return {
            "ok": True,
            "url": TEAM_URL,
            "team": TEAM_NAME,
            "user": "pulse",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, payload: Payload) -> Payload:
        channel = str(payload.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not any(payload.get(k) for k in ("text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        ts = self._new_ts()
        return {"ok": True, "channel": self._channel_for(channel), "ts": ts, "message": self._message(payload, ts)}

    def _chat_post_ephemeral(self, payload: Payload) -> Payload:
        if not payload.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not payload.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self._new_ts()}

    def _chat_update(self, payload: Payload) -> Payload:
        channel, ts = str(payload.get("channel") or ""), str(payload.get("ts") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not ts:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": payload.get("text", ""),
            "message": self._message(payload, ts),
        }

    def _chat_get_permalink(self, payload: Payload) -> Payload:
        channel, ts = str(payload.get("channel") or ""), str(payload.get("message_ts") or "")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": channel, "permalink": f"{TEAM_URL}archives/{channel}/p{ts.replace('.', '')}"}

    def _conversations_open(self, payload: Payload) -> Payload:
        if payload.get("channel"):
            return {"ok": True, "channel": {"id": str(payload["channel"])}}
        raw = payload.get("users") or ""
        users = [u.strip() for u in (raw if isinstance(raw, list) else str(raw).split(",")) if u.strip()]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": self.dm_channel(*users)}}

    def _conversation(self, payload: Payload, *, thread: str | None) -> Payload:
        """conversations.history (thread None) or conversations.replies (thread = parent ts)."""
        channel = str(payload.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        with self._cond:
            posted = list(self._history.get(channel, []))
        if thread is None:  # the channel's own timeline: no thread replies, newest first
            messages = [m for m in posted if m.get("thread_ts") in (None, m["ts"])][::-1]
        else:  # the parent, then its replies, oldest first
            messages = [m for m in posted if m["ts"] == thread or m.get("thread_ts") == thread]
            if not any(m["ts"] == thread for m in messages):
                return {"ok": False, "error": "thread_not_found"}
        inclusive = str(payload.get("inclusive", "")).lower() in {"1", "true"}
        oldest, latest = payload.get("oldest"), payload.get("latest")
        if oldest not in (None, ""):
            messages = [
                m
                for m in messages
                if (float(m["ts"]) >= float(oldest) if inclusive else float(m["ts"]) > float(oldest))
            ]
        if latest not in (None, ""):
            messages = [
                m
                for m in messages
                if (float(m["ts"]) <= float(latest) if inclusive else float(m["ts"]) < float(latest))
            ]
        if str(payload.get("include_all_metadata", "")).lower() not in {"1", "true"}:
            messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
        start = int(str(payload.get("cursor") or "0").removeprefix("next:") or 0)
        limit = max(1, min(int(payload.get("limit") or 100), 999))
        page = messages[start : start + limit]
        more = start + limit < len(messages)
        answer: Payload = {"ok": True, "messages": page, "has_more": more}
        answer["response_metadata"] = {"next_cursor": f"next:{start + limit}" if more else ""}
        return answer

    def _conversations_history(self, payload: Payload) -> Payload:
        return self._conversation(payload, thread=None)

    def _conversations_replies(self, payload: Payload) -> Payload:
        ts = str(payload.get("ts") or "")
        if not ts:
            return {"ok": False, "error": "thread_not_found"}
        return self._conversation(payload, thread=ts)

    def _users_info(self, payload: Payload) -> Payload:
        user_id = str(payload.get("user") or "")
        entry = self.users.get(user_id)
        if entry is None:
            return {"ok": False, "error": "user_not_found"}
        tz = str(entry.get("tz") or "UTC")
        real_name = str(entry.get("real_name") or user_id)
        user: Payload = {
            "id": user_id,
            "team_id": self.team_id,
            "name": real_name.lower().replace(" ", "."),
            "deleted": False,
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": _tz_offset(tz),
            "is_bot": False,
            "profile": {"real_name": real_name, "display_name": str(entry.get("display_name") or real_name)},
        }
        if entry.get("email"):
            user["profile"]["email"] = str(entry["email"])
        user.update({k: v for k, v in entry.items() if k not in {"tz", "real_name", "display_name", "email"}})
        return {"ok": True, "user": user}

    def _apps_connections_open(self, payload: Payload) -> Payload:
        return {"ok": True, "url": f"ws://{self.base_url.removeprefix('http://')}/socket-mode-placeholder"}

    def _views(self, payload: Payload) -> Payload:
        view = payload.get("view")
        with self._cond:
            number, self._next_view = self._next_view, self._next_view + 1
        answer: Payload = dict(view) if isinstance(view, dict) else {}
        answer.setdefault("id", str(payload.get("view_id") or f"V{number:010d}"))
        answer.update({"team_id": self.team_id, "hash": f"{number}.stub"})
        return {"ok": True, "view": answer}

    def _files_get_upload_url_external(self, payload: Payload) -> Payload:
        filename, length = str(payload.get("filename") or ""), str(payload.get("length") or "")
        if not filename or not length.isdigit() or int(length) < 1:
            return {"ok": False, "error": "invalid_arguments"}
        with self._cond:
            file_id, self._next_file = f"F{self._next_file:010d}", self._next_file + 1
            self._pending_files[file_id] = {"filename": filename, "length": int(length), "content": None}
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, payload: Payload) -> Payload:
        files = payload.get("files")
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        channel = str(payload.get("channel_id") or payload.get("channels") or "") or None
        shared = []
        share_ts = self._new_ts()
        with self._cond:
            for entry in files:
                pending = self._pending_files.get(str(entry.get("id")))
                if pending is None or pending["content"] is None:
                    return {"ok": False, "error": "file_not_found"}
            for entry in files:
                pending = self._pending_files.pop(str(entry["id"]))
                shared.append(
                    SharedFile(
                        id=str(entry["id"]),
                        filename=pending["filename"],
                        title=str(entry.get("title") or pending["filename"]),
                        content=pending["content"],
                        channel=self._channel_for(channel) if channel else None,
                        thread_ts=payload.get("thread_ts") or None,
                    )
                )
            self._files.extend(shared)
            if channel:  # as in Slack, the share is a message in the channel (or the thread) listing the files
                message = self._message({"thread_ts": payload.get("thread_ts")} if payload.get("thread_ts") else {}, "")
                message.update(ts=share_ts, upload=True)
                message["files"] = [{"id": f.id, "name": f.filename, "title": f.title} for f in shared]
                self._history.setdefault(self._channel_for(channel), []).append(message)
        return {
            "ok": True,
            "files": [{"id": f.id, "name": f.filename, "title": f.title, "size": len(f.content)} for f in shared],
        }

    def _users_lookup_by_email(self, payload: Payload) -> Payload:
        email = str(payload.get("email") or "").strip().lower()
        for user_id, entry in self.users.items():
            if str(entry.get("email") or "").lower() == email and email:
                return self._users_info({"user": user_id})
        return {"ok": False, "error": "users_not_found"}

    def _users_list(self, payload: Payload) -> Payload:
        ids = sorted(self.users)
        start = int(str(payload.get("cursor") or "0").removeprefix("next:") or 0)
        limit = max(1, min(int(payload.get("limit") or 200), 1000))
        members = [self._users_info({"user": user_id})["user"] for user_id in ids[start : start + limit]]
        more = start + limit < len(ids)
        return {
            "ok": True,
            "members": members,
            "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""},
        }

    def _conversations_canvases_create(self, payload: Payload) -> Payload:
        channel = str(payload.get("channel_id") or "")
        if not channel:
            return {"ok": False, "error": "invalid_arguments"}
        content = payload.get("document_content") or {}
        with self._cond:
            if self.channel_canvas(channel) is not None:
                return {"ok": False, "error": "channel_canvas_already_exists"}
            canvas_id, self._next_canvas = f"F0CANVAS{self._next_canvas:04d}", self._next_canvas + 1
            self._canvases[canvas_id] = _Canvas(channel, str(content.get("markdown") or ""))
        return {"ok": True, "canvas_id": canvas_id}

    def _canvases_edit(self, payload: Payload) -> Payload:
        """One change per call, as Slack takes: a `replace` without a section is the whole document; sections are
        header lines with what follows them up to the next header of the same or a higher level."""
        changes = payload.get("changes")
        if not isinstance(changes, list) or len(changes) != 1 or not isinstance(changes[0], dict):
            return {"ok": False, "error": "invalid_arguments"}
        change = changes[0]
        new = str((change.get("document_content") or {}).get("markdown") or "")
        with self._cond:
            canvas = self._canvases.get(str(payload.get("canvas_id") or ""))
            if canvas is None or canvas.deleted:
                return {"ok": False, "error": "canvas_not_found"}
            lines = canvas.markdown.splitlines()
            operation, section = change.get("operation"), change.get("section_id")
            if operation == "replace" and section is None:
                canvas.markdown = new
                return {"ok": True}
            if operation in ("insert_at_start", "insert_at_end"):
                canvas.markdown = (
                    new + "\n" + canvas.markdown if operation == "insert_at_start" else canvas.markdown + "\n" + new
                )
                return {"ok": True}
            span = self._section_span(payload["canvas_id"], lines, str(section or ""))
            if span is None or operation not in ("replace", "delete", "insert_before", "insert_after"):
                return {"ok": False, "error": "canvas_editing_failed"}
            start, end = span
            replacement = {
                "replace": new.splitlines(),
                "delete": [],
                "insert_before": [*new.splitlines(), *lines[start:end]],
                "insert_after": [*lines[start:end], *new.splitlines()],
            }[str(operation)]
            canvas.markdown = "\n".join([*lines[:start], *replacement, *lines[end:]])
        return {"ok": True}

    @staticmethod
    def _section_span(canvas_id: str, lines: list[str], section_id: str) -> tuple[int, int] | None:
        headers = [(n, len(m.group(1))) for n, line in enumerate(lines) if (m := HEADER.match(line))]
        for index, (start, level) in enumerate(headers):
            if section_id == f"temp:C:{canvas_id}:{index}":
                end = next((n for n, lv in headers[index + 1 :] if lv <= level), len(lines))
                return start, end
        return None

    def _canvases_sections_lookup(self, payload: Payload) -> Payload:
        criteria = payload.get("criteria")
        if not isinstance(criteria, dict) or not (criteria.get("section_types") or criteria.get("contains_text")):
            return {"ok": False, "error": "invalid_arguments"}
        canvas_id = str(payload.get("canvas_id") or "")
        markdown = self.canvas(canvas_id)
        if markdown is None:
            return {"ok": False, "error": "canvas_not_found"}
        types = set(criteria.get("section_types") or ["any_header"])
        text = str(criteria.get("contains_text") or "")
        sections = []
        headers = [(line, len(m.group(1))) for line in markdown.splitlines() if (m := HEADER.match(line))]
        for index, (line, level) in enumerate(headers):
            if ("any_header" in types or f"h{level}" in types) and text in line:
                sections.append({"id": f"temp:C:{canvas_id}:{index}"})
        return {"ok": True, "sections": sections}

    def _canvases_delete(self, payload: Payload) -> Payload:
        canvas_id = str(payload.get("canvas_id") or "")
        if self.canvas(canvas_id) is None:
            return {"ok": False, "error": "canvas_not_found"}
        self.delete_canvas(canvas_id)
        return {"ok": True}

    def _conversations_info(self, payload: Payload) -> Payload:
        channel = str(payload.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        info: Payload = {"id": channel, "is_channel": channel.startswith("C"), "properties": {}}
        canvas_id = self.channel_canvas(channel)
        if canvas_id is not None:
            info["properties"]["canvas"] = {"file_id": canvas_id, "is_empty": not self.canvas(canvas_id)}
        return {"ok": True, "channel": info}

    _DEFAULTS: dict[str, Callable[[SlackStub, Payload], Payload]] = {
        "auth.test": _auth_test,
        "chat.postMessage": _chat_post_message,
        "chat.postEphemeral": _chat_post_ephemeral,
        "chat.update": _chat_update,
        "chat.getPermalink": _chat_get_permalink,
        "conversations.open": _conversations_open,
        "conversations.history": _conversations_history,
        "conversations.replies": _conversations_replies,
        "users.info": _users_info,
        "users.lookupByEmail": _users_lookup_by_email,
        "users.list": _users_list,
        "files.getUploadURLExternal": _files_get_upload_url_external,
        "files.completeUploadExternal": _files_complete_upload_external,
        "apps.connections.open": _apps_connections_open,
        "views.open": _views,
        "views.publish": _views,
        "views.update": _views,
        "views.push": _views,
        "conversations.canvases.create": _conversations_canvases_create,
        "conversations.info": _conversations_info,
        "canvases.edit": _canvases_edit,
        "canvases.sections.lookup": _canvases_sections_lookup,
        "canvases.delete": _canvases_delete,
    }


__all__ = ["Call", "Event", "ResponsePost", "SharedFile", "SlackStub"]
