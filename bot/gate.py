"""The gate in front of Bolt for POST /slack/events: a body limit, the signature, the payload's shape, and
replays. Every request is answered in time with a status a client can act on and without a stack trace:
413 over the limit (refused before reading), 401 unsigned or signed badly or over 5 minutes ago, 400
malformed, and a signed request seen before gets the first one's answer instead of being applied again.
Socket Mode's envelopes go through the same shape and replay checks (bot/socket_gate.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ValidationError
from slack_sdk.signature import SignatureVerifier

from bot.answers import ephemeral
from bot.blocks import to_slack
from bot.delivery import respond_quietly
from bot.payloads import BlockAction, Shortcut, SlackEvent, SlashCommand, ViewSubmission
from bot.present import markup
from bot.runtime import Runtime
from domain.errors import Busy
from domain.messages import Message, Reply, error
from store import requests
from store.db import deadline, is_lock_timeout, is_unavailable
from store.types import utcnow

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is refused unread
SIGNATURE_WINDOW = dt.timedelta(minutes=5)  # what slack_sdk's SignatureVerifier accepts, either side of now
KEEP_FINGERPRINTS = 2 * SIGNATURE_WINDOW  # a replay needs a valid signature, so older fingerprints can go
PRUNE_EVERY_SECONDS = 60.0
# Slack waits 3 s for an answer: lock waits for a request (in its thread and the work it hands to the pool)
# end by then, leaving time to say "busy" within the listeners' 2.5 s ack budget.
ACK_DEADLINE_SECONDS = 2.0
CLAIM_LOCK_WAIT = 1.0  # seconds recording a fingerprint may wait (SQLite: another writer) before "busy"
MAX_FIELD_ERROR_CHARS = 150
REPLAYED = Reply(Message("notice", {"code": "replayed", "values": {}}))

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
SHAPES: dict[str, type[BaseModel]] = {
    "block_actions": BlockAction,
    "view_submission": ViewSubmission,
    "shortcut": Shortcut,
    "message_action": Shortcut,
    "event_callback": SlackEvent,
}


class Refused(Exception):
    """A request the gate answers itself with an HTTP error status."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class SlackRequest:
    """A signed request of a known kind, its payload, and its fingerprint for replays."""

    kind: str  # "command", or the payload's `type` ("block_actions", "view_submission", "event_callback", ...)
    payload: dict[str, Any]
    fingerprint: str


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def _json(body: dict[str, Any] | None) -> Answer:
    return Answer(200, "application/json", json.dumps(body).encode() if body is not None else b"")


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body, refused unread (413) when it is over the limit."""
    raw_length = environ.get("CONTENT_LENGTH") or ""
    if not raw_length and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        body: bytes = environ["wsgi.input"].read(MAX_BODY_BYTES + 1)
    elif not (raw_length.isascii() and raw_length.isdigit()):
        raise Refused(HTTPStatus.LENGTH_REQUIRED if not raw_length else HTTPStatus.BAD_REQUEST, "no usable length")
    elif int(raw_length) > MAX_BODY_BYTES:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a body of {raw_length} bytes")
    else:
        body = environ["wsgi.input"].read(int(raw_length))
    if len(body) > MAX_BODY_BYTES:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "a chunked body over the limit")
    return body


def verify(secret: str | None, environ: dict[str, Any], body: bytes) -> None:
    """Refuse (401) a request not signed with `secret` within the signature window."""
    if secret is None:
        return
    stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE")
    if not (stamp.isascii() and stamp.isdigit()) or not SignatureVerifier(secret).is_valid(body, stamp, signature):
        raise Refused(HTTPStatus.UNAUTHORIZED, "not signed with the signing secret, or signed over 5 minutes ago")


def parse(body: bytes, content_type: str) -> SlackRequest:
    """The request's kind, payload and fingerprint; 400 for anything Slack does not send."""
    try:
        text = body.decode()
        if content_type.startswith("application/json"):
            payload = json.loads(text)
            kind = payload.get("type") if isinstance(payload, dict) else None
        elif content_type.startswith("application/x-www-form-urlencoded"):
            form = dict(urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text)))
            payload = json.loads(form["payload"]) if "payload" in form else form
            kind = (payload.get("type") if isinstance(payload, dict) else None) if "payload" in form else "command"
            kind = "ssl_check" if "ssl_check" in form else kind  # Slack's periodic check of a command URL
        else:
            raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"content type {content_type or 'none'}")
    except (UnicodeDecodeError, ValueError, KeyError) as exc:
        raise Refused(HTTPStatus.BAD_REQUEST, f"an unreadable body ({type(exc).__name__})") from None
    return checked(kind, payload, hashlib.sha256(body).hexdigest())


def checked(kind: Any, payload: Any, digest: str) -> SlackRequest:
    """The request of `kind` with `payload`, 400 when it is nothing Slack sends; `digest` fingerprints what
    was received (an event is known by its ID instead: Slack's retries of it are new requests)."""
    if not isinstance(kind, str) or not isinstance(payload, dict):
        raise Refused(HTTPStatus.BAD_REQUEST, "a payload that is not a Slack request")
    shape = SlashCommand if kind == "command" else SHAPES.get(kind)
    try:
        parsed = shape.model_validate(payload) if shape else None
    except ValidationError as exc:
        problem = f"a {kind} payload of the wrong shape ({exc.error_count()} errors)"
        raise Refused(HTTPStatus.BAD_REQUEST, problem) from None
    if isinstance(parsed, SlackEvent):
        return SlackRequest(kind, payload, f"event:{parsed.team_id}:{parsed.event_id}")
    return SlackRequest(kind, payload, f"{_team(payload)}:{digest}")


def _team(payload: dict[str, Any]) -> str:
    team = payload.get("team")
    found = team.get("id") if isinstance(team, dict) else payload.get("team_id")
    return str(found or "")[:32]


class Gate:
    """Replays and failures, for a request that passed its transport's checks (HTTP: the body limit and the
    signature; Socket Mode: Slack's own connection): one per process."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._pruned_at = 0.0
        self._prune_lock = threading.Lock()

    def answer(self, request: SlackRequest, bolt: Callable[[], Answer]) -> Answer:
        """Bolt's answer to `request` (`bolt` runs it), the first answer again if it was received before, or
        "busy" when it cannot be recorded; a failure inside is answered with what to do, never a 5xx."""
        with deadline(ACK_DEADLINE_SECONDS):
            return self._answer(request, bolt)

    def _answer(self, request: SlackRequest, bolt: Callable[[], Answer]) -> Answer:
        try:
            with self.runtime.database.session(write=True, lock_wait=CLAIM_LOCK_WAIT) as session:
                seen = requests.claim(session, request.fingerprint)
        except Exception as exc:
            log.warning("could not record a %s request (%s): answered busy", request.kind, _why(exc))
            return self.instead(request.kind, request.payload, error(Busy().code, {}))
        if seen is not None:
            log.info("a %s request came again; answered as the first time, not applied again", request.kind)
            if seen.status is not None:
                return Answer(seen.status, seen.content_type or "application/json", (seen.body or "").encode())
            return self.instead(request.kind, request.payload, REPLAYED)
        answer = bolt()
        if answer.status == HTTPStatus.SERVICE_UNAVAILABLE:  # a lock held too long, or the database away
            answer = self.instead(request.kind, request.payload, error(Busy().code, {}))
        elif answer.status >= 500:
            answer = self.instead(request.kind, request.payload, error("internal_error", {"incident": "gate"}))
        self._remember(request.fingerprint, answer)
        return answer

    def _remember(self, fingerprint: str, answer: Answer) -> None:
        """Keep the answer for replays (best effort: the fingerprint itself is what stops a second run)."""
        try:
            with self.runtime.database.session(write=True, lock_wait=CLAIM_LOCK_WAIT) as session:
                requests.remember_answer(
                    session,
                    fingerprint,
                    status=answer.status,
                    content_type=answer.content_type,
                    body=answer.body.decode(errors="replace"),
                )
                if self._prune_due():
                    requests.forget_before(session, utcnow() - KEEP_FINGERPRINTS)
        except Exception as exc:
            log.warning("could not keep the answer to a request (%s)", _why(exc))

    def _prune_due(self) -> bool:
        with self._prune_lock:
            if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
                return False
            self._pruned_at = time.monotonic()
            return True

    def instead(self, kind: str, payload: dict[str, Any], reply: Reply) -> Answer:
        """The answer that tells the person `reply` on the surface they used (in the ack, or by response_url)."""
        prefix = self.runtime.settings.command_prefix
        if kind == "command":
            return _json(ephemeral(reply, prefix))
        text = to_slack(markup(reply.message, prefix)).text
        if kind == "view_submission":
            return _json(_form_error(payload, text))
        url = payload.get("response_url")
        if isinstance(url, str) and url:
            self.runtime.pool.submit(respond_quietly, url, markup(reply.message, prefix))
        if kind == "event_callback" and not reply.ok:
            return Answer(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain", b"busy")  # Slack retries events later
        return _json(None)


class HttpGate(Gate):
    """Wraps Bolt's WSGI handler (`slack`) for POST /slack/events with every check above."""

    def __init__(self, slack: WsgiApp, runtime: Runtime) -> None:
        super().__init__(runtime)
        secret = runtime.settings.slack_signing_secret
        self.slack = slack
        self.secret = secret.get_secret_value() if secret else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            body = read_body(environ)
            verify(self.secret, environ, body)
            request = parse(body, environ.get("CONTENT_TYPE", ""))
        except Refused as refused:
            log.warning("refused a request to %s: %s (%s)", environ.get("PATH_INFO"), refused, int(refused.status))
            return _send(start_response, Answer(refused.status, "text/plain", refused.status.phrase.encode()))
        return _send(start_response, self.answer(request, lambda: self._bolt(environ, body)))

    def _bolt(self, environ: dict[str, Any], body: bytes) -> Answer:
        """Bolt's answer to the request (the body already read is handed to it again)."""
        got: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], _exc_info: Any = None) -> None:
            got.update(status=int(status.split()[0]), headers=dict(headers))

        inner = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        content = b"".join(self.slack(inner, capture))
        return Answer(got["status"], got["headers"].get("Content-Type", "application/json"), content)


def _form_error(payload: dict[str, Any], text: str) -> dict[str, Any]:
    """A modal's answer that keeps it open and shows `text` under its first field (or on a pushed view)."""
    view = payload.get("view") or {}
    blocks = ((view.get("state") or {}).get("values") or {}) if isinstance(view, dict) else {}
    if isinstance(blocks, dict) and blocks:
        return {"response_action": "errors", "errors": {next(iter(blocks)): text[:MAX_FIELD_ERROR_CHARS]}}
    notice = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Pulse"}, "blocks": [notice]}
    return {"response_action": "push", "view": modal}


def _why(exc: BaseException) -> str:
    if is_lock_timeout(exc):
        return "a lock held too long"
    return "the database unreachable" if is_unavailable(exc) else type(exc).__name__


def _send(start_response: StartResponse, answer: Answer) -> list[bytes]:
    start_response(
        f"{int(answer.status)} {HTTPStatus(answer.status).phrase}",
        [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))],
    )
    return [answer.body]
