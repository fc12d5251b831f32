"""Socket Mode end to end: `pulse serve`'s handler connects to a local WebSocket server standing in for Slack.

The stub's apps.connections.open hands out a ws:// URL on 127.0.0.1; the test plays Slack's side of the
socket (hello, envelopes) and checks the app's acks and its response_url replies on the stub.
"""

from __future__ import annotations

import json
import queue
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.runtime import Runtime
from bot.serve import socket_mode_handler
from bot.settings import Settings
from bot.signing import slash_command_body
from bot.slack_stub import SlackStub
from store.db import Database
from store.models import AuditEvent, Program
from tests.support.app import fetch_all, nothing_written

BOT_TOKEN = "xoxb" + "-socket-mode-test-bot-token"
APP_TOKEN = "xapp" + "-1-A0PULSE-socket-mode-test-app-token"
TEAM = "T0SOCKET"
USER = "U0OWNER"
TIMEOUT = 10.0
HELLO = {
    "type": "hello",
    "num_connections": 1,
    "debug_info": {"host": "pulse-test", "approximate_connection_time": 3600},
    "connection_info": {"app_id": "A0PULSE"},
}


class SocketModeServer:
    """Slack's end of a Socket Mode connection: says hello, sends envelopes, collects what the app sends."""

    def __init__(self) -> None:
        self.connected = threading.Event()
        self.paths: list[str] = []
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self._connection: ServerConnection | None = None
        self.server: Server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self.server.serve_forever, name="socket-mode-server", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        port = self.server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=local-test"

    def _handle(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        self.paths.append(connection.request.path)
        connection.send(json.dumps(HELLO))
        self._connection = connection
        self.connected.set()
        try:
            for message in connection:
                self.received.put(json.loads(message))
        except ConnectionClosed:
            pass

    def send(self, envelope: dict[str, Any]) -> None:
        assert self.connected.wait(TIMEOUT), "the app never connected"
        assert self._connection is not None
        self._connection.send(json.dumps(envelope))

    def reply_to(self, envelope_id: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The app's acknowledgement of `envelope_id` (other messages are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                message = self.received.get(timeout=max(remaining, 0.001))
            except queue.Empty:
                raise AssertionError(f"no ack for {envelope_id} within {timeout}s") from None
            if message.get("envelope_id") == envelope_id:
                return message

    def close(self) -> None:
        self.server.shutdown()
        self._thread.join(timeout=TIMEOUT)


def close(handler: SocketModeHandler, link: SocketModeServer) -> None:
    """Stop the handler for good, as at the end of `pulse serve`, without waiting out its receive timeout.

    slack_sdk's client reads a plain ws:// socket with a 3 s timeout and `close()` waits for that read to end;
    having Slack's side close the connection first ends the read at once. Reconnecting is turned off first,
    as `close()` itself does, so the client does not dial the URL again.
    """
    handler.client.auto_reconnect_enabled = False
    link.close()
    handler.close()


def slash_envelope(envelope_id: str, command: str, text: str, response_url: str) -> dict[str, Any]:
    """A slash command as Slack sends it over Socket Mode: the usual fields, wrapped in an envelope."""
    body = slash_command_body(
        command=command, text=text, user_id=USER, team_id=TEAM, channel_id="C0GENERAL", response_url=response_url
    )
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": dict(parse_qsl(body, keep_blank_values=True)),
    }


def message_text(payload: dict[str, Any]) -> str:
    parts = [str(payload.get("text", ""))]
    for block in payload.get("blocks", []):
        if "text" in block:
            parts.append(str(block["text"]["text"]))
        parts.extend(str(e.get("text", "")) for e in block.get("elements", []))
    return "\n".join(parts)


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def link() -> Iterator[SocketModeServer]:
    server = SocketModeServer()
    yield server
    server.close()


@pytest.fixture
def sqlite_database(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "pulse.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def test_slash_commands_over_socket_mode(stub: SlackStub, link: SocketModeServer, sqlite_database: Database) -> None:
    stub.on("apps.connections.open", {"ok": True, "url": link.url})
    stub.users[USER] = {"real_name": "Owner", "tz": "Europe/Paris"}
    settings = Settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=stub.api_url,
        DATABASE_URL=sqlite_database.url,
    )
    handler = socket_mode_handler(Runtime.build(settings, sqlite_database))
    handler.connect()
    try:
        assert link.connected.wait(TIMEOUT)

        # Usage needs no database: the ack itself carries the ephemeral answer.
        link.send(slash_envelope("env-usage", "/risk", "", stub.response_url("usage")))
        usage = link.reply_to("env-usage")
        assert set(usage) == {"envelope_id", "payload"}
        assert usage["payload"]["response_type"] == "ephemeral"
        assert "/risk add" in message_text(usage["payload"])

        # Commands that are done within the ack budget are answered in the ack itself, as over HTTP.
        new = "new TNS-APPEALS Appeals SLA reduction channel:<#C0APPEALS|tns-appeals>"
        link.send(slash_envelope("env-new", "/program", new, stub.response_url("new")))
        created = link.reply_to("env-new")
        assert created["envelope_id"] == "env-new"
        assert created["payload"]["response_type"] == "ephemeral"
        assert "TNS-APPEALS" in message_text(created["payload"])

        link.send(slash_envelope("env-list", "/program", "list", stub.response_url("list")))
        listed = link.reply_to("env-list")["payload"]
        assert "TNS-APPEALS" in message_text(listed)
        assert "Appeals SLA reduction" in message_text(listed)
    finally:
        close(handler, link)

    opened = stub.calls("apps.connections.open")
    assert opened and opened[0].token == APP_TOKEN  # the app-level token, never the bot token
    assert {c.token for c in stub.calls() if c.method != "apps.connections.open"} == {BOT_TOKEN}
    assert link.paths[0].startswith("/link/?ticket=local-test")
    assert stub.responses() == []  # every answer came in its ack


def test_socket_mode_handler_needs_the_app_token(sqlite_database: Database) -> None:
    settings = Settings(_env_file=None, SLACK_BOT_TOKEN=BOT_TOKEN, DATABASE_URL=sqlite_database.url)
    with pytest.raises(ValueError, match="SLACK_APP_TOKEN"):
        socket_mode_handler(Runtime.build(settings, sqlite_database))


# The gate: redeliveries applied once, malformed payloads dropped ------------------------------------------


def click_envelope(envelope_id: str, action_id: str, value: str, response_url: str) -> dict[str, Any]:
    """A button click as Slack sends it over Socket Mode: a `block_actions` payload in an envelope."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "socket"},
        "user": {"id": USER, "team_id": TEAM},
        "channel": {"id": "C0GENERAL", "name": "general"},
        "trigger_id": "1.738474920.8088930838d88f008e0",
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "pulse", "value": value}],
    }
    return {"envelope_id": envelope_id, "type": "interactive", "accepts_response_payload": False, "payload": payload}


def home_envelope(envelope_id: str, event_id: str, retry: int = 0) -> dict[str, Any]:
    """`app_home_opened` over Socket Mode; Slack's retry of it carries the same event_id in a new envelope."""
    payload = {
        "type": "event_callback",
        "team_id": TEAM,
        "api_app_id": "A0PULSE",
        "event_id": event_id,
        "event_time": 1700000000,
        "event": {"type": "app_home_opened", "user": USER, "channel": "D0HOME", "tab": "home"},
    }
    envelope = {"envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False, "payload": payload}
    return envelope | ({"retry_attempt": retry, "retry_reason": "timeout"} if retry else {})


@pytest.fixture
def connected(stub: SlackStub, link: SocketModeServer, sqlite_database: Database) -> Iterator[SocketModeServer]:
    """`pulse serve`'s Socket Mode handler, connected to the local link."""
    stub.on("apps.connections.open", {"ok": True, "url": link.url})
    stub.users[USER] = {"real_name": "Owner", "tz": "Europe/Paris"}
    settings = Settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=stub.api_url,
        DATABASE_URL=sqlite_database.url,
    )
    handler = socket_mode_handler(Runtime.build(settings, sqlite_database))
    handler.connect()
    assert link.connected.wait(TIMEOUT)
    yield link
    close(handler, link)


def test_an_envelope_delivered_again_is_applied_once(
    connected: SocketModeServer, stub: SlackStub, sqlite_database: Database
) -> None:
    new = slash_envelope("env-new", "/program", "new TNS-APPEALS Appeals SLA reduction", stub.response_url("new"))
    connected.send(new)
    first = connected.reply_to("env-new")
    assert "TNS-APPEALS" in message_text(first["payload"])
    connected.send(new)  # the same envelope again (e.g. after a reconnect): acknowledged with the first answer
    assert connected.reply_to("env-new") == first
    connected.send({**new, "envelope_id": "env-new-2"})  # the same command in another envelope
    assert connected.reply_to("env-new-2")["payload"] == first["payload"]

    risk = slash_envelope(
        "env-risk", "/risk", "add TNS-APPEALS Vendor exits likelihood:2 impact:2", stub.response_url("r")
    )
    connected.send(risk)
    assert "R-1 added" in message_text(connected.reply_to("env-risk")["payload"])
    click = click_envelope("env-click", "risk_reviewed", "R-1", stub.response_url("click"))
    connected.send(click)
    connected.reply_to("env-click")
    assert "R-1 reviewed" in str(stub.wait_for_response("click", timeout=TIMEOUT)[0].payload)
    connected.send({**click, "envelope_id": "env-click-2"})
    connected.reply_to("env-click-2")

    connected.send(home_envelope("env-home", "Ev0HOME1"))
    connected.reply_to("env-home")
    stub.wait_for("views.publish", count=1, timeout=TIMEOUT)
    connected.send(home_envelope("env-home-retry", "Ev0HOME1", retry=1))  # Slack's retry: a new envelope
    connected.reply_to("env-home-retry")
    connected.send(home_envelope("env-home-next", "Ev0HOME2"))  # another opening of the tab
    connected.reply_to("env-home-next")
    stub.wait_for("views.publish", count=2, timeout=TIMEOUT)

    assert len(fetch_all(sqlite_database, Program)) == 1
    assert [(e.entity_ref, e.action) for e in fetch_all(sqlite_database, AuditEvent)] == [
        ("TNS-APPEALS", "create"),
        ("R-1", "create"),
        ("R-1", "review"),
    ]
    assert len(stub.responses("click")) == 1  # the click's reply, once
    assert len(stub.calls("views.publish")) == 2  # once per event, not per delivery


@pytest.mark.parametrize(
    "envelope",
    [
        pytest.param({"type": "slash_commands", "payload": {"command": "/program", "text": "list"}}, id="no-user"),
        pytest.param({"type": "slash_commands", "payload": "program list"}, id="text-payload"),
        pytest.param({"type": "interactive", "payload": {"type": "block_actions", "actions": []}}, id="no-actions"),
        pytest.param({"type": "interactive", "payload": {"type": 7}}, id="numeric-type"),
        pytest.param({"type": "events_api", "payload": {"type": "event_callback", "event": {}}}, id="no-event-id"),
        pytest.param({"type": "surprise", "payload": {"type": "block_actions"}}, id="unknown-envelope"),
    ],
)
def test_a_malformed_envelope_is_acknowledged_and_dropped(
    connected: SocketModeServer,
    stub: SlackStub,
    sqlite_database: Database,
    caplog: pytest.LogCaptureFixture,
    envelope: dict[str, Any],
) -> None:
    with nothing_written(sqlite_database):
        connected.send({"envelope_id": "env-bad", **envelope})
        assert connected.reply_to("env-bad") == {"envelope_id": "env-bad"}  # acknowledged, not answered
    (refused,) = [r.getMessage() for r in caplog.records if r.name == "bot.socket_gate"]
    assert refused.startswith(f"refused a Socket Mode {envelope['type']} envelope: a"), refused
    assert not [r for r in caplog.records if r.exc_info], "a stack trace was logged"
    assert [c.method for c in stub.calls() if c.method != "apps.connections.open"] == []
