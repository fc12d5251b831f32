"""Drives the real Pulse Bolt app over HTTP with signed requests, against the local Slack stub."""

from __future__ import annotations

import itertools
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.app import create_app
from bot.runtime import Runtime
from bot.settings import Settings
from bot.signing import signed_headers, slash_command_body
from bot.slack_client import make_web_client
from bot.slack_stub import SlackStub
from bot.terminal import to_terminal
from bot.wsgi import wsgi_app
from store.db import Database

TEAM = "T0TEST"
SECRET = "test-signing-secret-0123456789"
TOKEN = "xoxb-test"
_names = itertools.count(1)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Answer:
    """What the caller saw: the ephemeral reply (from the ack body or response_url)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    via: str = "ack"

    @property
    def text(self) -> str:
        """The reply's blocks as readable text (what a user reads)."""
        blocks = self.body.get("blocks") or []
        parts = []
        for block in blocks:
            if block["type"] in {"section", "header"}:
                parts.append(block["text"]["text"])
            elif block["type"] == "context":
                parts.extend(e.get("text", "") for e in block["elements"])
        return "\n".join(parts) if parts else str(self.body.get("text", ""))

    @property
    def ephemeral(self) -> bool:
        return self.body.get("response_type") == "ephemeral"

    @property
    def plain(self) -> str:
        return to_terminal(self.text)


class PulseHarness:
    """The served app on a free port plus the stub it talks to."""

    def __init__(self, database: Database, stub: SlackStub, **settings: Any) -> None:
        """Serve the app on a free loopback port."""
        self.database = database
        self.stub = stub
        self.settings = Settings(
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=stub.api_url,
            DATABASE_URL=database.url,
            **settings,
        )
        client = make_web_client(TOKEN, stub.api_url, retry_interval=FixedValueRetryIntervalCalculator(0.01))
        self.runtime = Runtime.build(self.settings, database, client)
        self.app = create_app(self.runtime)
        # Slack's one-message-per-second-per-channel pacing would make every second channel post wait a second.
        self.runtime.deliverer.pace_seconds = 0.0
        served = wsgi_app(self.app, self.runtime)
        self.server = make_server(
            "127.0.0.1", 0, served, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        # A short poll interval: shutdown() waits up to one interval (0.5 s by default, paid by every test).
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.sent: list[tuple[str, dict[str, str]]] = []

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.runtime.close()

    def post(self, path: str, body: str, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST raw bytes; returns (status, body). Each request sent is kept in `sent` (to replay it)."""
        self.sent.append((body, headers))
        request = urllib.request.Request(self.url + path, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = "U0OWNER",
        channel: str = "C0GENERAL",
        team: str = TEAM,
        timestamp: int | None = None,
        secret: str = SECRET,
        wait: bool = True,
    ) -> Answer:
        """Send a signed slash command and return the reply the user sees (with `wait=False`, only the ack)."""
        name = f"cmd-{next(_names)}"
        slash = self.settings.command_name(command.lstrip("/"))
        body = slash_command_body(
            command=slash,
            text=text,
            user_id=user,
            team_id=team,
            channel_id=channel,
            response_url=self.stub.response_url(name),
        )
        status, raw = self.post("/slack/events", body, signed_headers(secret, body, timestamp=timestamp))
        return self._answer(status, raw, name, wait=wait)

    def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U0OWNER",
        channel: str = "C0GENERAL",
        message_ts: str = "1700000000.000100",
        team: str = TEAM,
        wait: bool = True,
        secret: str = SECRET,
        home: bool = False,
    ) -> Answer:
        """Click a button: send the signed `block_actions` request Slack sends (form `payload=<json>`); with
        `home`, a button of the Home tab (no message, no response_url).

        With `wait`, returns the reply the clicker sees (posted to the response_url); buttons that answer
        by other means (updating a message, opening a modal) post none: pass `wait=False` to get the ack.
        """
        name = f"click-{next(_names)}"
        payload = {
            **_interaction("block_actions", user, team),
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel, "name": "channel"},
            "message": {"type": "message", "ts": message_ts, "text": ""},
            "response_url": self.stub.response_url(name),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "pulse",
                    "value": value,
                    "action_ts": message_ts,
                    "text": {"type": "plain_text", "text": action_id},
                }
            ],
        }
        if home:
            for key in ("container", "channel", "message", "response_url"):
                payload.pop(key)
            payload["view"] = {"id": "V0HOME", "type": "home", "team_id": team}
        status, raw = self._interact(payload, secret)
        return self._answer(status, raw, name, wait=wait)

    def submit_view(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        private_metadata: str = "",
        user: str = "U0OWNER",
        team: str = TEAM,
        secret: str = SECRET,
    ) -> Answer:
        """Submit a modal: the signed `view_submission` request; `values` is the view state by block id
        (e.g. `{"impact": {"selected_option": {"value": "3"}}}`). Returns the ack (errors, if any)."""
        payload = {
            **_interaction("view_submission", user, team),
            "view": {
                "id": "V0PULSE",
                "type": "modal",
                "team_id": team,
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": {block: {"value": element} for block, element in values.items()}},
            },
        }
        status, raw = self._interact(payload, secret)
        return self._answer(status, raw, name="", wait=False)

    def shortcut(
        self,
        callback_id: str,
        *,
        message: str | None = None,
        channel: str = "C0GENERAL",
        message_ts: str = "1700000000.000200",
        user: str = "U0OWNER",
        team: str = TEAM,
    ) -> int:
        """Use a shortcut: on a message saying `message` (a `message_action`), else the global one (`shortcut`).
        Returns the ack's status."""
        if message is None:
            payload = {**_interaction("shortcut", user, team), "callback_id": callback_id}
        else:
            payload = {
                **_interaction("message_action", user, team),
                "callback_id": callback_id,
                "channel": {"id": channel, "name": "channel"},
                "message": {"type": "message", "ts": message_ts, "text": message, "user": "U0AUTHOR"},
                "message_ts": message_ts,
                "response_url": self.stub.response_url(f"shortcut-{next(_names)}"),
            }
        return self._interact(payload, SECRET)[0]

    def event(self, event: dict[str, Any], *, team: str = TEAM) -> int:
        """Send a signed Events API callback carrying `event`; returns the ack's status."""
        body = json.dumps(
            {
                "token": "unused-verification-token",
                "team_id": team,
                "api_app_id": "A0PULSE",
                "type": "event_callback",
                "event_id": f"Ev{next(_names):08d}",
                "event_time": 1700000000,
                "event": event,
            }
        )
        return self.post("/slack/events", body, signed_headers(SECRET, body, content_type="application/json"))[0]

    def _answer(self, status: int, raw: bytes, name: str, *, wait: bool) -> Answer:
        """What the user sees: the ack's body if it has one (or `wait` is off), else the response_url post."""
        if status != 200:
            return Answer(status=status, via="ack")
        if raw.strip() or not wait:
            return Answer(status=status, body=json.loads(raw) if raw.strip() else {}, via="ack")
        posted = self.stub.wait_for_response(name, timeout=10)[0]
        return Answer(status=status, body=posted.payload, via="response_url")

    def _interact(self, payload: dict[str, Any], secret: str) -> tuple[int, bytes]:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post("/slack/events", body, signed_headers(secret, body))


def _interaction(kind: str, user: str, team: str) -> dict[str, Any]:
    """The fields every interactivity payload Slack sends starts with."""
    return {
        "type": kind,
        "team": {"id": team, "domain": "pulse-test"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": "A0PULSE",
        "token": "unused-verification-token",
        "trigger_id": f"{next(_names)}.738474920.8088930838d88f008e0",
    }
